// inventories/N/script/ (contract §15), tree/, and smart inventories (host_filter).
#include <cstdio>
#include <fstream>

#include "inventory_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace inv;

// web1, web2 (disabled) in group web (vars), db1 in group dbs (child of servers), lone ungrouped,
// empty group "empty"; inventory vars in YAML.
struct ScriptInventory {
  int64_t id, web1, web2, db1, lone;
  explicit ScriptInventory(Api& api) {
    id = Inventory(api, "Script", 1, {{"variables", "---\ninv_var: hello\n"}});
    web1 = Host(api, "web1", id, {{"variables", "{\"ansible_host\": \"10.0.0.1\", \"n\": 1}"}});
    web2 = Host(api, "web2", id, {{"enabled", false}, {"variables", "x: yes"}});
    db1 = Host(api, "db1", id);
    lone = Host(api, "lone", id, {{"variables", "answer: 42"}});
    int64_t web = Group(api, "web", id, {{"variables", "tier: front"}});
    int64_t dbs = Group(api, "dbs", id);
    int64_t servers = Group(api, "servers", id);
    Group(api, "empty", id);
    AddHost(api, web, web1);
    AddHost(api, web, web2);
    AddHost(api, dbs, db1);
    AddChild(api, servers, dbs);
  }
};

TEST(InvScript, StructureGroupsAndDisabledHosts) {
  Api api;
  ScriptInventory s(api);
  Resp r = api.Get(InvUrl(s.id, "script")).Expect(200);
  json::object want{
      {"all", json::object{{"vars", json::object{{"inv_var", "hello"}}},
                           {"hosts", json::array{"lone"}},
                           {"children", json::array{"dbs", "empty", "servers", "web"}}}},
      {"dbs", json::object{{"hosts", json::array{"db1"}}}},
      {"servers", json::object{{"children", json::array{"dbs"}}}},
      {"web",
       json::object{{"hosts", json::array{"web1"}}, {"vars", json::object{{"tier", "front"}}}}}};
  EXPECT_EQ(r.obj(), want);
  // all=1 includes disabled hosts.
  Resp all = api.Get(InvUrl(s.id, "script") + "?all=1").Expect(200);
  EXPECT_EQ(all["web"].as_object().at("hosts"), (json::array{"web1", "web2"}));
  EXPECT_FALSE(all.obj().contains("_meta"));
}

TEST(InvScript, HostvarsTowervarsAndSingleHost) {
  Api api;
  ScriptInventory s(api);
  Resp r = api.Get(InvUrl(s.id, "script") + "?hostvars=1&towervars=1").Expect(200);
  const auto& hv = r["_meta"].as_object().at("hostvars").as_object();
  EXPECT_EQ(hv.size(), 3u);
  EXPECT_EQ(hv.at("web1"), (json::object{{"ansible_host", "10.0.0.1"},
                                         {"n", 1},
                                         {"remote_tower_enabled", "true"},
                                         {"remote_tower_id", s.web1},
                                         {"remote_host_enabled", "true"},
                                         {"remote_host_id", s.web1}}));
  EXPECT_EQ(hv.at("db1").as_object().at("remote_host_id"), s.db1);
  Resp plain = api.Get(InvUrl(s.id, "script") + "?hostvars=1&all=1").Expect(200);
  const auto& pv = plain["_meta"].as_object().at("hostvars").as_object();
  EXPECT_EQ(pv.at("web2"), (json::object{{"x", true}}));
  EXPECT_EQ(pv.at("lone"), (json::object{{"answer", 42}}));
  EXPECT_EQ(pv.at("db1"), json::object{});
  // Any non-empty value switches a flag on (Python's bool()); an empty one does not.
  EXPECT_TRUE(api.Get(InvUrl(s.id, "script") + "?hostvars=0").Expect(200).obj().contains("_meta"));
  EXPECT_FALSE(api.Get(InvUrl(s.id, "script") + "?hostvars=").Expect(200).obj().contains("_meta"));
  EXPECT_EQ(api.Get(InvUrl(s.id, "script") + "?host=lone").Expect(200).obj(),
            (json::object{{"answer", 42}}));
  api.Get(InvUrl(s.id, "script") + "?host=web2").Expect(404);
  EXPECT_EQ(api.Get(InvUrl(s.id, "script") + "?host=web2&all=1").Expect(200).obj(),
            (json::object{{"x", true}}));
  api.Get(InvUrl(s.id, "script") + "?host=nope").Expect(404);
}

TEST(InvScript, Slices) {
  Api api;
  int64_t id = Inventory(api, "Sliced", 1);
  int64_t g = Group(api, "g", id);
  for (const char* n : {"a", "b", "c", "d", "e"}) AddHost(api, g, Host(api, n, id));
  auto hosts = [&](const std::string& q) {
    Resp r = api.Get(InvUrl(id, "script") + "?hostvars=1&" + q).Expect(200);
    std::vector<std::string> names;
    for (const auto& kv : r["_meta"].as_object().at("hostvars").as_object())
      names.emplace_back(kv.key());
    EXPECT_EQ(r["g"].as_object().at("hosts").as_array().size(), names.size());
    return names;
  };
  EXPECT_EQ(hosts("subset=slice1of2"), (std::vector<std::string>{"a", "c", "e"}));
  EXPECT_EQ(hosts("subset=slice2of2"), (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(hosts("subset=slice1of1").size(), 5u);
  for (auto [q, msg] :
       {std::pair{"subset=foo", "Subset does not use any supported syntax."},
        std::pair{"subset=sliceXof2", "Could not parse subset as slice specification."},
        std::pair{"subset=slice3of2", "Slice number must be less than total number of slices."},
        std::pair{"subset=slice0of2", "Slice number must be 1 or higher."}}) {
    Resp r = api.Get(InvUrl(id, "script") + "?" + q).Expect(400);
    EXPECT_EQ(r.obj(), (json::object{{"detail", msg}})) << q;
  }
}

// The output is a valid Ansible inventory: ansible-inventory reads it back (through a script
// that prints it, as the script inventory plugin expects).
TEST(InvScript, AnsibleInventoryAcceptsTheOutput) {
  Api api;
  ScriptInventory s(api);
  Resp r = api.Get(InvUrl(s.id, "script") + "?hostvars=1&towervars=1&all=1").Expect(200);
  auto dir = api.dir();
  std::ofstream(dir / "inventory.json") << r.body;
  std::string script = (dir / "inventory.sh").string();
  std::ofstream(script) << "#!/bin/sh\nif [ \"$1\" = \"--host\" ]; then echo '{}'; else cat '"
                        << (dir / "inventory.json").string() << "'; fi\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  std::string cmd = "ANSIBLE_INVENTORY_UNPARSED_FAILED=1 ANSIBLE_LOCAL_TEMP='" + dir.string() +
                    "' HOME='" + dir.string() + "' ansible-inventory -i '" + script +
                    "' --list 2>'" + (dir / "stderr.txt").string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int rc = pclose(p);
  std::ifstream err_file(dir / "stderr.txt");
  std::string err((std::istreambuf_iterator<char>(err_file)), std::istreambuf_iterator<char>());
  ASSERT_EQ(rc, 0) << out << err;
  auto parsed = ParseJson(out);
  ASSERT_TRUE(parsed) << out;
  const auto& o = parsed->as_object();
  const auto& hv = o.at("_meta").as_object().at("hostvars").as_object();
  EXPECT_EQ(hv.size(), 4u) << out;
  // Host vars, group vars and inventory vars all reach the hosts.
  EXPECT_EQ(hv.at("web1").as_object().at("ansible_host"), "10.0.0.1");
  EXPECT_EQ(hv.at("web1").as_object().at("tier"), "front");
  EXPECT_EQ(hv.at("web1").as_object().at("inv_var"), "hello");
  EXPECT_EQ(hv.at("web1").as_object().at("remote_tower_id"), s.web1);
  EXPECT_EQ(hv.at("web2").as_object().at("x"), true);
  EXPECT_EQ(hv.at("lone").as_object().at("answer"), 42);
  EXPECT_EQ(o.at("web").as_object().at("hosts"), (json::array{"web1", "web2"}));
  EXPECT_EQ(o.at("servers").as_object().at("children"), (json::array{"dbs"}));
  EXPECT_EQ(o.at("dbs").as_object().at("hosts"), (json::array{"db1"}));
  EXPECT_EQ(o.at("ungrouped").as_object().at("hosts"), (json::array{"lone"}));
}

TEST(InvScript, Tree) {
  Api api;
  ScriptInventory s(api);
  Resp r = api.Get(InvUrl(s.id, "tree")).Expect(200);
  const auto& roots = r.json.as_array();
  std::vector<std::string> names;
  for (const auto& g : roots) names.push_back(S(g.as_object().at("name")));
  EXPECT_EQ(names, (std::vector<std::string>{"empty", "servers", "web"}));
  const auto& servers = roots[1].as_object();
  EXPECT_EQ(servers.at("type"), "group");
  EXPECT_TRUE(servers.at("summary_fields").as_object().contains("inventory"));
  const auto& kids = servers.at("children").as_array();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].as_object().at("name"), "dbs");
  EXPECT_EQ(kids[0].as_object().at("children"), json::array{});
}

// Two inventories of org A and one of org B; a smart inventory of A selects across A's only.
struct SmartSetup {
  int64_t org_a, org_b, inv1, inv2, inv3;
  explicit SmartSetup(Api& api) {
    org_a = api.Org("A");
    org_b = api.Org("B");
    inv1 = Inventory(api, "i1", org_a);
    inv2 = Inventory(api, "i2", org_a);
    inv3 = Inventory(api, "i3", org_b);
    int64_t web1 = Host(api, "web1", inv1, {{"variables", "role: web"}});
    Host(api, "db1", inv1, {{"description", "primary database"}});
    Host(api, "web2", inv2, {{"enabled", false}});
    Host(api, "web1", inv2);  // same name in another inventory: listed once
    Host(api, "web3", inv3);
    int64_t dbs = Group(api, "dbs", inv2);
    AddHost(api, dbs, Host(api, "db2", inv2));
    (void)web1;
  }
  int64_t Smart(Api& api, const std::string& name, const std::string& filter) {
    return Inventory(api, name, org_a, {{"kind", "smart"}, {"host_filter", filter}});
  }
};

std::vector<std::string> SmartHosts(Api& api, int64_t id, const std::string& as = "admin") {
  return Names(api.Get(InvUrl(id, "hosts")).As(as).Expect(200));
}

TEST(InvSmart, FilterSelectsAcrossTheOrganization) {
  Api api;
  SmartSetup s(api);
  int64_t web = s.Smart(api, "web", "name__icontains=WEB");
  EXPECT_EQ(SmartHosts(api, web), (std::vector<std::string>{"web1", "web2"}));
  Resp d = api.Get(InvUrl(web)).Expect(200);
  EXPECT_EQ(d["total_hosts"], 2);
  EXPECT_EQ(d["total_groups"], 0);
  // The first web1 (lowest id) stands for the name.
  Resp hosts = api.Get(InvUrl(web, "hosts")).Expect(200);
  EXPECT_EQ(hosts.results()[0].as_object().at("inventory"), s.inv1);
  Resp script = api.Get(InvUrl(web, "script") + "?hostvars=1").Expect(200);
  EXPECT_EQ(script.obj(),
            (json::object{
                {"all", json::object{{"hosts", json::array{"web1"}}}},
                {"_meta", json::object{{"hostvars",
                                        json::object{{"web1", json::object{{"role", "web"}}}}}}}}));
  Resp all = api.Get(InvUrl(web, "script") + "?all=1").Expect(200);
  EXPECT_EQ(all["all"].as_object().at("hosts"), (json::array{"web1", "web2"}));
  // Filters, search and ordering apply within the sub-list.
  EXPECT_EQ(Names(api.Get(InvUrl(web, "hosts") + "?enabled=false").Expect(200)),
            (std::vector<std::string>{"web2"}));
  EXPECT_EQ(Names(api.Get(InvUrl(web, "hosts") + "?order_by=-name").Expect(200)),
            (std::vector<std::string>{"web2", "web1"}));
}

TEST(InvSmart, FilterLanguage) {
  Api api;
  SmartSetup s(api);
  std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"groups__name=dbs", {"db2"}},
      {"name=web1 or name=db1", {"db1", "web1"}},
      {"name__startswith=web and enabled=true", {"web1"}},
      {"(name__startswith=web and enabled=false) or name=db1", {"db1", "web2"}},
      {"name__startswith=db and (groups__name=dbs or description__icontains=primary)",
       {"db1", "db2"}},
      {"name=\"web2\"", {"web2"}},
      {"\"name\"=web2", {"web2"}},
      {"search=primary", {"db1"}},
      {"inventory__name=i2", {"db2", "web1", "web2"}},
      {"inventory__name=i3", {}},
      {"name__in=db1,web2", {"db1", "web2"}},
      {"name__regex=^db[0-9]$", {"db1", "db2"}},
      {"  name=db1  ", {"db1"}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].first);
    int64_t id = s.Smart(api, "s" + std::to_string(i), cases[i].first);
    EXPECT_EQ(SmartHosts(api, id), cases[i].second);
  }
  for (const char* bad : {"name=", "name=a and", "(name=a", "name=a)", "name", "= a", "name=a b"}) {
    SCOPED_TRACE(bad);
    Resp r = api.Post("/api/v2/inventories/", json::object{{"name", "bad"},
                                                           {"organization", s.org_a},
                                                           {"kind", "smart"},
                                                           {"host_filter", bad}})
                 .Send();
    if (std::string(bad) == "name=") {
      EXPECT_EQ(r.status, 201);  // an empty value is allowed (name equals "")
      continue;
    }
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(S(r["host_filter"].as_array()[0]), "Invalid query " + std::string(bad));
  }
}

TEST(InvSmart, AnsibleFactsContainment) {
  Api api;
  SmartSetup s(api);
  auto& db = api.db().Local();
  db.Exec(
      "UPDATE hosts SET ansible_facts = ? WHERE name = 'db1'",
      {std::string(
          R"({"ansible_distribution": "Debian", "ansible_lo": {"ipv4": {"address": "127.0.0.1"}}, "ansible_mounts": [{"mount": "/"}, {"mount": "/boot"}], "cores": 4})")});
  db.Exec("UPDATE hosts SET ansible_facts = ? WHERE name = 'db2'",
          {std::string(R"({"ansible_distribution": "Ubuntu", "cores": 8})")});
  std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"ansible_facts__ansible_distribution=Debian", {"db1"}},
      {"ansible_facts__ansible_distribution__exact=\"Ubuntu\"", {"db2"}},
      {"ansible_facts__ansible_lo__ipv4__address=127.0.0.1", {"db1"}},
      {"ansible_facts__ansible_mounts[]__mount=/boot", {"db1"}},
      {"ansible_facts__cores=8", {"db2"}},
      {"ansible_facts__cores=\"8\"", {}},
      {"ansible_facts__ansible_distribution=Debian or ansible_facts__cores=8", {"db1", "db2"}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].first);
    int64_t id = s.Smart(api, "f" + std::to_string(i), cases[i].first);
    EXPECT_EQ(SmartHosts(api, id), cases[i].second);
  }
}

TEST(InvSmart, ReadersOfTheSmartInventorySeeItsHosts) {
  Api api;
  SmartSetup s(api);
  int64_t id = s.Smart(api, "shared", "name__startswith=db");
  int64_t u = api.User("viewer");
  api.Grant(InvUrl(id), "read_role", u);
  EXPECT_EQ(SmartHosts(api, id, "viewer"), (std::vector<std::string>{"db1", "db2"}));
  Resp script = api.Get(InvUrl(id, "script") + "?hostvars=1").As("viewer").Expect(200);
  EXPECT_EQ(script["all"].as_object().at("hosts"), (json::array{"db1", "db2"}));
  // The source inventories and their hosts stay hidden.
  EXPECT_EQ(api.Get("/api/v2/hosts/").As("viewer").Expect(200).count(), 0);
  api.Get(InvUrl(s.inv1)).As("viewer").Expect(403);
}

}  // namespace
}  // namespace baton::testing
