// Workflow RBAC (workflow-semantics.md RB-1..RB-6, RB-10..RB-13, RB-22, CP-1, CP-2) as a matrix
// of actors, the create refusals with AWX's bodies, node permissions, and copy/ with its
// warnings and pruning; workflow templates in /unified_job_templates/.
#include <functional>

#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

struct Row {
  std::string actor;
  std::function<void(Api&, int64_t org, int64_t wfjt, int64_t user)> grant;
  bool read, edit, start, copy, create;
};

TEST(WorkflowRbac, Matrix) {
  auto org_role = [](const char* field) {
    return [field](Api& api, int64_t org, int64_t, int64_t u) { api.Grant(OrgUrl(org), field, u); };
  };
  auto wf_role = [](const char* field) {
    return [field](Api& api, int64_t, int64_t w, int64_t u) { api.Grant(WfjtUrl(w), field, u); };
  };
  auto none = [](Api&, int64_t, int64_t, int64_t) {};
  std::vector<Row> rows = {
      // actor              grant                               read   edit   start  copy   create
      {"superuser", none, true, true, true, true, true},
      {"org_admin", org_role("admin_role"), true, true, true, true, true},
      {"org_wf_admin", org_role("workflow_admin_role"), true, true, true, true, true},
      {"org_execute", org_role("execute_role"), true, false, true, false, false},
      {"org_approval", org_role("approval_role"), true, false, false, false, false},
      {"org_auditor", org_role("auditor_role"), true, false, false, false, false},
      {"org_member", org_role("member_role"), false, false, false, false, false},
      {"wf_admin", wf_role("admin_role"), true, true, true, false, false},
      {"wf_execute", wf_role("execute_role"), true, false, true, false, false},
      {"wf_approval", wf_role("approval_role"), true, false, false, false, false},
      {"wf_read", wf_role("read_role"), true, false, false, false, false},
      {"sys_auditor", none, true, false, false, false, false},
      {"outsider", none, false, false, false, false, false},
  };
  Api api;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.actor);
    const std::string& u = row.actor;
    int64_t org = api.Org(u + "-org");
    int64_t w = MakeWfjt(api, u + "-wf", org);
    int64_t doomed = MakeWfjt(api, u + "-doomed", org);
    int64_t node = MakeNode(api, w);
    int64_t other = MakeNode(api, w);
    int64_t uid = api.User(u, u == "superuser", u == "sys_auditor");
    row.grant(api, org, w, uid);
    row.grant(api, org, doomed, uid);

    Resp d = api.Get(WfjtUrl(w)).As(u).Send();
    EXPECT_EQ(d.status, row.read ? 200 : 403);
    EXPECT_EQ(api.Get(std::string(kWfjts) + "?name=" + u + "-wf").As(u).Expect(200).count(),
              row.read ? 1 : 0);
    EXPECT_EQ(api.Get(NodeUrl(node)).As(u).Send().status, row.read ? 200 : 403);
    EXPECT_EQ(api.Get(WfjtUrl(w, "workflow_nodes")).As(u).Send().status, row.read ? 200 : 403);
    if (row.read) {
      const auto& caps = d["summary_fields"].as_object().at("user_capabilities").as_object();
      EXPECT_EQ(caps.at("edit"), row.edit);
      EXPECT_EQ(caps.at("delete"), row.edit);
      EXPECT_EQ(caps.at("start"), row.start);
      EXPECT_EQ(caps.at("schedule"), row.start);
      EXPECT_EQ(caps.at("copy"), row.copy);
      EXPECT_EQ(api.Get(WfjtUrl(w, "copy")).As(u).Expect(200)["can_copy"], row.copy);
      api.Get(WfjtUrl(w, "survey_spec")).As(u).Expect(200);
      EXPECT_EQ(api.Get(std::string(kNodes) + "?workflow_job_template=" + std::to_string(w))
                    .As(u)
                    .Expect(200)
                    .count(),
                2);
    } else {
      EXPECT_EQ(api.Get(WfjtUrl(w, "copy")).As(u).Send().status, 403);
    }
    int edit = row.edit ? 200 : 403;
    EXPECT_EQ(api.Patch(WfjtUrl(w), json::object{{"description", "x"}}).As(u).Send().status, edit);
    EXPECT_EQ(api.Post(WfjtUrl(w, "survey_spec"),
                       json::object{{"name", "s"},
                                    {"description", ""},
                                    {"spec", json::array{json::object{{"question_name", "q"},
                                                                      {"required", false},
                                                                      {"type", "text"},
                                                                      {"variable", "v"}}}}})
                  .As(u)
                  .Send()
                  .status,
              edit);
    EXPECT_EQ(api.Get(WfjtUrl(w, "webhook_key")).As(u).Send().status, edit);
    EXPECT_EQ(api.Post(WfjtUrl(w, "workflow_nodes"), json::object{}).As(u).Send().status,
              row.edit ? 201 : 403);
    EXPECT_EQ(Link(api, node, "success", other, u).status, row.edit ? 204 : 403);
    EXPECT_EQ(api.Post(NodeUrl(other, "create_approval_template"), json::object{{"name", "a"}})
                  .As(u)
                  .Send()
                  .status,
              row.edit ? 201 : 403);
    EXPECT_EQ(api.Patch(NodeUrl(node), json::object{{"identifier", "renamed"}}).As(u).Send().status,
              edit);
    EXPECT_EQ(api.Post(WfjtUrl(w, "copy"), json::object{{"name", u + "-copy"}}).As(u).Send().status,
              row.copy ? 201 : 403);
    EXPECT_EQ(api.Post(kWfjts, json::object{{"name", u + "-made"}, {"organization", org}})
                  .As(u)
                  .Send()
                  .status,
              row.create ? 201 : 403);
    EXPECT_EQ(api.Delete(NodeUrl(node)).As(u).Send().status, row.edit ? 204 : 403);
    EXPECT_EQ(api.Delete(WfjtUrl(doomed)).As(u).Send().status, row.edit ? 204 : 403);
  }
}

TEST(WorkflowRbac, CreateRefusalsCarryAwxBodies) {
  Api api;
  int64_t org = api.Org("co");
  int64_t inv = MakeInventory(api, "ci", org);
  int64_t u = api.User("cu");
  EXPECT_EQ(api.Post(kWfjts, json::object{{"name", "x"}}).As("cu").Expect(403).json,
            json::value(json::object{
                {"organization", json::array{"An organization is required to create a workflow "
                                             "job template for normal user"}}}));
  EXPECT_EQ(api.Post(kWfjts, json::object{{"name", "x"}, {"organization", org}})
                .As("cu")
                .Expect(403)
                .json,
            json::value(json::object{}));
  api.Grant(OrgUrl(org), "workflow_admin_role", u);
  EXPECT_EQ(api.Post(kWfjts, json::object{{"name", "x"}, {"organization", org}, {"inventory", inv}})
                .As("cu")
                .Expect(403)
                .json,
            json::value(json::object{
                {"inventory", json::array{"You do not have use_role to the inventory"}}}));
  api.Grant(InvUrl2(inv), "use_role", u);
  int64_t w =
      api.Post(kWfjts, json::object{{"name", "x"}, {"organization", org}, {"inventory", inv}})
          .As("cu")
          .Expect(201)
          .id();
  // RB-4: moving to another organization needs workflow_admin_role there too.
  int64_t org2 = api.Org("co2");
  api.Patch(WfjtUrl(w), json::object{{"organization", org2}}).As("cu").Expect(403);
  api.Grant(OrgUrl(org2), "workflow_admin_role", u);
  api.Patch(WfjtUrl(w), json::object{{"organization", org2}}).As("cu").Expect(200);
  // The superuser needs no organization.
  api.Post(kWfjts, json::object{{"name", "free"}}).Expect(201);
}

TEST(WorkflowRbac, NodesNeedTheRightToStartTheirTemplates) {
  Api api;
  JtWorld w(api, "nr");
  int64_t id = MakeWfjt(api, "nr", w.org);
  int64_t u = api.User("na");
  api.Grant(WfjtUrl(id), "admin_role", u);
  auto add = [&](json::object body) {
    return api.Post(WfjtUrl(id, "workflow_nodes"), body).As("na").Send().status;
  };
  // Read on the job template is not enough (RB-10).
  api.Grant(JtUrl(w.jt), "read_role", u);
  EXPECT_EQ(add({{"unified_job_template", w.jt}}), 403);
  int64_t foreign = MakeNode(api, id, {{"unified_job_template", w.jt}, {"identifier", "foreign"}});
  // Without access to its template a WFJT admin may not change a node, but may delete it.
  EXPECT_EQ(api.Patch(NodeUrl(foreign), json::object{{"all_parents_must_converge", true}})
                .As("na")
                .Send()
                .status,
            403);
  EXPECT_EQ(api.Get(NodeUrl(foreign))
                .As("na")
                .Expect(200)["summary_fields"]
                .as_object()
                .at("user_capabilities"),
            (json::object{{"edit", false}, {"delete", true}}));
  api.Grant(JtUrl(w.jt), "execute_role", u);
  EXPECT_EQ(add({{"unified_job_template", w.jt}}), 201);
  // A prompted inventory needs use.
  int64_t asks = MakeJt(api, "asks", w.project, w.inventory, {{"ask_inventory_on_launch", true}});
  api.Grant(JtUrl(asks), "execute_role", u);
  int64_t inv2 = MakeInventory(api, "inv2", w.org);
  EXPECT_EQ(add({{"unified_job_template", asks}, {"inventory", inv2}}), 403);
  api.Grant(InvUrl2(inv2), "use_role", u);
  EXPECT_EQ(add({{"unified_job_template", asks}, {"inventory", inv2}}), 201);
  // A project needs update_role; changing a node's template needs the right on the new one.
  int64_t mine = MakeNode(api, id, {{"identifier", "mine"}});
  EXPECT_EQ(api.Patch(NodeUrl(mine), json::object{{"unified_job_template", w.project}})
                .As("na")
                .Send()
                .status,
            403);
  api.Grant(ProjUrl(w.project), "update_role", u);
  EXPECT_EQ(api.Patch(NodeUrl(mine), json::object{{"unified_job_template", w.project}})
                .As("na")
                .Send()
                .status,
            200);
  api.Delete(NodeUrl(foreign)).As("na").Expect(204);
  // The execute role alone on the workflow adds nothing.
  int64_t e = api.User("ne");
  api.Grant(WfjtUrl(id), "execute_role", e);
  api.Grant(JtUrl(w.jt), "execute_role", e);
  EXPECT_EQ(api.Post(WfjtUrl(id, "workflow_nodes"), json::object{{"unified_job_template", w.jt}})
                .As("ne")
                .Send()
                .status,
            403);
}

TEST(WorkflowCopy, CopiesNodesEdgesPromptsAndApprovalTemplates) {
  Api api;
  JtWorld w(api, "cp");
  int64_t asks = MakeJt(api, "asks", w.project, w.inventory,
                        {{"ask_limit_on_launch", true}, {"ask_credential_on_launch", true}});
  int64_t cred = MachineCred(api, "cpc", w.org);
  int64_t id = MakeWfjt(api, "orig", w.org,
                        {{"description", "d"},
                         {"extra_vars", "a: 1"},
                         {"limit", "l"},
                         {"ask_limit_on_launch", true},
                         {"webhook_service", "github"}});
  api.Post(WfjtUrl(id, "survey_spec"),
           json::object{{"name", "s"},
                        {"description", "sd"},
                        {"spec", json::array{json::object{{"question_name", "q"},
                                                          {"required", false},
                                                          {"type", "text"},
                                                          {"variable", "v"}}}}})
      .Expect(200);
  api.Post(WfjtUrl(id, "labels"), json::object{{"name", "lab"}, {"organization", w.org}})
      .Expect(201);
  int64_t a =
      MakeNode(api, id, {{"unified_job_template", asks}, {"identifier", "a"}, {"limit", "x"}});
  api.Post(NodeUrl(a, "credentials"), json::object{{"id", cred}}).Expect(204);
  int64_t b = MakeNode(api, id, {{"identifier", "b"}, {"all_parents_must_converge", true}});
  int64_t at = api.Post(NodeUrl(b, "create_approval_template"),
                        json::object{{"name", "gate"}, {"timeout", 9}})
                   .Expect(201)
                   .id();
  int64_t c = MakeNode(api, id, {{"unified_job_template", w.jt}, {"identifier", "c"}});
  ASSERT_EQ(Link(api, a, "success", b).status, 204);
  ASSERT_EQ(Link(api, a, "failure", c).status, 204);
  ASSERT_EQ(Link(api, b, "always", c).status, 204);

  EXPECT_EQ(api.Get(WfjtUrl(id, "copy")).Expect(200).json,
            json::value(json::object{{"can_copy", true},
                                     {"can_copy_without_user_input", true},
                                     {"templates_unable_to_copy", json::array{}},
                                     {"credentials_unable_to_copy", json::array{}},
                                     {"inventories_unable_to_copy", json::array{}}}));
  EXPECT_EQ(api.Post(WfjtUrl(id, "copy"), json::object{}).Expect(400).json,
            json::value(json::object{{"name", json::array{"This field is required."}}}));
  EXPECT_EQ(api.Post(WfjtUrl(id, "copy"), json::object{{"name", "orig"}}).Expect(400).json,
            json::value(json::object{
                {"__all__", json::array{"The original object is already named orig, a copy from "
                                        "it cannot have the same name."}}}));
  Resp copy = api.Post(WfjtUrl(id, "copy"), json::object{{"name", "copied"}}).Expect(201);
  int64_t cid = copy.id();
  EXPECT_EQ(copy.Header("Location"), WfjtUrl(cid));
  EXPECT_EQ(copy["description"], "d");
  EXPECT_EQ(copy["extra_vars"], "a: 1");
  EXPECT_EQ(copy["limit"], "l");
  EXPECT_EQ(copy["ask_limit_on_launch"], true);
  EXPECT_EQ(copy["organization"], w.org);
  EXPECT_EQ(copy["summary_fields"].as_object().at("labels").as_object().at("count"), 1);
  EXPECT_EQ(copy["summary_fields"].as_object().at("survey").as_object().at("title"), "s");
  std::string key1(api.Get(WfjtUrl(id, "webhook_key")).Expect(200)["webhook_key"].as_string());
  std::string key2(api.Get(WfjtUrl(cid, "webhook_key")).Expect(200)["webhook_key"].as_string());
  EXPECT_EQ(key2.size(), 50u);
  EXPECT_NE(key1, key2);
  Resp nodes = api.Get(WfjtUrl(cid, "workflow_nodes")).Expect(200);
  ASSERT_EQ(nodes.count(), 3);
  std::map<std::string, json::object> by_id;
  std::map<int64_t, std::string> names;
  for (auto& n : nodes.results()) {
    by_id[std::string(n.as_object().at("identifier").as_string())] = n.as_object();
    names[n.as_object().at("id").as_int64()] =
        std::string(n.as_object().at("identifier").as_string());
  }
  auto children = [&](const std::string& n, const char* rel) {
    std::vector<std::string> out;
    for (int64_t i : IdList(by_id[n].at(rel))) out.push_back(names[i]);
    return out;
  };
  EXPECT_EQ(children("a", "success_nodes"), std::vector<std::string>{"b"});
  EXPECT_EQ(children("a", "failure_nodes"), std::vector<std::string>{"c"});
  EXPECT_EQ(children("b", "always_nodes"), std::vector<std::string>{"c"});
  EXPECT_EQ(by_id["a"].at("limit"), "x");
  EXPECT_EQ(by_id["a"].at("unified_job_template"), asks);
  EXPECT_EQ(by_id["b"].at("all_parents_must_converge"), true);
  EXPECT_EQ(api.Get(NodeUrl(by_id["a"].at("id").as_int64(), "credentials")).Expect(200).count(), 1);
  // Approval templates are never shared: the copy gets its own, named "<name> copy".
  int64_t new_at = by_id["b"].at("unified_job_template").as_int64();
  EXPECT_NE(new_at, at);
  Resp nat =
      api.Get("/api/v2/workflow_approval_templates/" + std::to_string(new_at) + "/").Expect(200);
  EXPECT_EQ(nat["name"], "gate copy");
  EXPECT_EQ(nat["timeout"], 9);
  // The original keeps its graph.
  EXPECT_EQ(api.Get(WfjtUrl(id, "workflow_nodes")).Expect(200).count(), 3);

  // A workflow admin of the organization without access to the nodes' resources: warnings by
  // name, and the copy leaves out what they may not use.
  int64_t u = api.User("cw");
  api.Grant(OrgUrl(w.org), "workflow_admin_role", u);
  Resp warn = api.Get(WfjtUrl(id, "copy")).As("cw").Expect(200);
  EXPECT_EQ(warn["can_copy"], true);
  EXPECT_EQ(warn["can_copy_without_user_input"], false);
  EXPECT_EQ(warn["templates_unable_to_copy"], (json::array{"asks", "cp-jt"}));
  EXPECT_EQ(warn["credentials_unable_to_copy"], (json::array{"cpc"}));
  EXPECT_EQ(warn["inventories_unable_to_copy"], json::array{});
  int64_t pruned =
      api.Post(WfjtUrl(id, "copy"), json::object{{"name", "pruned"}}).As("cw").Expect(201).id();
  Resp pruned_nodes = api.Get(WfjtUrl(pruned, "workflow_nodes")).Expect(200);
  for (auto& n : pruned_nodes.results()) {
    const auto& o = n.as_object();
    if (o.at("identifier") == "b") {
      EXPECT_NE(o.at("unified_job_template"), nullptr);  // its approval template was copied
    } else {
      EXPECT_EQ(o.at("unified_job_template"), nullptr) << o.at("identifier");
    }
    EXPECT_EQ(api.Get(NodeUrl(o.at("id").as_int64(), "credentials")).Expect(200).count(), 0);
  }
  // The copier administers the copy.
  api.Patch(WfjtUrl(pruned), json::object{{"description", "mine"}}).As("cw").Expect(200);
  // Without workflow_admin_role on the organization nothing can be copied.
  int64_t r = api.User("cr");
  api.Grant(WfjtUrl(id), "admin_role", r);
  Resp no = api.Get(WfjtUrl(id, "copy")).As("cr").Expect(200);
  EXPECT_EQ(no["can_copy"], false);
  EXPECT_EQ(no["templates_unable_to_copy"], (json::array{"all"}));
  api.Post(WfjtUrl(id, "copy"), json::object{{"name", "nope"}}).As("cr").Expect(403);
}

TEST(WorkflowUnifiedTemplates, WorkflowTemplatesAreListedButNotApprovalTemplates) {
  Api api;
  int64_t org = api.Org("uo");
  int64_t id = MakeWfjt(api, "listed", org);
  int64_t node = MakeNode(api, id);
  api.Post(NodeUrl(node, "create_approval_template"), json::object{{"name", "hidden"}}).Expect(201);
  Resp all = api.Get("/api/v2/unified_job_templates/?type=workflow_job_template").Expect(200);
  ASSERT_EQ(all.count(), 1);
  EXPECT_EQ(all.results()[0].as_object().at("id"), id);
  EXPECT_EQ(all.results()[0].as_object().at("type"), "workflow_job_template");
  EXPECT_EQ(api.Get("/api/v2/unified_job_templates/?name=hidden").Expect(200).count(), 0);
  // Visibility follows the workflow's read role.
  int64_t u = api.User("ur");
  EXPECT_EQ(api.Get("/api/v2/unified_job_templates/?name=listed").As("ur").Expect(200).count(), 0);
  api.Grant(WfjtUrl(id), "read_role", u);
  EXPECT_EQ(api.Get("/api/v2/unified_job_templates/?name=listed").As("ur").Expect(200).count(), 1);
}

}  // namespace
}  // namespace baton::testing
