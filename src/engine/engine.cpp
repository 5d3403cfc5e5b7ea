#include "engine/engine.hpp"

#include <algorithm>

#include "engine/rules.hpp"

namespace baton::engine {

// How the incremental pass matches the full one (evaluate.cpp):
//  - DNR marks are monotone and each node's rule reads only its parents, so re-checking the
//    children of every node whose state changed, transitively through new marks, reaches the same
//    fixpoint as the topological pass.
//  - The walk of EX-7 is kept as counts: reach_count_[c] is the number of parents that are
//    reached, expand, and follow an edge to c; contrib_[p] is the edge mask p currently follows.
//    A change re-derives contrib_ of the changed nodes and cascades where reachability flips.
//  - Done/failed come from counters of pending nodes and unhandled failures.
//  - Runnable candidates can only appear among nodes whose parents or reachability changed.

Engine::Engine(const Graph& g) : topo_(g), st_(topo_.StateOf(g)) {
  touch_stamp_.assign(topo_.size(), 0);
  RebuildDerived();
}

void Engine::RebuildDerived() {
  const int32_t n = topo_.size();
  contrib_.assign(n, 0);
  reach_count_.assign(n, 0);
  pending_ = unhandled_ = 0;
  for (int32_t i = 0; i < n; ++i) {
    pending_ += rules::IsPending(st_[i]);
    unhandled_ += rules::IsUnhandledFailure(topo_, st_.data(), i);
  }
  if (topo_.HasCycle()) return;
  for (int32_t i : topo_.TopologicalOrder()) {
    if (!Reached(i) || !rules::Expands(st_[i])) continue;
    contrib_[i] = rules::FollowedTypes(st_[i]);
    for (const Arc& a : topo_.Children(i))
      if (a.types & contrib_[i]) ++reach_count_[a.node];
  }
}

void Engine::SetState(int32_t i, NodeState next) {
  pending_ -= rules::IsPending(st_[i]);
  unhandled_ -= rules::IsUnhandledFailure(topo_, st_.data(), i);
  st_[i] = next;
  pending_ += rules::IsPending(st_[i]);
  unhandled_ += rules::IsUnhandledFailure(topo_, st_.data(), i);
}

void Engine::Touch(int32_t i) {
  if (touch_stamp_[i] == epoch_) return;
  touch_stamp_[i] = epoch_;
  touched_.push_back(i);
}

// A node's own state changed: its children's rules must be re-checked.
void Engine::MarkChanged(int32_t i) {
  for (const Arc& a : topo_.Children(i)) {
    dnr_work_.push_back(a.node);
    Touch(a.node);
  }
}

void Engine::RecomputeReach(int32_t i) {
  EdgeMask next = Reached(i) && rules::Expands(st_[i]) ? rules::FollowedTypes(st_[i]) : 0;
  EdgeMask prev = contrib_[i];
  if (next == prev) return;
  contrib_[i] = next;
  for (const Arc& a : topo_.Children(i)) {
    bool was = a.types & prev, is = a.types & next;
    if (was == is) continue;
    bool reached_before = Reached(a.node);
    reach_count_[a.node] += is ? 1 : -1;
    if (Reached(a.node) != reached_before) {
      reach_work_.push_back(a.node);
      Touch(a.node);
    }
  }
}

Decision Engine::Verdict() {
  Decision d;
  d.done = true;
  if (unhandled_ == 0) {
    d.status = WorkflowStatus::kSuccessful;
    return d;
  }
  std::vector<std::pair<NodeId, JobStatus>> with_job;
  std::vector<NodeId> without_template;
  for (int32_t i = 0; i < topo_.size(); ++i) {
    if (!rules::IsUnhandledFailure(topo_, st_.data(), i)) continue;
    if (!st_[i].has_template)
      without_template.push_back(topo_.IdAt(i));
    else
      with_job.emplace_back(topo_.IdAt(i), st_[i].job);
  }
  d.failed = true;
  d.status = WorkflowStatus::kFailed;
  d.job_explanation = kNoErrorHandlingExplanation;
  d.reason = FailureReason(with_job, without_template);
  return d;
}

// One pass after the nodes in changed_ changed state (touched_ already holds their children).
Decision Engine::Pass() {
  // §2.3 DNR marking to a fixpoint.
  marked_.clear();
  dnr_work_.clear();
  for (int32_t i : changed_) {
    dnr_work_.push_back(i);  // only matters if its job went back to none
    Touch(i);
    MarkChanged(i);
  }
  while (!dnr_work_.empty()) {
    int32_t c = dnr_work_.back();
    dnr_work_.pop_back();
    if (!rules::ShouldMarkDnr(topo_, st_.data(), c)) continue;
    NodeState s = st_[c];
    s.do_not_run = true;
    SetState(c, s);
    marked_.push_back(c);
    MarkChanged(c);
  }

  // The walk of EX-7: re-derive what the changed nodes pass on, cascading.
  reach_work_.clear();
  for (int32_t i : changed_) RecomputeReach(i);
  for (int32_t i : marked_) RecomputeReach(i);
  while (!reach_work_.empty()) {
    int32_t c = reach_work_.back();
    reach_work_.pop_back();
    RecomputeReach(c);
  }

  std::sort(marked_.begin(), marked_.end());
  std::vector<NodeId> dnr_ids;
  dnr_ids.reserve(marked_.size());
  for (int32_t i : marked_) dnr_ids.push_back(topo_.IdAt(i));

  if (pending_ == 0) {
    Decision d = Verdict();
    d.mark_dnr = std::move(dnr_ids);
    return d;
  }

  Decision d;
  d.mark_dnr = std::move(dnr_ids);
  std::vector<int32_t> start;
  for (int32_t c : touched_)
    if (Reached(c) && rules::IsRunnable(topo_, st_.data(), c)) start.push_back(c);
  std::sort(start.begin(), start.end());
  d.start.reserve(start.size());
  for (int32_t i : start) {
    NodeState s = st_[i];
    s.job = JobStatus::kNew;
    SetState(i, s);
    d.start.push_back(topo_.IdAt(i));
  }
  return d;
}

Decision Engine::Evaluate() {
  Decision d = engine::Evaluate(topo_, st_, cancel_);
  Apply(topo_, st_, d);
  RebuildDerived();
  synced_ = true;
  return d;
}

Decision Engine::Update(std::span<const StatusChange> changes) {
  ++epoch_;
  changed_.clear();
  touched_.clear();
  for (const StatusChange& ch : changes) {
    int32_t i = topo_.IndexOf(ch.node);
    if (i < 0 || st_[i].job == ch.status) continue;
    NodeState s = st_[i];
    s.job = ch.status;
    SetState(i, s);
    changed_.push_back(i);
  }
  if (!synced_ || cancel_ || topo_.HasCycle()) return Evaluate();
  return Pass();
}

Decision Engine::OnTemplateDeleted(NodeId node) {
  ++epoch_;
  changed_.clear();
  touched_.clear();
  int32_t i = topo_.IndexOf(node);
  if (i >= 0 && st_[i].has_template) {
    NodeState s = st_[i];
    s.has_template = false;
    SetState(i, s);
    changed_.push_back(i);
  }
  if (!synced_ || cancel_ || topo_.HasCycle()) return Evaluate();
  return Pass();
}

Decision Engine::Cancel() {
  cancel_ = true;
  return Evaluate();
}

Graph Engine::ToGraph() const {
  Graph g;
  g.nodes.reserve(topo_.size());
  for (int32_t i = 0; i < topo_.size(); ++i) {
    const NodeState& s = st_[i];
    g.nodes.push_back(
        Node{topo_.IdAt(i), s.has_template, s.all_parents_must_converge, s.do_not_run, s.job});
    for (const Arc& a : topo_.Children(i))
      for (EdgeType t : {EdgeType::kSuccess, EdgeType::kFailure, EdgeType::kAlways})
        if (a.types & Bit(t)) g.edges.push_back(Edge{topo_.IdAt(i), topo_.IdAt(a.node), t});
  }
  return g;
}

}  // namespace baton::engine
