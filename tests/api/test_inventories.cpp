// Inventories (api-resources.md §11, contract §5.3, §10, §12, §14).
#include "inventory_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace inv;

TEST(InvInventories, CreateReadUpdateDelete) {
  Api api;
  Resp c = api.Post("/api/v2/inventories/", json::object{{"name", "Inv1"}, {"organization", 1}})
               .Expect(201);
  int64_t id = c.id();
  EXPECT_EQ(c.Header("Location"), InvUrl(id));
  EXPECT_EQ(c["type"], "inventory");
  EXPECT_EQ(c["kind"], "");
  EXPECT_TRUE(c["host_filter"].is_null());
  EXPECT_EQ(c["variables"], "");
  EXPECT_EQ(c["organization"], 1);
  EXPECT_EQ(c["pending_deletion"], false);
  EXPECT_EQ(c["prevent_instance_group_fallback"], false);
  for (const char* k : {"total_hosts", "hosts_with_active_failures", "total_groups",
                        "total_inventory_sources", "inventory_sources_with_failures"})
    EXPECT_EQ(c[k], 0) << k;
  EXPECT_EQ(c["has_active_failures"], false);
  EXPECT_EQ(c["has_inventory_sources"], false);
  // Computed counters follow variables, as in AWX's field order.
  std::vector<std::string> keys;
  for (const auto& kv : c.obj()) keys.emplace_back(kv.key());
  auto at = [&](const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) - keys.begin();
  };
  EXPECT_EQ(at("has_active_failures"), at("variables") + 1);
  EXPECT_LT(at("inventory_sources_with_failures"), at("pending_deletion"));

  const auto& rel = Related(c);
  EXPECT_EQ(rel.at("named_url"), "/api/v2/inventories/Inv1++Default/");
  EXPECT_EQ(rel.at("organization"), "/api/v2/organizations/1/");
  for (const char* k : {"hosts", "groups", "root_groups", "variable_data", "script", "tree",
                        "activity_stream", "access_list", "object_roles", "copy", "created_by"})
    EXPECT_TRUE(rel.contains(k)) << k;
  const auto& sf = Summary(c);
  EXPECT_EQ(sf.at("organization").as_object().at("name"), "Default");
  EXPECT_EQ(sf.at("labels"), (json::object{{"count", 0}, {"results", json::array{}}}));
  EXPECT_EQ(sf.at("object_roles").as_object().size(), 5u);
  EXPECT_EQ(sf.at("object_roles").as_object().at("adhoc_role").as_object().at("name"), "Ad Hoc");
  EXPECT_EQ(sf.at("user_capabilities"),
            (json::object{{"edit", true}, {"delete", true}, {"adhoc", true}, {"copy", true}}));
  EXPECT_EQ(sf.at("created_by").as_object().at("username"), "admin");

  Resp list = api.Get("/api/v2/inventories/?name=Inv1").Expect(200);
  ASSERT_EQ(list.count(), 1);
  EXPECT_FALSE(list.results()[0].as_object().at("related").as_object().contains("named_url"));
  Resp p = api.Patch(InvUrl(id),
                     json::object{{"description", "d"}, {"prevent_instance_group_fallback", true}})
               .Expect(200);
  EXPECT_EQ(p["description"], "d");
  EXPECT_EQ(p["prevent_instance_group_fallback"], true);
  Resp d = api.Delete(InvUrl(id)).Expect(202);
  EXPECT_TRUE(d.body.empty());
  api.Get(InvUrl(id)).Expect(404);
  api.Delete(InvUrl(id)).Expect(404);
  EXPECT_EQ(api.Get("/api/v2/roles/?content_type=inventory").Expect(200).count(), 0);
}

TEST(InvInventories, OrganizationCannotBeBlank) {
  Api api;
  Resp r = api.Post("/api/v2/inventories/", json::object{{"name", "NoOrg"}}).Expect(400);
  EXPECT_EQ(r.obj(), (json::object{{"organization", json::array{"This field cannot be blank."}}}));
  r = api.Post("/api/v2/inventories/", json::object{{"name", "NoOrg"}, {"organization", nullptr}})
          .Expect(400);
  EXPECT_EQ(r["organization"].as_array()[0], "This field cannot be blank.");
  r = api.Post("/api/v2/inventories/", json::object{{"name", "BadOrg"}, {"organization", 999}})
          .Expect(400);
  EXPECT_EQ(r["organization"].as_array()[0], "Invalid pk \"999\" - object does not exist.");
  r = api.Post("/api/v2/inventories/", json::object{{"organization", 1}}).Expect(400);
  EXPECT_EQ(r["name"].as_array()[0], "This field is required.");
  int64_t id = Inventory(api, "HasOrg", 1);
  r = api.Patch(InvUrl(id), json::object{{"organization", nullptr}}).Expect(400);
  EXPECT_EQ(r["organization"].as_array()[0], "This field cannot be blank.");
  EXPECT_EQ(api.Get(InvUrl(id)).Expect(200)["organization"], 1);
}

TEST(InvInventories, NameUniquePerOrganization) {
  Api api;
  int64_t org2 = api.Org("Other");
  Inventory(api, "Same", 1);
  Resp r = api.Post("/api/v2/inventories/", json::object{{"name", "Same"}, {"organization", 1}})
               .Expect(400);
  EXPECT_EQ(
      r.obj(),
      (json::object{
          {"__all__", json::array{"Inventory with this Name and Organization already exists."}}}));
  Inventory(api, "Same", org2);
  int64_t b = Inventory(api, "B", 1);
  api.Patch(InvUrl(b), json::object{{"name", "Same"}}).Expect(400);
  api.Patch(InvUrl(b), json::object{{"organization", org2}, {"name", "B"}}).Expect(200);
}

TEST(InvInventories, KindIsImmutable) {
  Api api;
  int64_t id = Inventory(api, "Regular", 1);
  Resp r =
      api.Patch(InvUrl(id), json::object{{"kind", "smart"}, {"host_filter", "name=x"}}).Expect(405);
  EXPECT_EQ(
      r.obj(),
      (json::object{
          {"error",
           "You cannot turn a regular inventory into a \"smart\" or \"constructed\" inventory."}}));
  EXPECT_EQ(api.Get(InvUrl(id)).Expect(200)["kind"], "");
  // The inventory module sends kind and host_filter as null.
  Resp ok =
      api.Patch(InvUrl(id),
                json::object{{"kind", nullptr}, {"host_filter", nullptr}, {"description", "x"}})
          .Expect(200);
  EXPECT_EQ(ok["kind"], "");
  api.Put(InvUrl(id), json::object{{"name", "Regular"}, {"organization", 1}, {"kind", ""}})
      .Expect(200);
  int64_t smart = Inventory(api, "Smart", 1, {{"kind", "smart"}, {"host_filter", "name=a"}});
  api.Patch(InvUrl(smart), json::object{{"kind", "smart"}, {"description", "same kind"}})
      .Expect(200);
  Resp keep = api.Patch(InvUrl(smart), json::object{{"kind", nullptr}}).Expect(200);
  EXPECT_EQ(keep["kind"], "smart");
  Resp bad = api.Patch(InvUrl(id), json::object{{"kind", "nonsense"}}).Expect(400);
  EXPECT_EQ(bad["kind"].as_array()[0], "\"nonsense\" is not a valid choice.");
}

TEST(InvInventories, SmartInventoriesNeedHostFilter) {
  Api api;
  Resp r = api.Post("/api/v2/inventories/",
                    json::object{{"name", "S"}, {"organization", 1}, {"kind", "smart"}})
               .Expect(400);
  EXPECT_EQ(
      r.obj(),
      (json::object{{"host_filter", json::array{"Smart inventories must specify host_filter"}}}));
  r = api.Post("/api/v2/inventories/",
               json::object{
                   {"name", "S"}, {"organization", 1}, {"kind", "smart"}, {"host_filter", ""}})
          .Expect(400);
  EXPECT_EQ(r["host_filter"].as_array()[0], "Smart inventories must specify host_filter");
  r = api.Post(
             "/api/v2/inventories/",
             json::object{
                 {"name", "S"}, {"organization", 1}, {"kind", "smart"}, {"host_filter", "name=(x"}})
          .Expect(400);
  EXPECT_EQ(r["host_filter"].as_array()[0], "Invalid query name=(x");
  r = api.Post("/api/v2/inventories/", json::object{{"name", "S"},
                                                    {"organization", 1},
                                                    {"kind", "smart"},
                                                    {"host_filter", "nosuchfield=1"}})
          .Expect(400);
  EXPECT_EQ(r["host_filter"].as_array()[0], "Host has no field named 'nosuchfield'");
  r = api.Post("/api/v2/inventories/",
               json::object{{"name", "S"},
                            {"organization", 1},
                            {"kind", "smart"},
                            {"host_filter", "ansible_facts__os__icontains=x"}})
          .Expect(400);
  EXPECT_EQ(r["host_filter"].as_array()[0],
            "ansible_facts does not support searching with __icontains");
  int64_t id = Inventory(api, "S", 1, {{"kind", "smart"}, {"host_filter", "name__icontains=web"}});
  Resp s = api.Get(InvUrl(id)).Expect(200);
  EXPECT_EQ(s["host_filter"], "name__icontains=web");
  EXPECT_FALSE(Related(s).contains("groups"));
  EXPECT_FALSE(Related(s).contains("tree"));
  r = api.Patch(InvUrl(id), json::object{{"host_filter", ""}}).Expect(400);
  EXPECT_EQ(r["host_filter"].as_array()[0], "Smart inventories must specify host_filter");
  // A regular inventory stores an empty host_filter as null.
  int64_t reg = Inventory(api, "R", 1, {{"host_filter", ""}});
  EXPECT_TRUE(api.Get(InvUrl(reg)).Expect(200)["host_filter"].is_null());
}

TEST(InvInventories, VariablesRoundTripByteExact) {
  Api api;
  const std::string json_text = "{ \"a\" :1,\n \"b\":  [1, 2 ] , \"c\": {\"d\": null}}";
  const std::string yaml_text = "---\nfoo: bar\nnum: 010\nlist:\n  - x\n  - z   \n";
  std::vector<std::string> texts = {json_text, yaml_text, "", "---", "{}", "\"\""};
  std::vector<int64_t> ids;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    SCOPED_TRACE(text);
    std::string n = std::to_string(i);
    Resp c = api.Post("/api/v2/inventories/",
                      json::object{{"name", "V" + n}, {"organization", 1}, {"variables", text}})
                 .Expect(201);
    ids.push_back(c.id());
    EXPECT_EQ(S(c["variables"]), text);
    EXPECT_EQ(S(api.Get(InvUrl(c.id())).Expect(200)["variables"]), text);
    int64_t h = Host(api, "h" + n, c.id(), {{"variables", text}});
    EXPECT_EQ(S(api.Get(HostUrl(h)).Expect(200)["variables"]), text);
    EXPECT_EQ(S(api.Patch(HostUrl(h), json::object{{"variables", text}}).Expect(200)["variables"]),
              text);
    int64_t g = Group(api, "g" + n, c.id(), {{"variables", text}});
    EXPECT_EQ(S(api.Get(GroupUrl(g)).Expect(200)["variables"]), text);
  }
  // variable_data/ reads them as an object.
  EXPECT_EQ(
      api.Get(InvUrl(ids[0], "variable_data")).Expect(200).obj(),
      (json::object{{"a", 1}, {"b", json::array{1, 2}}, {"c", json::object{{"d", nullptr}}}}));
  EXPECT_EQ(api.Get(InvUrl(ids[2], "variable_data")).Expect(200).obj(), json::object{});
  Resp vd = api.Get(InvUrl(ids[1], "variable_data")).Expect(200);
  EXPECT_EQ(vd["foo"], "bar");
  EXPECT_EQ(vd["list"], (json::array{"x", "z"}));
}

TEST(InvInventories, BadVariablesAreRefusedAndNothingChanges) {
  Api api;
  int64_t id = Inventory(api, "BV", 1, {{"variables", "a: 1"}});
  int64_t h = Host(api, "bh", id, {{"variables", "{\"k\": 1}"}});
  for (const std::string& bad :
       {std::string("{\"a\": 1"), std::string("a: [1, 2"), std::string("foo: bar: baz")}) {
    SCOPED_TRACE(bad);
    Resp r = api.Patch(InvUrl(id), json::object{{"variables", bad}}).Expect(400);
    std::string msg = S(r["variables"].as_array()[0]);
    EXPECT_EQ(msg.rfind("Cannot parse as JSON (error: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(") or YAML (error: "), std::string::npos) << msg;
    EXPECT_EQ(msg.substr(msg.size() - 2), ").");
    EXPECT_EQ(S(api.Get(InvUrl(id)).Expect(200)["variables"]), "a: 1");
    api.Patch(HostUrl(h), json::object{{"variables", bad}}).Expect(400);
    EXPECT_EQ(S(api.Get(HostUrl(h)).Expect(200)["variables"]), "{\"k\": 1}");
    api.Post("/api/v2/groups/", json::object{{"name", "bg"}, {"inventory", id}, {"variables", bad}})
        .Expect(400);
  }
  EXPECT_EQ(api.Get(InvUrl(id, "groups")).Expect(200).count(), 0);
  Resp list = api.Patch(InvUrl(id), json::object{{"variables", "- a\n- b\n"}}).Expect(400);
  EXPECT_EQ(list["variables"].as_array()[0], "Input type `list` is not a dictionary");
  Resp obj = api.Patch(InvUrl(id), json::object{{"variables", json::object{{"a", 1}}}}).Expect(400);
  EXPECT_EQ(obj["variables"].as_array()[0], "Not a valid string.");
}

TEST(InvInventories, VariableDataPutAndPatch) {
  Api api;
  int64_t id = Inventory(api, "VD", 1, {{"variables", "x: 1"}});
  EXPECT_EQ(api.Get(InvUrl(id, "variable_data")).Expect(200).obj(), (json::object{{"x", 1}}));
  Resp put =
      api.Put(InvUrl(id, "variable_data"), json::object{{"a", "b"}, {"n", json::array{1, 2}}})
          .Expect(200);
  EXPECT_EQ(put.obj(), (json::object{{"a", "b"}, {"n", json::array{1, 2}}}));
  EXPECT_EQ(S(api.Get(InvUrl(id)).Expect(200)["variables"]), "{\"a\": \"b\", \"n\": [1, 2]}");
  api.Patch(InvUrl(id, "variable_data"), json::object{{"only", true}}).Expect(200);
  EXPECT_EQ(api.Get(InvUrl(id, "variable_data")).Expect(200).obj(), (json::object{{"only", true}}));
  api.Delete(InvUrl(id, "variable_data")).Expect(405);
  Resp as = api.Get(InvUrl(id, "activity_stream") + "?operation=update").Expect(200);
  EXPECT_EQ(as.count(), 2);
}

TEST(InvInventories, CountersAndInventorySummary) {
  Api api;
  int64_t id = Inventory(api, "Counts", 1);
  int64_t h1 = Host(api, "c1", id);
  Host(api, "c2", id, {{"enabled", false}});
  int64_t g = Group(api, "cg", id);
  Group(api, "cg2", id);
  AddHost(api, g, h1);
  Resp inv = api.Get(InvUrl(id)).Expect(200);
  EXPECT_EQ(inv["total_hosts"], 2);
  EXPECT_EQ(inv["total_groups"], 2);
  Resp host = api.Get(HostUrl(h1)).Expect(200);
  const auto& s = Summary(host).at("inventory").as_object();
  EXPECT_EQ(s, (json::object{{"id", id},
                             {"name", "Counts"},
                             {"description", ""},
                             {"has_active_failures", false},
                             {"total_hosts", 2},
                             {"hosts_with_active_failures", 0},
                             {"total_groups", 2},
                             {"has_inventory_sources", false},
                             {"total_inventory_sources", 0},
                             {"inventory_sources_with_failures", 0},
                             {"organization_id", 1},
                             {"kind", ""}}));
}

TEST(InvInventories, NamedUrls) {
  Api api;
  int64_t org = api.Org("Org+One");
  int64_t id = Inventory(api, "My Inv", org);
  int64_t h = Host(api, "web/1", id);
  int64_t g = Group(api, "grp", id);
  Resp d = api.Get(InvUrl(id)).Expect(200);
  std::string named = S(Related(d).at("named_url"));
  EXPECT_EQ(named, "/api/v2/inventories/My Inv++Org[+]One/");
  EXPECT_EQ(api.Get("/api/v2/inventories/My%20Inv++Org[+]One/").Expect(200).id(), id);
  api.Get("/api/v2/inventories/My%20Inv++Org[+]One/script/").Expect(200);
  api.Get("/api/v2/inventories/My%20Inv++Nope/").Expect(404);
  Resp hd = api.Get(HostUrl(h)).Expect(200);
  EXPECT_EQ(Related(hd).at("named_url"), "/api/v2/hosts/web%2F1++My Inv++Org[+]One/");
  EXPECT_EQ(api.Get(GroupUrl(g)).Expect(200)["related"].as_object().at("named_url"),
            "/api/v2/groups/grp++My Inv++Org[+]One/");
  EXPECT_EQ(api.Get("/api/v2/groups/grp++My%20Inv++Org[+]One/").Expect(200).id(), g);
  EXPECT_EQ(api.Get("/api/v2/groups/grp++My%20Inv++Org[+]One/hosts/").Expect(200).count(), 0);
  api.Get("/api/v2/groups/grp++My%20Inv++Default/").Expect(404);
  // Teams keep resolving through one-level paths.
  api.Team("T", org);
  api.Get("/api/v2/teams/T++Org[+]One/").Expect(200);
}

TEST(InvInventories, CopyCopiesHostsAndGroups) {
  Api api;
  int64_t id = Inventory(api, "Src", 1, {{"variables", "v: 1"}, {"description", "orig"}});
  int64_t h1 = Host(api, "ch1", id, {{"variables", "hv: 1"}});
  int64_t h2 = Host(api, "ch2", id, {{"enabled", false}});
  int64_t parent = Group(api, "parent", id, {{"variables", "gv: 2"}});
  int64_t child = Group(api, "child", id);
  AddHost(api, parent, h1);
  AddHost(api, child, h2);
  AddChild(api, parent, child);
  EXPECT_EQ(api.Get(InvUrl(id, "copy")).Expect(200).obj(), (json::object{{"can_copy", true}}));
  Resp same = api.Post(InvUrl(id, "copy"), json::object{{"name", "Src"}}).Expect(400);
  EXPECT_EQ(same["name"].as_array()[0],
            "The original object is already named Src, a copy from it cannot have the same name.");
  Resp c = api.Post(InvUrl(id, "copy"), json::object{{"name", "Dst"}}).Expect(201);
  EXPECT_EQ(c["description"], "orig");
  EXPECT_EQ(c["variables"], "v: 1");
  EXPECT_EQ(c["total_hosts"], 2);
  int64_t copy = c.id();
  Resp src_script = api.Get(InvUrl(id, "script") + "?hostvars=1&all=1").Expect(200);
  Resp dst_script = api.Get(InvUrl(copy, "script") + "?hostvars=1&all=1").Expect(200);
  EXPECT_EQ(src_script.json, dst_script.json);
  Resp hosts = api.Get(InvUrl(copy, "hosts")).Expect(200);
  EXPECT_EQ(Names(hosts), (std::vector<std::string>{"ch1", "ch2"}));
  EXPECT_NE(hosts.results()[0].as_object().at("id"), h1);
  EXPECT_EQ(hosts.results()[1].as_object().at("enabled"), false);
  EXPECT_EQ(Names(api.Get(InvUrl(copy, "root_groups")).Expect(200)),
            (std::vector<std::string>{"parent"}));
  // The source is untouched.
  EXPECT_EQ(api.Get(InvUrl(id, "hosts")).Expect(200).count(), 2);
}

TEST(InvInventories, HostsGroupsAndRootGroupsSubLists) {
  Api api;
  int64_t id = Inventory(api, "Sub", 1);
  int64_t other = Inventory(api, "Other", 1);
  Resp h = api.Post(InvUrl(id, "hosts"), json::object{{"name", "sh1"}}).Expect(201);
  EXPECT_EQ(h["inventory"], id);
  Resp g = api.Post(InvUrl(id, "groups"), json::object{{"name", "sg1"}}).Expect(201);
  EXPECT_EQ(g["inventory"], id);
  Resp rg = api.Post(InvUrl(id, "root_groups"), json::object{{"name", "sg2"}}).Expect(201);
  AddChild(api, g.id(), rg.id());
  EXPECT_EQ(Names(api.Get(InvUrl(id, "groups")).Expect(200)),
            (std::vector<std::string>{"sg1", "sg2"}));
  EXPECT_EQ(Names(api.Get(InvUrl(id, "root_groups")).Expect(200)),
            (std::vector<std::string>{"sg1"}));
  // The inventory's own objects attach idempotently; others' are refused.
  api.Post(InvUrl(id, "hosts"), json::object{{"id", h.id()}}).Expect(204);
  int64_t foreign = Host(api, "foreign", other);
  Resp bad = api.Post(InvUrl(id, "hosts"), json::object{{"id", foreign}}).Expect(400);
  EXPECT_EQ(bad["detail"], "Cannot associate two items from different inventories.");
  api.Post(InvUrl(id, "hosts"), json::object{{"id", 9999}}).Expect(400);
  // Disassociating deletes (reverse foreign key); a group goes alone.
  AddHost(api, g.id(), h.id());
  api.Post(InvUrl(id, "groups"), json::object{{"id", g.id()}, {"disassociate", true}}).Expect(204);
  api.Get(GroupUrl(g.id())).Expect(404);
  api.Get(HostUrl(h.id())).Expect(200);
  api.Get(GroupUrl(rg.id())).Expect(200);
  api.Post(InvUrl(id, "hosts"), json::object{{"id", h.id()}, {"disassociate", true}}).Expect(204);
  api.Get(HostUrl(h.id())).Expect(404);
  // Disassociating another inventory's host leaves it alone.
  api.Post(InvUrl(id, "hosts"), json::object{{"id", foreign}, {"disassociate", true}}).Expect(204);
  api.Get(HostUrl(foreign)).Expect(200);
}

TEST(InvInventories, ObjectRolesAccessListAndActivityStream) {
  Api api;
  int64_t id = Inventory(api, "Roles", 1);
  int64_t u = api.User("reader");
  api.Grant(InvUrl(id), "read_role", u);
  Resp roles = api.Get(InvUrl(id, "object_roles")).Expect(200);
  EXPECT_EQ(roles.count(), 5);
  Resp access = api.Get(InvUrl(id, "access_list")).Expect(200);
  bool found = false;
  for (const auto& r : access.results()) found |= r.as_object().at("username") == "reader";
  EXPECT_TRUE(found);
  int64_t h = Host(api, "ah", id);
  int64_t g = Group(api, "ag", id);
  AddHost(api, g, h);
  Resp as = api.Get(InvUrl(id, "activity_stream")).Expect(200);
  std::vector<std::string> objs;
  for (const auto& e : as.results()) objs.push_back(S(e.as_object().at("object1")));
  EXPECT_EQ(objs, (std::vector<std::string>{"inventory", "host", "group", "host"}));
  EXPECT_EQ(api.Get(HostUrl(h, "activity_stream")).Expect(200).count(), 2);
  EXPECT_EQ(api.Get(GroupUrl(g, "activity_stream")).Expect(200).count(), 2);
  Resp role_detail =
      api.Get("/api/v2/roles/" + std::to_string(api.RoleOf(InvUrl(id), "use_role")) + "/")
          .Expect(200);
  EXPECT_EQ(Summary(role_detail).at("resource_name"), "Roles");
  EXPECT_EQ(Summary(role_detail).at("resource_type"), "inventory");
}

TEST(InvInventories, DeleteRemovesHostsGroupsAndRoles) {
  Api api;
  int64_t id = Inventory(api, "Gone", 1);
  int64_t h = Host(api, "gh", id);
  int64_t g = Group(api, "gg", id);
  AddHost(api, g, h);
  api.Delete(InvUrl(id)).Expect(202);
  api.Get(HostUrl(h)).Expect(404);
  api.Get(GroupUrl(g)).Expect(404);
  EXPECT_EQ(*api.db().Local().QueryInt("SELECT COUNT(*) FROM group_hosts"), 0);
  EXPECT_EQ(
      *api.db().Local().QueryInt("SELECT COUNT(*) FROM roles WHERE content_type = 'inventory'"), 0);
  EXPECT_EQ(
      api.Get("/api/v2/activity_stream/?object1=inventory&operation=delete").Expect(200).count(),
      1);
}

TEST(InvInventories, OrganizationDeleteOrphansInventory) {
  Api api;
  int64_t org = api.Org("Doomed");
  int64_t id = Inventory(api, "Orphan", org);
  api.Delete("/api/v2/organizations/" + std::to_string(org) + "/").Expect(204);
  Resp r = api.Get(InvUrl(id)).Expect(200);
  EXPECT_TRUE(r["organization"].is_null());
  EXPECT_FALSE(Related(r).contains("organization"));
  EXPECT_EQ(Related(r).at("named_url"), "/api/v2/inventories/Orphan++/");
  EXPECT_EQ(api.Get("/api/v2/inventories/Orphan++/").Expect(200).id(), id);
}

TEST(InvInventories, ListFiltersAndOptions) {
  Api api;
  int64_t a = Inventory(api, "alpha", 1);
  int64_t b = Inventory(api, "beta", 1);
  Host(api, "web1", a);
  Group(api, "dbs", b);
  Inventory(api, "smarty", 1, {{"kind", "smart"}, {"host_filter", "name=web1"}});
  EXPECT_EQ(Names(api.Get("/api/v2/inventories/?hosts__name=web1").Expect(200)),
            (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(Names(api.Get("/api/v2/inventories/?groups__name=dbs").Expect(200)),
            (std::vector<std::string>{"beta"}));
  EXPECT_EQ(Names(api.Get("/api/v2/inventories/?kind=smart").Expect(200)),
            (std::vector<std::string>{"smarty"}));
  EXPECT_EQ(Names(api.Get("/api/v2/inventories/?search=bet").Expect(200)),
            (std::vector<std::string>{"beta"}));
  EXPECT_EQ(
      Names(api.Get("/api/v2/inventories/?organization__name=Default&order_by=-name").Expect(200)),
      (std::vector<std::string>{"smarty", "beta", "alpha"}));
  Resp o = api.Options("/api/v2/inventories/").Expect(200);
  const auto& post = o["actions"].as_object().at("POST").as_object();
  EXPECT_EQ(post.at("kind").as_object().at("choices").as_array().size(), 3u);
  EXPECT_EQ(post.at("variables").as_object().at("type"), "json");
  EXPECT_FALSE(post.contains("pending_deletion"));
  EXPECT_EQ(api.Get("/api/v2/").Expect(200)["inventory"], "/api/v2/inventories/");
}

}  // namespace
}  // namespace baton::testing
