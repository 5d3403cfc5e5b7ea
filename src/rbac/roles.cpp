#include "rbac/roles.hpp"

#include <map>
#include <set>

namespace baton::rbac {
namespace {

using store::Connection;
using store::Params;

const std::map<std::string, std::vector<RoleFieldDef>, std::less<>>& Defs() {
  static const std::map<std::string, std::vector<RoleFieldDef>, std::less<>> defs = {
      {"organization",
       {{"admin_role", {"singleton:system_administrator"}},
        {"execute_role", {"admin_role"}},
        {"project_admin_role", {"admin_role"}},
        {"inventory_admin_role", {"admin_role"}},
        {"credential_admin_role", {"admin_role"}},
        {"workflow_admin_role", {"admin_role"}},
        {"notification_admin_role", {"admin_role"}},
        {"job_template_admin_role", {"admin_role"}},
        {"execution_environment_admin_role", {"admin_role"}},
        {"auditor_role", {"singleton:system_auditor"}},
        {"member_role", {"admin_role"}},
        {"read_role",
         {"member_role", "auditor_role", "execute_role", "project_admin_role",
          "inventory_admin_role", "workflow_admin_role", "notification_admin_role",
          "credential_admin_role", "job_template_admin_role", "approval_role",
          "execution_environment_admin_role"}},
        {"approval_role", {"admin_role"}}}},
      {"team",
       {{"admin_role", {"organization.admin_role"}},
        {"member_role", {"admin_role"}},
        {"read_role", {"admin_role", "organization.auditor_role", "member_role"}}}},
      {"inventory",
       {{"admin_role", {"organization.inventory_admin_role"}},
        {"update_role", {"admin_role"}},
        {"adhoc_role", {"admin_role"}},
        {"use_role", {"adhoc_role"}},
        {"read_role", {"organization.auditor_role", "update_role", "use_role", "admin_role"}}}},
      {"project",
       {{"admin_role", {"organization.project_admin_role", "singleton:system_administrator"}},
        {"use_role", {"admin_role"}},
        {"update_role", {"admin_role"}},
        {"read_role",
         {"organization.auditor_role", "singleton:system_auditor", "use_role", "update_role"}}}},
      {"job_template",
       {{"admin_role", {"organization.job_template_admin_role"}},
        {"execute_role", {"admin_role", "organization.execute_role"}},
        {"read_role", {"organization.auditor_role", "execute_role", "admin_role"}}}},
      {"workflow_job_template",
       {{"admin_role", {"singleton:system_administrator", "organization.workflow_admin_role"}},
        {"execute_role", {"admin_role", "organization.execute_role"}},
        {"read_role",
         {"singleton:system_auditor", "organization.auditor_role", "execute_role", "admin_role",
          "approval_role"}},
        {"approval_role", {"organization.approval_role", "admin_role"}}}},
      {"credential",
       {{"admin_role", {"singleton:system_administrator", "organization.credential_admin_role"}},
        {"use_role", {"admin_role"}},
        {"read_role",
         {"singleton:system_auditor", "organization.auditor_role", "use_role", "admin_role"}}}},
      {"instance_group",
       {{"admin_role", {"singleton:system_administrator"}},
        {"use_role", {"admin_role"}},
        {"read_role", {"singleton:system_auditor", "use_role"}}}},
  };
  return defs;
}

void RecomputeAncestors(Connection& db, int64_t role) {
  std::set<int64_t> seen{role};
  std::vector<int64_t> frontier{role};
  while (!frontier.empty()) {
    int64_t r = frontier.back();
    frontier.pop_back();
    auto rows = db.Query("SELECT parent_id FROM role_parents WHERE role_id = ?", {r});
    for (auto& row : rows.rows) {
      int64_t p = store::AsInt(row[0]);
      if (seen.insert(p).second) frontier.push_back(p);
    }
  }
  db.Exec("DELETE FROM role_ancestors WHERE role_id = ?", {role});
  for (int64_t a : seen)
    db.Exec("INSERT INTO role_ancestors (role_id, ancestor_id) VALUES (?, ?)", {role, a});
}

// The role and every role below it (those that list it as an ancestor).
void RecomputeBelow(Connection& db, int64_t role) {
  std::vector<int64_t> below;
  auto rows = db.Query("SELECT role_id FROM role_ancestors WHERE ancestor_id = ?", {role});
  for (auto& r : rows.rows) below.push_back(store::AsInt(r[0]));
  RecomputeAncestors(db, role);
  for (int64_t r : below)
    if (r != role) RecomputeAncestors(db, r);
}

std::optional<int64_t> ResolveParent(Connection& db, std::string_view content_type,
                                     int64_t object_id, const std::string& spec,
                                     const std::vector<std::pair<std::string, int64_t>>& fks) {
  if (spec.rfind("singleton:", 0) == 0) return SingletonRole(db, spec.substr(10));
  size_t dot = spec.find('.');
  if (dot == std::string::npos) return RoleId(db, content_type, object_id, spec);
  std::string fk = spec.substr(0, dot);
  for (auto& [name, id] : fks) {
    if (name == fk && id) return RoleId(db, fk, id, spec.substr(dot + 1));
  }
  return std::nullopt;
}

void LinkParents(Connection& db, std::string_view content_type, int64_t object_id,
                 const std::vector<std::pair<std::string, int64_t>>& fks, bool only_fk) {
  for (const auto& def : RoleFields(content_type)) {
    auto role = RoleId(db, content_type, object_id, def.field);
    if (!role) continue;
    if (only_fk) {
      // Drop the parents that came from foreign keys; same-object and singleton parents stay.
      for (const auto& spec : def.parents) {
        size_t dot = spec.find('.');
        if (dot == std::string::npos || spec.rfind("singleton:", 0) == 0) continue;
        std::string fk = spec.substr(0, dot);
        db.Exec(
            "DELETE FROM role_parents WHERE role_id = ? AND parent_id IN (SELECT id FROM roles "
            "WHERE content_type = ? AND role_field = ?)",
            {*role, fk, spec.substr(dot + 1)});
      }
    }
    for (const auto& spec : def.parents) {
      if (only_fk && (spec.find('.') == std::string::npos || spec.rfind("singleton:", 0) == 0))
        continue;
      auto parent = ResolveParent(db, content_type, object_id, spec, fks);
      if (parent)
        db.Exec(
            "INSERT INTO role_parents (role_id, parent_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            {*role, *parent});
    }
  }
}

}  // namespace

const std::vector<RoleFieldDef>& RoleFields(std::string_view content_type) {
  static const std::vector<RoleFieldDef> none;
  auto it = Defs().find(content_type);
  return it == Defs().end() ? none : it->second;
}

std::string RoleName(std::string_view f) {
  static const std::map<std::string, std::string, std::less<>> names = {
      {"admin_role", "Admin"},
      {"read_role", "Read"},
      {"use_role", "Use"},
      {"execute_role", "Execute"},
      {"member_role", "Member"},
      {"update_role", "Update"},
      {"adhoc_role", "Ad Hoc"},
      {"approval_role", "Approve"},
      {"auditor_role", "Auditor"},
      {"project_admin_role", "Project Admin"},
      {"inventory_admin_role", "Inventory Admin"},
      {"credential_admin_role", "Credential Admin"},
      {"workflow_admin_role", "Workflow Admin"},
      {"notification_admin_role", "Notification Admin"},
      {"job_template_admin_role", "Job Template Admin"},
      {"execution_environment_admin_role", "Execution Environment Admin"},
      {"system_administrator", "System Administrator"},
      {"system_auditor", "System Auditor"},
  };
  auto it = names.find(f);
  return it == names.end() ? std::string(f) : it->second;
}

std::string ContentTypeDisplay(std::string_view ct) {
  std::string out;
  bool up = true;
  for (char c : ct) {
    if (c == '_') {
      out += ' ';
      up = true;
    } else {
      out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      up = false;
    }
  }
  return out;
}

std::string RoleDescription(std::string_view f, std::string_view ct) {
  std::string model(ct);
  for (auto& c : model)
    if (c == '_') c = ' ';
  bool org = ct == "organization";
  if (f == "admin_role") return "Can manage all aspects of the " + model;
  if (f == "read_role") return "May view settings for the " + model;
  if (f == "use_role") return "Can use the " + model + " in a job template";
  if (f == "execute_role")
    return org ? "May run any executable resources in the organization" : "May run the " + model;
  if (f == "member_role") return "User is a member of the " + model;
  if (f == "update_role") return "May update the " + model;
  if (f == "adhoc_role") return "May run ad hoc commands on the " + model;
  if (f == "approval_role") return "Can approve or deny a workflow approval node";
  if (f == "auditor_role") return "Can view all aspects of the " + model;
  if (f == "project_admin_role") return "Can manage all projects of the " + model;
  if (f == "inventory_admin_role") return "Can manage all inventories of the " + model;
  if (f == "credential_admin_role") return "Can manage all credentials of the " + model;
  if (f == "workflow_admin_role") return "Can manage all workflows of the " + model;
  if (f == "notification_admin_role") return "Can manage all notifications of the " + model;
  if (f == "job_template_admin_role") return "Can manage all job templates of the " + model;
  if (f == "execution_environment_admin_role")
    return "Can manage all execution environments of the " + model;
  if (f == "system_administrator") return "Can manage all aspects of the system";
  if (f == "system_auditor") return "Can view all aspects of the system";
  return "";
}

std::optional<int64_t> RoleId(Connection& db, std::string_view ct, int64_t object_id,
                              std::string_view field) {
  return db.QueryInt(
      "SELECT id FROM roles WHERE content_type = ? AND object_id = ? AND role_field = ?",
      {std::string(ct), object_id, std::string(field)});
}

int64_t SingletonRole(Connection& db, std::string_view name) {
  if (auto id = db.QueryInt("SELECT id FROM roles WHERE singleton_name = ?", {std::string(name)}))
    return *id;
  int64_t id = db.Insert(
      "INSERT INTO roles (role_field, content_type, object_id, singleton_name) VALUES (?, '', "
      "NULL, ?) RETURNING id",
      {std::string(name), std::string(name)});
  RecomputeAncestors(db, id);
  return id;
}

void CreateObjectRoles(Connection& db, std::string_view ct, int64_t object_id,
                       const std::vector<std::pair<std::string, int64_t>>& fks) {
  for (const auto& def : RoleFields(ct)) {
    db.Exec("INSERT INTO roles (role_field, content_type, object_id) VALUES (?, ?, ?)",
            {def.field, std::string(ct), object_id});
  }
  LinkParents(db, ct, object_id, fks, false);
  for (const auto& def : RoleFields(ct)) {
    if (auto id = RoleId(db, ct, object_id, def.field)) RecomputeAncestors(db, *id);
  }
  // Ancestors were computed in declaration order; a second pass settles same-object chains.
  for (const auto& def : RoleFields(ct)) {
    if (auto id = RoleId(db, ct, object_id, def.field)) RecomputeAncestors(db, *id);
  }
}

void UpdateObjectRoleParents(Connection& db, std::string_view ct, int64_t object_id,
                             const std::vector<std::pair<std::string, int64_t>>& fks) {
  LinkParents(db, ct, object_id, fks, true);
  for (const auto& def : RoleFields(ct)) {
    if (auto id = RoleId(db, ct, object_id, def.field)) RecomputeBelow(db, *id);
  }
}

void DeleteObjectRoles(Connection& db, std::string_view ct, int64_t object_id) {
  auto rows = db.Query("SELECT id FROM roles WHERE content_type = ? AND object_id = ?",
                       {std::string(ct), object_id});
  std::vector<int64_t> below;
  for (auto& r : rows.rows) {
    auto b = db.Query(
        "SELECT DISTINCT role_id FROM role_ancestors WHERE ancestor_id = ? AND role_id NOT IN "
        "(SELECT id FROM roles WHERE content_type = ? AND object_id = ?)",
        {r[0], std::string(ct), object_id});
    for (auto& x : b.rows) below.push_back(store::AsInt(x[0]));
  }
  db.Exec("DELETE FROM roles WHERE content_type = ? AND object_id = ?",
          {std::string(ct), object_id});
  for (int64_t r : below) RecomputeAncestors(db, r);
}

void AddMember(Connection& db, int64_t role_id, int64_t user_id) {
  db.Exec("INSERT INTO role_members (role_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
          {role_id, user_id});
}

void RemoveMember(Connection& db, int64_t role_id, int64_t user_id) {
  db.Exec("DELETE FROM role_members WHERE role_id = ? AND user_id = ?", {role_id, user_id});
}

void AddParent(Connection& db, int64_t role_id, int64_t parent_id) {
  db.Exec("INSERT INTO role_parents (role_id, parent_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
          {role_id, parent_id});
  RecomputeBelow(db, role_id);
}

void RemoveParent(Connection& db, int64_t role_id, int64_t parent_id) {
  db.Exec("DELETE FROM role_parents WHERE role_id = ? AND parent_id = ?", {role_id, parent_id});
  RecomputeBelow(db, role_id);
}

bool IsMember(Connection& db, int64_t role_id, int64_t user_id) {
  return db
      .QueryInt("SELECT 1 FROM role_members WHERE role_id = ? AND user_id = ?", {role_id, user_id})
      .has_value();
}

bool HasRole(Connection& db, const Caller& c, int64_t role_id) {
  if (c.superuser) return true;
  if (!c.authenticated()) return false;
  return db
      .QueryInt(
          "SELECT 1 FROM role_ancestors ra JOIN role_members m ON m.role_id = ra.ancestor_id "
          "WHERE ra.role_id = ? AND m.user_id = ? LIMIT 1",
          {role_id, c.id})
      .has_value();
}

bool HasObjectRole(Connection& db, const Caller& c, std::string_view ct, int64_t object_id,
                   std::string_view field) {
  if (c.superuser) return true;
  if (!c.authenticated()) return false;
  return db
      .QueryInt(
          "SELECT 1 FROM roles r JOIN role_ancestors ra ON ra.role_id = r.id "
          "JOIN role_members m ON m.role_id = ra.ancestor_id "
          "WHERE r.content_type = ? AND r.object_id = ? AND r.role_field = ? AND m.user_id = ? "
          "LIMIT 1",
          {std::string(ct), object_id, std::string(field), c.id})
      .has_value();
}

std::string AccessibleIdsSql(std::string_view ct, std::string_view field, int64_t user_id,
                             Params& params) {
  params.emplace_back(std::string(ct));
  params.emplace_back(std::string(field));
  params.emplace_back(user_id);
  return "SELECT r.object_id FROM roles r JOIN role_ancestors ra ON ra.role_id = r.id "
         "JOIN role_members m ON m.role_id = ra.ancestor_id "
         "WHERE r.content_type = ? AND r.role_field = ? AND m.user_id = ?";
}

}  // namespace baton::rbac
