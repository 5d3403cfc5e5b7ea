// Malformed requests: each gets its documented 4xx and changes nothing (api-contract.md §3, §6,
// §7, §8, §11).
#include <map>

#include "harness.hpp"

namespace baton::testing {
namespace {

std::string Fill(std::string s, const std::map<std::string, std::string>& vars) {
  for (auto& [k, v] : vars) {
    std::string pat = "{" + k + "}";
    for (size_t pos; (pos = s.find(pat)) != std::string::npos;) s.replace(pos, pat.size(), v);
  }
  return s;
}

// A small world: organization Acme with member bob and admin ann, team red (bob) in Acme,
// plain user eve, and tokens.
struct World {
  Api api;
  std::map<std::string, std::string> v;
  World() {
    int64_t org = api.Org("Acme");
    int64_t bob = api.User("bob");
    int64_t ann = api.User("ann");
    int64_t eve = api.User("eve");
    int64_t team = api.Team("red", org);
    v["org"] = std::to_string(org);
    v["bob"] = std::to_string(bob);
    v["ann"] = std::to_string(ann);
    v["eve"] = std::to_string(eve);
    v["team"] = std::to_string(team);
    api.Post("/api/v2/organizations/" + v["org"] + "/users/", json::object{{"id", bob}})
        .Expect(204);
    api.Post("/api/v2/teams/" + v["team"] + "/users/", json::object{{"id", bob}}).Expect(204);
    api.Grant("/api/v2/organizations/" + v["org"] + "/", "admin_role", ann);
    v["member_role"] =
        std::to_string(api.RoleOf("/api/v2/organizations/" + v["org"] + "/", "member_role"));
    v["admin_read"] = api.NewToken("admin", "read");
    v["bob_read"] = api.NewToken("bob", "read");
    v["bob_write"] = api.NewToken("bob", "write");
    // A token that existed once.
    Resp t = api.Post("/api/v2/tokens/", json::object{{"description", "gone"}, {"scope", "write"}})
                 .As("eve")
                 .Expect(201);
    v["deleted"] = std::string(t["token"].as_string());
    api.Delete("/api/v2/tokens/" + std::to_string(t.id()) + "/").As("eve").Expect(204);
  }

  // Everything a bad request could have touched, as seen by the superuser.
  std::string Snapshot() {
    std::string out;
    for (std::string url :
         {"/api/v2/organizations/", "/api/v2/users/", "/api/v2/teams/", "/api/v2/tokens/",
          "/api/v2/roles/", "/api/v2/activity_stream/", "/api/v2/organizations/{org}/users/",
          "/api/v2/organizations/{org}/admins/", "/api/v2/organizations/{org}/teams/",
          "/api/v2/teams/{team}/users/", "/api/v2/users/{bob}/roles/", "/api/v2/users/{eve}/roles/",
          "/api/v2/roles/{member_role}/users/"}) {
      url = Fill(url, v) + "?page_size=200&order_by=id";
      Resp r = api.Get(url).Expect(200);
      out += url + " " + r.body + "\n";
    }
    return out;
  }
};

struct BadCase {
  const char* name;
  const char* method;
  const char* path;
  const char* body;  // raw request body; nullptr = none
  const char*
      auth;  // "admin", "user:<name>", "token:<var>", "header:<Authorization value>", "anon"
  int status;
  const char* expect;  // exact JSON body (with {placeholders}); nullptr = not checked
  const char* detail_prefix = nullptr;
  const char* content_type = "application/json";
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.method << " " << c.path << (c.body ? std::string(" ") + c.body : "");
}

std::string CaseName(const ::testing::TestParamInfo<BadCase>& info) {
  return info.param.name;
}

class BadInputCase : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInputCase, RejectedAndChangesNothing) {
  World w;
  const BadCase& c = GetParam();
  std::string before = w.Snapshot();

  std::string path = Fill(c.path, w.v);
  Call call(w.api, c.method, path, c.body ? Fill(c.body, w.v) : "");
  if (c.content_type) call.ContentType(c.content_type);
  std::string auth = c.auth;
  if (auth.rfind("user:", 0) == 0) {
    call.As(auth.substr(5));
  } else if (auth.rfind("token:", 0) == 0) {
    call.Token(w.v.at(auth.substr(6)));
  } else if (auth.rfind("header:", 0) == 0) {
    call.Anonymous().Header("Authorization", Fill(auth.substr(7), w.v));
  } else if (auth == "anon") {
    call.Anonymous();
  }
  Resp r = call.Send();
  EXPECT_EQ(r.status, c.status) << c.method << " " << path << " -> " << r.body;
  if (c.expect) {
    auto want = ParseJson(Fill(c.expect, w.v));
    ASSERT_TRUE(want.has_value()) << "bad expectation in test: " << c.expect;
    EXPECT_EQ(r.json, *want) << c.method << " " << path << " -> " << r.body;
  }
  if (c.detail_prefix) {
    ASSERT_TRUE(r.json.is_object() && r.obj().contains("detail") && r["detail"].is_string())
        << r.body;
    EXPECT_EQ(std::string(r["detail"].as_string()).rfind(c.detail_prefix, 0), 0u) << r.body;
  }
  if (c.status == 401) {
    EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer realm=api authorization_url=/api/o/authorize/");
  }

  std::string after = w.Snapshot();
  EXPECT_EQ(before, after) << "the rejected request changed stored data";
}

constexpr const char* kUnauth =
    R"({"detail": "Authentication credentials were not provided. To establish a login session, visit /api/login/."})";
constexpr const char* kDenied =
    R"({"detail": "You do not have permission to perform this action."})";
constexpr const char* kNoRoute = R"({"detail": "The requested resource could not be found."})";
constexpr const char* kNotFound = R"({"detail": "Not found."})";
constexpr const char* kInvalidPage = R"({"detail": "Invalid page."})";
constexpr const char* kNotObject = R"({"detail": "JSON parse error - not a JSON object"})";
constexpr const char* kNotInt = R"({"msg": "\"id\" field must be an integer."})";
constexpr const char* kNeedId = R"({"msg": "\"id\" is required to disassociate"})";
constexpr const char* kNoUser = R"({"detail": "User matching query does not exist."})";
constexpr const char* kParse = "JSON parse error - ";

// clang-format off
INSTANTIATE_TEST_SUITE_P(BadInput, BadInputCase, ::testing::ValuesIn(std::vector<BadCase>{
    // ---- malformed JSON
    {"json_trailing_comma", "POST", "/api/v2/organizations/", R"({"name": "x",})", "admin", 400, nullptr, kParse},
    {"json_truncated", "POST", "/api/v2/organizations/", R"({"name": "x")", "admin", 400, nullptr, kParse},
    {"json_garbage", "POST", "/api/v2/organizations/", "not json", "admin", 400, nullptr, kParse},
    {"json_single_quotes", "POST", "/api/v2/organizations/", "{'name': 'x'}", "admin", 400, nullptr, kParse},
    {"json_patch_missing_value", "PATCH", "/api/v2/organizations/{org}/", R"({"name": })", "admin", 400, nullptr, kParse},
    {"json_put_garbage", "PUT", "/api/v2/teams/{team}/", "{{", "admin", 400, nullptr, kParse},
    {"json_attach_truncated", "POST", "/api/v2/organizations/{org}/users/", R"({"id": )", "admin", 400, nullptr, kParse},
    {"json_array", "POST", "/api/v2/organizations/", R"([{"name": "x"}])", "admin", 400, kNotObject},
    {"json_string", "POST", "/api/v2/organizations/", R"("x")", "admin", 400, kNotObject},
    {"json_number", "POST", "/api/v2/organizations/", "42", "admin", 400, kNotObject},
    {"json_true", "POST", "/api/v2/users/", "true", "admin", 400, kNotObject},
    {"json_patch_array", "PATCH", "/api/v2/organizations/{org}/", "[]", "admin", 400, kNotObject},
    {"json_attach_array", "POST", "/api/v2/teams/{team}/users/", R"([{"id": {eve}}])", "admin", 400, kNotObject},
    {"wrong_content_type", "POST", "/api/v2/organizations/", "name=x", "admin", 415, nullptr,
     "You did not use correct Content-Type", "application/x-www-form-urlencoded"},

    // ---- wrong types: string fields
    {"string_given_list", "POST", "/api/v2/organizations/", R"({"name": ["a"]})", "admin", 400,
     R"({"name": ["Not a valid string."]})"},
    {"string_given_object", "POST", "/api/v2/organizations/", R"({"name": {"a": 1}})", "admin", 400,
     R"({"name": ["Not a valid string."]})"},
    {"string_given_bool", "POST", "/api/v2/organizations/", R"({"name": true})", "admin", 400,
     R"({"name": ["Not a valid string."]})"},
    {"string_patch_list", "PATCH", "/api/v2/organizations/{org}/", R"({"description": ["x"]})", "admin", 400,
     R"({"description": ["Not a valid string."]})"},
    {"string_user_first_name", "POST", "/api/v2/users/",
     R"({"username": "newu", "password": "pw-123456", "first_name": ["x"]})", "admin", 400,
     R"({"first_name": ["Not a valid string."]})"},
    {"string_create_in_sublist", "POST", "/api/v2/organizations/{org}/users/",
     R"({"username": ["newu"], "password": "pw-123456"})", "admin", 400, R"({"username": ["Not a valid string."]})"},
    // ---- integer fields
    {"int_given_word", "POST", "/api/v2/organizations/", R"({"name": "n1", "max_hosts": "x"})", "admin", 400,
     R"({"max_hosts": ["A valid integer is required."]})"},
    {"int_given_fraction", "POST", "/api/v2/organizations/", R"({"name": "n1", "max_hosts": 1.5})", "admin", 400,
     R"({"max_hosts": ["A valid integer is required."]})"},
    {"int_given_bool", "POST", "/api/v2/organizations/", R"({"name": "n1", "max_hosts": true})", "admin", 400,
     R"({"max_hosts": ["A valid integer is required."]})"},
    {"int_given_list", "POST", "/api/v2/organizations/", R"({"name": "n1", "max_hosts": [1]})", "admin", 400,
     R"({"max_hosts": ["A valid integer is required."]})"},
    {"int_patch_word", "PATCH", "/api/v2/organizations/{org}/", R"({"max_hosts": "many"})", "admin", 400,
     R"({"max_hosts": ["A valid integer is required."]})"},
    // ---- boolean fields
    {"bool_given_maybe", "POST", "/api/v2/users/",
     R"({"username": "newu", "password": "pw-123456", "is_superuser": "maybe"})", "admin", 400,
     R"({"is_superuser": ["Must be a valid boolean."]})"},
    {"bool_patch_maybe", "PATCH", "/api/v2/users/{bob}/", R"({"is_superuser": "maybe"})", "admin", 400,
     R"({"is_superuser": ["Must be a valid boolean."]})"},
    {"bool_patch_two", "PATCH", "/api/v2/users/{bob}/", R"({"is_system_auditor": 2})", "admin", 400,
     R"({"is_system_auditor": ["Must be a valid boolean."]})"},
    {"bool_patch_list", "PATCH", "/api/v2/users/{bob}/", R"({"is_superuser": [true]})", "admin", 400,
     R"({"is_superuser": ["Must be a valid boolean."]})"},
    // ---- foreign keys
    {"fk_given_str", "POST", "/api/v2/teams/", R"({"name": "t2", "organization": "abc"})", "admin", 400,
     R"({"organization": ["Incorrect type. Expected pk value, received str."]})"},
    {"fk_given_list", "POST", "/api/v2/teams/", R"({"name": "t2", "organization": [1]})", "admin", 400,
     R"({"organization": ["Incorrect type. Expected pk value, received list."]})"},
    {"fk_given_dict", "POST", "/api/v2/teams/", R"({"name": "t2", "organization": {"id": 1}})", "admin", 400,
     R"({"organization": ["Incorrect type. Expected pk value, received dict."]})"},
    {"fk_given_bool", "POST", "/api/v2/teams/", R"({"name": "t2", "organization": true})", "admin", 400,
     R"({"organization": ["Incorrect type. Expected pk value, received bool."]})"},
    {"fk_missing_id", "POST", "/api/v2/teams/", R"({"name": "t2", "organization": 999})", "admin", 400,
     R"({"organization": ["Invalid pk \"999\" - object does not exist."]})"},
    {"fk_missing_id_as_string", "POST", "/api/v2/teams/", R"({"name": "t2", "organization": "999"})", "admin", 400,
     R"({"organization": ["Invalid pk \"999\" - object does not exist."]})"},
    {"fk_patch_missing_id", "PATCH", "/api/v2/teams/{team}/", R"({"organization": 999})", "admin", 400,
     R"({"organization": ["Invalid pk \"999\" - object does not exist."]})"},
    {"fk_patch_given_str", "PATCH", "/api/v2/teams/{team}/", R"({"organization": "abc"})", "admin", 400,
     R"({"organization": ["Incorrect type. Expected pk value, received str."]})"},

    // ---- unknown paths
    {"path_unknown_get", "GET", "/api/v2/nothing/", nullptr, "admin", 404, kNoRoute},
    {"path_unknown_post", "POST", "/api/v2/nothing/", R"({"name": "x"})", "admin", 404, kNoRoute},
    {"path_unknown_sublist", "GET", "/api/v2/organizations/{org}/nothing/", nullptr, "admin", 404, kNoRoute},
    {"path_unknown_sublist_post", "POST", "/api/v2/organizations/{org}/nothing/", R"({"id": {eve}})", "admin", 404, kNoRoute},
    {"path_unknown_version", "GET", "/api/v3/organizations/", nullptr, "admin", 404, kNoRoute},
    {"path_too_deep", "DELETE", "/api/v2/organizations/{org}/users/{bob}/", nullptr, "admin", 404, kNoRoute},
    {"object_missing_get", "GET", "/api/v2/organizations/99999/", nullptr, "admin", 404, kNotFound},
    {"object_missing_delete", "DELETE", "/api/v2/teams/99999/", nullptr, "admin", 404, kNotFound},
    {"object_missing_patch", "PATCH", "/api/v2/users/99999/", R"({"first_name": "x"})", "admin", 404, kNotFound},
    {"object_missing_attach_parent", "POST", "/api/v2/organizations/99999/users/", R"({"id": {eve}})", "admin", 404, kNotFound},

    // ---- unknown methods
    {"method_delete_list", "DELETE", "/api/v2/organizations/", nullptr, "admin", 405,
     R"({"detail": "Method \"DELETE\" not allowed."})"},
    {"method_put_list", "PUT", "/api/v2/organizations/", "{}", "admin", 405, R"({"detail": "Method \"PUT\" not allowed."})"},
    {"method_patch_list", "PATCH", "/api/v2/users/", R"({"first_name": "x"})", "admin", 405,
     R"({"detail": "Method \"PATCH\" not allowed."})"},
    {"method_post_detail", "POST", "/api/v2/organizations/{org}/", R"({"name": "x"})", "admin", 405,
     R"({"detail": "Method \"POST\" not allowed."})"},
    {"method_made_up", "FOO", "/api/v2/organizations/{org}/", nullptr, "admin", 405,
     R"({"detail": "Method \"FOO\" not allowed."})"},
    {"method_delete_sublist", "DELETE", "/api/v2/organizations/{org}/users/", nullptr, "admin", 405,
     R"({"detail": "Method \"DELETE\" not allowed."})"},
    {"method_post_readonly_sublist", "POST", "/api/v2/organizations/{org}/activity_stream/", "{}", "admin", 405,
     R"({"detail": "Method \"POST\" not allowed."})"},
    {"method_post_activity_stream", "POST", "/api/v2/activity_stream/", "{}", "admin", 405,
     R"({"detail": "Method \"POST\" not allowed."})"},
    {"method_put_ping", "PUT", "/api/v2/ping/", "{}", "admin", 405, R"({"detail": "Method \"PUT\" not allowed."})"},
    {"method_delete_me", "DELETE", "/api/v2/me/", nullptr, "admin", 405, R"({"detail": "Method \"DELETE\" not allowed."})"},

    // ---- broken filters and ordering
    {"filter_bad_regex_paren", "GET", "/api/v2/organizations/?name__regex=(", nullptr, "admin", 400, nullptr},
    {"filter_bad_iregex_class", "GET", "/api/v2/organizations/?name__iregex=[a-", nullptr, "admin", 400, nullptr},
    {"filter_bad_regex_repeat", "GET", "/api/v2/users/?username__regex=*x", nullptr, "admin", 400, nullptr},
    {"filter_empty_in", "GET", "/api/v2/organizations/?name__in=", nullptr, "admin", 400, nullptr},
    {"filter_in_only_comma", "GET", "/api/v2/organizations/?id__in=,", nullptr, "admin", 400, nullptr},
    {"filter_in_bad_item", "GET", "/api/v2/organizations/?id__in=1,abc", nullptr, "admin", 400, nullptr},
    {"filter_bad_boolean", "GET", "/api/v2/users/?is_superuser=maybe", nullptr, "admin", 400,
     R"({"detail": "Unable to convert \"maybe\" to boolean"})"},
    {"filter_bad_isnull", "GET", "/api/v2/users/?email__isnull=perhaps", nullptr, "admin", 400,
     R"({"detail": "Unable to convert \"perhaps\" to boolean"})"},
    {"filter_unknown_field", "GET", "/api/v2/organizations/?foo=1", nullptr, "admin", 400,
     R"({"detail": "Organization has no field named 'foo'"})"},
    {"filter_unknown_related_field", "GET", "/api/v2/teams/?organization__bar=1", nullptr, "admin", 400,
     R"({"detail": "Organization has no field named 'bar'"})"},
    {"filter_loop", "GET", "/api/v2/organizations/?teams__organization__teams__name=x", nullptr, "admin", 400,
     R"({"detail": "Loops not allowed in filters, detected on field teams."})"},
    {"filter_non_ascii_field", "GET", "/api/v2/organizations/?na%C3%AFve=1", nullptr, "admin", 400, nullptr},
    {"filter_bad_fk_id", "GET", "/api/v2/teams/?organization=abc", nullptr, "admin", 400,
     R"({"detail": "Invalid organization id: abc"})"},
    {"filter_bad_integer", "GET", "/api/v2/organizations/?max_hosts=abc", nullptr, "admin", 400, nullptr},
    {"filter_bad_datetime", "GET", "/api/v2/organizations/?created__gt=notadate", nullptr, "admin", 400, nullptr},
    {"filter_iexact_on_integer", "GET", "/api/v2/organizations/?max_hosts__iexact=0", nullptr, "admin", 400, nullptr},
    {"filter_password", "GET", "/api/v2/users/?password__startswith=pbkdf2", nullptr, "admin", 403,
     R"({"detail": "Filtering on password is not allowed."})"},
    {"filter_role_level_without_roles", "GET", "/api/v2/users/?role_level=admin_role", nullptr, "admin", 400, nullptr},
    {"order_unknown_field", "GET", "/api/v2/organizations/?order_by=foo", nullptr, "admin", 400,
     R"({"detail": "Organization has no field named 'foo'"})"},

    // ---- absurd page numbers
    {"page_huge", "GET", "/api/v2/organizations/?page=99999999999999999999", nullptr, "admin", 404, kInvalidPage},
    {"page_minus_one", "GET", "/api/v2/organizations/?page=-1", nullptr, "admin", 404, kInvalidPage},
    {"page_zero", "GET", "/api/v2/organizations/?page=0", nullptr, "admin", 404, kInvalidPage},
    {"page_word", "GET", "/api/v2/organizations/?page=abc", nullptr, "admin", 404, kInvalidPage},
    {"page_fraction", "GET", "/api/v2/organizations/?page=1.5", nullptr, "admin", 404, kInvalidPage},
    {"page_past_end", "GET", "/api/v2/organizations/?page=2", nullptr, "admin", 404, kInvalidPage},
    {"page_sublist_past_end", "GET", "/api/v2/organizations/{org}/users/?page=3", nullptr, "admin", 404, kInvalidPage},

    // ---- invalid credentials
    {"bearer_unknown_get", "GET", "/api/v2/users/", nullptr, "header:Bearer nope", 401, kUnauth},
    {"bearer_unknown_post", "POST", "/api/v2/organizations/", R"({"name": "viaBadToken"})", "header:Bearer nope", 401, kUnauth},
    {"bearer_valid_plus_junk", "POST", "/api/v2/organizations/", R"({"name": "viaBadToken"})",
     "header:Bearer {bob_write}x", 401, kUnauth},
    {"bearer_deleted_token", "PATCH", "/api/v2/users/{eve}/", R"({"first_name": "x"})", "token:deleted", 401, kUnauth},
    {"bearer_empty", "GET", "/api/v2/organizations/", nullptr, "header:Bearer ", 401, nullptr},
    {"basic_not_base64", "DELETE", "/api/v2/teams/{team}/", nullptr, "header:Basic %%%notbase64", 401, nullptr},
    {"no_credentials_post", "POST", "/api/v2/organizations/", R"({"name": "anon"})", "anon", 401, kUnauth},

    // ---- read-scoped token doing a write
    {"read_token_create", "POST", "/api/v2/organizations/", R"({"name": "ro"})", "token:admin_read", 403, kDenied},
    {"read_token_patch", "PATCH", "/api/v2/organizations/{org}/", R"({"description": "ro"})", "token:admin_read", 403, kDenied},
    {"read_token_put", "PUT", "/api/v2/teams/{team}/", R"({"name": "ro", "organization": {org}})", "token:admin_read", 403, kDenied},
    {"read_token_delete", "DELETE", "/api/v2/teams/{team}/", nullptr, "token:admin_read", 403, kDenied},
    {"read_token_attach", "POST", "/api/v2/organizations/{org}/users/", R"({"id": {eve}})", "token:admin_read", 403, kDenied},
    {"read_token_detach", "POST", "/api/v2/teams/{team}/users/", R"({"id": {bob}, "disassociate": true})",
     "token:admin_read", 403, kDenied},
    {"read_token_new_token", "POST", "/api/v2/tokens/", R"({"scope": "write"})", "token:bob_read", 403, kDenied},
    {"read_token_patch_self", "PATCH", "/api/v2/users/{bob}/", R"({"first_name": "x"})", "token:bob_read", 403, kDenied},

    // ---- association sub-lists
    {"attach_id_word", "POST", "/api/v2/organizations/{org}/users/", R"({"id": "abc"})", "admin", 400, kNotInt},
    {"attach_id_numeric_string", "POST", "/api/v2/organizations/{org}/users/", R"({"id": "{eve}"})", "admin", 400, kNotInt},
    {"attach_id_fraction", "POST", "/api/v2/teams/{team}/users/", R"({"id": 1.5})", "admin", 400, kNotInt},
    {"attach_id_list", "POST", "/api/v2/roles/{member_role}/users/", R"({"id": [{eve}]})", "admin", 400, kNotInt},
    {"detach_without_id_org", "POST", "/api/v2/organizations/{org}/users/", R"({"disassociate": true})", "admin", 400, kNeedId},
    {"detach_without_id_team", "POST", "/api/v2/teams/{team}/users/", R"({"disassociate": true})", "admin", 400, kNeedId},
    {"attach_missing_user", "POST", "/api/v2/organizations/{org}/users/", R"({"id": 99999})", "admin", 400, kNoUser},
    {"attach_missing_user_admins", "POST", "/api/v2/organizations/{org}/admins/", R"({"id": 99999})", "admin", 400, kNoUser},
    {"attach_missing_team_member", "POST", "/api/v2/teams/{team}/users/", R"({"id": 99999})", "admin", 400, kNoUser},
    {"attach_missing_role_member", "POST", "/api/v2/roles/{member_role}/users/", R"({"id": 99999})", "admin", 400, kNoUser},
    {"detach_missing_user", "POST", "/api/v2/organizations/{org}/users/", R"({"id": 99999, "disassociate": true})",
     "admin", 400, kNoUser},
    {"attach_missing_team", "POST", "/api/v2/organizations/{org}/teams/", R"({"id": 99999})", "admin", 400,
     R"({"detail": "Team matching query does not exist."})"},
    {"attach_missing_role", "POST", "/api/v2/users/{eve}/roles/", R"({"id": 99999})", "admin", 400,
     R"({"detail": "Role matching query does not exist."})"},
    {"attach_only_without_id", "POST", "/api/v2/users/{eve}/roles/", "{}", "admin", 400,
     R"({"msg": "Role 'id' field is missing."})"},
    {"attach_only_role_users_without_id", "POST", "/api/v2/roles/{member_role}/users/", R"({"username": "x"})", "admin", 400,
     R"({"msg": "User 'id' field is missing."})"},
}), CaseName);
// clang-format on

// Controls: the same world accepts the well-formed versions of some of the requests above, so
// the rejections are about the input, not about the fixtures.
TEST(BadInputControls, WellFormedTwinsSucceed) {
  World w;
  w.api.Get("/api/v2/users/").Token(w.v["admin_read"]).Expect(200);
  w.api.Options("/api/v2/organizations/").Token(w.v["admin_read"]).Expect(200);
  w.api.Get("/api/v2/me/").Token(w.v["bob_write"]).Expect(200);
  w.api.Patch("/api/v2/users/" + w.v["bob"] + "/", json::object{{"first_name", "Bob"}})
      .Token(w.v["bob_write"])
      .Expect(200);
  w.api.Get("/api/v2/organizations/?page=1").Expect(200);
  w.api.Get("/api/v2/organizations/?name__regex=^A").Expect(200);
  w.api.Get("/api/v2/organizations/?id__in=1").Expect(200);
  w.api.Post("/api/v2/organizations/", json::object{{"name", "n1"}, {"max_hosts", "10"}})
      .Expect(201);
  w.api
      .Post("/api/v2/teams/",
            json::object{{"name", "t2"}, {"organization", std::stoll(w.v["org"])}})
      .Expect(201);
  w.api
      .Post("/api/v2/organizations/" + w.v["org"] + "/users/",
            json::object{{"id", std::stoll(w.v["eve"])}})
      .Expect(204);
  w.api
      .Post("/api/v2/organizations/" + w.v["org"] + "/users/",
            json::object{{"id", std::stoll(w.v["eve"])}, {"disassociate", true}})
      .Expect(204);
}

// The snapshot used above notices every kind of write a bad request could have made.
TEST(BadInputControls, SnapshotSeesEveryKindOfChange) {
  World w;
  std::string s0 = w.Snapshot();
  w.api.Patch("/api/v2/organizations/" + w.v["org"] + "/", json::object{{"description", "d"}})
      .Expect(200);
  std::string s1 = w.Snapshot();
  EXPECT_NE(s0, s1);
  w.api
      .Post("/api/v2/teams/" + w.v["team"] + "/users/",
            json::object{{"id", std::stoll(w.v["eve"])}})
      .Expect(204);
  std::string s2 = w.Snapshot();
  EXPECT_NE(s1, s2);
  w.api.NewToken("eve", "read");
  std::string s3 = w.Snapshot();
  EXPECT_NE(s2, s3);
  w.api
      .Post("/api/v2/users/" + w.v["eve"] + "/roles/",
            json::object{{"id", std::stoll(w.v["member_role"])}})
      .Expect(204);
  std::string s4 = w.Snapshot();
  EXPECT_NE(s3, s4);
  EXPECT_EQ(w.Snapshot(), s4);  // reading changes nothing
}

// A rejected request in a batch does not undo or block the valid ones around it.
TEST(BadInputControls, RejectionsLeaveFollowingRequestsWorking) {
  World w;
  w.api.PostRaw("/api/v2/organizations/", R"({"name": "x",})").Expect(400);
  w.api.Post("/api/v2/organizations/", json::object{{"name", "x"}}).Expect(201);
  w.api.Post("/api/v2/organizations/", json::object{{"name", "y"}, {"max_hosts", "x"}}).Expect(400);
  Resp r = w.api.Get("/api/v2/organizations/?name__in=x,y").Expect(200);
  EXPECT_EQ(r.count(), 1);
}

// Every field error in one request is reported together, and none of the fields is applied.
TEST(BadInputControls, SeveralBadFieldsReportedTogetherNothingApplied) {
  World w;
  std::string before = w.Snapshot();
  Resp r = w.api
               .Patch("/api/v2/organizations/" + w.v["org"] + "/",
                      json::object{
                          {"name", "Renamed"}, {"description", json::array{1}}, {"max_hosts", "x"}})
               .Expect(400);
  EXPECT_EQ(r["description"].as_array()[0], "Not a valid string.");
  EXPECT_EQ(r["max_hosts"].as_array()[0], "A valid integer is required.");
  EXPECT_FALSE(r.obj().contains("name"));
  EXPECT_EQ(w.Snapshot(), before);
  EXPECT_EQ(w.api.Get("/api/v2/organizations/" + w.v["org"] + "/").Expect(200)["name"], "Acme");
}

}  // namespace
}  // namespace baton::testing
