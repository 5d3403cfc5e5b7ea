// The query-string half of the list machinery: AWX field lookups with relation traversal and
// or__/not__/chain__ prefixes, search, ordering, type filter and role_level, compiled to SQL.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "service/resource.hpp"

namespace baton::service {

// Query parameters, decoded, in order.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct FilterSql {
  std::string where;  // "" or a predicate on alias t
  store::Params params;
  std::string order;  // ORDER BY clause body
};

// Compiles the query string filters and ordering of a list of `def`. Errors are 400/403 with
// {"detail": ...} bodies as AWX gives them.
Result<FilterSql> CompileListQuery(Session& ctx, const ResourceModel& def,
                                   const QueryParams& query);

}  // namespace baton::service
