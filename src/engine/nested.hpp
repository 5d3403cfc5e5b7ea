// Nested workflows (workflow-semantics.md §2.8, EX-17): the chain of workflow job templates that
// spawned a workflow job, and the recursion check done before a node starts a nested workflow
// job. Pure: the caller passes a lookup over workflow jobs it loaded (or loads lazily).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace baton::engine {

struct TemplateRef {
  int64_t id = 0;
  std::string name;
  bool operator==(const TemplateRef&) const = default;
};

// What the engine needs to know about one workflow job.
struct WorkflowJobLink {
  int64_t id = 0;
  std::optional<TemplateRef> workflow_job_template;  // null for sliced and orphaned WJs
  // The workflow job owning the node whose job this workflow job is (null when not spawned by a
  // workflow node).
  std::optional<int64_t> spawned_by;
};

// Returns the link of a workflow job id, or nullopt when unknown.
using WorkflowJobLookup = std::function<std::optional<WorkflowJobLink>(int64_t)>;

// AWX get_ancestor_workflows: the templates of the workflow jobs above `workflow_job_id`, nearest
// first (its spawner's template, then the spawner's spawner's ...). Stops at a workflow job
// without template, one not spawned by a workflow, or a repeat (corrupt data terminates).
std::vector<TemplateRef> AncestorWorkflows(int64_t workflow_job_id,
                                           const WorkflowJobLookup& lookup);

// The same chain for a nested workflow job about to be spawned by a node of `owner_id`: the
// owner's template first, then its ancestors.
std::vector<TemplateRef> SpawnAncestors(int64_t owner_id, const WorkflowJobLookup& lookup);

// EX-10.3a / EX-17: when `spawning` is among `ancestors`, the job_explanation the nested workflow
// job fails with ("... (spawn order, most recent first: <A-7>, <A-7>)"); nullopt otherwise.
std::optional<std::string> RecursionExplanation(const TemplateRef& spawning,
                                                const std::vector<TemplateRef>& ancestors);

}  // namespace baton::engine
