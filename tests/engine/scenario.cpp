#include "scenario.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace baton::engine::testing {

namespace {

struct Parser {
  std::string file;
  int line = 0;

  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error(file + ":" + std::to_string(line) + ": " + what);
  }

  NodeId Number(std::string_view s) const {
    NodeId v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
      Fail("not a node id: '" + std::string(s) + "'");
    return v;
  }

  // "7" or "1..1000" (inclusive).
  std::vector<NodeId> Ids(std::string_view s) const {
    size_t dots = s.find("..");
    if (dots == std::string_view::npos) return {Number(s)};
    NodeId a = Number(s.substr(0, dots)), b = Number(s.substr(dots + 2));
    if (b < a) Fail("empty range");
    std::vector<NodeId> out;
    for (NodeId i = a; i <= b; ++i) out.push_back(i);
    return out;
  }

  std::vector<NodeId> IdList(const std::vector<std::string>& toks, size_t from) const {
    std::vector<NodeId> out;
    if (toks.size() == from + 1 && toks[from] == "-") return out;
    for (size_t k = from; k < toks.size(); ++k) {
      auto ids = Ids(toks[k]);
      out.insert(out.end(), ids.begin(), ids.end());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::optional<EdgeType> Arrow(std::string_view s) const {
    if (s.size() == 4 && s[0] == '-' && s.substr(2) == "->") return ParseEdgeType(s.substr(1, 1));
    return std::nullopt;
  }
};

std::vector<std::string> Split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

std::string RestAfter(const std::string& raw, const std::string& keyword) {
  size_t at = raw.find(keyword) + keyword.size();
  while (at < raw.size() && raw[at] == ' ') ++at;
  std::string rest = raw.substr(at);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.pop_back();
  return rest;
}

}  // namespace

Scenario ParseScenario(const std::string& file, const std::string& text) {
  Parser p{file};
  Scenario sc;
  sc.file = file;
  std::map<NodeId, Node> nodes;
  std::set<std::tuple<NodeId, NodeId, int>> edges;
  auto node = [&](NodeId id) -> Node& {
    auto it = nodes.find(id);
    if (it == nodes.end()) p.Fail("unknown node " + std::to_string(id));
    return it->second;
  };
  auto add_edge = [&](NodeId a, NodeId b, EdgeType t) {
    node(a);
    node(b);
    if (edges.insert({a, b, static_cast<int>(t)}).second) sc.graph.edges.push_back(Edge{a, b, t});
  };

  std::istringstream in(text);
  std::string raw;
  ScenarioStep* step = nullptr;
  while (std::getline(in, raw)) {
    ++p.line;
    std::vector<std::string> toks = Split(raw);
    if (toks.empty() || toks[0][0] == '#') continue;
    const std::string& kw = toks[0];
    if (kw == "title") {
      sc.title = RestAfter(raw, "title");
    } else if (kw == "spec") {
      // informational
    } else if (kw == "nodes") {
      if (!sc.steps.empty()) p.Fail("nodes after the first step");
      for (size_t k = 1; k < toks.size(); ++k) {
        std::string t = toks[k];
        Node proto;
        while (!t.empty() && (t.back() == '*' || t.back() == '~')) {
          if (t.back() == '*') proto.all_parents_must_converge = true;
          if (t.back() == '~') proto.has_template = false;
          t.pop_back();
        }
        for (NodeId id : p.Ids(t)) {
          if (nodes.count(id)) p.Fail("duplicate node " + std::to_string(id));
          proto.id = id;
          nodes[id] = proto;
        }
      }
    } else if (kw == "edge") {
      if (toks.size() < 4 || toks.size() % 2 != 0)
        p.Fail("edge: expected <a> -T-> <b> [-T-> <c>...]");
      for (size_t k = 1; k + 2 < toks.size(); k += 2) {
        auto t = p.Arrow(toks[k + 1]);
        if (!t) p.Fail("bad arrow '" + toks[k + 1] + "' (use -S->, -F->, -A->)");
        for (NodeId a : p.Ids(toks[k]))
          for (NodeId b : p.Ids(toks[k + 2])) add_edge(a, b, *t);
      }
    } else if (kw == "chain") {
      if (toks.size() != 3) p.Fail("chain: expected chain <S|F|A> <a..b>");
      auto t = ParseEdgeType(toks[1]);
      if (!t) p.Fail("bad edge type");
      auto ids = p.Ids(toks[2]);
      for (size_t k = 0; k + 1 < ids.size(); ++k) add_edge(ids[k], ids[k + 1], *t);
    } else if (kw == "state") {
      if (!sc.steps.empty()) p.Fail("state after the first step");
      for (size_t k = 1; k < toks.size(); ++k) {
        size_t eq = toks[k].find('=');
        if (eq == std::string::npos) p.Fail("state: expected <id>=<status|dnr>");
        std::string what = toks[k].substr(eq + 1);
        for (NodeId id : p.Ids(toks[k].substr(0, eq))) {
          if (what == "dnr") {
            node(id).do_not_run = true;
          } else if (auto s = ParseJobStatus(what)) {
            node(id).job = *s;
          } else {
            p.Fail("unknown status '" + what + "'");
          }
        }
      }
    } else if (kw == "link") {
      if (toks.size() != 5) p.Fail("link: expected link <p> -T-> <c> add|noop|cycle|not-allowed");
      auto t = p.Arrow(toks[2]);
      if (!t) p.Fail("bad arrow");
      LinkExpectation le{p.line, Edge{p.Number(toks[1]), p.Number(toks[3]), *t}};
      const std::string& v = toks[4];
      if (v == "add")
        le.verdict = LinkVerdict::kAdd;
      else if (v == "noop")
        le.verdict = LinkVerdict::kAlreadyLinked;
      else if (v == "cycle")
        le.verdict = LinkVerdict::kCycle;
      else if (v == "not-allowed")
        le.verdict = LinkVerdict::kRelationshipNotAllowed;
      else
        p.Fail("unknown link verdict '" + v + "'");
      sc.links.push_back(le);
    } else if (kw == "step") {
      sc.steps.emplace_back();
      step = &sc.steps.back();
      step->line = p.line;
      for (size_t k = 1; k < toks.size(); ++k) {
        if (toks[k] == "cancel") {
          if (toks.size() != 2) p.Fail("step cancel takes nothing else");
          step->kind = ScenarioStep::Kind::kCancel;
          continue;
        }
        size_t eq = toks[k].find('=');
        if (eq == std::string::npos) p.Fail("step: expected <id>=<status>, <id>=deleted or cancel");
        std::string what = toks[k].substr(eq + 1);
        auto ids = p.Ids(toks[k].substr(0, eq));
        if (what == "deleted") {
          if (toks.size() != 2 || ids.size() != 1) p.Fail("step <id>=deleted takes nothing else");
          step->kind = ScenarioStep::Kind::kDeleteTemplate;
          step->deleted = node(ids[0]).id;
          continue;
        }
        auto s = ParseJobStatus(what);
        if (!s) p.Fail("unknown status '" + what + "'");
        step->kind = ScenarioStep::Kind::kStatuses;
        for (NodeId id : ids) step->changes.push_back({node(id).id, *s});
      }
    } else if (kw == "starts" || kw == "dnr" || kw == "cancels" || kw == "status" ||
               kw == "reason" || kw == "explanation") {
      if (!step) p.Fail("'" + kw + "' outside a step");
      if (kw == "starts") step->starts = p.IdList(toks, 1);
      if (kw == "dnr") step->dnr = p.IdList(toks, 1);
      if (kw == "cancels") step->cancels = p.IdList(toks, 1);
      if (kw == "reason") step->reason = RestAfter(raw, "reason");
      if (kw == "explanation") step->explanation = RestAfter(raw, "explanation");
      if (kw == "status") {
        if (toks.size() != 2) p.Fail("status: expected one word");
        if (toks[1] == "running")
          step->status = WorkflowStatus::kRunning;
        else if (toks[1] == "successful")
          step->status = WorkflowStatus::kSuccessful;
        else if (toks[1] == "failed")
          step->status = WorkflowStatus::kFailed;
        else if (toks[1] == "canceled")
          step->status = WorkflowStatus::kCanceled;
        else
          p.Fail("unknown workflow status '" + toks[1] + "'");
      }
    } else {
      p.Fail("unknown keyword '" + kw + "'");
    }
  }
  for (auto& [id, n] : nodes) sc.graph.nodes.push_back(n);
  if (sc.title.empty()) {
    p.line = 0;
    p.Fail("missing title");
  }
  return sc;
}

Scenario LoadScenario(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string name = path.substr(path.find_last_of('/') + 1);
  return ParseScenario(name, ss.str());
}

}  // namespace baton::engine::testing
