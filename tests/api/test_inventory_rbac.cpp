// Inventory RBAC (AWX's InventoryAccess / HostAccess / GroupAccess): who may read, edit, delete
// an inventory, add hosts to it and create inventories in its organization.
#include <functional>

#include "inventory_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace inv;

struct Row {
  std::string actor;
  // Grants the actor its role: on the organization `org` or on the inventory `inv`.
  std::function<void(Api&, int64_t org, int64_t inv, int64_t user)> grant;
  bool read, edit, add_host, create, del;
};

std::string OrgUrl(int64_t id) {
  return "/api/v2/organizations/" + std::to_string(id) + "/";
}

TEST(InvRbac, Matrix) {
  auto org_role = [](const char* field) {
    return [field](Api& api, int64_t org, int64_t, int64_t u) { api.Grant(OrgUrl(org), field, u); };
  };
  auto inv_role = [](const char* field) {
    return [field](Api& api, int64_t, int64_t inv, int64_t u) { api.Grant(InvUrl(inv), field, u); };
  };
  auto none = [](Api&, int64_t, int64_t, int64_t) {};
  std::vector<Row> rows = {
      //  actor            grant                                read  edit   add    create del
      {"superuser", none, true, true, true, true, true},
      {"org_admin", org_role("admin_role"), true, true, true, true, true},
      {"org_inv_admin", org_role("inventory_admin_role"), true, true, true, true, true},
      {"org_auditor", org_role("auditor_role"), true, false, false, false, false},
      {"org_member", org_role("member_role"), false, false, false, false, false},
      {"inv_admin", inv_role("admin_role"), true, true, true, false, true},
      {"inv_update", inv_role("update_role"), true, false, false, false, false},
      {"inv_adhoc", inv_role("adhoc_role"), true, false, false, false, false},
      {"inv_use", inv_role("use_role"), true, false, false, false, false},
      {"inv_read", inv_role("read_role"), true, false, false, false, false},
      {"sys_auditor", none, true, false, false, false, false},
      {"outsider", none, false, false, false, false, false},
  };
  Api api;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.actor);
    const std::string& u = row.actor;
    int64_t org = api.Org("org-" + u);
    int64_t id = Inventory(api, "inv-" + u, org);
    int64_t host = Host(api, "host-" + u, id);
    int64_t group = Group(api, "group-" + u, id);
    int64_t uid = api.User(u, u == "superuser", u == "sys_auditor");
    row.grant(api, org, id, uid);
    int deny = 403;

    // Read: detail, list, the hosts and groups, script/.
    Resp d = api.Get(InvUrl(id)).As(u).Send();
    EXPECT_EQ(d.status, row.read ? 200 : deny);
    EXPECT_EQ(api.Get("/api/v2/inventories/?name=inv-" + u).As(u).Expect(200).count(),
              row.read ? 1 : 0);
    EXPECT_EQ(api.Get(HostUrl(host)).As(u).Send().status, row.read ? 200 : deny);
    EXPECT_EQ(api.Get(GroupUrl(group)).As(u).Send().status, row.read ? 200 : deny);
    EXPECT_EQ(api.Get("/api/v2/hosts/?name=host-" + u).As(u).Expect(200).count(), row.read ? 1 : 0);
    EXPECT_EQ(api.Get(InvUrl(id, "script")).As(u).Send().status, row.read ? 200 : deny);
    if (row.read) {
      const auto& caps = Summary(d).at("user_capabilities").as_object();
      EXPECT_EQ(caps.at("edit"), row.edit);
      EXPECT_EQ(caps.at("delete"), row.del);
      EXPECT_EQ(caps.at("copy"), row.create);
      Resp h = api.Get(HostUrl(host)).As(u).Expect(200);
      EXPECT_EQ(Summary(h).at("user_capabilities").as_object().at("edit"), row.edit);
    }

    // Edit: the inventory, its variables, a host, a group.
    int want_edit = row.edit ? 200 : deny;
    EXPECT_EQ(api.Patch(InvUrl(id), json::object{{"description", "x"}}).As(u).Send().status,
              want_edit);
    EXPECT_EQ(api.Put(InvUrl(id, "variable_data"), json::object{{"a", 1}}).As(u).Send().status,
              want_edit);
    EXPECT_EQ(api.Patch(HostUrl(host), json::object{{"description", "x"}}).As(u).Send().status,
              want_edit);
    EXPECT_EQ(api.Patch(GroupUrl(group), json::object{{"description", "x"}}).As(u).Send().status,
              want_edit);
    EXPECT_EQ(api.Post(GroupUrl(group, "hosts"), json::object{{"id", host}}).As(u).Send().status,
              row.edit ? 204 : deny);

    // Add hosts and groups.
    int want_add = row.add_host ? 201 : deny;
    EXPECT_EQ(api.Post("/api/v2/hosts/", json::object{{"name", "new-" + u}, {"inventory", id}})
                  .As(u)
                  .Send()
                  .status,
              want_add);
    EXPECT_EQ(api.Post(InvUrl(id, "hosts"), json::object{{"name", "sub-" + u}}).As(u).Send().status,
              want_add);
    EXPECT_EQ(api.Post(InvUrl(id, "groups"), json::object{{"name", "g-" + u}}).As(u).Send().status,
              want_add);

    // Create an inventory in the organization; copy this one.
    EXPECT_EQ(
        api.Post("/api/v2/inventories/", json::object{{"name", "made-" + u}, {"organization", org}})
            .As(u)
            .Send()
            .status,
        row.create ? 201 : deny);
    if (row.read) {
      EXPECT_EQ(api.Get(InvUrl(id, "copy")).As(u).Expect(200)["can_copy"], row.create);
      EXPECT_EQ(
          api.Post(InvUrl(id, "copy"), json::object{{"name", "copy-" + u}}).As(u).Send().status,
          row.create ? 201 : deny);
    }

    // Delete a host, a group, then the inventory.
    EXPECT_EQ(api.Delete(HostUrl(host)).As(u).Send().status, row.del ? 204 : deny);
    EXPECT_EQ(api.Delete(GroupUrl(group)).As(u).Send().status, row.del ? 204 : deny);
    EXPECT_EQ(api.Delete(InvUrl(id)).As(u).Send().status, row.del ? 202 : deny);
    EXPECT_EQ(api.Get(InvUrl(id)).Send().status, row.del ? 404 : 200);
  }
}

TEST(InvRbac, MovingToAnotherOrganizationNeedsInventoryAdminOnBoth) {
  Api api;
  int64_t a = api.Org("OA");
  int64_t b = api.Org("OB");
  int64_t id = Inventory(api, "Mover", a);
  int64_t u = api.User("mover");
  api.Grant(OrgUrl(a), "inventory_admin_role", u);
  api.Patch(InvUrl(id), json::object{{"organization", b}}).As("mover").Expect(403);
  api.Grant(OrgUrl(b), "inventory_admin_role", u);
  api.Patch(InvUrl(id), json::object{{"organization", b}}).As("mover").Expect(200);
  // The inventory's roles now descend from the new organization.
  int64_t v = api.User("b-admin");
  api.Grant(OrgUrl(b), "admin_role", v);
  api.Get(InvUrl(id)).As("b-admin").Expect(200);
  int64_t w = api.User("a-admin");
  api.Grant(OrgUrl(a), "admin_role", w);
  api.Get(InvUrl(id)).As("a-admin").Expect(403);
}

TEST(InvRbac, HostFilterChangesNeedOrganizationInventoryAdmin) {
  Api api;
  int64_t org = api.Org("HFO");
  int64_t id = Inventory(api, "SmartRbac", org, {{"kind", "smart"}, {"host_filter", "name=a"}});
  int64_t u = api.User("smart-admin");
  api.Grant(InvUrl(id), "admin_role", u);
  api.Patch(InvUrl(id), json::object{{"description", "ok"}}).As("smart-admin").Expect(200);
  api.Patch(InvUrl(id), json::object{{"host_filter", "name=a"}}).As("smart-admin").Expect(200);
  api.Patch(InvUrl(id), json::object{{"host_filter", "name=b"}}).As("smart-admin").Expect(403);
  api.Grant(OrgUrl(org), "inventory_admin_role", u);
  api.Patch(InvUrl(id), json::object{{"host_filter", "name=b"}}).As("smart-admin").Expect(200);
}

TEST(InvRbac, InventoryAdminsGrantInventoryRolesAndReadTokensWriteNothing) {
  Api api;
  int64_t id = Inventory(api, "Grants", 1);
  int64_t admin = api.User("ia");
  int64_t other = api.User("other");
  api.Grant(InvUrl(id), "admin_role", admin);
  int64_t use = api.RoleOf(InvUrl(id), "use_role");
  api.Post("/api/v2/roles/" + std::to_string(use) + "/users/", json::object{{"id", other}})
      .As("ia")
      .Expect(204);
  api.Get(InvUrl(id)).As("other").Expect(200);
  api.Post("/api/v2/roles/" + std::to_string(use) + "/users/", json::object{{"id", admin}})
      .As("other")
      .Expect(403);
  std::string token = api.NewToken("ia", "read");
  Resp r = api.Get(InvUrl(id)).Token(token).Expect(200);
  EXPECT_EQ(Summary(r).at("user_capabilities"),
            (json::object{{"edit", false}, {"delete", false}, {"adhoc", false}, {"copy", false}}));
  api.Patch(InvUrl(id), json::object{{"description", "x"}}).Token(token).Expect(403);
  api.Post(InvUrl(id, "hosts"), json::object{{"name", "t"}}).Token(token).Expect(403);
}

}  // namespace
}  // namespace baton::testing
