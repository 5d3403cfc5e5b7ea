// Fixtures for job template and launch tests (suites JobTemplate*, JobLaunch*): a manual project
// holding playbooks, an inventory with hosts, a job template, credentials, and reading job rows
// straight from the store. Others may include it.
#pragma once
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/secrets.hpp"
#include "credential_fixtures.hpp"

namespace baton::testing::jt {

inline std::string JtUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/job_templates/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}
inline std::string OrgUrl(int64_t id) {
  return "/api/v2/organizations/" + std::to_string(id) + "/";
}
inline std::string ProjUrl(int64_t id) {
  return "/api/v2/projects/" + std::to_string(id) + "/";
}
inline std::string InvUrl2(int64_t id) {
  return "/api/v2/inventories/" + std::to_string(id) + "/";
}

// A manual project in `org` whose directory (named after the project) holds `playbooks`.
inline int64_t MakeProject(Api& api, const std::string& name, int64_t org,
                           std::vector<std::string> playbooks = {"site.yml"},
                           json::object extra = {}) {
  std::filesystem::path dir = api.projects_root() / name;
  std::filesystem::create_directories(dir);
  for (const auto& p : playbooks)
    std::ofstream(dir / p) << "- hosts: all\n  gather_facts: false\n  tasks:\n    - ping:\n";
  extra["name"] = name;
  extra["organization"] = org;
  extra["local_path"] = name;
  return api.Post("/api/v2/projects/", extra).Expect(201).id();
}

// An inventory in `org` with `hosts` hosts named h1..hN.
inline int64_t MakeInventory(Api& api, const std::string& name, int64_t org, int hosts = 0) {
  int64_t id = api.Post("/api/v2/inventories/", json::object{{"name", name}, {"organization", org}})
                   .Expect(201)
                   .id();
  for (int i = 1; i <= hosts; ++i)
    api.Post("/api/v2/hosts/", json::object{{"name", "h" + std::to_string(i)}, {"inventory", id}})
        .Expect(201);
  return id;
}

inline int64_t MakeJt(Api& api, const std::string& name, int64_t project, int64_t inventory,
                      json::object extra = {}) {
  extra["name"] = name;
  extra["project"] = project;
  if (inventory) extra["inventory"] = inventory;
  if (!extra.contains("playbook")) extra["playbook"] = "site.yml";
  return api.Post("/api/v2/job_templates/", extra).Expect(201).id();
}

// One organization with a project, an inventory of two hosts and a template using them.
struct JtWorld {
  int64_t org = 0, project = 0, inventory = 0, jt = 0;
  JtWorld(Api& api, const std::string& prefix, json::object jt_extra = {}) {
    org = api.Org(prefix + "-org");
    project = MakeProject(api, prefix + "-proj", org);
    inventory = MakeInventory(api, prefix + "-inv", org, 2);
    jt = MakeJt(api, prefix + "-jt", project, inventory, std::move(jt_extra));
  }
};

inline int64_t AttachCred(Api& api, int64_t jt, int64_t cred) {
  api.Post(JtUrl(jt, "credentials"), json::object{{"id", cred}}).Expect(204);
  return cred;
}

// A credential of managed type `type` ("Vault", "Amazon Web Services" ...) in `org`.
inline int64_t MakeCred(Api& api, const std::string& name, const std::string& type, int64_t org,
                        json::object inputs = {}) {
  return api
      .Post("/api/v2/credentials/", json::object{{"name", name},
                                                 {"credential_type", TypeId(api, type)},
                                                 {"organization", org},
                                                 {"inputs", std::move(inputs)}})
      .Expect(201)
      .id();
}

// A column of a unified job row, as text (nullopt for NULL / no row).
inline std::optional<std::string> JobColumn(Api& api, int64_t job, const std::string& column) {
  return api.db().Local().QueryString("SELECT " + column + " FROM unified_jobs WHERE id = ?",
                                      {job});
}
inline int64_t JobInt(Api& api, int64_t job, const std::string& column) {
  return api.db()
      .Local()
      .QueryInt("SELECT " + column + " FROM unified_jobs WHERE id = ?", {job})
      .value_or(-1);
}
inline json::object JobJson(Api& api, int64_t job, const std::string& column) {
  auto text = JobColumn(api, job, column);
  auto v = text ? ParseJson(*text) : std::nullopt;
  return v && v->is_object() ? v->as_object() : json::object{};
}
inline int64_t CountJobs(Api& api) {
  return api.db()
      .Local()
      .QueryInt("SELECT COUNT(*) FROM unified_jobs WHERE type = 'job'")
      .value_or(0);
}
inline std::vector<int64_t> JobCredentials(Api& api, int64_t job) {
  auto rows = api.db().Local().Query(
      "SELECT credential_id FROM credential_attachments WHERE owner_type = 'job' AND owner_id = ? "
      "ORDER BY position",
      {job});
  std::vector<int64_t> out;
  for (auto& r : rows.rows) out.push_back(store::AsInt(r[0]));
  return out;
}
inline std::vector<int64_t> JobLabels(Api& api, int64_t job) {
  auto rows = api.db().Local().Query(
      "SELECT label_id FROM label_attachments WHERE owner_type = 'job' AND owner_id = ? ORDER BY "
      "label_id",
      {job});
  std::vector<int64_t> out;
  for (auto& r : rows.rows) out.push_back(store::AsInt(r[0]));
  return out;
}
// Decrypts a value encrypted with the test instance's secret key.
inline std::string Plain(Api& api, const std::string& stored) {
  auto key = LoadOrCreateKey(api.dir().string());
  auto r = Decrypt(key.value(), stored);
  return r.ok() ? r.value() : "<undecryptable>";
}
inline std::vector<std::string> Strs(const json::value& v) {
  std::vector<std::string> out;
  for (auto& e : v.as_array()) out.emplace_back(e.as_string());
  return out;
}
// The first message under `key` of an error body.
inline std::string Msg(const Resp& r, const std::string& key) {
  const auto& v = r[key];
  if (v.is_array()) return std::string(v.as_array().at(0).as_string());
  return std::string(v.as_string());
}

}  // namespace baton::testing::jt
