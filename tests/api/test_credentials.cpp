// Credentials (api-resources.md §7): owners, representation, inputs validated against the type,
// secrets encrypted at rest and masked, "$encrypted$" on update, SSH keys, copy/, managed.
#include "core/secrets.hpp"
#include "credential_fixtures.hpp"

namespace baton::testing {
namespace {

const std::string kCreds = "/api/v2/credentials/";

json::value J(const char* text) {
  return *ParseJson(text);
}

// The stored (encrypted) inputs of a credential, read from the database.
json::object Stored(Api& api, int64_t id) {
  auto text = api.db().Local().QueryString("SELECT inputs FROM credentials WHERE id = ?", {id});
  return ParseJson(text.value_or("{}"))->as_object();
}

std::string Key(Api& api) {
  return LoadOrCreateKey(api.dir().string()).value();
}

std::string Plain(Api& api, int64_t id, const char* field) {
  auto v = Decrypt(Key(api), S(Stored(api, id).at(field)));
  return v.ok() ? v.value() : "<undecryptable>";
}

TEST(CredCrud, CreateShowsMaskedSecretsAndAwxShape) {
  Api api;
  int64_t machine = TypeId(api, "Machine");
  Resp r = api.Post(kCreds, json::object{{"name", "C1"},
                                         {"description", "d"},
                                         {"credential_type", machine},
                                         {"organization", 1},
                                         {"inputs", json::object{{"username", "bob"},
                                                                 {"password", "pw-1"},
                                                                 {"become_method", "sudo"}}}})
               .Expect(201);
  int64_t id = r.id();
  EXPECT_EQ(r.Header("Location"), CredUrl(id));
  EXPECT_EQ(r["inputs"],
            J(R"({"username": "bob", "password": "$encrypted$", "become_method": "sudo"})"));
  EXPECT_EQ(r["kind"], "ssh");
  EXPECT_EQ(r["cloud"], false);
  EXPECT_EQ(r["kubernetes"], false);
  EXPECT_EQ(r["managed"], false);
  EXPECT_EQ(r["organization"], 1);
  EXPECT_FALSE(r.obj().contains("user"));
  EXPECT_FALSE(r.obj().contains("team"));
  // AWX field order after the envelope.
  std::vector<std::string> keys;
  for (auto& kv : r.obj()) keys.emplace_back(kv.key());
  std::vector<std::string> tail(keys.end() - 11, keys.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"created", "modified", "name", "description",
                                            "organization", "credential_type", "managed", "inputs",
                                            "kind", "cloud", "kubernetes"}));
  auto& rel = r["related"].as_object();
  EXPECT_EQ(rel.at("named_url"), "/api/v2/credentials/C1++Machine+ssh++Default/");
  for (const char* k : {"activity_stream", "access_list", "object_roles", "owner_users",
                        "owner_teams", "copy", "input_sources"})
    EXPECT_EQ(rel.at(k), json::value(CredUrl(id, k))) << k;
  EXPECT_EQ(rel.at("credential_type"),
            json::value("/api/v2/credential_types/" + std::to_string(machine) + "/"));
  EXPECT_EQ(rel.at("organization"), "/api/v2/organizations/1/");
  EXPECT_EQ(rel.at("created_by"), "/api/v2/users/1/");
  auto& sf = r["summary_fields"].as_object();
  EXPECT_EQ(sf.at("organization").as_object().at("name"), "Default");
  EXPECT_EQ(sf.at("credential_type"),
            (json::object{{"id", machine}, {"name", "Machine"}, {"description", ""}}));
  for (const char* role : {"admin_role", "use_role", "read_role"})
    EXPECT_TRUE(sf.at("object_roles").as_object().contains(role)) << role;
  EXPECT_EQ(Caps(r),
            (json::object{{"edit", true}, {"delete", true}, {"copy", true}, {"use", true}}));
  auto& owners = sf.at("owners").as_array();
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owners[0], (json::object{{"id", 1},
                                     {"type", "organization"},
                                     {"name", "Default"},
                                     {"description", ""},
                                     {"url", "/api/v2/organizations/1/"}}));
  // Detail by id and by named URL; list items mask too and carry no named_url.
  EXPECT_EQ(api.Get("/api/v2/credentials/C1++Machine+ssh++Default/").Expect(200).id(), id);
  Resp l = api.Get(kCreds + "?name=C1").Expect(200);
  ASSERT_EQ(l.count(), 1);
  EXPECT_EQ(l.results()[0].as_object().at("inputs").as_object().at("password"), "$encrypted$");
  EXPECT_FALSE(l.results()[0].as_object().at("related").as_object().contains("named_url"));
  // Lookups the collection makes.
  EXPECT_EQ(
      api.Get(kCreds + "?name=C1&credential_type=" + std::to_string(machine) + "&organization=1")
          .Expect(200)
          .count(),
      1);
  api.Get(kCreds + "?inputs__icontains=pw").Expect(403);
  // Stored encrypted.
  EXPECT_TRUE(IsEncrypted(S(Stored(api, id).at("password"))));
  EXPECT_EQ(Stored(api, id).at("username"), "bob");
  EXPECT_EQ(Plain(api, id, "password"), "pw-1");
}

TEST(CredCrud, ExactlyOneOwner) {
  Api api;
  int64_t machine = TypeId(api, "Machine");
  int64_t team = api.Team("T", 1);
  int64_t u = api.User("u");
  json::object base{{"name", "c"}, {"credential_type", machine}};
  Resp none = api.Post(kCreds, base).Expect(400);
  EXPECT_EQ(none.body, R"({"detail":["Missing 'user', 'team', or 'organization'."]})");
  json::object nulls = base;
  nulls["organization"] = nullptr;
  nulls["user"] = nullptr;
  api.Post(kCreds, nulls).Expect(400);
  json::object two = base;
  two["organization"] = 1;
  two["user"] = u;
  Resp t = api.Post(kCreds, two).Expect(400);
  EXPECT_EQ(
      t.body,
      R"({"detail":["Only one of 'user', 'team', or 'organization' should be provided, received organization, user fields."]})");
  two["team"] = team;
  Resp three = api.Post(kCreds, two).Expect(400);
  EXPECT_EQ(
      S(three["detail"].as_array()[0]),
      "Only one of 'user', 'team', or 'organization' should be provided, received organization, "
      "team, user fields.");
  json::object bad_user = base;
  bad_user["user"] = 999;
  Resp bu = api.Post(kCreds, bad_user).Expect(400);
  EXPECT_EQ(S(bu["user"].as_array()[0]), "Invalid pk \"999\" - object does not exist.");
  Resp nt = api.Post(kCreds, json::object{{"name", "c"}, {"organization", 1}}).Expect(400);
  EXPECT_EQ(S(nt["credential_type"].as_array()[0]), "This field is required.");
  EXPECT_EQ(api.Get(kCreds).Expect(200).count(), 0);
}

TEST(CredCrud, PersonalCredential) {
  Api api;
  int64_t u = api.User("uma");
  Resp r = api.Post(kCreds,
                    json::object{
                        {"name", "mine"}, {"credential_type", TypeId(api, "Machine")}, {"user", u}})
               .As("uma")
               .Expect(201);
  int64_t id = r.id();
  EXPECT_TRUE(r["organization"].is_null());
  EXPECT_EQ(r["related"].as_object().at("user"),
            json::value("/api/v2/users/" + std::to_string(u) + "/"));
  EXPECT_FALSE(r["related"].as_object().contains("organization"));
  EXPECT_EQ(r["related"].as_object().at("named_url"), "/api/v2/credentials/mine++Machine+ssh++/");
  auto& owners = r["summary_fields"].as_object().at("owners").as_array();
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owners[0].as_object().at("type"), "user");
  EXPECT_EQ(owners[0].as_object().at("name"), "uma");
  Resp ou = api.Get(CredUrl(id, "owner_users")).As("uma").Expect(200);
  ASSERT_EQ(ou.count(), 1);
  EXPECT_EQ(ou.results()[0].as_object().at("id"), u);
  EXPECT_EQ(api.Get("/api/v2/credentials/mine++Machine+ssh++/").As("uma").Expect(200).id(), id);
  EXPECT_EQ(
      api.Get("/api/v2/users/" + std::to_string(u) + "/credentials/").As("uma").Expect(200).count(),
      1);
  // Another user cannot give a credential to uma.
  api.User("other");
  api.Post(kCreds,
           json::object{{"name", "gift"}, {"credential_type", TypeId(api, "Machine")}, {"user", u}})
      .As("other")
      .Expect(403);
  // Duplicates are allowed without an organization.
  api.Post(kCreds,
           json::object{{"name", "mine"}, {"credential_type", TypeId(api, "Machine")}, {"user", u}})
      .As("uma")
      .Expect(201);
  api.Patch(CredUrl(id), json::object{{"description", "x"}}).As("uma").Expect(200);
  api.Delete(CredUrl(id)).As("uma").Expect(204);
}

TEST(CredCrud, TeamCredentialBelongsToTheTeamsOrganization) {
  Api api;
  int64_t org = api.Org("TeamOrg");
  int64_t team = api.Team("Ops", org);
  Resp r = api.Post("/api/v2/teams/" + std::to_string(team) + "/credentials/",
                    json::object{{"name", "shared"}, {"credential_type", TypeId(api, "Machine")}})
               .Expect(201);
  EXPECT_EQ(r["organization"], org);
  std::vector<std::string> types;
  for (auto& o : r["summary_fields"].as_object().at("owners").as_array())
    types.emplace_back(o.as_object().at("type").as_string());
  EXPECT_EQ(types, (std::vector<std::string>{"organization", "team"}));
  Resp ot = api.Get(CredUrl(r.id(), "owner_teams")).Expect(200);
  ASSERT_EQ(ot.count(), 1);
  EXPECT_EQ(ot.results()[0].as_object().at("id"), team);
  EXPECT_EQ(api.Get("/api/v2/teams/" + std::to_string(team) + "/credentials/").Expect(200).count(),
            1);
  EXPECT_EQ(
      api.Get("/api/v2/organizations/" + std::to_string(org) + "/credentials/").Expect(200).count(),
      1);
  EXPECT_EQ(api.Get("/api/v2/teams/" + std::to_string(team) + "/")
                .Expect(200)["related"]
                .as_object()
                .at("credentials"),
            json::value("/api/v2/teams/" + std::to_string(team) + "/credentials/"));
  // The sub-list injects the owner: a second owner in the body is an error.
  api.Post("/api/v2/teams/" + std::to_string(team) + "/credentials/",
           json::object{
               {"name", "x"}, {"credential_type", TypeId(api, "Machine")}, {"organization", org}})
      .Expect(400);
}

TEST(CredCrud, UniqueWithinOrganizationAndType) {
  Api api;
  int64_t other = api.Org("Other");
  MachineCred(api, "same", 1);
  Resp r = api.Post(kCreds, json::object{{"name", "same"},
                                         {"credential_type", TypeId(api, "Machine")},
                                         {"organization", 1}})
               .Expect(400);
  EXPECT_EQ(S(r["__all__"].as_array()[0]),
            "Credential with this Organization, Name and Credential type already exists.");
  MachineCred(api, "same", other);
  api.Post(kCreds, json::object{{"name", "same"},
                                {"credential_type", TypeId(api, "Vault")},
                                {"organization", 1},
                                {"inputs", json::object{{"vault_password", "v"}}}})
      .Expect(201);
}

TEST(CredCrud, OrganizationDeleteTakesItsCredentials) {
  Api api;
  int64_t org = api.Org("Gone");
  int64_t id = MachineCred(api, "c", org);
  int64_t role = api.RoleOf(CredUrl(id), "admin_role");
  api.Delete("/api/v2/organizations/" + std::to_string(org) + "/").Expect(204);
  api.Get(CredUrl(id)).Expect(404);
  api.Get("/api/v2/roles/" + std::to_string(role) + "/").Expect(404);
  EXPECT_EQ(
      api.Get("/api/v2/activity_stream/?object1=credential&operation=delete").Expect(200).count(),
      1);
}

TEST(CredCrud, ChangingTheOrganizationMovesTheRoles) {
  Api api;
  int64_t a = api.Org("A"), b = api.Org("B");
  int64_t ca = api.User("ca"), cb = api.User("cb");
  api.Grant("/api/v2/organizations/" + std::to_string(a) + "/", "credential_admin_role", ca);
  api.Grant("/api/v2/organizations/" + std::to_string(b) + "/", "credential_admin_role", cb);
  int64_t id = MachineCred(api, "mv", a);
  api.Get(CredUrl(id)).As("ca").Expect(200);
  api.Get(CredUrl(id)).As("cb").Expect(403);
  // Credential admin of A only may not move it to B.
  api.Patch(CredUrl(id), json::object{{"organization", b}}).As("ca").Expect(403);
  api.Patch(CredUrl(id), json::object{{"organization", b}}).Expect(200);
  api.Get(CredUrl(id)).As("ca").Expect(403);
  api.Get(CredUrl(id)).As("cb").Expect(200);
}

TEST(CredCrud, ManagedCredentialsAreReadOnly) {
  Api api;
  int64_t id = api.db().Local().Insert(
      "INSERT INTO credentials (name, credential_type_id, organization_id, inputs, managed, "
      "created, "
      "modified) VALUES ('Ansible Galaxy', ?, NULL, '{\"url\": \"https://galaxy.ansible.com/\"}', "
      "1, "
      "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {TypeId(api, "Ansible%20Galaxy/Automation%20Hub%20API%20Token")});
  Resp p = api.Patch(CredUrl(id), json::object{{"description", "x"}}).Expect(403);
  EXPECT_EQ(S(p["detail"]), "Modifications not allowed for managed credentials");
  Resp d = api.Delete(CredUrl(id)).Expect(403);
  EXPECT_EQ(S(d["detail"]), "Deletion not allowed for managed credentials");
  Resp g = api.Get(CredUrl(id)).Expect(200);
  EXPECT_EQ(g["managed"], true);
  EXPECT_EQ(Caps(g).at("edit"), false);
}

TEST(CredCrud, GalaxyCredentialsNeedAnOrganization) {
  Api api;
  int64_t galaxy = TypeId(api, "Ansible%20Galaxy/Automation%20Hub%20API%20Token");
  Resp r = api.Post(kCreds,
                    json::object{{"name", "g"},
                                 {"credential_type", galaxy},
                                 {"user", 1},
                                 {"inputs", json::object{{"url", "https://galaxy.ansible.com/"}}}})
               .Expect(400);
  EXPECT_EQ(r.body, R"({"organization":["Galaxy credentials must be owned by an Organization."]})");
  api.Post(kCreds, json::object{{"name", "g"},
                                {"credential_type", galaxy},
                                {"organization", 1},
                                {"inputs", json::object{{"url", "https://galaxy.ansible.com/"}}}})
      .Expect(201);
}

TEST(CredUpdate, EncryptedKeepsTheStoredSecret) {
  Api api;
  int64_t id = MachineCred(api, "c", 1, json::object{{"username", "bob"}, {"password", "first"}});
  std::string before = S(Stored(api, id).at("password"));
  Resp p = api.Patch(CredUrl(id),
                     json::object{{"inputs",
                                   json::object{{"username", "rob"}, {"password", "$encrypted$"}}}})
               .Expect(200);
  EXPECT_EQ(p["inputs"], J(R"({"username": "rob", "password": "$encrypted$"})"));
  EXPECT_EQ(S(Stored(api, id).at("password")), before);
  EXPECT_EQ(Plain(api, id, "password"), "first");
  // A new value is encrypted anew; PATCH without inputs keeps them.
  api.Patch(CredUrl(id),
            json::object{{"inputs", json::object{{"username", "rob"}, {"password", "second"}}}})
      .Expect(200);
  EXPECT_EQ(Plain(api, id, "password"), "second");
  api.Patch(CredUrl(id), json::object{{"description", "x"}}).Expect(200);
  EXPECT_EQ(Plain(api, id, "password"), "second");
  // Inputs are replaced as a whole (AWX): leaving the secret out removes it.
  api.Patch(CredUrl(id), json::object{{"inputs", json::object{{"username", "rob"}}}}).Expect(200);
  EXPECT_FALSE(Stored(api, id).contains("password"));
  // "$encrypted$" for a secret that was never set stores nothing.
  Resp n = api.Patch(CredUrl(id),
                     json::object{{"inputs", json::object{{"become_password", "$encrypted$"}}}})
               .Expect(200);
  EXPECT_EQ(n["inputs"], json::object{});
  // Secrets must be strings on update.
  Resp bad =
      api.Patch(CredUrl(id), json::object{{"inputs", json::object{{"password", 5}}}}).Expect(400);
  EXPECT_EQ(bad.body, R"({"inputs":["secret values must be of type string, not int"]})");
  // The update's activity entry hides the inputs.
  Resp as = api.Get(CredUrl(id, "activity_stream") + "?operation=update").Expect(200);
  ASSERT_GE(as.count(), 1);
  EXPECT_EQ(as.results()[0].as_object().at("changes").as_object().at("inputs"),
            (json::array{"hidden", "hidden"}));
}

TEST(CredUpdate, VaultIdIsImmutable) {
  Api api;
  Resp r = api.Post(kCreds, json::object{{"name", "v"},
                                         {"credential_type", TypeId(api, "Vault")},
                                         {"organization", 1},
                                         {"inputs", json::object{{"vault_id", "prod"},
                                                                 {"vault_password", "pw"}}}})
               .Expect(201);
  Resp p = api.Patch(CredUrl(r.id()),
                     json::object{{"inputs", json::object{{"vault_id", "dev"},
                                                          {"vault_password", "$encrypted$"}}}})
               .Expect(400);
  EXPECT_EQ(p.body, R"({"inputs":["Vault IDs cannot be changed once they have been created."]})");
  api.Patch(CredUrl(r.id()),
            json::object{{"inputs", json::object{{"vault_id", "prod"}, {"vault_password", "new"}}}})
      .Expect(200);
  Resp at = api.Post(kCreds, json::object{{"name", "v2"},
                                          {"credential_type", TypeId(api, "Vault")},
                                          {"organization", 1},
                                          {"inputs", json::object{{"vault_id", "a@b"},
                                                                  {"vault_password", "pw"}}}})
                .Expect(400);
  EXPECT_EQ(at.body, R"({"inputs":{"vault_id":["@ is not an allowed character"]}})");
}

TEST(CredUpdate, ChangingTheTypeRevalidatesTheStoredInputs) {
  Api api;
  int64_t id = MachineCred(api, "c", 1, json::object{{"username", "bob"}, {"password", "pw"}});
  Resp p = api.Patch(CredUrl(id), json::object{{"credential_type", TypeId(api, "Source Control")}})
               .Expect(200);
  EXPECT_EQ(p["kind"], "scm");
  EXPECT_EQ(p["inputs"], J(R"({"username": "bob", "password": "$encrypted$"})"));
  EXPECT_EQ(Plain(api, id, "password"), "pw");
  Resp v =
      api.Patch(CredUrl(id), json::object{{"credential_type", TypeId(api, "Vault")}}).Expect(400);
  EXPECT_EQ(S(v["inputs"].as_array()[0]),
            "Additional properties are not allowed ('username', 'password' were unexpected)");
}

// A ciphertext pasted into a field that is not secret is kept as text: neither an update nor a
// copy decrypts it, so the API can never serve as a decryption oracle.
TEST(CredUpdate, CiphertextInAPlainFieldIsNeverDecrypted) {
  Api api;
  int64_t victim = MachineCred(api, "victim", 1, json::object{{"password", "victim-secret"}});
  std::string cipher = S(Stored(api, victim).at("password"));
  int64_t id = MachineCred(api, "mine", 1, json::object{{"username", cipher}});
  EXPECT_EQ(api.Get(CredUrl(id)).Expect(200)["inputs"].as_object().at("username"), "$encrypted$");
  Resp c = api.Post(CredUrl(id, "copy"), json::object{{"name", "copied"}}).Expect(201);
  EXPECT_EQ(Stored(api, c.id()).at("username"), json::value(cipher));
  api.Patch(CredUrl(id), json::object{{"credential_type", TypeId(api, "Source Control")}})
      .Expect(200);
  EXPECT_EQ(Stored(api, id).at("username"), json::value(cipher));
}

}  // namespace
}  // namespace baton::testing
