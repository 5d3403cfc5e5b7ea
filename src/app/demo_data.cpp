#include "app/demo_data.hpp"

#include <filesystem>
#include <fstream>

#include "core/json.hpp"
#include "rbac/roles.hpp"

namespace baton::app {
namespace {

namespace fs = std::filesystem;

// The playbook of AWX's Demo Project (github.com/ansible/ansible-tower-samples, hello_world.yml).
constexpr const char* kHelloWorld = R"(---
- name: Hello World Sample
  hosts: all
  tasks:
    - name: Hello Message
      debug:
        msg: "Hello World!"
)";

constexpr const char* kDemoProjectDir = "_demo_project";

}  // namespace

bool SeedDemoData(store::Database& database, const Clock& clock, const std::string& projects_root) {
  store::Connection& db = database.Local();
  if (db.QueryString("SELECT value FROM settings WHERE key = 'SEEDED_DEMO_DATA'")) return false;
  fs::path dir = fs::path(projects_root) / kDemoProjectDir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::exists(dir / "hello_world.yml")) {
    std::ofstream out(dir / "hello_world.yml");
    out << kHelloWorld;
  }
  store::Tx tx(db);
  std::string now = FormatIso(clock.Now());
  auto org = db.QueryInt("SELECT id FROM organizations WHERE name = 'Default'");
  auto admin = db.QueryInt("SELECT id FROM users WHERE is_superuser = 1 ORDER BY id LIMIT 1");
  if (!org) {
    db.Exec("INSERT INTO settings (key, value) VALUES ('SEEDED_DEMO_DATA', '0')");
    tx.Commit();
    return false;
  }
  store::Value by = admin ? store::Value(*admin) : store::Null();
  std::string admin_name =
      admin ? db.QueryString("SELECT username FROM users WHERE id = ?", {*admin}).value_or("")
            : std::string();

  int64_t inv = db.Insert(
      "INSERT INTO inventories (name, description, organization_id, created, modified, "
      "created_by_id, modified_by_id) VALUES ('Demo Inventory', '', ?, ?, ?, ?, ?) RETURNING id",
      {*org, now, now, by, by});
  rbac::CreateObjectRoles(db, "inventory", inv, {{"organization", *org}});
  db.Exec(
      "INSERT INTO hosts (name, inventory_id, variables, created, modified, created_by_id, "
      "modified_by_id) VALUES ('localhost', ?, ?, ?, ?, ?, ?)",
      {inv,
       "ansible_connection: local\nansible_python_interpreter: '{{ ansible_playbook_python }}'",
       now, now, by, by});

  int64_t project =
      db.Insert("INSERT INTO unified_job_template_ids (type) VALUES ('project') RETURNING id", {});
  db.Exec(
      "INSERT INTO projects (id, name, description, organization_id, local_path, created, "
      "modified, created_by_id, modified_by_id) VALUES (?, 'Demo Project', '', ?, ?, ?, ?, ?, ?)",
      {project, *org, std::string(kDemoProjectDir), now, now, by, by});
  rbac::CreateObjectRoles(db, "project", project, {{"organization", *org}});

  auto machine = db.QueryInt(
      "SELECT id FROM credential_types WHERE namespace = 'ssh' AND managed = 1 LIMIT 1");
  std::optional<int64_t> cred;
  if (machine) {
    cred = db.Insert(
        "INSERT INTO credentials (name, description, organization_id, credential_type_id, inputs, "
        "created, modified, created_by_id, modified_by_id) VALUES ('Demo Credential', '', NULL, "
        "?, ?, ?, ?, ?, ?) RETURNING id",
        {*machine, Dump(json::object{{"username", admin_name}}), now, now, by, by});
    rbac::CreateObjectRoles(db, "credential", *cred, {});
    if (admin)
      if (auto role = rbac::RoleId(db, "credential", *cred, "admin_role"))
        rbac::AddMember(db, *role, *admin);
  }

  int64_t jt = db.Insert(
      "INSERT INTO unified_job_template_ids (type) VALUES ('job_template') RETURNING id", {});
  db.Exec(
      "INSERT INTO job_templates (id, name, description, organization_id, job_type, inventory_id, "
      "project_id, playbook, created, modified, created_by_id, modified_by_id) VALUES (?, 'Demo "
      "Job Template', '', ?, 'run', ?, ?, 'hello_world.yml', ?, ?, ?, ?)",
      {jt, *org, inv, project, now, now, by, by});
  rbac::CreateObjectRoles(db, "job_template", jt, {{"organization", *org}});
  if (cred)
    db.Exec(
        "INSERT INTO credential_attachments (owner_type, owner_id, credential_id, position) "
        "VALUES ('job_template', ?, ?, 0)",
        {jt, *cred});
  db.Exec("INSERT INTO settings (key, value) VALUES ('SEEDED_DEMO_DATA', '1')");
  tx.Commit();
  return true;
}

}  // namespace baton::app
