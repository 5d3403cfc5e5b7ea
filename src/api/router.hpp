// The route table: one entry per path pattern, with a handler per method. Patterns are literal
// segments and "{<resource>}" parameters, which accept a primary key or a named URL of that
// resource (contract §14).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "api/resource.hpp"

namespace baton::api {

enum class RouteKind { kOther, kList, kDetail, kSubList, kAction };

struct Route {
  std::string pattern;
  std::vector<std::string> segs;
  std::map<std::string, HandlerFn> handlers;  // by method (GET, POST, PUT, PATCH, DELETE)
  bool anonymous = false;
  bool deprecated = false;
  bool cacheable = true;   // GET answers may be served from the response cache
  bool slow_post = false;  // POST runs off the I/O thread (it verifies a password)
  std::string title;
  RouteKind kind = RouteKind::kOther;
  const ResourceDef* resource = nullptr;  // listed/detailed resource
  const ResourceDef* parent = nullptr;    // for sub-lists and actions
  const SubListDef* sublist = nullptr;
  const ActionDef* action = nullptr;
  // "GET, POST, HEAD, OPTIONS"
  std::string Allow() const;
};

class Router {
 public:
  Route& Add(std::string pattern);
  // Finds the route for `path` (decoded, with trailing slash); fills raw parameter strings.
  const Route* Match(const std::string& path, std::vector<std::string>& params) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::map<std::string, std::vector<size_t>> by_first_;  // index by segment count + head
  bool indexed_ = false;
};

// Splits "/api/v2/x/1/" into {"api","v2","x","1"}.
std::vector<std::string> SplitPath(std::string_view path);

// Resolves a path parameter of resource `res`: digits are a primary key, anything else is a
// named URL. Unresolvable names give 0.
int64_t ResolveParam(Ctx& ctx, const ResourceDef& res, const std::string& raw);

}  // namespace baton::api
