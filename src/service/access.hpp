// Who holds which role, as SQL predicates and checks, and granting roles to users and teams
// with AWX's refusals (api-resources.md §5).
#pragma once
#include <string>

#include "core/result.hpp"
#include "service/session.hpp"

namespace baton::service {

// SQL predicate "t.id IN (objects of content_type where the caller holds field)".
std::string HasRoleSql(Session& ctx, std::string_view content_type, std::string_view field,
                       store::Params& p, std::string_view column = "t.id");
bool HasRole(Session& ctx, std::string_view content_type, int64_t id, std::string_view field);
Status RequireRole(Session& ctx, std::string_view content_type, int64_t id, std::string_view field);

// Users holding a role directly: predicate on users alias t for role `?`.
std::string RoleMembersSql(std::string_view content_type, std::string_view field);
// Ids of roles of an object (object_roles/ sub-list predicate on roles alias t).
std::string ObjectRolesSql(std::string_view content_type);
// Users holding any role on the object (access_list/ predicate on users alias t).
std::string AccessListSql(std::string_view content_type);

// May the caller grant or revoke role `role_id` (admin of the role's object; superuser for
// system roles)?
Status CanGrantRole(Session& ctx, int64_t role_id);
// Is the caller a superuser, or an admin of an organization `user` belongs to (as member or
// admin)? Callers check separately that a non-superuser never changes a superuser.
bool AdminOverUser(Session& ctx, int64_t user);
Status GrantRoleToUser(Session& ctx, int64_t role, int64_t user);
Status RevokeRoleFromUser(Session& ctx, int64_t role, int64_t user);
// Grants a role to a team (the team's member_role becomes its parent), with AWX's refusals.
Status GrantRoleToTeam(Session& ctx, int64_t role, int64_t team);
Status RevokeRoleFromTeam(Session& ctx, int64_t role, int64_t team);

// Loads the caller fields of user `id` (superuser, auditor).
rbac::Caller LoadCaller(store::Connection& db, int64_t id);

}  // namespace baton::service
