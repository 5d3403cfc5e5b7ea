#include "engine/graph.hpp"

#include <algorithm>

namespace baton::engine {

namespace {

// Builds CSR arrays from (from, to, mask) triples: a counting sort by `from`, then each bucket
// sorted by `to` with duplicates merged (one Arc per distinct neighbour). O(E) for small buckets.
struct Triple {
  int32_t from, to;
  EdgeMask types;
};

void BuildCsr(const std::vector<Triple>& triples, int32_t n, std::vector<int32_t>& begin,
              std::vector<Arc>& arcs) {
  std::vector<int32_t> bucket(n + 1, 0);
  for (const Triple& t : triples) ++bucket[t.from + 1];
  for (int32_t i = 0; i < n; ++i) bucket[i + 1] += bucket[i];
  std::vector<Arc> sorted(triples.size());
  std::vector<int32_t> fill(bucket.begin(), bucket.end() - 1);
  for (const Triple& t : triples) sorted[fill[t.from]++] = Arc{t.to, t.types};

  begin.assign(n + 1, 0);
  arcs.clear();
  arcs.reserve(sorted.size());
  for (int32_t i = 0; i < n; ++i) {
    auto first = sorted.begin() + bucket[i], last = sorted.begin() + bucket[i + 1];
    std::sort(first, last, [](const Arc& a, const Arc& b) { return a.node < b.node; });
    size_t own = arcs.size();
    for (auto it = first; it != last; ++it) {
      if (arcs.size() > own && arcs.back().node == it->node)
        arcs.back().types |= it->types;
      else
        arcs.push_back(*it);
    }
    begin[i + 1] = static_cast<int32_t>(arcs.size());
  }
}

}  // namespace

std::string_view ToString(EdgeType t) {
  switch (t) {
    case EdgeType::kSuccess:
      return "success";
    case EdgeType::kFailure:
      return "failure";
    case EdgeType::kAlways:
      return "always";
  }
  return "?";
}

std::optional<EdgeType> ParseEdgeType(std::string_view s) {
  if (s == "success" || s == "success_nodes" || s == "S") return EdgeType::kSuccess;
  if (s == "failure" || s == "failure_nodes" || s == "F") return EdgeType::kFailure;
  if (s == "always" || s == "always_nodes" || s == "A") return EdgeType::kAlways;
  return std::nullopt;
}

Topology::Topology(const Graph& g) {
  ids_.reserve(g.nodes.size());
  for (const Node& n : g.nodes) ids_.push_back(n.id);
  std::sort(ids_.begin(), ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  const int32_t n = size();
  if (n > 0 && ids_.back() - ids_.front() < 8 * static_cast<NodeId>(n) + 1024) {
    dense_.assign(ids_.back() - ids_.front() + 1, -1);
    for (int32_t i = 0; i < n; ++i) dense_[ids_[i] - ids_.front()] = i;
  }

  std::vector<Triple> down, up;
  down.reserve(g.edges.size());
  up.reserve(g.edges.size());
  for (const Edge& e : g.edges) {
    int32_t p = IndexOf(e.parent), c = IndexOf(e.child);
    if (p < 0 || c < 0) continue;
    down.push_back(Triple{p, c, Bit(e.type)});
    up.push_back(Triple{c, p, Bit(e.type)});
  }
  BuildCsr(down, n, child_begin_, child_arcs_);
  BuildCsr(up, n, parent_begin_, parent_arcs_);

  child_types_.assign(n, 0);
  for (int32_t i = 0; i < n; ++i)
    for (const Arc& a : Children(i)) child_types_[i] |= a.types;

  // Kahn's algorithm; nodes left over sit on or below a cycle.
  std::vector<int32_t> indegree(n);
  for (int32_t i = 0; i < n; ++i) {
    indegree[i] = parent_begin_[i + 1] - parent_begin_[i];
    if (indegree[i] == 0) roots_.push_back(i);
  }
  topo_ = roots_;
  topo_.reserve(n);
  for (size_t k = 0; k < topo_.size(); ++k)
    for (const Arc& a : Children(topo_[k]))
      if (--indegree[a.node] == 0) topo_.push_back(a.node);
  has_cycle_ = static_cast<int32_t>(topo_.size()) != n;
}

int32_t Topology::IndexOf(NodeId id) const {
  if (!dense_.empty()) {
    if (id < ids_.front() || id > ids_.back()) return -1;
    return dense_[id - ids_.front()];
  }
  auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  return it != ids_.end() && *it == id ? static_cast<int32_t>(it - ids_.begin()) : -1;
}

std::vector<NodeState> Topology::StateOf(const Graph& g) const {
  std::vector<NodeState> st(ids_.size());
  for (const Node& n : g.nodes) {
    int32_t i = IndexOf(n.id);
    if (i < 0) continue;
    st[i] = NodeState{n.job, n.do_not_run, n.has_template, n.all_parents_must_converge};
  }
  return st;
}

}  // namespace baton::engine
