// Workflow engine benchmarks (issue 5 must-show 6c): one full pass over a 10,000-node workflow
// graph (goal < 5 ms) and one incremental update after a finished node (goal < 50 us), on three
// shapes: a chain, a wide fan-in (9,999 roots converging on one node), and a layered random DAG
// with mixed edge types, ALL nodes and nodes without template.
//   build/bench/engine_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <deque>
#include <random>

#include "engine/engine.hpp"
#include "engine/evaluate.hpp"

namespace baton::engine {
namespace {

constexpr int kNodes = 10000;

enum Shape { kChain, kWide, kLayered };
const char* kShapeNames[] = {"chain", "wide", "layered"};

Graph MakeGraph(Shape shape) {
  Graph g;
  g.nodes.resize(kNodes);
  for (int i = 0; i < kNodes; ++i) g.nodes[i].id = 1000 + i;
  switch (shape) {
    case kChain:
      for (int i = 0; i + 1 < kNodes; ++i)
        g.edges.push_back({1000 + i, 1000 + i + 1, EdgeType::kSuccess});
      break;
    case kWide:
      for (int i = 0; i + 1 < kNodes; ++i)
        g.edges.push_back({1000 + i, 1000 + kNodes - 1, EdgeType::kSuccess});
      break;
    case kLayered: {
      // 100 layers of 100 nodes; each node below the first layer has 1-3 parents among the three
      // layers above it; 70% success, 15% failure, 15% always edges; 10% ALL nodes; 1% of nodes
      // without template.
      std::mt19937 rng(42);
      std::uniform_int_distribution<int> pct(0, 99), parents(1, 3), width(0, 99);
      for (int i = 0; i < kNodes; ++i) {
        int layer = i / 100;
        g.nodes[i].all_parents_must_converge = layer > 0 && pct(rng) < 10;
        g.nodes[i].has_template = pct(rng) >= 1;
        if (layer == 0) continue;
        for (int k = parents(rng); k > 0; --k) {
          int from_layer = std::max(0, layer - 1 - pct(rng) % 3);
          int p = from_layer * 100 + width(rng);
          int t = pct(rng);
          EdgeType type = t < 70   ? EdgeType::kSuccess
                          : t < 85 ? EdgeType::kFailure
                                   : EdgeType::kAlways;
          g.edges.push_back({1000 + p, 1000 + i, type});
        }
      }
      break;
    }
  }
  return g;
}

JobStatus Outcome(std::mt19937& rng) {
  return std::uniform_int_distribution<int>(0, 99)(rng) < 85 ? JobStatus::kSuccessful
                                                             : JobStatus::kFailed;
}

// A workflow driven half-way: the engine, and the nodes whose jobs are active, in start order.
struct MidRun {
  Engine engine;
  std::deque<NodeId> active;
};

MidRun HalfWay(Shape shape) {
  MidRun run{Engine(MakeGraph(shape)), {}};
  Decision d = run.engine.Evaluate();
  run.active.assign(d.start.begin(), d.start.end());
  std::mt19937 rng(7);
  int finished = 0;
  while (!run.active.empty() && finished < kNodes / 2) {
    NodeId n = run.active.front();
    run.active.pop_front();
    d = run.engine.OnJobFinished(n, shape == kLayered ? Outcome(rng) : JobStatus::kSuccessful);
    run.active.insert(run.active.end(), d.start.begin(), d.start.end());
    ++finished;
  }
  return run;
}

void Label(benchmark::State& state, Shape shape, const Engine& e) {
  int64_t edges = 0, done = 0;
  for (int32_t i = 0; i < e.topology().size(); ++i) edges += e.topology().Children(i).size();
  for (const NodeState& s : e.state()) done += IsFinal(s.job) || s.do_not_run;
  state.SetLabel(std::string(kShapeNames[shape]) + " nodes=" + std::to_string(kNodes) +
                 " arcs=" + std::to_string(edges) + " settled=" + std::to_string(done));
}

// The pure full pass (Evaluate on a compiled topology and the node states) in mid-run.
void BM_FullPass(benchmark::State& state) {
  Shape shape = static_cast<Shape>(state.range(0));
  MidRun run = HalfWay(shape);
  std::vector<NodeState> st(run.engine.state().begin(), run.engine.state().end());
  for (auto _ : state) {
    Decision d = Evaluate(run.engine.topology(), st, false);
    benchmark::DoNotOptimize(d);
  }
  Label(state, shape, run.engine);
}
BENCHMARK(BM_FullPass)->DenseRange(kChain, kLayered)->Unit(benchmark::kMicrosecond);

// The full pass from a Graph as loaded from the store (compiles the topology every time).
void BM_FullPassFromGraph(benchmark::State& state) {
  Shape shape = static_cast<Shape>(state.range(0));
  MidRun run = HalfWay(shape);
  Graph g = run.engine.ToGraph();
  for (auto _ : state) {
    Decision d = Evaluate(g, false);
    benchmark::DoNotOptimize(d);
  }
  Label(state, shape, run.engine);
}
BENCHMARK(BM_FullPassFromGraph)->DenseRange(kChain, kLayered)->Unit(benchmark::kMicrosecond);

// Building the incremental Engine and its first pass (once per workflow job, or after a restart).
void BM_EngineBuild(benchmark::State& state) {
  Shape shape = static_cast<Shape>(state.range(0));
  MidRun run = HalfWay(shape);
  Graph g = run.engine.ToGraph();
  for (auto _ : state) {
    Engine e(g);
    Decision d = e.Evaluate();
    benchmark::DoNotOptimize(d);
  }
  Label(state, shape, run.engine);
}
BENCHMARK(BM_EngineBuild)->DenseRange(kChain, kLayered)->Unit(benchmark::kMicrosecond);

// One incremental update: the oldest active job finishes (layered: 85% successful, 15% failed),
// from the half-way point on; the run restarts from the half-way copy when nothing is left.
void BM_IncrementalUpdate(benchmark::State& state) {
  Shape shape = static_cast<Shape>(state.range(0));
  const MidRun base = HalfWay(shape);
  MidRun run = base;
  std::mt19937 rng(11);
  for (auto _ : state) {
    if (run.active.empty()) {
      state.PauseTiming();
      run = base;
      state.ResumeTiming();
    }
    NodeId n = run.active.front();
    run.active.pop_front();
    Decision d =
        run.engine.OnJobFinished(n, shape == kLayered ? Outcome(rng) : JobStatus::kSuccessful);
    run.active.insert(run.active.end(), d.start.begin(), d.start.end());
    benchmark::DoNotOptimize(d);
  }
  Label(state, shape, base.engine);
}
BENCHMARK(BM_IncrementalUpdate)->DenseRange(kChain, kLayered)->Unit(benchmark::kMicrosecond);

// The worst single update: the head of the 10,000-node success chain fails and 9,999 nodes
// become DNR in that one update (the same O(n) work a full pass does).
void BM_IncrementalCascade(benchmark::State& state) {
  Engine base(MakeGraph(kChain));
  base.Evaluate();
  for (auto _ : state) {
    state.PauseTiming();
    Engine e = base;
    state.ResumeTiming();
    Decision d = e.OnJobFinished(1000, JobStatus::kFailed);
    benchmark::DoNotOptimize(d);
  }
  state.SetLabel("chain head fails, 9999 DNR");
}
BENCHMARK(BM_IncrementalCascade)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace baton::engine
