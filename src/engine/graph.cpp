#include "engine/graph.hpp"

#include <algorithm>

namespace baton::engine {

namespace {

constexpr std::string_view kStatusNames[] = {
    "none", "new", "pending", "waiting", "running", "successful", "failed", "error", "canceled"};

// Builds CSR arrays from (from, to, mask) triples sorted by (from, to), merging duplicates.
struct Triple {
  int32_t from, to;
  EdgeMask types;
};

void BuildCsr(std::vector<Triple>& triples, int32_t n, std::vector<int32_t>& begin,
              std::vector<Arc>& arcs) {
  std::sort(triples.begin(), triples.end(), [](const Triple& a, const Triple& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  begin.assign(n + 1, 0);
  arcs.clear();
  arcs.reserve(triples.size());
  int32_t last_from = -1;
  for (const Triple& t : triples) {
    if (t.from == last_from && !arcs.empty() && arcs.back().node == t.to) {
      arcs.back().types |= t.types;
      continue;
    }
    last_from = t.from;
    arcs.push_back(Arc{t.to, t.types});
    ++begin[t.from + 1];
  }
  for (int32_t i = 0; i < n; ++i) begin[i + 1] += begin[i];
}

}  // namespace

std::string_view ToString(JobStatus s) {
  return kStatusNames[static_cast<int>(s)];
}

std::optional<JobStatus> ParseJobStatus(std::string_view s) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i)
    if (kStatusNames[i] == s) return static_cast<JobStatus>(i);
  return std::nullopt;
}

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
