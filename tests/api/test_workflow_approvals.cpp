// Workflow approvals (workflow-semantics.md DM-19, EX-18, RB-16, RB-18): list and detail with
// summary_fields, approve/ and deny/ with the RB matrix, the 400 when already decided, delete.
// Approvals are written to the store as the workflow manager's spawner makes them.
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

std::string ApUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/workflow_approvals/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

struct ApprovalWorld {
  int64_t org = 0, wfjt = 0, node = 0, at = 0, wj = 0, approval = 0;
  ApprovalWorld(Api& api, int64_t timeout = 0) {
    org = api.Org("ao");
    wfjt = MakeWfjt(api, "awf", org);
    node = MakeNode(api, wfjt, {{"identifier", "gate"}});
    at = api.Post(NodeUrl(node, "create_approval_template"),
                  json::object{{"name", "Gate"}, {"description", "ok?"}, {"timeout", timeout}})
             .Expect(201)
             .id();
    wj = api.Post(WfjtUrl(wfjt, "launch"), json::object{}).Expect(201)["workflow_job"].as_int64();
    auto& db = api.db().Local();
    db.Exec("UPDATE unified_jobs SET status = 'running' WHERE id = ?", {wj});
    approval = db.Insert(
        "INSERT INTO unified_jobs (type, name, description, status, launch_type, "
        "unified_job_template_id, workflow_approval_template_id, source_workflow_job_id, "
        "timeout, started, created, modified) VALUES ('workflow_approval', 'Gate', 'ok?', "
        "'pending', 'workflow', ?, ?, ?, ?, '2024-01-01T00:00:00.000000Z', "
        "'2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z') RETURNING id",
        {at, at, wj, timeout});
    db.Exec("UPDATE workflow_job_nodes SET job_id = ? WHERE workflow_job_id = ?", {approval, wj});
  }
};

TEST(WorkflowApprovals, DetailAndListWithSummaries) {
  Api api;
  ApprovalWorld w(api, 60);
  Resp r = api.Get(ApUrl(w.approval)).Expect(200);
  EXPECT_EQ(r["type"], "workflow_approval");
  EXPECT_EQ(r["status"], "pending");
  EXPECT_EQ(r["can_approve_or_deny"], true);
  EXPECT_EQ(r["approval_expiration"], "2024-01-01T00:01:00.000000Z");
  EXPECT_EQ(r["timed_out"], false);
  EXPECT_FALSE(r.obj().contains("execution_node"));
  EXPECT_FALSE(r.obj().contains("controller_node"));
  const auto& rel = r["related"].as_object();
  EXPECT_EQ(rel.at("approve"), json::value(ApUrl(w.approval, "approve")));
  EXPECT_EQ(rel.at("deny"), json::value(ApUrl(w.approval, "deny")));
  EXPECT_EQ(rel.at("workflow_approval_template"),
            json::value("/api/v2/workflow_approval_templates/" + std::to_string(w.at) + "/"));
  EXPECT_EQ(rel.at("source_workflow_job"),
            json::value("/api/v2/workflow_jobs/" + std::to_string(w.wj) + "/"));
  const auto& sf = r["summary_fields"].as_object();
  EXPECT_EQ(
      sf.at("workflow_approval_template"),
      (json::object{{"id", w.at}, {"name", "Gate"}, {"description", "ok?"}, {"timeout", 60}}));
  EXPECT_EQ(sf.at("workflow_job").as_object().at("id"), w.wj);
  EXPECT_EQ(sf.at("source_workflow_job").as_object().at("id"), w.wj);
  EXPECT_TRUE(sf.contains("user_capabilities"));
  EXPECT_EQ(api.Get("/api/v2/workflow_approvals/").Expect(200).count(), 1);
  EXPECT_EQ(api.Get(ApUrl(w.approval, "approve")).Expect(200).obj(), json::object{});
  // The job node shows it with timed_out.
  Resp node =
      api.Get("/api/v2/workflow_jobs/" + std::to_string(w.wj) + "/workflow_nodes/").Expect(200);
  const auto& job = node.results()[0].as_object().at("summary_fields").as_object().at("job");
  EXPECT_EQ(job.as_object().at("timed_out"), false);
  // Approvals are not unified jobs (DM-19).
  EXPECT_EQ(api.Get("/api/v2/unified_jobs/?type=workflow_approval").Expect(200).count(), 0);
}

TEST(WorkflowApprovals, ApproveSetsSuccessfulOnce) {
  Api api;
  ApprovalWorld w(api);
  api.Post(ApUrl(w.approval, "approve"), json::object{}).Expect(204);
  Resp r = api.Get(ApUrl(w.approval)).Expect(200);
  EXPECT_EQ(r["status"], "successful");
  EXPECT_EQ(r["failed"], false);
  EXPECT_NE(r["finished"], nullptr);
  EXPECT_EQ(r["can_approve_or_deny"], false);
  EXPECT_EQ(r["approval_expiration"], nullptr);
  EXPECT_EQ(r["summary_fields"].as_object().at("approved_or_denied_by").as_object().at("username"),
            "admin");
  for (const char* action : {"approve", "deny"}) {
    Resp again = api.Post(ApUrl(w.approval, action), json::object{}).Expect(400);
    EXPECT_EQ(again.obj(),
              (json::object{{"error", "This workflow step has already been approved or denied."}}));
  }
}

TEST(WorkflowApprovals, DenySetsFailed) {
  Api api;
  ApprovalWorld w(api);
  api.Post(ApUrl(w.approval, "deny"), json::object{}).Expect(204);
  Resp r = api.Get(ApUrl(w.approval)).Expect(200);
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["failed"], true);
  api.Post(ApUrl(w.approval, "approve"), json::object{}).Expect(400);
}

// The collection's workflow_approval and workflow_node_wait find the node by its spawned job's
// name: GET /workflow_jobs/N/workflow_nodes/?job__name=<name> (api-resources.md §27). `job` may
// be an approval, which /unified_jobs/ does not list; the filter still reaches it.
TEST(WorkflowApprovals, JobNodesFilterByJobNameReachesApprovals) {
  Api api;
  ApprovalWorld w(api);
  std::string nodes = "/api/v2/workflow_jobs/" + std::to_string(w.wj) + "/workflow_nodes/";
  Resp r = api.Get(nodes + "?job__name=Gate").Expect(200);
  ASSERT_EQ(r.count(), 1);
  EXPECT_EQ(r.results()[0].as_object().at("job"), w.approval);
  EXPECT_EQ(api.Get(nodes + "?job__name=Other").Expect(200).count(), 0);
  EXPECT_EQ(api.Get(nodes + "?job__status=pending").Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/workflow_job_nodes/?job__name=Gate").Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/unified_jobs/").Expect(200).count(), 1);  // the workflow job only
}

TEST(WorkflowApprovals, ApproveMatrixRb16) {
  struct Case {
    const char* name;
    const char* url;  // "wf" or "org"
    const char* role;
    int approve;  // expected status
  };
  const Case cases[] = {
      {"wf_admin", "wf", "admin_role", 204},
      {"wf_approval", "wf", "approval_role", 204},
      {"wf_execute", "wf", "execute_role", 403},
      {"wf_read", "wf", "read_role", 403},
      {"org_admin", "org", "admin_role", 204},
      {"org_wf_admin", "org", "workflow_admin_role", 204},
      {"org_approval", "org", "approval_role", 204},
      {"org_execute", "org", "execute_role", 403},
      {"org_auditor", "org", "auditor_role", 403},
  };
  for (const auto& c : cases) {
    Api api;
    ApprovalWorld w(api);
    int64_t u = api.User(c.name);
    api.Grant(std::string(c.url) == "wf" ? WfjtUrl(w.wfjt) : OrgUrl(w.org), c.role, u);
    Resp r = api.Get(ApUrl(w.approval)).As(c.name).Expect(200);
    EXPECT_EQ(r["can_approve_or_deny"], c.approve == 204) << c.name;
    api.Post(ApUrl(w.approval, "deny"), json::object{}).As(c.name).Expect(c.approve);
    EXPECT_EQ(
        CountRows(api, "SELECT status = 'failed' FROM unified_jobs WHERE id = ?", {w.approval}),
        c.approve == 204 ? 1 : 0)
        << c.name;
  }
  Api api;
  ApprovalWorld w(api);
  api.User("stranger");
  api.Get(ApUrl(w.approval)).As("stranger").Expect(403);
  api.Post(ApUrl(w.approval, "approve"), json::object{}).As("stranger").Expect(403);
  EXPECT_EQ(api.Get("/api/v2/workflow_approvals/").As("stranger").Expect(200).count(), 0);
}

TEST(WorkflowApprovals, DeleteSuperuserOnly) {
  Api api;
  ApprovalWorld w(api);
  int64_t u = api.User("orgadmin");
  api.Grant(OrgUrl(w.org), "admin_role", u);
  api.Delete(ApUrl(w.approval)).As("orgadmin").Expect(403);
  Resp r = api.Delete(ApUrl(w.approval)).Expect(403);
  EXPECT_EQ(r["detail"], "Cannot delete job resource when associated workflow job is running.");
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE id = ?", {w.wj});
  r = api.Delete(ApUrl(w.approval)).Expect(403);
  EXPECT_EQ(r["detail"], "Cannot delete running job resource.");
  api.Post(ApUrl(w.approval, "approve"), json::object{}).Expect(204);
  api.Delete(ApUrl(w.approval)).Expect(204);
}

}  // namespace
}  // namespace baton::testing
