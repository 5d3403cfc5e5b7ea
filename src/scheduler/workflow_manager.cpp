#include "scheduler/workflow_manager.hpp"

#include "store/job_status_sql.hpp"

#include <cmath>
#include <map>
#include <string_view>

#include <spdlog/spdlog.h>

#include "core/crashpoint.hpp"
#include "core/json.hpp"
#include "engine/evaluate.hpp"

namespace baton::scheduler {
namespace {

constexpr Micros kBlockedExplanationAfter = 30 * 1000000LL;  // EX-2: 30 seconds

double ElapsedSeconds(const store::Value& started, Micros now) {
  if (store::IsNull(started)) return 0;
  auto s = ParseIso(store::AsString(started));
  if (!s) return 0;
  return std::round(static_cast<double>(now - *s) / 1e3) / 1e3;
}

// The unified job type a template kind spawns (for the record of a spawn that failed).
std::string JobTypeOfTemplate(store::Connection& c, const store::Value& ujt) {
  auto kind = c.QueryString("SELECT type FROM unified_job_template_ids WHERE id = ?", {ujt});
  std::string k = kind.value_or("");
  if (k == "project") return "project_update";
  if (k == "inventory_source") return "inventory_update";
  if (k == "workflow_job_template") return "workflow_job";
  if (k == "workflow_approval_template") return "workflow_approval";
  return "job";
}

// A graph of the workflow job's nodes as the engine sees it.
engine::Graph LoadGraph(store::Connection& c, int64_t wj) {
  engine::Graph g;
  auto nodes = c.Query(
      "SELECT n.id, n.unified_job_template_id IS NOT NULL, n.all_parents_must_converge, "
      "n.do_not_run, j.status FROM workflow_job_nodes n LEFT JOIN unified_jobs j ON j.id = "
      "n.job_id WHERE n.workflow_job_id = ? ORDER BY n.id",
      {wj});
  g.nodes.reserve(nodes.size());
  for (auto& r : nodes.rows) {
    engine::Node n;
    n.id = store::AsInt(r[0]);
    n.has_template = store::AsInt(r[1]) != 0;
    n.all_parents_must_converge = store::AsInt(r[2]) != 0;
    n.do_not_run = store::AsInt(r[3]) != 0;
    if (!store::IsNull(r[4]))
      n.job = engine::ParseJobStatus(store::AsString(r[4])).value_or(engine::JobStatus::kError);
    g.nodes.push_back(n);
  }
  auto edges = c.Query(
      "SELECT parent_id, child_id, type FROM workflow_edges WHERE owner_type = 'workflow_job' AND "
      "owner_id = ?",
      {wj});
  g.edges.reserve(edges.size());
  for (auto& r : edges.rows)
    if (auto t = engine::ParseEdgeType(store::AsString(r[2])))
      g.edges.push_back({store::AsInt(r[0]), store::AsInt(r[1]), *t});
  return g;
}

}  // namespace

WorkflowManager::WorkflowManager(store::Database& db, const Clock& clock, NodeSpawner& spawner)
    : db_(db), clock_(clock), spawner_(spawner) {}

bool WorkflowManager::Pass() {
  auto& c = db_.Local();
  Micros now = clock_.Now();
  bool changed = false;
  try {
    changed |= ExpireApprovals(c, now);
  } catch (const std::exception& e) {
    spdlog::error("workflow manager: approval expiry failed: {}", e.what());
  }
  try {
    changed |= StartPending(c, now);
  } catch (const std::exception& e) {
    spdlog::error("workflow manager: starting workflow jobs failed: {}", e.what());
  }
  // EX-3: every running workflow job, in id order.
  auto running = c.Query(
      "SELECT id, cancel_requested FROM unified_jobs WHERE type = 'workflow_job' AND status = "
      "'running' ORDER BY id");
  for (auto& r : running.rows) {
    int64_t wj = store::AsInt(r[0]);
    try {
      changed |= Advance(c, wj, store::AsInt(r[1]) != 0, now);
    } catch (const std::exception& e) {
      spdlog::error("workflow job {}: workflow manager pass failed: {}", wj, e.what());
    }
  }
  return changed;
}

// EX-18: a pending approval past `expires` fails with timed_out.
bool WorkflowManager::ExpireApprovals(store::Connection& c, Micros now) {
  auto rows = c.Query(
      "SELECT id, name, timeout, expires, started FROM unified_jobs WHERE type = "
      "'workflow_approval' AND status = 'pending' AND expires IS NOT NULL AND timeout <> 0");
  bool changed = false;
  std::string iso = FormatIso(now);
  for (auto& r : rows.rows) {
    auto expires = ParseIso(store::AsString(r[3]));
    if (!expires || *expires >= now) continue;
    int64_t id = store::AsInt(r[0]);
    std::string why = "The approval node " + store::AsString(r[1]) + " (" + std::to_string(id) +
                      ") has expired after " + std::to_string(store::AsInt(r[2])) + " seconds.";
    changed |= c.Exec(
                   "UPDATE unified_jobs SET status = 'failed', failed = 1, timed_out = 1, "
                   "finished = ?, modified = ?, elapsed = ?, job_explanation = ? WHERE id = ? AND "
                   "status = 'pending'",
                   {iso, iso, ElapsedSeconds(r[4], now), why, id}) > 0;
    spdlog::info("approval {} expired", id);
  }
  return changed;
}

// EX-2: pending workflow jobs go straight to running unless allow_simultaneous blocks them.
bool WorkflowManager::StartPending(store::Connection& c, Micros now) {
  auto pending = c.Query(
      "SELECT id, workflow_job_template_id, allow_simultaneous, created, cancel_requested, "
      "is_sliced_job, job_template_id, job_explanation FROM unified_jobs WHERE type = "
      "'workflow_job' AND status = 'pending' ORDER BY id");
  if (pending.empty()) return false;
  std::string iso = FormatIso(now);
  // Blockers: the running workflow job of each template (lowest id), and for sliced workflow
  // jobs the running jobs of their job template.
  std::map<int64_t, int64_t> running_wfjt, running_sliced;
  auto running = c.Query(
      "SELECT id, workflow_job_template_id, is_sliced_job, job_template_id FROM unified_jobs "
      "WHERE type = 'workflow_job' AND status IN ('waiting', 'running') ORDER BY id");
  for (auto& r : running.rows) {
    if (auto t = store::AsOptInt(r[1])) running_wfjt.emplace(*t, store::AsInt(r[0]));
    if (store::AsInt(r[2]) != 0)
      if (auto jt = store::AsOptInt(r[3])) running_sliced.emplace(*jt, store::AsInt(r[0]));
  }
  bool changed = false;
  for (auto& r : pending.rows) {
    int64_t id = store::AsInt(r[0]);
    if (store::AsInt(r[4]) != 0) {
      // EX-16: a workflow job canceled before it started ends canceled at once.
      changed |= c.Exec(
                     "UPDATE unified_jobs SET status = 'canceled', failed = 1, finished = ?, "
                     "modified = ?, canceled_on = COALESCE(canceled_on, ?) WHERE id = ? AND "
                     "status = 'pending'",
                     {iso, iso, iso, id}) > 0;
      continue;
    }
    auto wfjt = store::AsOptInt(r[1]);
    auto jt = store::AsOptInt(r[6]);
    bool sliced = store::AsInt(r[5]) != 0;
    std::string blocker;
    if (store::AsInt(r[2]) == 0) {
      if (sliced && jt) {
        if (auto it = running_sliced.find(*jt); it != running_sliced.end()) {
          blocker = "workflowjob-" + std::to_string(it->second);
        } else if (auto job = c.QueryInt(
                       "SELECT id FROM unified_jobs WHERE type = 'job' AND job_template_id = ? "
                       "AND status IN ('waiting', 'running') ORDER BY id LIMIT 1",
                       {*jt})) {
          blocker = "job-" + std::to_string(*job);
        }
      } else if (wfjt) {
        if (auto it = running_wfjt.find(*wfjt); it != running_wfjt.end())
          blocker = "workflowjob-" + std::to_string(it->second);
      }
    }
    if (!blocker.empty()) {
      auto created = ParseIso(store::AsString(r[3]));
      std::string why = "waiting for " + blocker + " to finish";
      if (created && now - *created > kBlockedExplanationAfter && store::AsString(r[7]) != why)
        c.Exec("UPDATE unified_jobs SET job_explanation = ?, modified = ? WHERE id = ?",
               {why, iso, id});
      continue;
    }
    if (c.Exec("UPDATE unified_jobs SET status = 'running', started = ?, modified = ?, "
               "job_explanation = '' WHERE id = ? AND status = 'pending'",
               {iso, iso, id}) == 0)
      continue;
    changed = true;
    if (wfjt) running_wfjt.emplace(*wfjt, id);
    if (sliced && jt) running_sliced.emplace(*jt, id);
  }
  return changed;
}

// EX-3 for one running workflow job.
bool WorkflowManager::Advance(store::Connection& c, int64_t wj, bool cancel_requested, Micros now) {
  auto idle = [](const engine::Decision& d) {
    return d.mark_dnr.empty() && d.start.empty() && d.cancel.empty() && !d.done;
  };
  // Most passes find nothing to do: decide without a write transaction first.
  if (idle(engine::Evaluate(LoadGraph(c, wj), cancel_requested))) return false;
  std::string iso = FormatIso(now);
  bool changed = false;
  store::Tx tx(c);
  // Decide again under the workflow job's row lock (a write that changes nothing): another
  // instance, or an earlier pass, may have applied the decision since.
  if (c.Exec("UPDATE unified_jobs SET modified = modified WHERE id = ? AND status = 'running'",
             {wj}) == 0)
    return false;
  cancel_requested =
      c.QueryInt("SELECT cancel_requested FROM unified_jobs WHERE id = ?", {wj}).value_or(0) != 0;
  engine::Decision d = engine::Evaluate(LoadGraph(c, wj), cancel_requested);
  if (idle(d)) return false;
  for (engine::NodeId n : d.mark_dnr)
    changed |= c.Exec(
                   "UPDATE workflow_job_nodes SET do_not_run = 1, modified = ? WHERE id = ? AND "
                   "do_not_run = 0",
                   {iso, n}) > 0;
  // EX-16.2: the jobs of a canceled workflow job are told to cancel (the dispatcher stops the
  // ones it runs, a nested workflow job cancels its own jobs, an approval ends canceled).
  for (engine::NodeId n : d.cancel) {
    static const std::string active_job_sql =
        "SELECT j.id, j.type FROM workflow_job_nodes n JOIN unified_jobs j ON j.id = n.job_id "
        "WHERE n.id = ? AND j.status IN " +
        store::ActiveStatusList();
    auto job = c.Query(active_job_sql, {n});
    if (job.empty()) continue;
    int64_t id = store::AsInt(job.rows[0][0]);
    if (store::AsString(job.rows[0][1]) == "workflow_approval") {
      static const std::string cancel_approval_sql =
          "UPDATE unified_jobs SET status = 'canceled', failed = 1, finished = ?, modified = ?, "
          "canceled_on = COALESCE(canceled_on, ?), cancel_requested = 1 WHERE id = ? AND status "
          "IN " +
          store::StatusList({JobStatus::kNew, JobStatus::kPending});
      changed |= c.Exec(cancel_approval_sql, {iso, iso, iso, id}) > 0;
    } else {
      changed |= c.Exec(
                     "UPDATE unified_jobs SET cancel_requested = 1, canceled_on = "
                     "COALESCE(canceled_on, ?), modified = ? WHERE id = ? AND cancel_requested = 0",
                     {iso, iso, id}) > 0;
    }
  }
  for (engine::NodeId n : d.start) {
    std::optional<int64_t> job;
    std::string error;
    try {
      store::Tx spawn_tx(c);  // a savepoint: a failed spawn leaves nothing behind
      auto r = spawner_.Spawn(c, wj, n);
      if (r.ok()) {
        job = r.value();
        spawn_tx.Commit();
        Crashpoint("workflow.spawn");
      } else {
        error = Dump(r.error().body);
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!job) {
      // EX-10.3c: the node's job could not start; the node follows its failure path.
      spdlog::error("workflow job {} node {}: cannot spawn its job: {}", wj, n, error);
      auto ujt =
          c.Query("SELECT unified_job_template_id FROM workflow_job_nodes WHERE id = ?", {n});
      store::Value ujt_id = ujt.empty() ? store::Null() : ujt.rows[0][0];
      job = c.Insert(
          "INSERT INTO unified_jobs (type, name, unified_job_template_id, launch_type, status, "
          "failed, finished, job_explanation, source_workflow_job_id, created, modified, "
          "created_by_id) SELECT ?, COALESCE((SELECT name FROM unified_jobs WHERE id = ?), ''), "
          "?, 'workflow', 'failed', 1, ?, ?, ?, ?, ?, (SELECT created_by_id FROM unified_jobs "
          "WHERE id = ?) RETURNING id",
          {JobTypeOfTemplate(c, ujt_id), wj, ujt_id, iso, kSpawnCannotStart, wj, iso, iso, wj});
    }
    c.Exec("UPDATE workflow_job_nodes SET job_id = ?, modified = ? WHERE id = ?", {*job, iso, n});
    changed = true;
  }
  if (d.done) {
    auto started = c.Query("SELECT started FROM unified_jobs WHERE id = ?", {wj});
    double elapsed = started.empty() ? 0 : ElapsedSeconds(started.rows[0][0], now);
    std::string status(engine::ToString(d.status));
    changed |= c.Exec(
                   "UPDATE unified_jobs SET status = ?, failed = ?, finished = ?, modified = ?, "
                   "elapsed = ?, start_args = '', job_explanation = CASE WHEN ? = '' THEN "
                   "job_explanation ELSE ? END WHERE id = ? AND status = 'running'",
                   {status, int64_t{d.failed}, iso, iso, elapsed, d.job_explanation,
                    d.job_explanation, wj}) > 0;
    if (!d.reason.empty()) spdlog::info("workflow job {} failed: {}", wj, d.reason);
  }
  tx.Commit();
  if (!d.start.empty()) Crashpoint("workflow.handoff");
  return changed;
}

}  // namespace baton::scheduler
