// Hosts and groups (api-resources.md §12, §13).
#include "inventory_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace inv;

TEST(InvHosts, CreateDefaultsAndShape) {
  Api api;
  int64_t id = Inventory(api, "HI", 1);
  Resp h = api.Post("/api/v2/hosts/", json::object{{"name", "h1"}, {"inventory", id}}).Expect(201);
  EXPECT_EQ(h["type"], "host");
  EXPECT_EQ(h["enabled"], true);
  EXPECT_EQ(h["instance_id"], "");
  EXPECT_EQ(h["variables"], "");
  EXPECT_EQ(h["has_active_failures"], false);
  EXPECT_EQ(h["has_inventory_sources"], false);
  EXPECT_TRUE(h["last_job"].is_null());
  EXPECT_TRUE(h["last_job_host_summary"].is_null());
  EXPECT_TRUE(h["ansible_facts_modified"].is_null());
  EXPECT_FALSE(h.obj().contains("ansible_facts"));
  const auto& rel = Related(h);
  for (const char* k : {"inventory", "variable_data", "groups", "all_groups", "activity_stream",
                        "ansible_facts", "named_url", "created_by"})
    EXPECT_TRUE(rel.contains(k)) << k;
  EXPECT_EQ(rel.at("named_url"), "/api/v2/hosts/h1++HI++Default/");
  const auto& sf = Summary(h);
  EXPECT_EQ(sf.at("groups"), (json::object{{"count", 0}, {"results", json::array{}}}));
  EXPECT_EQ(sf.at("recent_jobs"), json::array{});
  EXPECT_EQ(sf.at("user_capabilities"), (json::object{{"edit", true}, {"delete", true}}));
  EXPECT_EQ(sf.at("inventory").as_object().at("total_hosts"), 1);
  EXPECT_FALSE(sf.contains("object_roles"));
  // The host module sends enabled: null when unset; AWX stores false.
  Resp n = api.Post("/api/v2/hosts/", json::object{{"name", "h2"},
                                                   {"inventory", id},
                                                   {"enabled", nullptr},
                                                   {"description", nullptr},
                                                   {"instance_id", nullptr}})
               .Expect(201);
  EXPECT_EQ(n["enabled"], false);
  EXPECT_EQ(n["description"], "");
  Resp missing = api.Post("/api/v2/hosts/", json::object{{"name", "h3"}}).Expect(400);
  EXPECT_EQ(missing["inventory"].as_array()[0], "This field is required.");
  api.Delete(HostUrl(n.id())).Expect(204);
  api.Get(HostUrl(n.id())).Expect(404);
}

TEST(InvHosts, NamePortIsSplitIntoVariables) {
  Api api;
  int64_t id = Inventory(api, "Ports", 1);
  Resp a = api.Post("/api/v2/hosts/", json::object{{"name", "web1:2222"}, {"inventory", id}})
               .Expect(201);
  EXPECT_EQ(a["name"], "web1");
  EXPECT_EQ(a["variables"], "{\"ansible_ssh_port\": 2222}");
  Resp b = api.Post("/api/v2/hosts/",
                    json::object{{"name", "web2:22"}, {"inventory", id}, {"variables", "x: 1"}})
               .Expect(201);
  EXPECT_EQ(b["variables"], "{\"x\": 1, \"ansible_ssh_port\": 22}");
  Resp c = api.Patch(HostUrl(b.id()), json::object{{"name", "web3:8022"}}).Expect(200);
  EXPECT_EQ(c["name"], "web3");
  EXPECT_EQ(c["variables"], "{\"x\": 1, \"ansible_ssh_port\": 8022}");
  for (auto [name, msg] : {std::pair{"bad:abc", "Invalid port specification: abc"},
                           std::pair{"bad:70000", "Invalid port specification: 70000"},
                           std::pair{"bad:0", "Invalid port specification: 0"}}) {
    Resp r =
        api.Post("/api/v2/hosts/", json::object{{"name", name}, {"inventory", id}}).Expect(400);
    EXPECT_EQ(r.obj(), (json::object{{"name", json::array{msg}}})) << name;
  }
  // IPv6 addresses (more than one colon) are left alone.
  EXPECT_EQ(api.Post("/api/v2/hosts/", json::object{{"name", "fe80::1"}, {"inventory", id}})
                .Expect(201)["name"],
            "fe80::1");
}

TEST(InvHosts, UniquenessAndGroupNameClash) {
  Api api;
  int64_t id = Inventory(api, "U", 1);
  int64_t other = Inventory(api, "U2", 1);
  Host(api, "dup", id);
  Resp r = api.Post("/api/v2/hosts/", json::object{{"name", "dup"}, {"inventory", id}}).Expect(400);
  EXPECT_EQ(r.obj(),
            (json::object{
                {"__all__", json::array{"Host with this Name and Inventory already exists."}}}));
  Host(api, "dup", other);
  Group(api, "web", id);
  r = api.Post("/api/v2/hosts/", json::object{{"name", "web"}, {"inventory", id}}).Expect(400);
  EXPECT_EQ(r.obj(),
            (json::object{{"__all__", json::array{"A Group with that name already exists."}}}));
  r = api.Post("/api/v2/groups/", json::object{{"name", "dup"}, {"inventory", id}}).Expect(400);
  EXPECT_EQ(r.obj(),
            (json::object{{"__all__", json::array{"A Host with that name already exists."}}}));
  int64_t h = Host(api, "renamed", id);
  api.Patch(HostUrl(h), json::object{{"name", "web"}}).Expect(400);
  r = api.Post("/api/v2/groups/", json::object{{"name", "web"}, {"inventory", id}}).Expect(400);
  EXPECT_EQ(r["__all__"].as_array()[0], "Group with this Name and Inventory already exists.");
}

TEST(InvHosts, InventoryIsReadOnlyAfterCreate) {
  Api api;
  int64_t a = Inventory(api, "A", 1);
  int64_t b = Inventory(api, "B", 1);
  int64_t h = Host(api, "stay", a);
  Resp r =
      api.Patch(HostUrl(h), json::object{{"inventory", b}, {"description", "moved?"}}).Expect(200);
  EXPECT_EQ(r["inventory"], a);
  EXPECT_EQ(r["description"], "moved?");
  // PUT does not require it either.
  api.Put(HostUrl(h), json::object{{"name", "stay"}}).Expect(200);
  int64_t g = Group(api, "gstay", a);
  EXPECT_EQ(api.Patch(GroupUrl(g), json::object{{"inventory", b}}).Expect(200)["inventory"], a);
}

TEST(InvHosts, SmartInventoriesHoldNoHostsOrGroups) {
  Api api;
  int64_t s = Inventory(api, "Smart", 1, {{"kind", "smart"}, {"host_filter", "name=x"}});
  Resp r = api.Post("/api/v2/hosts/", json::object{{"name", "h"}, {"inventory", s}}).Expect(400);
  EXPECT_EQ(
      r.obj(),
      (json::object{
          {"inventory",
           json::object{{"detail", "Cannot create Host for Smart or Constructed Inventories"}}}}));
  r = api.Post(InvUrl(s, "hosts"), json::object{{"name", "h"}}).Expect(400);
  EXPECT_EQ(r["inventory"].as_object().at("detail"),
            "Cannot create Host for Smart or Constructed Inventories");
  r = api.Post("/api/v2/groups/", json::object{{"name", "g"}, {"inventory", s}}).Expect(400);
  EXPECT_EQ(
      r.obj(),
      (json::object{
          {"inventory",
           json::object{{"detail", "Cannot create Group for Smart or Constructed Inventories"}}}}));
  EXPECT_EQ(api.Get("/api/v2/hosts/").Expect(200).count(), 0);
}

TEST(InvHosts, GroupsAllGroupsAndFacts) {
  Api api;
  int64_t id = Inventory(api, "HG", 1);
  int64_t other = Inventory(api, "HG2", 1);
  int64_t h = Host(api, "member", id);
  int64_t top = Group(api, "top", id);
  int64_t mid = Group(api, "mid", id);
  AddChild(api, top, mid);
  api.Post(HostUrl(h, "groups"), json::object{{"id", mid}}).Expect(204);
  api.Post(HostUrl(h, "groups"), json::object{{"id", mid}}).Expect(204);
  Resp created = api.Post(HostUrl(h, "groups"), json::object{{"name", "made"}}).Expect(201);
  EXPECT_EQ(created["inventory"], id);
  EXPECT_EQ(Names(api.Get(HostUrl(h, "groups")).Expect(200)),
            (std::vector<std::string>{"made", "mid"}));
  EXPECT_EQ(Names(api.Get(HostUrl(h, "all_groups")).Expect(200)),
            (std::vector<std::string>{"made", "mid", "top"}));
  Resp hd = api.Get(HostUrl(h)).Expect(200);
  EXPECT_EQ(Summary(hd).at("groups").as_object().at("count"), 2);
  EXPECT_EQ(Summary(hd).at("groups").as_object().at("results").as_array()[0].as_object().at("name"),
            "mid");
  int64_t foreign = Group(api, "foreign", other);
  Resp bad = api.Post(HostUrl(h, "groups"), json::object{{"id", foreign}}).Expect(400);
  EXPECT_EQ(bad["detail"], "Cannot associate two items from different inventories.");
  api.Post(HostUrl(h, "groups"), json::object{{"id", mid}, {"disassociate", true}}).Expect(204);
  EXPECT_EQ(Names(api.Get(HostUrl(h, "groups")).Expect(200)), (std::vector<std::string>{"made"}));
  api.Get(GroupUrl(mid)).Expect(200);
  // Filters through the groups relation.
  EXPECT_EQ(Names(api.Get("/api/v2/hosts/?groups__name=made").Expect(200)),
            (std::vector<std::string>{"member"}));
  // ansible_facts/ and variable_data/.
  EXPECT_EQ(api.Get(HostUrl(h, "ansible_facts")).Expect(200).obj(), json::object{});
  api.db().Local().Exec("UPDATE hosts SET ansible_facts = ? WHERE id = ?",
                        {std::string("{\"ansible_distribution\": \"Debian\"}"), h});
  EXPECT_EQ(api.Get(HostUrl(h, "ansible_facts")).Expect(200)["ansible_distribution"], "Debian");
  api.Put(HostUrl(h, "variable_data"), json::object{{"ansible_host", "10.0.0.1"}}).Expect(200);
  EXPECT_EQ(api.Get(HostUrl(h)).Expect(200)["variables"], "{\"ansible_host\": \"10.0.0.1\"}");
  EXPECT_EQ(api.Get(HostUrl(h, "variable_data")).Expect(200)["ansible_host"], "10.0.0.1");
}

TEST(InvHosts, HostFilterQueryOnHostList) {
  Api api;
  int64_t id = Inventory(api, "HF", 1);
  Host(api, "web1", id);
  Host(api, "web2", id, {{"enabled", false}});
  Host(api, "db1", id);
  EXPECT_EQ(Names(api.Get("/api/v2/hosts/?host_filter=name__icontains%3DWEB").Expect(200)),
            (std::vector<std::string>{"web1", "web2"}));
  EXPECT_EQ(Names(api.Get("/api/v2/hosts/?host_filter=name%3Dweb1%20or%20name%3Ddb1").Expect(200)),
            (std::vector<std::string>{"db1", "web1"}));
  EXPECT_EQ(
      Names(api.Get("/api/v2/hosts/?host_filter=name__startswith%3Dweb%20and%20enabled%3Dfalse")
                .Expect(200)),
      (std::vector<std::string>{"web2"}));
  Resp bad = api.Get("/api/v2/hosts/?host_filter=name%3D(").Expect(400);
  EXPECT_EQ(bad.obj(), (json::object{{"error", "Invalid query name=("}}));
}

// Found by the fuzz suite (issue 12): a chain of 500 `or` terms nested the SQL past SQLite's
// expression depth (500), and 10,000 parentheses would recurse the parser off its stack.
TEST(InvHosts, HostFilterSizeIsBoundedAndChainsStayFlat) {
  Api api;
  int64_t id = Inventory(api, "HFB", 1);
  Host(api, "web1", id);
  Host(api, "web2", id, {{"enabled", false}});
  Host(api, "db1", id);
  std::string chain = "name%3Dweb1";
  for (int i = 0; i < 150; ++i) chain += "%20or%20name%3Dnope" + std::to_string(i);
  EXPECT_EQ(
      Names(api.Get("/api/v2/hosts/?host_filter=" + chain + "%20or%20name%3Ddb1").Expect(200)),
      (std::vector<std::string>{"db1", "web1"}));
  // `and` binds tighter than `or`.
  EXPECT_EQ(
      Names(
          api.Get(
                 "/api/v2/hosts/?host_filter=name%3Ddb1%20or%20name%3Dweb2%20and%20enabled%3Dfalse")
              .Expect(200)),
      (std::vector<std::string>{"db1", "web2"}));
  std::string too_long = "name%3Da";
  for (int i = 0; i < 300; ++i) too_long += "%20or%20name%3Db";
  Resp many = api.Get("/api/v2/hosts/?host_filter=" + too_long).Expect(400);
  EXPECT_NE(std::string(many["error"].as_string()).find("more than 200 terms"), std::string::npos);
  Resp deep =
      api.Get("/api/v2/hosts/?host_filter=" + std::string(10000, '(') + "name%3Da").Expect(400);
  EXPECT_NE(std::string(deep["error"].as_string()).find("nested deeper than 32"),
            std::string::npos);
  // A smart inventory's filter is held to the same bounds.
  api.Post("/api/v2/inventories/", json::object{{"name", "smart-big"},
                                                {"organization", 1},
                                                {"kind", "smart"},
                                                {"host_filter", std::string(100, '(') + "name=a"}})
      .Expect(400);
}

TEST(InvGroups, CreateShapeAndNames) {
  Api api;
  int64_t id = Inventory(api, "GI", 1);
  Resp g = api.Post("/api/v2/groups/",
                    json::object{{"name", "g1"}, {"inventory", id}, {"description", "d"}})
               .Expect(201);
  EXPECT_EQ(g["type"], "group");
  EXPECT_EQ(g["variables"], "");
  for (const char* k : {"inventory", "variable_data", "hosts", "potential_children", "children",
                        "all_hosts", "activity_stream", "named_url"})
    EXPECT_TRUE(Related(g).contains(k)) << k;
  EXPECT_EQ(Summary(g).at("user_capabilities"),
            (json::object{{"copy", true}, {"edit", true}, {"delete", true}}));
  EXPECT_EQ(Summary(g).at("inventory").as_object().at("total_groups"), 1);
  for (const char* bad : {"all", "_meta"}) {
    Resp r =
        api.Post("/api/v2/groups/", json::object{{"name", bad}, {"inventory", id}}).Expect(400);
    EXPECT_EQ(r.obj(), (json::object{{"name", json::array{"Invalid group name."}}}));
  }
  api.Patch(GroupUrl(g.id()), json::object{{"name", "all"}}).Expect(400);
  api.Put(GroupUrl(g.id(), "variable_data"), json::object{{"gv", 1}}).Expect(200);
  EXPECT_EQ(api.Get(GroupUrl(g.id())).Expect(200)["variables"], "{\"gv\": 1}");
}

TEST(InvGroups, HostsSubListCreatesOrAttachesByName) {
  Api api;
  int64_t id = Inventory(api, "GH", 1);
  int64_t g = Group(api, "g", id);
  int64_t existing = Host(api, "known", id);
  Resp created = api.Post(GroupUrl(g, "hosts"), json::object{{"name", "fresh"}}).Expect(201);
  EXPECT_EQ(created["inventory"], id);
  // A host of that name in the inventory is attached instead (no new variables).
  api.Post(GroupUrl(g, "hosts"), json::object{{"name", "known"}, {"variables", ""}}).Expect(204);
  EXPECT_EQ(Names(api.Get(GroupUrl(g, "hosts")).Expect(200)),
            (std::vector<std::string>{"fresh", "known"}));
  EXPECT_EQ(api.Get("/api/v2/hosts/?name=known").Expect(200).count(), 1);
  // With variables it is a create, which the uniqueness check refuses.
  api.Post(GroupUrl(g, "hosts"), json::object{{"name", "known"}, {"variables", "a: 1"}})
      .Expect(400);
  api.Post(GroupUrl(g, "hosts"), json::object{{"id", existing}, {"disassociate", true}})
      .Expect(204);
  EXPECT_EQ(Names(api.Get(GroupUrl(g, "hosts")).Expect(200)), (std::vector<std::string>{"fresh"}));
  api.Get(HostUrl(existing)).Expect(200);
  int64_t other = Inventory(api, "GH2", 1);
  int64_t foreign = Host(api, "foreign", other);
  Resp bad = api.Post(GroupUrl(g, "hosts"), json::object{{"id", foreign}}).Expect(400);
  EXPECT_EQ(bad["detail"], "Cannot associate two items from different inventories.");
}

TEST(InvGroups, ChildrenRefuseCycles) {
  Api api;
  int64_t id = Inventory(api, "Cyc", 1);
  int64_t a = Group(api, "a", id);
  int64_t b = Group(api, "b", id);
  int64_t c = Group(api, "c", id);
  AddChild(api, a, b);
  AddChild(api, b, c);
  AddChild(api, a, c);  // a diamond is fine
  for (auto [parent, child] :
       {std::pair{c, a}, std::pair{c, b}, std::pair{b, a}, std::pair{a, a}}) {
    Resp r = api.Post(GroupUrl(parent, "children"), json::object{{"id", child}}).Expect(400);
    EXPECT_EQ(r.obj(), (json::object{{"error", "Cyclical Group association."}}));
  }
  Resp made = api.Post(GroupUrl(c, "children"), json::object{{"name", "d"}}).Expect(201);
  EXPECT_EQ(made["inventory"], id);
  EXPECT_EQ(Names(api.Get(GroupUrl(c, "children")).Expect(200)), (std::vector<std::string>{"d"}));
  EXPECT_EQ(Names(api.Get("/api/v2/groups/?parents__name=a").Expect(200)),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Names(api.Get("/api/v2/groups/?children__name=c").Expect(200)),
            (std::vector<std::string>{"a", "b"}));
  int64_t other = Inventory(api, "Cyc2", 1);
  int64_t foreign = Group(api, "x", other);
  Resp bad = api.Post(GroupUrl(a, "children"), json::object{{"id", foreign}}).Expect(400);
  EXPECT_EQ(bad["detail"], "Cannot associate two items from different inventories.");
  api.Post(GroupUrl(a, "children"), json::object{{"id", c}, {"disassociate", true}}).Expect(204);
  EXPECT_EQ(Names(api.Get(GroupUrl(a, "children")).Expect(200)), (std::vector<std::string>{"b"}));
}

TEST(InvGroups, AllHostsAndPotentialChildren) {
  Api api;
  int64_t id = Inventory(api, "AH", 1);
  int64_t top = Group(api, "top", id);
  int64_t mid = Group(api, "mid", id);
  int64_t leaf = Group(api, "leaf", id);
  int64_t side = Group(api, "side", id);
  int64_t above = Group(api, "above", id);
  AddChild(api, above, top);
  AddChild(api, top, mid);
  AddChild(api, mid, leaf);
  AddHost(api, top, Host(api, "h-top", id));
  AddHost(api, leaf, Host(api, "h-leaf", id));
  AddHost(api, side, Host(api, "h-side", id));
  EXPECT_EQ(Names(api.Get(GroupUrl(top, "all_hosts")).Expect(200)),
            (std::vector<std::string>{"h-leaf", "h-top"}));
  EXPECT_EQ(Names(api.Get(GroupUrl(mid, "all_hosts")).Expect(200)),
            (std::vector<std::string>{"h-leaf"}));
  EXPECT_EQ(Names(api.Get(GroupUrl(mid, "potential_children")).Expect(200)),
            (std::vector<std::string>{"side"}));
  EXPECT_EQ(Names(api.Get(GroupUrl(side, "potential_children")).Expect(200)),
            (std::vector<std::string>{"above", "leaf", "mid", "top"}));
}

TEST(InvGroups, DeleteTakesWhatIsReachableOnlyThroughIt) {
  Api api;
  int64_t id = Inventory(api, "Del", 1);
  int64_t g1 = Group(api, "g1", id);
  int64_t g2 = Group(api, "g2", id);
  int64_t only_child = Group(api, "only-child", id);
  int64_t shared_child = Group(api, "shared-child", id);
  int64_t grandchild = Group(api, "grandchild", id);
  AddChild(api, g1, only_child);
  AddChild(api, g1, shared_child);
  AddChild(api, g2, shared_child);
  AddChild(api, only_child, grandchild);
  int64_t h_only = Host(api, "h-only", id);
  int64_t h_shared = Host(api, "h-shared", id);
  int64_t h_child = Host(api, "h-child", id);
  int64_t h_grand = Host(api, "h-grand", id);
  int64_t h_loose = Host(api, "h-loose", id);
  AddHost(api, g1, h_only);
  AddHost(api, g1, h_shared);
  AddHost(api, g2, h_shared);
  AddHost(api, only_child, h_child);
  AddHost(api, grandchild, h_grand);
  api.Delete(GroupUrl(g1)).Expect(204);
  for (int64_t gone : {g1, only_child, grandchild}) api.Get(GroupUrl(gone)).Expect(404);
  for (int64_t gone : {h_only, h_child, h_grand}) api.Get(HostUrl(gone)).Expect(404);
  for (int64_t kept : {g2, shared_child}) api.Get(GroupUrl(kept)).Expect(200);
  for (int64_t kept : {h_shared, h_loose}) api.Get(HostUrl(kept)).Expect(200);
  EXPECT_EQ(Names(api.Get(GroupUrl(g2, "children")).Expect(200)),
            (std::vector<std::string>{"shared-child"}));
  EXPECT_EQ(api.Get("/api/v2/activity_stream/?object1=group&operation=delete").Expect(200).count(),
            1);
}

}  // namespace
}  // namespace baton::testing
