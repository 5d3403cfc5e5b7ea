// Serialization of resources declared in the Registry: the AWX envelope and the summaries that
// decorate hooks add.
#pragma once
#include <optional>
#include <string>

#include "api/resource.hpp"
#include "service/model.hpp"

namespace baton::api {

// The AWX envelope (id, type, url, related, summary_fields, created, modified, fields...).
// `sp` is the memory resource of the result (lists use one arena per page).
json::object Serialize(Ctx& ctx, const ResourceDef& def, const Obj& obj, bool detail,
                       json::storage_ptr sp = {});

// {id, name, description} summary of object `id` of resource `res` (nullopt when missing).
std::optional<json::object> BasicSummary(Session& ctx, std::string_view res, int64_t id);
// {id, username, first_name, last_name}.
std::optional<json::object> UserSummary(Session& ctx, int64_t id);
// Adds related.created_by/modified_by and their summaries when known.
void AddCreatedModifiedBy(Session& ctx, const Obj& obj, json::object& out);
// summary_fields.object_roles for an object with roles.
json::object ObjectRolesSummary(Session& ctx, std::string_view content_type, int64_t id);
// Default user_capabilities from the policies.
json::object DefaultCapabilities(Session& ctx, const ResourceDef& def, const Obj& obj);

json::object& RelatedOf(json::object& out);
json::object& SummaryOf(json::object& out);

}  // namespace baton::api
