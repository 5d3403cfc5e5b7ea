#include "engine/links.hpp"

#include <vector>

namespace baton::engine {

bool HasCycle(std::span<const Edge> edges) {
  Graph g;
  g.edges.assign(edges.begin(), edges.end());
  g.nodes.reserve(edges.size() * 2);
  for (const Edge& e : edges) {
    g.nodes.push_back(Node{.id = e.parent});
    g.nodes.push_back(Node{.id = e.child});
  }
  return Topology(g).HasCycle();
}

LinkCheck CheckLink(std::span<const Edge> edges, NodeId parent, NodeId child, EdgeType type) {
  if (parent == child) return {LinkVerdict::kCycle, kCycleDetected};
  bool same_type = false;
  for (const Edge& e : edges) {
    if (e.parent != parent || e.child != child) continue;
    if (e.type != type) return {LinkVerdict::kRelationshipNotAllowed, kRelationshipNotAllowed};
    same_type = true;
  }
  if (same_type) return {LinkVerdict::kAlreadyLinked, {}};
  std::vector<Edge> with(edges.begin(), edges.end());
  with.push_back(Edge{parent, child, type});
  if (HasCycle(with)) return {LinkVerdict::kCycle, kCycleDetected};
  return {LinkVerdict::kAdd, {}};
}

}  // namespace baton::engine
