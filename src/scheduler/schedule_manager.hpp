// Firing schedules (api-resources.md §20; AWX's awx_periodic_scheduler): run from every
// dispatcher pass, the manager launches each enabled schedule whose next_run has come (next_run
// <= now) and moves its next_run to the first occurrence strictly after now.
//
// - Once per due schedule, whatever the gap: after downtime, a schedule that missed several
//   occurrences fires once (as AWX, which fires the schedules whose next_run fell between its
//   last run and now) and its next_run moves past now.
// - Once per occurrence across instances: a firing is claimed with a conditional UPDATE on
//   (id, next_run); only the instance whose UPDATE changed the row launches.
// - The claim and the launch share one transaction; a launch that fails (the template refuses,
//   SCHEDULE_MAX_JOBS, an error) still consumes the occurrence (AWX logs and moves on).
//
// The database is the truth: nothing is kept between passes. The clock is injected, so tests
// drive the manager on a fake clock.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/db.hpp"

namespace baton::scheduler {

// Creates the unified job of a due schedule (implemented above the scheduler, in
// api/resources/triggers/schedule_launch.cpp): a job, sliced workflow job, workflow job, project
// update or inventory update of the schedule's template with launch_type 'scheduled', schedule_id =
// the schedule and the schedule's prompts applied. Called inside the manager's open transaction
// on `c`. An Error means no job was made (the manager rolls back what the launcher wrote).
class ScheduleLauncher {
 public:
  virtual ~ScheduleLauncher() = default;
  virtual Result<int64_t> Launch(store::Connection& c, int64_t schedule_id, Micros now) = 0;
};

class ScheduleManager {
 public:
  // `launcher` must outlive the manager. Not thread-safe: one pass at a time.
  ScheduleManager(store::Database& db, const Clock& clock, ScheduleLauncher& launcher);

  struct PassResult {
    int launched = 0;                // jobs created by this pass
    std::optional<Micros> next_due;  // earliest next_run of an enabled schedule after the pass
  };
  PassResult Pass();

 private:
  store::Database& db_;
  const Clock& clock_;
  ScheduleLauncher& launcher_;
};

// Calls `wake` once at an instant of the system clock (the dispatcher's Wake, so that a due
// schedule fires within milliseconds rather than at the next safety pass). Thread-safe.
class WakeTimer {
 public:
  explicit WakeTimer(std::function<void()> wake);
  ~WakeTimer();
  // Replaces the pending instant; nullopt disarms.
  void ArmAt(std::optional<Micros> at);

 private:
  void Loop();
  std::function<void()> wake_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Micros> at_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace baton::scheduler
