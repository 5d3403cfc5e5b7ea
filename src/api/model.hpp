// Generic reading and serialization of resources declared in the Registry.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "api/resource.hpp"

namespace baton::api {

// "t.id, t.name, ..." for every stored field of def.
std::string SelectColumns(const ResourceDef& def, std::string_view alias = "t");
// Converts row `i` of a result set selected with SelectColumns into stored values.
Obj RowToObj(const ResourceDef& def, const store::Rows& rows, size_t i);

std::optional<Obj> Load(Session& ctx, const ResourceDef& def, int64_t id);
std::vector<Obj> LoadWhere(Session& ctx, const ResourceDef& def, const std::string& where,
                           const store::Params& params, const std::string& order = "t.id",
                           int64_t limit = -1, int64_t offset = 0);

// May the caller read object `id` (per def.read_filter)?
bool CanRead(Session& ctx, const ResourceDef& def, int64_t id);
// Loads an object for a detail view: 404 when missing, 403 when not readable.
Result<Obj> LoadReadable(Session& ctx, const ResourceDef& def, int64_t id);

// The AWX envelope (id, type, url, related, summary_fields, created, modified, fields...).
// `sp` is the memory resource of the result (lists use one arena per page).
json::object Serialize(Ctx& ctx, const ResourceDef& def, const Obj& obj, bool detail,
                       json::storage_ptr sp = {});

// Helpers for decorate hooks.
int64_t IdOf(const Obj& o, std::string_view key = "id");
std::optional<int64_t> OptIdOf(const Obj& o, std::string_view key);
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
