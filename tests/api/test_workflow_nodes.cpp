// Workflow job template nodes and edges (workflow-semantics.md DM-5..DM-13, DM-17..DM-20, PF-1,
// Appendix A; api-resources.md §24, §28; seed 004): the Complete Example, fields, identifier,
// edge rules and cycles, prompt validation, credentials/, approval templates.
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

const json::value kCycle = json::object{{"Error", "Cycle detected."}};
const json::value kNotAllowed = json::object{{"Error", "Relationship not allowed."}};

// Seed 004's Complete Example through the same requests; our job templates stand in for 10-13.
TEST(WorkflowNodes, CompleteExampleOfSeed004) {
  Api api;
  JtWorld w(api, "ce");
  std::vector<int64_t> jts = {w.jt};
  for (const char* n : {"backend", "frontend", "rollback"})
    jts.push_back(MakeJt(api, n, w.project, w.inventory));
  Resp wf = api.Post(kWfjts, json::object{{"name", "Full Stack Deploy"},
                                          {"description", "Deploy all components"},
                                          {"organization", w.org}})
                .Expect(201);
  int64_t id = wf["id"].as_int64();
  std::map<std::string, int64_t> node_ids;
  const char* names[] = {"deploy_db", "deploy_backend", "deploy_frontend", "rollback"};
  for (int i = 0; i < 4; ++i) {
    Resp n = api.Post(WfjtUrl(id, "workflow_nodes"),
                      json::object{{"unified_job_template", jts[i]}, {"identifier", names[i]}})
                 .Expect(201);
    EXPECT_EQ(n["workflow_job_template"], id);
    node_ids[std::string(n["identifier"].as_string())] = n["id"].as_int64();
  }
  api.Post(NodeUrl(node_ids["deploy_db"], "success_nodes"),
           json::object{{"id", node_ids["deploy_backend"]}})
      .Expect(204);
  api.Post(NodeUrl(node_ids["deploy_backend"], "success_nodes"),
           json::object{{"id", node_ids["deploy_frontend"]}})
      .Expect(204);
  for (const char* n : {"deploy_db", "deploy_backend", "deploy_frontend"})
    api.Post(NodeUrl(node_ids[n], "failure_nodes"), json::object{{"id", node_ids["rollback"]}})
        .Expect(204);
  Resp nodes = api.Get(WfjtUrl(id, "workflow_nodes")).Expect(200);
  ASSERT_EQ(nodes.count(), 4);
  const auto& db = nodes.results()[0].as_object();
  EXPECT_EQ(db.at("identifier"), "deploy_db");
  EXPECT_EQ(IdList(db.at("success_nodes")), std::vector<int64_t>{node_ids["deploy_backend"]});
  EXPECT_EQ(IdList(db.at("failure_nodes")), std::vector<int64_t>{node_ids["rollback"]});
  EXPECT_EQ(IdList(db.at("always_nodes")), std::vector<int64_t>{});
  EXPECT_EQ(api.Get(NodeUrl(node_ids["deploy_backend"], "failure_nodes")).Expect(200).count(), 1);
  EXPECT_EQ(api.Get(std::string(kNodes) + "?workflow_job_template=" + std::to_string(id) +
                    "&identifier=rollback")
                .Expect(200)
                .count(),
            1);
  // Stored as one edge per link, in the template's graph.
  EXPECT_EQ(CountRows(api,
                      "SELECT COUNT(*) FROM workflow_edges WHERE owner_type = "
                      "'workflow_job_template' AND owner_id = ?",
                      {id}),
            5);
  // A node's representation (AWX's field order and links).
  Resp n = api.Get(NodeUrl(node_ids["deploy_db"])).Expect(200);
  std::vector<std::string> keys;
  for (auto& kv : n.obj()) keys.push_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"id",
                                            "type",
                                            "url",
                                            "related",
                                            "summary_fields",
                                            "created",
                                            "modified",
                                            "extra_data",
                                            "inventory",
                                            "scm_branch",
                                            "job_type",
                                            "job_tags",
                                            "skip_tags",
                                            "limit",
                                            "diff_mode",
                                            "verbosity",
                                            "execution_environment",
                                            "forks",
                                            "job_slice_count",
                                            "timeout",
                                            "workflow_job_template",
                                            "unified_job_template",
                                            "success_nodes",
                                            "failure_nodes",
                                            "always_nodes",
                                            "all_parents_must_converge",
                                            "identifier"}));
  EXPECT_EQ(n["type"], "workflow_job_template_node");
  for (const char* k : {"scm_branch", "job_type", "limit", "diff_mode", "verbosity", "forks",
                        "job_slice_count", "timeout", "inventory"})
    EXPECT_EQ(n[k], nullptr) << k;
  EXPECT_EQ(n["extra_data"], json::value(json::object{}));
  const auto& rel = n["related"].as_object();
  EXPECT_EQ(rel.at("unified_job_template"), json::value(JtUrl(w.jt)));
  EXPECT_EQ(rel.at("workflow_job_template"), json::value(WfjtUrl(id)));
  for (const char* k : {"create_approval_template", "success_nodes", "failure_nodes",
                        "always_nodes", "credentials", "labels"})
    EXPECT_EQ(rel.at(k), json::value(NodeUrl(node_ids["deploy_db"], k))) << k;
  const auto& sf = n["summary_fields"].as_object();
  EXPECT_EQ(
      sf.at("unified_job_template"),
      (json::object{
          {"id", w.jt}, {"name", "ce-jt"}, {"description", ""}, {"unified_job_type", "job"}}));
  EXPECT_EQ(sf.at("workflow_job_template").as_object().at("name"), "Full Stack Deploy");
  EXPECT_EQ(sf.at("user_capabilities"), (json::object{{"edit", true}, {"delete", true}}));
}

TEST(WorkflowNodes, IdentifierDefaultsToAUuidAndIsUniquePerTemplate) {
  Api api;
  int64_t org = api.Org("io");
  int64_t a = MakeWfjt(api, "a", org), b = MakeWfjt(api, "b", org);
  Resp n = api.Post(WfjtUrl(a, "workflow_nodes"), json::object{}).Expect(201);
  std::string uuid(n["identifier"].as_string());
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  EXPECT_NE(api.Post(WfjtUrl(a, "workflow_nodes"), json::object{}).Expect(201)["identifier"],
            json::value(uuid));
  api.Post(WfjtUrl(a, "workflow_nodes"), json::object{{"identifier", "x"}}).Expect(201);
  json::value dup = json::object{
      {"__all__",
       json::array{"Workflow job template node with this Identifier and Workflow job template "
                   "already exists."}}};
  EXPECT_EQ(
      api.Post(WfjtUrl(a, "workflow_nodes"), json::object{{"identifier", "x"}}).Expect(400).json,
      dup);
  EXPECT_EQ(api.Post(kNodes, json::object{{"workflow_job_template", a}, {"identifier", "x"}})
                .Expect(400)
                .json,
            dup);
  // Unique per template only.
  api.Post(WfjtUrl(b, "workflow_nodes"), json::object{{"identifier", "x"}}).Expect(201);
  EXPECT_EQ(api.Patch(NodeUrl(n.id()), json::object{{"identifier", "x"}}).Expect(400).json, dup);
  EXPECT_EQ(
      api.Post(WfjtUrl(a, "workflow_nodes"), json::object{{"identifier", ""}}).Expect(400).json,
      json::value(json::object{{"identifier", json::array{"This field may not be blank."}}}));
  EXPECT_EQ(
      api.Post(kNodes, json::object{{"identifier", "y"}}).Expect(400).json,
      json::value(json::object{{"workflow_job_template", json::array{"This field is required."}}}));
  // workflow_job_template is read-only after create; the collection's "type" key is ignored.
  Resp p = api.Patch(NodeUrl(n.id()), json::object{{"workflow_job_template", b},
                                                   {"type", "workflow_job_template_node"},
                                                   {"all_parents_must_converge", true}})
               .Expect(200);
  EXPECT_EQ(p["workflow_job_template"], a);
  EXPECT_EQ(p["all_parents_must_converge"], true);
  EXPECT_EQ(
      api.Post(WfjtUrl(a, "workflow_nodes"), json::object{{"unified_job_template", 99999}})
          .Expect(400)
          .json,
      json::value(json::object{
          {"unified_job_template", json::array{"Invalid pk \"99999\" - object does not exist."}}}));
}

TEST(WorkflowNodes, ExclusiveRelationshipsAndIdempotentLinks) {
  Api api;
  int64_t id = MakeWfjt(api, "ex", api.Org("exo"));
  const char* types[] = {"success", "failure", "always"};
  for (const char* first : types)
    for (const char* second : types) {
      SCOPED_TRACE(std::string(first) + " then " + second);
      int64_t p = MakeNode(api, id), c = MakeNode(api, id);
      EXPECT_EQ(Link(api, p, first, c).status, 204);
      Resp r = Link(api, p, second, c);
      if (std::string(first) == second) {
        EXPECT_EQ(r.status, 204);  // re-adding the same link is a no-op
      } else {
        EXPECT_EQ(r.status, 400);
        EXPECT_EQ(r.json, kNotAllowed);
      }
    }
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM workflow_edges"), 9);
}

TEST(WorkflowNodes, CyclesAreRejectedEvenWhereNoRootReaches) {
  Api api;
  int64_t id = MakeWfjt(api, "cy", api.Org("cyo"));
  int64_t a = MakeNode(api, id), b = MakeNode(api, id), c = MakeNode(api, id);
  // A self link.
  EXPECT_EQ(Link(api, a, "success", a).json, kCycle);
  // a -> b -> c, then c -> a closes a cycle.
  ASSERT_EQ(Link(api, a, "success", b).status, 204);
  ASSERT_EQ(Link(api, b, "always", c).status, 204);
  Resp r = Link(api, c, "failure", a);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json, kCycle);
  // PF-1: with root x elsewhere, y -> z then z -> y is a cycle no root reaches. AWX accepts it;
  // we reject it.
  int64_t x = MakeNode(api, id), y = MakeNode(api, id), z = MakeNode(api, id);
  (void)x;
  ASSERT_EQ(Link(api, y, "success", z).status, 204);
  Resp unreachable = Link(api, z, "success", y);
  EXPECT_EQ(unreachable.status, 400);
  EXPECT_EQ(unreachable.json, kCycle);
  // A diamond is not a cycle.
  ASSERT_EQ(Link(api, a, "failure", c).status, 204);
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM workflow_edges"), 4);
}

TEST(WorkflowNodes, EdgeRequestsAndTheirErrors) {
  Api api;
  int64_t org = api.Org("eo");
  int64_t id = MakeWfjt(api, "e", org), other = MakeWfjt(api, "o", org);
  int64_t p = MakeNode(api, id), c = MakeNode(api, id), foreign = MakeNode(api, other);
  // Both nodes must belong to one template: 403, even for the superuser (RB-13).
  EXPECT_EQ(Link(api, p, "success", foreign).status, 403);
  EXPECT_EQ(api.Post(NodeUrl(p, "success_nodes"), json::object{{"id", "x"}}).Expect(400).json,
            json::value(json::object{{"msg", "\"id\" field must be an integer."}}));
  EXPECT_EQ(
      api.Post(NodeUrl(p, "success_nodes"), json::object{{"disassociate", true}}).Expect(400).json,
      json::value(json::object{{"msg", "\"id\" is required to disassociate"}}));
  EXPECT_EQ(api.Post(NodeUrl(p, "success_nodes"), json::object{{"id", 99999}}).Expect(400).json,
            json::value(json::object{
                {"detail", "WorkflowJobTemplateNode matching query does not exist."}}));
  ASSERT_EQ(Link(api, p, "success", c).status, 204);
  // Disassociate removes the edge, not the node; the child becomes a root again.
  api.Post(NodeUrl(p, "success_nodes"), json::object{{"id", c}, {"disassociate", true}})
      .Expect(204);
  EXPECT_EQ(api.Get(NodeUrl(p, "success_nodes")).Expect(200).count(), 0);
  api.Get(NodeUrl(c)).Expect(200);
  // POST without id creates a child in the parent's template (whatever the body says).
  Resp made = api.Post(NodeUrl(p, "always_nodes"),
                       json::object{{"identifier", "made"}, {"workflow_job_template", other}})
                  .Expect(201);
  EXPECT_EQ(made["workflow_job_template"], id);
  EXPECT_EQ(IdList(api.Get(NodeUrl(p)).Expect(200)["always_nodes"]),
            std::vector<int64_t>{made.id()});
  // Deleting a node deletes its edges in both directions.
  ASSERT_EQ(Link(api, made.id(), "success", c).status, 204);
  api.Delete(NodeUrl(made.id())).Expect(204);
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM workflow_edges"), 0);
  // Readers list edges but may not change them.
  int64_t u = api.User("er");
  api.Grant(WfjtUrl(id), "read_role", u);
  api.Get(NodeUrl(p, "success_nodes")).As("er").Expect(200);
  EXPECT_EQ(Link(api, p, "success", c, "er").status, 403);
  api.Post(NodeUrl(p, "success_nodes"), json::object{{"identifier", "no"}}).As("er").Expect(403);
}

TEST(WorkflowNodes, PromptsAreCheckedAgainstTheTemplate) {
  Api api;
  JtWorld w(api, "pr");
  int64_t asks = MakeJt(api, "asks", w.project, w.inventory,
                        {{"ask_limit_on_launch", true}, {"ask_variables_on_launch", true}});
  int64_t id = MakeWfjt(api, "p", w.org);
  auto post = [&](json::object body) {
    return api.Post(WfjtUrl(id, "workflow_nodes"), body).Send();
  };
  auto field_err = [](const char* f, const std::string& m) {
    return json::value(json::object{{f, json::array{json::string(m)}}});
  };
  Resp r = post({{"unified_job_template", w.jt}, {"limit", "webservers"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json, field_err("limit", "Field is not configured to prompt on launch."));
  EXPECT_EQ(post({{"unified_job_template", asks}, {"limit", "webservers"}}).status, 201);
  r = post({{"unified_job_template", w.jt}, {"extra_data", json::object{{"a", 1}}}});
  EXPECT_EQ(r.json,
            field_err("extra_data",
                      "Variables a are not allowed on launch. Check the Prompt on Launch setting "
                      "on the Job Template to include Extra Variables."));
  Resp ok = api.Post(WfjtUrl(id, "workflow_nodes"),
                     json::object{{"unified_job_template", asks}, {"extra_data", "a: 1"}})
                .Expect(201);
  EXPECT_EQ(ok["extra_data"], json::value(json::object{{"a", 1}}));
  // A value equal to the template's is no prompt at all.
  EXPECT_EQ(post({{"unified_job_template", w.jt}, {"job_type", "run"}}).status, 201);
  // Project nodes prompt for nothing: checked only when extra_data comes along.
  int64_t proj = w.project;
  EXPECT_EQ(post({{"unified_job_template", proj}, {"limit", "x"}}).status, 201);
  r = post(
      {{"unified_job_template", proj}, {"limit", "x"}, {"extra_data", json::object{{"b", 2}}}});
  EXPECT_EQ(r.json,
            json::value(json::object{{"extra_data", json::array{"Field is not allowed on launch."}},
                                     {"limit", json::array{"Field is not allowed on launch."}}}));
  // Without a template, prompts are dropped silently.
  Resp bare =
      api.Post(WfjtUrl(id, "workflow_nodes"),
               json::object{
                   {"limit", "x"}, {"job_type", "check"}, {"extra_data", json::object{{"c", 3}}}})
          .Expect(201);
  EXPECT_EQ(bare["limit"], nullptr);
  EXPECT_EQ(bare["job_type"], nullptr);
  EXPECT_EQ(bare["extra_data"], json::value(json::object{}));
  // A nested workflow only examines the workflow's seven prompts (PF-9).
  int64_t inner = MakeWfjt(api, "inner", w.org);
  EXPECT_EQ(post({{"unified_job_template", inner}, {"job_type", "check"}, {"forks", 5}}).status,
            201);
  r = post({{"unified_job_template", inner}, {"limit", "l"}});
  EXPECT_EQ(r.json, field_err("limit", "Field is not configured to prompt on launch."));
  r = post({{"unified_job_template", inner}, {"extra_data", json::object{{"v", 1}}}});
  EXPECT_EQ(r.json, field_err("extra_data",
                              "Variables v are not allowed on launch. Check the Prompt on Launch "
                              "setting on the Workflow Job Template to include Extra Variables."));
  // PATCH only checks what it names; a change of template alone does not re-check (PF-10).
  Resp n = api.Post(WfjtUrl(id, "workflow_nodes"),
                    json::object{{"unified_job_template", asks}, {"limit", "a"}})
               .Expect(201);
  Resp kept = api.Patch(NodeUrl(n.id()), json::object{{"job_type", "run"}}).Expect(200);
  EXPECT_EQ(kept["limit"], "a");  // DM-6d
  api.Patch(NodeUrl(n.id()), json::object{{"unified_job_template", w.jt}}).Expect(200);
  EXPECT_EQ(api.Patch(NodeUrl(n.id()), json::object{{"limit", "b"}}).Expect(400).json,
            field_err("limit", "Field is not configured to prompt on launch."));
  // Type checks of the prompt fields.
  EXPECT_EQ(post({{"verbosity", 9}}).json, field_err("verbosity", "\"9\" is not a valid choice."));
  EXPECT_EQ(post({{"forks", -1}}).json,
            field_err("forks", "Ensure this value is greater than or equal to 0."));
  // diff_mode is a nullable boolean (a project node stores prompts it ignores).
  Resp dm = api.Post(WfjtUrl(id, "workflow_nodes"),
                     json::object{{"unified_job_template", proj}, {"diff_mode", false}})
                .Expect(201);
  EXPECT_EQ(dm["diff_mode"], false);
  EXPECT_EQ(
      api.Patch(NodeUrl(dm.id()), json::object{{"diff_mode", nullptr}}).Expect(200)["diff_mode"],
      nullptr);
  EXPECT_EQ(
      api.Patch(NodeUrl(dm.id()), json::object{{"diff_mode", false}}).Expect(200)["diff_mode"],
      false);
}

TEST(WorkflowNodes, SurveyPasswordAnswersAreEncrypted) {
  Api api;
  JtWorld w(api, "pw", {{"survey_enabled", true}});
  api.Post(JtUrl(w.jt, "survey_spec"),
           json::object{{"name", "s"},
                        {"description", ""},
                        {"spec", json::array{json::object{{"question_name", "p"},
                                                          {"required", true},
                                                          {"type", "password"},
                                                          {"variable", "secret"}},
                                             json::object{{"question_name", "d"},
                                                          {"required", false},
                                                          {"type", "password"},
                                                          {"variable", "withdef"},
                                                          {"default", "dflt"}}}}})
      .Expect(200);
  int64_t id = MakeWfjt(api, "pw", w.org);
  // The required answer may come later (required errors are suppressed for nodes).
  api.Post(WfjtUrl(id, "workflow_nodes"), json::object{{"unified_job_template", w.jt}}).Expect(201);
  Resp n = api.Post(WfjtUrl(id, "workflow_nodes"),
                    json::object{{"unified_job_template", w.jt},
                                 {"extra_data", json::object{{"secret", "s3cret"}}}})
               .Expect(201);
  EXPECT_EQ(n["extra_data"], json::value(json::object{{"secret", "$encrypted$"}}));
  auto stored = api.db().Local().QueryString(
      "SELECT extra_data FROM workflow_job_template_nodes WHERE id = ?", {n.id()});
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->find("s3cret"), std::string::npos);
  EXPECT_NE(stored->find("$encrypted$AESGCM$"), std::string::npos);
  // "$encrypted$" keeps the stored answer.
  api.Patch(NodeUrl(n.id()), json::object{{"extra_data", json::object{{"secret", "$encrypted$"}}}})
      .Expect(200);
  EXPECT_EQ(*api.db().Local().QueryString(
                "SELECT extra_data FROM workflow_job_template_nodes WHERE id = ?", {n.id()}),
            *stored);
  // Without a stored answer: dropped when the question has a default, else an error.
  Resp d = api.Post(WfjtUrl(id, "workflow_nodes"),
                    json::object{{"unified_job_template", w.jt},
                                 {"extra_data", json::object{{"withdef", "$encrypted$"}}}})
               .Expect(201);
  EXPECT_EQ(d["extra_data"], json::value(json::object{}));
  EXPECT_EQ(api.Post(WfjtUrl(id, "workflow_nodes"),
                     json::object{{"unified_job_template", w.jt},
                                  {"extra_data", json::object{{"secret", "$encrypted$"}}}})
                .Expect(400)
                .json,
            json::value(json::object{
                {"extra_data",
                 json::array{"Provided variable secret has no database value to replace with."}}}));
}

TEST(WorkflowNodes, CredentialsFollowTheLaunchConfigurationRules) {
  Api api;
  JtWorld w(api, "cr");
  int64_t asks = MakeJt(api, "asks", w.project, w.inventory, {{"ask_credential_on_launch", true}});
  int64_t on_jt = MachineCred(api, "on-jt", w.org);
  AttachCred(api, asks, on_jt);
  int64_t m1 = MachineCred(api, "m1", w.org), m2 = MachineCred(api, "m2", w.org);
  int64_t ask_pw =
      MakeCred(api, "askpw", "Machine", w.org, {{"username", "u"}, {"password", "ASK"}});
  int64_t id = MakeWfjt(api, "c", w.org);
  int64_t bare = MakeNode(api, id);
  int64_t project_node = MakeNode(api, id, {{"unified_job_template", w.project}});
  int64_t no_ask = MakeNode(api, id, {{"unified_job_template", w.jt}});
  int64_t node = MakeNode(api, id, {{"unified_job_template", asks}});
  auto attach = [&](int64_t n, int64_t c) {
    return api.Post(NodeUrl(n, "credentials"), json::object{{"id", c}}).Send();
  };
  auto msg = [](const std::string& m) { return json::value(json::object{{"msg", m}}); };
  EXPECT_EQ(attach(bare, m1).json, msg("Cannot assign credential when related template is null."));
  EXPECT_EQ(attach(project_node, m1).json,
            msg("Related template cannot accept credentials on launch."));
  EXPECT_EQ(attach(node, ask_pw).json,
            msg("Credential that requires user input on launch cannot be used in saved launch "
                "configuration."));
  EXPECT_EQ(attach(no_ask, m1).json,
            msg("Related template is not configured to accept credentials on launch."));
  EXPECT_EQ(attach(node, on_jt).json, msg("Related template already uses on-jt credential."));
  EXPECT_EQ(attach(node, m1).status, 204);
  EXPECT_EQ(attach(node, m2).json,
            msg("This launch configuration already provides a Machine credential."));
  EXPECT_EQ(api.Get(NodeUrl(node, "credentials")).Expect(200).count(), 1);
  api.Post(NodeUrl(node, "credentials"), json::object{{"id", m1}, {"disassociate", true}})
      .Expect(204);
  EXPECT_EQ(attach(node, m2).status, 204);
  // RB-14: use on the credential is needed (read is not enough).
  int64_t u = api.User("cu");
  api.Grant(WfjtUrl(id), "admin_role", u);
  api.Grant(JtUrl(asks), "execute_role", u);
  int64_t m3 = MachineCred(api, "m3", w.org);
  api.Grant("/api/v2/credentials/" + std::to_string(m3) + "/", "read_role", u);
  api.Post(NodeUrl(node, "credentials"), json::object{{"id", m2}, {"disassociate", true}})
      .Expect(204);
  api.Post(NodeUrl(node, "credentials"), json::object{{"id", m3}}).As("cu").Expect(403);
  api.Grant("/api/v2/credentials/" + std::to_string(m3) + "/", "use_role", u);
  api.Post(NodeUrl(node, "credentials"), json::object{{"id", m3}}).As("cu").Expect(204);
  // Labels attach without any prompt check.
  int64_t label = api.Post("/api/v2/labels/", json::object{{"name", "nl"}, {"organization", w.org}})
                      .Expect(201)
                      .id();
  api.Post(NodeUrl(no_ask, "labels"), json::object{{"id", label}}).Expect(204);
  EXPECT_EQ(api.Get(NodeUrl(no_ask, "labels")).Expect(200).count(), 1);
}

TEST(WorkflowNodes, ApprovalTemplates) {
  Api api;
  JtWorld w(api, "ap");
  int64_t id = MakeWfjt(api, "ap", w.org);
  int64_t node = MakeNode(api, id, {{"unified_job_template", w.jt}});
  EXPECT_EQ(api.Get(NodeUrl(node, "create_approval_template")).Expect(200).json,
            json::value(json::object{}));
  EXPECT_EQ(api.Post(NodeUrl(node, "create_approval_template"), json::object{{"name", ""}})
                .Expect(400)
                .json,
            json::value(json::object{{"name", json::array{"This field may not be blank."}}}));
  EXPECT_EQ(api.Get(NodeUrl(node)).Expect(200)["unified_job_template"], w.jt);
  Resp at =
      api.Post(NodeUrl(node, "create_approval_template"),
               json::object{{"name", "Approve deploy"}, {"description", "d"}, {"timeout", 30}})
          .Expect(201);
  int64_t at_id = at.id();
  std::string at_url = "/api/v2/workflow_approval_templates/" + std::to_string(at_id) + "/";
  EXPECT_EQ(at["type"], "workflow_approval_template");
  EXPECT_EQ(at["timeout"], 30);
  EXPECT_EQ(at["related"].as_object().at("jobs"), json::value(at_url + "approvals/"));
  EXPECT_GT(at_id, id);  // the unified job template sequence
  Resp n = api.Get(NodeUrl(node)).Expect(200);
  EXPECT_EQ(n["unified_job_template"], at_id);
  EXPECT_EQ(n["timeout"], nullptr);  // the node's own prompt is unrelated
  EXPECT_EQ(n["related"].as_object().at("unified_job_template"), json::value(at_url));
  EXPECT_EQ(n["summary_fields"].as_object().at("unified_job_template"),
            (json::object{{"id", at_id},
                          {"name", "Approve deploy"},
                          {"description", "d"},
                          {"unified_job_type", "workflow_approval"},
                          {"timeout", 30}}));
  // The template is edited at its own URL; only superusers delete it.
  EXPECT_EQ(api.Patch(at_url, json::object{{"timeout", 60}}).Expect(200)["timeout"], 60);
  api.Get(at_url + "approvals/").Expect(200);
  int64_t admin = api.User("apa");
  api.Grant(WfjtUrl(id), "admin_role", admin);
  api.Patch(at_url, json::object{{"name", "x"}}).As("apa").Expect(200);
  api.Delete(at_url).As("apa").Expect(403);
  int64_t ex = api.User("ape");
  api.Grant(WfjtUrl(id), "execute_role", ex);
  api.Get(at_url).As("ape").Expect(200);
  api.Patch(at_url, json::object{{"name", "y"}}).As("ape").Expect(403);
  api.Post(NodeUrl(node, "create_approval_template"), json::object{{"name", "z"}})
      .As("ape")
      .Expect(403);
  api.Get("/api/v2/workflow_approval_templates/").Expect(404);
  // A pending approval is denied when its template goes with the node (DM-20).
  int64_t approval = api.db().Local().Insert(
      "INSERT INTO unified_jobs (type, name, status, unified_job_template_id, "
      "workflow_approval_template_id, created, modified) VALUES ('workflow_approval', 'x', "
      "'pending', ?, ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {at_id, at_id});
  EXPECT_EQ(api.Delete(at_url).Send().status, 409);
  // A new approval template replaces the old one, which goes.
  int64_t at2 = api.Post(NodeUrl(node, "create_approval_template"), json::object{{"name", "again"}})
                    .Expect(201)
                    .id();
  api.Get(at_url).Expect(404);
  EXPECT_EQ(JobColumn(api, approval, "status"), "failed");
  // Moving the node to another template deletes its approval template too.
  api.Patch(NodeUrl(node), json::object{{"unified_job_template", w.jt}}).Expect(200);
  api.Get("/api/v2/workflow_approval_templates/" + std::to_string(at2) + "/").Expect(404);
  // Deleting the node deletes its approval template.
  int64_t at3 = api.Post(NodeUrl(node, "create_approval_template"), json::object{{"name", "3"}})
                    .Expect(201)
                    .id();
  api.Delete(NodeUrl(node)).Expect(204);
  api.Get("/api/v2/workflow_approval_templates/" + std::to_string(at3) + "/").Expect(404);
  api.Get(NodeUrl(node, "create_approval_template")).Expect(404);
}

TEST(WorkflowNodes, DeletedTemplatesLeaveNodesWithoutOne) {
  Api api;
  JtWorld w(api, "dt");
  int64_t id = MakeWfjt(api, "dt", w.org);
  int64_t inner = MakeWfjt(api, "inner", w.org);
  int64_t a = MakeNode(api, id, {{"unified_job_template", w.jt}});
  int64_t b = MakeNode(api, id, {{"unified_job_template", inner}});
  int64_t c = MakeNode(api, id, {{"unified_job_template", w.project}});
  EXPECT_EQ(api.Get(NodeUrl(b))
                .Expect(200)["summary_fields"]
                .as_object()
                .at("unified_job_template")
                .as_object()
                .at("unified_job_type"),
            "workflow_job");
  EXPECT_EQ(api.Get(NodeUrl(c)).Expect(200)["related"].as_object().at("unified_job_template"),
            json::value(ProjUrl(w.project)));
  api.Delete(JtUrl(w.jt)).Expect(204);
  api.Delete(WfjtUrl(inner)).Expect(204);
  EXPECT_EQ(api.Get(NodeUrl(a)).Expect(200)["unified_job_template"], nullptr);
  Resp nb = api.Get(NodeUrl(b)).Expect(200);
  EXPECT_EQ(nb["unified_job_template"], nullptr);
  EXPECT_FALSE(nb["related"].as_object().contains("unified_job_template"));
  EXPECT_FALSE(nb["summary_fields"].as_object().contains("unified_job_template"));
}

}  // namespace
}  // namespace baton::testing
