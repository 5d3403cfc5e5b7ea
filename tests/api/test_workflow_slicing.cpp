// Sliced job template launches (workflow-semantics.md RL-7..RL-9, RL-3): a launch with more than
// one effective slice makes a sliced workflow job with one root node per slice.
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

TEST(WorkflowSlicing, LaunchMakesSlicedWorkflowJob) {
  Api api;
  JtWorld w(api, "sl", {{"job_slice_count", 3}, {"limit", "h*"}});
  int64_t big = MakeInventory(api, "sl-big", w.org, 4);
  api.Patch(JtUrl(w.jt), json::object{{"inventory", big}}).Expect(200);
  Resp r = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(201);
  int64_t wj = r["workflow_job"].as_int64();
  EXPECT_EQ(r.id(), wj);
  EXPECT_EQ(r.Header("Location"), "/api/v2/workflow_jobs/" + std::to_string(wj) + "/");
  EXPECT_EQ(r["ignored_fields"], json::object{});
  EXPECT_EQ(r["is_sliced_job"], true);
  EXPECT_EQ(r["job_template"], w.jt);
  EXPECT_EQ(r["unified_job_template"], w.jt);
  EXPECT_EQ(r["workflow_job_template"], nullptr);
  EXPECT_EQ(r["inventory"], big);
  EXPECT_EQ(r["limit"], "h*");
  EXPECT_EQ(r["name"], "sl-jt");
  EXPECT_EQ(
      r["summary_fields"].as_object().at("unified_job_template").as_object().at("unified_job_type"),
      "job");
  EXPECT_EQ(r["related"].as_object().at("job_template"), json::value(JtUrl(w.jt)));
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM unified_jobs WHERE type = 'job'"), 0);
  Resp nodes =
      api.Get("/api/v2/workflow_jobs/" + std::to_string(wj) + "/workflow_nodes/").Expect(200);
  ASSERT_EQ(nodes.count(), 3);
  for (auto& n : nodes.results()) {
    EXPECT_EQ(n.as_object().at("unified_job_template"), w.jt);
    EXPECT_EQ(n.as_object().at("success_nodes"), json::array{});
  }
  EXPECT_EQ(CountRows(api,
                      "SELECT COUNT(DISTINCT job_slice) FROM workflow_job_nodes WHERE "
                      "workflow_job_id = ? AND job_slice BETWEEN 1 AND 3",
                      {wj}),
            3);
  // Capped by the host count (RL-7): 2 hosts, 3 slices -> 2 nodes.
  api.Patch(JtUrl(w.jt), json::object{{"inventory", w.inventory}}).Expect(200);
  int64_t capped =
      api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(201)["workflow_job"].as_int64();
  EXPECT_EQ(
      CountRows(api, "SELECT COUNT(*) FROM workflow_job_nodes WHERE workflow_job_id = ?", {capped}),
      2);
  // One host: a plain job.
  int64_t one = MakeInventory(api, "sl-one", w.org, 1);
  api.Patch(JtUrl(w.jt), json::object{{"inventory", one}}).Expect(200);
  Resp job = api.Post(JtUrl(w.jt, "launch"), json::object{}).Expect(201);
  EXPECT_EQ(job["type"], "job");
}

TEST(WorkflowSlicing, ExecuteOnTheJobTemplateReadsAndRelaunches) {
  Api api;
  JtWorld w(api, "sr", {{"job_slice_count", 2}});
  int64_t u = api.User("exec");
  api.Grant(JtUrl(w.jt), "execute_role", u);
  int64_t wj = api.Post(JtUrl(w.jt, "launch"), json::object{})
                   .As("exec")
                   .Expect(201)["workflow_job"]
                   .as_int64();
  std::string url = "/api/v2/workflow_jobs/" + std::to_string(wj) + "/";
  api.Get(url).As("exec").Expect(200);
  EXPECT_EQ(api.Get(url + "workflow_nodes/").As("exec").Expect(200).count(), 2);
  Resp again = api.Post(url + "relaunch/", json::object{}).As("exec").Expect(201);
  EXPECT_EQ(again["is_sliced_job"], true);
  EXPECT_EQ(again["launch_type"], "relaunch");
  // The template's slice count changed: RL-3.
  api.Patch(JtUrl(w.jt), json::object{{"job_slice_count", 1}}).Expect(200);
  Resp r = api.Post(url + "relaunch/", json::object{}).As("exec").Expect(400);
  EXPECT_EQ(r["detail"], "Cannot relaunch sliced workflow job after slice count has changed.");
  // Only superusers delete sliced workflow jobs.
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE id = ?", {wj});
  api.Delete(url).As("exec").Expect(403);
}

}  // namespace
}  // namespace baton::testing
