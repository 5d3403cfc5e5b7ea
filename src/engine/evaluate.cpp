#include "engine/evaluate.hpp"

#include <algorithm>
#include <unordered_map>

#include "engine/rules.hpp"

namespace baton::engine {

namespace {

std::vector<NodeId> IdsOf(const Topology& t, std::vector<int32_t>& idx) {
  std::sort(idx.begin(), idx.end());
  std::vector<NodeId> ids;
  ids.reserve(idx.size());
  for (int32_t i : idx) ids.push_back(t.IdAt(i));
  return ids;
}

// EX-16: mark every node without job DNR, cancel every active job; done when none is active.
Decision CancelPass(const Topology& t, std::span<const NodeState> st) {
  Decision d;
  for (int32_t i = 0; i < t.size(); ++i) {
    if (!st[i].do_not_run && st[i].job == JobStatus::kNone) d.mark_dnr.push_back(t.IdAt(i));
    if (IsActive(st[i].job)) d.cancel.push_back(t.IdAt(i));
  }
  if (d.cancel.empty()) {
    d.done = d.failed = true;
    d.status = WorkflowStatus::kCanceled;
  }
  return d;
}

}  // namespace

std::string_view ToString(WorkflowStatus s) {
  switch (s) {
    case WorkflowStatus::kRunning:
      return "running";
    case WorkflowStatus::kSuccessful:
      return "successful";
    case WorkflowStatus::kFailed:
      return "failed";
    case WorkflowStatus::kCanceled:
      return "canceled";
  }
  return "?";
}

std::string FailureReason(std::span<const std::pair<NodeId, JobStatus>> with_job,
                          std::span<const NodeId> without_template) {
  std::string s = "No error handling path for workflow job node(s) [";
  for (size_t k = 0; k < with_job.size(); ++k) {
    if (k) s += ',';
    s += '(';
    s += std::to_string(with_job[k].first);
    s += ',';
    s += ToString(with_job[k].second);
    s += ')';
  }
  s += "]. Workflow job node(s) missing unified job template and error handling path [";
  for (size_t k = 0; k < without_template.size(); ++k) {
    if (k) s += ',';
    s += std::to_string(without_template[k]);
  }
  s += "].";
  return s;
}

Decision Evaluate(const Topology& t, std::span<const NodeState> state, bool cancel_requested) {
  if (t.HasCycle()) {
    Decision d;
    d.done = d.failed = true;
    d.status = WorkflowStatus::kFailed;
    d.job_explanation = kCycleExplanation;
    d.reason = "Cycle detected.";
    return d;
  }
  if (cancel_requested) return CancelPass(t, state);

  const int32_t n = t.size();
  std::vector<NodeState> st(state.begin(), state.end());
  std::vector<int32_t> dnr, start;

  // §2.3: one pass in topological order, so DNR cascades down whole subtrees.
  for (int32_t i : t.TopologicalOrder()) {
    if (rules::ShouldMarkDnr(t, st.data(), i)) {
      st[i].do_not_run = true;
      dnr.push_back(i);
    }
  }

  Decision d;
  d.mark_dnr = IdsOf(t, dnr);

  // EX-12, EX-13, EX-4 (zero nodes: done, successful).
  bool done = std::none_of(st.begin(), st.end(), rules::IsPending);
  if (done) {
    d.done = true;
    std::vector<std::pair<NodeId, JobStatus>> with_job;
    std::vector<NodeId> without_template;
    for (int32_t i = 0; i < n; ++i) {
      if (!rules::IsUnhandledFailure(t, st.data(), i)) continue;
      if (!st[i].has_template)
        without_template.push_back(t.IdAt(i));
      else
        with_job.emplace_back(t.IdAt(i), st[i].job);
    }
    if (with_job.empty() && without_template.empty()) {
      d.status = WorkflowStatus::kSuccessful;
    } else {
      d.failed = true;
      d.status = WorkflowStatus::kFailed;
      d.job_explanation = kNoErrorHandlingExplanation;
      d.reason = FailureReason(with_job, without_template);
    }
    return d;
  }

  // §2.4: breadth-first walk along followed edges from the roots and, a deviation from AWX that
  // only matters in one corner, from every node that has a job. AWX walks from the roots only, so
  // a node whose job ran after the walk reached it can become unreachable when an ALL node above
  // it without template is marked DNR later; its children then never run and never become DNR,
  // and the workflow job never finishes. A node that ran always passes the walk on here.
  std::vector<uint8_t> seen(n, 0);
  std::vector<int32_t> queue;
  queue.reserve(n);
  for (int32_t i = 0; i < n; ++i)
    if (t.IsRoot(i) || st[i].job != JobStatus::kNone) {
      seen[i] = 1;
      queue.push_back(i);
    }
  for (size_t k = 0; k < queue.size(); ++k) {
    int32_t i = queue[k];
    const NodeState& s = st[i];
    if (rules::Expands(s)) {
      EdgeMask follow = rules::FollowedTypes(s);
      for (const Arc& c : t.Children(i))
        if ((c.types & follow) && !seen[c.node]) {
          seen[c.node] = 1;
          queue.push_back(c.node);
        }
    } else if (rules::IsRunnable(t, st.data(), i)) {
      start.push_back(i);
    }
  }
  d.start = IdsOf(t, start);
  return d;
}

Decision Evaluate(const Graph& g, bool cancel_requested) {
  Topology t(g);
  std::vector<NodeState> st = t.StateOf(g);
  return Evaluate(t, st, cancel_requested);
}

void Apply(const Topology& t, std::span<NodeState> state, const Decision& d) {
  for (NodeId id : d.mark_dnr) state[t.IndexOf(id)].do_not_run = true;
  for (NodeId id : d.start) state[t.IndexOf(id)].job = JobStatus::kNew;
}

void Apply(Graph& g, const Decision& d) {
  std::unordered_map<NodeId, Node*> by_id;
  for (Node& n : g.nodes) by_id[n.id] = &n;
  for (NodeId id : d.mark_dnr) by_id.at(id)->do_not_run = true;
  for (NodeId id : d.start) by_id.at(id)->job = JobStatus::kNew;
}

}  // namespace baton::engine
