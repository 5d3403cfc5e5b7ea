// The dispatch loop: pending -> waiting -> running for every kind of unified job that has a
// runner, within a capacity, reacting within milliseconds to Wake() (launch, finish, cancel)
// and running a periodic safety pass. The database is the truth: a restart reconciles jobs that
// were running, and several instances can later claim jobs with a conditional UPDATE.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "runner/job_runner.hpp"
#include "store/db.hpp"

namespace baton::scheduler {

using runner::JobRunner;
using runner::OutputWriter;
using runner::RunContext;
using runner::RunResult;

struct Options : runner::Settings {
  int capacity = 50;  // concurrent jobs
  int safety_pass_ms = 2000;
};

class Dispatcher {
 public:
  Dispatcher(store::Database& db, const Clock& clock, Options opts);
  ~Dispatcher();
  void Register(std::unique_ptr<JobRunner> runner);
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
  };
  void Loop();
  void Pass();
  void Reconcile();
  void Finish(int64_t id, const RunResult& r);

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
};

}  // namespace baton::scheduler
