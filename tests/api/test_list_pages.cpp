// Lists load what their items summarize once per page (issue 13 item 5): each item of a list
// is the object as its detail shows it, whatever the other objects of the page hold. A detail is
// a page of one, so a summary that mixed up the objects of a page shows here.
#include "job_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace jt;

// The item's keys, as the detail has them (a detail adds related.named_url and the fields a list
// leaves out).
void ExpectItemAsDetail(Api& api, const json::object& item, const std::string& detail_url) {
  Resp d = api.Get(detail_url).Expect(200);
  for (const auto& kv : item) {
    SCOPED_TRACE(detail_url + " " + std::string(kv.key()));
    ASSERT_TRUE(d.obj().contains(kv.key()));
    if (kv.key() == "related") {
      json::object related = d["related"].as_object();
      related.erase("named_url");
      EXPECT_EQ(kv.value(), json::value(related));
    } else {
      EXPECT_EQ(kv.value(), d[kv.key()]);
    }
  }
}

TEST(ListPages, JobTemplateItemsAreTheirDetails) {
  Api api;
  JtWorld w(api, "lp");
  int64_t org2 = api.Org("lp-org2");
  int64_t proj2 = MakeProject(api, "lp-proj2", org2);
  int64_t inv2 = MakeInventory(api, "lp-inv2", org2, 1);
  int64_t bare = MakeJt(api, "lp-bare", proj2, inv2);
  int64_t busy = MakeJt(api, "lp-busy", w.project, w.inventory);
  // w.jt: twelve labels (a summary shows the first ten by name and the count) and two
  // credentials in the order attached; busy: two jobs, one pending (current_job); bare: nothing.
  for (int i = 12; i >= 1; --i)
    api.Post(JtUrl(w.jt, "labels"),
             json::object{{"name", "label" + std::to_string(100 + i)}, {"organization", w.org}})
        .Expect(201);
  int64_t vault = MakeCred(api, "lp-v", "Vault", w.org, {{"vault_password", "x"}});
  int64_t machine = MakeCred(api, "lp-m", "Machine", w.org, {{"username", "u"}});
  AttachCred(api, w.jt, vault);
  AttachCred(api, w.jt, machine);
  api.Post(JtUrl(busy, "labels"), json::object{{"name", "label105"}, {"organization", w.org}})
      .Expect(204);
  api.Post(JtUrl(busy, "launch"), json::object{}).Expect(201);
  api.Post(JtUrl(busy, "launch"), json::object{}).Expect(201);

  Resp list = api.Get("/api/v2/job_templates/?page_size=200&order_by=id").Expect(200);
  ASSERT_EQ(list.count(), 3);
  for (const auto& item : list.results())
    ExpectItemAsDetail(api, item.as_object(), JtUrl(item.as_object().at("id").as_int64()));
  const auto& first = list.results()[0].as_object().at("summary_fields").as_object();
  EXPECT_EQ(first.at("labels").as_object().at("count"), 12);
  EXPECT_EQ(first.at("labels").as_object().at("results").as_array().size(), 10u);
  EXPECT_EQ(first.at("labels").as_object().at("results").as_array()[0].as_object().at("name"),
            "label101");
  EXPECT_EQ(first.at("credentials").as_array().size(), 2u);
  EXPECT_EQ(first.at("credentials").as_array()[0].as_object().at("id"), vault);
  const auto& third = list.results()[2].as_object();
  EXPECT_EQ(third.at("id"), busy);
  EXPECT_EQ(third.at("summary_fields").as_object().at("recent_jobs").as_array().size(), 2u);
  EXPECT_TRUE(third.at("summary_fields").as_object().contains("current_job"));
  const auto& second = list.results()[1].as_object();
  EXPECT_EQ(second.at("id"), bare);
  EXPECT_EQ(second.at("summary_fields").as_object().at("organization").as_object().at("id"), org2);
  EXPECT_EQ(second.at("summary_fields").as_object().at("recent_jobs"), json::array{});
}

TEST(ListPages, CreatedByAndObjectRolesArePerItem) {
  Api api;
  int64_t a = api.Org("lp-a");
  int64_t b = api.Org("lp-b");
  Resp list = api.Get("/api/v2/organizations/?page_size=200&order_by=id").Expect(200);
  ASSERT_GE(list.count(), 2);
  // (An organization's detail counts more related objects than its list item.)
  for (const auto& item : list.results()) {
    int64_t id = item.as_object().at("id").as_int64();
    const auto& sf = item.as_object().at("summary_fields").as_object();
    Resp d = api.Get(OrgUrl(id)).Expect(200);
    for (const char* k : {"created_by", "modified_by", "object_roles"}) {
      SCOPED_TRACE(OrgUrl(id) + " " + k);
      const json::value* mine = sf.if_contains(k);
      const json::value* theirs = d["summary_fields"].as_object().if_contains(k);
      ASSERT_EQ(mine != nullptr, theirs != nullptr);
      if (mine) {
        EXPECT_EQ(*mine, *theirs);
      }
    }
  }
  // Each organization's own roles.
  auto roles = [&](int64_t org) {
    return api.Get(OrgUrl(org)).Expect(200)["summary_fields"].as_object().at("object_roles");
  };
  EXPECT_NE(roles(a), roles(b));
}

}  // namespace
}  // namespace baton::testing
