// The workflow graph as the engine sees it (workflow-semantics.md §1.3, §1.5, §2.2, §7): nodes
// with a job status or none, typed edges, and a compiled, index-based Topology that every
// algorithm in engine/ runs on. Pure data, no I/O; values are safe to copy and to share
// read-only between threads.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/job_status.hpp"

namespace baton::engine {

// A workflow (job or template) node id: the database id of the WJN / WFJTN.
using NodeId = int64_t;

// ST-1: the job status of a node (core/job_status.hpp); kNone: the node has no job (yet).
using baton::IsActive;
using baton::IsFailLike;
using baton::JobStatus;
using baton::ParseJobStatus;
using baton::ToString;
constexpr bool IsFinal(JobStatus s) {
  return IsFinished(s);
}

// DM-9: the three edge kinds, stored by AWX as success_nodes / failure_nodes / always_nodes.
enum class EdgeType : uint8_t { kSuccess, kFailure, kAlways };

// Bit masks of edge types (a parent/child pair normally carries one type, DM-12 allows more).
using EdgeMask = uint8_t;
constexpr EdgeMask kSuccessBit = 1, kFailureBit = 2, kAlwaysBit = 4;
constexpr EdgeMask Bit(EdgeType t) {
  return EdgeMask(1u << static_cast<unsigned>(t));
}

// "success" / "failure" / "always".
std::string_view ToString(EdgeType t);
// Also accepts AWX's relation names ("success_nodes", ...) and "S", "F", "A".
std::optional<EdgeType> ParseEdgeType(std::string_view s);

// One workflow node as loaded from the store.
struct Node {
  NodeId id = 0;
  // unified_job_template is not null. A node without one never spawns and counts as failed
  // (EX-7, EX-13, PF-4).
  bool has_template = true;
  bool all_parents_must_converge = false;  // ALL convergence (EX-5 c/d)
  bool do_not_run = false;                 // DNR
  JobStatus job = JobStatus::kNone;        // status of the node's job, kNone without a job
};

struct Edge {
  NodeId parent = 0;
  NodeId child = 0;
  EdgeType type = EdgeType::kSuccess;
};

// A workflow's nodes and edges, in any order. Edges naming an unknown node are ignored by
// Topology (the store's foreign keys make them impossible).
struct Graph {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
};

// The mutable per-node state the algorithms read and write, indexed like Topology.
struct NodeState {
  JobStatus job = JobStatus::kNone;
  bool do_not_run = false;
  bool has_template = true;
  bool all_parents_must_converge = false;
};

// A neighbour and the edge types connecting the pair.
struct Arc {
  int32_t node = 0;  // index into Topology
  EdgeMask types = 0;
};

// The compiled structure of a Graph: node indices in ascending id order (so index order is id
// order, the order AWX lists nodes in its messages), parents and children as CSR arrays with one
// Arc per distinct neighbour, roots, a topological order and whether the graph has a cycle.
// Immutable once built; O(V + E log E) to build.
class Topology {
 public:
  Topology() = default;
  explicit Topology(const Graph& g);

  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  NodeId IdAt(int32_t i) const { return ids_[i]; }
  // Index of a node id, or -1.
  int32_t IndexOf(NodeId id) const;

  std::span<const Arc> Parents(int32_t i) const {
    return {parent_arcs_.data() + parent_begin_[i], parent_arcs_.data() + parent_begin_[i + 1]};
  }
  std::span<const Arc> Children(int32_t i) const {
    return {child_arcs_.data() + child_begin_[i], child_arcs_.data() + child_begin_[i + 1]};
  }
  bool IsRoot(int32_t i) const { return parent_begin_[i] == parent_begin_[i + 1]; }
  // Roots (nodes that are nobody's child), ascending id.
  std::span<const int32_t> Roots() const { return roots_; }
  // The union of the edge types leaving node i.
  EdgeMask ChildTypes(int32_t i) const { return child_types_[i]; }
  // Parents before children; only meaningful when !HasCycle().
  std::span<const int32_t> TopologicalOrder() const { return topo_; }
  bool HasCycle() const { return has_cycle_; }

  // The per-node state of g, indexed like this topology (g must be the graph it was built from).
  std::vector<NodeState> StateOf(const Graph& g) const;

 private:
  std::vector<NodeId> ids_;
  // id -> index: a dense table over [ids_.front(), ids_.back()] when ids are compact (the usual
  // case: a workflow's nodes are inserted together), else binary search over ids_.
  std::vector<int32_t> dense_;
  std::vector<int32_t> parent_begin_, child_begin_;
  std::vector<Arc> parent_arcs_, child_arcs_;
  std::vector<EdgeMask> child_types_;
  std::vector<int32_t> roots_, topo_;
  bool has_cycle_ = false;
};

}  // namespace baton::engine
