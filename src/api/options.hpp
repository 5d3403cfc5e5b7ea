// OPTIONS metadata (contract §9): view name, actions.GET/POST/PUT field metadata, search fields,
// object roles, max_page_size. The awx CLI builds its commands from it.
#pragma once
#include "api/router.hpp"

namespace baton::api {

Result<json::object> RouteOptions(Session& ctx, const Route& route, const ApiRequest& req);
json::object FieldMeta(const ResourceDef& def, const FieldDef& f, bool for_write);

}  // namespace baton::api
