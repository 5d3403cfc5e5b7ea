// Edge validation for workflow job template nodes as pure checks (workflow-semantics.md DM-10,
// DM-11, PF-1). The API layer answers 400 {"Error": <error>} when error is set, 204 otherwise,
// and inserts the edge only for kAdd.
#pragma once
#include <span>
#include <string_view>

#include "engine/graph.hpp"

namespace baton::engine {

inline constexpr std::string_view kCycleDetected = "Cycle detected.";
inline constexpr std::string_view kRelationshipNotAllowed = "Relationship not allowed.";

enum class LinkVerdict : uint8_t {
  kAdd,                     // insert the edge
  kAlreadyLinked,           // DM-10.3: same pair, same type: nothing to do (204)
  kCycle,                   // DM-10.1 self link, DM-10.4 the edge would close a cycle
  kRelationshipNotAllowed,  // DM-10.2: the pair is already linked by another type
};

struct LinkCheck {
  LinkVerdict verdict = LinkVerdict::kAdd;
  std::string_view error;  // "Cycle detected." / "Relationship not allowed." / empty
};

// Checks adding parent -type-> child to a template whose current edges are `edges`, in AWX's
// order (self link, other type, same type, cycle). PF-1 deviation: the cycle check covers the
// whole graph, so a cycle no root can reach is rejected too (AWX walks from roots only).
LinkCheck CheckLink(std::span<const Edge> edges, NodeId parent, NodeId child, EdgeType type);

// True when the edges contain a directed cycle anywhere (every node, not only from roots).
bool HasCycle(std::span<const Edge> edges);

}  // namespace baton::engine
