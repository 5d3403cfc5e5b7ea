// Host (api-resources.md §12): hosts of regular inventories, their groups, variables and facts;
// /api/v2/hosts/?host_filter= takes AWX's smart-filter language.
#include <charconv>

#include "api/resources/inventory/inventory_common.hpp"
#include "api/routes.hpp"
#include "core/vars.hpp"

namespace baton::api {
namespace {

// AWX's HostSerializer._get_host_port_from_name: "name:port" (exactly one colon) names a port.
// Returns the port, or an error message; `name` becomes the part before the colon.
std::optional<int64_t> SplitPort(std::string& name, std::string* error) {
  if (std::count(name.begin(), name.end(), ':') != 1) return std::nullopt;
  size_t colon = name.find(':');
  std::string port = name.substr(colon + 1);
  name = name.substr(0, colon);
  std::string_view s = port;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    *error = "Invalid port specification: " + port;
    return std::nullopt;
  }
  if (n < 1 || n > 65535) {
    *error = "Invalid port specification: " + std::to_string(n);
    return std::nullopt;
  }
  return n;
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  json::object errs;
  std::string name = GetString(v, "name");
  std::string port_error;
  auto port = SplitPort(name, &port_error);
  if (!port_error.empty()) errs["name"] = json::array{json::string(port_error)};
  int64_t inv = IdOf(v, "inventory");
  if (!existing) {
    auto held = CheckInventoryHoldsObjects(ctx, inv, "Host");
    if (!held.ok()) errs["inventory"] = held.error().body.as_object().at("inventory");
  }
  if (!errs.empty()) return Error::Body(ErrorCode::kInvalid, std::move(errs));
  if (port) {
    v["name"] = name;
    auto vars = ParseVarsMapping(GetString(v, "variables"));
    json::object obj = vars.ok() ? vars.value() : json::object{};
    obj["ansible_ssh_port"] = *port;
    v["variables"] = DumpPy(obj);
  }
  if (ctx.db.QueryInt("SELECT 1 FROM groups WHERE inventory_id = ? AND name = ?", {inv, name}))
    return Error::All("A Group with that name already exists.");
  return OkStatus();
}

// summary_fields.last_job: contract §5.2 plus the job's template (HostSerializer).
std::optional<json::object> LastJobSummary(Session& ctx, int64_t job) {
  auto rows = ctx.db.Query(
      "SELECT u.name, u.description, u.finished, u.status, u.failed, u.canceled_on, jt.id, "
      "jt.name FROM unified_jobs u LEFT JOIN job_templates jt ON jt.id = u.job_template_id WHERE "
      "u.id = ?",
      {job});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  auto opt = [](const store::Value& v) {
    return store::IsNull(v) ? json::value(nullptr) : json::value(store::AsString(v));
  };
  json::object s{{"id", job},
                 {"name", store::AsString(r[0])},
                 {"description", store::AsString(r[1])},
                 {"finished", opt(r[2])},
                 {"status", store::AsString(r[3])},
                 {"failed", store::AsInt(r[4]) != 0},
                 {"license_error", false}};
  if (!store::IsNull(r[5])) s["canceled_on"] = store::AsString(r[5]);
  if (!store::IsNull(r[6])) {
    s["job_template_id"] = store::AsInt(r[6]);
    s["job_template_name"] = store::AsString(r[7]);
  }
  return s;
}

// summary_fields.recent_jobs: the jobs of the host's last five summaries, newest first.
json::array RecentJobs(Session& ctx, int64_t host) {
  json::array out;
  auto rows = ctx.db.Query(
      "SELECT u.id, COALESCE(jt.name, ''), u.type, u.status, u.finished FROM job_host_summaries s "
      "JOIN unified_jobs u ON u.id = s.job_id LEFT JOIN job_templates jt ON jt.id = "
      "u.job_template_id WHERE s.host_id = ? ORDER BY s.created DESC, s.id DESC LIMIT 5",
      {host});
  for (auto& r : rows.rows)
    out.push_back(
        json::object{{"id", store::AsInt(r[0])},
                     {"name", store::AsString(r[1])},
                     {"type", store::AsString(r[2])},
                     {"status", store::AsString(r[3])},
                     {"finished", store::IsNull(r[4]) ? json::value(nullptr)
                                                      : json::value(store::AsString(r[4]))}});
  return out;
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  for (const char* s : {"variable_data", "groups", "all_groups", "job_events", "job_host_summaries",
                        "activity_stream", "ansible_facts"})
    AddRelated(out, s, Url("hosts", id, s));
  auto& sf = SummaryOf(out);
  if (auto inv = OptIdOf(o, "inventory")) {
    if (auto s = InventorySummary(ctx, *inv)) {
      AddRelated(out, "inventory", Url("inventories", *inv));
      sf["inventory"] = std::move(*s);
    }
  }
  bool has_active_failures = false;
  if (auto job = OptIdOf(o, "last_job")) {
    if (auto s = LastJobSummary(ctx, *job)) {
      AddRelated(out, "last_job", Url("jobs", *job));
      sf["last_job"] = std::move(*s);
    }
  }
  if (auto hs = OptIdOf(o, "last_job_host_summary")) {
    if (auto failed =
            ctx.db.QueryInt("SELECT failed FROM job_host_summaries WHERE id = ?", {*hs})) {
      AddRelated(out, "last_job_host_summary", Url("job_host_summaries", *hs));
      sf["last_job_host_summary"] = json::object{{"id", *hs}, {"failed", *failed != 0}};
      has_active_failures = *failed != 0;
    }
  }
  json::array groups;
  auto rows = ctx.db.Query(
      "SELECT g.id, g.name FROM groups g JOIN group_hosts gh ON gh.group_id = g.id WHERE "
      "gh.host_id = ? ORDER BY g.id LIMIT 5",
      {id});
  for (auto& r : rows.rows)
    groups.push_back(json::object{{"id", store::AsInt(r[0])}, {"name", store::AsString(r[1])}});
  int64_t count =
      ctx.db.QueryInt("SELECT COUNT(*) FROM group_hosts WHERE host_id = ?", {id}).value_or(0);
  sf["groups"] = json::object{{"count", count}, {"results", std::move(groups)}};
  sf["recent_jobs"] = RecentJobs(ctx, id);
  InsertAfter(out, "variables",
              {{"has_active_failures", has_active_failures}, {"has_inventory_sources", false}});
}

std::optional<int64_t> HostInventory(Session& ctx, int64_t host) {
  return ctx.db.QueryInt("SELECT inventory_id FROM hosts WHERE id = ?", {host});
}

Status SameInventory(Session& ctx, int64_t host, int64_t group) {
  auto a = HostInventory(ctx, host);
  auto b = ctx.db.QueryInt("SELECT inventory_id FROM groups WHERE id = ?", {group});
  if (a && b && *a == *b) return OkStatus();
  return Error::Detail(ErrorCode::kInvalid,
                       "Cannot associate two items from different inventories.");
}

}  // namespace

void RegisterHosts() {
  ResourceDef d = NewResource("hosts", "host", "Host", "Hosts");
  d.named_url_format = "name++inventory.name++inventory.organization.name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description"};
  d.fields = NamedFields();
  FieldDef inv = Fk("inventory", "inventories", true);
  inv.create_only = true;
  d.fields.push_back(inv);
  FieldDef enabled = Bool("enabled", true);
  enabled.help_text = "Is this host online and available for running jobs?";
  d.fields.push_back(enabled);
  FieldDef instance = Str("instance_id", 1024);
  instance.help_text =
      "The value used by the remote inventory source to uniquely identify the host";
  d.fields.push_back(instance);
  FieldDef vars = F("variables", FieldType::kJsonText);
  vars.def = "";
  vars.has_default = true;
  vars.help_text = "Host variables in JSON or YAML format.";
  d.fields.push_back(vars);
  d.fields.push_back(RO(Fk("last_job", "jobs")));
  d.fields.push_back(RO(Fk("last_job_host_summary", "job_host_summaries")));
  FieldDef facts_modified = Dt("ansible_facts_modified");
  facts_modified.help_text = "The date and time ansible_facts was last modified.";
  d.fields.push_back(facts_modified);
  d.fields.push_back(Internal("ansible_facts", "ansible_facts", FieldType::kJson));
  d.uniques = {
      {{"name", "inventory"}, "__all__", "Host with this Name and Inventory already exists."}};
  d.relations = {
      {"groups", "groups",
       "{t}.id IN (SELECT gh.host_id FROM group_hosts gh WHERE gh.group_id IN ({inner}))"},
  };
  UseInventoryChildPolicy(d);
  d.list_scope = [](Ctx& ctx, const ApiRequest& req, store::Params& p) -> Result<std::string> {
    const std::string* hf = req.Q("host_filter");
    if (!hf || hf->empty()) return std::string();
    auto sql = CompileHostFilter(ctx, *hf, p);
    if (!sql.ok()) return Error::Err(HostFilterErrorMessage(sql.error()));
    return sql;
  };
  d.validate = Validate;
  d.decorate = Decorate;
  {
    SubListDef s;
    s.name = "groups";
    s.child = "groups";
    s.filter = "t.id IN (SELECT group_id FROM group_hosts WHERE host_id = ?)";
    s.can_create = true;
    s.can_attach = true;
    s.title = "Groups";
    s.before_create = [](Session& ctx, int64_t host,
                         json::object& body) -> Result<std::optional<int64_t>> {
      if (auto inv = HostInventory(ctx, host)) body["inventory"] = *inv;
      return std::optional<int64_t>();
    };
    s.attach = [](Session& ctx, int64_t host, int64_t group) -> Status {
      BATON_TRY(SameInventory(ctx, host, group));
      ctx.db.Exec(
          "INSERT INTO group_hosts (group_id, host_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
          {group, host});
      return OkStatus();
    };
    s.after_create = s.attach;
    s.detach = [](Session& ctx, int64_t host, int64_t group) -> Status {
      ctx.db.Exec("DELETE FROM group_hosts WHERE group_id = ? AND host_id = ?", {group, host});
      return OkStatus();
    };
    d.sublists.push_back(std::move(s));
  }
  d.sublists.push_back(ListOnly(
      "all_groups", "groups",
      "t.id IN (WITH RECURSIVE anc(id) AS (SELECT group_id FROM group_hosts WHERE host_id = ? "
      "UNION SELECT gc.parent_id FROM group_children gc JOIN anc ON gc.child_id = anc.id) "
      "SELECT id FROM anc)",
      "All Groups"));
  d.sublists.push_back(ListOnly("job_events", "job_events", "t.host_id = ?", "Job Events"));
  d.sublists.push_back(
      ListOnly("job_host_summaries", "job_host_summaries", "t.host_id = ?", "Job Host Summaries"));
  d.sublists.push_back(ActivityStreamSubList("host"));
  ResourceDef& reg = Registry::Get().Add(std::move(d));
  reg.actions.push_back(VariableDataAction("hosts"));
  {
    ActionDef a;
    a.name = "ansible_facts";
    a.methods = {"GET"};
    a.title = "Host Ansible Facts";
    a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      BATON_ASSIGN(Obj host, LoadReadable(ctx, Registry::Get().Must("hosts"), req.ids[0]));
      auto* facts = host.if_contains("ansible_facts");
      if (facts && facts->is_object()) return Reply::Json(*facts);
      return Reply::Json(json::object{});
    };
    reg.actions.push_back(std::move(a));
  }
}

}  // namespace baton::api
