// Job template RBAC (AWX JobTemplateAccess, workflow-semantics.md §6 for templates): who may
// read, edit, delete, launch, copy a template, attach a credential to it and create one.
#include <functional>

#include "job_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace jt;

struct Row {
  std::string actor;
  std::function<void(Api&, int64_t org, int64_t jt, int64_t user)> grant;
  bool read, edit, del, launch, copy, attach, create;
};

TEST(JobTemplateRbac, Matrix) {
  auto org_role = [](const char* field) {
    return [field](Api& api, int64_t org, int64_t, int64_t u) { api.Grant(OrgUrl(org), field, u); };
  };
  auto jt_role = [](const char* field) {
    return [field](Api& api, int64_t, int64_t jt, int64_t u) { api.Grant(JtUrl(jt), field, u); };
  };
  auto none = [](Api&, int64_t, int64_t, int64_t) {};
  std::vector<Row> rows = {
      //  actor        grant                               read  edit   del    launch copy  attach
      //  create
      {"superuser", none, true, true, true, true, true, true, true},
      {"org_admin", org_role("admin_role"), true, true, true, true, true, true, true},
      {"org_jt_admin", org_role("job_template_admin_role"), true, true, true, true, false, true,
       false},
      {"org_execute", org_role("execute_role"), true, false, false, true, false, false, false},
      {"org_auditor", org_role("auditor_role"), true, false, false, false, false, false, false},
      {"org_member", org_role("member_role"), false, false, false, false, false, false, false},
      {"jt_admin", jt_role("admin_role"), true, true, true, true, false, true, false},
      {"jt_execute", jt_role("execute_role"), true, false, false, true, false, false, false},
      {"jt_read", jt_role("read_role"), true, false, false, false, false, false, false},
      {"sys_auditor", none, true, false, false, false, false, false, false},
      {"outsider", none, false, false, false, false, false, false, false},
  };
  Api api;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.actor);
    const std::string& u = row.actor;
    JtWorld w(api, u);
    int64_t cred = MachineCred(api, "cred-" + u, w.org);
    int64_t uid = api.User(u, u == "superuser", u == "sys_auditor");
    row.grant(api, w.org, w.jt, uid);
    // The actor may use the credential: attaching then only depends on the template.
    api.Grant(CredUrl(cred), "use_role", uid);

    Resp d = api.Get(JtUrl(w.jt)).As(u).Send();
    EXPECT_EQ(d.status, row.read ? 200 : 403);
    EXPECT_EQ(api.Get("/api/v2/job_templates/?name=" + u + "-jt").As(u).Expect(200).count(),
              row.read ? 1 : 0);
    if (row.read) {
      const auto& caps = d["summary_fields"].as_object().at("user_capabilities").as_object();
      EXPECT_EQ(caps.at("edit"), row.edit);
      EXPECT_EQ(caps.at("delete"), row.del);
      EXPECT_EQ(caps.at("start"), row.launch);
      EXPECT_EQ(caps.at("schedule"), row.launch);
      EXPECT_EQ(caps.at("copy"), row.copy);
      EXPECT_EQ(api.Get(JtUrl(w.jt, "copy")).As(u).Expect(200)["can_copy"], row.copy);
      api.Get(JtUrl(w.jt, "launch")).As(u).Expect(200);
      api.Get(JtUrl(w.jt, "survey_spec")).As(u).Expect(200);
      api.Get(JtUrl(w.jt, "credentials")).As(u).Expect(200);
    }
    EXPECT_EQ(api.Post(JtUrl(w.jt, "credentials"), json::object{{"id", cred}}).As(u).Send().status,
              row.attach ? 204 : 403);
    EXPECT_EQ(api.Post(JtUrl(w.jt, "launch"), json::object{}).As(u).Send().status,
              row.launch ? 201 : 403);
    EXPECT_EQ(
        api.Post(JtUrl(w.jt, "copy"), json::object{{"name", "copy-" + u}}).As(u).Send().status,
        row.copy ? 201 : 403);
    EXPECT_EQ(api.Post("/api/v2/job_templates/", json::object{{"name", "made-" + u},
                                                              {"project", w.project},
                                                              {"inventory", w.inventory},
                                                              {"playbook", "site.yml"}})
                  .As(u)
                  .Send()
                  .status,
              row.create ? 201 : 403);
    EXPECT_EQ(api.Patch(JtUrl(w.jt), json::object{{"description", "x"}}).As(u).Send().status,
              row.edit ? 200 : 403);
    api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE job_template_id = ?",
                          {w.jt});
    EXPECT_EQ(api.Delete(JtUrl(w.jt)).As(u).Send().status, row.del ? 204 : 403);
  }
}

// An admin of the template without access to its inventory and project may change the
// non-sensitive fields only (AWX changes_are_non_sensitive).
TEST(JobTemplateRbac, SensitiveChangesNeedUseOfInventoryAndProject) {
  Api api;
  JtWorld w(api, "sens");
  int64_t inv2 = MakeInventory(api, "sens-inv2", w.org);
  int64_t u = api.User("jta");
  api.Grant(JtUrl(w.jt), "admin_role", u);
  api.Patch(JtUrl(w.jt), json::object{{"name", "renamed"}, {"forks", 3}, {"limit", "x"}})
      .As("jta")
      .Expect(200);
  api.Patch(JtUrl(w.jt), json::object{{"inventory", w.inventory}}).As("jta").Expect(200);
  api.Patch(JtUrl(w.jt), json::object{{"inventory", inv2}}).As("jta").Expect(403);
  api.Patch(JtUrl(w.jt), json::object{{"become_enabled", true}}).As("jta").Expect(403);
  api.Grant(InvUrl2(inv2), "use_role", u);
  api.Patch(JtUrl(w.jt), json::object{{"inventory", inv2}}).As("jta").Expect(403);  // old one too
  api.Grant(InvUrl2(w.inventory), "use_role", u);
  api.Grant(ProjUrl(w.project), "use_role", u);
  api.Patch(JtUrl(w.jt), json::object{{"inventory", inv2}}).As("jta").Expect(200);
  // Detaching a credential needs the template's admin only; labels need read on the label.
  int64_t other = api.Org("sens-other");
  int64_t foreign =
      api.Post("/api/v2/labels/", json::object{{"name", "f"}, {"organization", other}})
          .Expect(201)
          .id();
  api.Post(JtUrl(w.jt, "labels"), json::object{{"id", foreign}}).As("jta").Expect(403);
  // Making a new label needs membership of its organization (AWX LabelAccess.can_add).
  api.Post(JtUrl(w.jt, "labels"), json::object{{"name", "mine"}, {"organization", w.org}})
      .As("jta")
      .Expect(403);
  api.Grant(OrgUrl(w.org), "member_role", u);
  api.Post(JtUrl(w.jt, "labels"), json::object{{"name", "mine"}, {"organization", w.org}})
      .As("jta")
      .Expect(201);
  // Creating needs use on both the project and the inventory.
  int64_t c = api.User("creator");
  api.Grant(ProjUrl(w.project), "use_role", c);
  api.Post("/api/v2/job_templates/", json::object{{"name", "by-creator"},
                                                  {"project", w.project},
                                                  {"inventory", inv2},
                                                  {"playbook", "site.yml"}})
      .As("creator")
      .Expect(403);
  api.Grant(InvUrl2(inv2), "use_role", c);
  api.Post("/api/v2/job_templates/", json::object{{"name", "by-creator"},
                                                  {"project", w.project},
                                                  {"inventory", inv2},
                                                  {"playbook", "site.yml"}})
      .As("creator")
      .Expect(201);
}

}  // namespace
}  // namespace baton::testing
