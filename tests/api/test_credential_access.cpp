// Who may read, use, edit and delete a credential (AWX CredentialAccess), the credential
// sub-lists, copy/, input sources, and the secret that must never leave the server in clear.
#include <fstream>
#include <set>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "core/secrets.hpp"
#include "credential_fixtures.hpp"

namespace baton::testing {
namespace {

const std::string kCreds = "/api/v2/credentials/";

std::string OrgUrl(int64_t id) {
  return "/api/v2/organizations/" + std::to_string(id) + "/";
}
std::string TeamUrl(int64_t id) {
  return "/api/v2/teams/" + std::to_string(id) + "/";
}

// An organization with a team and one user per relation to a team-owned credential.
struct World {
  Api api;
  int64_t org = 0, team = 0, owner = 0;
  World() {
    org = api.Org("Acme");
    team = api.Team("Ops", org);
    api.Grant(OrgUrl(org), "admin_role", api.User("org_admin"));
    api.Grant(OrgUrl(org), "credential_admin_role", api.User("cred_admin"));
    api.Grant(OrgUrl(org), "member_role", api.User("org_member"));
    api.Grant(OrgUrl(org), "auditor_role", api.User("org_auditor"));
    api.User("sys_auditor", false, true);
    owner = api.User("owner");
    api.Grant(TeamUrl(team), "member_role", api.User("team_member"));
    api.Grant(TeamUrl(team), "admin_role", api.User("team_admin"));
    api.User("outsider");
  }
  // A credential owned by the team (hence in its organization), with `owner` as owner user.
  int64_t Cred(const std::string& name) {
    int64_t id =
        api.Post(TeamUrl(team) + "credentials/",
                 json::object{{"name", name},
                              {"credential_type", TypeId(api, "Machine")},
                              {"inputs", json::object{{"username", "u"}, {"password", "p"}}}})
            .Expect(201)
            .id();
    api.Grant(CredUrl(id), "admin_role", owner);
    return id;
  }
};

TEST(CredRbac, Matrix) {
  World w;
  struct Row {
    const char* user;
    bool read, use, edit, remove;
  } rows[] = {
      {"admin", true, true, true, true},          {"org_admin", true, true, true, true},
      {"cred_admin", true, true, true, true},     {"owner", true, true, true, true},
      {"team_admin", true, true, true, true},     {"team_member", true, true, false, false},
      {"org_auditor", true, false, false, false}, {"sys_auditor", true, false, false, false},
      {"org_member", false, false, false, false}, {"outsider", false, false, false, false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.user);
    int64_t id = w.Cred(std::string("c-") + row.user);
    std::string url = CredUrl(id);
    Resp g = w.api.Get(url).As(row.user).Send();
    EXPECT_EQ(g.status, row.read ? 200 : 403);
    EXPECT_EQ(w.api.Get(kCreds + "?id=" + std::to_string(id)).As(row.user).Expect(200).count(),
              row.read ? 1 : 0);
    if (row.read) {
      EXPECT_EQ(Caps(g).at("use"), row.use);
      EXPECT_EQ(Caps(g).at("edit"), row.edit);
      EXPECT_EQ(Caps(g).at("delete"), row.remove);
      EXPECT_EQ(Caps(g).at("copy"), std::string(row.user) == "admin");  // AWX: superusers only
      EXPECT_EQ(g["inputs"].as_object().at("password"), "$encrypted$");
    }
    EXPECT_EQ(w.api.Patch(url, json::object{{"description", "x"}}).As(row.user).Send().status,
              row.edit ? 200 : 403);
    EXPECT_EQ(w.api.Delete(url).As(row.user).Send().status, row.remove ? 204 : 403);
  }
}

TEST(CredRbac, WhoMayCreate) {
  World w;
  int64_t machine = TypeId(w.api, "Machine");
  auto post = [&](const char* as, json::object owner) {
    json::object body{
        {"name", std::string("n-") + as + "-" + std::to_string(owner.begin()->value().as_int64())},
        {"credential_type", machine}};
    for (auto& kv : owner) body[kv.key()] = kv.value();
    return w.api.Post(kCreds, body).As(as).Send().status;
  };
  for (const char* who : {"admin", "org_admin", "cred_admin"})
    EXPECT_EQ(post(who, {{"organization", w.org}}), 201) << who;
  for (const char* who : {"org_member", "org_auditor", "team_admin", "outsider"})
    EXPECT_EQ(post(who, {{"organization", w.org}}), 403) << who;
  for (const char* who : {"admin", "org_admin", "team_admin"})
    EXPECT_EQ(post(who, {{"team", w.team}}), 201) << who;
  for (const char* who : {"team_member", "cred_admin", "outsider"})
    EXPECT_EQ(post(who, {{"team", w.team}}), 403) << who;
  // A user's own credential; org admins may create for their members, nobody else for others.
  EXPECT_EQ(post("outsider", {{"user", w.api.Get("/api/v2/me/")
                                           .As("outsider")
                                           .Expect(200)
                                           .results()[0]
                                           .as_object()
                                           .at("id")
                                           .as_int64()}}),
            201);
  int64_t member = w.api.Get("/api/v2/users/?username=org_member")
                       .Expect(200)
                       .results()[0]
                       .as_object()
                       .at("id")
                       .as_int64();
  EXPECT_EQ(post("org_admin", {{"user", member}}), 201);
  EXPECT_EQ(post("outsider", {{"user", member}}), 403);
  EXPECT_EQ(post("team_admin", {{"user", member}}), 403);
  // Read-scoped tokens never write.
  std::string token = w.api.NewToken("cred_admin", "read");
  w.api
      .Post(kCreds,
            json::object{{"name", "t"}, {"credential_type", machine}, {"organization", w.org}})
      .Token(token)
      .Expect(403);
}

TEST(CredRbac, RolesSubListsAndGrants) {
  World w;
  int64_t id = w.Cred("c");
  Resp roles = w.api.Get(CredUrl(id, "object_roles")).Expect(200);
  EXPECT_EQ(roles.count(), 3);
  std::set<std::string> access;
  Resp al = w.api.Get(CredUrl(id, "access_list")).Expect(200);
  for (auto& u : al.results()) access.insert(std::string(u.as_object().at("username").as_string()));
  for (const char* u :
       {"owner", "team_member", "team_admin", "org_admin", "cred_admin", "org_auditor"})
    EXPECT_TRUE(access.count(u)) << u;
  EXPECT_FALSE(access.count("outsider"));
  // The owner may grant use to someone else; the grantee then sees and may use it.
  int64_t use = w.api.RoleOf(CredUrl(id), "use_role");
  int64_t outsider = w.api.Get("/api/v2/users/?username=outsider")
                         .Expect(200)
                         .results()[0]
                         .as_object()
                         .at("id")
                         .as_int64();
  w.api.Post("/api/v2/roles/" + std::to_string(use) + "/users/", json::object{{"id", outsider}})
      .As("team_member")
      .Expect(403);
  w.api.Post("/api/v2/roles/" + std::to_string(use) + "/users/", json::object{{"id", outsider}})
      .As("owner")
      .Expect(204);
  EXPECT_EQ(Caps(w.api.Get(CredUrl(id)).As("outsider").Expect(200)).at("use"), true);
  EXPECT_EQ(w.api.Get("/api/v2/users/" + std::to_string(outsider) + "/credentials/")
                .As("outsider")
                .Expect(200)
                .count(),
            1);
  // A team granted use through the roles API lists the credential.
  int64_t other_team = w.api.Team("Other", w.org);
  int64_t personal = w.api
                         .Post(kCreds, json::object{{"name", "p"},
                                                    {"credential_type", TypeId(w.api, "Machine")},
                                                    {"organization", w.org}})
                         .Expect(201)
                         .id();
  w.api
      .Post(TeamUrl(other_team) + "roles/",
            json::object{{"id", w.api.RoleOf(CredUrl(personal), "use_role")}})
      .Expect(204);
  Resp tl = w.api.Get(TeamUrl(other_team) + "credentials/").Expect(200);
  ASSERT_EQ(tl.count(), 1);
  EXPECT_EQ(tl.results()[0].as_object().at("id"), personal);
  EXPECT_EQ(w.api.Get(CredUrl(personal, "owner_teams")).Expect(200).count(),
            0);  // use, not ownership
  // Organization sub-list: L+C with the organization injected.
  Resp oc =
      w.api
          .Post(OrgUrl(w.org) + "credentials/",
                json::object{{"name", "via-org"}, {"credential_type", TypeId(w.api, "Machine")}})
          .As("cred_admin")
          .Expect(201);
  EXPECT_EQ(oc["organization"], w.org);
  w.api
      .Post(OrgUrl(w.org) + "credentials/",
            json::object{{"name", "no"}, {"credential_type", TypeId(w.api, "Machine")}})
      .As("org_member")
      .Expect(403);
  EXPECT_EQ(w.api.Get(OrgUrl(w.org) + "credentials/").As("org_member").Expect(200).count(), 0);
  EXPECT_EQ(w.api.Get(OrgUrl(w.org) + "credentials/").As("org_auditor").Expect(200).count(), 3);
  EXPECT_EQ(w.api.Get(OrgUrl(w.org)).Expect(200)["related"].as_object().at("credentials"),
            json::value(OrgUrl(w.org) + "credentials/"));
  // The activity stream of the credential: its create, the grants.
  EXPECT_GE(w.api.Get(CredUrl(id, "activity_stream")).Expect(200).count(), 1);
  EXPECT_EQ(w.api.Get(CredUrl(id, "activity_stream")).As("org_member").Send().status, 403);
}

TEST(CredCopy, CopiesSecretsAndOwnership) {
  World w;
  int64_t id = w.Cred("orig");
  Resp can = w.api.Get(CredUrl(id, "copy")).Expect(200);
  EXPECT_EQ(can.body, R"({"can_copy":true})");
  Resp same = w.api.Post(CredUrl(id, "copy"), json::object{{"name", "orig"}}).Expect(400);
  EXPECT_EQ(S(same["name"].as_array()[0]),
            "The original object is already named orig, a copy from it cannot have the same name.");
  w.api.Post(CredUrl(id, "copy"), json::object{}).Expect(400);
  Resp c = w.api.Post(CredUrl(id, "copy"), json::object{{"name", "copied"}})
               .As("cred_admin")
               .Expect(201);
  EXPECT_NE(c.id(), id);
  EXPECT_EQ(c["organization"], w.org);
  EXPECT_EQ(c["inputs"], (json::object{{"username", "u"}, {"password", "$encrypted$"}}));
  // The secret came along, encrypted anew.
  std::string key = LoadOrCreateKey(w.api.dir().string()).value();
  auto stored = [&](int64_t cred) {
    auto t = w.api.db().Local().QueryString("SELECT inputs FROM credentials WHERE id = ?", {cred});
    return std::string(ParseJson(*t)->as_object().at("password").as_string());
  };
  EXPECT_NE(stored(c.id()), stored(id));
  EXPECT_EQ(Decrypt(key, stored(c.id())).value(), "p");
  // Whoever copies owns the copy.
  Resp ou = w.api.Get(CredUrl(c.id(), "owner_users")).Expect(200);
  ASSERT_EQ(ou.count(), 1);
  EXPECT_EQ(ou.results()[0].as_object().at("username"), "cred_admin");
  // Readers who may not create in the organization cannot copy.
  EXPECT_EQ(w.api.Get(CredUrl(id, "copy")).As("org_auditor").Expect(200).body,
            R"({"can_copy":false})");
  w.api.Post(CredUrl(id, "copy"), json::object{{"name", "nope"}}).As("org_auditor").Expect(403);
  w.api.Get(CredUrl(id, "copy")).As("outsider").Expect(403);
}

TEST(CredCopy, PersonalCredentials) {
  World w;
  int64_t machine = TypeId(w.api, "Machine");
  int64_t owner_id = w.owner;
  int64_t id =
      w.api
          .Post(kCreds,
                json::object{{"name", "mine"}, {"credential_type", machine}, {"user", owner_id}})
          .As("owner")
          .Expect(201)
          .id();
  w.api.Grant(CredUrl(id), "read_role",
              w.api.Get("/api/v2/users/?username=outsider")
                  .Expect(200)
                  .results()[0]
                  .as_object()
                  .at("id")
                  .as_int64());
  EXPECT_EQ(w.api.Get(CredUrl(id, "copy")).As("outsider").Expect(200).body,
            R"({"can_copy":false})");
  w.api.Post(CredUrl(id, "copy"), json::object{{"name", "stolen"}}).As("outsider").Expect(403);
  Resp mine =
      w.api.Post(CredUrl(id, "copy"), json::object{{"name", "mine too"}}).As("owner").Expect(201);
  EXPECT_TRUE(mine["organization"].is_null());
  Resp su = w.api.Post(CredUrl(id, "copy"), json::object{{"name", "admins"}}).Expect(201);
  EXPECT_EQ(w.api.Get(CredUrl(su.id(), "owner_users"))
                .Expect(200)
                .results()[0]
                .as_object()
                .at("username"),
            "admin");
}

TEST(CredInputSources, NoExternalSourcesExist) {
  World w;
  int64_t id = w.Cred("target");
  EXPECT_EQ(w.api.Get("/api/v2/credential_input_sources/").Expect(200).count(), 0);
  Resp r =
      w.api
          .Post("/api/v2/credential_input_sources/", json::object{{"input_field_name", "password"},
                                                                  {"target_credential", id},
                                                                  {"source_credential", id}})
          .Expect(400);
  EXPECT_EQ(r.body, R"({"source_credential":["Source must be an external credential"]})");
  Resp bad = w.api
                 .Post(CredUrl(id, "input_sources"),
                       json::object{{"input_field_name", "bogus"}, {"source_credential", id}})
                 .Expect(400);
  EXPECT_EQ(
      S(bad["input_field_name"].as_array()[0]),
      "Input field must be defined on target credential (options are become_method, "
      "become_password, "
      "become_username, password, ssh_key_data, ssh_key_unlock, ssh_public_key_data, username).");
  EXPECT_TRUE(bad.obj().contains("source_credential"));
  Resp missing = w.api.Post("/api/v2/credential_input_sources/", json::object{}).Expect(400);
  for (const char* f : {"input_field_name", "target_credential", "source_credential"})
    EXPECT_EQ(S(missing[f].as_array()[0]), "This field is required.") << f;
  // A stored one (as a plugin would make) is shown and guarded by the target's roles.
  int64_t src = w.api.db().Local().Insert(
      "INSERT INTO credential_input_sources (input_field_name, target_credential_id, "
      "source_credential_id, "
      "created, modified) VALUES ('password', ?, ?, '2024-01-01T00:00:00Z', "
      "'2024-01-01T00:00:00Z') RETURNING id",
      {id, id});
  std::string url = "/api/v2/credential_input_sources/" + std::to_string(src) + "/";
  Resp g = w.api.Get(url).As("team_member").Expect(200);
  EXPECT_EQ(g["summary_fields"].as_object().at("target_credential").as_object().at("kind"), "ssh");
  EXPECT_EQ(g["related"].as_object().at("source_credential"), json::value(CredUrl(id)));
  EXPECT_EQ(Caps(g).at("delete"), false);
  w.api.Get(url).As("outsider").Expect(403);
  EXPECT_EQ(w.api.Get(CredUrl(id, "input_sources")).As("owner").Expect(200).count(), 1);
  w.api.Delete(url).As("team_member").Expect(403);
  w.api.Delete(url).As("owner").Expect(204);
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CredSecret, NeverInResponsesNorInTheDatabaseFile) {
  const std::string secret = "SUPER-SECRET-VALUE-123";
  // Everything the server logs during the test is captured too.
  std::ostringstream logs;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(logs));
  capture->set_level(spdlog::level::trace);
  spdlog::set_default_logger(capture);
  World w;
  int64_t machine = TypeId(w.api, "Machine");
  std::vector<Resp> seen;
  seen.push_back(
      w.api
          .Post(kCreds,
                json::object{{"name", "s"},
                             {"credential_type", machine},
                             {"organization", w.org},
                             {"inputs", json::object{{"username", "u"},
                                                     {"password", secret},
                                                     {"become_password", secret + "-2"},
                                                     {"ssh_key_data", Keys().pkcs8_encrypted},
                                                     {"ssh_key_unlock", secret + "-3"}}}})
          .Expect(201));
  int64_t id = seen.back().id();
  // Another secret, set by an update.
  seen.push_back(
      w.api
          .Patch(CredUrl(id),
                 json::object{{"inputs", json::object{{"username", "u2"},
                                                      {"password", "$encrypted$"},
                                                      {"become_password", secret + "-4"},
                                                      {"ssh_key_data", "$encrypted$"},
                                                      {"ssh_key_unlock", "$encrypted$"}}}})
          .Expect(200));
  seen.push_back(w.api.Post(CredUrl(id, "copy"), json::object{{"name", "s2"}}).Expect(201));
  int64_t copy = seen.back().id();
  for (const std::string& url : std::vector<std::string>{
           CredUrl(id), CredUrl(copy), kCreds, kCreds + "?search=SUPER",
           CredUrl(id, "activity_stream"), CredUrl(copy, "activity_stream"),
           std::string("/api/v2/activity_stream/"), OrgUrl(w.org) + "credentials/",
           TeamUrl(w.team) + "credentials/", "/api/v2/users/1/credentials/",
           "/api/v2/credential_types/" + std::to_string(machine) + "/credentials/",
           CredUrl(id, "copy"), "/api/v2/credentials/s++Machine+ssh++Acme/"}) {
    seen.push_back(w.api.Get(url).Expect(200));
    seen.push_back(w.api.Get(url).As("team_member").Send());
  }
  seen.push_back(w.api.Options(CredUrl(id)).Expect(200));
  for (const auto& r : seen) {
    EXPECT_EQ(r.body.find("SUPER-SECRET"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("AESGCM"), std::string::npos) << r.body;
  }
  EXPECT_EQ(w.api.Get(kCreds + "?search=SUPER").Expect(200).count(), 0);
  // A refused write carrying the secret.
  seen.push_back(w.api
                     .Post(kCreds, json::object{{"name", "bad"},
                                                {"credential_type", machine},
                                                {"organization", w.org},
                                                {"inputs", json::object{{"password", secret},
                                                                        {"bogus_field", secret}}}})
                     .Send());
  EXPECT_EQ(seen.back().status, 400);
  spdlog::set_default_logger(previous);
  EXPECT_EQ(logs.str().find("SUPER-SECRET"), std::string::npos) << logs.str();
  // The database file and its write-ahead log hold ciphertext only.
  std::string db = ReadFile(w.api.dir() / "baton.db") + ReadFile(w.api.dir() / "baton.db-wal");
  EXPECT_GT(db.size(), 4096u);
  EXPECT_NE(db.find("AESGCM"), std::string::npos);
  EXPECT_EQ(db.find("SUPER-SECRET"), std::string::npos);
  EXPECT_EQ(db.find(Keys().pkcs8_encrypted.substr(40, 40)), std::string::npos);
}

}  // namespace
}  // namespace baton::testing
