// The generic list machinery every list and sub-list uses: AWX field lookups with relation
// traversal and or__/not__/chain__ prefixes, search, ordering, type filter, role_level, and
// page-number pagination with path-only next/previous links.
#pragma once
#include <string>

#include "api/resource.hpp"
#include "service/list_query.hpp"

namespace baton::api {

// Serves a paginated list of `def` restricted by `scope` (predicate on alias t, with its params)
// and, unless `apply_read_filter` is false (the scope already encodes visibility), by the
// caller's read filter.
Result<Reply> ListObjects(Ctx& ctx, ApiRequest& req, const ResourceDef& def,
                          const std::string& scope = "", const store::Params& scope_params = {},
                          bool apply_read_filter = true);

// Builds the page link for `page` from the request's own path and query (other params kept).
std::string PageLink(const ApiRequest& req, int64_t page, bool rewrite_page_size);

}  // namespace baton::api
