// inventories/N/script/ (contract §15: the Ansible JSON inventory the awx.awx inventory plugin
// reads, as AWX's Inventory.get_script_data builds it) and inventories/N/tree/.
#include <map>
#include <regex>

#include "api/resources/inventory/inventory_common.hpp"
#include "core/vars.hpp"
#include "runner/inventory_script.hpp"
#include "runner/playbook_run.hpp"

namespace baton::api {
namespace {

json::object VarsDict(const std::string& text) {
  auto v = ParseVarsText(text);
  if (v.ok() && v.value().is_object()) return v.value().as_object();
  return json::object{};
}

bool Flag(const ApiRequest& req, std::string_view key) {
  const std::string* v = req.Q(key);
  return v && !v->empty();  // Python bool() of the raw value
}

Result<Reply> Script(Ctx& ctx, ApiRequest& req) {
  const ResourceDef& invs = Registry::Get().Must("inventories");
  BATON_ASSIGN(Obj inv, LoadReadable(ctx, invs, req.ids[0]));
  bool hostvars = Flag(req, "hostvars"), towervars = Flag(req, "towervars");
  bool show_all = Flag(req, "all");
  int64_t slice_number = 1, slice_count = 1;
  if (const std::string* subset = req.Q("subset"); subset && !subset->empty()) {
    if (subset->rfind("slice", 0) != 0)
      return Error::Detail(ErrorCode::kInvalid, "Subset does not use any supported syntax.");
    static const std::regex kSlice(R"(^slice(\d+)of(\d+))");
    std::smatch m;
    if (!std::regex_search(*subset, m, kSlice))
      return Error::Detail(ErrorCode::kInvalid, "Could not parse subset as slice specification.");
    try {
      slice_number = std::stoll(m[1].str());
      slice_count = std::stoll(m[2].str());
    } catch (const std::exception&) {
      return Error::Detail(ErrorCode::kInvalid, "Could not parse subset as slice specification.");
    }
    if (slice_number > slice_count)
      return Error::Detail(ErrorCode::kInvalid,
                           "Slice number must be less than total number of slices.");
    if (slice_number < 1)
      return Error::Detail(ErrorCode::kInvalid, "Slice number must be 1 or higher.");
  }
  store::Params p;
  BATON_ASSIGN(std::string where, InventoryHostsSql(ctx, inv, p));
  if (!show_all) where = "(" + where + ") AND t.enabled = 1";
  if (const std::string* name = req.Q("host"); name && !name->empty()) {
    p.emplace_back(*name);
    auto v = ctx.db.QueryString(
        "SELECT t.variables FROM hosts t WHERE " + where + " AND t.name = ? ORDER BY t.id LIMIT 1",
        p);
    if (!v) return Error::NotFound();
    return Reply::Json(VarsDict(*v));
  }
  runner::ScriptOptions opts;
  opts.hostvars = hostvars;
  opts.towervars = towervars;
  opts.show_all = true;  // `where` already limits to enabled hosts unless all=1
  opts.slice_number = slice_number;
  opts.slice_count = slice_count;
  runner::ScriptInventory si{IdOf(inv), GetString(inv, "kind"), GetString(inv, "variables")};
  return Reply::Json(runner::InventoryScript(ctx.db, si, where, p, opts));
}

// A group as its list representation plus its children, recursively (AWX's InventoryTreeView).
json::value TreeNode(Session& ctx, int64_t id, const std::map<int64_t, json::object>& serialized,
                     const std::map<int64_t, std::vector<int64_t>>& children) {
  json::object node = serialized.at(id);
  json::array kids;
  if (auto it = children.find(id); it != children.end())
    for (int64_t c : it->second) kids.push_back(TreeNode(ctx, c, serialized, children));
  node["children"] = std::move(kids);
  return node;
}

Result<Reply> Tree(Ctx& ctx, ApiRequest& req) {
  BATON_ASSIGN(Obj inv, LoadReadable(ctx, Registry::Get().Must("inventories"), req.ids[0]));
  const ResourceDef& groups = Registry::Get().Must("groups");
  int64_t id = IdOf(inv);
  std::map<int64_t, json::object> serialized;
  std::vector<int64_t> ordered;
  for (const auto& g : LoadWhere(ctx, groups, "t.inventory_id = ?", {id}, "t.name, t.id")) {
    serialized[IdOf(g)] = Serialize(ctx, groups, g, false);
    ordered.push_back(IdOf(g));
  }
  std::map<int64_t, std::vector<int64_t>> children;
  std::map<int64_t, bool> has_parent;
  auto gc = ctx.db.Query(
      "SELECT gc.parent_id, gc.child_id FROM group_children gc JOIN groups c ON c.id = "
      "gc.child_id WHERE c.inventory_id = ? ORDER BY c.name, c.id",
      {id});
  for (auto& r : gc.rows) {
    children[store::AsInt(r[0])].push_back(store::AsInt(r[1]));
    has_parent[store::AsInt(r[1])] = true;
  }
  json::array tree;
  for (int64_t g : ordered)
    if (!has_parent.count(g)) tree.push_back(TreeNode(ctx, g, serialized, children));
  return Reply::Json(std::move(tree));
}

}  // namespace

// The hosts of an inventory for the job runner (runner::HostsSqlFn): smart inventories need
// the host_filter compiler of this layer. Declared where the application wires the runner.
runner::HostsSqlFn RunnerInventoryHosts(const Config& cfg) {
  return
      [&cfg](store::Connection& db, int64_t inventory_id, store::Params& p) -> Result<std::string> {
        rbac::Caller system;
        system.superuser = true;
        Session ctx{db, system, cfg};
        auto inv = Load(ctx, Registry::Get().Must("inventories"), inventory_id);
        if (!inv) return Error::NotFound();
        return InventoryHostsSql(ctx, *inv, p);
      };
}

ActionDef InventoryScriptAction() {
  ActionDef a;
  a.name = "script";
  a.methods = {"GET"};
  a.title = "Inventory Script";
  a.handler = Script;
  return a;
}

ActionDef InventoryTreeAction() {
  ActionDef a;
  a.name = "tree";
  a.methods = {"GET"};
  a.title = "Inventory Tree";
  a.handler = Tree;
  return a;
}

}  // namespace baton::api
