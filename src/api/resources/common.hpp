// Helpers shared by the resource declarations.
#pragma once
#include <string>

#include "api/crud.hpp"
#include "api/generic.hpp"
#include "api/model.hpp"
#include "api/registry.hpp"
#include "rbac/roles.hpp"

namespace baton::api {

// A resource named `name` (URL segment and table), of `type` ("credential_type"), with the
// model name used in messages and the OPTIONS title; verbose name derived from the type.
ResourceDef NewResource(std::string name, std::string type, std::string model, std::string title);
// id, created, modified (+ the internal created_by/modified_by).
std::vector<FieldDef> CommonFields(bool with_created_by = true);
// CommonFields plus name and description.
std::vector<FieldDef> NamedFields();
FieldDef IdField();
FieldDef NameField(int max_length = 512);
FieldDef DescriptionField();

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

// A read-only sub-list of `child` objects selected by `filter` (parent id bound per '?').
SubListDef ListOnly(std::string name, std::string child, std::string filter, std::string title,
                    bool deprecated = false);
// Sub-lists every role-bearing resource has.
SubListDef ObjectRolesSubList(std::string_view content_type);
SubListDef AccessListSubList(std::string_view content_type);
SubListDef ActivityStreamSubList(std::string_view type);
// A sub-list of users holding a role directly, with attach/detach granting the role.
SubListDef RoleUsersSubList(std::string name, std::string content_type, std::string field,
                            bool can_create);

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

void AddRelated(json::object& out, std::string_view key, const std::string& url);
std::string Url(std::string_view res, int64_t id, std::string_view sub = "");

}  // namespace baton::api
