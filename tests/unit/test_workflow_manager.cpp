// The workflow manager against a real SQLite store, a fake clock and a fake spawner (no API, no
// runner): EX-2 start and blocking with the 30-second explanation, spawning in order and linking
// node jobs, a spawn error recorded as a failed job, completion, cancel of jobs and approvals,
// approval expiry (EX-18), and idle passes changing nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "scheduler/workflow_manager.hpp"
#include "store/db.hpp"

namespace baton::scheduler {
namespace {

namespace fs = std::filesystem;

constexpr Micros kT0 = 1700000000LL * 1000000;

// Creates a pending job of type 'job' for each node (or fails when told to).
class FakeSpawner : public NodeSpawner {
 public:
  Result<int64_t> Spawn(store::Connection& c, int64_t wj, int64_t node) override {
    spawned.push_back(node);
    if (fail) return Error::Msg("boom");
    return c.Insert(
        "INSERT INTO unified_jobs (type, name, status, launch_type, source_workflow_job_id, "
        "created, modified) VALUES (?, 'n', 'pending', 'workflow', ?, 'x', 'x') RETURNING id",
        {type, wj});
  }
  std::vector<int64_t> spawned;
  bool fail = false;
  std::string type = "job";
};

struct WorkflowManagerTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("baton-wm-" + RandomAlnum(8));
  std::unique_ptr<store::Database> db;
  FakeClock clock{kT0};
  FakeSpawner spawner;
  std::unique_ptr<WorkflowManager> wm;

  void SetUp() override {
    fs::create_directories(dir);
    db = store::OpenSqlite((dir / "baton.db").string());
    db->Migrate();
    wm = std::make_unique<WorkflowManager>(*db, clock, spawner);
  }
  void TearDown() override {
    wm.reset();
    db.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  store::Connection& c() { return db->Local(); }
  int64_t Wj(const std::string& status, std::optional<int64_t> wfjt = 1, bool simultaneous = false,
             Micros created = kT0) {
    return c().Insert(
        "INSERT INTO unified_jobs (type, name, status, workflow_job_template_id, "
        "allow_simultaneous, created, modified) VALUES ('workflow_job', 'wj', ?, ?, ?, ?, ?) "
        "RETURNING id",
        {status, store::OptId(wfjt), int64_t{simultaneous}, FormatIso(created),
         FormatIso(created)});
  }
  int64_t Node(int64_t wj, bool with_template = true) {
    return c().Insert(
        "INSERT INTO workflow_job_nodes (workflow_job_id, unified_job_template_id, created, "
        "modified) VALUES (?, ?, 'x', 'x') RETURNING id",
        {wj, with_template ? store::Value(int64_t{99}) : store::Null()});
  }
  void Edge(int64_t wj, int64_t parent, int64_t child, const std::string& type) {
    c().Exec(
        "INSERT INTO workflow_edges (owner_type, owner_id, parent_id, child_id, type) VALUES "
        "('workflow_job', ?, ?, ?, ?)",
        {wj, parent, child, type});
  }
  std::string Col(int64_t id, const std::string& col, const std::string& table = "unified_jobs") {
    auto r = c().Query("SELECT " + col + " FROM " + table + " WHERE id = ?", {id});
    return r.empty() ? "" : store::AsString(r.rows[0][0]);
  }
  std::optional<int64_t> JobOf(int64_t node) {
    return c().QueryInt("SELECT job_id FROM workflow_job_nodes WHERE id = ?", {node});
  }
  void SetStatus(int64_t job, const std::string& st) {
    c().Exec("UPDATE unified_jobs SET status = ? WHERE id = ?", {st, job});
  }
};

TEST_F(WorkflowManagerTest, PendingWorkflowJobStartsRunningAndZeroNodesSucceeds) {
  int64_t wj = Wj("pending");
  EXPECT_TRUE(wm->Pass());
  EXPECT_EQ(Col(wj, "status"), "successful");  // EX-4: started, then done in the same pass
  EXPECT_EQ(Col(wj, "started"), FormatIso(kT0));
  EXPECT_EQ(Col(wj, "failed"), "0");
  EXPECT_FALSE(wm->Pass());
}

TEST_F(WorkflowManagerTest, SecondWorkflowJobOfATemplateWaitsAndExplainsAfterThirtySeconds) {
  int64_t first = Wj("pending"), second = Wj("pending");
  Node(first);
  Node(second);
  wm->Pass();
  EXPECT_EQ(Col(first, "status"), "running");
  EXPECT_EQ(Col(second, "status"), "pending");
  EXPECT_EQ(Col(second, "job_explanation"), "");
  clock.Advance(31 * 1000000LL);
  wm->Pass();
  EXPECT_EQ(Col(second, "status"), "pending");
  EXPECT_EQ(Col(second, "job_explanation"),
            "waiting for workflowjob-" + std::to_string(first) + " to finish");
  // allow_simultaneous lets a third one run at once.
  int64_t third = Wj("pending", 1, true);
  Node(third);
  wm->Pass();
  EXPECT_EQ(Col(third, "status"), "running");
}

TEST_F(WorkflowManagerTest, SpawnsRootsLinksJobsAndFinishesWithTheEngineVerdict) {
  int64_t wj = Wj("running");
  int64_t a = Node(wj), b = Node(wj), handler = Node(wj);
  Edge(wj, a, b, "success");
  Edge(wj, a, handler, "failure");
  EXPECT_TRUE(wm->Pass());
  EXPECT_EQ(spawner.spawned, std::vector<int64_t>{a});
  ASSERT_TRUE(JobOf(a));
  EXPECT_FALSE(wm->Pass());  // nothing changed: no work, no wake
  SetStatus(*JobOf(a), "failed");
  EXPECT_TRUE(wm->Pass());
  EXPECT_EQ(Col(b, "do_not_run", "workflow_job_nodes"), "1");
  ASSERT_TRUE(JobOf(handler));
  SetStatus(*JobOf(handler), "successful");
  wm->Pass();
  EXPECT_EQ(Col(wj, "status"), "successful");
  EXPECT_EQ(Col(wj, "failed"), "0");
  EXPECT_NE(Col(wj, "finished"), "");
}

TEST_F(WorkflowManagerTest, FailureWithoutHandlerSetsAwxExplanation) {
  int64_t wj = Wj("running");
  int64_t a = Node(wj);
  wm->Pass();
  SetStatus(*JobOf(a), "error");
  wm->Pass();
  EXPECT_EQ(Col(wj, "status"), "failed");
  EXPECT_EQ(Col(wj, "failed"), "1");
  EXPECT_EQ(Col(wj, "job_explanation"),
            "No error handling paths found, marking workflow as failed");
}

TEST_F(WorkflowManagerTest, SpawnErrorRecordsAFailedJobAndTheNodeFollowsItsFailurePath) {
  spawner.fail = true;
  int64_t wj = Wj("running");
  int64_t a = Node(wj), handler = Node(wj);
  Edge(wj, a, handler, "failure");
  wm->Pass();
  ASSERT_TRUE(JobOf(a));
  EXPECT_EQ(Col(*JobOf(a), "status"), "failed");
  EXPECT_EQ(Col(*JobOf(a), "job_explanation"), kSpawnCannotStart);
  EXPECT_EQ(Col(*JobOf(a), "source_workflow_job_id"), std::to_string(wj));
  spawner.fail = false;
  wm->Pass();
  ASSERT_TRUE(JobOf(handler));
}

TEST_F(WorkflowManagerTest, CancelFlagsActiveJobsMarksTheRestAndEndsCanceledOnceFinal) {
  int64_t wj = Wj("running");
  int64_t a = Node(wj), b = Node(wj);
  Edge(wj, a, b, "always");
  wm->Pass();
  int64_t job = *JobOf(a);
  SetStatus(job, "running");
  c().Exec("UPDATE unified_jobs SET cancel_requested = 1 WHERE id = ?", {wj});
  EXPECT_TRUE(wm->Pass());
  EXPECT_EQ(Col(job, "cancel_requested"), "1");
  EXPECT_EQ(Col(b, "do_not_run", "workflow_job_nodes"), "1");
  EXPECT_EQ(Col(wj, "status"), "running");
  EXPECT_FALSE(wm->Pass());  // waiting for the job: nothing to do, no busy loop
  SetStatus(job, "canceled");
  wm->Pass();
  EXPECT_EQ(Col(wj, "status"), "canceled");
  EXPECT_EQ(Col(wj, "failed"), "1");
  EXPECT_EQ(Col(wj, "job_explanation"), "");
}

TEST_F(WorkflowManagerTest, CancelOfAWorkflowJobEndsItsPendingApprovalCanceled) {
  spawner.type = "workflow_approval";
  int64_t wj = Wj("running");
  int64_t a = Node(wj);
  wm->Pass();
  c().Exec("UPDATE unified_jobs SET cancel_requested = 1 WHERE id = ?", {wj});
  wm->Pass();
  EXPECT_EQ(Col(*JobOf(a), "status"), "canceled");
  wm->Pass();
  EXPECT_EQ(Col(wj, "status"), "canceled");
}

TEST_F(WorkflowManagerTest, PendingCanceledWorkflowJobEndsCanceledWithoutStarting) {
  int64_t wj = Wj("pending");
  Node(wj);
  c().Exec("UPDATE unified_jobs SET cancel_requested = 1 WHERE id = ?", {wj});
  wm->Pass();
  EXPECT_EQ(Col(wj, "status"), "canceled");
  EXPECT_TRUE(spawner.spawned.empty());
}

TEST_F(WorkflowManagerTest, ApprovalPastExpiresFailsTimedOut) {
  int64_t ap = c().Insert(
      "INSERT INTO unified_jobs (type, name, status, timeout, expires, started, created, "
      "modified) VALUES ('workflow_approval', 'Gate', 'pending', 5, ?, ?, ?, ?) RETURNING id",
      {FormatIso(kT0 + 5000000), FormatIso(kT0), FormatIso(kT0), FormatIso(kT0)});
  EXPECT_FALSE(wm->Pass());
  EXPECT_EQ(Col(ap, "status"), "pending");
  clock.Advance(6 * 1000000LL);
  EXPECT_TRUE(wm->Pass());
  EXPECT_EQ(Col(ap, "status"), "failed");
  EXPECT_EQ(Col(ap, "timed_out"), "1");
  EXPECT_EQ(Col(ap, "job_explanation"),
            "The approval node Gate (" + std::to_string(ap) + ") has expired after 5 seconds.");
}

}  // namespace
}  // namespace baton::scheduler
