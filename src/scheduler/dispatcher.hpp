// The dispatch loop: pending -> waiting -> running for every kind of unified job that has a
// runner, reacting within milliseconds to Wake() (launch, finish, cancel) and running a
// periodic safety pass. The database is the truth: a restart reconciles jobs that were running,
// and several instances can later claim jobs with a conditional UPDATE.
//
// Each pass, in job id order (AWX's task manager rules):
//  - capacity: a job uses its task_impact (project and inventory updates use 1) out of
//    Options::capacity; a job bigger than the whole capacity still starts when nothing runs;
//  - blocking: a job of a template whose allow_simultaneous is false waits while another job of
//    that template is waiting or running; two updates of one project (or inventory source) never
//    run together; jobs of a project wait while an update of that project runs;
//  - dependencies: a job whose project has scm_update_on_launch first gets a project update
//    (launch_type 'dependency', unless one succeeded within scm_update_cache_timeout seconds or
//    one is already under way) and stays pending until it ends; when it fails, the job fails
//    with AWX's 'Previous Task Failed: {...}' explanation.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "runner/job_runner.hpp"
#include "store/db.hpp"

namespace baton::scheduler {

class WorkflowManager;

using runner::JobRunner;
using runner::OutputWriter;
using runner::RunContext;
using runner::RunResult;

// AWX's CPU capacity: 4 forks per core.
int DefaultCapacity();

struct Options : runner::Settings {
  int capacity = DefaultCapacity();  // sum of task_impact of the jobs running at once
  int safety_pass_ms = 2000;
};

class Dispatcher {
 public:
  Dispatcher(store::Database& db, const Clock& clock, Options opts);
  ~Dispatcher();
  void Register(std::unique_ptr<JobRunner> runner);
  // The workflow manager run at the start of every pass (before cancels and pending jobs, so
  // the jobs it spawns start in the same pass). Set before Start(); must outlive the loop.
  void SetWorkflowManager(WorkflowManager* wm) { workflow_manager_ = wm; }
  // Further work done on every pass (woken or safety), before the workflow manager and pending
  // jobs, so what a pass launches starts in the same pass: due schedules, notifications to
  // record, webhook statuses to post. Each must be quick, reads its own work from the database
  // (so a restart loses nothing) and may throw (logged, the pass goes on). Add before Start().
  void AddPass(std::string name, std::function<void()> pass) {
    extra_passes_.emplace_back(std::move(name), std::move(pass));
  }
  // Reconciles jobs left running by a previous process, then starts the loop thread.
  void Start();
  // Stops the loop; running jobs are canceled and end `error` with an explanation.
  void Stop();
  // Something changed (a job became pending, finished, or was asked to cancel).
  void Wake();
  const Options& options() const { return opts_; }

 private:
  struct Running {
    std::thread thread;
    std::atomic<bool> cancel{false};
    bool done = false;
    int impact = 1;
  };
  void Loop();
  void Pass();
  void Reconcile();
  void Finish(int64_t id, const RunResult& r);
  void StartJob(int64_t id, JobRunner* runner, int impact);
  // Decides a pending job's dependencies once (a project update for scm_update_on_launch);
  // returns the job it now waits for.
  std::optional<int64_t> ProcessDependencies(int64_t job_id, std::optional<int64_t> project_id,
                                             const std::string& now);

  store::Database& db_;
  const Clock& clock_;
  Options opts_;
  std::map<std::string, std::unique_ptr<JobRunner>> runners_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread loop_;
  std::map<int64_t, std::shared_ptr<Running>> running_;
  WorkflowManager* workflow_manager_ = nullptr;
  std::vector<std::pair<std::string, std::function<void()>>> extra_passes_;
};

}  // namespace baton::scheduler
