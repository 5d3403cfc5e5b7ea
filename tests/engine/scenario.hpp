// Workflow engine scenarios as data files (format: tests/engine/scenarios/README.md).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "engine/evaluate.hpp"
#include "engine/graph.hpp"
#include "engine/links.hpp"

namespace baton::engine::testing {

struct ScenarioStep {
  enum class Kind { kEvaluate, kStatuses, kCancel, kDeleteTemplate };
  int line = 0;
  Kind kind = Kind::kEvaluate;
  std::vector<StatusChange> changes;  // kStatuses
  NodeId deleted = 0;                 // kDeleteTemplate
  // Expectations; lists are exact and default to empty.
  std::vector<NodeId> starts, dnr, cancels;
  WorkflowStatus status = WorkflowStatus::kRunning;
  std::optional<std::string> reason, explanation;
};

struct LinkExpectation {
  int line = 0;
  Edge edge;
  LinkVerdict verdict = LinkVerdict::kAdd;
};

struct Scenario {
  std::string file, title;
  Graph graph;
  std::vector<LinkExpectation> links;
  std::vector<ScenarioStep> steps;
};

// Parses one scenario; throws std::runtime_error("<file>:<line>: <problem>") on bad input.
Scenario ParseScenario(const std::string& file, const std::string& text);
Scenario LoadScenario(const std::string& path);

}  // namespace baton::engine::testing
