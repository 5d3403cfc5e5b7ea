// Jobs, the read side (api-resources.md §17): fields in AWX's order against seed 002, computed
// fields, related/summary_fields, sub-lists, delete/cancel/stdout and their refusals.
#include "job_rows.hpp"

// Event rows are written with designated initializers naming only what each test needs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace baton::testing {
namespace {

using namespace jobs;

// Every key of seed 002's job body (the relaunch answer adds "job", which is not a job field).
const std::vector<std::string> kSeedKeys = {"allow_simultaneous",
                                            "artifacts",
                                            "canceled_on",
                                            "controller_node",
                                            "created",
                                            "description",
                                            "diff_mode",
                                            "elapsed",
                                            "event_processing_finished",
                                            "execution_node",
                                            "extra_vars",
                                            "failed",
                                            "finished",
                                            "force_handlers",
                                            "forks",
                                            "id",
                                            "instance_group",
                                            "inventory",
                                            "job_args",
                                            "job_cwd",
                                            "job_env",
                                            "job_explanation",
                                            "job_slice_count",
                                            "job_slice_number",
                                            "job_tags",
                                            "job_template",
                                            "job_type",
                                            "launch_type",
                                            "limit",
                                            "modified",
                                            "name",
                                            "organization",
                                            "passwords_needed_to_start",
                                            "playbook",
                                            "project",
                                            "related",
                                            "result_traceback",
                                            "scm_branch",
                                            "scm_revision",
                                            "skip_tags",
                                            "start_at_task",
                                            "started",
                                            "status",
                                            "summary_fields",
                                            "timeout",
                                            "type",
                                            "unified_job_template",
                                            "url",
                                            "use_fact_cache",
                                            "verbosity",
                                            "webhook_credential",
                                            "webhook_guid",
                                            "webhook_service"};

// AWX's JobDetailSerializer order (JobOptionsSerializer fields, unified-job fields, job fields,
// detail additions).
const std::vector<std::string> kDetailOrder = {"id",
                                               "type",
                                               "url",
                                               "related",
                                               "summary_fields",
                                               "created",
                                               "modified",
                                               "name",
                                               "description",
                                               "job_type",
                                               "inventory",
                                               "project",
                                               "playbook",
                                               "scm_branch",
                                               "forks",
                                               "limit",
                                               "verbosity",
                                               "extra_vars",
                                               "job_tags",
                                               "force_handlers",
                                               "skip_tags",
                                               "start_at_task",
                                               "timeout",
                                               "use_fact_cache",
                                               "organization",
                                               "unified_job_template",
                                               "launch_type",
                                               "status",
                                               "execution_environment",
                                               "failed",
                                               "started",
                                               "finished",
                                               "canceled_on",
                                               "elapsed",
                                               "job_args",
                                               "job_cwd",
                                               "job_env",
                                               "job_explanation",
                                               "execution_node",
                                               "controller_node",
                                               "result_traceback",
                                               "event_processing_finished",
                                               "launched_by",
                                               "work_unit_id",
                                               "job_template",
                                               "passwords_needed_to_start",
                                               "allow_simultaneous",
                                               "artifacts",
                                               "scm_revision",
                                               "instance_group",
                                               "diff_mode",
                                               "job_slice_number",
                                               "job_slice_count",
                                               "webhook_service",
                                               "webhook_credential",
                                               "webhook_guid",
                                               "host_status_counts",
                                               "playbook_counts",
                                               "custom_virtualenv"};

std::vector<std::string> ListOrder() {
  std::vector<std::string> out;
  for (auto& k : kDetailOrder)
    if (k != "job_args" && k != "job_cwd" && k != "job_env" && k != "result_traceback" &&
        k != "event_processing_finished" && k != "host_status_counts" && k != "playbook_counts" &&
        k != "custom_virtualenv")
      out.push_back(k);
  return out;
}

TEST(Jobs, DetailAndListFieldsInAwxOrderCoverSeed002) {
  Api api;
  JobRows rows(api);
  auto spec = rows.Spec();
  spec.created_by = 1;
  int64_t job = rows.Job(spec);
  Resp d = api.Get(JobUrl(job)).Expect(200);
  EXPECT_EQ(Keys(d.json), kDetailOrder);
  for (auto& k : kSeedKeys) EXPECT_TRUE(d.obj().contains(k)) << k;
  EXPECT_EQ(d["type"], "job");
  EXPECT_EQ(d["url"], json::value(JobUrl(job)));
  EXPECT_EQ(d["job_template"], rows.job_template);
  EXPECT_EQ(d["unified_job_template"], rows.job_template);
  EXPECT_EQ(d["organization"], rows.org);
  EXPECT_EQ(d["limit"], "");
  EXPECT_EQ(d["passwords_needed_to_start"], json::array{});
  EXPECT_EQ(d["artifacts"], json::object{});
  EXPECT_EQ(d["custom_virtualenv"], nullptr);
  EXPECT_EQ(d["launched_by"].as_object().at("name"), "admin");
  EXPECT_EQ(d["work_unit_id"], nullptr);
  Resp l = api.Get("/api/v2/jobs/").Expect(200);
  ASSERT_EQ(l.count(), 1);
  EXPECT_EQ(Keys(l.results()[0]), ListOrder());
}

TEST(Jobs, RelatedAndSummaryFields) {
  Api api;
  JobRows rows(api);
  int64_t cred = api.Post("/api/v2/credentials/",
                          json::object{{"name", "machine-cred"},
                                       {"credential_type", 1},
                                       {"organization", rows.org},
                                       {"inputs", json::object{{"username", "u"},
                                                               {"password", "ASK"},
                                                               {"become_password", "ASK"}}}})
                     .Expect(201)
                     .id();
  int64_t l1 =
      api.Post("/api/v2/labels/", json::object{{"name", "zeta"}, {"organization", rows.org}})
          .Expect(201)
          .id();
  int64_t l2 =
      api.Post("/api/v2/labels/", json::object{{"name", "alpha"}, {"organization", rows.org}})
          .Expect(201)
          .id();
  int64_t job = rows.Job(rows.Spec());
  rows.db().Exec("INSERT INTO credential_attachments VALUES ('job', ?, ?, 0)", {job, cred});
  rows.db().Exec("INSERT INTO label_attachments VALUES ('job', ?, ?), ('job', ?, ?)",
                 {job, l1, job, l2});
  Resp d = api.Get(JobUrl(job)).Expect(200);
  const auto& rel = d["related"].as_object();
  for (const char* k :
       {"labels", "inventory", "project", "organization", "credentials", "unified_job_template",
        "stdout", "job_events", "job_host_summaries", "activity_stream", "job_template", "cancel"})
    EXPECT_TRUE(rel.contains(k)) << k;
  EXPECT_EQ(rel.at("job_events"), json::value(JobUrl(job, "job_events")));
  EXPECT_EQ(rel.at("unified_job_template"),
            json::value("/api/v2/job_templates/" + std::to_string(rows.job_template) + "/"));
  EXPECT_FALSE(rel.contains("source_workflow_job"));
  const auto& sf = d["summary_fields"].as_object();
  for (const char* k : {"organization", "inventory", "project", "job_template",
                        "unified_job_template", "labels", "credentials", "user_capabilities"})
    EXPECT_TRUE(sf.contains(k)) << k;
  EXPECT_EQ(sf.at("job_template").as_object().at("name"), "Deploy JobOrg");
  EXPECT_EQ(sf.at("unified_job_template").as_object().at("unified_job_type"), "job");
  EXPECT_EQ(sf.at("project").as_object().at("status"), "ok");
  EXPECT_EQ(sf.at("inventory").as_object().at("total_hosts"), 0);
  const auto& labels = sf.at("labels").as_object();
  EXPECT_EQ(labels.at("count"), 2);
  EXPECT_EQ(labels.at("results").as_array()[0].as_object().at("name"), "alpha");
  const auto& creds = sf.at("credentials").as_array();
  ASSERT_EQ(creds.size(), 1u);
  EXPECT_EQ(Keys(creds[0]),
            (std::vector<std::string>{"id", "name", "description", "kind", "cloud"}));
  EXPECT_EQ(creds[0].as_object().at("kind"), "ssh");
  EXPECT_EQ(creds[0].as_object().at("cloud"), false);
  EXPECT_EQ(sf.at("user_capabilities"), (json::object{{"delete", true}, {"start", true}}));
  // A machine credential asking for passwords at launch needs them again.
  EXPECT_EQ(d["passwords_needed_to_start"], (json::array{"ssh_password", "become_password"}));
  // Sub-lists: labels and credentials are read-only lists of the job's attachments.
  Resp ls = api.Get(JobUrl(job, "labels")).Expect(200);
  EXPECT_EQ(ls.count(), 2);
  Resp cs = api.Get(JobUrl(job, "credentials")).Expect(200);
  EXPECT_EQ(Ids(cs), std::vector<int64_t>{cred});
  api.Post(JobUrl(job, "labels"), json::object{{"id", l1}}).Expect(405);
  api.Post(JobUrl(job, "credentials"), json::object{{"id", cred}}).Expect(405);
  api.Get(JobUrl(job, "activity_stream")).Expect(200);
  // Filters through the job's relations.
  EXPECT_EQ(api.Get("/api/v2/jobs/?labels__name=alpha").Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/jobs/?credentials=" + std::to_string(cred)).Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/jobs/?job_template__name=nope").Expect(200).count(), 0);
}

TEST(Jobs, ExtraVarsHideSurveyPasswordsAndArtifactsHonourNoLog) {
  Api api;
  JobRows rows(api);
  auto spec = rows.Spec();
  spec.extra_vars = R"({"user": "bob", "secret": "hunter2"})";
  spec.survey_passwords = R"({"secret": "$encrypted$", "absent": "$encrypted$"})";
  spec.artifacts = R"({"built": "v1"})";
  int64_t job = rows.Job(spec);
  Resp d = api.Get(JobUrl(job)).Expect(200);
  std::string vars = S(d["extra_vars"]);
  EXPECT_EQ(vars.find("hunter2"), std::string::npos) << vars;
  auto parsed = ParseJson(vars);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->as_object().at("secret"), "$encrypted$");
  EXPECT_EQ(parsed->as_object().at("user"), "bob");
  EXPECT_FALSE(parsed->as_object().contains("absent"));
  EXPECT_EQ(d["artifacts"], (json::object{{"built", "v1"}}));
  // The list shows the same redaction.
  EXPECT_EQ(S(api.Get("/api/v2/jobs/").Expect(200).results()[0].as_object().at("extra_vars"))
                .find("hunter2"),
            std::string::npos);
  spec.artifacts = R"({"_ansible_no_log": true, "x": 1})";
  spec.survey_passwords = "{}";
  int64_t hidden = rows.Job(spec);
  Resp h = api.Get(JobUrl(hidden)).Expect(200);
  EXPECT_EQ(h["artifacts"], "$hidden due to Ansible no_log flag$");
  EXPECT_EQ(S(h["extra_vars"]), spec.extra_vars);
  // extra_vars may not be filtered on.
  api.Get("/api/v2/jobs/?extra_vars__icontains=hunter").Expect(403);
}

TEST(Jobs, HostStatusCountsAndPlaybookCounts) {
  Api api;
  JobRows rows(api);
  auto spec = rows.Spec();
  spec.status = "running";
  int64_t running = rows.Job(spec);
  rows.Event(running, {.event = "playbook_on_play_start", .counter = 1});
  Resp r = api.Get(JobUrl(running)).Expect(200);
  EXPECT_EQ(r["host_status_counts"], nullptr);
  EXPECT_EQ(r["playbook_counts"], (json::object{{"play_count", 1}, {"task_count", 0}}));

  spec.status = "failed";
  int64_t job = rows.Job(spec);
  int n = 0;
  for (const char* e :
       {"playbook_on_start", "playbook_on_play_start", "playbook_on_task_start", "runner_on_ok",
        "playbook_on_task_start", "runner_on_failed", "playbook_on_stats"})
    rows.Event(job, {.event = e, .counter = ++n});
  rows.Summary(job, 0, "a", "ok");
  rows.Summary(job, 0, "b", "changed");
  rows.Summary(job, 0, "c", "failures");
  rows.Summary(job, 0, "d", "dark");
  rows.Summary(job, 0, "e", "ok");
  Resp d = api.Get(JobUrl(job)).Expect(200);
  EXPECT_EQ(d["host_status_counts"],
            (json::object{{"ok", 2}, {"changed", 1}, {"failures", 1}, {"dark", 1}}));
  EXPECT_EQ(d["playbook_counts"], (json::object{{"play_count", 1}, {"task_count", 2}}));
  // A finished job whose playbook never reported stats has none.
  int64_t bare = rows.Job(spec);
  EXPECT_EQ(api.Get(JobUrl(bare)).Expect(200)["host_status_counts"], nullptr);
}

TEST(Jobs, MissingJobsAndWriteMethods) {
  Api api;
  JobRows rows(api);
  int64_t job = rows.Job(rows.Spec());
  api.Get("/api/v2/jobs/999/").Expect(404);
  api.Delete("/api/v2/jobs/999/").Expect(404);
  api.Get("/api/v2/jobs/999/job_events/").Expect(404);
  api.Get("/api/v2/jobs/999/cancel/").Expect(404);
  api.Post("/api/v2/jobs/", json::object{{"name", "x"}}).Expect(405);
  api.Put(JobUrl(job), json::object{{"name", "x"}}).Expect(405);
  api.Patch(JobUrl(job), json::object{{"name", "x"}}).Expect(405);
  api.Post(JobUrl(job, "job_events"), json::object{}).Expect(405);
  api.Delete(JobUrl(job, "stdout")).Expect(405);
  // A project update is not a job.
  Resp p = api.Get("/api/v2/project_updates/").Expect(200);
  (void)p;
  EXPECT_EQ(api.Get("/api/v2/jobs/?type=project_update").Expect(200).count(), 0);
  EXPECT_EQ(api.Get("/api/v2/jobs/?type=job").Expect(200).count(), 1);
}

TEST(Jobs, DeleteRunningIsRefusedAndDeleteCleansUp) {
  Api api;
  JobRows rows(api);
  auto spec = rows.Spec();
  spec.status = "running";
  int64_t running = rows.Job(spec);
  Resp r = api.Delete(JobUrl(running)).Expect(403);
  EXPECT_EQ(r["detail"], "Cannot delete running job resource.");
  spec.status = "successful";
  int64_t job = rows.Job(spec);
  int64_t ev = rows.Event(job, {.event = "playbook_on_start"});
  int64_t host =
      api.Post("/api/v2/hosts/", json::object{{"name", "h"}, {"inventory", rows.inventory}})
          .Expect(201)
          .id();
  int64_t sum = rows.Summary(job, host, "h", "ok");
  rows.db().Exec("UPDATE hosts SET last_job_id = ?, last_job_host_summary_id = ? WHERE id = ?",
                 {job, sum, host});
  api.Delete(JobUrl(job)).Expect(204);
  api.Get(JobUrl(job)).Expect(404);
  api.Get("/api/v2/job_events/" + std::to_string(ev) + "/").Expect(404);
  Resp h = api.Get("/api/v2/hosts/" + std::to_string(host) + "/").Expect(200);
  EXPECT_EQ(h["last_job"], nullptr);
  EXPECT_EQ(h["last_job_host_summary"], nullptr);
}

TEST(Jobs, CancelAndStdout) {
  Api api;
  JobRows rows(api);
  auto spec = rows.Spec();
  spec.status = "pending";
  int64_t pending = rows.Job(spec);
  EXPECT_EQ(api.Get(JobUrl(pending, "cancel")).Expect(200)["can_cancel"], true);
  api.Post(JobUrl(pending, "cancel"), json::object{}).Expect(202);
  Resp after = api.Get(JobUrl(pending)).Expect(200);
  EXPECT_NE(after["canceled_on"], nullptr);
  int64_t done = rows.Job(rows.Spec());
  EXPECT_EQ(api.Get(JobUrl(done, "cancel")).Expect(200)["can_cancel"], false);
  api.Post(JobUrl(done, "cancel"), json::object{}).Expect(405);
  rows.db().Exec("INSERT INTO job_output (job_id, seq, chunk) VALUES (?, 0, ?)",
                 {done, std::string("PLAY [all]\n\x1b[0;32mok: [h]\x1b[0m\n")});
  Resp txt = api.Get(JobUrl(done, "stdout") + "?format=txt").Expect(200);
  EXPECT_EQ(txt.body, "PLAY [all]\nok: [h]\n");
  Resp js = api.Get(JobUrl(done, "stdout") + "?format=json").Expect(200);
  EXPECT_EQ(js["range"].as_object().at("end"), 2);
}

TEST(Jobs, RootListsJobsAndTheUnifiedLists) {
  Api api;
  Resp root = api.Get("/api/v2/").Expect(200);
  EXPECT_EQ(root["jobs"], "/api/v2/jobs/");
  EXPECT_EQ(root["unified_jobs"], "/api/v2/unified_jobs/");
  EXPECT_EQ(root["unified_job_templates"], "/api/v2/unified_job_templates/");
  EXPECT_FALSE(root.obj().contains("job_events"));
  EXPECT_FALSE(root.obj().contains("job_host_summaries"));
}

}  // namespace
}  // namespace baton::testing
