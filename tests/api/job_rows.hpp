// Job rows written straight into the store for the read-side tests of jobs, job events, host
// summaries and the polymorphic lists (suites Job*, UnifiedList*, HostJobs*): the launch path
// has its own tests, these only need rows shaped as a launch and a run leave them.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "harness.hpp"
#include "rbac/roles.hpp"

namespace baton::testing::jobs {

inline std::string S(const json::value& v) {
  return std::string(v.as_string());
}
inline std::string JobUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/jobs/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}
inline std::vector<std::string> Keys(const json::value& v) {
  std::vector<std::string> out;
  for (auto& kv : v.as_object()) out.emplace_back(kv.key());
  return out;
}
inline std::vector<int64_t> Ids(const Resp& list) {
  std::vector<int64_t> out;
  for (auto& r : list.results()) out.push_back(r.as_object().at("id").as_int64());
  return out;
}

struct JobSpec {
  std::string name = "jt";
  int64_t job_template = 0;  // 0 = none
  int64_t organization = 0;  // 0 = none
  int64_t inventory = 0;
  int64_t project = 0;
  std::string status = "successful";
  int64_t created_by = 0;  // 0 = none
  std::string extra_vars = "{}";
  std::string survey_passwords = "{}";
  std::string artifacts = "{}";
  std::string playbook = "site.yml";
  std::string limit;
  std::string finished = "2024-01-01T00:01:00.000000Z";
};

// One organization with an inventory, a manual project and a job template, and the jobs, events
// and host summaries tests add to them.
class JobRows {
 public:
  explicit JobRows(Api& api, const std::string& org_name = "JobOrg") : api_(api) {
    org = api.Org(org_name);
    inventory = api.Post("/api/v2/inventories/",
                         json::object{{"name", org_name + "-inv"}, {"organization", org}})
                    .Expect(201)
                    .id();
    std::string dir = org_name + "-proj";
    std::filesystem::create_directories(api.projects_root() / dir);
    project = api.Post("/api/v2/projects/", json::object{{"name", org_name + "-proj"},
                                                         {"organization", org},
                                                         {"local_path", dir}})
                  .Expect(201)
                  .id();
    job_template = Template("Deploy " + org_name);
  }

  store::Connection& db() { return api_.db().Local(); }

  // A job template row (ids from the shared template sequence) with its roles.
  int64_t Template(const std::string& name, const std::string& playbook = "site.yml") {
    int64_t id = db().Insert(
        "INSERT INTO unified_job_template_ids (type) VALUES ('job_template') RETURNING id", {});
    db().Exec(
        "INSERT INTO job_templates (id, name, description, organization_id, inventory_id, "
        "project_id, playbook, created, modified) VALUES (?, ?, 'a template', ?, ?, ?, ?, "
        "'2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')",
        {id, name, org, inventory, project, playbook});
    rbac::CreateObjectRoles(db(), "job_template", id, {{"organization", org}});
    return id;
  }
  void GrantTemplate(int64_t jt, const std::string& field, int64_t user) {
    rbac::AddMember(db(), *rbac::RoleId(db(), "job_template", jt, field), user);
  }

  JobSpec Spec() {
    JobSpec s;
    s.name = "Deploy";
    s.job_template = job_template;
    s.organization = org;
    s.inventory = inventory;
    s.project = project;
    return s;
  }

  int64_t Job(const JobSpec& s) {
    auto opt = [](int64_t v) { return v ? store::Value(v) : store::Null(); };
    bool done = s.status != "new" && s.status != "pending" && s.status != "waiting" &&
                s.status != "running";
    bool failed = s.status == "failed" || s.status == "error" || s.status == "canceled";
    return db().Insert(
        "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, "
        "job_template_id, launch_type, status, failed, started, finished, elapsed, "
        "organization_id, inventory_id, project_id, playbook, job_type, limit_, extra_vars, "
        "survey_passwords, artifacts, created, modified, created_by_id, modified_by_id) VALUES "
        "('job', ?, '', ?, ?, 'manual', ?, ?, '2024-01-01T00:00:00.000000Z', ?, ?, ?, ?, ?, ?, "
        "'run', ?, ?, ?, ?, '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z', ?, ?) "
        "RETURNING id",
        {s.name, opt(s.job_template), opt(s.job_template), s.status, int64_t{failed},
         done ? store::Value(s.finished) : store::Null(), done ? 60.0 : 0.0, opt(s.organization),
         opt(s.inventory), opt(s.project), s.playbook, s.limit, s.extra_vars, s.survey_passwords,
         s.artifacts, opt(s.created_by), opt(s.created_by)});
  }

  struct EventSpec {
    std::string event;
    int64_t counter = 1;
    int64_t host = 0;
    std::string host_name;
    std::string uuid, parent_uuid;
    std::string stdout_text;
    bool failed = false, changed = false;
    std::string play, task, role;
    std::string event_data = "{}";
  };
  int64_t Event(int64_t job, const EventSpec& e) {
    return db().Insert(
        "INSERT INTO job_events (job_id, event, counter, event_data, failed, changed, uuid, "
        "parent_uuid, host_id, host_name, playbook, play, task, role, stdout, start_line, "
        "end_line, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'site.yml', ?, ?, ?, "
        "?, ?, ?, '2024-01-01T00:00:30.000000Z', '2024-01-01T00:00:30.000000Z') RETURNING id",
        {job, e.event, e.counter, e.event_data, int64_t{e.failed}, int64_t{e.changed}, e.uuid,
         e.parent_uuid, e.host ? store::Value(e.host) : store::Null(), e.host_name, e.play, e.task,
         e.role, e.stdout_text, e.counter, e.counter + 1});
  }

  // A host summary; `status` picks the counters: ok, changed, failures, dark, skipped.
  int64_t Summary(int64_t job, int64_t host, const std::string& host_name,
                  const std::string& status,
                  const std::string& created = "2024-01-01T00:01:00.000000Z") {
    int64_t ok = 1, changed = status == "changed", failures = status == "failures",
            dark = status == "dark", skipped = status == "skipped";
    if (status == "skipped") ok = 0;
    return db().Insert(
        "INSERT INTO job_host_summaries (job_id, host_id, host_name, changed, dark, failures, ok, "
        "processed, skipped, failed, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, "
        "?) RETURNING id",
        {job, host ? store::Value(host) : store::Null(), host_name, changed, dark, failures, ok,
         skipped, int64_t{failures + dark > 0}, created, created});
  }

  int64_t org = 0, inventory = 0, project = 0, job_template = 0;

 private:
  Api& api_;
};

}  // namespace baton::testing::jobs
