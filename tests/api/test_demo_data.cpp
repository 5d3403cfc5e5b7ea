// The demo objects of a fresh install (api-resources.md §37) and that they are made only once.
#include "app/demo_data.hpp"
#include "harness.hpp"

namespace baton::testing {
namespace {

TEST(DemoData, FreshInstallHasTheDemoObjects) {
  Api api;
  SystemClock clock;
  ASSERT_TRUE(app::SeedDemoData(api.db(), clock, api.projects_root().string()));

  auto inv = api.Get("/api/v2/inventories/?name=Demo+Inventory").Expect(200);
  ASSERT_EQ(inv.count(), 1);
  EXPECT_EQ(inv.results()[0].at("organization").as_int64(), api.DefaultOrg());
  int64_t inv_id = inv.results()[0].at("id").as_int64();
  auto hosts = api.Get("/api/v2/inventories/" + std::to_string(inv_id) + "/hosts/").Expect(200);
  ASSERT_EQ(hosts.count(), 1);
  EXPECT_EQ(hosts.results()[0].at("name"), "localhost");
  EXPECT_NE(
      std::string(hosts.results()[0].at("variables").as_string()).find("ansible_connection: local"),
      std::string::npos);

  auto proj = api.Get("/api/v2/projects/?name=Demo+Project").Expect(200);
  ASSERT_EQ(proj.count(), 1);
  int64_t proj_id = proj.results()[0].at("id").as_int64();
  EXPECT_EQ(proj.results()[0].at("status"), "ok");
  auto books = api.Get("/api/v2/projects/" + std::to_string(proj_id) + "/playbooks/").Expect(200);
  EXPECT_EQ(Dump(books.json), R"(["hello_world.yml"])");

  auto cred = api.Get("/api/v2/credentials/?name=Demo+Credential").Expect(200);
  ASSERT_EQ(cred.count(), 1);
  EXPECT_EQ(cred.results()[0].at("kind"), "ssh");
  EXPECT_EQ(cred.results()[0].at("inputs").at("username"), "admin");

  auto& c = api.db().Local();
  auto jt = c.QueryInt(
      "SELECT id FROM job_templates WHERE name = 'Demo Job Template' AND project_id = ? AND "
      "inventory_id = ? AND playbook = 'hello_world.yml'",
      {proj_id, inv_id});
  ASSERT_TRUE(jt);
  EXPECT_TRUE(c.QueryInt(
      "SELECT 1 FROM credential_attachments WHERE owner_type = 'job_template' AND owner_id = ? "
      "AND credential_id = ?",
      {*jt, cred.results()[0].at("id").as_int64()}));
  // Templates share one id space (unified_job_template_ids).
  EXPECT_NE(*jt, proj_id);
}

TEST(DemoData, MadeOnceAndNotRecreatedAfterDeletion) {
  Api api;
  SystemClock clock;
  ASSERT_TRUE(app::SeedDemoData(api.db(), clock, api.projects_root().string()));
  auto inv = api.Get("/api/v2/inventories/?name=Demo+Inventory").Expect(200);
  api.Delete("/api/v2/inventories/" + std::to_string(inv.results()[0].at("id").as_int64()) + "/")
      .Expect(202);
  EXPECT_FALSE(app::SeedDemoData(api.db(), clock, api.projects_root().string()));
  EXPECT_EQ(api.db().Local().QueryInt("SELECT COUNT(*) FROM projects WHERE name = 'Demo Project'"),
            1);
}

}  // namespace
}  // namespace baton::testing
