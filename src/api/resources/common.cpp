#include "api/resources/common.hpp"

namespace baton::api {

ResourceDef NewResource(std::string name, std::string type, std::string model, std::string title) {
  ResourceDef d;
  d.table = name;
  d.name = std::move(name);
  d.verbose = type;
  for (auto& c : d.verbose)
    if (c == '_') c = ' ';
  d.type = std::move(type);
  d.model = std::move(model);
  d.title = std::move(title);
  return d;
}

std::vector<FieldDef> CommonFields(bool with_created_by) {
  std::vector<FieldDef> v{IdField()};
  for (auto& f : TimestampFields(with_created_by)) v.push_back(f);
  return v;
}

std::vector<FieldDef> NamedFields() {
  std::vector<FieldDef> v = CommonFields();
  v.push_back(NameField());
  v.push_back(DescriptionField());
  return v;
}

FieldDef IdField() {
  FieldDef f = F("id", FieldType::kId);
  f.read_only = true;
  return f;
}

FieldDef NameField(int max_length) {
  return Str("name", max_length, true);
}

FieldDef DescriptionField() {
  return Text("description");
}

std::string HasRoleSql(Session& ctx, std::string_view ct, std::string_view field, store::Params& p,
                       std::string_view column) {
  return std::string(column) + " IN (" + rbac::AccessibleIdsSql(ct, field, ctx.caller.id, p) + ")";
}

bool HasRole(Session& ctx, std::string_view ct, int64_t id, std::string_view field) {
  return rbac::HasObjectRole(ctx.db, ctx.caller, ct, id, field);
}

Status RequireRole(Session& ctx, std::string_view ct, int64_t id, std::string_view field) {
  if (HasRole(ctx, ct, id, field)) return OkStatus();
  return Error::Forbidden();
}

std::string RoleMembersSql(std::string_view ct, std::string_view field) {
  return "t.id IN (SELECT m.user_id FROM role_members m JOIN roles r ON r.id = m.role_id WHERE "
         "r.content_type = '" +
         std::string(ct) + "' AND r.role_field = '" + std::string(field) + "' AND r.object_id = ?)";
}

std::string ObjectRolesSql(std::string_view ct) {
  return "t.content_type = '" + std::string(ct) + "' AND t.object_id = ?";
}

std::string AccessListSql(std::string_view ct) {
  return "t.id IN (SELECT m.user_id FROM roles r JOIN role_ancestors ra ON ra.role_id = r.id "
         "JOIN role_members m ON m.role_id = ra.ancestor_id WHERE r.content_type = '" +
         std::string(ct) + "' AND r.object_id = ?)";
}

SubListDef ListOnly(std::string name, std::string child, std::string filter, std::string title,
                    bool deprecated) {
  SubListDef s;
  s.name = std::move(name);
  s.child = std::move(child);
  s.filter = std::move(filter);
  s.title = std::move(title);
  s.deprecated = deprecated;
  return s;
}

SubListDef ObjectRolesSubList(std::string_view ct) {
  return ListOnly("object_roles", "roles", ObjectRolesSql(ct), "Object Roles", true);
}

SubListDef AccessListSubList(std::string_view ct) {
  return ListOnly("access_list", "users", AccessListSql(ct), "Access List", true);
}

SubListDef ActivityStreamSubList(std::string_view type) {
  std::string t(type);
  return ListOnly("activity_stream", "activity_stream",
                  "(t.object1 = '" + t + "' AND t.object1_id = ?) OR (t.object2 = '" + t +
                      "' AND t.object2_id = ?)",
                  "Activity Stream List");
}

SubListDef RoleUsersSubList(std::string name, std::string ct, std::string field, bool can_create) {
  SubListDef s;
  s.name = std::move(name);
  s.child = "users";
  s.filter = RoleMembersSql(ct, field);
  s.can_attach = true;
  s.can_create = can_create;
  s.title = "Users";
  s.attach = [ct, field](Session& ctx, int64_t parent, int64_t user) -> Status {
    if (auto r = rbac::RoleId(ctx.db, ct, parent, field)) rbac::AddMember(ctx.db, *r, user);
    return OkStatus();
  };
  s.detach = [ct, field](Session& ctx, int64_t parent, int64_t user) -> Status {
    if (auto r = rbac::RoleId(ctx.db, ct, parent, field)) rbac::RemoveMember(ctx.db, *r, user);
    return OkStatus();
  };
  s.after_create = s.attach;
  s.can_attach_fn = [ct](Session& ctx, int64_t parent, int64_t, bool) -> Status {
    return RequireRole(ctx, ct, parent, "admin_role");
  };
  return s;
}

bool AdminOverUser(Session& ctx, int64_t user) {
  if (ctx.caller.superuser) return true;
  store::Params p;
  std::string orgs = rbac::AccessibleIdsSql("organization", "admin_role", ctx.caller.id, p);
  p.emplace_back(user);
  return ctx.db
      .QueryInt(
          "SELECT 1 FROM roles r JOIN role_members m ON m.role_id = r.id WHERE "
          "r.content_type = 'organization' AND r.role_field IN ('member_role', 'admin_role') "
          "AND r.object_id IN (" +
              orgs + ") AND m.user_id = ? LIMIT 1",
          p)
      .has_value();
}

void AddRelated(json::object& out, std::string_view key, const std::string& url) {
  out["related"].as_object()[key] = url;
}

std::string Url(std::string_view res, int64_t id, std::string_view sub) {
  std::string u = "/api/v2/" + std::string(res) + "/" + std::to_string(id) + "/";
  if (!sub.empty()) u += std::string(sub) + "/";
  return u;
}

}  // namespace baton::api
