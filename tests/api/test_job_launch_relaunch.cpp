// relaunch/ of jobs (workflow-semantics.md RL-5, RL-6; seed 002): the template launched again with
// the job's prompts, hosts=failed, launch passwords again, and who may relaunch whose job.
#include "job_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace jt;

std::string RelaunchUrl(int64_t job) {
  return "/api/v2/jobs/" + std::to_string(job) + "/relaunch/";
}

// The relaunch route arrives with the jobs resource; until then these tests have nothing to do.
bool Wired(Api& api, int64_t job) {
  return api.Get(RelaunchUrl(job)).Send().status != 404;
}

int64_t LaunchJob(Api& api, int64_t jt, json::object body = {}, const std::string& as = "admin") {
  return api.Post(JtUrl(jt, "launch"), body).As(as).Expect(201)["job"].as_int64();
}

// Marks a job finished, with host summaries (name, failures, dark) and a stats event.
void Finish(Api& api, int64_t job, std::vector<std::tuple<std::string, int, int>> hosts,
            bool stats = true) {
  auto& db = api.db().Local();
  db.Exec(
      "UPDATE unified_jobs SET status = 'failed', failed = 1, finished = "
      "'2024-01-01T00:00:00.000000Z' WHERE id = ?",
      {job});
  for (auto& [name, failures, dark] : hosts)
    db.Exec(
        "INSERT INTO job_host_summaries (job_id, host_name, failures, dark, created, modified) "
        "VALUES (?, ?, ?, ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
        {job, name, int64_t{failures}, int64_t{dark}});
  if (stats)
    db.Exec(
        "INSERT INTO job_events (job_id, event, counter, created, modified) VALUES (?, "
        "'playbook_on_stats', 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
        {job});
}

TEST(JobLaunchRelaunch, GetShowsPasswordsAndRetryCounts) {
  Api api;
  JtWorld w(api, "rg");
  int64_t m = MachineCred(api, "rg-m", w.org, {{"username", "u"}, {"password", "ASK"}});
  AttachCred(api, w.jt, m);
  int64_t job =
      LaunchJob(api, w.jt, {{"credential_passwords", json::object{{"ssh_password", "x"}}}});
  if (!Wired(api, job)) GTEST_SKIP() << "relaunch/ is not routed yet";
  Resp r = api.Get(RelaunchUrl(job)).Expect(200);
  EXPECT_EQ(Strs(r["passwords_needed_to_start"]), std::vector<std::string>{"ssh_password"});
  EXPECT_EQ(r["retry_counts"], "Relaunch by host status not available until job finishes running.");
  Finish(api, job, {{"h1", 0, 0}, {"h2", 1, 0}, {"h3", 0, 1}});
  EXPECT_EQ(api.Get(RelaunchUrl(job)).Expect(200)["retry_counts"],
            (json::object{{"all", 3}, {"failed", 2}}));
}

TEST(JobLaunchRelaunch, RelaunchRepeatsThePromptsAndHostsFailedLimits) {
  Api api;
  JtWorld w(api, "rr", {{"ask_limit_on_launch", true}, {"ask_variables_on_launch", true}});
  int64_t job =
      LaunchJob(api, w.jt, {{"limit", "h1,h2,h3"}, {"extra_vars", json::object{{"x", 1}}}});
  if (!Wired(api, job)) GTEST_SKIP() << "relaunch/ is not routed yet";
  Resp all = api.Post(RelaunchUrl(job), json::object{}).Expect(201);
  int64_t again = all["job"].as_int64();
  EXPECT_EQ(all["id"], again);
  EXPECT_EQ(all.Header("Location"), "/api/v2/jobs/" + std::to_string(again) + "/");
  EXPECT_EQ(JobColumn(api, again, "launch_type"), "relaunch");
  EXPECT_EQ(JobInt(api, again, "ancestor_job_id"), job);
  EXPECT_EQ(JobColumn(api, again, "limit_"), "h1,h2,h3");
  EXPECT_EQ(JobJson(api, again, "extra_vars"), (json::object{{"x", 1}}));
  EXPECT_EQ(JobColumn(api, again, "status"), "pending");

  // hosts=failed: only while finished, with stats, and with failed hosts.
  Resp active = api.Post(RelaunchUrl(job), json::object{{"hosts", "failed"}}).Expect(400);
  EXPECT_EQ(active["hosts"], "Wait until job finishes before retrying on failed hosts.");
  Finish(api, job, {{"h1", 0, 0}, {"h2", 2, 0}, {"h3", 0, 1}}, false);
  Resp nostats = api.Post(RelaunchUrl(job), json::object{{"hosts", "failed"}}).Expect(400);
  EXPECT_EQ(nostats["hosts"], "Cannot retry on failed hosts, playbook stats not available.");
  api.db().Local().Exec(
      "INSERT INTO job_events (job_id, event, counter, created, modified) VALUES (?, "
      "'playbook_on_stats', 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
      {job});
  int64_t retry =
      api.Post(RelaunchUrl(job), json::object{{"hosts", "failed"}}).Expect(201)["job"].as_int64();
  EXPECT_EQ(JobColumn(api, retry, "limit_"), "h2,h3");
  Resp bad = api.Post(RelaunchUrl(job), json::object{{"hosts", "some"}}).Expect(400);
  EXPECT_EQ(Msg(bad, "hosts"), "\"some\" is not a valid choice.");
  int64_t clean = LaunchJob(api, w.jt);
  Finish(api, clean, {{"h1", 0, 0}});
  Resp none = api.Post(RelaunchUrl(clean), json::object{{"hosts", "failed"}}).Expect(400);
  EXPECT_EQ(none["hosts"], "Cannot relaunch because previous job had 0 failed hosts.");
}

TEST(JobLaunchRelaunch, PasswordsAgainAndMissingResources) {
  Api api;
  JtWorld w(api, "rp");
  int64_t m = MachineCred(api, "rp-m", w.org,
                          {{"username", "u"}, {"password", "ASK"}, {"become_password", "ASK"}});
  AttachCred(api, w.jt, m);
  int64_t job = LaunchJob(api, w.jt, {{"ssh_password", "a"}, {"become_password", "b"}});
  if (!Wired(api, job)) GTEST_SKIP() << "relaunch/ is not routed yet";
  int64_t before = CountJobs(api);
  Resp r = api.Post(RelaunchUrl(job),
                    json::object{{"credential_passwords", json::object{{"ssh_password", "a"}}}})
               .Expect(400);
  EXPECT_EQ(Msg(r, "credential_passwords"), "Missing passwords needed to start: become_password");
  EXPECT_EQ(CountJobs(api), before);
  int64_t again =
      api.Post(RelaunchUrl(job), json::object{{"ssh_password", "c"}, {"become_password", "d"}})
          .Expect(201)["job"]
          .as_int64();
  EXPECT_EQ(ParseJson(Plain(api, *JobColumn(api, again, "start_args"))).value(),
            (json::object{{"ssh_password", "c"}, {"become_password", "d"}}));
  api.db().Local().Exec("UPDATE unified_jobs SET inventory_id = NULL WHERE id = ?", {job});
  Resp noinv =
      api.Post(RelaunchUrl(job), json::object{{"ssh_password", "c"}, {"become_password", "d"}})
          .Expect(400);
  EXPECT_EQ(noinv["errors"], json::array{"Job Template Inventory is missing or undefined."});
  api.db().Local().Exec("UPDATE unified_jobs SET project_id = NULL WHERE id = ?", {job});
  Resp noproj =
      api.Post(RelaunchUrl(job), json::object{{"ssh_password", "c"}, {"become_password", "d"}})
          .Expect(400);
  EXPECT_EQ(noproj["errors"], json::array{"Job Template Project is missing or undefined."});
}

TEST(JobLaunchRelaunch, WhoMayRelaunch) {
  Api api;
  JtWorld w(api, "rw", {{"ask_inventory_on_launch", true}});
  api.Post(JtUrl(w.jt, "survey_spec"),
           json::object{{"name", "S"},
                        {"description", ""},
                        {"spec", json::array{json::object{{"type", "password"},
                                                          {"question_name", "pw"},
                                                          {"variable", "pw"},
                                                          {"required", false}}}}})
      .Expect(200);
  api.Patch(JtUrl(w.jt), json::object{{"survey_enabled", true}}).Expect(200);
  int64_t inv2 = MakeInventory(api, "rw-inv2", w.org, 1);
  int64_t alice = api.User("alice");
  int64_t bob = api.User("bob");
  api.User("carol");
  for (int64_t u : {alice, bob}) api.Grant(JtUrl(w.jt), "execute_role", u);
  // A plain job: any executor may relaunch it.
  int64_t plain = LaunchJob(api, w.jt, {}, "alice");
  if (!Wired(api, plain)) GTEST_SKIP() << "relaunch/ is not routed yet";
  api.Post(RelaunchUrl(plain), json::object{}).As("bob").Expect(201);
  api.Post(RelaunchUrl(plain), json::object{}).As("carol").Expect(403);
  // A job with a secret survey answer: only its launcher.
  int64_t secret = LaunchJob(api, w.jt, {{"extra_vars", json::object{{"pw", "s3cret"}}}}, "alice");
  Resp denied = api.Post(RelaunchUrl(secret), json::object{}).As("bob").Expect(403);
  EXPECT_EQ(denied["detail"], "Job was launched with secret prompts provided by another user.");
  api.Post(RelaunchUrl(secret), json::object{}).As("alice").Expect(201);
  // A prompted inventory the relauncher may not use.
  api.Grant(InvUrl2(inv2), "use_role", alice);
  int64_t prompted = LaunchJob(api, w.jt, {{"inventory", inv2}}, "alice");
  Resp lacks = api.Post(RelaunchUrl(prompted), json::object{}).As("bob").Expect(403);
  EXPECT_EQ(lacks["detail"], "Job was launched with prompted fields you do not have access to.");
  api.Grant(InvUrl2(inv2), "use_role", bob);
  api.Post(RelaunchUrl(prompted), json::object{}).As("bob").Expect(201);
  // The superuser may relaunch anything.
  api.Post(RelaunchUrl(secret), json::object{}).Expect(201);
}

}  // namespace
}  // namespace baton::testing
