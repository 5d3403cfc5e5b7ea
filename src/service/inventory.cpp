// Helpers shared by the inventory, host and group resources.
#include "service/inventory.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/vars.hpp"
#include "service/activity.hpp"

namespace baton::service {

std::optional<std::string> InventoryKind(Session& ctx, int64_t inventory_id) {
  return ctx.db.QueryString("SELECT kind FROM inventories WHERE id = ?", {inventory_id});
}

Result<std::string> InventoryHostsSql(Session& ctx, const Obj& inventory, store::Params& p) {
  if (GetString(inventory, "kind") != "smart") {
    p.emplace_back(IdOf(inventory));
    return std::string("t.inventory_id = ?");
  }
  auto org = OptIdOf(inventory, "organization");
  std::string filter = GetString(inventory, "host_filter");
  if (!org || filter.empty()) return std::string("1=0");
  store::Params fp;
  BATON_ASSIGN(std::string f, CompileHostFilter(ctx, filter, fp));
  p.emplace_back(*org);
  p.insert(p.end(), fp.begin(), fp.end());
  // AWX's HostManager: the organization's hosts matching the filter, distinct by name.
  return "t.id IN (SELECT MIN(sh.id) FROM hosts sh WHERE sh.inventory_id IN (SELECT si.id FROM "
         "inventories si WHERE si.organization_id = ?) AND sh.id IN (SELECT t.id FROM hosts t "
         "WHERE " +
         f + ") GROUP BY sh.name)";
}

int64_t InventoryTotalHosts(Session& ctx, const Obj& inventory) {
  store::Params p;
  auto sql = InventoryHostsSql(ctx, inventory, p);
  if (!sql.ok()) return 0;
  return ctx.db.QueryInt("SELECT COUNT(*) FROM hosts t WHERE " + sql.value(), p).value_or(0);
}

int64_t InventoryTotalGroups(Session& ctx, const Obj& inventory) {
  if (GetString(inventory, "kind") == "smart") return 0;
  return ctx.db.QueryInt("SELECT COUNT(*) FROM groups WHERE inventory_id = ?", {IdOf(inventory)})
      .value_or(0);
}

std::pair<int64_t, int64_t> InventorySourceCounts(Session& ctx, int64_t inventory_id) {
  auto rows = ctx.db.Query(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN (SELECT j.failed FROM unified_jobs j WHERE "
      "j.inventory_source_id = s.id AND j.type = 'inventory_update' ORDER BY j.id DESC LIMIT 1) = "
      "1 "
      "THEN 1 ELSE 0 END), 0) FROM inventory_sources s WHERE s.inventory_id = ?",
      {inventory_id});
  if (rows.empty()) return {0, 0};
  return {store::AsInt(rows.rows[0][0]), store::AsInt(rows.rows[0][1])};
}

std::optional<json::object> InventorySummary(Session& ctx, int64_t inventory_id) {
  auto inv = Load(ctx, Models::Get().Must("inventories"), inventory_id);
  if (!inv) return std::nullopt;
  json::object s{{"id", inventory_id},
                 {"name", GetString(*inv, "name")},
                 {"description", GetString(*inv, "description")},
                 {"has_active_failures", false},
                 {"total_hosts", InventoryTotalHosts(ctx, *inv)},
                 {"hosts_with_active_failures", 0},
                 {"total_groups", InventoryTotalGroups(ctx, *inv)},
                 {"has_inventory_sources", false},
                 {"total_inventory_sources", 0},
                 {"inventory_sources_with_failures", 0}};
  auto [sources, failing] = InventorySourceCounts(ctx, inventory_id);
  s["has_inventory_sources"] = sources > 0;
  s["total_inventory_sources"] = sources;
  s["inventory_sources_with_failures"] = failing;
  if (auto org = OptIdOf(*inv, "organization")) s["organization_id"] = *org;
  s["kind"] = GetString(*inv, "kind");
  return s;
}

std::string ReadableInventoriesSql(Session& ctx, store::Params& p, std::string_view column) {
  if (ctx.caller.sees_all()) return "";
  return HasRoleSql(ctx, "inventory", "read_role", p, column);
}

Status CheckInventoryHoldsObjects(Session& ctx, int64_t inventory_id, std::string_view model) {
  auto kind = InventoryKind(ctx, inventory_id);
  if (kind && (*kind == "smart" || *kind == "constructed"))
    return Error::Body(
        ErrorCode::kInvalid,
        json::object{
            {"inventory", json::object{{"detail", "Cannot create " + std::string(model) +
                                                      " for Smart or Constructed Inventories"}}}});
  return OkStatus();
}

bool CanAdminInventory(Session& ctx, int64_t inventory_id) {
  return !ctx.caller.read_only_token && HasRole(ctx, "inventory", inventory_id, "admin_role");
}

std::string AncestorsSql() {
  return "WITH RECURSIVE anc(id) AS (SELECT parent_id FROM group_children WHERE child_id = ? "
         "UNION SELECT gc.parent_id FROM group_children gc JOIN anc ON gc.child_id = anc.id) "
         "SELECT id FROM anc";
}

std::string DescendantsSql() {
  return "WITH RECURSIVE des(id) AS (SELECT child_id FROM group_children WHERE parent_id = ? "
         "UNION SELECT gc.child_id FROM group_children gc JOIN des ON gc.parent_id = des.id) "
         "SELECT id FROM des";
}

Status DeleteInventoryObject(Session& ctx, const std::string& resource, int64_t id) {
  const ResourceModel& def = Models::Get().Must(resource);
  auto obj = Load(ctx, def, id);
  if (!obj) return OkStatus();
  json::object changes;
  for (const char* k : {"name", "description", "inventory", "variables"})
    if (auto* v = obj->if_contains(k)) changes[k] = *v;
  changes["id"] = id;
  RecordActivity(ctx, "delete", {def.type, id, GetString(*obj, "name")}, changes);
  ctx.db.Exec("DELETE FROM " + def.table + " WHERE id = ?", {id});
  return OkStatus();
}

Status DeleteGroupRecursive(Session& ctx, int64_t group_id) {
  // A port of AWX's Group.delete_recursive(): detach the group from its hosts and children;
  // hosts left in no group and children left without parents go too, recursively.
  auto inv = ctx.db.QueryInt("SELECT inventory_id FROM groups WHERE id = ?", {group_id});
  if (!inv) return OkStatus();
  std::map<int64_t, std::set<int64_t>> group_hosts, host_groups, children, parents;
  auto gh = ctx.db.Query(
      "SELECT gh.group_id, gh.host_id FROM group_hosts gh JOIN groups g ON g.id = gh.group_id "
      "WHERE g.inventory_id = ?",
      {*inv});
  for (auto& r : gh.rows) {
    int64_t g = store::AsInt(r[0]), h = store::AsInt(r[1]);
    group_hosts[g].insert(h);
    host_groups[h].insert(g);
  }
  auto gc = ctx.db.Query(
      "SELECT gc.parent_id, gc.child_id FROM group_children gc JOIN groups g ON g.id = "
      "gc.child_id WHERE g.inventory_id = ?",
      {*inv});
  for (auto& r : gc.rows) {
    int64_t p = store::AsInt(r[0]), c = store::AsInt(r[1]);
    children[p].insert(c);
    parents[c].insert(p);
  }
  std::vector<int64_t> marked_groups, marked_hosts;
  auto drop_hosts_of = [&](int64_t g) {
    for (int64_t h : group_hosts[g]) {
      host_groups[h].erase(g);
      if (host_groups[h].empty()) marked_hosts.push_back(h);
    }
    group_hosts[g].clear();
  };
  drop_hosts_of(group_id);
  std::vector<std::pair<int64_t, int64_t>> linked;
  for (int64_t c : children[group_id]) linked.emplace_back(group_id, c);
  for (size_t i = 0; i < linked.size(); ++i) {
    auto [parent, g] = linked[i];
    parents[g].erase(parent);
    if (!parents[g].empty()) continue;
    drop_hosts_of(g);
    for (int64_t c : children[g]) linked.emplace_back(g, c);
    marked_groups.push_back(g);
  }
  for (int64_t g : marked_groups) ctx.db.Exec("DELETE FROM groups WHERE id = ?", {g});
  for (int64_t h : marked_hosts) ctx.db.Exec("DELETE FROM hosts WHERE id = ?", {h});
  return OkStatus();
}

void UseInventoryChildPolicy(ResourceModel& d) {
  d.read_filter = [](Session& ctx, store::Params& p) {
    return ReadableInventoriesSql(ctx, p, "t.inventory_id");
  };
  d.can_add = [](Session& ctx, const Obj& data) -> Status {
    return RequireRole(ctx, "inventory", IdOf(data, "inventory"), "admin_role");
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj&) -> Status {
    return RequireRole(ctx, "inventory", IdOf(o, "inventory"), "admin_role");
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    return RequireRole(ctx, "inventory", IdOf(o, "inventory"), "admin_role");
  };
  d.capabilities = [](Session& ctx, const Obj& o) {
    bool edit = CanAdminInventory(ctx, IdOf(o, "inventory"));
    return json::object{{"edit", edit}, {"delete", edit}};
  };
}

}  // namespace baton::service
