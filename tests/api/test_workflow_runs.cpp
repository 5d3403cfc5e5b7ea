// Workflows run for real (workflow-semantics.md §2): the dispatcher's workflow manager starts
// workflow jobs, spawns each node's job through the API layer's spawner, real ansible-runner
// runs of tiny playbooks on local hosts, and the workflow job ends with the engine's verdict.
// Templates and nodes are made through the API; the workflow job is launched through
// /workflow_job_templates/N/launch/ when that route answers 201, else written to the store as
// launch writes it (nodes and edges copied). Waits on states, never on durations.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include "core/vars.hpp"
#include "fixtures/job_fixtures.hpp"
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace runs {}  // namespace runs
namespace {
using namespace runs;

const char* kOk = R"(- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="ok {{ inventory_hostname }}"
)";
const char* kFail = R"(- hosts: all
  gather_facts: false
  tasks:
    - fail: msg="backend broke"
)";
const char* kSleep = R"(- hosts: all
  gather_facts: false
  tasks:
    - command: sleep 60
)";
const char* kStats = R"(- hosts: all
  gather_facts: false
  tasks:
    - set_stats:
        data:
          build_id: "b-42"
          shared: from_parent
)";
const char* kEcho = R"(- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="build {{ build_id }}"
)";
const char* kMeta = R"(- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="wj={{ awx_workflow_job_id }} name={{ tower_workflow_job_name }} type={{ awx_workflow_job_launch_type }} own={{ awx_job_launch_type }}"
)";

struct World {
  Api api;
  int64_t project = 0, inventory = 0;
  std::map<std::string, int64_t> jts;

  World() {
    project = ManualProject(api, "wfplays",
                            {{"ok.yml", kOk},
                             {"fail.yml", kFail},
                             {"sleep.yml", kSleep},
                             {"stats.yml", kStats},
                             {"echo.yml", kEcho},
                             {"meta.yml", kMeta}});
    inventory = LocalInventory(api, "wf-local", {"h1"});
  }
  int64_t Jt(const std::string& name, const std::string& playbook, json::object extra = {}) {
    extra["playbook"] = playbook;
    int64_t inv = inventory;
    if (auto* v = extra.if_contains("inventory")) inv = v->as_int64();
    return jts[name] = jt::MakeJt(api, name, project, inv, std::move(extra));
  }
  int64_t Wfjt(const std::string& name, json::object extra = {}) {
    return wf::MakeWfjt(api, name, 1, std::move(extra));
  }
  int64_t Node(int64_t wfjt, const std::string& identifier, std::optional<int64_t> ujt,
               json::object extra = {}) {
    extra["identifier"] = identifier;
    if (ujt) extra["unified_job_template"] = *ujt;
    return wf::MakeNode(api, wfjt, std::move(extra));
  }
  void Link(int64_t parent, const std::string& type, int64_t child) {
    auto r = wf::Link(api, parent, type, child);
    ASSERT_EQ(r.status, 204) << r.body;
  }

  // A launched workflow job of `wfjt` (pending).
  int64_t Launch(int64_t wfjt, json::object body = {}) {
    Resp r = api.Post(wf::WfjtUrl(wfjt, "launch"), body).Send();
    if (r.status == 201) {
      if (auto* id = r.json.as_object().if_contains("workflow_job")) return id->as_int64();
      return r.id();
    }
    return LaunchBySql(wfjt, body);
  }

  // What launch writes: the workflow job row, its nodes and edges copied from the template.
  int64_t LaunchBySql(int64_t wfjt, const json::object& body) {
    auto& c = api.db().Local();
    std::string now = FormatIso(SystemClock().Now());
    std::string vars = "{}";
    if (auto* v = body.if_contains("extra_vars")) vars = Dump(*v);
    int64_t wj = c.Insert(
        "INSERT INTO unified_jobs (type, name, unified_job_template_id, workflow_job_template_id, "
        "launch_type, status, extra_vars, allow_simultaneous, created, modified, created_by_id) "
        "SELECT 'workflow_job', name, id, id, 'manual', 'pending', ?, allow_simultaneous, ?, ?, "
        "1 FROM workflow_job_templates WHERE id = ? RETURNING id",
        {vars, now, now, wfjt});
    c.Exec(
        "INSERT INTO workflow_job_nodes (workflow_job_id, unified_job_template_id, identifier, "
        "all_parents_must_converge, extra_data, created, modified) SELECT ?, "
        "unified_job_template_id, identifier, all_parents_must_converge, extra_data, ?, ? FROM "
        "workflow_job_template_nodes WHERE workflow_job_template_id = ? ORDER BY id",
        {wj, now, now, wfjt});
    c.Exec(
        "INSERT INTO workflow_edges (owner_type, owner_id, parent_id, child_id, type) SELECT "
        "'workflow_job', ?, pn.id, cn.id, e.type FROM workflow_edges e JOIN "
        "workflow_job_template_nodes tp ON tp.id = e.parent_id JOIN workflow_job_template_nodes "
        "tc ON tc.id = e.child_id JOIN workflow_job_nodes pn ON pn.workflow_job_id = ? AND "
        "pn.identifier = tp.identifier JOIN workflow_job_nodes cn ON cn.workflow_job_id = ? AND "
        "cn.identifier = tc.identifier WHERE e.owner_type = 'workflow_job_template' AND "
        "e.owner_id = ?",
        {wj, wj, wj, wfjt});
    api.StartDispatcher().Wake();
    return wj;
  }

  std::optional<int64_t> NodeJob(int64_t wj, const std::string& identifier) {
    auto r = api.db().Local().Query(
        "SELECT job_id FROM workflow_job_nodes WHERE workflow_job_id = ? AND identifier = ?",
        {wj, identifier});
    if (r.empty()) return std::nullopt;
    return store::AsOptInt(r.rows[0][0]);
  }
  bool Dnr(int64_t wj, const std::string& identifier) {
    return Count(api,
                 "SELECT do_not_run FROM workflow_job_nodes WHERE workflow_job_id = ? AND "
                 "identifier = ?",
                 {wj, identifier}) == 1;
  }
  // Waits until the node has a job; returns it.
  int64_t WaitNodeJob(int64_t wj, const std::string& identifier) {
    for (int i = 0; i < 90 * 50; ++i) {
      if (auto j = NodeJob(wj, identifier)) return *j;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "node " << identifier << " of workflow job " << wj << " never got a job";
    return 0;
  }
  std::string Status(int64_t id) { return JobStatus(api, id); }
};

// Seed 004's "Complete Example": deploy_db -> deploy_backend -> deploy_frontend on success,
// any failure -> rollback.
struct FullStack {
  int64_t wfjt = 0;
  FullStack(World& w, const std::string& backend_playbook, bool with_rollback = true) {
    int64_t db = w.Jt("db", "ok.yml"), backend = w.Jt("backend", backend_playbook),
            frontend = w.Jt("frontend", "ok.yml");
    wfjt = w.Wfjt("Full Stack Deploy", {{"description", "Deploy all components"}});
    int64_t n_db = w.Node(wfjt, "deploy_db", db);
    int64_t n_backend = w.Node(wfjt, "deploy_backend", backend);
    int64_t n_frontend = w.Node(wfjt, "deploy_frontend", frontend);
    w.Link(n_db, "success", n_backend);
    w.Link(n_backend, "success", n_frontend);
    if (with_rollback) {
      int64_t rollback = w.Jt("rollback", "ok.yml");
      int64_t n_rollback = w.Node(wfjt, "rollback", rollback);
      for (int64_t n : {n_db, n_backend, n_frontend}) w.Link(n, "failure", n_rollback);
    }
  }
};

TEST(WorkflowRun, CompleteExampleRunsTheChainAndSkipsRollback) {
  World w;
  FullStack fs(w, "ok.yml");
  int64_t wj = w.Launch(fs.wfjt);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful") << Col(w.api, wj, "job_explanation");
  EXPECT_EQ(Col(w.api, wj, "failed"), "0");
  EXPECT_NE(Col(w.api, wj, "started"), "");
  EXPECT_NE(Col(w.api, wj, "finished"), "");
  EXPECT_EQ(Col(w.api, wj, "job_explanation"), "");
  for (const char* n : {"deploy_db", "deploy_backend", "deploy_frontend"}) {
    auto job = w.NodeJob(wj, n);
    ASSERT_TRUE(job) << n;
    EXPECT_EQ(w.Status(*job), "successful") << n << Output(w.api, *job);
    EXPECT_EQ(Col(w.api, *job, "launch_type"), "workflow");
    EXPECT_EQ(Col(w.api, *job, "source_workflow_job_id"), std::to_string(wj));
    EXPECT_EQ(Col(w.api, *job, "created_by_id"), "1");
  }
  // The chain ran in order.
  EXPECT_LE(Col(w.api, *w.NodeJob(wj, "deploy_db"), "finished"),
            Col(w.api, *w.NodeJob(wj, "deploy_backend"), "started"));
  EXPECT_LE(Col(w.api, *w.NodeJob(wj, "deploy_backend"), "finished"),
            Col(w.api, *w.NodeJob(wj, "deploy_frontend"), "started"));
  EXPECT_FALSE(w.NodeJob(wj, "rollback"));
  EXPECT_TRUE(w.Dnr(wj, "rollback"));
  // Hand-off latency (reported, not asserted): child started - parent finished.
  for (auto [parent, child] :
       {std::pair{"deploy_db", "deploy_backend"}, std::pair{"deploy_backend", "deploy_frontend"}}) {
    auto f = ParseIso(Col(w.api, *w.NodeJob(wj, parent), "finished"));
    auto s = ParseIso(Col(w.api, *w.NodeJob(wj, child), "started"));
    if (f && s)
      std::cout << "hand-off " << parent << " -> " << child << ": " << (*s - *f) / 1000.0
                << " ms\n";
  }
}

TEST(WorkflowRun, FailingBackendRunsRollbackAndTheWorkflowSucceeds) {
  World w;
  FullStack fs(w, "fail.yml");
  int64_t wj = w.Launch(fs.wfjt);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful") << Col(w.api, wj, "job_explanation");
  EXPECT_EQ(w.Status(*w.NodeJob(wj, "deploy_backend")), "failed");
  EXPECT_EQ(w.Status(*w.NodeJob(wj, "rollback")), "successful");
  EXPECT_FALSE(w.NodeJob(wj, "deploy_frontend"));
  EXPECT_TRUE(w.Dnr(wj, "deploy_frontend"));
}

TEST(WorkflowRun, FailureWithoutHandlerFailsTheWorkflow) {
  World w;
  FullStack fs(w, "fail.yml", /*with_rollback=*/false);
  int64_t wj = w.Launch(fs.wfjt);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "failed");
  EXPECT_EQ(Col(w.api, wj, "failed"), "1");
  EXPECT_EQ(Col(w.api, wj, "job_explanation"),
            "No error handling paths found, marking workflow as failed");
  EXPECT_TRUE(w.Dnr(wj, "deploy_frontend"));
}

TEST(WorkflowRun, AllConvergenceWaitsForEveryParent) {
  World w;
  int64_t ok = w.Jt("ok", "ok.yml", {{"allow_simultaneous", true}});
  int64_t wfjt = w.Wfjt("converge");
  int64_t a = w.Node(wfjt, "a", ok), b = w.Node(wfjt, "b", ok);
  int64_t c = w.Node(wfjt, "c", ok, {{"all_parents_must_converge", true}});
  w.Link(a, "success", c);
  w.Link(b, "success", c);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful");
  int64_t jc = *w.NodeJob(wj, "c");
  for (const char* p : {"a", "b"})
    EXPECT_LE(Col(w.api, *w.NodeJob(wj, p), "finished"), Col(w.api, jc, "started")) << p;
}

TEST(WorkflowRun, ApprovalApprovedLetsTheWorkflowContinue) {
  World w;
  int64_t ok = w.Jt("ok", "ok.yml");
  int64_t wfjt = w.Wfjt("approve");
  int64_t gate = w.Node(wfjt, "gate", std::nullopt);
  w.api
      .Post(wf::NodeUrl(gate, "create_approval_template"),
            json::object{{"name", "Go?"}, {"timeout", 0}})
      .Expect(201);
  int64_t after = w.Node(wfjt, "after", ok);
  w.Link(gate, "success", after);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  int64_t ap = w.WaitNodeJob(wj, "gate");
  EXPECT_EQ(Col(w.api, ap, "type"), "workflow_approval");
  EXPECT_EQ(Col(w.api, ap, "status"), "pending");
  EXPECT_EQ(Col(w.api, ap, "name"), "Go?");
  EXPECT_EQ(Col(w.api, ap, "expires"), "");
  EXPECT_NE(Col(w.api, ap, "started"), "");
  Resp r =
      w.api.Post("/api/v2/workflow_approvals/" + std::to_string(ap) + "/approve/", json::object{})
          .Send();
  if (r.status != 204) {  // the approvals endpoint is not there yet: decide as it would
    w.api.db().Local().Exec(
        "UPDATE unified_jobs SET status = 'successful', finished = ?, approved_or_denied_by_id "
        "= 1 WHERE id = ?",
        {FormatIso(SystemClock().Now()), ap});
    w.api.StartDispatcher().Wake();
  }
  ASSERT_EQ(WaitJob(w.api, wj), "successful");
  EXPECT_EQ(w.Status(*w.NodeJob(wj, "after")), "successful");
}

TEST(WorkflowRun, ApprovalTimingOutFailsItsNode) {
  World w;
  int64_t ok = w.Jt("ok", "ok.yml");
  int64_t wfjt = w.Wfjt("expire");
  int64_t gate = w.Node(wfjt, "gate", std::nullopt);
  w.api
      .Post(wf::NodeUrl(gate, "create_approval_template"),
            json::object{{"name", "Quick"}, {"timeout", 1}})
      .Expect(201);
  int64_t on_fail = w.Node(wfjt, "on_fail", ok);
  w.Link(gate, "failure", on_fail);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  int64_t ap = w.WaitNodeJob(wj, "gate");
  EXPECT_NE(Col(w.api, ap, "expires"), "");
  // The periodic pass notices the expiry (1 s timeout).
  ASSERT_EQ(WaitJob(w.api, wj), "successful");
  EXPECT_EQ(Col(w.api, ap, "status"), "failed");
  EXPECT_EQ(Col(w.api, ap, "timed_out"), "1");
  EXPECT_EQ(Col(w.api, ap, "job_explanation"),
            "The approval node Quick (" + std::to_string(ap) + ") has expired after 1 seconds.");
  EXPECT_EQ(w.Status(*w.NodeJob(wj, "on_fail")), "successful");
}

TEST(WorkflowRun, NestedWorkflowRunsAndTheOuterBranchesOnIt) {
  World w;
  int64_t ok = w.Jt("ok", "ok.yml");
  int64_t inner = w.Wfjt("inner");
  w.Node(inner, "inner_job", ok);
  int64_t outer = w.Wfjt("outer");
  int64_t n_inner = w.Node(outer, "nested", inner);
  int64_t after = w.Node(outer, "after", ok);
  w.Link(n_inner, "success", after);
  int64_t wj = w.Launch(outer);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful");
  int64_t nested = *w.NodeJob(wj, "nested");
  EXPECT_EQ(Col(w.api, nested, "type"), "workflow_job");
  EXPECT_EQ(Col(w.api, nested, "status"), "successful");
  EXPECT_EQ(Col(w.api, nested, "launch_type"), "workflow");
  EXPECT_EQ(Col(w.api, nested, "workflow_job_template_id"), std::to_string(inner));
  EXPECT_EQ(w.Status(*w.NodeJob(nested, "inner_job")), "successful");
  EXPECT_EQ(w.Status(*w.NodeJob(wj, "after")), "successful");
}

TEST(WorkflowRun, RecursiveNestedWorkflowFailsWithAwxExplanation) {
  World w;
  int64_t self = w.Wfjt("A");
  w.Node(self, "me", self);
  int64_t wj = w.Launch(self);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "failed");
  int64_t nested = *w.NodeJob(wj, "me");
  EXPECT_EQ(Col(w.api, nested, "status"), "failed");
  std::string ref = "<A-" + std::to_string(self) + ">";
  EXPECT_EQ(Col(w.api, nested, "job_explanation"),
            "Workflow Job spawned from workflow could not start because it would result in "
            "recursion (spawn order, most recent first: " +
                ref + ", " + ref + ")");
}

TEST(WorkflowRun, CanceledWorkflowCancelsItsJobAndEndsCanceled) {
  World w;
  int64_t sleep = w.Jt("sleep", "sleep.yml");
  int64_t ok = w.Jt("ok", "ok.yml");
  int64_t wfjt = w.Wfjt("cancel me");
  int64_t a = w.Node(wfjt, "slow", sleep);
  int64_t b = w.Node(wfjt, "next", ok);
  w.Link(a, "always", b);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  int64_t job = w.WaitNodeJob(wj, "slow");
  WaitStatus(w.api, job, [](const std::string& s) { return s == "running" || IsFinal(s); });
  Resp r =
      w.api.Post("/api/v2/workflow_jobs/" + std::to_string(wj) + "/cancel/", json::object{}).Send();
  if (r.status != 202) {
    w.api.db().Local().Exec(
        "UPDATE unified_jobs SET cancel_requested = 1, canceled_on = ? WHERE id = ?",
        {FormatIso(SystemClock().Now()), wj});
    w.api.StartDispatcher().Wake();
  }
  ASSERT_EQ(WaitJob(w.api, wj), "canceled");
  EXPECT_EQ(Col(w.api, wj, "failed"), "1");
  EXPECT_EQ(w.Status(job), "canceled");
  EXPECT_FALSE(w.NodeJob(wj, "next"));
  EXPECT_TRUE(w.Dnr(wj, "next"));
}

TEST(WorkflowRun, SetStatsArtifactsReachTheChildJobsExtraVars) {
  World w;
  int64_t stats = w.Jt("stats", "stats.yml");
  int64_t echo = w.Jt("echo", "echo.yml");
  int64_t wfjt = w.Wfjt("artifacts", {{"extra_vars", "shared: from_workflow"}});
  int64_t a = w.Node(wfjt, "producer", stats);
  int64_t b = w.Node(wfjt, "consumer", echo);
  w.Link(a, "success", b);
  int64_t wj = w.Launch(wfjt, {});
  if (Col(w.api, wj, "extra_vars").find("from_workflow") == std::string::npos)
    w.api.db().Local().Exec("UPDATE unified_jobs SET extra_vars = ? WHERE id = ?",
                            {std::string(R"({"shared": "from_workflow"})"), wj});
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful");
  int64_t child = *w.NodeJob(wj, "consumer");
  auto vars = ParseVarsMapping(Col(w.api, child, "extra_vars"));
  ASSERT_TRUE(vars.ok()) << Col(w.api, child, "extra_vars");
  EXPECT_EQ(GetString(vars.value(), "build_id"), "b-42");
  // The workflow job's vars win over ancestor artifacts (LA-12.7).
  EXPECT_EQ(GetString(vars.value(), "shared"), "from_workflow");
  EXPECT_NE(Output(w.api, child).find("build b-42"), std::string::npos) << Output(w.api, child);
  EXPECT_NE(Count(w.api,
                  "SELECT COUNT(*) FROM workflow_job_nodes WHERE workflow_job_id = ? AND "
                  "identifier = 'consumer' AND ancestor_artifacts LIKE '%b-42%'",
                  {wj}),
            0);
}

TEST(WorkflowRun, NodeAndWorkflowVarsReachTheJobWithWorkflowVarsWinning) {
  World w;
  int64_t asks = w.Jt("asks", "ok.yml", {{"ask_variables_on_launch", true}});
  int64_t strict = w.Jt("strict", "ok.yml", {{"extra_vars", "jt_var: jt"}});
  int64_t wfjt = w.Wfjt("vars", {{"extra_vars", "b: wf"}});
  int64_t n1 =
      w.Node(wfjt, "asks", asks, {{"extra_data", json::object{{"a", "node"}, {"b", "node"}}}});
  int64_t n2 = w.Node(wfjt, "strict", strict);
  w.Link(n1, "success", n2);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful") << Col(w.api, wj, "job_explanation");
  auto v1 = ParseVarsMapping(Col(w.api, *w.NodeJob(wj, "asks"), "extra_vars"));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(GetString(v1.value(), "a"), "node");
  EXPECT_EQ(GetString(v1.value(), "b"), "wf");  // LA-12.7: WJ vars win over node vars
  // A template that does not prompt for variables still gets the workflow job's vars.
  auto v2 = ParseVarsMapping(Col(w.api, *w.NodeJob(wj, "strict"), "extra_vars"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(GetString(v2.value(), "b"), "wf");
  EXPECT_EQ(GetString(v2.value(), "jt_var"), "jt");
  EXPECT_FALSE(v2.value().contains("a"));
}

TEST(WorkflowRun, SlicedJobTemplateNodeRunsASlicedWorkflowJob) {
  World w;
  int64_t three = LocalInventory(w.api, "three", {"s1", "s2", "s3"});
  int64_t sliced = w.Jt("sliced", "ok.yml", {{"job_slice_count", 3}, {"inventory", three}});
  int64_t wfjt = w.Wfjt("with slices");
  w.Node(wfjt, "sliced", sliced);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful") << Col(w.api, wj, "job_explanation");
  int64_t inner = *w.NodeJob(wj, "sliced");
  EXPECT_EQ(Col(w.api, inner, "type"), "workflow_job");
  EXPECT_EQ(Col(w.api, inner, "is_sliced_job"), "1");
  EXPECT_EQ(Col(w.api, inner, "status"), "successful");
  auto jobs = w.api.db().Local().Query(
      "SELECT j.job_slice_number, j.job_slice_count, j.status FROM workflow_job_nodes n JOIN "
      "unified_jobs j ON j.id = n.job_id WHERE n.workflow_job_id = ? ORDER BY j.job_slice_number",
      {inner});
  ASSERT_EQ(jobs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(store::AsInt(jobs.rows[i][0]), int64_t(i + 1));
    EXPECT_EQ(store::AsInt(jobs.rows[i][1]), 3);
    EXPECT_EQ(store::AsString(jobs.rows[i][2]), "successful");
  }
}

// Regression: the slices of a sliced launch read the launch configuration back through a copy
// of the reader that had lost job_slice_count, so the slices' own launch configuration (what
// create_schedule/ and relaunch/ use) forgot the prompted slice count.
TEST(WorkflowRun, SlicesKeepThePromptedSliceCountInTheirLaunchConfig) {
  World w;
  int64_t two = LocalInventory(w.api, "two", {"p1", "p2"});
  int64_t jt = w.Jt("prompted slices", "ok.yml",
                    {{"inventory", two}, {"ask_job_slice_count_on_launch", true}});
  Resp r = w.api
               .Post("/api/v2/job_templates/" + std::to_string(jt) + "/launch/",
                     json::object{{"job_slice_count", 2}})
               .Expect(201);
  int64_t wj = r["workflow_job"].as_int64();
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful") << Col(w.api, wj, "job_explanation");
  auto jobs = w.api.db().Local().Query(
      "SELECT j.job_slice_count, j.launch_config FROM workflow_job_nodes n JOIN unified_jobs j ON "
      "j.id = n.job_id WHERE n.workflow_job_id = ? ORDER BY j.job_slice_number",
      {wj});
  ASSERT_EQ(jobs.size(), 2u);
  for (auto& row : jobs.rows) {
    EXPECT_EQ(store::AsInt(row[0]), 2);
    auto config = ParseJson(store::AsString(row[1]));
    ASSERT_TRUE(config && config->is_object()) << store::AsString(row[1]);
    EXPECT_EQ(config->as_object().if_contains("job_slice_count")
                  ? config->as_object().at("job_slice_count")
                  : json::value(nullptr),
              2)
        << store::AsString(row[1]);
  }
}

TEST(WorkflowRun, RestartMidWorkflowFinishesThroughTheFailurePath) {
  World w;
  int64_t sleep = w.Jt("sleep", "sleep.yml");
  int64_t ok = w.Jt("ok", "ok.yml");
  int64_t wfjt = w.Wfjt("survives restarts");
  int64_t a = w.Node(wfjt, "slow", sleep);
  int64_t on_fail = w.Node(wfjt, "recover", ok);
  int64_t on_ok = w.Node(wfjt, "continue", ok);
  w.Link(a, "failure", on_fail);
  w.Link(a, "success", on_ok);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  int64_t job = w.WaitNodeJob(wj, "slow");
  WaitStatus(w.api, job, [](const std::string& s) { return s == "running" || IsFinal(s); });
  w.api.StopDispatcher();
  // What a crash leaves behind: the node's job still marked running, the workflow job too.
  w.api.db().Local().Exec(
      "UPDATE unified_jobs SET status = 'running', finished = NULL, failed = 0, "
      "job_explanation = '' WHERE id = ?",
      {job});
  ASSERT_EQ(Col(w.api, wj, "status"), "running");
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful") << Col(w.api, wj, "job_explanation");
  EXPECT_EQ(w.Status(job), "failed");
  EXPECT_NE(Col(w.api, job, "job_explanation").find("marked as running at system start up"),
            std::string::npos);
  EXPECT_EQ(w.Status(*w.NodeJob(wj, "recover")), "successful");
  EXPECT_TRUE(w.Dnr(wj, "continue"));
}

// LA-14: a job a workflow node spawned gets awx_workflow_job_* meta variables (and tower_ twins)
// naming its workflow job, and launch_type "workflow" of its own.
TEST(WorkflowRun, SpawnedJobsGetTheWorkflowJobMetaVariables) {
  World w;
  int64_t meta = w.Jt("meta", "meta.yml");
  int64_t wfjt = w.Wfjt("metavars");
  w.Node(wfjt, "meta", meta);
  int64_t wj = w.Launch(wfjt);
  w.api.StartDispatcher();
  ASSERT_EQ(WaitJob(w.api, wj), "successful") << Col(w.api, wj, "job_explanation");
  std::string out = Output(w.api, *w.NodeJob(wj, "meta"));
  EXPECT_NE(out.find("wj=" + std::to_string(wj) + " name=metavars type=manual own=workflow"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace baton::testing
