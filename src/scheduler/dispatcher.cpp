#include "scheduler/dispatcher.hpp"

#include <signal.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include <spdlog/spdlog.h>

namespace baton::scheduler {
namespace {

// Job processes carry BATON_JOB_ID=<id> in their environment.
bool ProcessBelongsToJob(int64_t pid, int64_t job_id) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string marker = "BATON_JOB_ID=" + std::to_string(job_id);
  size_t pos = 0;
  while ((pos = env.find(marker, pos)) != std::string::npos) {
    bool start = pos == 0 || env[pos - 1] == '\0';
    bool end = pos + marker.size() == env.size() || env[pos + marker.size()] == '\0';
    if (start && end) return true;
    pos += marker.size();
  }
  return false;
}

}  // namespace

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
      "(execution_node = ? OR execution_node = '')",
      {opts_.node_name});
  for (auto& r : rows.rows) {
    // Kill a leftover process group only if it really is this job's (pids get reused).
    if (auto pid = store::AsOptInt(r[1]); pid && *pid > 1 && ProcessBelongsToJob(*pid, store::AsInt(r[0])))
      kill(-static_cast<pid_t>(*pid), SIGKILL);
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
  // Cancel requests: jobs not handed to a worker end at once; running ones are told to stop.
  auto cancels = c.Query(
      "SELECT id, status FROM unified_jobs WHERE cancel_requested = 1 AND status IN ('new', "
      "'pending', 'waiting', 'running')");
  for (auto& r : cancels.rows) {
    int64_t id = store::AsInt(r[0]);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(id);
    if (it != running_.end()) {
      it->second->cancel = true;
    } else if (runners_.count(c.QueryString("SELECT type FROM unified_jobs WHERE id = ?", {id})
                                  .value_or(""))) {
      c.Exec(
          "UPDATE unified_jobs SET status = 'canceled', failed = 1, finished = ?, modified = ? "
          "WHERE id = ? AND status IN ('new', 'pending', 'waiting')",
          {now, now, id});
    }
  }
  // Start pending jobs in creation order while capacity lasts.
  int in_use;
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_use = static_cast<int>(running_.size());
  }
  auto pending = c.Query("SELECT id, type FROM unified_jobs WHERE status = 'pending' ORDER BY id");
  for (auto& r : pending.rows) {
    if (in_use >= opts_.capacity) break;
    int64_t id = store::AsInt(r[0]);
    auto rit = runners_.find(store::AsString(r[1]));
    if (rit == runners_.end()) continue;
    // Claim: only one dispatcher moves a pending job on.
    if (c.Exec("UPDATE unified_jobs SET status = 'waiting', modified = ?, execution_node = ?, "
               "controller_node = ? WHERE id = ? AND status = 'pending'",
               {now, opts_.node_name, opts_.node_name, id}) != 1)
      continue;
    c.Exec("UPDATE unified_jobs SET status = 'running', started = ?, modified = ? WHERE id = ?",
           {FormatIso(clock_.Now()), FormatIso(clock_.Now()), id});
    ++in_use;
    auto running = std::make_shared<Running>();
    JobRunner* runner = rit->second.get();
    std::lock_guard<std::mutex> lock(mu_);
    running_[id] = running;
    running->thread = std::thread([this, id, runner, running] {
      RunResult result;
      try {
        OutputWriter out(db_, id);
        RunContext rc{db_, id, out, [running] { return running->cancel.load(); }, opts_};
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
}

}  // namespace baton::scheduler
