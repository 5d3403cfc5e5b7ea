// The runner of jobs (unified_jobs rows with type 'job'): gathers the job's row, project
// checkout, inventory, credentials and launch passwords into a JobSpec, builds the run plan
// (run_plan.hpp), writes it into a private data directory under DATA_DIR/run (0700, removed
// after the run), runs `ansible-runner run -j` in its own process group and ingests its events
// (event_ingest.hpp) while it runs.
#pragma once
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "core/result.hpp"
#include "runner/event_ingest.hpp"
#include "runner/job_runner.hpp"
#include "runner/run_plan.hpp"

namespace baton::runner {

// A predicate on hosts alias t selecting the hosts of an inventory, with its parameters. The
// default handles inventories holding their own hosts; smart inventories need the API layer's
// host_filter compiler, handed in by the application.
using HostsSqlFn =
    std::function<Result<std::string>(store::Connection&, int64_t inventory_id, store::Params&)>;

class PlaybookRunner : public JobRunner {
 public:
  explicit PlaybookRunner(HostsSqlFn hosts_sql = nullptr) : hosts_sql_(std::move(hosts_sql)) {}
  std::string Type() const override { return "job"; }
  RunResult Run(RunContext& rc) override;

  struct Loaded {
    JobSpec spec;
    HostMap hosts;          // the inventory's host names -> ids, for events
    int64_t timeout_s = 0;  // the job's timeout (0: none)
    // What use_fact_cache wrote per host id (name, facts text), to tell what a run changed.
    std::vector<std::tuple<int64_t, std::string, std::string>> facts_written;
  };
  // Reads what the plan needs from the database and clears the job's start_args. Errors carry
  // the job_explanation.
  Result<Loaded> Load(RunContext& rc, const std::string& private_dir);

 private:
  HostsSqlFn hosts_sql_;
};

// Writes a plan's files under `dir` (created 0700) with their modes and links project/.
Status WritePlan(const RunPlan& plan, const std::string& dir);

}  // namespace baton::runner
