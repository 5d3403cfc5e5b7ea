// A resource as the API serves it: the service's model (service/resource.hpp) plus what only
// HTTP has: the list's query-string scope, the serialization hook and the actions under an
// object. The generic machinery (generic.cpp, list.cpp, options.cpp) serves every resource from
// that declaration.
#pragma once
#include <any>
#include <functional>
#include <string>
#include <vector>

#include "api/context.hpp"
#include "service/resource.hpp"

namespace baton::api {

// The service's names (the model, its fields, the use cases) read unqualified in the API.
using namespace service;

struct ActionDef {
  std::string name;                  // path segment after the id
  std::vector<std::string> methods;  // besides HEAD/OPTIONS
  HandlerFn handler;
  std::string title;
  bool deprecated = false;
  bool anonymous = false;  // served without authentication (webhook receivers)
  // OPTIONS actions.POST metadata: fields accepted by the POST (optional).
  std::vector<FieldDef> post_fields;
};

struct ResourceDef : ResourceModel {
  // Extra restriction of the top-level list computed from its query (e.g. hosts/?host_filter=):
  // a predicate on alias t ("" = none), with its parameters.
  std::function<Result<std::string>(Ctx&, const ApiRequest&, store::Params&)> list_scope;
  // Adds related links, summary_fields and computed fields to a serialized object.
  std::function<void(Ctx&, const Obj& obj, json::object& out, bool detail)> decorate;
  // Loads what `decorate` needs for a whole page of objects at once (one query per kind of
  // summary, not per object); decorate finds it in ctx.page->own. A detail is a page of one.
  std::function<std::any(Ctx&, const std::vector<const Obj*>& page)> prefetch;
  std::vector<ActionDef> actions;
};

}  // namespace baton::api
