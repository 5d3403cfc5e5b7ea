// Launching the job of a due schedule (AWX's Schedule.get_job_kwargs + create_unified_job +
// signal_start): the scheduler's ScheduleLauncher, implemented with the launch use cases
// of service/. By the kind of the schedule's template: a job template makes a job (or a sliced
// workflow job when slicing applies), a workflow job template a workflow job, a project a
// project update, an inventory source an inventory update; each with launch_type 'scheduled',
// schedule_id = the schedule, created_by NULL (launched_by shows the schedule). The schedule's
// prompts go through the template's acceptance rules: rejected ones are dropped and logged, as
// AWX does. A job whose credentials need launch passwords is created `failed` with AWX's
// explanation. Launches AWX skips are Errors (no job): a job or workflow job template with
// SCHEDULE_MAX_JOBS (10) jobs pending, waiting or running, a project or
// inventory source updated within its cache timeout.
#pragma once
#include "scheduler/schedule_manager.hpp"
#include "service/session.hpp"

namespace baton::service {

inline constexpr const char* kScheduledCannotStart =
    "Scheduled job could not start because it was not in the right state or required manual "
    "credentials";
inline constexpr int kScheduleMaxJobs = 10;

class ScheduleJobLauncher : public scheduler::ScheduleLauncher {
 public:
  // Keeps a copy of `cfg` (secret key for password answers).
  explicit ScheduleJobLauncher(Config cfg) : cfg_(std::move(cfg)) {}
  Result<int64_t> Launch(store::Connection& c, int64_t schedule_id, Micros now) override;

 private:
  Config cfg_;
};

}  // namespace baton::service
