// The incremental workflow engine: built once from a workflow job's graph, it keeps the derived
// state of the last pass (which nodes the walk of EX-7 reaches, how many nodes keep the workflow
// running, how many failures lack a handler) and answers each change of a node's job with the
// Decision a full pass (evaluate.hpp) would return on the same state, touching only the nodes the
// change can affect. Agreement with Evaluate() is checked on every scenario of
// tests/engine/scenarios.
//
// Contract: every Decision returned is assumed applied by the caller (DNR marks persisted,
// started nodes given a job, which the engine records as `new`). If the caller's transaction
// fails, discard the Engine and build a new one from the store. Not thread-safe; one Engine per
// workflow job, used by one thread at a time.
#pragma once
#include <initializer_list>
#include <span>
#include <vector>

#include "engine/evaluate.hpp"
#include "engine/graph.hpp"

namespace baton::engine {

struct StatusChange {
  NodeId node = 0;
  JobStatus status = JobStatus::kNone;
};

class Engine {
 public:
  explicit Engine(const Graph& g);

  // A full pass over the current state (the first pass of a workflow job, or a resync), applied.
  // Call it first; an Update before it runs it instead.
  Decision Evaluate();
  // Jobs of these nodes changed status (finished, spawned job failed to start, ...). Applies the
  // changes together and returns the next pass's decision, applied. Unknown node ids are ignored.
  Decision Update(std::span<const StatusChange> changes);
  Decision Update(std::initializer_list<StatusChange> changes) {
    return Update(std::span<const StatusChange>(changes.begin(), changes.size()));
  }
  Decision OnJobFinished(NodeId node, JobStatus status) { return Update({{node, status}}); }
  // The node's unified job template was deleted (PF-4); returns the next pass's decision.
  Decision OnTemplateDeleted(NodeId node);
  // The workflow job's cancel flag was set (EX-16); returns the cancel pass, applied. Later
  // updates keep doing cancel passes until no job is active.
  Decision Cancel();

  const Topology& topology() const { return topo_; }
  std::span<const NodeState> state() const { return st_; }
  bool cancel_requested() const { return cancel_; }
  // The current state as a Graph (for tests and diagnostics).
  Graph ToGraph() const;

 private:
  void RebuildDerived();
  void SetState(int32_t i, NodeState next);
  void MarkChanged(int32_t i);
  void RecomputeReach(int32_t i);
  // See evaluate.cpp: roots, nodes that have a job, and nodes a followed edge reaches.
  bool Reached(int32_t i) const {
    return topo_.IsRoot(i) || reach_count_[i] > 0 || st_[i].job != JobStatus::kNone;
  }
  void Touch(int32_t i);
  Decision Pass();
  Decision Verdict();

  Topology topo_;
  std::vector<NodeState> st_;
  std::vector<EdgeMask> contrib_;     // edge types node i currently passes the walk along
  std::vector<int32_t> reach_count_;  // parents whose contribution includes the arc to i
  int64_t pending_ = 0, unhandled_ = 0;
  bool cancel_ = false;
  bool synced_ = false;  // a full pass ran since construction (Update before it does one)

  // Scratch for one Update, kept to avoid allocations.
  std::vector<int32_t> changed_, dnr_work_, reach_work_, touched_, marked_;
  std::vector<uint32_t> touch_stamp_;
  uint32_t epoch_ = 0;
};

}  // namespace baton::engine
