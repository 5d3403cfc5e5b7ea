#include "service/access.hpp"

#include "rbac/roles.hpp"

namespace baton::service {

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

Status CanGrantRole(Session& ctx, int64_t role_id) {
  if (ctx.caller.superuser) return OkStatus();
  auto rows = ctx.db.Query("SELECT content_type, object_id, singleton_name FROM roles WHERE id = ?",
                           {role_id});
  if (rows.empty()) return Error::Forbidden();
  if (!store::IsNull(rows.rows[0][2])) return Error::Forbidden();
  std::string ct = store::AsString(rows.rows[0][0]);
  int64_t obj = store::AsInt(rows.rows[0][1]);
  return RequireRole(ctx, ct, obj, "admin_role");
}

// Membership of the system singletons mirrors the is_superuser / is_system_auditor flags.
static void SyncSystemFlag(Session& ctx, int64_t role, int64_t user, bool on) {
  auto name = ctx.db.QueryString("SELECT singleton_name FROM roles WHERE id = ?", {role});
  if (!name) return;
  const char* col = *name == "system_administrator" ? "is_superuser" : "is_system_auditor";
  ctx.db.Exec(std::string("UPDATE users SET ") + col + " = ? WHERE id = ?", {int64_t{on}, user});
}

Status GrantRoleToUser(Session& ctx, int64_t role, int64_t user) {
  rbac::AddMember(ctx.db, role, user);
  SyncSystemFlag(ctx, role, user, true);
  return OkStatus();
}

Status RevokeRoleFromUser(Session& ctx, int64_t role, int64_t user) {
  rbac::RemoveMember(ctx.db, role, user);
  SyncSystemFlag(ctx, role, user, false);
  return OkStatus();
}

Status GrantRoleToTeam(Session& ctx, int64_t role, int64_t team) {
  auto rows = ctx.db.Query(
      "SELECT content_type, role_field, singleton_name FROM roles WHERE id = ?", {role});
  if (rows.empty())
    return Error::Detail(ErrorCode::kInvalid, "Role matching query does not exist.");
  if (!store::IsNull(rows.rows[0][2]))
    return Error::Msg("You cannot grant system-level permissions to a team.");
  std::string ct = store::AsString(rows.rows[0][0]), field = store::AsString(rows.rows[0][1]);
  if (ct == "organization" && (field == "member_role" || field == "admin_role"))
    return Error::Msg(
        "You cannot assign an Organization participation role as a child role for a Team.");
  auto member = rbac::RoleId(ctx.db, "team", team, "member_role");
  if (!member || *member == role) return Error::Msg("You cannot grant a team its own member role.");
  rbac::AddParent(ctx.db, role, *member);
  return OkStatus();
}

Status RevokeRoleFromTeam(Session& ctx, int64_t role, int64_t team) {
  if (auto member = rbac::RoleId(ctx.db, "team", team, "member_role"))
    rbac::RemoveParent(ctx.db, role, *member);
  return OkStatus();
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

rbac::Caller LoadCaller(store::Connection& db, int64_t id) {
  rbac::Caller c;
  auto rows = db.Query(
      "SELECT id, username, is_superuser, is_system_auditor FROM users WHERE id = ?", {id});
  if (rows.empty()) return c;
  c.id = store::AsInt(rows.rows[0][0]);
  c.username = store::AsString(rows.rows[0][1]);
  c.superuser = store::AsInt(rows.rows[0][2]) != 0;
  c.auditor = store::AsInt(rows.rows[0][3]) != 0;
  return c;
}

}  // namespace baton::service
