// EX-17: the spawn chain of nested workflows and the recursion check.
#include <gtest/gtest.h>

#include <map>

#include "engine/nested.hpp"

namespace baton::engine {
namespace {

WorkflowJobLookup From(std::map<int64_t, WorkflowJobLink> m) {
  return [m = std::move(m)](int64_t id) -> std::optional<WorkflowJobLink> {
    auto it = m.find(id);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

const TemplateRef kGrand{1, "grandparent"}, kParent{2, "parent"}, kChild{3, "child"};

// [models/test_workflow.py::test_workflow_ancestors]
TEST(AncestorWorkflows, NearestFirst) {
  auto lookup = From({{30, {30, kChild, 20}}, {20, {20, kParent, 10}}, {10, {10, kGrand, {}}}});
  EXPECT_EQ(AncestorWorkflows(30, lookup), (std::vector<TemplateRef>{kParent, kGrand}));
  EXPECT_EQ(AncestorWorkflows(10, lookup), std::vector<TemplateRef>{});
  EXPECT_EQ(SpawnAncestors(20, lookup), (std::vector<TemplateRef>{kParent, kGrand}));
}

// [::test_workflow_ancestors_recursion_prevention]: a workflow job that is its own spawner.
TEST(AncestorWorkflows, CorruptSelfReferenceTerminates) {
  auto lookup = From({{5, {5, kChild, 5}}});
  EXPECT_EQ(AncestorWorkflows(5, lookup), std::vector<TemplateRef>{});
  auto loop = From({{5, {5, kChild, 6}}, {6, {6, kParent, 5}}});
  EXPECT_EQ(SpawnAncestors(5, loop), (std::vector<TemplateRef>{kChild, kParent}));
}

TEST(AncestorWorkflows, StopsAtAWorkflowJobWithoutTemplate) {
  auto lookup =
      From({{30, {30, kChild, 20}}, {20, {20, std::nullopt, 10}}, {10, {10, kGrand, {}}}});
  EXPECT_EQ(AncestorWorkflows(30, lookup), std::vector<TemplateRef>{});
  EXPECT_EQ(SpawnAncestors(40, lookup), std::vector<TemplateRef>{});  // unknown owner
}

TEST(RecursionExplanation, SelfNesting) {
  // WFJT "A" (id 7) holds a node for itself.
  const TemplateRef a{7, "A"};
  auto lookup = From({{100, {100, a, {}}}});
  auto why = RecursionExplanation(a, SpawnAncestors(100, lookup));
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "Workflow Job spawned from workflow could not start because it would result in "
            "recursion (spawn order, most recent first: <A-7>, <A-7>)");
}

TEST(RecursionExplanation, IndirectAndAllowed) {
  const TemplateRef a{1, "A"}, b{2, "B"}, c{3, "C"};
  // A spawned B; B's node spawns A again.
  auto lookup = From({{11, {11, a, {}}}, {12, {12, b, 11}}});
  auto why = RecursionExplanation(a, SpawnAncestors(12, lookup));
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "Workflow Job spawned from workflow could not start because it would result in "
            "recursion (spawn order, most recent first: <A-1>, <B-2>, <A-1>)");
  // B's node spawning C is fine; so are different WFJTs nested deep.
  EXPECT_FALSE(RecursionExplanation(c, SpawnAncestors(12, lookup)));
  std::map<int64_t, WorkflowJobLink> chain;
  const char* names[] = {"", "T1", "T2", "T3", "T4", "T5", "T6"};
  for (int64_t k = 1; k <= 6; ++k)
    chain[k] = WorkflowJobLink{k, TemplateRef{k, names[k]},
                               k > 1 ? std::optional<int64_t>(k - 1) : std::nullopt};
  auto deep = From(chain);
  EXPECT_EQ(SpawnAncestors(6, deep).size(), 6u);
  EXPECT_FALSE(RecursionExplanation(TemplateRef{7, "T7"}, SpawnAncestors(6, deep)));
  EXPECT_TRUE(RecursionExplanation(TemplateRef{3, "T3"}, SpawnAncestors(6, deep)));
}

}  // namespace
}  // namespace baton::engine
