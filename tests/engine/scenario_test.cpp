// Runs every tests/engine/scenarios/*.txt through both the full pass (Evaluate) and the
// incremental Engine, checks the expectations of each step, and that both agree step by step.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "decision_printer.hpp"
#include "scenario.hpp"

namespace baton::engine::testing {
namespace {

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(BATON_ENGINE_SCENARIOS_DIR))
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string stem = std::filesystem::path(info.param).stem().string();
  for (char& c : stem)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return stem;
}

std::string Where(const Scenario& sc, int line) {
  return sc.file + ":" + std::to_string(line);
}

void ApplyStep(Graph& g, bool& cancel, const ScenarioStep& step) {
  for (const StatusChange& ch : step.changes)
    for (Node& n : g.nodes)
      if (n.id == ch.node) n.job = ch.status;
  if (step.kind == ScenarioStep::Kind::kDeleteTemplate)
    for (Node& n : g.nodes)
      if (n.id == step.deleted) n.has_template = false;
  if (step.kind == ScenarioStep::Kind::kCancel) cancel = true;
}

Decision Incremental(Engine& engine, const ScenarioStep& step, bool first) {
  switch (step.kind) {
    case ScenarioStep::Kind::kEvaluate:
      return first ? engine.Evaluate() : engine.Update({});
    case ScenarioStep::Kind::kStatuses:
      return engine.Update(step.changes);
    case ScenarioStep::Kind::kCancel:
      return engine.Cancel();
    case ScenarioStep::Kind::kDeleteTemplate:
      return engine.OnTemplateDeleted(step.deleted);
  }
  return {};
}

void ExpectSameState(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  auto sorted = [](std::vector<Node> v) {
    std::sort(v.begin(), v.end(), [](const Node& x, const Node& y) { return x.id < y.id; });
    return v;
  };
  auto x = sorted(a.nodes), y = sorted(b.nodes);
  for (size_t k = 0; k < x.size(); ++k) {
    EXPECT_EQ(x[k].id, y[k].id);
    EXPECT_EQ(x[k].do_not_run, y[k].do_not_run) << "node " << x[k].id;
    EXPECT_EQ(x[k].job, y[k].job) << "node " << x[k].id;
    EXPECT_EQ(x[k].has_template, y[k].has_template) << "node " << x[k].id;
  }
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, FullPassAndIncrementalMatchExpectations) {
  Scenario sc = LoadScenario(GetParam());
  ASSERT_FALSE(sc.steps.empty() && sc.links.empty()) << sc.file << ": nothing to check";

  for (const LinkExpectation& le : sc.links) {
    SCOPED_TRACE(Where(sc, le.line));
    LinkCheck r = CheckLink(sc.graph.edges, le.edge.parent, le.edge.child, le.edge.type);
    EXPECT_EQ(static_cast<int>(r.verdict), static_cast<int>(le.verdict));
    std::string_view error;
    if (le.verdict == LinkVerdict::kCycle) error = "Cycle detected.";
    if (le.verdict == LinkVerdict::kRelationshipNotAllowed) error = "Relationship not allowed.";
    EXPECT_EQ(r.error, error);
  }

  Graph full = sc.graph;
  bool cancel = false;
  Engine engine(sc.graph);
  for (size_t k = 0; k < sc.steps.size(); ++k) {
    const ScenarioStep& step = sc.steps[k];
    SCOPED_TRACE(Where(sc, step.line));
    ApplyStep(full, cancel, step);
    Decision d = Evaluate(full, cancel);
    Apply(full, d);

    EXPECT_EQ(d.start, step.starts) << "nodes started";
    EXPECT_EQ(d.mark_dnr, step.dnr) << "nodes marked do-not-run";
    EXPECT_EQ(d.cancel, step.cancels) << "jobs canceled";
    EXPECT_EQ(d.status, step.status);
    EXPECT_EQ(d.done, step.status != WorkflowStatus::kRunning);
    EXPECT_EQ(d.failed,
              step.status == WorkflowStatus::kFailed || step.status == WorkflowStatus::kCanceled);
    std::string explanation = step.explanation.value_or(
        step.status == WorkflowStatus::kFailed ? std::string(kNoErrorHandlingExplanation) : "");
    EXPECT_EQ(d.job_explanation, explanation);
    if (step.reason) {
      EXPECT_EQ(d.reason, *step.reason);
    } else if (step.status != WorkflowStatus::kFailed) {
      EXPECT_EQ(d.reason, "");
    }

    Decision inc = Incremental(engine, step, k == 0);
    EXPECT_EQ(inc, d) << "incremental engine disagrees with the full pass";
    ExpectSameState(engine.ToGraph(), full);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()), TestName);

TEST(ScenarioFiles, ThereAreEnough) {
  EXPECT_GE(ScenarioFiles().size(), 30u);
}

TEST(ScenarioParser, RejectsBadInput) {
  EXPECT_THROW(ParseScenario("x", "title t\nnodes 0\nedge 0 -X-> 0\n"), std::runtime_error);
  EXPECT_THROW(ParseScenario("x", "title t\nnodes 0\nedge 0 -S-> 1\n"), std::runtime_error);
  EXPECT_THROW(ParseScenario("x", "nodes 0\n"), std::runtime_error);
  EXPECT_THROW(ParseScenario("x", "title t\nnodes 0\nstep 0=bogus\n"), std::runtime_error);
  EXPECT_THROW(ParseScenario("x", "title t\nnodes 0\nstarts 0\n"), std::runtime_error);
  Scenario ok = ParseScenario("x", "title t\nnodes 0..2 3*~\nchain S 0..2\nstep\n  starts 0\n");
  EXPECT_EQ(ok.graph.nodes.size(), 4u);
  EXPECT_EQ(ok.graph.edges.size(), 2u);
  EXPECT_TRUE(ok.graph.nodes[3].all_parents_must_converge);
  EXPECT_FALSE(ok.graph.nodes[3].has_template);
}

}  // namespace
}  // namespace baton::engine::testing
