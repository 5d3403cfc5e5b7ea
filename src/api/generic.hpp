// Route handlers generated from resource declarations: list, create, detail, update, delete,
// sub-lists (list, create, attach, detach) and actions.
#pragma once
#include "api/router.hpp"

namespace baton::api {

void AddResourceRoutes(Router& router, const ResourceDef& def);
// The object's named URL (contract §14), or "" when the resource has none.
std::string NamedUrl(Session& ctx, const ResourceDef& def, const Obj& obj);
// Detail representation incl. related.named_url (detail GET and create responses).
json::object SerializeDetail(Ctx& ctx, const ResourceDef& def, const Obj& obj);
// The copy/ action of a resource (GET {"can_copy"}, POST {"name"} -> 201 new object).
ActionDef CopyAction(const std::string& resource);
// Binds `id` once per '?' in `sql`.
store::Params RepeatParam(const std::string& sql, int64_t id);

}  // namespace baton::api
