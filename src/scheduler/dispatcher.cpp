#include "scheduler/dispatcher.hpp"

#include "store/job_status_sql.hpp"

#include <signal.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "core/crashpoint.hpp"
#include "core/json.hpp"
#include "runner/process.hpp"
#include "scheduler/workflow_manager.hpp"

namespace baton::scheduler {
namespace {

std::string PreviousTaskFailed(const std::string& type, const std::string& name, int64_t id) {
  json::object o;
  o["job_type"] = type;
  o["job_name"] = name;
  o["job_id"] = std::to_string(id);
  return "Previous Task Failed: " + DumpPy(o);
}

}  // namespace

int DefaultCapacity() {
  unsigned cores = std::thread::hardware_concurrency();
  return 4 * static_cast<int>(cores == 0 ? 1 : cores);
}

Dispatcher::Dispatcher(store::Database& db, const Clock& clock, Options opts)
    : db_(db), clock_(clock), opts_(std::move(opts)) {
  if (opts_.projects_root.empty()) opts_.projects_root = opts_.data_dir + "/projects";
}

Dispatcher::~Dispatcher() {
  Stop();
}

void Dispatcher::Register(std::unique_ptr<JobRunner> runner) {
  std::string t = runner->Type();
  runners_[t] = std::move(runner);
}

void Dispatcher::Reconcile() {
  auto& c = db_.Local();
  auto rows = c.Query(
      "SELECT id, pid FROM unified_jobs WHERE status IN ('waiting', 'running') AND "
      "(execution_node = ? OR execution_node = '') AND type <> 'workflow_job'",
      {opts_.node_name});
  for (auto& r : rows.rows) {
    // Kill what is left of the job, only processes that really are this job's (pids get
    // reused): its process group, and ansible-playbook, which runs in a session of its own.
    if (int n = runner::KillLeftovers(store::AsOptInt(r[1]).value_or(0), store::AsInt(r[0]),
                                      opts_.data_dir + "/run");
        n > 0)
      spdlog::warn("job {}: killed {} leftover process(es)", store::AsInt(r[0]), n);
    std::string now = FormatIso(clock_.Now());
    c.Exec(
        "UPDATE unified_jobs SET status = 'failed', failed = 1, finished = ?, modified = ?, pid = "
        "NULL, job_explanation = 'Task was marked as running at system start up. The system must "
        "have not shut down properly, so it has been marked as failed.' WHERE id = ?",
        {now, now, r[0]});
    spdlog::warn("job {} was running when the previous process stopped: marked failed",
                 store::AsInt(r[0]));
  }
}

void Dispatcher::Start() {
  Reconcile();
  loop_ = std::thread([this] { Loop(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !loop_.joinable()) return;
    stopping_ = true;
    for (auto& [id, r] : running_) r->cancel = true;
  }
  cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  std::map<int64_t, std::shared_ptr<Running>> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left = running_;
  }
  for (auto& [id, r] : left)
    if (r->thread.joinable()) r->thread.join();
}

void Dispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::Loop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(opts_.safety_pass_ms),
                   [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
    try {
      Pass();
    } catch (const std::exception& e) {
      spdlog::error("dispatcher pass failed: {}", e.what());
    }
  }
}

void Dispatcher::Finish(int64_t id, const RunResult& r) {
  auto& c = db_.Local();
  Micros now = clock_.Now();
  auto started = c.QueryString("SELECT started FROM unified_jobs WHERE id = ?", {id});
  double elapsed = 0;
  if (started)
    if (auto s = ParseIso(*started)) elapsed = static_cast<double>(now - *s) / 1e6;
  bool failed = r.status != "successful";
  c.Exec(
      "UPDATE unified_jobs SET status = ?, failed = ?, finished = ?, modified = ?, elapsed = ?, "
      "pid = NULL, job_explanation = CASE WHEN ? = '' THEN job_explanation ELSE ? END WHERE id = ?",
      {r.status, int64_t{failed}, FormatIso(now), FormatIso(now), std::round(elapsed * 1000) / 1000,
       r.explanation, r.explanation, id});
}

void Dispatcher::StartJob(int64_t id, JobRunner* runner, int impact) {
  auto running = std::make_shared<Running>();
  running->impact = impact;
  std::lock_guard<std::mutex> lock(mu_);
  running_[id] = running;
  running->thread = std::thread([this, id, runner, running] {
    RunResult result;
    try {
      OutputWriter out(db_, id);
      RunContext rc{db_, id, out, [running] { return running->cancel.load(); }, opts_, &clock_};
      result = runner->Run(rc);
      out.Flush();
    } catch (const std::exception& e) {
      result.status = "error";
      result.explanation = std::string("The job could not run: ") + e.what();
    }
    if (running->cancel && result.status != "successful") {
      bool stopping;
      {
        std::lock_guard<std::mutex> lock(mu_);
        stopping = stopping_;
      }
      if (stopping) {
        result.status = "error";
        result.explanation = "The server stopped while this job was running.";
      } else {
        result.status = "canceled";
      }
    }
    try {
      Finish(id, result);
    } catch (const std::exception& e) {
      spdlog::error("cannot record the end of job {}: {}", id, e.what());
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      running->done = true;
    }
    Wake();
  });
}

void Dispatcher::Pass() {
  auto& c = db_.Local();
  std::string now = FormatIso(clock_.Now());
  // Reap finished workers.
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = running_.begin(); it != running_.end();) {
      if (it->second->done) {
        if (it->second->thread.joinable()) it->second->thread.join();
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Due schedules, notifications, webhook statuses (AddPass): first, so what they launch is
  // started by this same pass.
  for (auto& [name, pass] : extra_passes_) {
    try {
      pass();
    } catch (const std::exception& e) {
      spdlog::error("{} pass failed: {}", name, e.what());
    }
  }
  // Workflow jobs: start, advance (spawned jobs become pending for the loop below), cancel.
  bool again = false;
  if (workflow_manager_) again = workflow_manager_->Pass();
  // Cancel requests: jobs not handed to a worker end at once; running ones are told to stop.
  static const std::string cancels_sql =
      "SELECT id, type FROM unified_jobs WHERE cancel_requested = 1 AND status IN " +
      store::ActiveStatusList();
  auto cancels = c.Query(cancels_sql);
  for (auto& r : cancels.rows) {
    int64_t id = store::AsInt(r[0]);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(id);
    if (it != running_.end()) {
      it->second->cancel = true;
    } else if (runners_.count(store::AsString(r[1]))) {
      // Not handed to a worker: new, pending or waiting.
      static const std::string cancel_sql =
          "UPDATE unified_jobs SET status = 'canceled', failed = 1, finished = ?, modified = ? "
          "WHERE id = ? AND status IN " +
          store::StatusList({JobStatus::kNew, JobStatus::kPending, JobStatus::kWaiting});
      c.Exec(cancel_sql, {now, now, id});
    }
  }

  // What runs now (on any instance) blocks what would conflict with it.
  std::set<int64_t> templates, project_updates, source_updates;
  auto note_active = [&](const std::string& type, const store::Value& jt, const store::Value& proj,
                         const store::Value& src) {
    if (type == "job" && !store::IsNull(jt)) templates.insert(store::AsInt(jt));
    if (type == "project_update" && !store::IsNull(proj))
      project_updates.insert(store::AsInt(proj));
    if (type == "inventory_update" && !store::IsNull(src)) source_updates.insert(store::AsInt(src));
  };
  auto active = c.Query(
      "SELECT type, job_template_id, project_id, inventory_source_id FROM unified_jobs WHERE "
      "status IN ('waiting', 'running')");
  for (auto& r : active.rows) note_active(store::AsString(r[0]), r[1], r[2], r[3]);

  int in_use = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, r] : running_) in_use += r->impact;
  }
  auto pending = c.Query(
      "SELECT id, type, task_impact, job_template_id, project_id, inventory_source_id, "
      "allow_simultaneous, dependent_job_id, dependencies_processed FROM unified_jobs WHERE "
      "status = 'pending' ORDER BY id");
  for (auto& r : pending.rows) {
    int64_t id = store::AsInt(r[0]);
    std::string type = store::AsString(r[1]);
    auto rit = runners_.find(type);
    if (rit == runners_.end()) continue;
    std::optional<int64_t> project = store::AsOptInt(r[4]);
    std::optional<int64_t> dependency = store::AsOptInt(r[7]);
    if (type == "job") {
      if (store::AsInt(r[8]) == 0) {
        dependency = ProcessDependencies(id, project, now);
        if (dependency) again = true;
      }
      if (dependency) {
        auto dep =
            c.Query("SELECT status, name, type FROM unified_jobs WHERE id = ?", {*dependency});
        std::string st = dep.empty() ? "" : store::AsString(dep.rows[0][0]);
        if (auto status = ParseJobStatus(st); dep.empty() || (status && IsFailLike(*status))) {
          std::string why = dep.empty()
                                ? "The project update this job waited for is gone."
                                : PreviousTaskFailed(store::AsString(dep.rows[0][2]),
                                                     store::AsString(dep.rows[0][1]), *dependency);
          c.Exec(
              "UPDATE unified_jobs SET status = 'failed', failed = 1, finished = ?, modified = ?, "
              "job_explanation = ? WHERE id = ? AND status = 'pending'",
              {now, now, why, id});
          continue;
        }
        if (st != "successful") continue;  // waits for its project update
      }
      if (project && project_updates.count(*project)) continue;
      if (store::AsInt(r[6]) == 0 && !store::IsNull(r[3]) && templates.count(store::AsInt(r[3])))
        continue;
    } else if (type == "project_update") {
      if (project && project_updates.count(*project)) continue;
    } else if (type == "inventory_update") {
      if (!store::IsNull(r[5]) && source_updates.count(store::AsInt(r[5]))) continue;
    }
    int impact = type == "job" ? std::max<int>(1, static_cast<int>(store::AsInt(r[2]))) : 1;
    // A job bigger than the whole capacity still runs alone.
    if (in_use > 0 && in_use + impact > opts_.capacity) continue;
    // Claim: only one dispatcher moves a pending job on.
    if (c.Exec("UPDATE unified_jobs SET status = 'waiting', modified = ?, execution_node = ?, "
               "controller_node = ? WHERE id = ? AND status = 'pending'",
               {now, opts_.node_name, opts_.node_name, id}) != 1)
      continue;
    std::string started = FormatIso(clock_.Now());
    c.Exec("UPDATE unified_jobs SET status = 'running', started = ?, modified = ? WHERE id = ?",
           {started, started, id});
    in_use += impact;
    note_active(type, r[3], r[4], r[5]);
    Crashpoint("dispatch.running");
    StartJob(id, rit->second.get(), impact);
  }
  if (again) Wake();
}

std::optional<int64_t> Dispatcher::ProcessDependencies(int64_t job_id,
                                                       std::optional<int64_t> project_id,
                                                       const std::string& now) {
  auto& c = db_.Local();
  std::optional<int64_t> dep;
  store::Tx tx(c);
  auto proj = project_id ? c.Query(
                               "SELECT scm_type, scm_update_on_launch, scm_update_cache_timeout "
                               "FROM projects WHERE id = ?",
                               {*project_id})
                         : store::Rows{};
  if (!proj.empty() && !store::AsString(proj.rows[0][0]).empty() &&
      store::AsInt(proj.rows[0][1]) != 0) {
    // An update already under way serves this job too.
    static const std::string under_way_sql =
        "SELECT id FROM unified_jobs WHERE type = 'project_update' AND project_id = ? AND status "
        "IN " +
        store::StatusList({JobStatus::kPending, JobStatus::kWaiting, JobStatus::kRunning}) +
        " ORDER BY id DESC LIMIT 1";
    dep = c.QueryInt(under_way_sql, {*project_id});
    if (!dep) {
      // AWX's should_update_related_project: no update yet, the last one failed, or it is
      // older than the cache timeout.
      auto last = c.Query(
          "SELECT status, finished FROM unified_jobs WHERE type = 'project_update' AND "
          "project_id = ? ORDER BY id DESC LIMIT 1",
          {*project_id});
      bool needed = true;
      if (!last.empty() && store::AsString(last.rows[0][0]) == "successful") {
        auto finished = ParseIso(store::AsString(last.rows[0][1]));
        int64_t cache_s = store::AsInt(proj.rows[0][2]);
        needed = !finished || *finished + cache_s * 1000000 < clock_.Now();
      }
      if (needed)
        dep = c.Insert(
            "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, "
            "launch_type, status, project_id, job_type, local_path, scm_type, scm_url, "
            "scm_branch, scm_refspec, scm_clean, scm_delete_on_update, scm_track_submodules, "
            "credential_id, timeout, created, modified) SELECT 'project_update', name, "
            "description, id, 'dependency', 'pending', id, 'check', local_path, scm_type, "
            "scm_url, scm_branch, scm_refspec, scm_clean, scm_delete_on_update, "
            "scm_track_submodules, credential_id, timeout, ?, ? FROM projects WHERE id = ? "
            "RETURNING id",
            {now, now, *project_id});
    }
  }
  c.Exec(
      "UPDATE unified_jobs SET dependencies_processed = 1, dependent_job_id = ?, modified = ? "
      "WHERE id = ?",
      {store::OptId(dep), now, job_id});
  tx.Commit();
  return dep;
}

}  // namespace baton::scheduler
