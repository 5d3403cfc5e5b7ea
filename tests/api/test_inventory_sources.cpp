// Inventory sources and inventory updates (api-resources.md §14, §15, contract §13.2): validation,
// RBAC, and real updates through ansible-inventory from a git project.
#include <fstream>

#include "inventory_fixtures.hpp"
#include "runner/process.hpp"

namespace baton::testing {
namespace {

namespace fs = std::filesystem;
using inv::S;

const char* kSources = "/api/v2/inventory_sources/";

std::string SrcUrl(int64_t id, const std::string& sub = "") {
  return std::string(kSources) + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

void Git(const fs::path& dir, std::vector<std::string> args) {
  std::vector<std::string> argv{"git",         "-C", dir.string(),    "-c",
                                "user.name=t", "-c", "user.email=t@x"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto [rc, out] = runner::RunCapture({argv, {}, ""});
  EXPECT_EQ(rc, 0) << out;
}

const char* kInventory =
    "[web]\nweb1 ansible_host=10.0.0.1 state=on\nweb2 state=off\n\n[db]\ndb1\n\n"
    "[prod:children]\nweb\ndb\n\n[prod:vars]\nenv=production\n";

// A git project whose repository holds inventory/hosts; waits for its first update.
int64_t GitProject(Api& api) {
  fs::path repo = api.dir() / "repo";
  fs::create_directories(repo / "inventory");
  std::ofstream(repo / "inventory" / "hosts") << kInventory;
  Git(repo, {"init", "-q", "-b", "main"});
  Git(repo, {"add", "."});
  Git(repo, {"commit", "-q", "-m", "first"});
  Resp p = api.Post("/api/v2/projects/", json::object{{"name", "inv repo"},
                                                      {"organization", 1},
                                                      {"scm_type", "git"},
                                                      {"scm_url", "file://" + repo.string()}})
               .Expect(201);
  int64_t u = p["summary_fields"].as_object().at("current_update").as_object().at("id").as_int64();
  EXPECT_EQ(api.WaitFinished("/api/v2/project_updates/" + std::to_string(u) + "/")["status"],
            "successful");
  return p.id();
}

TEST(InvSrcValidation, RefusesBadBodies) {
  Api api;
  int64_t inv = inv::Inventory(api, "i", 1);
  Resp r = api.Post(kSources, json::object{{"name", "s"}, {"inventory", inv}, {"source", "scm"}})
               .Expect(400);
  EXPECT_EQ(S(r["source_project"].as_array()[0]), "Project required for scm type sources.");
  api.Post(kSources, json::object{{"name", "s"}, {"inventory", inv}, {"source", "nope"}})
      .Expect(400);
  api.Post(kSources, json::object{{"name", "s"}, {"inventory", inv}}).Expect(400);
  fs::create_directories(api.projects_root() / "manual");
  int64_t manual =
      api.Post("/api/v2/projects/", json::object{{"name", "m"}, {"local_path", "manual"}})
          .Expect(201)
          .id();
  Resp m = api.Post(kSources, json::object{{"name", "s"},
                                           {"inventory", inv},
                                           {"source", "scm"},
                                           {"source_project", manual}})
               .Expect(400);
  EXPECT_EQ(S(m["source_project"].as_array()[0]),
            "Cannot use manual project for SCM-based inventory.");
  Resp red = api.Post(kSources, json::object{{"name", "s"},
                                             {"inventory", inv},
                                             {"source", "ec2"},
                                             {"source_project", manual},
                                             {"source_path", "x"}})
                 .Expect(400);
  EXPECT_EQ(S(red["detail"].as_array()[0]),
            "Cannot set source_project source_path if not SCM type.");
  Resp pv = api.Post(kSources, json::object{{"name", "s"},
                                            {"inventory", inv},
                                            {"source", "ec2"},
                                            {"source_vars", "{\"HOME\": \"/x\"}"}})
                .Expect(400);
  EXPECT_EQ(S(pv["source_vars"].as_array()[0]), "`HOME` is a prohibited environment variable");
  api.Post(kSources,
           json::object{
               {"name", "s"}, {"inventory", inv}, {"source", "ec2"}, {"source_vars", "a: [1"}})
      .Expect(400);
  api.Post(kSources, json::object{{"name", "s"}, {"inventory", inv}, {"source", "ec2"}})
      .Expect(201);
  Resp dup = api.Post(kSources, json::object{{"name", "s"}, {"inventory", inv}, {"source", "gce"}})
                 .Expect(400);
  EXPECT_EQ(S(dup["__all__"].as_array()[0]),
            "InventorySource with this (name, inventory) combination already exists.");
  int64_t smart =
      inv::Inventory(api, "sm", 1, json::object{{"kind", "smart"}, {"host_filter", "name=x"}});
  api.Post(kSources, json::object{{"name", "s"}, {"inventory", smart}, {"source", "ec2"}})
      .Expect(400);
}

TEST(InvSrcValidation, InventorySubListInjectsTheInventory) {
  Api api;
  int64_t inv = inv::Inventory(api, "i", 1);
  Resp s = api.Post(inv::InvUrl(inv, "inventory_sources"),
                    json::object{{"name", "s"}, {"source", "gce"}})
               .Expect(201);
  EXPECT_EQ(s["inventory"].as_int64(), inv);
  EXPECT_EQ(s["status"], "never updated");
  EXPECT_EQ(s["verbosity"].as_int64(), 1);
  EXPECT_EQ(api.Get(inv::InvUrl(inv, "inventory_sources")).Expect(200).count(), 1);
  Resp all = api.Get(inv::InvUrl(inv, "update_inventory_sources")).Expect(200);
  EXPECT_EQ(all.json.as_array().at(0).as_object().at("can_update"), true);
  int64_t empty = inv::Inventory(api, "e", 1);
  Resp none = api.Post(inv::InvUrl(empty, "update_inventory_sources"), json::object{}).Expect(400);
  EXPECT_EQ(none["detail"], "No inventory sources to update.");
}

TEST(InvSrcRbac, ReadAdminAndUpdateRoles) {
  Api api;
  int64_t inv = inv::Inventory(api, "i", 1);
  int64_t reader = api.User("reader"), admin = api.User("invadmin"), updater = api.User("upd");
  api.User("nobody");
  std::string iurl = inv::InvUrl(inv);
  api.Grant(iurl, "read_role", reader);
  api.Grant(iurl, "admin_role", admin);
  api.Grant(iurl, "update_role", updater);
  json::object body{{"name", "s"}, {"inventory", inv}, {"source", "ec2"}};
  api.Post(kSources, body).As("reader").Expect(403);
  api.Post(kSources, body).As("upd").Expect(403);
  int64_t id = api.Post(kSources, body).As("invadmin").Expect(201).id();
  EXPECT_EQ(api.Get(kSources).As("nobody").Expect(200).count(), 0);
  EXPECT_EQ(api.Get(kSources).As("reader").Expect(200).count(), 1);
  api.Get(SrcUrl(id)).As("nobody").Expect(403);
  api.Patch(SrcUrl(id), json::object{{"description", "d"}}).As("reader").Expect(403);
  api.Patch(SrcUrl(id), json::object{{"description", "d"}}).As("upd").Expect(403);
  EXPECT_EQ(api.Get(SrcUrl(id, "update")).As("reader").Expect(200)["can_update"], false);
  EXPECT_EQ(api.Get(SrcUrl(id, "update")).As("upd").Expect(200)["can_update"], true);
  api.Post(SrcUrl(id, "update"), json::object{}).As("reader").Expect(403);
  Resp u = api.Post(SrcUrl(id, "update"), json::object{}).As("upd").Expect(202);
  int64_t uid = u["inventory_update"].as_int64();
  EXPECT_EQ(u.Header("Location"), "/api/v2/inventory_updates/" + std::to_string(uid) + "/");
  EXPECT_EQ(api.Get("/api/v2/inventory_updates/").As("reader").Expect(200).count(), 1);
  EXPECT_EQ(api.Get("/api/v2/inventory_updates/").As("nobody").Expect(200).count(), 0);
  // Active jobs keep the source.
  api.Delete(SrcUrl(id)).As("invadmin").Expect(409);
  api.Post("/api/v2/inventory_updates/" + std::to_string(uid) + "/cancel/", json::object{})
      .As("upd")
      .Expect(202);
}

TEST(InvSrcUpdate, ImportsFromAGitProjectAndOverwrites) {
  Api api;
  api.StartDispatcher();
  int64_t project = GitProject(api);
  int64_t inv = inv::Inventory(api, "imported", 1);
  int64_t manual_host = inv::Host(api, "manual", inv);
  Resp s = api.Post(kSources, json::object{{"name", "from git"},
                                           {"inventory", inv},
                                           {"source", "scm"},
                                           {"source_project", project},
                                           {"source_path", "inventory/hosts"},
                                           {"enabled_var", "state"},
                                           {"enabled_value", "on"},
                                           {"overwrite", true}})
               .Expect(201);
  EXPECT_EQ(api.Get(SrcUrl(s.id(), "update")).Expect(200)["can_update"], true);
  Resp started = api.Post(SrcUrl(s.id(), "update"), json::object{}).Expect(202);
  EXPECT_EQ(started["inventory_source"].as_int64(), s.id());
  Resp u = api.WaitFinished(started.Header("Location"));
  EXPECT_EQ(u["status"], "successful") << u.body;
  std::string iurl = inv::InvUrl(inv);
  Resp hosts = api.Get(iurl + "hosts/?order_by=name").Expect(200);
  EXPECT_EQ(inv::Names(hosts), (std::vector<std::string>{"db1", "manual", "web1", "web2"}));
  Resp groups = api.Get(iurl + "groups/?order_by=name").Expect(200);
  EXPECT_EQ(inv::Names(groups), (std::vector<std::string>{"db", "prod", "web"}));
  Resp web1 = api.Get("/api/v2/hosts/?name=web1").Expect(200);
  const auto& w1 = web1.results().at(0).as_object();
  EXPECT_NE(S(w1.at("variables")).find("10.0.0.1"), std::string::npos);
  EXPECT_EQ(w1.at("enabled"), true);
  EXPECT_EQ(
      api.Get("/api/v2/hosts/?name=web2").Expect(200).results().at(0).as_object().at("enabled"),
      false);
  int64_t prod = api.Get(iurl + "groups/?name=prod")
                     .Expect(200)
                     .results()
                     .at(0)
                     .as_object()
                     .at("id")
                     .as_int64();
  EXPECT_NE(S(api.Get(inv::GroupUrl(prod)).Expect(200)["variables"]).find("production"),
            std::string::npos);
  EXPECT_EQ(inv::Names(api.Get(inv::GroupUrl(prod, "children") + "?order_by=name").Expect(200)),
            (std::vector<std::string>{"db", "web"}));
  EXPECT_EQ(api.Get(SrcUrl(s.id(), "hosts")).Expect(200).count(), 3);
  Resp src = api.Get(SrcUrl(s.id())).Expect(200);
  EXPECT_EQ(src["status"], "successful");
  EXPECT_EQ(src["last_update_failed"], false);
  Resp out = api.Get(started.Header("Location") + "stdout/?format=txt").Expect(200);
  EXPECT_NE(out.body.find("Imported 3 group(s) and 3 host(s)"), std::string::npos) << out.body;

  // Remove web2 from the repository, update the project, then the source again.
  fs::path repo = api.dir() / "repo";
  std::ofstream(repo / "inventory" / "hosts", std::ios::trunc)
      << "[web]\nweb1 ansible_host=10.0.0.1 state=on\n\n[db]\ndb1\n";
  Git(repo, {"commit", "-q", "-am", "second"});
  Resp pu = api.Post("/api/v2/projects/" + std::to_string(project) + "/update/", json::object{})
                .Expect(202);
  EXPECT_EQ(api.WaitFinished(pu.Header("Location"))["status"], "successful");
  Resp again = api.Post(SrcUrl(s.id(), "update"), json::object{}).Expect(202);
  EXPECT_EQ(api.WaitFinished(again.Header("Location"))["status"], "successful");
  EXPECT_EQ(inv::Names(api.Get(iurl + "hosts/?order_by=name").Expect(200)),
            (std::vector<std::string>{"db1", "manual", "web1"}));
  EXPECT_EQ(inv::Names(api.Get(iurl + "groups/?order_by=name").Expect(200)),
            (std::vector<std::string>{"db", "web"}));
  api.Get(inv::HostUrl(manual_host)).Expect(200);
  EXPECT_EQ(api.Get(SrcUrl(s.id(), "inventory_updates")).Expect(200).count(), 2);
}

TEST(InvSrcUpdate, FileSourceIsForSuperusersAndMergesVariables) {
  Api api;
  api.StartDispatcher();
  int64_t inv = inv::Inventory(api, "files", 1);
  api.Grant(inv::InvUrl(inv), "admin_role", api.User("invadmin"));
  fs::path file = api.dir() / "hosts.ini";
  std::ofstream(file) << "[all:vars]\nshared=1\n\n[app]\napp1 color=red\n";
  json::object body{
      {"name", "f"}, {"inventory", inv}, {"source", "file"}, {"source_path", file.string()}};
  Resp refused = api.Post(kSources, body).As("invadmin").Expect(400);
  EXPECT_EQ(S(refused["source"].as_array()[0]), "Only superusers may use file inventory sources.");
  int64_t id = api.Post(kSources, body).Expect(201).id();
  int64_t app1 = inv::Host(api, "app1", inv, json::object{{"variables", "size: 2"}});
  Resp u = api.Post(SrcUrl(id, "update"), json::object{}).Expect(202);
  EXPECT_EQ(api.WaitFinished(u.Header("Location"))["status"], "successful");
  std::string vars = S(api.Get(inv::HostUrl(app1)).Expect(200)["variables"]);
  EXPECT_NE(vars.find("size"), std::string::npos) << vars;
  EXPECT_NE(vars.find("red"), std::string::npos) << vars;
  EXPECT_NE(S(api.Get(inv::InvUrl(inv)).Expect(200)["variables"]).find("shared"),
            std::string::npos);
  EXPECT_EQ(api.Get(inv::InvUrl(inv, "groups")).Expect(200).count(), 1);
}

TEST(InvSrcUpdate, CloudSourcesFailHonestly) {
  Api api;
  api.StartDispatcher();
  int64_t inv = inv::Inventory(api, "cloud", 1);
  int64_t id =
      api.Post(kSources, json::object{{"name", "aws"}, {"inventory", inv}, {"source", "ec2"}})
          .Expect(201)
          .id();
  Resp r = api.Post(inv::InvUrl(inv, "update_inventory_sources"), json::object{}).Expect(200);
  const auto& entry = r.json.as_array().at(0).as_object();
  EXPECT_EQ(entry.at("status"), "started");
  int64_t uid = entry.at("inventory_update").as_int64();
  Resp u = api.WaitFinished("/api/v2/inventory_updates/" + std::to_string(uid) + "/");
  EXPECT_EQ(u["status"], "failed");
  EXPECT_EQ(u["failed"], true);
  EXPECT_EQ(S(u["job_explanation"]),
            "Updating ec2 inventory sources needs cloud credentials, which baton does not support "
            "yet.");
  Resp src = api.Get(SrcUrl(id)).Expect(200);
  EXPECT_EQ(src["status"], "failed");
  EXPECT_EQ(src["last_update_failed"], true);
  // The inventory counts its sources and the failing one.
  Resp invr = api.Get(inv::InvUrl(inv, "")).Expect(200);
  EXPECT_EQ(invr["has_inventory_sources"], true);
  EXPECT_EQ(invr["total_inventory_sources"], 1);
  EXPECT_EQ(invr["inventory_sources_with_failures"], 1);
  // A finished update can be deleted; then the source too.
  api.Delete("/api/v2/inventory_updates/" + std::to_string(uid) + "/").Expect(204);
  api.Delete(SrcUrl(id)).Expect(204);
}

}  // namespace
}  // namespace baton::testing
