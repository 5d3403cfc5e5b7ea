// Jobs run for real through the dispatcher with Debian's ansible-runner (runner/playbook_run):
// job rows inserted as the launch code writes them, a manual project of playbooks, hosts with
// ansible_connection=local. Waits on states, never on durations.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>

#include "app/demo_data.hpp"
#include "core/vars.hpp"
#include "fixtures/job_fixtures.hpp"
#include "runner/playbook_run.hpp"
#include "runner/process.hpp"

namespace baton::api {
// api/resources/inventory_script.cpp (wired by the application into the job runner).
runner::HostsSqlFn RunnerInventoryHosts(const Config& cfg);
}  // namespace baton::api

namespace baton::testing {
namespace {

using namespace runs;

namespace fs = std::filesystem;

const char* kHello = R"(- hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug: msg="hello {{ inventory_hostname }}"
    - name: change something
      command: /bin/true
      changed_when: true
)";

json::object Artifacts(Api& api, int64_t job) {
  auto v = ParseJson(Col(api, job, "artifacts"));
  return v && v->is_object() ? v->as_object() : json::object{};
}

// Run directories left under DATA_DIR/run.
int RunDirs(Api& api) {
  int n = 0;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(api.dir() / "run", ec)) n += e.is_directory() ? 1 : 0;
  return n;
}

using Files = std::map<std::string, std::string>;

struct World {
  Api api;
  int64_t project = 0;
  int64_t inventory = 0;
  explicit World(const std::map<std::string, std::string>& playbooks,
                 const std::vector<std::string>& hosts = {"h1", "h2"}) {
    project = ManualProject(api, "playbooks", playbooks);
    inventory = LocalInventory(api, "local", hosts);
  }
  JobRow Job(const std::string& playbook) {
    JobRow j;
    j.project_id = project;
    j.inventory_id = inventory;
    j.playbook = playbook;
    return j;
  }
};

TEST(JobRun, SuccessfulRunRecordsEventsOutputAndHostSummaries) {
  World w(Files{{"site.yml", kHello}});
  int64_t job = InsertJob(w.api, w.Job("site.yml"));
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "successful")
      << Col(w.api, job, "job_explanation") << Output(w.api, job);
  Api& api = w.api;
  EXPECT_EQ(Col(api, job, "failed"), "0");
  EXPECT_NE(Col(api, job, "started"), "");
  EXPECT_NE(Col(api, job, "finished"), "");
  EXPECT_EQ(Col(api, job, "event_processing_finished"), "1");
  EXPECT_EQ(Col(api, job, "pid"), "");
  // Events: contiguous counters, AWX's names, hosts resolved in the job's inventory.
  int64_t n = Count(api, "SELECT COUNT(*) FROM job_events WHERE job_id = ?", {job});
  EXPECT_GE(n, 10);
  EXPECT_EQ(
      Count(api, "SELECT MAX(counter) - MIN(counter) + 1 FROM job_events WHERE job_id = ?", {job}),
      n);
  for (const char* e : {"playbook_on_start", "playbook_on_play_start", "playbook_on_task_start",
                        "runner_on_ok", "playbook_on_stats"})
    EXPECT_GE(Count(api, "SELECT COUNT(*) FROM job_events WHERE job_id = ? AND event = ?",
                    {job, std::string(e)}),
              1)
        << e;
  EXPECT_EQ(Count(api,
                  "SELECT COUNT(*) FROM job_events e JOIN hosts h ON h.id = e.host_id WHERE "
                  "e.job_id = ? AND e.event = 'runner_on_ok' AND h.name = e.host_name",
                  {job}),
            4);
  EXPECT_EQ(Count(api,
                  "SELECT COUNT(*) FROM job_events WHERE job_id = ? AND event = 'runner_on_ok' "
                  "AND changed = 1 AND task = 'change something'",
                  {job}),
            2);
  // Host summaries and the hosts' last job.
  EXPECT_EQ(Count(api,
                  "SELECT COUNT(*) FROM job_host_summaries WHERE job_id = ? AND ok = 2 AND "
                  "changed = 1 AND failed = 0 AND host_id IS NOT NULL",
                  {job}),
            2);
  EXPECT_EQ(Count(api,
                  "SELECT COUNT(*) FROM hosts WHERE last_job_id = ? AND "
                  "last_job_host_summary_id IS NOT NULL",
                  {job}),
            2);
  // Output as the stdout/ endpoint reads it.
  std::string out = Output(api, job);
  EXPECT_NE(out.find("TASK [say hello]"), std::string::npos) << out;
  EXPECT_NE(out.find("PLAY RECAP"), std::string::npos) << out;
  // What ran, where, with which environment.
  auto args = ParseJson(Col(api, job, "job_args"));
  ASSERT_TRUE(args && args->is_array()) << Col(api, job, "job_args");
  EXPECT_EQ(args->as_array()[0], "ansible-runner");
  EXPECT_EQ(args->as_array()[6], "site.yml");
  EXPECT_EQ(fs::path(Col(api, job, "job_cwd")).filename(), "project");
  auto env = ParseJson(Col(api, job, "job_env"));
  ASSERT_TRUE(env && env->is_object());
  EXPECT_EQ(env->as_object().at("JOB_ID"), json::value(std::to_string(job)));
  EXPECT_EQ(env->as_object().at("BATON_JOB_ID"), json::value(std::to_string(job)));
  // The private data directory is gone.
  EXPECT_EQ(RunDirs(api), 0);
}

TEST(JobRun, FailingTaskFailsTheJob) {
  World w(Files{{"fail.yml", R"(- hosts: all
  gather_facts: false
  tasks:
    - fail: msg="no good"
      when: inventory_hostname == 'h2'
)"}});
  int64_t job = InsertJob(w.api, w.Job("fail.yml"));
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "failed");
  EXPECT_EQ(Col(w.api, job, "failed"), "1");
  EXPECT_EQ(Col(w.api, job, "job_explanation"), "");
  EXPECT_EQ(
      Count(w.api, "SELECT failed FROM job_host_summaries WHERE job_id = ? AND host_name = 'h2'",
            {job}),
      1);
  EXPECT_EQ(
      Count(w.api, "SELECT failed FROM job_host_summaries WHERE job_id = ? AND host_name = 'h1'",
            {job}),
      0);
  EXPECT_EQ(Count(w.api,
                  "SELECT COUNT(*) FROM job_events WHERE job_id = ? AND event = 'runner_on_failed' "
                  "AND failed = 1 AND host_name = 'h2'",
                  {job}),
            1);
  EXPECT_NE(Output(w.api, job).find("no good"), std::string::npos);
}

TEST(JobRun, MissingPlaybookFailsWithAnsiblesMessage) {
  World w(Files{{"site.yml", kHello}});
  int64_t job = InsertJob(w.api, w.Job("nope.yml"));
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "failed");
  EXPECT_NE(Output(w.api, job).find("nope.yml"), std::string::npos) << Output(w.api, job);
}

TEST(JobRun, SetStatsBecomeTheJobsArtifacts) {
  World w(Files{{"stats.yml", R"(- hosts: h1
  gather_facts: false
  tasks:
    - set_stats:
        data:
          answer: 42
          nested: {a: [1, 2]}
)"}});
  int64_t job = InsertJob(w.api, w.Job("stats.yml"));
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Output(w.api, job);
  EXPECT_EQ(Artifacts(w.api, job),
            (json::object{{"answer", 42}, {"nested", json::object{{"a", json::array{1, 2}}}}}));
}

TEST(JobRun, CancelOfALongJobEndsCanceledAndStopsItsProcesses) {
  World w(Files{{"sleep.yml", R"(- hosts: h1
  gather_facts: false
  tasks:
    - name: sleep long
      command: sleep 300
)"}});
  int64_t job = InsertJob(w.api, w.Job("sleep.yml"));
  auto& d = w.api.StartDispatcher();
  // Running, and the long task has started.
  WaitStatus(w.api, job, [&](const std::string& st) {
    return IsFinal(st) || Count(w.api,
                                "SELECT COUNT(*) FROM job_events WHERE job_id = ? AND event = "
                                "'runner_on_start'",
                                {job}) > 0;
  });
  ASSERT_EQ(JobStatus(w.api, job), "running");
  int64_t pid = std::stoll(Col(w.api, job, "pid"));
  EXPECT_GT(pid, 1);
  w.api.db().Local().Exec("UPDATE unified_jobs SET cancel_requested = 1 WHERE id = ?", {job});
  d.Wake();
  EXPECT_EQ(WaitJob(w.api, job), "canceled");
  EXPECT_EQ(Col(w.api, job, "failed"), "1");
  EXPECT_EQ(WaitGroupGone(pid), 0);  // no process of the group is left
  EXPECT_EQ(RunDirs(w.api), 0);
}

TEST(JobRun, TimeoutFailsTheJobWithAwxsExplanation) {
  World w(Files{
      {"sleep.yml", "- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: sleep 300\n"}});
  JobRow j = w.Job("sleep.yml");
  j.timeout = 2;
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "failed");
  EXPECT_EQ(Col(w.api, job, "job_explanation"), "Job terminated due to timeout");
}

TEST(JobRun, CheckModeChangesNothing) {
  World w(Files{{"touch.yml", R"(- hosts: h1
  gather_facts: false
  tasks:
    - copy:
        dest: "{{ target }}"
        content: "x"
)"}});
  fs::path target = w.api.dir() / "touched";
  JobRow j = w.Job("touch.yml");
  j.job_type = "check";
  j.diff_mode = true;
  j.extra_vars = Dump(json::object{{"target", target.string()}});
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Output(w.api, job);
  EXPECT_FALSE(fs::exists(target));
  EXPECT_EQ(
      Count(w.api, "SELECT changed FROM job_host_summaries WHERE job_id = ? AND host_name = 'h1'",
            {job}),
      1);  // it would change
  EXPECT_NE(Col(w.api, job, "job_args").find("ansible-runner"), std::string::npos);
  // The same job in run mode writes the file.
  j.job_type = "run";
  int64_t run = InsertJob(w.api, j);
  w.api.StartDispatcher().Wake();
  ASSERT_EQ(WaitJob(w.api, run), "successful") << Output(w.api, run);
  EXPECT_TRUE(fs::exists(target));
}

TEST(JobRun, LimitTagsAndSkipTagsSelectHostsAndTasks) {
  World w(Files{{"tags.yml", R"(- hosts: all
  gather_facts: false
  tasks:
    - name: tagged one
      debug: msg=one
      tags: [one]
    - name: tagged two
      debug: msg=two
      tags: [two]
    - name: tagged both
      debug: msg=both
      tags: [one, two]
)"}},
          {"h1", "h2", "h3"});
  JobRow j = w.Job("tags.yml");
  j.limit = "h1:h3";
  j.job_tags = "one";
  j.skip_tags = "two";
  j.forks = 2;
  j.verbosity = 1;
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Output(w.api, job);
  auto rows = w.api.db().Local().Query(
      "SELECT DISTINCT host_name, task FROM job_events WHERE job_id = ? AND event = "
      "'runner_on_ok' ORDER BY host_name, task",
      {job});
  std::vector<std::string> got;
  for (auto& r : rows.rows) got.push_back(store::AsString(r[0]) + "/" + store::AsString(r[1]));
  EXPECT_EQ(got, (std::vector<std::string>{"h1/tagged one", "h3/tagged one"}));
  EXPECT_EQ(Count(w.api, "SELECT COUNT(*) FROM job_host_summaries WHERE job_id = ?", {job}), 2);
}

TEST(JobRun, ExtraVarsWithDecryptedSurveyPasswordsAndAwxVariables) {
  World w(Files{{"vars.yml", R"(- hosts: h1
  gather_facts: false
  tasks:
    - set_stats:
        data:
          secret: "{{ secret }}"
          plain: "{{ plain }}"
          job: "{{ awx_job_id }}"
          inventory: "{{ tower_inventory_name }}"
)"}});
  JobRow j = w.Job("vars.yml");
  j.extra_vars =
      Dump(json::object{{"secret", Encrypt(SecretKey(w.api), "s3cr3t")}, {"plain", "p"}});
  j.survey_passwords = R"({"secret": "$encrypted$"})";
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Output(w.api, job);
  json::object a = Artifacts(w.api, job);
  EXPECT_EQ(a["secret"], "s3cr3t");
  EXPECT_EQ(a["plain"], "p");
  EXPECT_EQ(a["job"], json::value(job));
  EXPECT_EQ(a["inventory"], "local");
}

// A machine credential through the API.
int64_t MachineCredential(Api& api, const json::object& inputs) {
  int64_t type =
      Count(api, "SELECT id FROM credential_types WHERE namespace = 'ssh' AND managed = 1");
  return api
      .Post("/api/v2/credentials/", json::object{{"name", "machine"},
                                                 {"organization", 1},
                                                 {"credential_type", type},
                                                 {"inputs", inputs}})
      .Expect(201)
      .id();
}

TEST(JobRun, PromptedSshAndBecomePasswordsAreAnsweredAndStartArgsCleared) {
  World w(Files{{"site.yml", kHello}});
  int64_t cred = MachineCredential(
      w.api,
      json::object{{"username", "someone"}, {"password", "ASK"}, {"become_password", "ASK"}});
  JobRow j = w.Job("site.yml");
  j.credentials = {cred};
  j.start_args = Encrypt(SecretKey(w.api),
                         Dump(json::object{{"ssh_password", "pw1"}, {"become_password", "pw2"}}));
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher();
  // ansible-playbook asks for both passwords (--ask-pass, --ask-become-pass); unanswered
  // prompts would fail the run.
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Output(w.api, job);
  EXPECT_EQ(Col(w.api, job, "start_args"), "");
  std::string args = Col(w.api, job, "job_env");
  EXPECT_EQ(args.find("pw1"), std::string::npos);
  EXPECT_EQ(Output(w.api, job).find("pw2"), std::string::npos);
}

TEST(JobRun, MachineCredentialKeyIsAPrivateFileRemovedAfterTheRun) {
  World w(Files{{"key.yml", R"(- hosts: h1
  gather_facts: false
  tasks:
    - stat:
        path: "{{ lookup('env', 'AWX_PRIVATE_DATA_DIR') }}/env/ssh_key"
      register: key
    - command: ssh-add -l
      register: agent
      changed_when: false
    - set_stats:
        data:
          mode: "{{ key.stat.mode }}"
          keys: "{{ agent.stdout_lines | length }}"
)"}});
  fs::path kf = w.api.dir() / "id_test";
  auto [rc, out] = runner::RunCapture(
      {{"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "baton-test", "-f", kf.string()},
       {},
       ""});
  ASSERT_EQ(rc, 0) << out;
  std::ifstream in(kf);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int64_t cred =
      MachineCredential(w.api, json::object{{"username", "someone"}, {"ssh_key_data", key}});
  JobRow j = w.Job("key.yml");
  j.credentials = {cred};
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Output(w.api, job);
  json::object a = Artifacts(w.api, job);
  EXPECT_EQ(a["mode"], "0600");
  EXPECT_EQ(a["keys"], "1");  // loaded into the run's ssh-agent
  EXPECT_EQ(RunDirs(w.api), 0);
  EXPECT_EQ(Output(w.api, job).find("PRIVATE KEY"), std::string::npos);
}

TEST(JobRun, CustomCredentialTypeInjectsEnvExtraVarsAndFiles) {
  World w(Files{{"inject.yml", R"(- hosts: h1
  gather_facts: false
  tasks:
    - set_stats:
        data:
          token: "{{ lookup('env', 'MY_TOKEN') }}"
          user: "{{ my_user }}"
          file: "{{ lookup('file', lookup('env', 'MY_CONFIG')) }}"
)"}});
  int64_t type =
      w.api
          .Post(
              "/api/v2/credential_types/",
              json::object{
                  {"name", "My API"},
                  {"kind", "cloud"},
                  {"inputs", json::object{{"fields", json::array{json::object{{"id", "user"},
                                                                              {"label", "User"},
                                                                              {"type", "string"}},
                                                                 json::object{{"id", "token"},
                                                                              {"label", "Token"},
                                                                              {"type", "string"},
                                                                              {"secret", true}}}}}},
                  {"injectors",
                   json::object{{"env", json::object{{"MY_TOKEN", "{{ token }}"},
                                                     {"MY_CONFIG", "{{ tower.filename }}"}}},
                                {"extra_vars", json::object{{"my_user", "{{ user }}"}}},
                                {"file", json::object{{"template",
                                                       "[auth]\nuser={{ user }}\n"
                                                       "token={{ token }}"}}}}}})
          .Expect(201)
          .id();
  int64_t cred =
      w.api
          .Post("/api/v2/credentials/",
                json::object{{"name", "mine"},
                             {"organization", 1},
                             {"credential_type", type},
                             {"inputs", json::object{{"user", "bob"}, {"token", "t0k3n"}}}})
          .Expect(201)
          .id();
  JobRow j = w.Job("inject.yml");
  j.credentials = {cred};
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Output(w.api, job);
  json::object a = Artifacts(w.api, job);
  EXPECT_EQ(a["token"], "t0k3n");
  EXPECT_EQ(a["user"], "bob");
  EXPECT_EQ(a["file"], "[auth]\nuser=bob\ntoken=t0k3n");
  auto env = ParseJson(Col(w.api, job, "job_env"));
  ASSERT_TRUE(env && env->is_object());
  EXPECT_EQ(env->as_object().at("MY_TOKEN"), "**********");
  EXPECT_EQ(Col(w.api, job, "job_env").find("t0k3n"), std::string::npos);
}

TEST(JobRun, ASmartInventoryRunsOnTheHostsItsFilterMatches) {
  World w(Files{{"site.yml", kHello}}, {"h1", "h2", "web1"});
  int64_t smart =
      w.api
          .Post("/api/v2/inventories/", json::object{{"name", "smart"},
                                                     {"organization", 1},
                                                     {"kind", "smart"},
                                                     {"host_filter", "name__startswith=h"}})
          .Expect(201)
          .id();
  JobRow j = w.Job("site.yml");
  j.inventory_id = smart;
  int64_t job = InsertJob(w.api, j);
  // The application hands the runner the API's host_filter compiler.
  scheduler::Options o;
  o.node_name = "test-node";
  o.data_dir = w.api.dir().string();
  o.projects_root = w.api.projects_root().string();
  o.secret_key = SecretKey(w.api);
  o.safety_pass_ms = 200;
  api::Config cfg;
  SystemClock clock;
  scheduler::Dispatcher d(w.api.db(), clock, o);
  d.Register(std::make_unique<runner::PlaybookRunner>(api::RunnerInventoryHosts(cfg)));
  d.Start();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Col(w.api, job, "job_explanation");
  d.Stop();
  auto rows = w.api.db().Local().Query(
      "SELECT host_name FROM job_host_summaries WHERE job_id = ? AND host_id IS NOT NULL ORDER BY "
      "host_name",
      {job});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(store::AsString(rows.rows[0][0]), "h1");
  EXPECT_EQ(store::AsString(rows.rows[1][0]), "h2");
}

TEST(JobRun, UseFactCacheKeepsFactsOnTheHostsBetweenJobs) {
  World w(Files{{"set.yml", R"(- hosts: all
  gather_facts: false
  tasks:
    - set_fact:
        color: "blue-{{ inventory_hostname }}"
        cacheable: true
)"},
                {"get.yml", R"(- hosts: h1
  gather_facts: false
  tasks:
    - set_stats:
        data:
          color: "{{ color | default('none') }}"
)"}});
  // Without use_fact_cache nothing is kept.
  int64_t plain = InsertJob(w.api, w.Job("set.yml"));
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, plain), "successful") << Output(w.api, plain);
  EXPECT_EQ(Count(w.api, "SELECT COUNT(*) FROM hosts WHERE ansible_facts != '{}'"), 0);
  JobRow set = w.Job("set.yml");
  set.use_fact_cache = true;
  int64_t j1 = InsertJob(w.api, set);
  w.api.StartDispatcher().Wake();
  ASSERT_EQ(WaitJob(w.api, j1), "successful") << Output(w.api, j1);
  auto facts = ParseJson(w.api.db()
                             .Local()
                             .QueryString("SELECT ansible_facts FROM hosts WHERE name = 'h2'")
                             .value_or(""));
  ASSERT_TRUE(facts && facts->is_object());
  EXPECT_EQ(facts->as_object().at("color"), "blue-h2");
  EXPECT_NE(
      w.api.db().Local().QueryString("SELECT ansible_facts_modified FROM hosts WHERE name = 'h2'"),
      std::nullopt);
  // A later job with use_fact_cache sees them; one without does not.
  JobRow get = w.Job("get.yml");
  get.use_fact_cache = true;
  int64_t j2 = InsertJob(w.api, get);
  get.use_fact_cache = false;
  int64_t j3 = InsertJob(w.api, get);
  w.api.StartDispatcher().Wake();
  ASSERT_EQ(WaitJob(w.api, j2), "successful") << Output(w.api, j2);
  ASSERT_EQ(WaitJob(w.api, j3), "successful") << Output(w.api, j3);
  EXPECT_EQ(Artifacts(w.api, j2)["color"], "blue-h1");
  EXPECT_EQ(Artifacts(w.api, j3)["color"], "none");
}

TEST(JobRun, TheDemoJobTemplateLaunchedThroughTheApiRuns) {
  Api api;
  SystemClock clock;
  ASSERT_TRUE(app::SeedDemoData(api.db(), clock, api.projects_root().string()));
  Resp jts = api.Get("/api/v2/job_templates/?name=Demo+Job+Template").Expect(200);
  ASSERT_EQ(jts.count(), 1);
  int64_t jt = jts.results()[0].as_object().at("id").as_int64();
  api.StartDispatcher();
  Resp r = api.Post("/api/v2/job_templates/" + std::to_string(jt) + "/launch/", json::object{})
               .Expect(201);
  int64_t job = r["job"].as_int64();
  Resp done = api.WaitFinished("/api/v2/jobs/" + std::to_string(job) + "/", 90);
  EXPECT_EQ(done["status"], "successful") << done.body << Output(api, job);
  EXPECT_NE(Output(api, job).find("Hello World!"), std::string::npos) << Output(api, job);
  EXPECT_GE(Count(api, "SELECT COUNT(*) FROM job_host_summaries WHERE job_id = ?", {job}), 1);
  EXPECT_EQ(Col(api, job, "start_args"), "");
}

TEST(JobRun, AProjectWithoutItsDirectoryFailsWithAnExplanation) {
  World w(Files{{"site.yml", kHello}});
  fs::remove_all(w.api.projects_root() / "playbooks");
  int64_t job = InsertJob(w.api, w.Job("site.yml"));
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, job), "failed");
  EXPECT_NE(Col(w.api, job, "job_explanation").find("does not exist"), std::string::npos)
      << Col(w.api, job, "job_explanation");
}

}  // namespace
}  // namespace baton::testing
