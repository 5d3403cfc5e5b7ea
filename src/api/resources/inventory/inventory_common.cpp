// The variable_data/ action and the field placement the inventory resources share.
#include "api/resources/inventory/inventory_common.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/vars.hpp"
#include "service/activity.hpp"

namespace baton::api {

ActionDef VariableDataAction(const std::string& resource) {
  ActionDef a;
  a.name = "variable_data";
  a.methods = {"GET", "PUT", "PATCH"};
  const ResourceDef& def = Registry::Get().Must(resource);
  std::string t = def.title;
  if (!t.empty() && t.back() == 's') t.pop_back();
  if (resource == "inventories") t = "Inventory";
  a.title = t + " Variable Data";
  a.handler = [resource](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must(resource);
    BATON_ASSIGN(Obj obj, LoadReadable(ctx, def, req.ids[0]));
    if (req.method != "GET") {
      // AWX stores json.dumps() of the body.
      json::object body{{"variables", DumpPy(json::value(req.body))}};
      BATON_ASSIGN(obj, UpdateObject(ctx, def, obj, body, true));
    }
    auto vars = ParseVarsText(GetString(obj, "variables"));
    if (vars.ok() && vars.value().is_object()) return Reply::Json(vars.value());
    return Reply::Json(json::object{});
  };
  return a;
}

void InsertAfter(json::object& out, std::string_view after,
                 std::initializer_list<std::pair<std::string_view, json::value>> fields) {
  json::object rebuilt(out.storage());
  rebuilt.reserve(out.size() + fields.size());
  bool done = false;
  auto put_fields = [&] {
    for (const auto& [k, v] : fields) rebuilt[k] = v;
    done = true;
  };
  for (auto& kv : out) {
    rebuilt[kv.key()] = std::move(kv.value());
    if (!done && kv.key() == after) put_fields();
  }
  if (!done) put_fields();
  out = std::move(rebuilt);
}

}  // namespace baton::api
