#include "runner/inventory_update.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/clock.hpp"
#include "core/crashpoint.hpp"
#include "core/vars.hpp"
#include "runner/process.hpp"

namespace baton::runner {
namespace fs = std::filesystem;

namespace {

bool IsCloud(const std::string& source) {
  return source != "file" && source != "scm";
}

json::object VarsOf(const json::value* v) {
  return v && v->is_object() ? v->as_object() : json::object{};
}

// Stored variables merged with (or replaced by) the imported ones, as stored text.
std::string MergeVars(const std::string& stored, const json::object& imported, bool replace) {
  json::object out;
  if (!replace) {
    auto cur = ParseVarsMapping(stored);
    if (cur.ok()) out = cur.value();
  }
  for (auto& kv : imported) out[kv.key()] = kv.value();
  return out.empty() && stored.empty() ? "" : DumpPy(out);
}

// AWX's enabled_var lookup (dotted paths reach into nested dicts); enabled by default.
bool HostEnabled(const json::object& vars, const ImportOptions& opt) {
  if (opt.enabled_var.empty()) return true;
  const json::value* v = nullptr;
  const json::object* cur = &vars;
  std::stringstream ss(opt.enabled_var);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (!cur) return true;
    v = cur->if_contains(part);
    if (!v) return true;
    cur = v->is_object() ? &v->as_object() : nullptr;
  }
  if (!v) return true;
  if (opt.enabled_value.empty()) {
    if (v->is_bool()) return v->as_bool();
    if (v->is_string()) return !v->as_string().empty();
    if (v->is_null()) return false;
    if (v->is_int64()) return v->as_int64() != 0;
    return true;
  }
  std::string s = v->is_string() ? std::string(v->as_string())
                  : v->is_bool() ? (v->as_bool() ? "True" : "False")
                                 : Dump(*v);
  return s == opt.enabled_value;
}

// Finds or creates a host or group by name, claiming it for the source; returns its id.
int64_t Upsert(store::Connection& db, const std::string& table, const std::string& name,
               const json::object& vars, const ImportOptions& opt, std::optional<bool> enabled) {
  auto row = db.Query("SELECT id, variables FROM " + table + " WHERE inventory_id = ? AND name = ?",
                      {opt.inventory_id, name});
  if (row.empty()) {
    std::string text = vars.empty() ? "" : DumpPy(vars);
    if (enabled) {
      Crashpoint("inventory.import");
      return db.Insert(
          "INSERT INTO hosts (name, inventory_id, enabled, variables, inventory_source_id, "
          "created, modified) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {name, opt.inventory_id, int64_t{*enabled}, text, opt.source_id, opt.now, opt.now});
    }
    return db.Insert(
        "INSERT INTO groups (name, inventory_id, variables, inventory_source_id, created, "
        "modified) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        {name, opt.inventory_id, text, opt.source_id, opt.now, opt.now});
  }
  int64_t id = store::AsInt(row.rows[0][0]);
  std::string stored = store::AsString(row.rows[0][1]);
  std::string text = MergeVars(stored, vars, opt.overwrite_vars);
  db.Exec("UPDATE " + table +
              " SET variables = ?, inventory_source_id = ?, modified = CASE WHEN variables = ? "
              "THEN modified ELSE ? END WHERE id = ?",
          {text, opt.source_id, text, opt.now, id});
  if (enabled) db.Exec("UPDATE hosts SET enabled = ? WHERE id = ?", {int64_t{*enabled}, id});
  return id;
}

std::vector<std::string> Names(const json::object& g, std::string_view key) {
  std::vector<std::string> out;
  if (auto* a = g.if_contains(key); a && a->is_array())
    for (auto& n : a->as_array())
      if (n.is_string()) out.emplace_back(n.as_string());
  return out;
}

}  // namespace

ImportCounts ImportInventory(store::Connection& db, const json::object& data,
                             const ImportOptions& opt) {
  ImportCounts counts;
  json::object hostvars;
  if (auto* meta = data.if_contains("_meta"); meta && meta->is_object())
    hostvars = VarsOf(meta->as_object().if_contains("hostvars"));
  // Every host named anywhere, with its variables.
  std::set<std::string> host_names;
  for (auto& kv : hostvars) host_names.insert(std::string(kv.key()));
  for (auto& kv : data)
    if (kv.value().is_object())
      for (auto& h : Names(kv.value().as_object(), "hosts")) host_names.insert(h);
  std::map<std::string, int64_t> hosts, groups;
  for (auto& name : host_names) {
    json::object vars = VarsOf(hostvars.if_contains(name));
    hosts[name] = Upsert(db, "hosts", name, vars, opt, HostEnabled(vars, opt));
  }
  // Groups ("all" gives the inventory's variables; "ungrouped" is no group in AWX).
  for (auto& kv : data) {
    std::string name(kv.key());
    if (name == "_meta" || name == "ungrouped" || !kv.value().is_object()) continue;
    json::object vars = VarsOf(kv.value().as_object().if_contains("vars"));
    if (name == "all") {
      if (vars.empty()) continue;
      auto stored =
          db.QueryString("SELECT variables FROM inventories WHERE id = ?", {opt.inventory_id});
      db.Exec("UPDATE inventories SET variables = ? WHERE id = ?",
              {MergeVars(stored.value_or(""), vars, opt.overwrite_vars), opt.inventory_id});
      continue;
    }
    groups[name] = Upsert(db, "groups", name, vars, opt, std::nullopt);
  }
  counts.groups = static_cast<int64_t>(groups.size());
  counts.hosts = static_cast<int64_t>(hosts.size());
  if (opt.overwrite) {
    for (auto& [name, id] : groups) {
      db.Exec("DELETE FROM group_hosts WHERE group_id = ?", {id});
      db.Exec("DELETE FROM group_children WHERE parent_id = ?", {id});
    }
    auto stale = [&](const std::string& table, const std::map<std::string, int64_t>& keep) {
      int64_t n = 0;
      auto rows = db.Query(
          "SELECT id, name FROM " + table + " WHERE inventory_id = ? AND inventory_source_id = ?",
          {opt.inventory_id, opt.source_id});
      for (auto& r : rows.rows)
        if (!keep.count(store::AsString(r[1]))) {
          db.Exec("DELETE FROM " + table + " WHERE id = ?", {store::AsInt(r[0])});
          ++n;
        }
      return n;
    };
    counts.removed_hosts = stale("hosts", hosts);
    counts.removed_groups = stale("groups", groups);
  }
  for (auto& kv : data) {
    auto g = groups.find(std::string(kv.key()));
    if (g == groups.end()) continue;
    for (auto& h : Names(kv.value().as_object(), "hosts"))
      db.Exec("INSERT INTO group_hosts (group_id, host_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
              {g->second, hosts[h]});
    for (auto& c : Names(kv.value().as_object(), "children"))
      if (auto child = groups.find(c); child != groups.end() && child->second != g->second)
        db.Exec(
            "INSERT INTO group_children (parent_id, child_id) VALUES (?, ?) ON CONFLICT DO "
            "NOTHING",
            {g->second, child->second});
  }
  return counts;
}

RunResult InventoryUpdateRunner::Run(RunContext& rc) {
  auto& db = rc.db.Local();
  auto rows = db.Query(
      "SELECT j.inventory_id, j.inventory_source_id, j.source, j.source_path, j.overwrite, "
      "j.overwrite_vars, j.enabled_var, j.enabled_value, j.timeout, p.local_path FROM "
      "unified_jobs j LEFT JOIN inventory_sources s ON s.id = j.inventory_source_id LEFT JOIN "
      "projects p ON p.id = s.source_project_id WHERE j.id = ?",
      {rc.job_id});
  if (rows.empty()) return {"error", "The inventory update disappeared."};
  const auto& r = rows.rows[0];
  ImportOptions opt;
  opt.inventory_id = store::AsInt(r[0]);
  opt.source_id = store::AsInt(r[1]);
  std::string source = store::AsString(r[2]), source_path = store::AsString(r[3]);
  opt.overwrite = store::AsInt(r[4]) != 0;
  opt.overwrite_vars = store::AsInt(r[5]) != 0;
  opt.enabled_var = store::AsString(r[6]);
  opt.enabled_value = store::AsString(r[7]);
  int64_t timeout_ms = store::AsInt(r[8]) * 1000;
  if (IsCloud(source))
    return {"failed", "Updating " + source +
                          " inventory sources needs cloud credentials, which baton does not "
                          "support yet."};
  fs::path file = source_path;
  if (source == "scm") {
    if (!r[9].index()) return {"failed", "The inventory source has no source project."};
    std::string root = rc.settings.projects_root.empty() ? rc.settings.data_dir + "/projects"
                                                         : rc.settings.projects_root;
    file = fs::path(root) / store::AsString(r[9]) / source_path;
  }
  std::error_code ec;
  if (source_path.empty() && source == "file")
    return {"failed", "The file inventory source has no source_path."};
  if (!fs::exists(file, ec))
    return {"failed", "The inventory file " + file.string() +
                          " does not exist (has the source project been updated?)."};
  fs::path work = fs::path(rc.settings.data_dir) / "run" / ("inv-" + std::to_string(rc.job_id));
  fs::create_directories(work / "home", ec);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(p, e);
    }
  } cleanup{work};
  std::string output = (work / "inventory.json").string();
  std::vector<std::string> env = BaseEnv();
  std::erase_if(env, [](const std::string& e) { return e.rfind("HOME=", 0) == 0; });
  env.push_back("HOME=" + (work / "home").string());
  env.push_back("ANSIBLE_INVENTORY_UNPARSED_FAILED=True");
  env.push_back("ANSIBLE_NOCOLOR=1");
  env.push_back("ANSIBLE_LOCAL_TEMP=" + (work / "tmp").string());
  std::vector<std::string> argv{"ansible-inventory", "-i",       file.string(), "--list",
                                "--export",          "--output", output};
  rc.out.Append("$ ansible-inventory -i " + file.string() + " --list --export\n");
  auto sp = Spawn({argv, env, work.string()});
  if (!sp.ok()) return {"error", "Could not run ansible-inventory."};
  // The JSON goes to --output; what the command prints (warnings, errors) is the job's output.
  auto f = WaitWithOutput(
      sp.value(), [&](std::string_view c) { rc.out.Append(c); }, rc.canceled, timeout_ms,
      rc.settings.cancel_grace_ms);
  if (f.ending == Ending::kCanceled) return {"canceled", ""};
  if (f.ending == Ending::kTimedOut) return {"failed", "Job terminated due to timeout"};
  if (f.exit_code != 0)
    return {"failed", "ansible-inventory exit code " + std::to_string(f.exit_code)};
  std::ifstream in(output);
  std::stringstream buf;
  buf << in.rdbuf();
  auto data = ParseJson(buf.str());
  if (!data || !data->is_object()) return {"failed", "ansible-inventory did not output JSON."};
  opt.now = FormatIso(SystemClock().Now());
  store::Tx tx(db);
  ImportCounts n = ImportInventory(db, data->as_object(), opt);
  tx.Commit();
  rc.out.Append("Imported " + std::to_string(n.groups) + " group(s) and " +
                std::to_string(n.hosts) + " host(s)");
  if (opt.overwrite)
    rc.out.Append("; removed " + std::to_string(n.removed_groups) + " group(s) and " +
                  std::to_string(n.removed_hosts) + " host(s)");
  rc.out.Append("\n");
  return {};
}

}  // namespace baton::runner
