// The role system: one role object per role field of every object, parents between roles
// ("holders of the parent hold the child"), a maintained transitive closure (role_ancestors),
// and users as members. Teams hold a role by their member_role becoming a parent of it.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rbac/caller.hpp"
#include "store/db.hpp"

namespace baton::rbac {

// A role field and where its parents come from: "admin_role" (same object),
// "organization.admin_role" (the object referenced by column organization_id),
// "singleton:system_administrator".
struct RoleFieldDef {
  std::string field;
  std::vector<std::string> parents;
};

// Role fields per content type (organization, team, ...), in display order.
const std::vector<RoleFieldDef>& RoleFields(std::string_view content_type);
// "Admin", "Read", ... ; and the description for a role field on a model (e.g. "job template").
std::string RoleName(std::string_view field);
std::string RoleDescription(std::string_view field, std::string_view content_type);
// Display name of a content type ("Job Template").
std::string ContentTypeDisplay(std::string_view content_type);

// Creates the role rows of a new object. `fk` resolves "organization" -> the referenced id.
void CreateObjectRoles(store::Connection& db, std::string_view content_type, int64_t object_id,
                       const std::vector<std::pair<std::string, int64_t>>& fks);
// Re-points parents that come from a foreign key after it changed (e.g. a team moved orgs).
void UpdateObjectRoleParents(store::Connection& db, std::string_view content_type,
                             int64_t object_id,
                             const std::vector<std::pair<std::string, int64_t>>& fks);
void DeleteObjectRoles(store::Connection& db, std::string_view content_type, int64_t object_id);

std::optional<int64_t> RoleId(store::Connection& db, std::string_view content_type,
                              int64_t object_id, std::string_view field);
int64_t SingletonRole(store::Connection& db, std::string_view name);

void AddMember(store::Connection& db, int64_t role_id, int64_t user_id);
void RemoveMember(store::Connection& db, int64_t role_id, int64_t user_id);
void AddParent(store::Connection& db, int64_t role_id, int64_t parent_id);
void RemoveParent(store::Connection& db, int64_t role_id, int64_t parent_id);

// Does the caller hold the role (directly, through an ancestor role, or as superuser)?
bool HasRole(store::Connection& db, const Caller& c, int64_t role_id);
bool HasObjectRole(store::Connection& db, const Caller& c, std::string_view content_type,
                   int64_t object_id, std::string_view field);
// Is the user a direct member of the role?
bool IsMember(store::Connection& db, int64_t role_id, int64_t user_id);

// SQL subquery yielding the ids of objects of `content_type` on which user `?` holds `field`.
// Appends the parameters to `params`.
std::string AccessibleIdsSql(std::string_view content_type, std::string_view field, int64_t user_id,
                             store::Params& params);

}  // namespace baton::rbac
