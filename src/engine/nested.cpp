#include "engine/nested.hpp"

#include <algorithm>
#include <unordered_set>

namespace baton::engine {

namespace {

std::vector<TemplateRef> Walk(std::optional<int64_t> next, std::unordered_set<int64_t> seen,
                              const WorkflowJobLookup& lookup) {
  std::vector<TemplateRef> out;
  while (next) {
    std::optional<WorkflowJobLink> wj = lookup(*next);
    if (!wj || !wj->workflow_job_template) break;
    if (!seen.insert(wj->id).second) break;
    out.push_back(*wj->workflow_job_template);
    next = wj->spawned_by;
  }
  return out;
}

}  // namespace

std::vector<TemplateRef> AncestorWorkflows(int64_t workflow_job_id,
                                           const WorkflowJobLookup& lookup) {
  std::optional<WorkflowJobLink> self = lookup(workflow_job_id);
  if (!self) return {};
  return Walk(self->spawned_by, {workflow_job_id}, lookup);
}

std::vector<TemplateRef> SpawnAncestors(int64_t owner_id, const WorkflowJobLookup& lookup) {
  return Walk(owner_id, {}, lookup);
}

std::optional<std::string> RecursionExplanation(const TemplateRef& spawning,
                                                const std::vector<TemplateRef>& ancestors) {
  bool recursive = std::any_of(ancestors.begin(), ancestors.end(),
                               [&](const TemplateRef& t) { return t.id == spawning.id; });
  if (!recursive) return std::nullopt;
  std::string s =
      "Workflow Job spawned from workflow could not start because it would result in recursion "
      "(spawn order, most recent first: ";
  auto add = [&s](const TemplateRef& t) {
    s += '<';
    s += t.name;
    s += '-';
    s += std::to_string(t.id);
    s += '>';
  };
  add(spawning);
  for (const TemplateRef& t : ancestors) {
    s += ", ";
    add(t);
  }
  s += ')';
  return s;
}

}  // namespace baton::engine
