// Labels (api-resources.md §19).
#include "harness.hpp"

namespace baton::testing {
namespace {

TEST(Labels, CreateRenameNoDelete) {
  Api api;
  Resp l =
      api.Post("/api/v2/labels/", json::object{{"name", "prod"}, {"organization", 1}}).Expect(201);
  EXPECT_EQ(l["summary_fields"].as_object().at("organization").as_object().at("name"), "Default");
  EXPECT_EQ(l["related"].as_object().at("named_url"), "/api/v2/labels/prod++Default/");
  Resp dup =
      api.Post("/api/v2/labels/", json::object{{"name", "prod"}, {"organization", 1}}).Expect(400);
  EXPECT_EQ(dup["__all__"].as_array()[0], "Label with this Name and Organization already exists.");
  Resp noorg = api.Post("/api/v2/labels/", json::object{{"name", "x"}}).Expect(400);
  EXPECT_EQ(noorg["organization"].as_array()[0], "This field is required.");
  std::string url = "/api/v2/labels/" + std::to_string(l.id()) + "/";
  EXPECT_EQ(api.Patch(url, json::object{{"name", "production"}}).Expect(200)["name"], "production");
  api.Delete(url).Expect(405);
  EXPECT_EQ(api.Get("/api/v2/labels/?organization=1&name=production").Expect(200).count(), 1);
}

TEST(Labels, OrganizationMembersCreateAndRead) {
  Api api;
  int64_t org = api.Org("LO");
  int64_t m = api.User("lm");
  api.User("outsider");
  api.Grant("/api/v2/organizations/" + std::to_string(org) + "/", "member_role", m);
  Resp l = api.Post("/api/v2/labels/", json::object{{"name", "a"}, {"organization", org}})
               .As("lm")
               .Expect(201);
  api.Post("/api/v2/labels/", json::object{{"name", "b"}, {"organization", org}})
      .As("outsider")
      .Expect(403);
  api.Get("/api/v2/labels/" + std::to_string(l.id()) + "/").As("outsider").Expect(403);
  EXPECT_EQ(api.Get("/api/v2/labels/").As("outsider").Expect(200).count(), 0);
  EXPECT_EQ(api.Get("/api/v2/labels/").As("lm").Expect(200).count(), 1);
}

}  // namespace
}  // namespace baton::testing
