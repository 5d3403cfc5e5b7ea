// Workflow job template launch/ (workflow-semantics.md LA-1..LA-6, LA-10, LA-11, DM-15, DM-16,
// DM-21, RB-8; seed 000): the GET requirements, POST prompt rules case by case, the 201 body, the
// graph copied into workflow_job_nodes and workflow_edges, and that a refused launch leaves
// nothing behind.
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

std::string Launch(int64_t wfjt) {
  return WfjtUrl(wfjt, "launch");
}

int64_t CountWj(Api& api) {
  return CountRows(api, "SELECT COUNT(*) FROM unified_jobs WHERE type = 'workflow_job'");
}

json::object Survey(json::array questions) {
  return json::object{{"name", "s"}, {"description", "d"}, {"spec", std::move(questions)}};
}

TEST(WorkflowLaunch, GetShowsEveryFieldOfLa1) {
  Api api;
  int64_t org = api.Org("o");
  int64_t inv = MakeInventory(api, "inv", org);
  int64_t w = MakeWfjt(
      api, "wf", org,
      {{"inventory", inv}, {"extra_vars", "a: 1"}, {"ask_limit_on_launch", true}, {"limit", "x"}});
  int64_t missing = MakeNode(api, w);
  Resp r = api.Get(Launch(w)).Expect(200);
  std::vector<std::string> keys;
  for (auto& kv : r.obj()) keys.push_back(kv.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{
                "ask_inventory_on_launch", "ask_limit_on_launch", "ask_scm_branch_on_launch",
                "can_start_without_user_input", "defaults", "survey_enabled",
                "variables_needed_to_start", "node_templates_missing", "node_prompts_rejected",
                "workflow_job_template_data", "ask_variables_on_launch", "ask_labels_on_launch",
                "ask_skip_tags_on_launch", "ask_tags_on_launch"}));
  EXPECT_EQ(r["ask_limit_on_launch"], true);
  EXPECT_EQ(r["can_start_without_user_input"], true);
  EXPECT_EQ(r["node_templates_missing"], json::array{missing});
  EXPECT_EQ(r["node_prompts_rejected"], json::array{});
  EXPECT_EQ(r["workflow_job_template_data"],
            (json::object{{"name", "wf"}, {"id", w}, {"description", ""}}));
  const auto& d = r["defaults"].as_object();
  EXPECT_EQ(d.at("inventory"), (json::object{{"name", "inv"}, {"id", inv}}));
  EXPECT_EQ(d.at("limit"), "x");
  EXPECT_EQ(d.at("scm_branch"), nullptr);
  EXPECT_FALSE(d.contains("labels"));
  EXPECT_EQ(d.at("extra_vars"), "a: 1");
  // Anyone who may read it may GET; others get 403.
  api.User("bob");
  api.Get(Launch(w)).As("bob").Expect(403);
}

TEST(WorkflowLaunch, SurveyRequiredVariablesAndLabelsDefaults) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org, {{"survey_enabled", true}});
  api.Post(WfjtUrl(w, "survey_spec"),
           Survey({json::object{
               {"question_name", "q"}, {"variable", "x"}, {"type", "text"}, {"required", true}}}))
      .Expect(200);
  int64_t label = api.Post("/api/v2/labels/", json::object{{"name", "l1"}, {"organization", org}})
                      .Expect(201)
                      .id();
  api.Post(WfjtUrl(w, "labels"), json::object{{"id", label}}).Expect(204);
  Resp r = api.Get(Launch(w)).Expect(200);
  EXPECT_EQ(r["survey_enabled"], true);
  EXPECT_EQ(r["variables_needed_to_start"], json::array{"x"});
  EXPECT_EQ(r["can_start_without_user_input"], false);
  EXPECT_EQ(r["defaults"].as_object().at("labels"),
            (json::array{json::object{{"id", label}, {"name", "l1"}}}));
  // A required answer missing is a 400 under variables_needed_to_start.
  Resp bad = api.Post(Launch(w), json::object{}).Expect(400);
  EXPECT_EQ(bad["variables_needed_to_start"], json::array{"'x' value missing"});
  EXPECT_EQ(CountWj(api), 0);
  Resp ok = api.Post(Launch(w), json::object{{"extra_vars", json::object{{"x", "v"}}}}).Expect(201);
  EXPECT_EQ(ok["extra_vars"], "{\"x\": \"v\"}");
}

TEST(WorkflowLaunch, PostAnswers201WithSeed000Body) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "foobar", org);
  Resp r = api.Post(Launch(w), json::object{}).Expect(201);
  int64_t id = r["workflow_job"].as_int64();
  EXPECT_EQ(r.Header("Location"), "/api/v2/workflow_jobs/" + std::to_string(id) + "/");
  EXPECT_EQ(r["id"], id);
  EXPECT_EQ(r["ignored_fields"], json::object{});
  EXPECT_EQ(r["type"], "workflow_job");
  EXPECT_EQ(r["status"], "pending");
  EXPECT_EQ(r["launch_type"], "manual");
  EXPECT_EQ(r["name"], "foobar");
  EXPECT_EQ(r["extra_vars"], "{}");
  EXPECT_EQ(r["workflow_job_template"], w);
  EXPECT_EQ(r["unified_job_template"], w);
  EXPECT_EQ(r["is_sliced_job"], false);
  EXPECT_EQ(r["job_template"], nullptr);
  EXPECT_EQ(r["inventory"], nullptr);
  EXPECT_EQ(r["limit"], nullptr);
  EXPECT_EQ(r["scm_branch"], nullptr);
  EXPECT_EQ(r["webhook_service"], "");
  EXPECT_EQ(r["webhook_credential"], nullptr);
  EXPECT_EQ(r["work_unit_id"], nullptr);
  EXPECT_EQ(r["job_env"], json::object{});
  const auto& rel = r["related"].as_object();
  std::string base = "/api/v2/workflow_jobs/" + std::to_string(id) + "/";
  for (const char* k : {"activity_stream", "cancel", "labels", "relaunch", "workflow_nodes"})
    EXPECT_EQ(rel.at(k), json::value(base + k + "/")) << k;
  EXPECT_EQ(rel.at("workflow_job_template"), json::value(WfjtUrl(w)));
  EXPECT_EQ(rel.at("unified_job_template"), json::value(WfjtUrl(w)));
  const auto& sf = r["summary_fields"].as_object();
  EXPECT_EQ(sf.at("workflow_job_template"),
            (json::object{{"id", w}, {"name", "foobar"}, {"description", ""}}));
  EXPECT_EQ(sf.at("unified_job_template"), (json::object{{"id", w},
                                                         {"name", "foobar"},
                                                         {"description", ""},
                                                         {"unified_job_type", "workflow_job"}}));
  EXPECT_EQ(sf.at("labels"), (json::object{{"count", 0}, {"results", json::array{}}}));
  EXPECT_EQ(sf.at("user_capabilities"), (json::object{{"delete", true}, {"start", true}}));
  EXPECT_EQ(r["launched_by"].as_object().at("name"), "admin");
}

TEST(WorkflowLaunch, EveryUnpromptedFieldIsAnError) {
  Api api;
  int64_t org = api.Org("o");
  int64_t inv = MakeInventory(api, "inv", org);
  int64_t w = MakeWfjt(api, "wf", org, {{"extra_vars", "keep: 1"}});
  int64_t label = api.Post("/api/v2/labels/", json::object{{"name", "l"}, {"organization", org}})
                      .Expect(201)
                      .id();
  Resp r = api.Post(Launch(w), json::object{{"inventory", inv},
                                            {"limit", "a"},
                                            {"scm_branch", "b"},
                                            {"job_tags", "c"},
                                            {"skip_tags", "d"},
                                            {"labels", json::array{label}},
                                            {"extra_vars", json::object{{"z", 1}, {"y", 2}}}})
               .Expect(400);
  const char* msg = "Field is not configured to prompt on launch.";
  for (const char* k : {"inventory", "limit", "scm_branch", "job_tags", "skip_tags", "labels"})
    EXPECT_EQ(r[k], json::array{msg}) << k;
  EXPECT_EQ(r["extra_vars"],
            json::array{"Variables z, y are not allowed on launch. Check the Prompt on Launch "
                        "setting on the Workflow Job Template to include Extra Variables."});
  EXPECT_EQ(CountWj(api), 0);
  // A value equal to the template's own is a no-op, not an error.
  api.Post(Launch(w), json::object{{"extra_vars", "keep: 1"}}).Expect(201);
}

TEST(WorkflowLaunch, PromptedValuesAreAcceptedAndKeptInLaunchConfig) {
  Api api;
  int64_t org = api.Org("o");
  int64_t inv = MakeInventory(api, "inv", org);
  int64_t w = MakeWfjt(api, "wf", org,
                       {{"ask_inventory_on_launch", true},
                        {"ask_limit_on_launch", true},
                        {"ask_scm_branch_on_launch", true},
                        {"ask_tags_on_launch", true},
                        {"ask_skip_tags_on_launch", true},
                        {"ask_labels_on_launch", true},
                        {"ask_variables_on_launch", true},
                        {"extra_vars", "{\"a\": 1}"},
                        {"job_tags", "tpl"}});
  int64_t label = api.Post("/api/v2/labels/", json::object{{"name", "l"}, {"organization", org}})
                      .Expect(201)
                      .id();
  Resp r = api.Post(Launch(w), json::object{{"inventory_id", inv},
                                            {"limit", "lim"},
                                            {"scm_branch", ""},
                                            {"skip_tags", "s"},
                                            {"labels", json::array{label}},
                                            {"extra_vars", "b: two"}})
               .Expect(201);
  EXPECT_EQ(r["inventory"], inv);
  EXPECT_EQ(r["limit"], "lim");
  EXPECT_EQ(r["scm_branch"], "");
  EXPECT_EQ(r["job_tags"], "tpl");  // the template's value (DM-15)
  EXPECT_EQ(r["skip_tags"], "s");
  EXPECT_EQ(r["extra_vars"], "{\"a\": 1, \"b\": \"two\"}");
  EXPECT_EQ(r["summary_fields"].as_object().at("labels").as_object().at("count"), 1);
  auto config = ParseJson(*api.db().Local().QueryString(
      "SELECT launch_config FROM unified_jobs WHERE id = ?", {r.id()}));
  EXPECT_EQ(config->as_object(), (json::object{{"extra_vars", json::object{{"b", "two"}}},
                                               {"inventory", inv},
                                               {"limit", "lim"},
                                               {"scm_branch", ""},
                                               {"skip_tags", "s"},
                                               {"labels", json::array{label}}}));
}

TEST(WorkflowLaunch, BadBodiesAnswerDrfMessages) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org, {{"ask_inventory_on_launch", true}});
  Resp r = api.Post(Launch(w), json::object{{"inventory", 9999}}).Expect(400);
  EXPECT_EQ(r["inventory"], json::array{"Invalid pk \"9999\" - object does not exist."});
  r = api.Post(Launch(w), json::object{{"limit", nullptr}}).Expect(400);
  EXPECT_EQ(r["limit"], json::array{"This field may not be null."});
  r = api.Post(Launch(w), json::object{{"extra_vars", "- a\n- b"}}).Expect(400);
  EXPECT_TRUE(r.obj().contains("extra_vars"));
  r = api.Post(Launch(w), json::object{{"labels", json::array{4242}}}).Expect(400);
  EXPECT_EQ(r["labels"], json::array{"Invalid pk \"4242\" - object does not exist."});
  EXPECT_EQ(CountWj(api), 0);
}

TEST(WorkflowLaunch, InventoryBeingDeleted) {
  Api api;
  int64_t org = api.Org("o");
  int64_t inv = MakeInventory(api, "inv", org);
  int64_t inv2 = MakeInventory(api, "inv2", org);
  int64_t w = MakeWfjt(api, "wf", org, {{"inventory", inv}, {"ask_inventory_on_launch", true}});
  api.db().Local().Exec("UPDATE inventories SET pending_deletion = 1 WHERE id = ?", {inv2});
  Resp r = api.Post(Launch(w), json::object{{"inventory", inv2}}).Expect(400);
  EXPECT_EQ(r["inventory"], json::array{"The provided inventory is being deleted."});
  api.db().Local().Exec("UPDATE inventories SET pending_deletion = 1 WHERE id = ?", {inv});
  r = api.Post(Launch(w), json::object{}).Expect(400);
  EXPECT_EQ(r.obj(), (json::object{{"inventory", json::array{"The inventory associated with this "
                                                             "Workflow is being deleted."}}}));
  EXPECT_EQ(CountWj(api), 0);
}

TEST(WorkflowLaunch, PermissionsRb8) {
  Api api;
  int64_t org = api.Org("o");
  int64_t inv = MakeInventory(api, "inv", org);
  int64_t w =
      MakeWfjt(api, "wf", org, {{"ask_inventory_on_launch", true}, {"ask_labels_on_launch", true}});
  int64_t u = api.User("exec");
  api.User("reader");
  api.Grant(
      WfjtUrl(w), "read_role",
      api.db().Local().QueryInt("SELECT id FROM users WHERE username = 'reader'", {}).value());
  api.Post(Launch(w), json::object{}).As("reader").Expect(403);
  api.Grant(WfjtUrl(w), "execute_role", u);
  api.Post(Launch(w), json::object{}).As("exec").Expect(201);
  // Prompted inventory without use: 403, nothing created.
  int64_t before = CountWj(api);
  api.Post(Launch(w), json::object{{"inventory", inv}}).As("exec").Expect(403);
  int64_t other_org = api.Org("o2");
  int64_t label =
      api.Post("/api/v2/labels/", json::object{{"name", "hidden"}, {"organization", other_org}})
          .Expect(201)
          .id();
  api.Post(Launch(w), json::object{{"labels", json::array{label}}}).As("exec").Expect(403);
  EXPECT_EQ(CountWj(api), before);
  api.Grant(InvUrl2(inv), "use_role", u);
  Resp r = api.Post(Launch(w), json::object{{"inventory", inv}}).As("exec").Expect(201);
  EXPECT_EQ(r["inventory"], inv);
  EXPECT_EQ(r["launched_by"].as_object().at("name"), "exec");
}

TEST(WorkflowLaunch, SurveyPasswordsEncryptedAndRedacted) {
  Api api;
  int64_t org = api.Org("o");
  int64_t w = MakeWfjt(api, "wf", org, {{"survey_enabled", true}});
  api.Post(WfjtUrl(w, "survey_spec"), Survey({json::object{{"question_name", "p"},
                                                           {"variable", "secret"},
                                                           {"type", "password"},
                                                           {"required", false}},
                                              json::object{{"question_name", "n"},
                                                           {"variable", "n"},
                                                           {"type", "integer"},
                                                           {"required", false},
                                                           {"default", 3}}}))
      .Expect(200);
  Resp r =
      api.Post(Launch(w), json::object{{"extra_vars", json::object{{"secret", "s3"}}}}).Expect(201);
  EXPECT_EQ(r["extra_vars"], "{\"n\": 3, \"secret\": \"$encrypted$\"}");
  std::string stored =
      *api.db().Local().QueryString("SELECT extra_vars FROM unified_jobs WHERE id = ?", {r.id()});
  EXPECT_EQ(stored.find("s3"), std::string::npos);
  EXPECT_NE(stored.find("$encrypted$"), std::string::npos);
  EXPECT_EQ(*api.db().Local().QueryString("SELECT survey_passwords FROM unified_jobs WHERE id = ?",
                                          {r.id()}),
            "{\"secret\":\"$encrypted$\"}");
  // A wrong type is a survey error.
  Resp bad =
      api.Post(Launch(w), json::object{{"extra_vars", json::object{{"n", "x"}}}}).Expect(400);
  EXPECT_EQ(bad["variables_needed_to_start"],
            json::array{"Value x for 'n' expected to be an integer."});
}

TEST(WorkflowLaunch, GraphIsCopiedIntoJobNodesAndEdges) {
  Api api;
  JtWorld world(api, "g", {{"ask_limit_on_launch", true}});
  int64_t w = MakeWfjt(api, "wf", world.org);
  int64_t a = MakeNode(api, w, {{"unified_job_template", world.jt}, {"identifier", "a"}});
  int64_t b = MakeNode(api, w,
                       {{"unified_job_template", world.jt},
                        {"identifier", "b"},
                        {"limit", "h1"},
                        {"all_parents_must_converge", true}});
  int64_t c = MakeNode(api, w, {{"identifier", "c"}});
  Link(api, a, "success", b).status;
  Link(api, a, "failure", c);
  Link(api, b, "always", c);
  Resp r = api.Post(Launch(w), json::object{}).Expect(201);
  int64_t wj = r.id();
  Resp nodes =
      api.Get("/api/v2/workflow_jobs/" + std::to_string(wj) + "/workflow_nodes/").Expect(200);
  ASSERT_EQ(nodes.count(), 3);
  std::map<std::string, json::object> by_id;
  for (auto& n : nodes.results())
    by_id[std::string(n.as_object().at("identifier").as_string())] = n.as_object();
  int64_t na = by_id["a"].at("id").as_int64(), nb = by_id["b"].at("id").as_int64(),
          nc = by_id["c"].at("id").as_int64();
  EXPECT_EQ(by_id["a"].at("success_nodes"), json::array{nb});
  EXPECT_EQ(by_id["a"].at("failure_nodes"), json::array{nc});
  EXPECT_EQ(by_id["b"].at("always_nodes"), json::array{nc});
  EXPECT_EQ(by_id["b"].at("limit"), "h1");
  EXPECT_EQ(by_id["b"].at("all_parents_must_converge"), true);
  EXPECT_EQ(by_id["a"].at("unified_job_template"), world.jt);
  EXPECT_EQ(by_id["c"].at("unified_job_template"), nullptr);
  EXPECT_EQ(by_id["a"].at("workflow_job"), wj);
  EXPECT_EQ(by_id["a"].at("job"), nullptr);
  EXPECT_EQ(by_id["a"].at("do_not_run"), false);
  EXPECT_EQ(CountRows(api,
                      "SELECT COUNT(*) FROM workflow_edges WHERE owner_type = 'workflow_job' AND "
                      "owner_id = ?",
                      {wj}),
            3);
  (void)na;
}

TEST(WorkflowLaunch, SecondLaunchAlsoSucceeds) {
  Api api;
  int64_t w = MakeWfjt(api, "wf", api.Org("o"));
  api.Post(Launch(w), json::object{}).Expect(201);
  api.Post(Launch(w), json::object{}).Expect(201);
  EXPECT_EQ(CountWj(api), 2);
}

}  // namespace
}  // namespace baton::testing
