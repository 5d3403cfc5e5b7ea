// DM-10 / DM-11 / PF-1: the checks of POST /workflow_job_template_nodes/P/<type>_nodes/ {"id": C}.
#include <gtest/gtest.h>

#include "engine/links.hpp"

namespace baton::engine {
namespace {

constexpr auto S = EdgeType::kSuccess, F = EdgeType::kFailure, A = EdgeType::kAlways;

struct LinkCase {
  const char* name;
  std::vector<Edge> edges;
  Edge link;
  LinkVerdict verdict;
  std::string_view error;
};

TEST(CheckLink, Table) {
  const std::vector<LinkCase> cases = {
      {"self link", {}, {1, 1, S}, LinkVerdict::kCycle, "Cycle detected."},
      {"self link on always", {{1, 2, S}}, {2, 2, A}, LinkVerdict::kCycle, "Cycle detected."},
      {"fresh edge", {{1, 2, S}}, {2, 3, F}, LinkVerdict::kAdd, ""},
      // [test_workflow_node.py::test_multi_connections_same_parent_disallowed], 6 permutations
      {"S then F",
       {{1, 2, S}},
       {1, 2, F},
       LinkVerdict::kRelationshipNotAllowed,
       "Relationship not allowed."},
      {"S then A",
       {{1, 2, S}},
       {1, 2, A},
       LinkVerdict::kRelationshipNotAllowed,
       "Relationship not allowed."},
      {"F then S",
       {{1, 2, F}},
       {1, 2, S},
       LinkVerdict::kRelationshipNotAllowed,
       "Relationship not allowed."},
      {"F then A",
       {{1, 2, F}},
       {1, 2, A},
       LinkVerdict::kRelationshipNotAllowed,
       "Relationship not allowed."},
      {"A then S",
       {{1, 2, A}},
       {1, 2, S},
       LinkVerdict::kRelationshipNotAllowed,
       "Relationship not allowed."},
      {"A then F",
       {{1, 2, A}},
       {1, 2, F},
       LinkVerdict::kRelationshipNotAllowed,
       "Relationship not allowed."},
      // [::test_existing_relationship_allowed], 3 types
      {"S again", {{1, 2, S}}, {1, 2, S}, LinkVerdict::kAlreadyLinked, ""},
      {"F again", {{1, 2, F}}, {1, 2, F}, LinkVerdict::kAlreadyLinked, ""},
      {"A again", {{1, 2, A}}, {1, 2, A}, LinkVerdict::kAlreadyLinked, ""},
      // the reverse pair is another pair: it is a cycle, not "not allowed"
      {"reverse pair", {{1, 2, S}}, {2, 1, F}, LinkVerdict::kCycle, "Cycle detected."},
      // [models/test_workflow.py::test_topology_validator]: 0 -S-> 1 -F-> 2, then 2 -> 0
      {"closing a chain",
       {{0, 1, S}, {1, 2, F}},
       {2, 0, S},
       LinkVerdict::kCycle,
       "Cycle detected."},
      {"diamond is fine", {{0, 1, S}, {0, 2, S}, {1, 3, S}}, {2, 3, A}, LinkVerdict::kAdd, ""},
      // PF-1: A(1) alone, B(2) -> C(3); C -> B closes a cycle no root reaches. AWX accepts it
      // because its walk starts from the root A only; we reject it.
      {"PF-1 cycle unreachable from a root",
       {{2, 3, S}},
       {3, 2, S},
       LinkVerdict::kCycle,
       "Cycle detected."},
      {"PF-1 deep unreachable cycle",
       {{0, 1, S}, {5, 6, S}, {6, 7, F}},
       {7, 5, A},
       LinkVerdict::kCycle,
       "Cycle detected."},
  };
  for (const LinkCase& c : cases) {
    SCOPED_TRACE(c.name);
    LinkCheck r = CheckLink(c.edges, c.link.parent, c.link.child, c.link.type);
    EXPECT_EQ(static_cast<int>(r.verdict), static_cast<int>(c.verdict));
    EXPECT_EQ(r.error, c.error);
  }
}

TEST(HasCycle, FindsEveryCycle) {
  EXPECT_FALSE(HasCycle({}));
  EXPECT_FALSE(HasCycle(std::vector<Edge>{{1, 2, S}, {2, 3, S}, {1, 3, F}}));
  EXPECT_TRUE(HasCycle(std::vector<Edge>{{1, 2, S}, {2, 1, S}}));
  // zero roots (DM-11 first rule)
  EXPECT_TRUE(HasCycle(std::vector<Edge>{{1, 2, S}, {2, 3, S}, {3, 1, S}}));
  // a root exists elsewhere (PF-1)
  EXPECT_TRUE(HasCycle(std::vector<Edge>{{0, 9, S}, {1, 2, S}, {2, 3, S}, {3, 1, S}}));
}

TEST(Topology, CycleIsReportedAndEvaluationFailsTheWorkflow) {
  Graph g;
  g.nodes = {Node{.id = 1}, Node{.id = 2}, Node{.id = 3}};
  g.edges = {{1, 2, S}, {2, 3, S}, {3, 2, S}};
  Topology t(g);
  EXPECT_TRUE(t.HasCycle());
}

}  // namespace
}  // namespace baton::engine
