// One workflow-manager pass over a running workflow job as a pure function (workflow-semantics.md
// EX-3): cancel handling (§2.7), DNR marking (§2.3), completion and verdict (§2.6), selection of
// the nodes to start (§2.4). The scheduler loads the workflow job's nodes and edges, calls
// Evaluate, and applies the Decision in one transaction: set do_not_run on mark_dnr, spawn a job
// for each node of start (in that order), cancel the jobs of the nodes in cancel, and when done
// finish the workflow job with status / job_explanation. Spawning happens only while the workflow
// job is running, so a pass that starts nodes never finishes the workflow (PF-5).
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"

namespace baton::engine {

// The workflow job's status after the pass.
enum class WorkflowStatus : uint8_t { kRunning, kSuccessful, kFailed, kCanceled };
std::string_view ToString(WorkflowStatus s);

// EX-14: the visible job_explanation of a workflow job that failed.
inline constexpr std::string_view kNoErrorHandlingExplanation =
    "No error handling paths found, marking workflow as failed";
// Not AWX (it cannot finish such a workflow): the explanation of a workflow job whose graph has a
// cycle. Our edge checks (topology.hpp) make such graphs impossible to create.
inline constexpr std::string_view kCycleExplanation =
    "Workflow graph contains a cycle, marking workflow as failed";

struct Decision {
  std::vector<NodeId> mark_dnr;  // nodes to mark do_not_run, ascending id
  std::vector<NodeId> start;     // nodes to spawn a job for, ascending id (EX-7: order is free)
  std::vector<NodeId> cancel;    // nodes whose job must be canceled (cancel flag, EX-16), asc id
  bool done = false;             // the workflow job finishes now with `status`
  bool failed = false;           // the workflow job's `failed` flag (true for failed, canceled)
  WorkflowStatus status = WorkflowStatus::kRunning;
  // Set only when the workflow job must get this job_explanation (failure); empty = leave as is.
  std::string job_explanation;
  // EX-14 internal reason: "No error handling path for workflow job node(s) [...]. ..." (logged).
  std::string reason;

  bool operator==(const Decision&) const = default;
};

// A full pass over `state` (indexed like `t`). `cancel_requested` is the workflow job's cancel
// flag. Does not modify its input; O(V + E).
Decision Evaluate(const Topology& t, std::span<const NodeState> state, bool cancel_requested);
// Convenience: compiles the topology first.
Decision Evaluate(const Graph& g, bool cancel_requested = false);

// What the store looks like after the caller applied `d`: DNR flags set and every started node
// holding a job in status `new`.
void Apply(const Topology& t, std::span<NodeState> state, const Decision& d);
void Apply(Graph& g, const Decision& d);

// EX-14 reason text from the two lists (node id + status of failed nodes with a job, ids of
// failed nodes without template).
std::string FailureReason(std::span<const std::pair<NodeId, JobStatus>> with_job,
                          std::span<const NodeId> without_template);

}  // namespace baton::engine
