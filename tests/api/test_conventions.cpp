// Cross-cutting HTTP conventions (api-contract.md §1-§5, §8, §9).
#include "harness.hpp"

namespace baton::testing {
namespace {

TEST(Conventions, ApiRootIsAnonymousAndSetsCsrfCookie) {
  Api api;
  Resp r = api.Get("/api/").Anonymous().Expect(200);
  EXPECT_EQ(r["current_version"], "/api/v2/");
  EXPECT_EQ(r["available_versions"].as_object().at("v2"), "/api/v2/");
  EXPECT_EQ(r["oauth2"], "/api/o/");
  EXPECT_NE(r.Header("Set-Cookie").find("csrftoken="), std::string::npos);
}

TEST(Conventions, V2RootListsResourcePaths) {
  Api api;
  Resp r = api.Get("/api/v2/").Anonymous().Expect(200);
  for (const char* k : {"ping", "config", "me", "organizations", "users", "teams", "roles",
                        "tokens", "credential_types", "activity_stream"})
    EXPECT_TRUE(r.obj().contains(k)) << k;
  EXPECT_EQ(r["organizations"], "/api/v2/organizations/");
}

TEST(Conventions, PingIsAnonymous) {
  Api api;
  Resp r = api.Get("/api/v2/ping/").Anonymous().Expect(200);
  EXPECT_EQ(r["ha"], false);
  EXPECT_TRUE(r["instances"].is_array());
  EXPECT_EQ(r["active_node"], "test-node");
}

TEST(Conventions, ConfigNeedsAuthAndShowsOpenLicense) {
  Api api;
  api.Get("/api/v2/config/").Anonymous().Expect(401);
  Resp r = api.Get("/api/v2/config/").Expect(200);
  EXPECT_EQ(r["license_info"].as_object().at("license_type"), "open");
  EXPECT_TRUE(r["become_methods"].is_array());
}

TEST(Conventions, MeIsAOneElementList) {
  Api api;
  api.User("alice");
  Resp r = api.Get("/api/v2/me/").As("alice").Expect(200);
  EXPECT_EQ(r.count(), 1);
  EXPECT_EQ(r.results()[0].as_object().at("username"), "alice");
}

TEST(Conventions, MissingSlashRedirectsSafeMethods) {
  Api api;
  Resp r = api.Get("/api/v2/organizations?name=Default").Expect(301);
  EXPECT_EQ(r.Header("Location"), "/api/v2/organizations/?name=Default");
  api.Head("/api/v2/users").Expect(301);
  api.Options("/api/v2/users").Expect(301);
  // Writes are served at the slashed path rather than redirected (a redirected POST loses its
  // body).
  api.Post("/api/v2/organizations", json::object{{"name", "NoSlash"}}).Expect(201);
}

TEST(Conventions, AwxHeadersOnEveryResponse) {
  Api api;
  for (auto r :
       {api.Get("/api/v2/ping/").Anonymous().Send(), api.Get("/api/v2/users/").Send(),
        api.Get("/api/v2/nothing/").Send(), api.Get("/api/v2/users/").Anonymous().Send()}) {
    EXPECT_EQ(r.Header("X-API-Product-Name"), "AWX");
    EXPECT_EQ(r.Header("X-API-Product-Version"), "21.14.0");
    EXPECT_FALSE(r.Header("X-API-Time").empty());
  }
  Resp r = api.Get("/api/v2/organizations/1/").Expect(200);
  EXPECT_EQ(r.Header("Allow"), "GET, PUT, PATCH, DELETE, HEAD, OPTIONS");
  EXPECT_EQ(api.Get("/api/v2/organizations/").Expect(200).Header("Allow"),
            "GET, POST, HEAD, OPTIONS");
}

TEST(Conventions, EnvelopeKeysInOrder) {
  Api api;
  Resp r = api.Get("/api/v2/organizations/1/").Expect(200);
  std::vector<std::string> keys;
  for (auto& kv : r.obj()) keys.emplace_back(kv.key());
  ASSERT_GE(keys.size(), 8u);
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 8),
            (std::vector<std::string>{"id", "type", "url", "related", "summary_fields", "created",
                                      "modified", "name"}));
  EXPECT_EQ(r["related"].as_object().at("named_url"), "/api/v2/organizations/Default/");
  // List items carry no named_url.
  Resp l = api.Get("/api/v2/organizations/").Expect(200);
  EXPECT_FALSE(l.results()[0].as_object().at("related").as_object().contains("named_url"));
}

TEST(Conventions, UrlsArePathOnly) {
  Api api;
  for (int i = 0; i < 30; ++i) api.User("u" + std::to_string(i));
  Resp r = api.Get("/api/v2/users/?page_size=10&order_by=username").Expect(200);
  EXPECT_EQ(r["next"], "/api/v2/users/?page_size=10&order_by=username&page=2");
  EXPECT_EQ(std::string(r.results()[0].as_object().at("url").as_string()).substr(0, 8), "/api/v2/");
}

TEST(Conventions, UnknownPathIs404WithAwxText) {
  Api api;
  Resp r = api.Get("/api/v2/no_such_thing/").Expect(404);
  EXPECT_EQ(r["detail"], "The requested resource could not be found.");
  EXPECT_EQ(api.Get("/api/v2/organizations/9999/").Expect(404)["detail"], "Not found.");
}

TEST(Conventions, MethodNotAllowed) {
  Api api;
  Resp r = api.Delete("/api/v2/organizations/").Expect(405);
  EXPECT_EQ(r["detail"], "Method \"DELETE\" not allowed.");
  EXPECT_EQ(r.Header("Allow"), "GET, POST, HEAD, OPTIONS");
  api.Post("/api/v2/ping/", json::object{}).Expect(405);
}

TEST(Conventions, UnauthenticatedGets401WithBearerChallenge) {
  Api api;
  Resp r = api.Get("/api/v2/users/").Anonymous().Expect(401);
  EXPECT_EQ(r["detail"],
            "Authentication credentials were not provided. To establish a login session, visit "
            "/api/login/.");
  EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer realm=api authorization_url=/api/o/authorize/");
}

TEST(Conventions, BadBasicPasswordIs401) {
  Api api;
  http::Request req;
  req.method = "GET";
  req.path = req.target = "/api/v2/users/";
  req.headers.emplace_back("authorization", "Basic " + Base64Encode("admin:wrong"));
  http::Response r = api.Raw(req);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("Invalid username/password."), std::string::npos);
}

TEST(Conventions, MalformedJsonIs400AndChangesNothing) {
  Api api;
  Resp r = api.PostRaw("/api/v2/organizations/", "{\"name\": \"x\",}").Expect(400);
  EXPECT_EQ(std::string(r["detail"].as_string()).substr(0, 18), "JSON parse error -");
  Resp arr = api.PostRaw("/api/v2/organizations/", "[1, 2]").Expect(400);
  EXPECT_EQ(arr["detail"], "JSON parse error - not a JSON object");
  EXPECT_EQ(api.Get("/api/v2/organizations/").Expect(200).count(), 1);
}

TEST(Conventions, WrongContentTypeIs415) {
  Api api;
  Resp r = api.PostRaw("/api/v2/organizations/", "name=x")
               .ContentType("application/x-www-form-urlencoded")
               .Expect(415);
  EXPECT_NE(r["detail"].as_string().find("Content-Type must be application/json"),
            std::string::npos);
}

TEST(Conventions, EmptyBodyIsAnEmptyObject) {
  Api api;
  Resp r = api.PostRaw("/api/v2/organizations/", "").Expect(400);
  EXPECT_EQ(r["name"].as_array()[0], "This field is required.");
}

TEST(Conventions, ReadOnlyAndUnknownFieldsAreIgnored) {
  Api api;
  Resp r = api.Post("/api/v2/organizations/", json::object{{"name", "O"},
                                                           {"id", 999},
                                                           {"type", "x"},
                                                           {"custom_virtualenv", "/v"},
                                                           {"bogus", 1}})
               .Expect(201);
  EXPECT_NE(r.id(), 999);
  EXPECT_EQ(r["type"], "organization");
  EXPECT_TRUE(r["custom_virtualenv"].is_null());
}

TEST(Conventions, NullStringsAndBooleans) {
  Api api;
  Resp r = api.Post("/api/v2/organizations/", json::object{{"name", "N"}, {"description", nullptr}})
               .Expect(201);
  EXPECT_EQ(r["description"], "");
  Resp u = api.Post("/api/v2/users/",
                    json::object{
                        {"username", "nb"}, {"password", "x12345678"}, {"is_superuser", nullptr}})
               .Expect(201);
  EXPECT_EQ(u["is_superuser"], false);
}

TEST(Conventions, FieldErrorsAreListsOfStrings) {
  Api api;
  Resp r = api.Post("/api/v2/organizations/",
                    json::object{{"name", std::string(513, 'a')}, {"max_hosts", "many"}})
               .Expect(400);
  EXPECT_EQ(r["name"].as_array()[0], "Ensure this field has no more than 512 characters.");
  EXPECT_EQ(r["max_hosts"].as_array()[0], "A valid integer is required.");
  Resp neg = api.Post("/api/v2/organizations/", json::object{{"name", "neg"}, {"max_hosts", -1}})
                 .Expect(400);
  EXPECT_EQ(neg["max_hosts"].as_array()[0], "Ensure this value is greater than or equal to 0.");
}

TEST(Conventions, UniqueNameMessage) {
  Api api;
  Resp r = api.Post("/api/v2/organizations/", json::object{{"name", "Default"}}).Expect(400);
  EXPECT_EQ(r["name"].as_array()[0], "Organization with this Name already exists.");
}

TEST(Conventions, OptionsOnListDescribesFields) {
  Api api;
  Resp r = api.Options("/api/v2/organizations/").Expect(200);
  EXPECT_EQ(r["name"], "Organizations");
  auto& post = r["actions"].as_object().at("POST").as_object();
  EXPECT_EQ(post.at("name").as_object().at("type"), "string");
  EXPECT_EQ(post.at("name").as_object().at("required"), true);
  EXPECT_EQ(post.at("name").as_object().at("max_length"), 512);
  EXPECT_EQ(post.at("max_hosts").as_object().at("default"), 0);
  EXPECT_FALSE(post.contains("id"));
  auto& get = r["actions"].as_object().at("GET").as_object();
  EXPECT_EQ(get.at("name").as_object().at("filterable"), true);
  EXPECT_EQ(get.at("id").as_object().at("type"), "integer");
  EXPECT_EQ(r["max_page_size"], 200);
  EXPECT_EQ(r["types"].as_array()[0], "organization");
  EXPECT_TRUE(r["object_roles"].is_array());
  EXPECT_EQ(r.Header("Allow"), "GET, POST, HEAD, OPTIONS");
}

TEST(Conventions, OptionsOnDetailOfMissingObjectStillAnswersAllow) {
  Api api;
  Resp r = api.Options("/api/v2/users/12345/").Expect(200);
  EXPECT_EQ(r.Header("Allow"), "GET, PUT, PATCH, DELETE, HEAD, OPTIONS");
}

TEST(Conventions, OptionsHidesPostFromNonCreators) {
  Api api;
  api.User("plain");
  Resp r = api.Options("/api/v2/organizations/").As("plain").Expect(200);
  EXPECT_FALSE(r["actions"].as_object().contains("POST"));
}

TEST(Conventions, DeprecatedViewsCarryWarning) {
  Api api;
  Resp r = api.Get("/api/v2/organizations/1/object_roles/").Expect(200);
  EXPECT_NE(r.Header("Warning").find("deprecated"), std::string::npos);
}

TEST(Conventions, HeadHasNoBodyButSameStatus) {
  Api api;
  api.Head("/api/v2/organizations/").Expect(200);
}

}  // namespace
}  // namespace baton::testing
