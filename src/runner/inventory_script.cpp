#include "runner/inventory_script.hpp"

#include <map>

#include "core/vars.hpp"

namespace baton::runner {
namespace {

json::object VarsDict(const std::string& text) {
  auto v = ParseVarsText(text);
  if (v.ok() && v.value().is_object()) return v.value().as_object();
  return json::object{};
}

struct Host {
  int64_t id;
  std::string name;
  std::string variables;
  bool enabled;
};

}  // namespace

json::object InventoryScript(store::Connection& db, const ScriptInventory& inv,
                             const std::string& hosts_where, const store::Params& params,
                             const ScriptOptions& opts) {
  std::string where = hosts_where;
  if (!opts.show_all) where = "(" + where + ") AND t.enabled = 1";
  std::vector<Host> hosts;
  auto rows = db.Query("SELECT t.id, t.name, t.variables, t.enabled FROM hosts t WHERE " + where +
                           " ORDER BY t.name, t.id",
                       params);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (opts.slice_count > 1 && static_cast<int64_t>(i) % opts.slice_count != opts.slice_number - 1)
      continue;
    auto& r = rows.rows[i];
    hosts.push_back({store::AsInt(r[0]), store::AsString(r[1]), store::AsString(r[2]),
                     store::AsInt(r[3]) != 0});
  }

  json::object data;
  data["all"] = nullptr;  // first key; filled in at the end (inserts move the object's storage)
  json::object all;
  json::object inv_vars = VarsDict(inv.variables);
  if (!inv_vars.empty()) all["vars"] = std::move(inv_vars);
  json::array all_hosts;
  if (inv.kind == "smart") {
    for (const auto& h : hosts) all_hosts.push_back(json::string(h.name));
    all["hosts"] = std::move(all_hosts);
  } else {
    int64_t id = inv.id;
    std::map<std::string, bool> in_slice;
    for (const auto& h : hosts) in_slice[h.name] = true;
    std::map<int64_t, json::array> group_hosts, group_children;
    std::map<std::string, bool> grouped;
    auto gh = db.Query(
        "SELECT gh.group_id, h.name FROM group_hosts gh JOIN hosts h ON h.id = gh.host_id JOIN "
        "groups g ON g.id = gh.group_id WHERE g.inventory_id = ? AND h.inventory_id = ? "
        "ORDER BY h.name",
        {id, id});
    for (auto& r : gh.rows) {
      std::string name = store::AsString(r[1]);
      if (!in_slice.count(name)) continue;  // disabled, or not in this slice
      group_hosts[store::AsInt(r[0])].push_back(json::string(name));
      grouped[name] = true;
    }
    auto gc = db.Query(
        "SELECT gc.parent_id, c.name FROM group_children gc JOIN groups c ON c.id = gc.child_id "
        "WHERE c.inventory_id = ? ORDER BY c.name",
        {id});
    for (auto& r : gc.rows)
      group_children[store::AsInt(r[0])].push_back(json::string(store::AsString(r[1])));
    for (const auto& h : hosts)
      if (!grouped.count(h.name)) all_hosts.push_back(json::string(h.name));
    all["hosts"] = std::move(all_hosts);
    json::array names;
    auto groups = db.Query(
        "SELECT id, name, variables FROM groups WHERE inventory_id = ? ORDER BY name, id", {id});
    for (auto& r : groups.rows) {
      int64_t gid = store::AsInt(r[0]);
      std::string name = store::AsString(r[1]);
      json::object info;
      if (auto it = group_hosts.find(gid); it != group_hosts.end()) info["hosts"] = it->second;
      if (auto it = group_children.find(gid); it != group_children.end())
        info["children"] = it->second;
      json::object vars = VarsDict(store::AsString(r[2]));
      if (!vars.empty()) info["vars"] = std::move(vars);
      if (!info.empty()) data[name] = std::move(info);
      names.push_back(json::string(name));
    }
    // Every group is a child of all, including empty ones.
    if (!names.empty()) all["children"] = std::move(names);
  }
  data["all"] = std::move(all);
  if (opts.hostvars) {
    json::object hv;
    for (const auto& h : hosts) {
      json::object vars = VarsDict(h.variables);
      if (opts.towervars) {
        std::string enabled = h.enabled ? "true" : "false";
        vars["remote_tower_enabled"] = enabled;
        vars["remote_tower_id"] = h.id;
        vars["remote_host_enabled"] = enabled;
        vars["remote_host_id"] = h.id;
      }
      hv[h.name] = std::move(vars);
    }
    data["_meta"] = json::object{{"hostvars", std::move(hv)}};
  }
  return data;
}

std::vector<std::pair<std::string, int64_t>> InventoryHostIds(store::Connection& db,
                                                              const std::string& hosts_where,
                                                              const store::Params& params) {
  std::vector<std::pair<std::string, int64_t>> out;
  auto rows =
      db.Query("SELECT t.name, t.id FROM hosts t WHERE " + hosts_where + " ORDER BY t.id", params);
  for (auto& r : rows.rows) out.emplace_back(store::AsString(r[0]), store::AsInt(r[1]));
  return out;
}

}  // namespace baton::runner
