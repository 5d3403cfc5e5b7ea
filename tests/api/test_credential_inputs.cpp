// Credential inputs validated against the credential type (AWX CredentialInputField messages) and
// the ssh_private_key checks with the ssh_key_unlock rules.
#include "credential_fixtures.hpp"

namespace baton::testing {
namespace {

const std::string kCreds = "/api/v2/credentials/";

json::value J(const char* text) {
  return *ParseJson(text);
}

Resp PostInputs(Api& api, int64_t type, json::value inputs, int status) {
  return api
      .Post(kCreds, json::object{{"name", "c"},
                                 {"credential_type", type},
                                 {"organization", 1},
                                 {"inputs", std::move(inputs)}})
      .Expect(status);
}

int64_t CustomType(Api& api, const char* inputs) {
  return api
      .Post("/api/v2/credential_types/",
            json::object{{"name", "Custom"}, {"kind", "cloud"}, {"inputs", J(inputs)}})
      .Expect(201)
      .id();
}

TEST(CredInputs, ValidationMessages) {
  Api api;
  int64_t machine = TypeId(api, "Machine");
  int64_t network = TypeId(api, "Network");
  int64_t custom = CustomType(api, R"({"fields": [
      {"id": "flavor", "label": "Flavor", "choices": ["a", "b"]},
      {"id": "endpoint", "label": "Endpoint", "format": "url"},
      {"id": "flag", "label": "Flag", "type": "boolean"},
      {"id": "api_key", "label": "Key", "secret": true}]})");
  struct Case {
    int64_t type;
    const char* inputs;
    const char* body;
  } cases[] = {
      {machine, R"({"bogus": "x"})",
       R"j({"inputs":["Additional properties are not allowed ('bogus' was unexpected)"]})j"},
      {machine, R"({"username": "u", "a": 1, "b": 2})",
       R"j({"inputs":["Additional properties are not allowed ('a', 'b' were unexpected)"]})j"},
      {machine, R"({"username": 5})", R"({"inputs":{"username":["5 is not of type 'string'"]}})"},
      {machine, R"({"username": ["x"], "become_method": {"a": 1}})",
       R"({"inputs":{"username":["['x'] is not of type 'string'"],"become_method":["{'a': 1} is not of type 'string'"]}})"},
      {network, R"({"username": "u", "authorize": "yes"})",
       R"({"inputs":{"authorize":["'yes' is not of type 'boolean'"]}})"},
      {network, R"({"username": "u", "authorize_password": "p"})",
       R"({"inputs":{"authorize_password":["cannot be set unless \"Authorize\" is set"]}})"},
      {custom, R"({"flavor": "c"})", R"({"inputs":{"flavor":["'c' is not one of ['a', 'b']"]}})"},
      {custom, R"({"endpoint": "example.com"})",
       R"j({"inputs":{"endpoint":["Invalid URL: Missing url scheme (http, https, etc.)"]}})j"},
      {custom, R"({"endpoint": "https:nohost"})",
       R"({"inputs":{"endpoint":["Invalid URL: https:nohost"]}})"},
      {custom, R"({"flag": "true"})", R"({"inputs":{"flag":["'true' is not of type 'boolean'"]}})"},
      {custom, R"({"api_key": 12})", R"({"inputs":{"api_key":["12 is not of type 'string'"]}})"},
      {machine, R"({"password": "$encrypted$"})",
       R"({"inputs":["$encrypted$ is a reserved keyword, and cannot be used for password."]})"},
      {custom, R"({"api_key": "$encrypted$"})",
       R"({"inputs":["$encrypted$ is a reserved keyword, and cannot be used for api_key."]})"},
      {machine, R"([1])",
       R"({"inputs":["Expected a dictionary of items but got type \"list\"."]})"},
  };
  for (const auto& c : cases) {
    Resp r = PostInputs(api, c.type, J(c.inputs), 400);
    EXPECT_EQ(r.body, c.body) << c.inputs;
  }
  EXPECT_EQ(api.Get(kCreds).Expect(200).count(), 0);
  // Valid values of every kind.
  Resp ok = PostInputs(api, custom, J(R"({"flavor": "b", "endpoint": "https://api.example.com/v1",
                                           "flag": true, "api_key": "k"})"),
                       201);
  EXPECT_EQ(ok["inputs"],
            J(R"({"flavor": "b", "endpoint": "https://api.example.com/v1", "flag": true,
                                "api_key": "$encrypted$"})"));
}

TEST(CredInputs, NullMeansTheEmptyDefault) {
  Api api;
  int64_t custom = CustomType(
      api,
      R"({"fields": [{"id": "s", "label": "S"}, {"id": "c", "label": "C", "choices": ["x", "y"]},
                                                 {"id": "b", "label": "B", "type": "boolean"}]})");
  Resp r = PostInputs(api, custom, J(R"({"s": null, "c": null, "b": null})"), 201);
  EXPECT_EQ(r["inputs"], J(R"({"s": "", "c": "x", "b": false})"));
}

TEST(CredInputs, RequiredInputsMayComeLater) {
  // AWX accepts a credential with missing `required` inputs (they may come from input sources);
  // they are checked when a job starts.
  Api api;
  Resp r = PostInputs(api, TypeId(api, "Amazon%20Web%20Services"), json::object{}, 201);
  EXPECT_EQ(r["inputs"], json::object{});
  EXPECT_EQ(r["kind"], "aws");
  EXPECT_EQ(r["cloud"], true);
  Resp k = PostInputs(api, TypeId(api, "OpenShift%20or%20Kubernetes%20API%20Bearer%20Token"),
                      json::object{{"host", "https://k8s"}}, 201);
  EXPECT_EQ(k["kubernetes"], true);
}

TEST(CredInputs, AskIsKeptForPromptableFields) {
  Api api;
  Resp r = PostInputs(
      api, TypeId(api, "Machine"),
      J(R"({"username": "u", "password": "ASK", "become_password": "ASK", "ssh_key_unlock": ""})"),
      201);
  EXPECT_EQ(
      r["inputs"],
      J(R"({"username": "u", "password": "ASK", "become_password": "ASK", "ssh_key_unlock": ""})"));
  Resp v = PostInputs(api, TypeId(api, "Vault"), J(R"({"vault_password": "ASK"})"), 201);
  EXPECT_EQ(v["inputs"].as_object().at("vault_password"), "ASK");
  // Only fields that prompt at launch keep "ASK" readable; elsewhere it is a secret like any other.
  Resp s = PostInputs(api, TypeId(api, "Source%20Control"), J(R"({"password": "ASK"})"), 201);
  EXPECT_EQ(s["inputs"].as_object().at("password"), "$encrypted$");
}

TEST(CredSshKeys, UnencryptedKeys) {
  Api api;
  int64_t machine = TypeId(api, "Machine");
  for (const std::string& key : {Keys().traditional, Keys().pkcs8, std::string(kOpenSshKey)}) {
    Resp r = PostInputs(api, machine, json::object{{"ssh_key_data", key}}, 201);
    EXPECT_EQ(r["inputs"].as_object().at("ssh_key_data"), "$encrypted$");
    api.Delete(CredUrl(r.id())).Expect(204);
    Resp u = PostInputs(api, machine,
                        json::object{{"ssh_key_data", key}, {"ssh_key_unlock", "pass"}}, 400);
    EXPECT_EQ(
        u.body,
        R"({"inputs":{"ssh_key_unlock":["should not be set when SSH key is not encrypted."]}})")
        << key.substr(0, 40);
  }
  // Source Control and Network check keys the same way.
  PostInputs(api, TypeId(api, "Source%20Control"),
             json::object{{"ssh_key_data", std::string(kOpenSshKey)}}, 201);
}

TEST(CredSshKeys, EncryptedKeysNeedThePassphrase) {
  Api api;
  int64_t machine = TypeId(api, "Machine");
  for (const std::string& key :
       {Keys().pkcs8_encrypted, Keys().traditional_encrypted, std::string(kOpenSshKeyEncrypted)}) {
    Resp r = PostInputs(api, machine, json::object{{"ssh_key_data", key}}, 400);
    EXPECT_EQ(r.body, R"({"inputs":{"ssh_key_unlock":["must be set when SSH key is encrypted."]}})")
        << key.substr(0, 40);
    Resp ok = PostInputs(api, machine,
                         json::object{{"ssh_key_data", key}, {"ssh_key_unlock", "passw0rd"}}, 201);
    api.Delete(CredUrl(ok.id())).Expect(204);
  }
  Resp ask = PostInputs(
      api, machine,
      json::object{{"ssh_key_data", Keys().pkcs8_encrypted}, {"ssh_key_unlock", "ASK"}}, 201);
  EXPECT_EQ(ask["inputs"].as_object().at("ssh_key_unlock"), "ASK");
  // On update "$encrypted$" stands for the stored key and passphrase.
  std::string url = CredUrl(ask.id());
  api.Patch(url, json::object{{"inputs", json::object{{"ssh_key_data", "$encrypted$"},
                                                      {"ssh_key_unlock", "new-pass"}}}})
      .Expect(200);
  Resp drop =
      api.Patch(url, json::object{{"inputs", json::object{{"ssh_key_data", "$encrypted$"}}}})
          .Expect(400);
  EXPECT_EQ(drop.body,
            R"({"inputs":{"ssh_key_unlock":["must be set when SSH key is encrypted."]}})");
  api.Patch(url, json::object{{"inputs", json::object{{"ssh_key_data", "$encrypted$"},
                                                      {"ssh_key_unlock", "$encrypted$"}}}})
      .Expect(200);
}

TEST(CredSshKeys, InvalidKeys) {
  Api api;
  int64_t machine = TypeId(api, "Machine");
  auto message = [&](const std::string& key) {
    Resp r = PostInputs(api, machine, json::object{{"ssh_key_data", key}}, 400);
    if (!r.json.is_object() || !r.obj().contains("inputs") || !r["inputs"].is_object())
      return r.body;
    return S(r["inputs"].as_object().at("ssh_key_data").as_array()[0]);
  };
  EXPECT_EQ(message("not a key"), "Invalid certificate or key: not a key...");
  EXPECT_EQ(message("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            "At least one private key is required.");
  EXPECT_EQ(message("-----BEGIN FOO PRIVATE KEY-----\nAAAA\n-----END FOO PRIVATE KEY-----\n"),
            "Invalid private key: unsupported type \"FOO\"");
  EXPECT_EQ(message("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
            "Unsupported PEM object type: \"PUBLIC KEY\"");
  EXPECT_EQ(
      message("-----BEGIN RSA PRIVATE KEY-----\n!!!notbase64!!!\n-----END RSA PRIVATE KEY-----\n"),
      "Invalid base64-encoded data");
  // Well-formed armour around bytes that are no key: OpenSSL refuses them.
  EXPECT_EQ(message("-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END RSA "
                    "PRIVATE KEY-----\n"),
            "Invalid private key: the key could not be parsed");
  EXPECT_EQ(message("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END "
                    "OPENSSH PRIVATE KEY-----\n"),
            "Invalid private key: malformed OpenSSH key data");
  // A key followed by a certificate is fine; JSON-escaped "=" (GCE) is undone before the check.
  std::string with_cert =
      Keys().traditional + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  PostInputs(api, machine, json::object{{"ssh_key_data", with_cert}}, 201);
  std::string escaped = kOpenSshKeyEncrypted;
  escaped.replace(escaped.find("=="), 2, "\\u003d\\u003d");
  api.Post(kCreds, json::object{{"name", "gce"},
                                {"credential_type", machine},
                                {"organization", 1},
                                {"inputs",
                                 json::object{{"ssh_key_data", escaped}, {"ssh_key_unlock", "p"}}}})
      .Expect(201);
}

}  // namespace
}  // namespace baton::testing
