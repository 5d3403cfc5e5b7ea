// Serialization of resources declared in the Registry: the AWX envelope and the summaries that
// decorate hooks add.
#pragma once
#include <any>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/resource.hpp"
#include "service/model.hpp"

namespace baton::api {

// What serializing a page of objects of one resource needs beyond their rows, loaded once for
// the page: the created_by/modified_by users, the object roles, and the resource's own
// (ResourceDef::prefetch).
struct PageData {
  const ResourceDef* def = nullptr;
  std::set<int64_t> ids;                                    // the page's objects
  std::map<int64_t, json::object> users;                    // UserSummary by id
  std::map<int64_t, std::map<std::string, int64_t>> roles;  // role ids by object, field
  std::any own;
};
PageData LoadPage(Ctx& ctx, const ResourceDef& def, const std::vector<const Obj*>& objs);

// The AWX envelope (id, type, url, related, summary_fields, created, modified, fields...).
// `sp` is the memory resource of the result (lists use one arena per page). Reads what
// ctx.page holds when it was loaded for a page of `def` holding `obj`, else loads it for `obj`
// alone.
json::object Serialize(Ctx& ctx, const ResourceDef& def, const Obj& obj, bool detail,
                       json::storage_ptr sp = {});

// {id, name, description} summary of object `id` of resource `res` (nullopt when missing).
std::optional<json::object> BasicSummary(Session& ctx, std::string_view res, int64_t id);
// {id, username, first_name, last_name}.
std::optional<json::object> UserSummary(Session& ctx, int64_t id);
// Default user_capabilities from the policies.
json::object DefaultCapabilities(Session& ctx, const ResourceDef& def, const Obj& obj);

json::object& RelatedOf(json::object& out);
json::object& SummaryOf(json::object& out);

}  // namespace baton::api
