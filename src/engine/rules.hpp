// The per-node rules of the execution engine (workflow-semantics.md §2.2-§2.6), shared by the
// full pass (evaluate.cpp) and the incremental Engine (engine.cpp) so both decide alike by
// construction. Each rule reads only the node and its parents. Internal to engine/.
#pragma once
#include "engine/graph.hpp"

namespace baton::engine::rules {

constexpr EdgeMask kOnSuccess = kSuccessBit | kAlwaysBit;
constexpr EdgeMask kOnFailure = kFailureBit | kAlwaysBit;

// §2.2 followed edges: a successful job follows success+always; a FAILLIKE job (EX-8) and a
// non-DNR node without job and without template follow failure+always; anything else none.
inline EdgeMask FollowedTypes(const NodeState& s) {
  if (s.do_not_run) return 0;
  if (s.job == JobStatus::kSuccessful) return kOnSuccess;
  if (IsFailLike(s.job)) return kOnFailure;
  if (s.job == JobStatus::kNone && !s.has_template) return kOnFailure;
  return 0;
}

// EX-5 a/b (ANY node): DNR once every parent is settled and none leads here. A parent that may
// still run (no DNR, no job, a template) or whose job is not FINAL keeps the node undecided.
inline bool AnyNodeShouldBeDnr(const Topology& t, const NodeState* st, int32_t i) {
  for (const Arc& p : t.Parents(i)) {
    const NodeState& ps = st[p.node];
    if (ps.do_not_run) continue;
    if (ps.job == JobStatus::kNone && ps.has_template) return false;
    if (ps.job != JobStatus::kNone && !IsFinal(ps.job)) return false;
    if (p.types & FollowedTypes(ps)) return false;
  }
  return true;
}

// The ALL criterion (EX-5 c): every parent that settled its outcome follows its edge to this
// node (a `successful` parent via success/always, a failed one via failure/always). Parents that
// may still run are ignored. PF-3 deviation: AWX only inspects `successful` and `failed` jobs;
// we also count `error` and `canceled` jobs and parents without template (which the walk treats
// as failed everywhere else) as failures, so such a parent on a success edge makes the node DNR
// instead of letting it run (error/canceled) or leaving the workflow running forever (no
// template: the walk never reaches the node and AWX never marks it).
inline bool ConvergenceMet(const Topology& t, const NodeState* st, int32_t i) {
  for (const Arc& p : t.Parents(i)) {
    EdgeMask outcome = FollowedTypes(st[p.node]);
    if (outcome && !(p.types & outcome)) return false;
  }
  return true;
}

// EX-5 c (ALL node): DNR as soon as any parent is DNR or the criterion fails.
inline bool AllNodeShouldBeDnr(const Topology& t, const NodeState* st, int32_t i) {
  for (const Arc& p : t.Parents(i))
    if (st[p.node].do_not_run) return true;
  return !ConvergenceMet(t, st, i);
}

// EX-5: roots, DNR nodes and nodes with a job are never (re)marked.
inline bool ShouldMarkDnr(const Topology& t, const NodeState* st, int32_t i) {
  const NodeState& s = st[i];
  if (s.do_not_run || s.job != JobStatus::kNone || t.IsRoot(i)) return false;
  return s.all_parents_must_converge ? AllNodeShouldBeDnr(t, st, i) : AnyNodeShouldBeDnr(t, st, i);
}

// EX-7 "relevant parents finished": every parent that is not DNR and has a template has a FINAL
// job (PF-2: ANY nodes wait for them too).
inline bool RelevantParentsFinished(const Topology& t, const NodeState* st, int32_t i) {
  for (const Arc& p : t.Parents(i)) {
    const NodeState& ps = st[p.node];
    if (ps.do_not_run || !ps.has_template) continue;
    if (!IsFinal(ps.job)) return false;
  }
  return true;
}

// EX-7: a node reached by the walk is selected to run when it has no job, a template, its
// relevant parents finished and, for ALL, the criterion holds.
inline bool IsRunnable(const Topology& t, const NodeState* st, int32_t i) {
  const NodeState& s = st[i];
  if (s.do_not_run || s.job != JobStatus::kNone || !s.has_template) return false;
  if (!RelevantParentsFinished(t, st, i)) return false;
  return !s.all_parents_must_converge || ConvergenceMet(t, st, i);
}

// EX-7: a node reached by the walk passes the walk on to its followed children when it is not DNR
// and its job is FINAL, or it has neither job nor template.
inline bool Expands(const NodeState& s) {
  if (s.do_not_run) return false;
  return IsFinal(s.job) || (s.job == JobStatus::kNone && !s.has_template);
}

// EX-12: the node keeps the workflow running.
inline bool IsPending(const NodeState& s) {
  return (!s.do_not_run && s.job == JobStatus::kNone && s.has_template) || IsActive(s.job);
}

// EX-13: a failed node (FAILLIKE job, or not DNR and without template, PF-4) with neither a
// failure nor an always child.
inline bool IsUnhandledFailure(const Topology& t, const NodeState* st, int32_t i) {
  const NodeState& s = st[i];
  bool failed = (!s.do_not_run && !s.has_template) || IsFailLike(s.job);
  return failed && !(t.ChildTypes(i) & kOnFailure);
}

}  // namespace baton::engine::rules
