// The dispatcher's rules with real runs (scheduler/dispatcher): allow_simultaneous, capacity by
// task_impact, project updates before jobs when the project asks for scm_update_on_launch, and
// restart reconciliation. Waits on states, never on durations.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>

#include "fixtures/job_fixtures.hpp"
#include "runner/playbook_run.hpp"
#include "runner/process.hpp"
#include "runner/project_update.hpp"

namespace baton::testing {
namespace {

using namespace runs;

namespace fs = std::filesystem;

const char* kQuick = "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n";
// Runs until the file named by extra var `gate` exists: the test decides when it ends.
const char* kGated = R"(- hosts: all
  gather_facts: false
  tasks:
    - name: wait for the gate
      wait_for:
        path: "{{ gate }}"
        timeout: 120
)";

struct World {
  Api api;
  int64_t project = 0;
  int64_t inventory = 0;
  World() {
    project = ManualProject(api, "pb", {{"quick.yml", kQuick}, {"gated.yml", kGated}});
    inventory = LocalInventory(api, "local", {"h1"});
  }
  JobRow Gated(const std::string& gate) {
    JobRow j;
    j.project_id = project;
    j.inventory_id = inventory;
    j.playbook = "gated.yml";
    j.extra_vars = Dump(json::object{{"gate", (api.dir() / gate).string()}});
    return j;
  }
  void Open(const std::string& gate) { std::ofstream(api.dir() / gate) << "open"; }
};

bool Active(const std::string& st) {
  return st == "running" || IsFinal(st);
}

TEST(Scheduler, AllowSimultaneousFalseRunsJobsOfATemplateOneAfterTheOther) {
  World w;
  JobRow a = w.Gated("gate-a");
  a.job_template_id = 77;
  JobRow b = w.Gated("gate-b");
  b.job_template_id = 77;
  int64_t ja = InsertJob(w.api, a), jb = InsertJob(w.api, b);
  auto& d = w.api.StartDispatcher();
  ASSERT_EQ(WaitStatus(w.api, ja, Active), "running");
  // Passes come and go (each wake runs one); the second job of the template stays pending.
  for (int i = 0; i < 5; ++i) {
    d.Wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(JobStatus(w.api, jb), "pending");
  }
  w.Open("gate-a");
  w.Open("gate-b");
  EXPECT_EQ(WaitJob(w.api, ja), "successful");
  EXPECT_EQ(WaitJob(w.api, jb), "successful");
  EXPECT_GE(Col(w.api, jb, "started"), Col(w.api, ja, "finished"));
}

TEST(Scheduler, AllowSimultaneousTrueRunsThemTogether) {
  World w;
  JobRow a = w.Gated("gate");
  a.job_template_id = 78;
  a.allow_simultaneous = true;
  int64_t ja = InsertJob(w.api, a), jb = InsertJob(w.api, a);
  w.api.StartDispatcher();
  EXPECT_EQ(WaitStatus(w.api, ja, Active), "running");
  EXPECT_EQ(WaitStatus(w.api, jb, Active), "running");
  EXPECT_EQ(JobStatus(w.api, ja), "running");  // both at once
  w.Open("gate");
  EXPECT_EQ(WaitJob(w.api, ja), "successful");
  EXPECT_EQ(WaitJob(w.api, jb), "successful");
}

// A dispatcher with a given capacity on the test's database (the harness's has the default).
std::unique_ptr<scheduler::Dispatcher> DispatcherWith(Api& api, int capacity) {
  scheduler::Options o;
  o.node_name = "test-node";
  o.data_dir = api.dir().string();
  o.projects_root = api.projects_root().string();
  o.secret_key = SecretKey(api);
  o.safety_pass_ms = 200;
  o.cancel_grace_ms = 1000;
  o.capacity = capacity;
  static SystemClock clock;
  auto d = std::make_unique<scheduler::Dispatcher>(api.db(), clock, o);
  d->Register(std::make_unique<runner::PlaybookRunner>());
  d->Register(std::make_unique<runner::ProjectUpdateRunner>());
  return d;
}

TEST(Scheduler, CapacityHoldsJobsPendingUntilTheirImpactFits) {
  World w;
  JobRow big = w.Gated("gate-big");
  big.task_impact = 3;
  JobRow small = w.Gated("gate-small");
  small.task_impact = 2;
  JobRow tiny = w.Gated("gate-tiny");
  tiny.task_impact = 1;
  int64_t jbig = InsertJob(w.api, big), jsmall = InsertJob(w.api, small),
          jtiny = InsertJob(w.api, tiny);
  auto d = DispatcherWith(w.api, 4);
  EXPECT_EQ(d->options().capacity, 4);
  d->Start();
  // 3 of 4 in use: the job of impact 2 waits, the one of impact 1 fits (AWX looks further).
  ASSERT_EQ(WaitStatus(w.api, jbig, Active), "running");
  ASSERT_EQ(WaitStatus(w.api, jtiny, Active), "running");
  EXPECT_EQ(JobStatus(w.api, jsmall), "pending");
  w.Open("gate-big");
  ASSERT_EQ(WaitJob(w.api, jbig), "successful");
  EXPECT_EQ(WaitStatus(w.api, jsmall, Active), "running");
  w.Open("gate-small");
  w.Open("gate-tiny");
  EXPECT_EQ(WaitJob(w.api, jsmall), "successful");
  EXPECT_EQ(WaitJob(w.api, jtiny), "successful");
  d->Stop();
}

TEST(Scheduler, AJobBiggerThanTheCapacityRunsWhenNothingElseDoes) {
  World w;
  JobRow huge = w.Gated("gate");
  huge.task_impact = 50;
  JobRow after = w.Gated("gate");
  after.task_impact = 1;
  int64_t jhuge = InsertJob(w.api, huge), jafter = InsertJob(w.api, after);
  auto d = DispatcherWith(w.api, 2);
  d->Start();
  ASSERT_EQ(WaitStatus(w.api, jhuge, Active), "running");
  d->Wake();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(JobStatus(w.api, jafter), "pending");
  w.Open("gate");
  EXPECT_EQ(WaitJob(w.api, jhuge), "successful");
  EXPECT_EQ(WaitJob(w.api, jafter), "successful");
  d->Stop();
}

// A git repository holding the quick playbook; returns its file:// URL.
std::string GitRepo(const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream(dir / "site.yml") << kQuick;
  auto git = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"git",         "-C", dir.string(),    "-c",
                                  "user.name=t", "-c", "user.email=t@x"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto [rc, out] = runner::RunCapture({argv, {}, ""});
    EXPECT_EQ(rc, 0) << out;
  };
  git({"init", "-q", "-b", "main"});
  git({"add", "."});
  git({"commit", "-q", "-m", "first"});
  return "file://" + dir.string();
}

// An scm project whose first update has finished; returns its id.
int64_t ScmProject(World& w, bool update_on_launch, int64_t cache_timeout) {
  std::string url = GitRepo(w.api.dir() / "repo");
  w.api.StartDispatcher();
  Resp p = w.api
               .Post("/api/v2/projects/", json::object{{"name", "Git P"},
                                                       {"organization", 1},
                                                       {"scm_type", "git"},
                                                       {"scm_url", url},
                                                       {"scm_update_on_launch", update_on_launch},
                                                       {"scm_update_cache_timeout", cache_timeout}})
               .Expect(201);
  int64_t first = Count(w.api, "SELECT MAX(id) FROM unified_jobs WHERE type = 'project_update'");
  EXPECT_EQ(WaitJob(w.api, first), "successful") << Output(w.api, first);
  return p.id();
}

TEST(Scheduler, ScmUpdateOnLaunchRunsAProjectUpdateFirst) {
  World w;
  int64_t project = ScmProject(w, true, 0);
  JobRow j;
  j.project_id = project;
  j.inventory_id = w.inventory;
  j.playbook = "site.yml";
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher().Wake();
  ASSERT_EQ(WaitJob(w.api, job), "successful") << Col(w.api, job, "job_explanation");
  std::string dep = Col(w.api, job, "dependent_job_id");
  ASSERT_NE(dep, "");
  int64_t update = std::stoll(dep);
  EXPECT_EQ(Col(w.api, update, "type"), "project_update");
  EXPECT_EQ(Col(w.api, update, "launch_type"), "dependency");
  EXPECT_EQ(Col(w.api, update, "status"), "successful");
  EXPECT_EQ(Col(w.api, update, "project_id"), std::to_string(project));
  EXPECT_LE(Col(w.api, update, "finished"), Col(w.api, job, "started"));
  EXPECT_EQ(Col(w.api, job, "scm_revision").size(), 40u);
}

TEST(Scheduler, ARecentUpdateWithinTheCacheTimeoutIsEnough) {
  World w;
  int64_t project = ScmProject(w, true, 3600);
  int64_t updates = Count(w.api, "SELECT COUNT(*) FROM unified_jobs WHERE type = 'project_update'");
  JobRow j;
  j.project_id = project;
  j.inventory_id = w.inventory;
  j.playbook = "site.yml";
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher().Wake();
  ASSERT_EQ(WaitJob(w.api, job), "successful");
  EXPECT_EQ(Col(w.api, job, "dependent_job_id"), "");
  EXPECT_EQ(Count(w.api, "SELECT COUNT(*) FROM unified_jobs WHERE type = 'project_update'"),
            updates);
}

TEST(Scheduler, AFailedProjectUpdateFailsTheJobWithAwxsExplanation) {
  World w;
  int64_t project = ScmProject(w, true, 0);
  w.api.db().Local().Exec("UPDATE projects SET scm_url = ? WHERE id = ?",
                          {"file://" + (w.api.dir() / "no-such-repo").string(), project});
  // A fresh checkout is needed for the broken URL to matter.
  w.api.db().Local().Exec("UPDATE projects SET scm_delete_on_update = 1 WHERE id = ?", {project});
  JobRow j;
  j.project_id = project;
  j.inventory_id = w.inventory;
  j.playbook = "site.yml";
  int64_t job = InsertJob(w.api, j);
  w.api.StartDispatcher().Wake();
  ASSERT_EQ(WaitJob(w.api, job), "failed");
  int64_t update = std::stoll(Col(w.api, job, "dependent_job_id"));
  EXPECT_EQ(Col(w.api, update, "status"), "failed");
  EXPECT_EQ(Col(w.api, job, "job_explanation"),
            "Previous Task Failed: {\"job_type\": \"project_update\", \"job_name\": \"Git P\", "
            "\"job_id\": \"" +
                std::to_string(update) + "\"}");
  EXPECT_EQ(Col(w.api, job, "started"), "");
}

TEST(Scheduler, RestartFailsAJobLeftRunningAndKillsWhatIsLeftOfIt) {
  World w;
  JobRow j = w.Gated("never");
  int64_t job = InsertJob(w.api, j);
  // A previous server's leftover: the job's process group, marked with its id.
  std::vector<std::string> env = runner::BaseEnv();
  env.push_back("BATON_JOB_ID=" + std::to_string(job));
  auto sp = runner::Spawn({{"sh", "-c", "sleep 300 & sleep 300; wait"}, env, ""});
  ASSERT_TRUE(sp.ok());
  for (int i = 0; i < 500 && LiveInGroup(sp.value().pid) < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(LiveInGroup(sp.value().pid), 3);  // sh and its two sleeps
  // A process of someone else, in no group of ours, is left alone.
  auto other = runner::Spawn({{"sleep", "300"}, runner::BaseEnv(), ""});
  ASSERT_TRUE(other.ok());
  w.api.db().Local().Exec(
      "UPDATE unified_jobs SET status = 'running', execution_node = 'test-node', pid = ? WHERE "
      "id = ?",
      {int64_t{sp.value().pid}, job});
  int64_t next = InsertJob(w.api, [&] {
    JobRow q;
    q.project_id = w.project;
    q.inventory_id = w.inventory;
    q.playbook = "quick.yml";
    return q;
  }());
  w.api.StartDispatcher();
  EXPECT_EQ(JobStatus(w.api, job), "failed");  // reconciled before the first pass
  EXPECT_EQ(Col(w.api, job, "job_explanation"),
            "Task was marked as running at system start up. The system must have not shut down "
            "properly, so it has been marked as failed.");
  int status = 0;
  ASSERT_EQ(waitpid(sp.value().pid, &status, 0), sp.value().pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WaitGroupGone(sp.value().pid), 0);  // the whole group is gone
  EXPECT_EQ(kill(other.value().pid, 0), 0);
  kill(other.value().pid, SIGKILL);
  waitpid(other.value().pid, &status, 0);
  close(sp.value().out_fd);
  close(other.value().out_fd);
  // The scheduler keeps going.
  EXPECT_EQ(WaitJob(w.api, next), "successful");
}

}  // namespace
}  // namespace baton::testing
