// Workflow jobs and workflow job nodes (workflow-semantics.md DM-14..DM-16, EX-16, RL-1..RL-4,
// RB-17..RB-21; seed 003): fields in AWX's order, related, RBAC, delete, cancel/, relaunch/,
// labels/, workflow_nodes/, /workflow_job_nodes/ and their edge lists, /unified_jobs/.
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

std::string WjUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/workflow_jobs/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

int64_t LaunchWf(Api& api, int64_t w, const std::string& user = "admin", json::object body = {}) {
  return api.Post(WfjtUrl(w, "launch"), body).As(user).Expect(201)["workflow_job"].as_int64();
}

int64_t UserId(Api& api, const std::string& name) {
  return api.db().Local().QueryInt("SELECT id FROM users WHERE username = ?", {name}).value();
}

void SetStatus(Api& api, int64_t id, const std::string& status) {
  api.db().Local().Exec("UPDATE unified_jobs SET status = ? WHERE id = ?", {status, id});
}

TEST(WorkflowJobs, DetailHasSeed003FieldsInOrder) {
  Api api;
  int64_t w = MakeWfjt(api, "wf", api.Org("o"));
  int64_t wj = LaunchWf(api, w);
  Resp r = api.Get(WjUrl(wj)).Expect(200);
  std::vector<std::string> keys;
  for (auto& kv : r.obj()) keys.push_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"id",
                                            "type",
                                            "url",
                                            "related",
                                            "summary_fields",
                                            "created",
                                            "modified",
                                            "name",
                                            "description",
                                            "unified_job_template",
                                            "launch_type",
                                            "status",
                                            "failed",
                                            "started",
                                            "finished",
                                            "canceled_on",
                                            "elapsed",
                                            "job_args",
                                            "job_cwd",
                                            "job_env",
                                            "job_explanation",
                                            "result_traceback",
                                            "launched_by",
                                            "work_unit_id",
                                            "workflow_job_template",
                                            "extra_vars",
                                            "allow_simultaneous",
                                            "job_template",
                                            "is_sliced_job",
                                            "inventory",
                                            "limit",
                                            "scm_branch",
                                            "webhook_service",
                                            "webhook_credential",
                                            "webhook_guid",
                                            "skip_tags",
                                            "job_tags"}));
  Resp list = api.Get("/api/v2/workflow_jobs/").Expect(200);
  ASSERT_EQ(list.count(), 1);
  const auto& item = list.results()[0].as_object();
  for (const char* k : {"job_args", "job_cwd", "job_env", "result_traceback"})
    EXPECT_FALSE(item.contains(k)) << k;
  EXPECT_FALSE(r["related"].as_object().contains("stdout"));
  // Also listed under the template and in /unified_jobs/.
  EXPECT_EQ(api.Get(WfjtUrl(w, "workflow_jobs")).Expect(200).count(), 1);
  Resp uj = api.Get("/api/v2/unified_jobs/?type=workflow_job").Expect(200);
  ASSERT_EQ(uj.count(), 1);
  EXPECT_EQ(uj.results()[0].as_object().at("type"), "workflow_job");
  api.Get(WjUrl(9999)).Expect(404);
}

TEST(WorkflowJobs, ReadFollowsTemplateRb17) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org);
  int64_t wj = LaunchWf(api, w);
  int64_t reader = api.User("reader");
  int64_t auditor = api.User("auditor");
  api.User("nobody");
  api.Grant(WfjtUrl(w), "read_role", reader);
  api.Grant(OrgUrl(org), "auditor_role", auditor);
  api.Get(WjUrl(wj)).As("reader").Expect(200);
  api.Get(WjUrl(wj)).As("auditor").Expect(200);
  api.Get(WjUrl(wj)).As("nobody").Expect(403);
  EXPECT_EQ(api.Get("/api/v2/workflow_jobs/").As("nobody").Expect(200).count(), 0);
  EXPECT_EQ(api.Get("/api/v2/workflow_jobs/").As("reader").Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/workflow_job_nodes/").As("nobody").Expect(200).count(), 0);
}

TEST(WorkflowJobs, DeleteRulesRb18) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org);
  MakeNode(api, w);
  int64_t wj = LaunchWf(api, w);
  int64_t wfadmin = api.User("wfadmin");
  int64_t orgwf = api.User("orgwf");
  api.Grant(WfjtUrl(w), "admin_role", wfadmin);
  api.Grant(OrgUrl(org), "workflow_admin_role", orgwf);
  Resp r = api.Delete(WjUrl(wj)).As("orgwf").Expect(403);
  EXPECT_EQ(r["detail"], "Cannot delete running job resource.");
  SetStatus(api, wj, "successful");
  api.Delete(WjUrl(wj)).As("wfadmin").Expect(403);
  EXPECT_EQ(api.Get(WjUrl(wj))
                .As("wfadmin")
                .Expect(200)["summary_fields"]
                .as_object()
                .at("user_capabilities")
                .as_object()
                .at("delete"),
            false);
  api.Delete(WjUrl(wj)).As("orgwf").Expect(204);
  api.Get(WjUrl(wj)).Expect(404);
  EXPECT_EQ(
      CountRows(api, "SELECT COUNT(*) FROM workflow_job_nodes WHERE workflow_job_id = ?", {wj}), 0);
  // 'new' may be deleted.
  int64_t fresh = InsertWorkflowJob(api, w, "new");
  api.Delete(WjUrl(fresh)).Expect(204);
}

TEST(WorkflowJobs, CancelEx16) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org);
  int64_t executor = api.User("exec");
  api.User("reader");
  api.Grant(WfjtUrl(w), "execute_role", executor);
  api.Grant(WfjtUrl(w), "read_role", UserId(api, "reader"));
  int64_t wj = LaunchWf(api, w, "exec");
  EXPECT_EQ(api.Get(WjUrl(wj, "cancel")).Expect(200)["can_cancel"], true);
  api.Post(WjUrl(wj, "cancel"), json::object{}).As("reader").Expect(403);
  // The launching user may cancel; a pending workflow job is canceled at once.
  api.Post(WjUrl(wj, "cancel"), json::object{}).As("exec").Expect(202);
  Resp r = api.Get(WjUrl(wj)).Expect(200);
  EXPECT_EQ(r["status"], "canceled");
  EXPECT_EQ(r["failed"], true);
  EXPECT_NE(r["canceled_on"], nullptr);
  EXPECT_EQ(api.Get(WjUrl(wj, "cancel")).Expect(200)["can_cancel"], false);
  api.Post(WjUrl(wj, "cancel"), json::object{}).Expect(405);
  api.Post(WjUrl(wj, "cancel"), json::object{}).As("exec").Expect(403);
  // A running one only gets the flag: the manager finishes it.
  int64_t running = LaunchWf(api, w);
  SetStatus(api, running, "running");
  api.Post(WjUrl(running, "cancel"), json::object{}).Expect(202);
  EXPECT_EQ(api.Get(WjUrl(running)).Expect(200)["status"], "running");
  EXPECT_EQ(CountRows(api, "SELECT cancel_requested FROM unified_jobs WHERE id = ?", {running}), 1);
}

TEST(WorkflowJobs, RelaunchUsesCurrentGraphAndStoredPrompts) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org, {{"ask_limit_on_launch", true}});
  MakeNode(api, w, {{"identifier", "one"}});
  int64_t wj = LaunchWf(api, w, "admin", {{"limit", "x"}});
  EXPECT_EQ(api.Get(WjUrl(wj, "relaunch")).Expect(200).obj(), json::object{});
  MakeNode(api, w, {{"identifier", "two"}});
  Resp r = api.Post(WjUrl(wj, "relaunch"), json::object{{"limit", "ignored"}}).Expect(201);
  EXPECT_FALSE(r.obj().contains("workflow_job"));
  EXPECT_EQ(r.Header("Location"), WjUrl(r.id()));
  EXPECT_EQ(r["launch_type"], "relaunch");
  EXPECT_EQ(r["status"], "pending");
  EXPECT_EQ(r["limit"], "x");
  EXPECT_EQ(api.Get(WjUrl(r.id(), "workflow_nodes")).Expect(200).count(), 2);
}

TEST(WorkflowJobs, RelaunchPermissionsRl4) {
  Api api;
  int64_t org = api.Org("o");
  int64_t inv = MakeInventory(api, "inv", org);
  int64_t w = MakeWfjt(api, "wf", org, {{"ask_inventory_on_launch", true}});
  int64_t a = api.User("a");
  int64_t b = api.User("b");
  api.User("nobody");
  api.Grant(WfjtUrl(w), "execute_role", a);
  api.Grant(WfjtUrl(w), "execute_role", b);
  api.Grant(InvUrl2(inv), "use_role", a);
  int64_t plain = LaunchWf(api, w, "a");
  api.Post(WjUrl(plain, "relaunch"), json::object{}).As("nobody").Expect(403);
  api.Post(WjUrl(plain, "relaunch"), json::object{}).As("b").Expect(201);
  int64_t prompted = LaunchWf(api, w, "a", {{"inventory", inv}});
  Resp r = api.Post(WjUrl(prompted, "relaunch"), json::object{}).As("b").Expect(403);
  EXPECT_EQ(r["detail"], "Job was launched with prompts you lack access to.");
  api.Post(WjUrl(prompted, "relaunch"), json::object{}).As("a").Expect(201);
  // The template stopped asking.
  api.Patch(WfjtUrl(w), json::object{{"ask_inventory_on_launch", false}}).Expect(200);
  r = api.Post(WjUrl(prompted, "relaunch"), json::object{}).As("a").Expect(403);
  EXPECT_EQ(r["detail"], "Job was launched with prompts no longer accepted.");
  api.Post(WjUrl(prompted, "relaunch"), json::object{}).Expect(201);  // superuser
}

TEST(WorkflowJobs, RelaunchSecretPromptsOfAnotherUser) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org, {{"survey_enabled", true}});
  api.Post(WfjtUrl(w, "survey_spec"),
           json::object{{"name", ""},
                        {"description", ""},
                        {"spec", json::array{json::object{{"question_name", "p"},
                                                          {"variable", "pw"},
                                                          {"type", "password"},
                                                          {"required", false}}}}})
      .Expect(200);
  int64_t a = api.User("a");
  int64_t b = api.User("b");
  api.Grant(WfjtUrl(w), "execute_role", a);
  api.Grant(WfjtUrl(w), "execute_role", b);
  int64_t wj = LaunchWf(api, w, "a", {{"extra_vars", json::object{{"pw", "secret"}}}});
  Resp r = api.Post(WjUrl(wj, "relaunch"), json::object{}).As("b").Expect(403);
  EXPECT_EQ(r["detail"], "Job was launched with secret prompts provided by another user.");
  Resp ok = api.Post(WjUrl(wj, "relaunch"), json::object{}).As("a").Expect(201);
  EXPECT_EQ(ok["extra_vars"], "{\"pw\": \"$encrypted$\"}");
}

TEST(WorkflowJobs, RelaunchOfOrphanCopiesNodesSuperuserOnly) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org);
  int64_t n1 = MakeNode(api, w, {{"identifier", "x"}});
  int64_t n2 = MakeNode(api, w, {{"identifier", "y"}});
  Link(api, n1, "success", n2);
  int64_t wj = LaunchWf(api, w);
  SetStatus(api, wj, "successful");
  int64_t u = api.User("u");
  api.Grant(WfjtUrl(w), "admin_role", u);
  api.Delete(WfjtUrl(w)).Expect(204);
  Resp old = api.Get(WjUrl(wj)).Expect(200);
  EXPECT_EQ(old["workflow_job_template"], nullptr);
  api.Post(WjUrl(wj, "relaunch"), json::object{}).As("u").Expect(403);
  Resp r = api.Post(WjUrl(wj, "relaunch"), json::object{}).Expect(201);
  Resp nodes = api.Get(WjUrl(r.id(), "workflow_nodes")).Expect(200);
  ASSERT_EQ(nodes.count(), 2);
  EXPECT_EQ(nodes.results()[0].as_object().at("success_nodes"),
            json::array{nodes.results()[1].as_object().at("id")});
}

TEST(WorkflowJobs, SlicedRelaunchErrorsRl3) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org);
  int64_t wj = InsertWorkflowJob(api, w, "successful");
  api.db().Local().Exec(
      "UPDATE unified_jobs SET is_sliced_job = 1, workflow_job_template_id = NULL, "
      "job_template_id = 4242 WHERE id = ?",
      {wj});
  Resp r = api.Post(WjUrl(wj, "relaunch"), json::object{}).Expect(400);
  EXPECT_EQ(r["detail"], "Cannot relaunch slice workflow job orphaned from job template.");
  JtWorld world(api, "s", {{"job_slice_count", 2}});
  api.db().Local().Exec("UPDATE unified_jobs SET job_template_id = ? WHERE id = ?", {world.jt, wj});
  r = api.Post(WjUrl(wj, "relaunch"), json::object{}).Expect(400);
  EXPECT_EQ(r["detail"], "Cannot relaunch sliced workflow job after slice count has changed.");
  api.db().Local().Exec("UPDATE unified_jobs SET inventory_id = ? WHERE id = ?",
                        {world.inventory, wj});
  r = api.Post(WjUrl(wj, "relaunch"), json::object{}).Expect(400);
  EXPECT_EQ(r["detail"], "Cannot relaunch sliced workflow job after slice count has changed.");
}

TEST(WorkflowJobs, LabelsAndActivityStream) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org);
  int64_t label = api.Post("/api/v2/labels/", json::object{{"name", "l"}, {"organization", org}})
                      .Expect(201)
                      .id();
  api.Post(WfjtUrl(w, "labels"), json::object{{"id", label}}).Expect(204);
  int64_t wj = LaunchWf(api, w);
  Resp labels = api.Get(WjUrl(wj, "labels")).Expect(200);
  ASSERT_EQ(labels.count(), 1);
  EXPECT_EQ(labels.results()[0].as_object().at("id"), label);
  api.Get(WjUrl(wj, "activity_stream")).Expect(200);
  api.Post(WjUrl(wj, "labels"), json::object{{"id", label}}).Expect(405);
}

TEST(WorkflowJobNodes, ReadOnlyWithEdgesAndJobSummary) {
  Api api;
  JtWorld world(api, "n");
  int64_t w = MakeWfjt(api, "wf", world.org);
  int64_t a = MakeNode(api, w, {{"unified_job_template", world.jt}, {"identifier", "a"}});
  int64_t b = MakeNode(api, w, {{"identifier", "b"}});
  Link(api, a, "failure", b);
  int64_t wj = LaunchWf(api, w);
  Resp nodes = api.Get(WjUrl(wj, "workflow_nodes")).Expect(200);
  int64_t na = nodes.results()[0].as_object().at("id").as_int64();
  int64_t nb = nodes.results()[1].as_object().at("id").as_int64();
  std::string url = "/api/v2/workflow_job_nodes/" + std::to_string(na) + "/";
  Resp r = api.Get(url).Expect(200);
  EXPECT_EQ(r["type"], "workflow_job_node");
  EXPECT_EQ(r["identifier"], "a");
  EXPECT_EQ(r["failure_nodes"], json::array{nb});
  EXPECT_FALSE(r.obj().contains("name"));
  EXPECT_EQ(api.Get(url + "failure_nodes/").Expect(200).count(), 1);
  EXPECT_EQ(api.Get(url + "success_nodes/").Expect(200).count(), 0);
  api.Get(url + "credentials/").Expect(200);
  api.Get(url + "labels/").Expect(200);
  api.Patch(url, json::object{{"identifier", "z"}}).Expect(405);
  api.Delete(url).Expect(405);
  api.Post("/api/v2/workflow_job_nodes/", json::object{}).Expect(405);
  // A spawned job shows in summary_fields.job.
  int64_t job = InsertWorkflowJob(api, w, "running");
  api.db().Local().Exec("UPDATE unified_jobs SET type = 'job', name = 'spawned' WHERE id = ?",
                        {job});
  api.db().Local().Exec("UPDATE workflow_job_nodes SET job_id = ? WHERE id = ?", {job, na});
  r = api.Get(url).Expect(200);
  EXPECT_EQ(r["job"], job);
  const auto& s = r["summary_fields"].as_object().at("job").as_object();
  EXPECT_EQ(s.at("name"), "spawned");
  EXPECT_EQ(s.at("status"), "running");
  EXPECT_EQ(s.at("type"), "job");
  EXPECT_EQ(r["summary_fields"].as_object().at("workflow_job").as_object().at("id"), wj);
}

}  // namespace
}  // namespace baton::testing
