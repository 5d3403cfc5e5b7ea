// What the dispatcher needs from each kind of unified job: a runner that executes one job on a
// worker thread, writing its output as it is produced.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "store/db.hpp"

namespace baton::runner {

struct Settings {
  std::string node_name = "baton";
  std::string data_dir = "./data";
  std::string projects_root;  // DATA_DIR/projects when empty
  int cancel_grace_ms = 5000;
  std::string secret_key;  // decrypts credential secrets handed to a run (core/secrets.hpp)
};

// Appends a job's output to job_output in batches (at most every 200 ms or 32 KiB), so output
// is visible while the job runs. Not thread-safe: one writer per job.
class OutputWriter {
 public:
  OutputWriter(store::Database& db, int64_t job_id);
  ~OutputWriter();
  void Append(std::string_view chunk);
  void Flush();

 private:
  store::Database& db_;
  int64_t job_id_;
  int64_t seq_ = 0;
  std::string pending_;
  std::chrono::steady_clock::time_point last_flush_;
};

struct RunContext {
  store::Database& db;
  int64_t job_id;
  OutputWriter& out;
  std::function<bool()> canceled;  // polled by long steps
  const Settings& settings;
  const Clock* clock = nullptr;  // timestamps of what the run records (system clock when null)
};

struct RunResult {
  std::string status = "successful";  // successful, failed, error, canceled
  std::string explanation;
};

class JobRunner {
 public:
  virtual ~JobRunner() = default;
  virtual std::string Type() const = 0;
  virtual RunResult Run(RunContext& rc) = 0;
};

// The full text output of a job (stdout/ endpoints).
std::string JobOutput(store::Connection& db, int64_t job_id);

}  // namespace baton::runner
