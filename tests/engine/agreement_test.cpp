// Property test: on random DAGs (mixed edge types, ALL nodes, nodes without template, several
// edge types per pair) driven by random job outcomes, template deletions and cancels, the
// incremental Engine returns exactly the Decision of the full pass at every step.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "decision_printer.hpp"
#include "engine/engine.hpp"

namespace baton::engine {
namespace {

Graph RandomDag(std::mt19937& rng, int n) {
  std::uniform_int_distribution<int> pct(0, 99);
  std::vector<NodeId> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = 1000 + 7 * i;
  std::shuffle(ids.begin(), ids.end(), rng);  // topological rank != id order
  Graph g;
  for (int i = 0; i < n; ++i) {
    Node node;
    node.id = ids[i];
    node.all_parents_must_converge = pct(rng) < 25;
    node.has_template = pct(rng) >= 8;
    g.nodes.push_back(node);
  }
  for (int j = 1; j < n; ++j) {
    int parents = std::uniform_int_distribution<int>(0, 3)(rng);
    for (int k = 0; k < parents; ++k) {
      int i = std::uniform_int_distribution<int>(0, j - 1)(rng);
      auto type = static_cast<EdgeType>(std::uniform_int_distribution<int>(0, 2)(rng));
      g.edges.push_back(Edge{ids[i], ids[j], type});
      if (pct(rng) < 5)  // DM-12: a second type on the same pair (legacy data)
        g.edges.push_back(Edge{ids[i], ids[j], static_cast<EdgeType>((int(type) + 1) % 3)});
    }
  }
  std::shuffle(g.nodes.begin(), g.nodes.end(), rng);
  return g;
}

JobStatus RandomOutcome(std::mt19937& rng) {
  int p = std::uniform_int_distribution<int>(0, 99)(rng);
  if (p < 55) return JobStatus::kSuccessful;
  if (p < 75) return JobStatus::kFailed;
  if (p < 83) return JobStatus::kError;
  if (p < 91) return JobStatus::kCanceled;
  if (p < 96) return JobStatus::kRunning;
  return JobStatus::kPending;
}

void ExpectSameNodes(const Graph& a, const Graph& b) {
  auto key = [](const Graph& g) {
    std::vector<std::tuple<NodeId, bool, JobStatus, bool>> v;
    for (const Node& n : g.nodes) v.emplace_back(n.id, n.do_not_run, n.job, n.has_template);
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_TRUE(key(a) == key(b));
}

TEST(EngineAgreement, RandomWorkflowsMatchTheFullPassAtEveryStep) {
  std::mt19937 rng(20241023);
  int steps_checked = 0, done_runs = 0, stuck = 0;
  for (int round = 0; round < 3000; ++round) {
    int n = std::uniform_int_distribution<int>(0, 40)(rng);
    Graph full = RandomDag(rng, n);
    Engine engine(full);
    bool cancel = false;
    Decision d = Evaluate(full, cancel);
    Apply(full, d);
    ASSERT_EQ(engine.Evaluate(), d) << "round " << round;
    for (int step = 0; step < 200 && !d.done; ++step) {
      std::vector<NodeId> active;
      for (const Node& node : full.nodes)
        if (IsActive(node.job)) active.push_back(node.id);
      int action = std::uniform_int_distribution<int>(0, 99)(rng);
      Decision inc;
      if (action < 3 && !cancel) {
        cancel = true;
        d = Evaluate(full, cancel);
        inc = engine.Cancel();
      } else if (action < 8 && !full.nodes.empty()) {
        Node& victim = full.nodes[std::uniform_int_distribution<size_t>(0, n - 1)(rng)];
        victim.has_template = false;
        d = Evaluate(full, cancel);
        inc = engine.OnTemplateDeleted(victim.id);
      } else if (!active.empty()) {
        std::shuffle(active.begin(), active.end(), rng);
        size_t batch = std::min<size_t>(active.size(), action < 20 ? 3 : 1);
        std::vector<StatusChange> changes;
        for (size_t k = 0; k < batch; ++k) changes.push_back({active[k], RandomOutcome(rng)});
        for (const StatusChange& ch : changes)
          for (Node& node : full.nodes)
            if (node.id == ch.node) node.job = ch.status;
        d = Evaluate(full, cancel);
        inc = engine.Update(changes);
      } else {
        d = Evaluate(full, cancel);
        inc = engine.Update({});
        Apply(full, d);
        ASSERT_EQ(inc, d) << "round " << round << " step " << step;
        // No active job and not done: nothing could ever move again (the workflow would hang).
        if (!d.done && !cancel) ++stuck;
        break;
      }
      Apply(full, d);
      ASSERT_EQ(inc, d) << "round " << round << " step " << step;
      ++steps_checked;
    }
    ExpectSameNodes(engine.ToGraph(), full);
    done_runs += d.done;
  }
  EXPECT_GT(steps_checked, 20000);
  EXPECT_GT(done_runs, 2500);
  EXPECT_EQ(stuck, 0) << "workflows that can never finish";
}

}  // namespace
}  // namespace baton::engine
