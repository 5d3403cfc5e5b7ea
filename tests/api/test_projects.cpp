// Projects and project updates (api-resources.md §9, §10): manual projects under the projects
// root, git projects updated for real by the dispatcher from a local repository.
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "harness.hpp"
#include "runner/process.hpp"

namespace baton::testing {
namespace {

namespace fs = std::filesystem;
std::string S(const json::value& v) {
  return std::string(v.as_string());
}

// The id of the update a project's creation started (summary_fields.current_update).
int64_t CurrentUpdate(const Resp& project) {
  return project["summary_fields"].as_object().at("current_update").as_object().at("id").as_int64();
}
std::string UpdateUrl(int64_t id) {
  return "/api/v2/project_updates/" + std::to_string(id) + "/";
}

// A git repository with a playbook, a non-playbook YAML file and an inventory.
std::string MakeRepo(const fs::path& dir) {
  fs::create_directories(dir / "inventory");
  std::ofstream(dir / "hello.yml")
      << "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n";
  std::ofstream(dir / "vars.yml") << "a: 1\n";
  std::ofstream(dir / "inventory" / "hosts") << "[web]\nweb1 ansible_connection=local\n";
  auto git = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"git",         "-C", dir.string(),    "-c",
                                  "user.name=t", "-c", "user.email=t@x"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto [rc, out] = runner::RunCapture({argv, {}, ""});
    EXPECT_EQ(rc, 0) << out;
    return out;
  };
  git({"init", "-q", "-b", "main"});
  git({"add", "."});
  git({"commit", "-q", "-m", "first"});
  std::string head = git({"rev-parse", "HEAD"});
  while (!head.empty() && head.back() == '\n') head.pop_back();
  return head;
}

TEST(Projects, ManualProjectNeedsADirectoryUnderTheRoot) {
  Api api;
  Resp bad = api.Post("/api/v2/projects/", json::object{{"name", "m"}, {"local_path", "nope"}})
                 .Expect(400);
  EXPECT_EQ(S(bad["local_path"].as_array()[0]),
            "Invalid path choice. You must choose from the directories in the projects root.");
  api.Post("/api/v2/projects/", json::object{{"name", "m"}, {"local_path", "../etc"}}).Expect(400);
  api.Post("/api/v2/projects/", json::object{{"name", "m"}, {"local_path", "/etc"}}).Expect(400);
  fs::create_directories(api.projects_root() / "mine");
  std::ofstream(api.projects_root() / "mine" / "site.yml") << "- hosts: localhost\n  tasks: []\n";
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "m"}, {"local_path", "mine"}, {"organization", 1}})
               .Expect(201);
  EXPECT_EQ(p["status"], "ok");
  EXPECT_EQ(p["scm_type"], "");
  EXPECT_EQ(p["related"].as_object().at("named_url"), "/api/v2/projects/m++Default/");
  std::string url = "/api/v2/projects/" + std::to_string(p.id()) + "/";
  EXPECT_EQ(api.Get(url + "playbooks/").Expect(200).json, (json::array{"site.yml"}));
  EXPECT_EQ(api.Get(url + "update/").Expect(200)["can_update"], false);
  api.Post(url + "update/", json::object{}).Expect(405);
  Resp dup = api.Post("/api/v2/projects/", json::object{{"name", "m2"}, {"local_path", "mine"}})
                 .Expect(400);
  EXPECT_EQ(S(dup["local_path"].as_array()[0]),
            "This path is already being used by another manual project.");
  Resp opts =
      api.Post("/api/v2/projects/", json::object{{"name", "m3"}, {"scm_update_on_launch", true}})
          .Expect(400);
  EXPECT_EQ(S(opts["scm_update_on_launch"].as_array()[0]),
            "Update options must be set to false for manual projects.");
  EXPECT_EQ(p["summary_fields"].as_object().at("user_capabilities").as_object().at("start"), false);
}

TEST(Projects, ScmProjectNeedsUrlAndUniqueNamePerOrg) {
  Api api;
  Resp r =
      api.Post("/api/v2/projects/", json::object{{"name", "g"}, {"scm_type", "git"}}).Expect(400);
  EXPECT_EQ(S(r["scm_url"].as_array()[0]), "SCM URL is required.");
  api.Post("/api/v2/projects/", json::object{{"name", "g"}, {"scm_type", "svn2"}}).Expect(400);
  api.Post("/api/v2/projects/",
           json::object{
               {"name", "g"}, {"scm_type", "git"}, {"scm_url", "file:///x"}, {"organization", 1}})
      .Expect(201);
  Resp dup = api.Post("/api/v2/projects/", json::object{{"name", "g"},
                                                        {"scm_type", "git"},
                                                        {"scm_url", "file:///x"},
                                                        {"organization", 1}})
                 .Expect(400);
  EXPECT_NE(S(dup["__all__"].as_array()[0]).find("combination already exists"), std::string::npos);
}

TEST(Projects, GitProjectUpdatesForReal) {
  Api api;
  std::string head = MakeRepo(api.dir() / "repo");
  api.StartDispatcher();
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "Git P"},
                                 {"organization", 1},
                                 {"scm_type", "git"},
                                 {"scm_url", "file://" + (api.dir() / "repo").string()}})
               .Expect(201);
  // The collection waits on summary_fields.current_update of the create response.
  int64_t update = CurrentUpdate(p);
  Resp u = api.WaitFinished(UpdateUrl(update));
  EXPECT_EQ(u["status"], "successful") << u.body;
  EXPECT_EQ(u["failed"], false);
  EXPECT_EQ(S(u["scm_revision"]), head);
  EXPECT_EQ(u["launch_type"], "manual");
  EXPECT_FALSE(u["started"].is_null());
  EXPECT_FALSE(u["finished"].is_null());
  std::string purl = "/api/v2/projects/" + std::to_string(p.id()) + "/";
  Resp after = api.Get(purl).Expect(200);
  EXPECT_EQ(after["status"], "successful");
  EXPECT_EQ(S(after["scm_revision"]), head);
  EXPECT_EQ(api.Get(purl + "playbooks/").Expect(200).json, (json::array{"hello.yml"}));
  auto inv = api.Get(purl + "inventories/").Expect(200).json.as_array();
  EXPECT_NE(std::find(inv.begin(), inv.end(), json::value("inventory/hosts")), inv.end());
  Resp out = api.Get("/api/v2/project_updates/" + std::to_string(update) + "/stdout/?format=txt")
                 .Expect(200);
  EXPECT_NE(out.body.find(head), std::string::npos) << out.body;
  Resp js = api.Get("/api/v2/project_updates/" + std::to_string(update) + "/stdout/?format=json")
                .Expect(200);
  EXPECT_NE(S(js["content"]).find(head), std::string::npos);
  // A second update through update/ answers 202 with the new update's id.
  EXPECT_EQ(api.Get(purl + "update/").Expect(200)["can_update"], true);
  Resp again = api.Post(purl + "update/", json::object{}).Expect(202);
  EXPECT_GT(again["project_update"].as_int64(), update);
  EXPECT_EQ(again.Header("Location"),
            "/api/v2/project_updates/" + std::to_string(again["project_update"].as_int64()) + "/");
  EXPECT_EQ(api.WaitFinished(again.Header("Location"))["status"], "successful");
  EXPECT_EQ(api.Get(purl + "project_updates/").Expect(200).count(), 2);
  EXPECT_EQ(
      api.Get("/api/v2/project_updates/?project=" + std::to_string(p.id()) + "&status=successful")
          .Expect(200)
          .count(),
      2);
}

TEST(Projects, UnreachableUrlFailsTheUpdateWithAnExplanation) {
  Api api;
  api.StartDispatcher();
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "bad"},
                                 {"scm_type", "git"},
                                 {"scm_url", "file://" + (api.dir() / "missing").string()}})
               .Expect(201);
  int64_t update = CurrentUpdate(p);
  Resp u = api.WaitFinished(UpdateUrl(update));
  EXPECT_EQ(u["status"], "failed");
  EXPECT_EQ(u["failed"], true);
  EXPECT_NE(S(u["job_explanation"]).find("Could not fetch the project"), std::string::npos)
      << u.body;
  EXPECT_EQ(api.Get("/api/v2/projects/" + std::to_string(p.id()) + "/").Expect(200)["status"],
            "failed");
}

TEST(Projects, CancelPendingUpdate) {
  Api api;
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "c"}, {"scm_type", "git"}, {"scm_url", "file:///x"}})
               .Expect(201);
  int64_t update = CurrentUpdate(p);
  std::string url = "/api/v2/project_updates/" + std::to_string(update) + "/";
  EXPECT_EQ(api.Get(url + "cancel/").Expect(200)["can_cancel"], true);
  // An active project cannot be deleted (409 with the active jobs).
  Resp busy = api.Delete("/api/v2/projects/" + std::to_string(p.id()) + "/").Expect(409);
  EXPECT_EQ(busy["active_jobs"].as_array()[0].as_object().at("id"), update);
  api.Delete(url).Expect(403);
  api.Post(url + "cancel/", json::object{}).Expect(202);
  api.StartDispatcher();
  Resp u = api.WaitFinished(url);
  EXPECT_EQ(u["status"], "canceled");
  EXPECT_FALSE(u["canceled_on"].is_null());
  api.Post(url + "cancel/", json::object{}).Expect(405);
  api.Delete(url).Expect(204);
}

TEST(Projects, RestartFailsUpdatesLeftRunning) {
  Api api;
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "r"}, {"scm_type", "git"}, {"scm_url", "file:///x"}})
               .Expect(201);
  int64_t update = CurrentUpdate(p);
  // As if a previous process had started it and died.
  api.db().Local().Exec(
      "UPDATE unified_jobs SET status = 'running', execution_node = 'test-node', pid = 999999 "
      "WHERE id = ?",
      {update});
  api.StartDispatcher();
  Resp u = api.WaitFinished(UpdateUrl(update));
  EXPECT_EQ(u["status"], "failed");
  EXPECT_NE(S(u["job_explanation"]).find("system start up"), std::string::npos) << u.body;
}

TEST(Projects, Rbac) {
  Api api;
  int64_t org = api.Org("PO");
  int64_t padmin = api.User("padmin");
  api.User("member");
  api.Grant("/api/v2/organizations/" + std::to_string(org) + "/", "project_admin_role", padmin);
  api.Grant("/api/v2/organizations/" + std::to_string(org) + "/", "member_role", api.User("m2"));
  fs::create_directories(api.projects_root() / "d1");
  api.Post("/api/v2/projects/", json::object{{"name", "x"}, {"organization", org}})
      .As("member")
      .Expect(403);
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "x"}, {"organization", org}, {"local_path", "d1"}})
               .As("padmin")
               .Expect(201);
  std::string url = "/api/v2/projects/" + std::to_string(p.id()) + "/";
  api.Get(url).As("m2").Expect(403);
  api.Get(url).As("padmin").Expect(200);
  int64_t reader = api.User("reader");
  api.Grant(url, "read_role", reader);
  api.Get(url).As("reader").Expect(200);
  api.Patch(url, json::object{{"description", "x"}}).As("reader").Expect(403);
  EXPECT_EQ(api.Get("/api/v2/projects/").As("reader").Expect(200).count(), 1);
  api.Delete(url).As("padmin").Expect(204);
}

}  // namespace
}  // namespace baton::testing

namespace baton::testing {
namespace {

// A Source Control credential is handed to git for the run only: its files are gone afterwards
// and its secret appears nowhere in the update's output.
TEST(Projects, ScmCredentialMaterialIsRemovedAfterTheRun) {
  Api api;
  std::string head = MakeRepo(api.dir() / "repo");
  api.StartDispatcher();
  int64_t type = api.Get("/api/v2/credential_types/?namespace=scm")
                     .Expect(200)
                     .results()[0]
                     .as_object()
                     .at("id")
                     .as_int64();
  int64_t cred =
      api.Post("/api/v2/credentials/",
               json::object{
                   {"name", "git creds"},
                   {"organization", 1},
                   {"credential_type", type},
                   {"inputs", json::object{{"username", "bob"}, {"password", "GIT-PASSWORD-42"}}}})
          .Expect(201)
          .id();
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "with cred"},
                                 {"organization", 1},
                                 {"scm_type", "git"},
                                 {"credential", cred},
                                 {"scm_url", "file://" + (api.dir() / "repo").string()}})
               .Expect(201);
  EXPECT_EQ(p["credential"], cred);
  int64_t machine = api.Get("/api/v2/credential_types/?namespace=ssh")
                        .Expect(200)
                        .results()[0]
                        .as_object()
                        .at("id")
                        .as_int64();
  int64_t mcred =
      api.Post("/api/v2/credentials/",
               json::object{{"name", "m"}, {"organization", 1}, {"credential_type", machine}})
          .Expect(201)
          .id();
  Resp wrong = api.Post("/api/v2/projects/", json::object{{"name", "wrong"},
                                                          {"scm_type", "git"},
                                                          {"scm_url", "file:///x"},
                                                          {"credential", mcred}})
                   .Expect(400);
  EXPECT_EQ(S(wrong["credential"].as_array()[0]), "Credential kind must be 'scm'.");
  int64_t update = CurrentUpdate(p);
  Resp u = api.WaitFinished(UpdateUrl(update));
  EXPECT_EQ(u["status"], "successful") << u.body;
  EXPECT_EQ(S(u["scm_revision"]), head);
  Resp out = api.Get("/api/v2/project_updates/" + std::to_string(update) + "/stdout/?format=txt")
                 .Expect(200);
  EXPECT_EQ(out.body.find("GIT-PASSWORD-42"), std::string::npos);
  size_t left = 0;
  if (fs::exists(api.dir() / "run"))
    for (auto& e : fs::directory_iterator(api.dir() / "run")) left += !e.path().empty();
  EXPECT_EQ(left, 0u);
}

}  // namespace
}  // namespace baton::testing

namespace baton::testing {
namespace {

// Who may read, change, update (start) and delete a project: role -> outcome.
TEST(Projects, RbacMatrix) {
  Api api;
  int64_t org = api.Org("PM");
  std::string ourl = "/api/v2/organizations/" + std::to_string(org) + "/";
  fs::create_directories(api.projects_root() / "pm");
  int64_t id = api.Post("/api/v2/projects/", json::object{{"name", "p"},
                                                          {"organization", org},
                                                          {"scm_type", "git"},
                                                          {"scm_url", "file:///nowhere"}})
                   .Expect(201)
                   .id();
  std::string url = "/api/v2/projects/" + std::to_string(id) + "/";
  struct Grant {
    std::string user, url, role;
  };
  std::vector<Grant> grants = {{"org_admin", ourl, "admin_role"},
                               {"org_padmin", ourl, "project_admin_role"},
                               {"org_auditor", ourl, "auditor_role"},
                               {"org_member", ourl, "member_role"},
                               {"p_admin", url, "admin_role"},
                               {"p_update", url, "update_role"},
                               {"p_use", url, "use_role"},
                               {"p_read", url, "read_role"}};
  for (auto& g : grants) api.Grant(g.url, g.role, api.User(g.user));
  api.User("nobody");
  struct Row {
    std::string user;
    int read, edit, update;
    bool can_update;
  };
  std::vector<Row> rows = {
      {"admin", 200, 200, 202, true},       {"org_admin", 200, 200, 202, true},
      {"org_padmin", 200, 200, 202, true},  {"org_auditor", 200, 403, 403, false},
      {"org_member", 403, 403, 403, false}, {"p_admin", 200, 200, 202, true},
      {"p_update", 200, 403, 202, true},    {"p_use", 200, 403, 403, false},
      {"p_read", 200, 403, 403, false},     {"nobody", 403, 403, 403, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.user);
    api.Get(url).As(r.user).Expect(r.read);
    api.Patch(url, json::object{{"description", r.user}}).As(r.user).Expect(r.edit);
    if (r.read == 200) {
      EXPECT_EQ(api.Get(url + "update/").As(r.user).Expect(200)["can_update"], r.can_update);
    }
    api.Post(url + "update/", json::object{}).As(r.user).Expect(r.update);
  }
  // Pending updates block deletion (409) for those who may delete; others get 403 first.
  api.Delete(url).As("p_read").Expect(403);
  api.Delete(url).As("p_admin").Expect(409);
}

TEST(Projects, CopyKeepsSettingsAndStartsTheCopysUpdate) {
  Api api;
  Resp p = api.Post("/api/v2/projects/", json::object{{"name", "orig"},
                                                      {"organization", 1},
                                                      {"scm_type", "git"},
                                                      {"scm_url", "file:///x"},
                                                      {"scm_branch", "dev"}})
               .Expect(201);
  std::string url = "/api/v2/projects/" + std::to_string(p.id()) + "/copy/";
  EXPECT_EQ(api.Get(url).Expect(200)["can_copy"], true);
  Resp same = api.Post(url, json::object{{"name", "orig"}}).Expect(400);
  EXPECT_EQ(S(same["name"].as_array()[0]),
            "The original object is already named orig, a copy from it cannot have the same name.");
  Resp c = api.Post(url, json::object{{"name", "copy"}}).Expect(201);
  EXPECT_EQ(c["scm_branch"], "dev");
  EXPECT_EQ(c["organization"], 1);
  EXPECT_NE(S(c["local_path"]), S(p["local_path"]));
  EXPECT_TRUE(c["summary_fields"].as_object().contains("current_update"));
}

}  // namespace
}  // namespace baton::testing

namespace baton::testing {
namespace {

// A running update (git waiting on a server that never answers) is canceled: the process group
// gets SIGTERM and the update ends `canceled`.
TEST(Projects, CancelRunningUpdate) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  std::string url_git = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/repo.git";
  Api api;
  api.StartDispatcher();
  Resp p = api.Post("/api/v2/projects/",
                    json::object{{"name", "slow"}, {"scm_type", "git"}, {"scm_url", url_git}})
               .Expect(201);
  int64_t update = CurrentUpdate(p);
  std::string url = "/api/v2/project_updates/" + std::to_string(update) + "/";
  std::string status;
  for (int i = 0; i < 200 && status != "running"; ++i) {
    status = std::string(
        api.Get(url).Header("Cache-Control", "no-cache").Expect(200)["status"].as_string());
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(status, "running");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let git connect and wait
  api.Post(url + "cancel/", json::object{}).Expect(202);
  Resp u = api.WaitFinished(url, 30);
  EXPECT_EQ(u["status"], "canceled") << u.body;
  EXPECT_EQ(u["failed"], true);
  EXPECT_FALSE(u["canceled_on"].is_null());
  close(fd);
}

}  // namespace
}  // namespace baton::testing

namespace baton::testing {
namespace {

// The Source Control credential really reaches git: a repository behind HTTP Basic auth is
// cloned with the right password and refused with a wrong one.
TEST(Projects, ScmCredentialAuthenticatesOverHttp) {
  Api api;
  fs::path repo = api.dir() / "served" / "repo";
  std::string head = MakeRepo(repo);
  // Dumb HTTP: a bare copy with the info files git clients need.
  auto [rc, out] = runner::RunCapture({{"git", "clone", "-q", "--bare", repo.string(),
                                        (api.dir() / "served" / "repo.git").string()},
                                       {},
                                       ""});
  ASSERT_EQ(rc, 0) << out;
  auto [rc2, out2] = runner::RunCapture(
      {{"git", "-C", (api.dir() / "served" / "repo.git").string(), "update-server-info"}, {}, ""});
  ASSERT_EQ(rc2, 0) << out2;
  std::string portfile = (api.dir() / "port").string();
  auto server =
      runner::Spawn({{"/usr/bin/python3",
                      std::string(BATON_SOURCE_DIR) + "/tests/fixtures/git_http_auth_server.py",
                      (api.dir() / "served").string(), "gituser", "right-PW", portfile},
                     {},
                     ""});
  ASSERT_TRUE(server.ok());
  for (int i = 0; i < 200 && !fs::exists(portfile); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_TRUE(fs::exists(portfile));
  std::string port;
  std::ifstream(portfile) >> port;
  std::string url = "http://127.0.0.1:" + port + "/repo.git";
  api.StartDispatcher();
  int64_t type = api.Get("/api/v2/credential_types/?namespace=scm")
                     .Expect(200)
                     .results()[0]
                     .as_object()
                     .at("id")
                     .as_int64();
  auto project_with = [&](const std::string& name, const std::string& pw) {
    int64_t cred =
        api.Post("/api/v2/credentials/",
                 json::object{{"name", name},
                              {"organization", 1},
                              {"credential_type", type},
                              {"inputs", json::object{{"username", "gituser"}, {"password", pw}}}})
            .Expect(201)
            .id();
    Resp p = api.Post("/api/v2/projects/", json::object{{"name", name},
                                                        {"organization", 1},
                                                        {"scm_type", "git"},
                                                        {"scm_url", url},
                                                        {"credential", cred}})
                 .Expect(201);
    int64_t update = CurrentUpdate(p);
    return api.WaitFinished(UpdateUrl(update));
  };
  Resp good = project_with("good", "right-PW");
  EXPECT_EQ(good["status"], "successful") << good.body;
  EXPECT_EQ(S(good["scm_revision"]), head);
  Resp bad = project_with("bad", "wrong-PW");
  EXPECT_EQ(bad["status"], "failed") << bad.body;
  kill(server.value().pid, SIGTERM);
  runner::WaitWithOutput(
      server.value(), [](std::string_view) {}, nullptr, 0);
}

}  // namespace
}  // namespace baton::testing

namespace baton::testing {
namespace {

// The Source Control credential's ssh key reaches git: a repository served by a loopback sshd
// that accepts only that key is cloned; without the credential the update fails.
TEST(Projects, ScmCredentialSshKeyAuthenticates) {
  // sshd comes from Debian's openssh-server, which install-deps does not install: on a machine
  // with systemd its package would start a daemon on every interface. Without it, this skips.
  if (!fs::exists("/usr/sbin/sshd")) GTEST_SKIP() << "openssh-server is not installed";
  Api api;
  fs::path d = api.dir() / "ssh";
  fs::create_directories(d);
  fs::create_directories("/run/sshd");
  auto keygen = [&](const std::string& name) {
    auto [rc, out] = runner::RunCapture(
        {{"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (d / name).string()}, {}, ""});
    ASSERT_EQ(rc, 0) << out;
  };
  keygen("host");
  keygen("client");
  fs::copy_file(d / "client.pub", d / "authorized_keys");
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(probe, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(probe);
  std::ofstream(d / "sshd_config")
      << "Port " << port << "\nListenAddress 127.0.0.1\nHostKey " << (d / "host").string()
      << "\nAuthorizedKeysFile " << (d / "authorized_keys").string()
      << "\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin "
         "prohibit-password\nStrictModes no\nUsePAM no\nPidFile "
      << (d / "sshd.pid").string() << "\n";
  auto sshd =
      runner::Spawn({{"/usr/sbin/sshd", "-D", "-e", "-f", (d / "sshd_config").string()}, {}, ""});
  ASSERT_TRUE(sshd.ok());
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    up = connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(c);
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_TRUE(up);
  std::string head = MakeRepo(api.dir() / "repo");
  std::string user = getpwuid(getuid())->pw_name;
  std::string url =
      "ssh://" + user + "@127.0.0.1:" + std::to_string(port) + (api.dir() / "repo").string();
  std::string key;
  {
    std::ifstream in(d / "client");
    key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  api.StartDispatcher();
  int64_t type = api.Get("/api/v2/credential_types/?namespace=scm")
                     .Expect(200)
                     .results()[0]
                     .as_object()
                     .at("id")
                     .as_int64();
  int64_t cred = api.Post("/api/v2/credentials/",
                          json::object{{"name", "ssh key"},
                                       {"organization", 1},
                                       {"credential_type", type},
                                       {"inputs", json::object{{"ssh_key_data", key}}}})
                     .Expect(201)
                     .id();
  auto update_of = [&](const std::string& name, std::optional<int64_t> credential) {
    json::object body{{"name", name}, {"organization", 1}, {"scm_type", "git"}, {"scm_url", url}};
    if (credential) body["credential"] = *credential;
    Resp p = api.Post("/api/v2/projects/", body).Expect(201);
    int64_t update = CurrentUpdate(p);
    return api.WaitFinished(UpdateUrl(update));
  };
  Resp good = update_of("over ssh", cred);
  EXPECT_EQ(good["status"], "successful") << good.body;
  EXPECT_EQ(S(good["scm_revision"]), head);
  Resp none = update_of("no key", std::nullopt);
  EXPECT_EQ(none["status"], "failed") << none.body;
  kill(sshd.value().pid, SIGTERM);
  runner::WaitWithOutput(
      sshd.value(), [](std::string_view) {}, nullptr, 0);
}

}  // namespace
}  // namespace baton::testing
