// Spawning the job of a workflow job node (workflow-semantics.md §2.5, §2.8, §2.9, §2.10, §3.8):
// the scheduler's NodeSpawner, implemented with the launch use cases. By the kind of the
// node's template: a job template makes a job (LA-12 prompt propagation: node prompts overridden
// by the workflow job's, filtered by the template's acceptance rules; extra vars: accepted node
// vars < ancestor artifacts < the workflow job's extra_vars), a project a project update, an
// inventory source an inventory update, a workflow job template a nested workflow job (LA-13,
// with the recursion check of EX-17), an approval template a pending approval (EX-18). Every job
// gets launch_type 'workflow', created_by = the workflow job's, source_workflow_job = the
// workflow job. Start checks that fail (EX-10.3) leave the job `failed` with AWX's explanation.
#pragma once
#include "scheduler/workflow_manager.hpp"
#include "service/session.hpp"

namespace baton::service {

inline constexpr const char* kSpawnMissingResource =
    "Job spawned from workflow could not start because it was missing a related resource such "
    "as project or inventory";

class WorkflowNodeSpawner : public scheduler::NodeSpawner {
 public:
  // Keeps a copy of `cfg` (secret key for password answers); `clock` must outlive it.
  WorkflowNodeSpawner(Config cfg, const Clock& clock) : cfg_(std::move(cfg)), clock_(clock) {}
  Result<int64_t> Spawn(store::Connection& c, int64_t workflow_job_id, int64_t node_id) override;

 private:
  Config cfg_;
  const Clock& clock_;
};

}  // namespace baton::service
