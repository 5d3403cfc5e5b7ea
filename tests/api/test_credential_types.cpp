// Custom credential types (api-resources.md §6): kinds, the inputs/injectors schema with AWX's
// messages, managed and in-use rules, superuser-only writes.
#include "credential_fixtures.hpp"

namespace baton::testing {
namespace {

const std::string kTypes = "/api/v2/credential_types/";

json::value J(const char* text) {
  return *ParseJson(text);
}

int64_t CustomType(Api& api, const std::string& name, const char* inputs = nullptr,
                   const char* injectors = nullptr) {
  json::object body{{"name", name}, {"kind", "cloud"}};
  body["inputs"] =
      J(inputs ? inputs : R"({"fields": [{"id": "token", "label": "Token", "secret": true}]})");
  if (injectors) body["injectors"] = J(injectors);
  return api.Post(kTypes, body).Expect(201).id();
}

TEST(CredTypes, CreateCustomType) {
  Api api;
  const char* inputs =
      R"({"fields": [{"id": "server", "type": "string", "default": "", "label": ""}], "required": []})";
  Resp r =
      api.Post(kTypes,
               json::object{{"name", "Nexus"},
                            {"description", "Credentials type for Nexus"},
                            {"kind", "cloud"},
                            {"managed", true},  // read-only, ignored
                            {"inputs", J(inputs)},
                            {"injectors", J(R"({"extra_vars": {"nexus_credential": "test"}})")}})
          .Expect(201);
  EXPECT_EQ(r["kind"], "cloud");
  EXPECT_TRUE(r["namespace"].is_null());
  EXPECT_EQ(r["managed"], false);
  // Stored exactly as sent (the collection compares them for idempotency).
  EXPECT_EQ(r["inputs"], J(inputs));
  EXPECT_EQ(r["injectors"], J(R"({"extra_vars": {"nexus_credential": "test"}})"));
  auto& rel = r["related"].as_object();
  EXPECT_EQ(rel.at("named_url"), "/api/v2/credential_types/Nexus+cloud/");
  EXPECT_EQ(rel.at("credentials"), json::value(kTypes + std::to_string(r.id()) + "/credentials/"));
  EXPECT_EQ(rel.at("activity_stream"),
            json::value(kTypes + std::to_string(r.id()) + "/activity_stream/"));
  EXPECT_EQ(Caps(r).at("edit"), true);
  EXPECT_EQ(api.Get(kTypes + "Nexus+cloud/").Expect(200).id(), r.id());
  // A net type too; without inputs it gets {}.
  Resp n = api.Post(kTypes, json::object{{"name", "Router"}, {"kind", "net"}}).Expect(201);
  EXPECT_EQ(n["inputs"], json::object{});
  EXPECT_EQ(api.Get(kTypes + std::to_string(r.id()) + "/activity_stream/").Expect(200).count(), 1);
  // Edit and delete.
  api.Patch(kTypes + std::to_string(r.id()) + "/", json::object{{"description", "d2"}}).Expect(200);
  api.Delete(kTypes + std::to_string(r.id()) + "/").Expect(204);
  api.Get(kTypes + std::to_string(r.id()) + "/").Expect(404);
}

TEST(CredTypes, KindMustBeCloudOrNet) {
  Api api;
  for (const char* kind : {"ssh", "vault", "scm", "insights", "kubernetes", "galaxy"}) {
    Resp r = api.Post(kTypes, json::object{{"name", "K"}, {"kind", kind}}).Expect(400);
    EXPECT_EQ(r.body, std::string(R"({"kind":["Must be 'cloud' or 'net', not )") + kind + "\"]}");
  }
  Resp bad = api.Post(kTypes, json::object{{"name", "K"}, {"kind", "bogus"}}).Expect(400);
  EXPECT_EQ(S(bad["kind"].as_array()[0]), "\"bogus\" is not a valid choice.");
  Resp missing = api.Post(kTypes, json::object{{"name", "K"}}).Expect(400);
  EXPECT_EQ(S(missing["kind"].as_array()[0]), "This field is required.");
  int64_t id = CustomType(api, "K");
  Resp p = api.Patch(kTypes + std::to_string(id) + "/", json::object{{"kind", "ssh"}}).Expect(400);
  EXPECT_EQ(S(p["kind"].as_array()[0]), "Must be 'cloud' or 'net', not ssh");
}

TEST(CredTypes, NameAndKindUnique) {
  Api api;
  CustomType(api, "Dup");
  Resp r = api.Post(kTypes, json::object{{"name", "Dup"}, {"kind", "cloud"}}).Expect(400);
  EXPECT_EQ(S(r["__all__"].as_array()[0]),
            "Credential type with this Name and Kind already exists.");
  api.Post(kTypes, json::object{{"name", "Dup"}, {"kind", "net"}}).Expect(201);
}

TEST(CredTypes, OnlySuperusersWrite) {
  Api api;
  int64_t org = api.Org("O");
  int64_t oa = api.User("orgadmin");
  api.Grant("/api/v2/organizations/" + std::to_string(org) + "/", "admin_role", oa);
  api.User("joe");
  int64_t id = CustomType(api, "Mine");
  std::string url = kTypes + std::to_string(id) + "/";
  for (const char* who : {"orgadmin", "joe"}) {
    api.Post(kTypes, json::object{{"name", "X"}, {"kind", "cloud"}}).As(who).Expect(403);
    api.Patch(url, json::object{{"description", "x"}}).As(who).Expect(403);
    api.Delete(url).As(who).Expect(403);
    Resp g = api.Get(url).As(who).Expect(200);  // everyone reads
    EXPECT_EQ(Caps(g).at("edit"), false);
    EXPECT_EQ(Caps(g).at("delete"), false);
  }
  api.Get(url).Anonymous().Expect(401);
}

TEST(CredTypes, ManagedTypesAreReadOnly) {
  Api api;
  std::string url = kTypes + std::to_string(TypeId(api, "Machine")) + "/";
  Resp p = api.Patch(url, json::object{{"description", "x"}}).Expect(403);
  EXPECT_EQ(S(p["detail"]), "Modifications not allowed for managed credential types");
  api.Put(url, json::object{{"name", "Machine"}, {"kind", "ssh"}}).Expect(403);
  Resp d = api.Delete(url).Expect(403);
  EXPECT_EQ(S(d["detail"]), "Deletion not allowed for managed credential types");
  Resp g = api.Get(url).Expect(200);
  EXPECT_EQ(Caps(g).at("edit"), false);
  EXPECT_EQ(g["managed"], true);
}

TEST(CredTypes, InUseTypesKeepTheirInputs) {
  Api api;
  int64_t id = CustomType(api, "Used");
  std::string url = kTypes + std::to_string(id) + "/";
  int64_t cred =
      api.Post(kTypes + std::to_string(id) + "/credentials/",
               json::object{
                   {"name", "c"}, {"organization", 1}, {"inputs", json::object{{"token", "t"}}}})
          .Expect(201)
          .id();
  Resp p = api.Patch(url, json::object{{"inputs", J(R"({"fields": []})")}}).Expect(403);
  EXPECT_EQ(S(p["detail"]),
            "Modifications to inputs are not allowed for credential types that are in use");
  // Other fields, and the same inputs, may change.
  api.Patch(url, json::object{{"description", "still fine"},
                              {"injectors", J(R"({"env": {"TOKEN": "{{ token }}"}})")}})
      .Expect(200);
  api.Patch(url, json::object{{"inputs", api.Get(url).Expect(200)["inputs"]}}).Expect(200);
  Resp d = api.Delete(url).Expect(403);
  EXPECT_EQ(S(d["detail"]), "Credential types that are in use cannot be deleted");
  api.Delete(CredUrl(cred)).Expect(204);
  // Injectors may only use defined fields.
  Resp u = api.Patch(url, json::object{{"inputs", J(R"({"fields": []})")}}).Expect(400);
  EXPECT_EQ(u["injectors"], json::array{"TOKEN uses an undefined field ('token' is undefined)"});
  api.Patch(url, json::object{{"inputs", J(R"({"fields": []})")}, {"injectors", json::object{}}})
      .Expect(200);
  api.Delete(url).Expect(204);
}

TEST(CredTypes, InputsSchemaErrors) {
  Api api;
  struct Case {
    const char* inputs;
    const char* message;
  } cases[] = {
      {R"({"fields": [{"id": "1bad", "label": "x"}]})", "1bad is an invalid variable name"},
      {R"({"fields": [{"id": "a"}]})", "'label' is a required property"},
      {R"({"fields": [{"label": "A"}]})", "'id' is a required property"},
      {R"({"fields": [{"id": "a", "label": "A", "type": "number"}]})",
       "'number' is not one of ['string', 'boolean']"},
      {R"({"fields": [{"id": "a", "label": "A", "format": "email"}]})",
       "'email' is not one of ['ssh_private_key', 'url']"},
      {R"({"fields": [{"id": "a", "label": "A", "bogus": 1}]})",
       "Schema validation error in relative path ['fields', 0] (Additional properties are not "
       "allowed ('bogus' was unexpected))"},
      {R"({"fields": [{"id": "a", "label": "A", "secret": "yes"}]})",
       "str provided in relative path ['fields', 0, 'secret'], expected boolean"},
      {R"({"fields": {}})", "dict provided in relative path ['fields'], expected array"},
      {R"({"fields": ["a"]})", "str provided in relative path ['fields', 0], expected dict"},
      {R"({"fields": [{"id": "a", "label": "A", "choices": []}]})", "[] is too short"},
      {R"({"fields": [{"id": "a", "label": "A", "choices": ["x", "x"]}]})",
       "['x', 'x'] has non-unique elements"},
      {R"({"required": "a"})", "str provided in relative path ['required'], expected array"},
      {R"({"foo": 1, "bar": 2})",
       "Schema validation error in relative path [] (Additional properties are not allowed ('foo', "
       "'bar' were unexpected))"},
      {R"({"fields": [{"id": "tower", "label": "A"}]})", "\"tower\" is a reserved field name"},
      {R"({"fields": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]})",
       "field IDs must be unique (a)"},
      {R"({"fields": [{"id": "a", "label": "A", "type": "boolean", "secret": true}]})",
       "secret not allowed for boolean type (a)"},
      {R"({"fields": [{"id": "a", "label": "A", "type": "boolean", "choices": ["x"]}]})",
       "choices not allowed for boolean type (a)"},
      {R"({"fields": [{"id": "a", "label": "A", "type": "boolean", "default": "x"}]})",
       "x is not a boolean"},
      {R"({"fields": [{"id": "a", "label": "A", "default": true}]})", "True is not a string"},
      {R"({"fields": [{"id": "a", "label": "A"}], "required": ["b"]})",
       "required field IDs must be defined in fields (b)"},
      {R"({"fields": [], "dependencies": {"a": ["b"]}})",
       "'dependencies' is not supported for custom credentials."},
      {R"({"fields": [{"id": "a", "label": "A", "ask_at_runtime": true}]})",
       "'ask_at_runtime' is not supported for custom credentials."},
  };
  for (const auto& c : cases) {
    Resp r =
        api.Post(kTypes, json::object{{"name", "T"}, {"kind", "cloud"}, {"inputs", J(c.inputs)}})
            .Expect(400);
    ASSERT_TRUE(r.json.is_object() && r.obj().contains("inputs")) << c.inputs << " -> " << r.body;
    EXPECT_EQ(r["inputs"], json::array{c.message}) << c.inputs;
  }
  // Several schema errors are reported together.
  Resp many = api.Post(kTypes,
                       json::object{
                           {"name", "T"},
                           {"kind", "cloud"},
                           {"inputs", J(R"({"fields": [{"id": "1x"}, {"id": 5, "label": "L"}]})")}})
                  .Expect(400);
  EXPECT_EQ(many["inputs"].as_array().size(), 3u) << many.body;
  EXPECT_EQ(api.Get(kTypes + "?managed=false").Expect(200).count(), 0);
}

TEST(CredTypes, InjectorErrors) {
  Api api;
  const char* inputs =
      R"({"fields": [{"id": "a", "label": "A"}, {"id": "b", "label": "B", "secret": true}]})";
  struct Case {
    const char* injectors;
    const char* message;
  } cases[] = {
      {R"({"env": {"ANSIBLE_FOO": "x"}})",
       "Environment variable ANSIBLE_FOO may affect Ansible configuration so its use is not "
       "allowed "
       "in credentials."},
      {R"({"env": {"PATH": "x"}})",
       "Environment variable PATH is not allowed to be used in credentials."},
      {R"({"bogus": {}})",
       "Schema validation error in relative path [] (Additional properties are not allowed "
       "('bogus' was unexpected))"},
      {R"({"env": {"1X": "v"}})",
       "Schema validation error in relative path ['env'] ('1X' does not match any of the regexes: "
       "'^[a-zA-Z_]+[a-zA-Z0-9_]*$')"},
      {R"({"env": {"X": 5}})", "int provided in relative path ['env', 'X'], expected string"},
      {R"({"env": []})", "list provided in relative path ['env'], expected dict"},
      {R"({"file": {"tmpl": "x"}})",
       "Schema validation error in relative path ['file'] ('tmpl' does not match any of the "
       "regexes: '^template(\\\\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$')"},
      {R"({"env": {"X": "{{ nope }}"}})", "X uses an undefined field ('nope' is undefined)"},
      {R"({"extra_vars": {"v": "{{ tower.filename }}"}})",
       "v uses an undefined field (Must define unnamed file injector in order to reference "
       "`tower.filename`.)"},
      {R"({"env": {"X": "{{ tower }}"}})",
       "X uses an undefined field (Cannot directly reference reserved `tower` namespace "
       "container.)"},
      {R"({"env": {"X": "{{ a"}})",
       "Syntax error rendering template for X inside of env (unexpected end of template, expected "
       "'end of print statement'.)"},
      {R"({"file": {"template": "x", "template.more": "y"}})",
       "Must use multi-file syntax when injecting multiple files"},
  };
  for (const auto& c : cases) {
    Resp r = api.Post(kTypes, json::object{{"name", "T"},
                                           {"kind", "cloud"},
                                           {"inputs", J(inputs)},
                                           {"injectors", J(c.injectors)}})
                 .Expect(400);
    ASSERT_TRUE(r.json.is_object() && r.obj().contains("injectors"))
        << c.injectors << " -> " << r.body;
    EXPECT_EQ(r["injectors"], json::array{c.message}) << c.injectors;
  }
  // Valid uses of fields, files and tower.filename.
  api.Post(kTypes, json::object{{"name", "Single"},
                                {"kind", "cloud"},
                                {"inputs", J(inputs)},
                                {"injectors", J(R"({"file": {"template": "[x]\nb={{ b }}"},
                                  "env": {"CFG": "{{ tower.filename }}", "A": "{{a}}"},
                                  "extra_vars": {"v": "{{ a | default('') }}"}})")}})
      .Expect(201);
  api.Post(kTypes, json::object{{"name", "Multi"},
                                {"kind", "cloud"},
                                {"inputs", J(inputs)},
                                {"injectors",
                                 J(R"({"file": {"template.one": "{{ a }}", "template.two": "x"},
                                  "env": {"ONE": "{{ tower.filename.one }}"}})")}})
      .Expect(201);
  // Broken inputs and injectors are reported together.
  Resp both = api.Post(kTypes, json::object{{"name", "T"},
                                            {"kind", "cloud"},
                                            {"inputs", J(R"({"x": 1})")},
                                            {"injectors", J(R"({"y": 1})")}})
                  .Expect(400);
  EXPECT_TRUE(both.obj().contains("inputs") && both.obj().contains("injectors")) << both.body;
}

TEST(CredTypes, CredentialsSubList) {
  Api api;
  int64_t id = CustomType(api, "Sub");
  std::string sub = kTypes + std::to_string(id) + "/credentials/";
  Resp c = api.Post(sub, json::object{{"name", "one"}, {"organization", 1}}).Expect(201);
  EXPECT_EQ(c["credential_type"], id);
  EXPECT_EQ(c["kind"], nullptr);  // custom types have no namespace
  EXPECT_EQ(c["cloud"], true);
  MachineCred(api, "other", 1);
  Resp l = api.Get(sub).Expect(200);
  ASSERT_EQ(l.count(), 1);
  EXPECT_EQ(l.results()[0].as_object().at("name"), "one");
}

}  // namespace
}  // namespace baton::testing
