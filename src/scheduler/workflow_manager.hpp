// The workflow manager (workflow-semantics.md §2, EX-2..EX-20): run from every dispatcher pass,
// it moves pending workflow jobs to running (EX-2), expires approvals (EX-18) and, for every
// running workflow job, loads its nodes and edges, asks the pure engine (engine/evaluate.hpp)
// what to do and applies that Decision in one transaction: do-not-run marks, one job spawned per
// node to start (through NodeSpawner), cancel flags on the jobs of a canceled workflow (EX-16),
// and the workflow job's end (status, failed, finished, elapsed, job_explanation).
//
// The database is the truth: every pass rebuilds each running workflow job's graph from the
// store, so a restart (or another instance) continues where the last pass left off. Nothing here
// sleeps or keeps a timer; the dispatcher calls Pass() on every wake (a job finished, a launch, a
// cancel, an approval decision) and on its periodic safety pass (which is what notices approval
// expiry).
#pragma once
#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/db.hpp"

namespace baton::scheduler {

// Creates the unified job of a workflow job node (implemented above the scheduler, in
// api/resources/workflows/workflow_spawn.cpp). Called inside the manager's open transaction on `c`,
// for a node that has a template, no job and is not do-not-run. The implementation creates the job
// of the node's template kind (job, project update, inventory update, nested workflow job,
// approval) with launch_type 'workflow' and source_workflow_job_id = the workflow job, stores
// the node's ancestor_artifacts, and returns the new job's id; the manager links it to the node.
// When a start check fails (EX-10.3: recursion, missing project or inventory, manual credential
// passwords) it still returns the job, already `failed` with AWX's job_explanation. An Error
// means nothing usable was created; the manager then records a failed job for the node.
class NodeSpawner {
 public:
  virtual ~NodeSpawner() = default;
  virtual Result<int64_t> Spawn(store::Connection& c, int64_t workflow_job_id, int64_t node_id) = 0;
};

// EX-10.3c: the explanation of a spawned job that could not start.
inline constexpr const char* kSpawnCannotStart =
    "Job spawned from workflow could not start because it was not in the right state or required "
    "manual credentials";

class WorkflowManager {
 public:
  // `spawner` must outlive the manager. Not thread-safe: called from the dispatcher loop only.
  WorkflowManager(store::Database& db, const Clock& clock, NodeSpawner& spawner);

  // One manager pass (EX-1: idempotent). Returns true when it changed something that another
  // pass must look at at once (a job spawned, a workflow job started or finished, an approval
  // expired): the caller wakes itself again.
  bool Pass();

 private:
  bool ExpireApprovals(store::Connection& c, Micros now);
  bool StartPending(store::Connection& c, Micros now);
  // Evaluates one running workflow job and applies the decision; true when something changed.
  bool Advance(store::Connection& c, int64_t wj, bool cancel_requested, Micros now);

  store::Database& db_;
  const Clock& clock_;
  NodeSpawner& spawner_;
};

}  // namespace baton::scheduler
