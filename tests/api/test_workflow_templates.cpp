// Workflow job templates (workflow-semantics.md DM-1..DM-4, LA-9, CP-1, CP-2, RB-5;
// api-resources.md §23): fields, validation, related and summaries, webhook_key/, survey_spec/,
// labels/, copy/, delete, workflow_jobs/.
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

TEST(WorkflowTemplates, CreateShowsEveryFieldRelatedAndSummary) {
  Api api;
  int64_t org = api.Org("wo");
  int64_t inv = MakeInventory(api, "wi", org, 1);
  Resp r = api.Post(kWfjts, json::object{{"name", "Deploy Full Stack"},
                                         {"description", "Deploy database, backend, and frontend"},
                                         {"organization", org},
                                         {"inventory", inv},
                                         {"extra_vars", "---\nenv: production"},
                                         {"ask_variables_on_launch", true}})
               .Expect(201);
  int64_t id = r.id();
  EXPECT_EQ(r.Header("Location"), WfjtUrl(id));
  EXPECT_EQ(r["type"], "workflow_job_template");
  EXPECT_EQ(r["url"], json::value(WfjtUrl(id)));
  EXPECT_EQ(r["extra_vars"], "---\nenv: production");
  EXPECT_EQ(r["organization"], org);
  EXPECT_EQ(r["inventory"], inv);
  for (const char* k : {"limit", "scm_branch", "job_tags", "skip_tags", "webhook_credential",
                        "last_job_run", "next_job_run"})
    EXPECT_EQ(r[k], nullptr) << k;
  EXPECT_EQ(r["status"], "never updated");
  EXPECT_EQ(r["webhook_service"], "");
  EXPECT_EQ(r["ask_variables_on_launch"], true);
  for (const char* k : {"survey_enabled", "allow_simultaneous", "ask_inventory_on_launch",
                        "ask_scm_branch_on_launch", "ask_limit_on_launch", "ask_labels_on_launch",
                        "ask_skip_tags_on_launch", "ask_tags_on_launch", "last_job_failed"})
    EXPECT_EQ(r[k], false) << k;
  for (const char* k : {"execution_environment", "survey_spec", "webhook_key", "playbook"})
    EXPECT_FALSE(r.obj().contains(k)) << k;
  // AWX's field order: the template status fields follow description.
  std::vector<std::string> keys;
  for (auto& kv : r.obj()) keys.push_back(kv.key());
  std::vector<std::string> head(keys.begin(), keys.begin() + 14);
  EXPECT_EQ(head,
            (std::vector<std::string>{"id", "type", "url", "related", "summary_fields", "created",
                                      "modified", "name", "description", "last_job_run",
                                      "last_job_failed", "next_job_run", "status", "extra_vars"}));
  const auto& rel = r["related"].as_object();
  for (const char* k :
       {"workflow_jobs", "schedules", "launch", "webhook_key", "workflow_nodes", "labels",
        "activity_stream", "notification_templates_started", "notification_templates_success",
        "notification_templates_error", "notification_templates_approvals", "access_list",
        "object_roles", "survey_spec", "copy"})
    EXPECT_EQ(rel.at(k), json::value(WfjtUrl(id, k))) << k;
  EXPECT_EQ(rel.at("webhook_receiver"), "");
  EXPECT_EQ(rel.at("organization"), json::value(OrgUrl(org)));
  EXPECT_EQ(rel.at("inventory"), json::value(InvUrl2(inv)));
  EXPECT_EQ(rel.at("named_url"), "/api/v2/workflow_job_templates/Deploy Full Stack++wo/");
  EXPECT_TRUE(rel.contains("created_by"));
  const auto& sf = r["summary_fields"].as_object();
  EXPECT_EQ(sf.at("organization").as_object().at("name"), "wo");
  EXPECT_EQ(sf.at("inventory").as_object().at("total_hosts"), 1);
  EXPECT_EQ(sf.at("labels"), (json::object{{"count", 0}, {"results", json::array{}}}));
  EXPECT_EQ(sf.at("recent_jobs"), json::array{});
  EXPECT_EQ(sf.at("created_by").as_object().at("username"), "admin");
  for (const char* role : {"admin_role", "execute_role", "read_role", "approval_role"})
    EXPECT_TRUE(sf.at("object_roles").as_object().contains(role)) << role;
  EXPECT_EQ(
      sf.at("user_capabilities"),
      (json::object{
          {"start", true}, {"schedule", true}, {"copy", true}, {"edit", true}, {"delete", true}}));
  // Ids come from the unified job template sequence: after the inventory's none, but unique
  // among job templates, projects and inventory sources.
  int64_t project = MakeProject(api, "wp", org);
  EXPECT_GT(project, id);
  EXPECT_EQ(CountRows(api,
                      "SELECT COUNT(*) FROM unified_job_template_ids WHERE id = ? AND type = "
                      "'workflow_job_template'",
                      {id}),
            1);
  // Lists, named URL, filters.
  api.Get("/api/v2/workflow_job_templates/Deploy Full Stack++wo/").Expect(200);
  EXPECT_EQ(api.Get(std::string(kWfjts) + "?name__icontains=full").Expect(200).count(), 1);
  EXPECT_EQ(api.Get(std::string(kWfjts) + "?organization__name=wo").Expect(200).count(), 1);
  // The empty string is a value, null is "not set" (PF-16).
  Resp p = api.Patch(WfjtUrl(id), json::object{{"limit", ""}, {"scm_branch", "dev"}}).Expect(200);
  EXPECT_EQ(p["limit"], "");
  EXPECT_EQ(p["scm_branch"], "dev");
  EXPECT_EQ(api.Patch(WfjtUrl(id), json::object{{"limit", nullptr}}).Expect(200)["limit"], nullptr);
}

struct Bad {
  std::string what;
  json::object body;
  json::object expect;
};

TEST(WorkflowTemplates, ValidationMessages) {
  Api api;
  int64_t org = api.Org("vo");
  MakeWfjt(api, "taken", org);
  MakeWfjt(api, "orphan", 0);
  int64_t gh = MakeCred(api, "gh", "GitHub Personal Access Token", org, {{"token", "t"}});
  int64_t machine = MachineCred(api, "m", org);
  auto all = [](const char* m) { return json::object{{"__all__", json::array{m}}}; };
  auto field = [](const char* f, const char* m) { return json::object{{f, json::array{m}}}; };
  const char* kUnique =
      "WorkflowJobTemplate with this (name, organization) combination already exists.";
  std::vector<Bad> cases = {
      {"no name", {{"organization", org}}, field("name", "This field is required.")},
      {"blank name", {{"name", ""}}, field("name", "This field may not be blank.")},
      {"long name",
       {{"name", std::string(513, 'x')}},
       field("name", "Ensure this field has no more than 512 characters.")},
      {"same name and org", {{"name", "taken"}, {"organization", org}}, all(kUnique)},
      {"same name without org", {{"name", "orphan"}}, all(kUnique)},
      {"extra_vars object",
       {{"name", "x"}, {"extra_vars", json::object{{"a", 1}}}},
       field("extra_vars", "Not a valid string.")},
      {"bad org",
       {{"name", "x"}, {"organization", 9999}},
       field("organization", "Invalid pk \"9999\" - object does not exist.")},
      {"bad service",
       {{"name", "x"}, {"webhook_service", "svn"}},
       field("webhook_service", "\"svn\" is not a valid choice.")},
      {"webhook cred kind",
       {{"name", "x"}, {"webhook_service", "github"}, {"webhook_credential", machine}},
       field("webhook_credential", "Must be a Personal Access Token.")},
      {"webhook cred service",
       {{"name", "x"}, {"webhook_service", "gitlab"}, {"webhook_credential", gh}},
       field("webhook_credential", "Must match the selected webhook service.")},
      {"webhook cred no service",
       {{"name", "x"}, {"webhook_credential", gh}},
       field("webhook_credential", "Must match the selected webhook service.")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Resp r = api.Post(kWfjts, c.body).Expect(400);
    EXPECT_EQ(r.json, json::value(c.expect)) << r.body;
  }
  Resp bad_yaml =
      api.Post(kWfjts, json::object{{"name", "y"}, {"extra_vars", "a: [1"}}).Expect(400);
  EXPECT_TRUE(bad_yaml.obj().contains("extra_vars")) << bad_yaml.body;
  // The same name in another organization, and a matching token credential, are fine.
  MakeWfjt(api, "taken", api.Org("other"));
  api.Post(kWfjts, json::object{{"name", "hooked"},
                                {"organization", org},
                                {"webhook_service", "github"},
                                {"webhook_credential", gh}})
      .Expect(201);
  // Renaming onto an existing name is refused as well.
  int64_t other = MakeWfjt(api, "free", org);
  EXPECT_EQ(api.Patch(WfjtUrl(other), json::object{{"name", "taken"}}).Expect(400).json,
            json::value(all(kUnique)));
}

TEST(WorkflowTemplates, WebhookKeyIsGeneratedRotatedAndCleared) {
  Api api;
  int64_t org = api.Org("ho");
  int64_t id = MakeWfjt(api, "hooks", org, {{"webhook_service", "github"}});
  Resp t = api.Get(WfjtUrl(id)).Expect(200);
  EXPECT_EQ(t["related"].as_object().at("webhook_receiver"), json::value(WfjtUrl(id, "github")));
  std::string key =
      std::string(api.Get(WfjtUrl(id, "webhook_key")).Expect(200)["webhook_key"].as_string());
  EXPECT_EQ(key.size(), 50u);
  Resp rotated = api.Post(WfjtUrl(id, "webhook_key"), json::object{}).Expect(201);
  std::string key2 = std::string(rotated["webhook_key"].as_string());
  EXPECT_EQ(key2.size(), 50u);
  EXPECT_NE(key2, key);
  EXPECT_EQ(api.Get(WfjtUrl(id, "webhook_key")).Expect(200)["webhook_key"], json::value(key2));
  // A service change draws a new key; no service, no key.
  api.Patch(WfjtUrl(id), json::object{{"webhook_service", "gitlab"}}).Expect(200);
  EXPECT_NE(api.Get(WfjtUrl(id, "webhook_key")).Expect(200)["webhook_key"], json::value(key2));
  api.Patch(WfjtUrl(id), json::object{{"webhook_service", ""}}).Expect(200);
  EXPECT_EQ(api.Get(WfjtUrl(id, "webhook_key")).Expect(200)["webhook_key"], "");
  int64_t plain = MakeWfjt(api, "plain", org);
  EXPECT_EQ(api.Get(WfjtUrl(plain, "webhook_key")).Expect(200)["webhook_key"], "");
  // Only admins of the template see or rotate it.
  int64_t u = api.User("hx");
  api.Grant(WfjtUrl(id), "execute_role", u);
  api.Get(WfjtUrl(id, "webhook_key")).As("hx").Expect(403);
  api.Post(WfjtUrl(id, "webhook_key"), json::object{}).As("hx").Expect(403);
}

TEST(WorkflowTemplates, SurveySpecGetPostDelete) {
  Api api;
  int64_t org = api.Org("so");
  int64_t id = MakeWfjt(api, "surveyed", org);
  EXPECT_EQ(api.Get(WfjtUrl(id, "survey_spec")).Expect(200).json, json::value(json::object{}));
  json::object spec{
      {"name", "Deployment Survey"},
      {"description", "Parameters for deployment"},
      {"spec", json::array{json::object{{"question_name", "Environment"},
                                        {"required", true},
                                        {"type", "multiplechoice"},
                                        {"variable", "environment"},
                                        {"choices", json::array{"dev", "staging", "production"}}},
                           json::object{{"question_name", "Secret"},
                                        {"required", false},
                                        {"type", "password"},
                                        {"variable", "secret"},
                                        {"default", "hunter2"}}}}};
  api.Post(WfjtUrl(id, "survey_spec"), spec).Expect(200);
  Resp g = api.Get(WfjtUrl(id, "survey_spec")).Expect(200);
  EXPECT_EQ(g["name"], "Deployment Survey");
  EXPECT_EQ(g["spec"].as_array()[1].as_object().at("default"), "$encrypted$");
  Resp t = api.Get(WfjtUrl(id)).Expect(200);
  EXPECT_EQ(
      t["summary_fields"].as_object().at("survey"),
      (json::object{{"title", "Deployment Survey"}, {"description", "Parameters for deployment"}}));
  EXPECT_EQ(t["survey_enabled"], false);  // posting a spec does not enable it
  EXPECT_EQ(api.Post(WfjtUrl(id, "survey_spec"), json::object{{"name", "x"}, {"description", ""}})
                .Expect(400)
                .json,
            json::value(json::object{{"error", "Field 'spec' is missing from survey spec."}}));
  int64_t ex = api.User("sx");
  api.Grant(WfjtUrl(id), "execute_role", ex);
  api.Get(WfjtUrl(id, "survey_spec")).As("sx").Expect(200);
  api.Post(WfjtUrl(id, "survey_spec"), spec).As("sx").Expect(403);
  api.Delete(WfjtUrl(id, "survey_spec")).As("sx").Expect(403);
  api.Delete(WfjtUrl(id, "survey_spec")).Expect(200);
  EXPECT_EQ(api.Get(WfjtUrl(id, "survey_spec")).Expect(200).json, json::value(json::object{}));
}

TEST(WorkflowTemplates, LabelsAttachCreateDetach) {
  Api api;
  int64_t org = api.Org("lo");
  int64_t id = MakeWfjt(api, "labelled", org);
  int64_t l1 = api.Post("/api/v2/labels/", json::object{{"name", "l1"}, {"organization", org}})
                   .Expect(201)
                   .id();
  api.Post(WfjtUrl(id, "labels"), json::object{{"id", l1}}).Expect(204);
  // An existing label named in the body is attached, not duplicated.
  api.Post(WfjtUrl(id, "labels"), json::object{{"name", "l1"}, {"organization", org}}).Expect(204);
  api.Post(WfjtUrl(id, "labels"), json::object{{"name", "l2"}, {"organization", org}}).Expect(201);
  EXPECT_EQ(api.Get(WfjtUrl(id, "labels")).Expect(200).count(), 2);
  EXPECT_EQ(api.Get(WfjtUrl(id))
                .Expect(200)["summary_fields"]
                .as_object()
                .at("labels")
                .as_object()
                .at("count"),
            2);
  api.Post(WfjtUrl(id, "labels"), json::object{{"id", l1}, {"disassociate", true}}).Expect(204);
  EXPECT_EQ(api.Get(WfjtUrl(id, "labels")).Expect(200).count(), 1);
  int64_t ro = api.User("lr");
  api.Grant(WfjtUrl(id), "read_role", ro);
  api.Post(WfjtUrl(id, "labels"), json::object{{"name", "l3"}, {"organization", org}})
      .As("lr")
      .Expect(403);
}

TEST(WorkflowTemplates, DeleteRefusedWhileJobsRunAndCascades) {
  Api api;
  int64_t org = api.Org("do");
  JtWorld w(api, "dw");
  int64_t id = MakeWfjt(api, "doomed", org);
  int64_t a = MakeNode(api, id, {{"unified_job_template", w.jt}});
  int64_t b = MakeNode(api, id);
  ASSERT_EQ(Link(api, a, "success", b).status, 204);
  int64_t approval = api.Post(NodeUrl(b, "create_approval_template"), json::object{{"name", "ok?"}})
                         .Expect(201)
                         .id();
  int64_t wj = InsertWorkflowJob(api, id, "running");
  Resp busy = api.Delete(WfjtUrl(id)).Expect(409);
  EXPECT_EQ(busy.json,
            json::value(json::object{
                {"error", "Resource is being used by running jobs."},
                {"active_jobs", json::array{json::object{{"id", wj}, {"type", "workflow_job"}}}}}));
  EXPECT_EQ(api.Get(WfjtUrl(id, "workflow_jobs")).Expect(200).count(), 1);
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE id = ?", {wj});
  api.Delete(WfjtUrl(id)).Expect(204);
  api.Get(NodeUrl(a)).Expect(404);
  api.Get("/api/v2/workflow_approval_templates/" + std::to_string(approval) + "/").Expect(404);
  api.Get(NodeUrl(b, "create_approval_template")).Expect(404);
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM workflow_edges"), 0);
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM workflow_job_template_nodes"), 0);
  // The workflow job outlives its template.
  EXPECT_EQ(CountRows(api,
                      "SELECT COUNT(*) FROM unified_jobs WHERE id = ? AND "
                      "workflow_job_template_id IS NULL",
                      {wj}),
            1);
  // The job template the node used is untouched.
  api.Get(JtUrl(w.jt)).Expect(200);
}

TEST(WorkflowTemplates, StatusFollowsItsWorkflowJobs) {
  Api api;
  int64_t id = MakeWfjt(api, "st", api.Org("sto"));
  int64_t j1 = InsertWorkflowJob(api, id, "failed");
  api.db().Local().Exec(
      "UPDATE unified_jobs SET failed = 1, finished = '2024-01-01T00:01:00Z' WHERE id = ?", {j1});
  Resp r = api.Get(WfjtUrl(id)).Expect(200);
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["last_job_failed"], true);
  EXPECT_EQ(r["last_job_run"], "2024-01-01T00:01:00Z");
  EXPECT_EQ(r["related"].as_object().at("last_job"),
            json::value("/api/v2/workflow_jobs/" + std::to_string(j1) + "/"));
  int64_t j2 = InsertWorkflowJob(api, id, "running");
  r = api.Get(WfjtUrl(id)).Expect(200);
  EXPECT_EQ(r["status"], "running");
  const auto& recent = r["summary_fields"].as_object().at("recent_jobs").as_array();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].as_object().at("id"), j2);
  EXPECT_EQ(recent[0].as_object().at("type"), "workflow_job");
  Resp list = api.Get(WfjtUrl(id, "workflow_jobs")).Expect(200);
  EXPECT_EQ(list.count(), 2);
  EXPECT_EQ(list.results()[0].as_object().at("type"), "workflow_job");
}

}  // namespace
}  // namespace baton::testing
