#include "scheduler/schedule_manager.hpp"

#include <spdlog/spdlog.h>

#include "core/crashpoint.hpp"
#include "core/json.hpp"
#include "domain/rrule.hpp"

namespace baton::scheduler {

ScheduleManager::ScheduleManager(store::Database& db, const Clock& clock,
                                 ScheduleLauncher& launcher)
    : db_(db), clock_(clock), launcher_(launcher) {}

ScheduleManager::PassResult ScheduleManager::Pass() {
  PassResult out;
  auto& c = db_.Local();
  Micros now = clock_.Now();
  std::string now_iso = FormatIso(now);
  auto due = c.Query(
      "SELECT id, rrule, next_run FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL AND "
      "next_run <= ? ORDER BY next_run, id",
      {now_iso});
  for (auto& r : due.rows) {
    int64_t id = store::AsInt(r[0]);
    std::optional<Micros> next;
    if (auto rules = domain::rrule::RuleSet::Parse(store::AsString(r[1])); rules.ok()) {
      auto after = rules->After(now, 1);
      if (!after.empty()) next = after[0].utc;
    }
    store::Tx tx(c);
    // The claim: only the pass whose UPDATE changes the row fires this occurrence.
    int64_t claimed = c.Exec(
        "UPDATE schedules SET next_run = ?, last_fired = ? WHERE id = ? AND next_run = ? AND "
        "enabled = 1",
        {next ? store::Value(FormatIso(*next)) : store::Null(), now_iso, id, r[2]});
    if (claimed != 1) continue;
    c.Begin();  // a savepoint: a failed launch leaves the claim
    Result<int64_t> job = Error::Msg("not launched");
    try {
      job = launcher_.Launch(c, id, now);
    } catch (const std::exception& e) {
      job = Error::Msg(e.what());
    }
    if (job.ok()) {
      c.Commit();
      c.Exec("UPDATE schedules SET last_job_id = ? WHERE id = ?", {*job, id});
      Crashpoint("schedule.fire");
      ++out.launched;
      spdlog::info("schedule {}: launched unified job {}", id, *job);
    } else {
      c.Rollback();
      spdlog::warn("schedule {}: no job launched: {}", id, Dump(job.error().body));
    }
    tx.Commit();
  }
  if (auto next = c.QueryString(
          "SELECT MIN(next_run) FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL"))
    out.next_due = ParseIso(*next);
  return out;
}

WakeTimer::WakeTimer(std::function<void()> wake) : wake_(std::move(wake)) {
  thread_ = std::thread([this] { Loop(); });
}

WakeTimer::~WakeTimer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WakeTimer::ArmAt(std::optional<Micros> at) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    at_ = at;
  }
  cv_.notify_all();
}

void WakeTimer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (!at_) {
      cv_.wait(lock);
      continue;
    }
    // One millisecond late, so that the pass it wakes sees the instant as come.
    auto when = std::chrono::system_clock::time_point(std::chrono::microseconds(*at_ + 1000));
    if (std::chrono::system_clock::now() < when) {
      cv_.wait_until(lock, when);
      continue;  // re-read: re-armed, stopped, or time
    }
    at_.reset();
    lock.unlock();
    wake_();
    lock.lock();
  }
}

}  // namespace baton::scheduler
