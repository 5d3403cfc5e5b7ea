// Organizations, users, teams, roles and tokens (api-resources.md §2-§5, contract §3).
#include "harness.hpp"

namespace baton::testing {
namespace {

std::string S(const json::value& v) {
  return std::string(v.as_string());
}

TEST(Organizations, CrudAndActivityStream) {
  Api api;
  Resp c = api.Post("/api/v2/organizations/", json::object{{"name", "Eng"}, {"description", "d"}})
               .Expect(201);
  int64_t id = c.id();
  EXPECT_EQ(c.Header("Location"), "/api/v2/organizations/" + std::to_string(id) + "/");
  EXPECT_EQ(c["related"].as_object().at("named_url"), "/api/v2/organizations/Eng/");
  Resp p = api.Patch("/api/v2/organizations/" + std::to_string(id) + "/",
                     json::object{{"description", "e"}})
               .Expect(200);
  EXPECT_EQ(p["description"], "e");
  // PUT requires the required fields.
  Resp put = api.Put("/api/v2/organizations/" + std::to_string(id) + "/",
                     json::object{{"description", "f"}})
                 .Expect(400);
  EXPECT_EQ(put["name"].as_array()[0], "This field is required.");
  Resp as =
      api.Get("/api/v2/organizations/" + std::to_string(id) + "/activity_stream/").Expect(200);
  ASSERT_EQ(as.count(), 2);
  EXPECT_EQ(as.results()[0].as_object().at("operation"), "create");
  EXPECT_EQ(as.results()[1].as_object().at("operation"), "update");
  EXPECT_EQ(as.results()[1].as_object().at("changes").as_object().at("description"),
            (json::array{"d", "e"}));
  api.Delete("/api/v2/organizations/" + std::to_string(id) + "/").Expect(204);
  api.Get("/api/v2/organizations/" + std::to_string(id) + "/").Expect(404);
  Resp all = api.Get("/api/v2/activity_stream/?object1=organization&operation=delete").Expect(200);
  EXPECT_EQ(all.count(), 1);
}

TEST(Organizations, NamedUrlDetail) {
  Api api;
  api.Org("Named Org");
  Resp r = api.Get("/api/v2/organizations/Named%20Org/").Expect(200);
  EXPECT_EQ(r["name"], "Named Org");
  api.Get("/api/v2/organizations/Nope/").Expect(404);
  api.Get("/api/v2/organizations/Nope/").Anonymous().Expect(401);
}

TEST(Organizations, OnlySuperusersCreate) {
  Api api;
  api.User("joe");
  api.Post("/api/v2/organizations/", json::object{{"name", "X"}}).As("joe").Expect(403);
  EXPECT_EQ(api.Get("/api/v2/organizations/?name=X").Expect(200).count(), 0);
}

TEST(Organizations, MaxHostsOnlyBySuperuser) {
  Api api;
  int64_t org = api.Org("MH");
  int64_t u = api.User("oa");
  api.Grant("/api/v2/organizations/" + std::to_string(org) + "/", "admin_role", u);
  std::string url = "/api/v2/organizations/" + std::to_string(org) + "/";
  Resp r = api.Patch(url, json::object{{"max_hosts", 5}}).As("oa").Expect(400);
  EXPECT_EQ(r["__all__"].as_array()[0], "Cannot change max_hosts.");
  api.Patch(url, json::object{{"description", "ok"}}).As("oa").Expect(200);
  api.Patch(url, json::object{{"max_hosts", 5}}).Expect(200);
}

TEST(Organizations, MembersAndAdminsSubLists) {
  Api api;
  int64_t org = api.Org("M");
  int64_t u = api.User("m1");
  std::string base = "/api/v2/organizations/" + std::to_string(org);
  api.Post(base + "/users/", json::object{{"id", u}}).Expect(204);
  api.Post(base + "/users/", json::object{{"id", u}}).Expect(204);  // idempotent
  EXPECT_EQ(api.Get(base + "/users/").Expect(200).count(), 1);
  // Create-and-add through the sub-list (the user module with organization:).
  Resp c = api.Post(base + "/users/", json::object{{"username", "m2"}, {"password", "pw123456"}})
               .Expect(201);
  EXPECT_EQ(api.Get(base + "/users/").Expect(200).count(), 2);
  api.Post(base + "/admins/", json::object{{"id", u}}).Expect(204);
  EXPECT_EQ(api.Get(base + "/admins/").Expect(200).count(), 1);
  api.Post(base + "/users/", json::object{{"id", c.id()}, {"disassociate", true}}).Expect(204);
  EXPECT_EQ(api.Get(base + "/users/").Expect(200).count(), 1);
  Resp counts = api.Get(base + "/").Expect(200);
  auto& rfc = counts["summary_fields"].as_object().at("related_field_counts").as_object();
  EXPECT_EQ(rfc.at("users"), 1);
  EXPECT_EQ(rfc.at("admins"), 1);
  Resp assoc = api.Get("/api/v2/activity_stream/?operation=associate").Expect(200);
  EXPECT_GE(assoc.count(), 2);
}

TEST(Organizations, TeamsSubListCreatesAndDisassociateDeletes) {
  Api api;
  int64_t org = api.Org("TO");
  std::string base = "/api/v2/organizations/" + std::to_string(org) + "/teams/";
  Resp t = api.Post(base, json::object{{"name", "tt"}}).Expect(201);
  EXPECT_EQ(t["organization"], org);
  api.Post(base, json::object{{"id", t.id()}, {"disassociate", true}}).Expect(204);
  api.Get("/api/v2/teams/" + std::to_string(t.id()) + "/").Expect(404);
}

TEST(Users, PasswordIsHashedAndNeverReturned) {
  Api api;
  Resp r =
      api.Post("/api/v2/users/", json::object{{"username", "pw"}, {"password", "s3cret-Value"}})
          .Expect(201);
  EXPECT_EQ(r["password"], "$encrypted$");
  auto stored = api.db().Local().QueryString("SELECT password FROM users WHERE username = 'pw'");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->rfind("pbkdf2_sha256$", 0), 0u);
  EXPECT_EQ(stored->find("s3cret-Value"), std::string::npos);
  // $encrypted$ keeps the password; the user can still log in with it.
  api.Patch("/api/v2/users/" + std::to_string(r.id()) + "/",
            json::object{{"password", "$encrypted$"}})
      .Expect(200);
  http::Request req;
  req.method = "GET";
  req.path = req.target = "/api/v2/me/";
  req.headers.emplace_back("authorization", "Basic " + Base64Encode("pw:s3cret-Value"));
  EXPECT_EQ(api.Raw(req).status, 200);
  // Changing the password invalidates the old one.
  api.Patch("/api/v2/users/" + std::to_string(r.id()) + "/",
            json::object{{"password", "n3w-Value"}})
      .Expect(200);
  EXPECT_EQ(api.Raw(req).status, 401);
}

TEST(Users, Validation) {
  Api api;
  Resp r = api.Post("/api/v2/users/",
                    json::object{{"username", "bad name!"}, {"password", "x"}, {"email", "nope"}})
               .Expect(400);
  EXPECT_EQ(S(r["username"].as_array()[0]),
            "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
            "characters.");
  EXPECT_EQ(r["email"].as_array()[0], "Enter a valid email address.");
  Resp np = api.Post("/api/v2/users/", json::object{{"username", "nopw"}}).Expect(400);
  EXPECT_EQ(np["password"].as_array()[0], "Password required for new User.");
  api.User("dup");
  Resp dup =
      api.Post("/api/v2/users/", json::object{{"username", "dup"}, {"password", "x"}}).Expect(400);
  EXPECT_EQ(dup["username"].as_array()[0], "A user with that username already exists.");
}

TEST(Users, SuperuserFlagOnlyBySuperuser) {
  Api api;
  int64_t u = api.User("plain");
  Resp r =
      api.Patch("/api/v2/users/" + std::to_string(u) + "/", json::object{{"is_superuser", true}})
          .As("plain")
          .Expect(403);
  EXPECT_EQ(r["detail"], "Cannot change is_superuser.");
  api.Patch("/api/v2/users/" + std::to_string(u) + "/", json::object{{"first_name", "P"}})
      .As("plain")
      .Expect(200);
  api.Patch("/api/v2/users/" + std::to_string(u) + "/", json::object{{"is_superuser", true}})
      .Expect(200);
  api.Post("/api/v2/organizations/", json::object{{"name", "NowSU"}}).As("plain").Expect(201);
}

TEST(Users, SystemAuditorReadsEverythingWritesNothing) {
  Api api;
  api.User("aud", false, true);
  int64_t org = api.Org("Hidden");
  api.Get("/api/v2/organizations/" + std::to_string(org) + "/").As("aud").Expect(200);
  api.Patch("/api/v2/organizations/" + std::to_string(org) + "/",
            json::object{{"description", "x"}})
      .As("aud")
      .Expect(403);
  api.Post("/api/v2/organizations/", json::object{{"name", "A"}}).As("aud").Expect(403);
}

TEST(Users, CannotDeleteSelf) {
  Api api;
  api.Delete("/api/v2/users/1/").Expect(403);
}

TEST(Users, NamedUrlForPersonalTokens) {
  Api api;
  api.User("cli");
  // `awx login`: POST /api/v2/users/<username>/personal_tokens/ with Basic auth.
  Resp r = api.Post("/api/v2/users/cli/personal_tokens/",
                    json::object{
                        {"description", "AWX CLI"}, {"application", nullptr}, {"scope", "write"}})
               .As("cli")
               .Expect(201);
  EXPECT_EQ(r["token"].as_string().size(), 30u);
  api.Get("/api/v2/users/").Token(S(r["token"])).Expect(200);
  // Another user's personal tokens are not yours to create.
  api.User("other");
  api.Post("/api/v2/users/cli/personal_tokens/", json::object{{"scope", "write"}})
      .As("other")
      .Expect(403);
}

TEST(Tokens, CollectionFlow) {
  Api api;
  // The awx.awx collection: POST /api/v2/tokens/ with Basic, use Bearer, DELETE with Basic.
  Resp t = api.Post("/api/v2/tokens/",
                    json::object{{"description", "Automation Platform Controller Module Token"},
                                 {"application", nullptr},
                                 {"scope", "write"}})
               .Expect(201);
  EXPECT_TRUE(t.obj().contains("id"));
  std::string token = S(t["token"]);
  EXPECT_EQ(t["type"], "o_auth2_access_token");
  EXPECT_TRUE(t["refresh_token"].is_null());
  api.Post("/api/v2/organizations/", json::object{{"name", "ViaBearer"}}).Token(token).Expect(201);
  Resp g = api.Get("/api/v2/tokens/" + std::to_string(t.id()) + "/").Expect(200);
  EXPECT_EQ(g["token"], "************");
  api.Delete("/api/v2/tokens/" + std::to_string(t.id()) + "/").Expect(204);
  api.Get("/api/v2/organizations/").Token(token).Expect(401);
}

TEST(Tokens, StoredHashed) {
  Api api;
  std::string token = api.NewToken("admin");
  auto rows = api.db().Local().Query("SELECT token_hash FROM tokens");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(store::AsString(rows.rows[0][0]), token);
  EXPECT_EQ(store::AsString(rows.rows[0][0]), Sha256Hex(token));
}

TEST(Tokens, ScopeValidationAndReadScope) {
  Api api;
  Resp bad = api.Post("/api/v2/tokens/", json::object{{"scope", "read read"}}).Expect(400);
  EXPECT_EQ(bad["scope"].as_array()[0],
            "Must be a simple space-separated string with allowed scopes ['read', 'write'].");
  api.Post("/api/v2/tokens/", json::object{{"scope", "admin"}}).Expect(400);
  std::string ro = api.NewToken("admin", "read");
  api.Get("/api/v2/organizations/").Token(ro).Expect(200);
  api.Post("/api/v2/organizations/", json::object{{"name", "RO"}}).Token(ro).Expect(403);
  EXPECT_EQ(api.Get("/api/v2/organizations/?name=RO").Expect(200).count(), 0);
  Resp caps = api.Get("/api/v2/organizations/1/").Token(ro).Expect(200);
  EXPECT_EQ(caps["summary_fields"].as_object().at("user_capabilities").as_object().at("edit"),
            false);
}

TEST(Tokens, BearerWinsOverSessionCookieAndSkipsCsrf) {
  Api api;
  std::string token = api.NewToken("admin");
  api.Post("/api/v2/organizations/", json::object{{"name", "B"}})
      .Token(token)
      .Header("Cookie", "awx_sessionid=garbage; csrftoken=abc")
      .Expect(201);
}

TEST(Tokens, UsersSeeOnlyTheirOwn) {
  Api api;
  api.User("a1");
  api.User("a2");
  api.NewToken("a1");
  api.NewToken("a2");
  EXPECT_EQ(api.Get("/api/v2/tokens/").As("a1").Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/tokens/").Expect(200).count(), 2);
}

// Regression: the login form's own decoder threw on a '%' that starts no escape (a 500); it is
// decoded leniently, as Django does, and the login just fails.
TEST(Sessions, LoginFormWithBadPercentEscapeIsAFailedLogin) {
  Api api;
  Resp root = api.Get("/api/").Anonymous().Expect(200);
  std::string cookie = root.Header("Set-Cookie");
  std::string csrf = cookie.substr(10, cookie.find(';') - 10);
  api.PostRaw("/api/login/", std::string("username=%zz&password=100%&next=/api/%"))
      .Anonymous()
      .ContentType("application/x-www-form-urlencoded")
      .Header("Cookie", "csrftoken=" + csrf)
      .Header("X-CSRFToken", csrf)
      .Expect(401);
}

TEST(Sessions, LoginFlowWithCsrf) {
  Api api;
  Resp root = api.Get("/api/").Anonymous().Expect(200);
  std::string cookie = root.Header("Set-Cookie");
  std::string csrf = cookie.substr(10, cookie.find(';') - 10);
  // Missing CSRF token.
  api.PostRaw("/api/login/", "username=admin&password=x&next=/api/")
      .Anonymous()
      .ContentType("application/x-www-form-urlencoded")
      .Expect(403);
  // Wrong password: the form again with 401.
  api.PostRaw("/api/login/", std::string("username=admin&password=wrong&next=/api/"))
      .Anonymous()
      .ContentType("application/x-www-form-urlencoded")
      .Header("Cookie", "csrftoken=" + csrf)
      .Header("X-CSRFToken", csrf)
      .Expect(401);
  Resp ok = api.PostRaw("/api/login/",
                        std::string("username=admin&password=") + Api::kPassword + "&next=/api/")
                .Anonymous()
                .ContentType("application/x-www-form-urlencoded")
                .Header("Cookie", "csrftoken=" + csrf)
                .Header("X-CSRFToken", csrf)
                .Header("Referer", "http://localhost/api/login/")
                .Expect(302);
  EXPECT_EQ(ok.Header("Location"), "/api/");
  EXPECT_EQ(ok.Header("X-API-Session-Cookie-Name"), "awx_sessionid");
  std::string session;
  for (auto& [k, v] : ok.headers)
    if (k == "Set-Cookie" && v.rfind("awx_sessionid=", 0) == 0)
      session = v.substr(14, v.find(';') - 14);
  ASSERT_FALSE(session.empty());
  std::string cookies = "awx_sessionid=" + session + "; csrftoken=" + csrf;
  Resp me = api.Get("/api/v2/me/").Anonymous().Header("Cookie", cookies).Expect(200);
  EXPECT_EQ(me.Header("Session-Timeout"), "1800");
  // Unsafe methods need the CSRF header.
  api.Post("/api/v2/organizations/", json::object{{"name", "S1"}})
      .Anonymous()
      .Header("Cookie", cookies)
      .Expect(403);
  api.Post("/api/v2/organizations/", json::object{{"name", "S1"}})
      .Anonymous()
      .Header("Cookie", cookies)
      .Header("X-CSRFToken", csrf)
      .Expect(201);
  api.Get("/api/logout/").Anonymous().Header("Cookie", cookies).Expect(302);
  api.Get("/api/v2/me/").Anonymous().Header("Cookie", cookies).Expect(401);
}

TEST(Teams, CrudUniquenessAndMembers) {
  Api api;
  int64_t org = api.Org("TO");
  int64_t t = api.Team("devs", org);
  Resp dup =
      api.Post("/api/v2/teams/", json::object{{"name", "devs"}, {"organization", org}}).Expect(400);
  EXPECT_EQ(dup["__all__"].as_array()[0], "Team with this Organization and Name already exists.");
  api.Team("devs", api.DefaultOrg());  // same name, other org
  Resp noorg = api.Post("/api/v2/teams/", json::object{{"name", "x"}}).Expect(400);
  EXPECT_EQ(noorg["organization"].as_array()[0], "This field is required.");
  Resp r = api.Get("/api/v2/teams/" + std::to_string(t) + "/").Expect(200);
  EXPECT_EQ(r["summary_fields"].as_object().at("organization").as_object().at("name"), "TO");
  EXPECT_EQ(r["related"].as_object().at("named_url"), "/api/v2/teams/devs++TO/");
  api.Get("/api/v2/teams/devs++TO/").Expect(200);
  int64_t u = api.User("tm");
  api.Post("/api/v2/teams/" + std::to_string(t) + "/users/", json::object{{"id", u}}).Expect(204);
  EXPECT_EQ(api.Get("/api/v2/users/?teams__name=devs").Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/teams/" + std::to_string(t) + "/").As("tm").Send().status, 200);
}

TEST(Teams, OrgAdminCreatesTeamsOnlyInOwnOrg) {
  Api api;
  int64_t org = api.Org("Mine");
  int64_t other = api.Org("Theirs");
  int64_t u = api.User("admin2");
  api.Grant("/api/v2/organizations/" + std::to_string(org) + "/", "admin_role", u);
  api.Post("/api/v2/teams/", json::object{{"name", "t"}, {"organization", org}})
      .As("admin2")
      .Expect(201);
  api.Post("/api/v2/teams/", json::object{{"name", "t"}, {"organization", other}})
      .As("admin2")
      .Expect(403);
}

TEST(Roles, GrantToTeamGivesMembersTheRole) {
  Api api;
  int64_t org = api.Org("RO");
  int64_t t = api.Team("readers", org);
  int64_t u = api.User("member");
  api.Post("/api/v2/teams/" + std::to_string(t) + "/users/", json::object{{"id", u}}).Expect(204);
  std::string ourl = "/api/v2/organizations/" + std::to_string(org) + "/";
  api.Get(ourl).As("member").Expect(403);
  int64_t admin_role = api.RoleOf(ourl, "auditor_role");
  // awx.awx role module: POST /api/v2/roles/<id>/teams/ {"id": team}.
  api.Post("/api/v2/roles/" + std::to_string(admin_role) + "/teams/", json::object{{"id", t}})
      .Expect(204);
  api.Get(ourl).As("member").Expect(200);
  api.Patch(ourl, json::object{{"description", "by team auditor"}}).As("member").Expect(403);
  EXPECT_EQ(api.Get("/api/v2/roles/" + std::to_string(admin_role) + "/teams/").Expect(200).count(),
            1);
  EXPECT_EQ(api.Get("/api/v2/teams/" + std::to_string(t) + "/roles/").Expect(200).count(), 1);
  api.Post("/api/v2/roles/" + std::to_string(admin_role) + "/teams/",
           json::object{{"id", t}, {"disassociate", true}})
      .Expect(204);
  api.Get(ourl).As("member").Expect(403);
}

TEST(Roles, TeamRefusals) {
  Api api;
  int64_t org = api.Org("RF");
  int64_t t = api.Team("x", org);
  std::string ourl = "/api/v2/organizations/" + std::to_string(org) + "/";
  Resp r = api.Post("/api/v2/teams/" + std::to_string(t) + "/roles/",
                    json::object{{"id", api.RoleOf(ourl, "member_role")}})
               .Expect(400);
  EXPECT_EQ(r["msg"],
            "You cannot assign an Organization participation role as a child role for a Team.");
  auto sys =
      api.db().Local().QueryInt("SELECT id FROM roles WHERE singleton_name = 'system_auditor'");
  Resp s = api.Post("/api/v2/teams/" + std::to_string(t) + "/roles/", json::object{{"id", *sys}})
               .Expect(400);
  EXPECT_EQ(s["msg"], "You cannot grant system-level permissions to a team.");
}

TEST(Roles, AncestryOrgAdminHoldsEverythingBelow) {
  Api api;
  int64_t org = api.Org("Anc");
  int64_t t = api.Team("team", org);
  int64_t u = api.User("boss");
  api.Grant("/api/v2/organizations/" + std::to_string(org) + "/", "admin_role", u);
  // Org admin administers the org's teams without holding a team role directly.
  api.Patch("/api/v2/teams/" + std::to_string(t) + "/", json::object{{"description", "x"}})
      .As("boss")
      .Expect(200);
  Resp me = api.Get("/api/v2/teams/").As("boss").Expect(200);
  EXPECT_EQ(me.count(), 1);
  // role_level filters to objects where the caller holds that role.
  EXPECT_EQ(api.Get("/api/v2/organizations/?role_level=admin_role").As("boss").Expect(200).count(),
            1);
}

TEST(Roles, RoleObjectsAndSummaries) {
  Api api;
  int64_t org = api.Org("RS");
  std::string ourl = "/api/v2/organizations/" + std::to_string(org) + "/";
  int64_t rid = api.RoleOf(ourl, "execute_role");
  Resp r = api.Get("/api/v2/roles/" + std::to_string(rid) + "/").Expect(200);
  EXPECT_EQ(r["name"], "Execute");
  EXPECT_EQ(r["description"], "May run any executable resources in the organization");
  auto& sf = r["summary_fields"].as_object();
  EXPECT_EQ(sf.at("resource_name"), "RS");
  EXPECT_EQ(sf.at("resource_type"), "organization");
  EXPECT_EQ(sf.at("resource_type_display_name"), "Organization");
  EXPECT_EQ(S(r["related"].as_object().at("organization")), ourl);
  EXPECT_EQ(api.Get(ourl + "object_roles/").Expect(200).count(), 13);
  EXPECT_EQ(
      api.Get("/api/v2/roles/?role_field=admin_role&content_type=organization").Expect(200).count(),
      2);
}

TEST(Roles, OnlyObjectAdminsGrant) {
  Api api;
  int64_t org = api.Org("G");
  int64_t u = api.User("nobody");
  int64_t v = api.User("victim");
  std::string ourl = "/api/v2/organizations/" + std::to_string(org) + "/";
  int64_t role = api.RoleOf(ourl, "admin_role");
  api.Post("/api/v2/roles/" + std::to_string(role) + "/users/", json::object{{"id", v}})
      .As("nobody")
      .Expect(403);
  api.Post("/api/v2/users/" + std::to_string(u) + "/roles/", json::object{{"id", role}})
      .As("nobody")
      .Expect(403);
  EXPECT_EQ(api.Get("/api/v2/roles/" + std::to_string(role) + "/users/").Expect(200).count(), 0);
  // System roles: superuser only, and they mirror the user flags.
  auto sys =
      *api.db().Local().QueryInt("SELECT id FROM roles WHERE singleton_name = 'system_auditor'");
  api.Post("/api/v2/roles/" + std::to_string(sys) + "/users/", json::object{{"id", v}}).Expect(204);
  EXPECT_EQ(api.Get("/api/v2/users/" + std::to_string(v) + "/").Expect(200)["is_system_auditor"],
            true);
}

TEST(Access, DetailNotReadableIs403MissingIs404) {
  Api api;
  int64_t org = api.Org("Secret");
  api.User("outsider");
  api.Get("/api/v2/organizations/" + std::to_string(org) + "/").As("outsider").Expect(403);
  api.Get("/api/v2/organizations/424242/").As("outsider").Expect(404);
}

// Who may read, change and delete each identity resource (a matrix of role -> outcome).
TEST(Access, Matrix) {
  Api api;
  int64_t org = api.Org("MX");
  int64_t team = api.Team("mt", org);
  std::string ourl = "/api/v2/organizations/" + std::to_string(org) + "/";
  std::string turl = "/api/v2/teams/" + std::to_string(team) + "/";
  int64_t member = api.User("x_member");
  int64_t admin = api.User("x_admin");
  int64_t auditor = api.User("x_auditor");
  int64_t tadmin = api.User("x_tadmin");
  api.User("x_none");
  api.Grant(ourl, "member_role", member);
  api.Grant(ourl, "admin_role", admin);
  api.Grant(ourl, "auditor_role", auditor);
  api.Grant(turl, "admin_role", tadmin);
  struct Row {
    std::string user;
    int org_read, org_edit, team_read, team_edit;
  };
  std::vector<Row> rows = {
      {"admin", 200, 200, 200, 200},    {"x_admin", 200, 200, 200, 200},
      {"x_member", 200, 403, 403, 403}, {"x_auditor", 200, 403, 200, 403},
      {"x_tadmin", 403, 403, 200, 200}, {"x_none", 403, 403, 403, 403},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.user);
    api.Get(ourl).As(r.user).Expect(r.org_read);
    api.Patch(ourl, json::object{{"description", r.user}}).As(r.user).Expect(r.org_edit);
    api.Get(turl).As(r.user).Expect(r.team_read);
    api.Patch(turl, json::object{{"description", r.user}}).As(r.user).Expect(r.team_edit);
  }
  // Delete: only admins of the object.
  api.Delete(turl).As("x_member").Expect(403);
  api.Delete(turl).As("x_tadmin").Expect(204);
  api.Delete(ourl).As("x_member").Expect(403);
  api.Delete(ourl).As("x_admin").Expect(204);
}

TEST(CredentialTypes, ManagedTypesSeeded) {
  Api api;
  Resp r = api.Get("/api/v2/credential_types/?name=Machine").Expect(200);
  ASSERT_EQ(r.count(), 1);
  auto& m = r.results()[0].as_object();
  EXPECT_EQ(m.at("kind"), "ssh");
  EXPECT_EQ(m.at("namespace"), "ssh");
  EXPECT_EQ(m.at("managed"), true);
  EXPECT_GE(api.Get("/api/v2/credential_types/").Expect(200).count(), 19);
  api.Get("/api/v2/credential_types/Machine+ssh/").Expect(200);
}

TEST(ActivityStream, VisibilityForNonAdmins) {
  Api api;
  api.Org("AS1");
  api.User("viewer");
  Resp r = api.Get("/api/v2/activity_stream/?object1=organization").As("viewer").Expect(200);
  EXPECT_EQ(r.count(), 0);
  EXPECT_GT(api.Get("/api/v2/activity_stream/").Expect(200).count(), 0);
}

}  // namespace
}  // namespace baton::testing

namespace baton::testing {
namespace {

// Regression: deleting an organization left its teams' roles behind, so team members kept
// access granted through the team and the next team could not be created.
TEST(Regression, DeletingOrgRemovesTeamRolesAndGrants) {
  Api api;
  int64_t x = api.Org("X");
  int64_t y = api.Org("Y");
  int64_t t = api.Team("T", x);
  int64_t eve = api.User("eve");
  std::string turl = "/api/v2/teams/" + std::to_string(t) + "/";
  std::string yurl = "/api/v2/organizations/" + std::to_string(y) + "/";
  int64_t member = api.RoleOf(turl, "member_role");
  api.Post("/api/v2/roles/" + std::to_string(member) + "/users/", json::object{{"id", eve}})
      .Expect(204);
  api.Post("/api/v2/roles/" + std::to_string(api.RoleOf(yurl, "read_role")) + "/teams/",
           json::object{{"id", t}})
      .Expect(204);
  api.Get(yurl).As("eve").Expect(200);
  api.Delete("/api/v2/organizations/" + std::to_string(x) + "/").Expect(204);
  api.Get("/api/v2/roles/" + std::to_string(member) + "/").Expect(404);
  api.Get(yurl).As("eve").Expect(403);
  EXPECT_EQ(api.Get("/api/v2/users/" + std::to_string(eve) + "/roles/").Expect(200).count(), 0);
  api.Post("/api/v2/teams/", json::object{{"name", "new"}, {"organization", y}}).Expect(201);
}

// Regression: ids were reused after the newest row was deleted (AWX never reuses them).
TEST(Regression, IdsAreNeverReused) {
  Api api;
  int64_t a = api.Org("A");
  api.Delete("/api/v2/organizations/" + std::to_string(a) + "/").Expect(204);
  EXPECT_GT(api.Org("B"), a);
}

}  // namespace
}  // namespace baton::testing
