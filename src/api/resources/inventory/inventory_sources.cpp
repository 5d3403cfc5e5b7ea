// Inventory sources and inventory updates (api-resources.md §14, §15, contract §13.2): a source
// imports hosts and groups into its inventory through `ansible-inventory`
// (runner/inventory_update.cpp); each update is a unified job exposed through a view.
#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"
#include "core/vars.hpp"
#include "service/template_updates.hpp"

namespace baton::api {
namespace {

const char* const kSources[] = {"file",     "scm",        "ec2",        "gce",
                                "azure_rm", "vmware",     "satellite6", "openstack",
                                "rhv",      "controller", "insights"};

// AWX's _can_update: scm sources need their project; every other kind of source can update.
bool CanUpdateSource(const Obj& s) {
  std::string src = GetString(s, "source");
  if (src == "scm") return OptIdOf(s, "source_project").has_value();
  return !src.empty();
}

// 202 {"inventory_update": id, ...detail} with Location.
Reply StartedReply(Ctx& ctx, int64_t uid, const char* key, int status) {
  const ResourceDef& ud = Registry::Get().Must("inventory_updates");
  auto u = Load(ctx, ud, uid);
  json::object body{{key, uid}};
  for (auto& kv : SerializeDetail(ctx, ud, *u)) body[kv.key()] = kv.value();
  Reply r = Reply::Json(std::move(body), status);
  r.headers.emplace_back("Location", ud.Url(uid));
  return r;
}

json::object JobSummary(const store::Rows& rows) {
  const auto& r = rows.rows[0];
  return json::object{{"id", store::AsInt(r[0])},
                      {"name", store::AsString(r[1])},
                      {"description", store::AsString(r[3])},
                      {"status", store::AsString(r[2])},
                      {"failed", store::AsInt(r[4]) != 0},
                      {"license_error", false}};
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  // Only links to routes baton serves (no schedules, notification templates or credentials yet).
  for (const char* s : {"update", "inventory_updates", "activity_stream", "hosts", "groups"})
    AddRelated(out, s, Url("inventory_sources", id, s));
  // Computed fields at AWX's positions; their values are filled in below.
  InsertAfter(out, "overwrite_vars", {{"custom_virtualenv", nullptr}});
  InsertAfter(out, "limit",
              {{"last_job_run", nullptr},
               {"last_job_failed", false},
               {"next_job_run", nullptr},
               {"status", "never updated"}});
  out["last_update_failed"] = false;
  out["last_updated"] = nullptr;
  auto& sf = SummaryOf(out);
  int64_t inv = IdOf(o, "inventory");
  if (auto s = InventorySummary(ctx, inv)) {
    AddRelated(out, "inventory", Url("inventories", inv));
    sf["inventory"] = std::move(*s);
  }
  if (auto org = ctx.db.QueryInt("SELECT organization_id FROM inventories WHERE id = ?", {inv}))
    if (auto s = BasicSummary(ctx, "organizations", *org)) sf["organization"] = std::move(*s);
  if (auto p = OptIdOf(o, "source_project"))
    if (auto s = BasicSummary(ctx, "projects", *p)) {
      AddRelated(out, "source_project", Url("projects", *p));
      sf["source_project"] = std::move(*s);
    }
  if (auto c = OptIdOf(o, "credential"))
    if (auto s = BasicSummary(ctx, "credentials", *c)) {
      AddRelated(out, "credential", Url("credentials", *c));
      sf["credential"] = std::move(*s);
    }
  auto rows = ctx.db.Query(
      "SELECT id, name, status, description, failed, finished FROM unified_jobs WHERE "
      "inventory_source_id = ? AND type = 'inventory_update' ORDER BY id DESC LIMIT 1",
      {id});
  if (!rows.empty()) {
    json::object s = JobSummary(rows);
    std::string st = store::AsString(rows.rows[0][2]);
    int64_t uid = store::AsInt(rows.rows[0][0]);
    if (IsActiveStatus(st)) {
      ctx.no_cache = true;
      AddRelated(out, "current_update", Url("inventory_updates", uid));
      AddRelated(out, "current_job", Url("inventory_updates", uid));
      sf["current_update"] = s;
      sf["current_job"] = s;
    } else {
      json::value fin = rows.rows[0][5].index() ? json::value(store::AsString(rows.rows[0][5]))
                                                : json::value(nullptr);
      out["last_job_run"] = fin;
      out["last_updated"] = fin;
      out["last_job_failed"] = store::AsInt(rows.rows[0][4]) != 0;
      out["last_update_failed"] = store::AsInt(rows.rows[0][4]) != 0;
    }
    AddRelated(out, "last_update", Url("inventory_updates", uid));
    AddRelated(out, "last_job", Url("inventory_updates", uid));
    sf["last_update"] = s;
    sf["last_job"] = s;
    out["status"] = st;
  }
  bool admin = CanAdminInventory(ctx, inv);
  bool update = HasRole(ctx, "inventory", inv, "update_role") && !ctx.caller.read_only_token;
  sf["user_capabilities"] = json::object{{"start", update && CanUpdateSource(o)},
                                         {"schedule", update && CanUpdateSource(o)},
                                         {"edit", admin},
                                         {"delete", admin}};
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  FieldErrors errs;
  std::string source = GetString(v, "source");
  int64_t inv = IdOf(v, "inventory");
  if (!existing) {
    auto held = CheckInventoryHoldsObjects(ctx, inv, "Inventory Source");
    if (!held.ok()) return Error::Body(ErrorCode::kInvalid, held.error().body);
  }
  if (source == "scm") {
    auto p = OptIdOf(v, "source_project");
    if (!p) {
      errs.Add("source_project", "Project required for scm type sources.");
    } else {
      auto row = ctx.db.Query("SELECT scm_type, allow_override FROM projects WHERE id = ?", {*p});
      if (!row.empty() && store::AsString(row.rows[0][0]).empty())
        errs.Add("source_project", "Cannot use manual project for SCM-based inventory.");
      else if (!row.empty() && !GetString(v, "scm_branch").empty() &&
               store::AsInt(row.rows[0][1]) == 0)
        errs.Add("scm_branch", "Project does not allow overriding branch.");
    }
    std::string path = GetString(v, "source_path");
    if (path.rfind("/", 0) == 0 || path.find("..") != std::string::npos)
      errs.Add("source_path", "Invalid source_path: it must be a path inside the project.");
  } else {
    // A file source reads source_path on the server (a baton extension: AWX has no API way to
    // point a file source anywhere), so only superusers may set one.
    std::vector<std::string> bad;
    if (OptIdOf(v, "source_project")) bad.push_back("source_project");
    if (!GetString(v, "source_path").empty() && source != "file") bad.push_back("source_path");
    if (!GetString(v, "scm_branch").empty()) bad.push_back("scm_branch");
    if (!bad.empty()) {
      std::string names;
      for (auto& b : bad) names += (names.empty() ? "" : " ") + b;
      return Error::Body(ErrorCode::kInvalid,
                         json::object{{"detail", json::array{json::string("Cannot set " + names +
                                                                          " if not SCM type.")}}});
    }
    if (source == "file" && !ctx.caller.superuser)
      errs.Add("source", "Only superusers may use file inventory sources.");
  }
  if (auto vars = ParseVarsMapping(GetString(v, "source_vars")); vars.ok())
    for (const char* k : {"HOME", "USER", "_", "TERM", "PATH"})
      if (vars.value().contains(k))
        errs.Add("source_vars", std::string("`") + k + "` is a prohibited environment variable");
  if (!errs.Empty()) return errs.ToError();
  return OkStatus();
}

ActionDef UpdateAction() {
  ActionDef a;
  a.name = "update";
  a.methods = {"GET", "POST"};
  a.title = "Inventory Source Update";
  a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must("inventory_sources");
    BATON_ASSIGN(Obj s, LoadReadable(ctx, def, req.ids[0]));
    int64_t inv = IdOf(s, "inventory");
    bool can = CanUpdateSource(s) && HasRole(ctx, "inventory", inv, "update_role");
    if (req.method == "GET") return Reply::Json(json::object{{"can_update", can}});
    if (!CanUpdateSource(s)) return Error::MethodNotAllowed("POST");
    BATON_TRY(CheckWriteScope(ctx));
    BATON_TRY(RequireRole(ctx, "inventory", inv, "update_role"));
    store::Tx tx(ctx.db);
    int64_t uid = StartInventorySourceUpdate(ctx, s, "manual");
    tx.Commit();
    return StartedReply(ctx, uid, "inventory_update", 202);
  };
  return a;
}

// /inventories/N/update_inventory_sources/ (contract §13.2).
ActionDef UpdateAllAction() {
  ActionDef a;
  a.name = "update_inventory_sources";
  a.methods = {"GET", "POST"};
  a.title = "Inventory Source Update";
  a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    BATON_ASSIGN(Obj inv, LoadReadable(ctx, Registry::Get().Must("inventories"), req.ids[0]));
    const ResourceDef& def = Registry::Get().Must("inventory_sources");
    bool may = HasRole(ctx, "inventory", IdOf(inv), "update_role");
    auto ids = ctx.db.Query("SELECT id FROM inventory_sources WHERE inventory_id = ? ORDER BY id",
                            {IdOf(inv)});
    std::vector<Obj> sources;
    for (auto& r : ids.rows)
      if (auto s = Load(ctx, def, store::AsInt(r[0]))) sources.push_back(std::move(*s));
    json::array out;
    if (req.method == "GET") {
      for (auto& s : sources)
        out.push_back(
            json::object{{"inventory_source", IdOf(s)}, {"can_update", may && CanUpdateSource(s)}});
      return Reply::Json(std::move(out));
    }
    BATON_TRY(CheckWriteScope(ctx));
    if (sources.empty())
      return Error::Detail(ErrorCode::kInvalid, "No inventory sources to update.");
    BATON_TRY(RequireRole(ctx, "inventory", IdOf(inv), "update_role"));
    size_t started = 0;
    store::Tx tx(ctx.db);
    std::vector<std::pair<int64_t, int64_t>> launched;
    for (auto& s : sources) {
      if (!CanUpdateSource(s)) {
        out.push_back(
            json::object{{"inventory_source", IdOf(s)},
                         {"status", "Could not start because `can_update` returned False"}});
        continue;
      }
      launched.emplace_back(out.size(), StartInventorySourceUpdate(ctx, s, "manual"));
      out.push_back(json::object{{"inventory_source", IdOf(s)}, {"status", "started"}});
      ++started;
    }
    tx.Commit();
    const ResourceDef& ud = Registry::Get().Must("inventory_updates");
    for (auto& [i, uid] : launched) {
      auto& o = out[i].as_object();
      if (auto u = Load(ctx, ud, uid))
        for (auto& kv : SerializeDetail(ctx, ud, *u)) o[kv.key()] = kv.value();
      o["status"] = "started";
      o["inventory_update"] = uid;
    }
    int status = started == sources.size() ? 200 : started > 0 ? 202 : 400;
    return Reply::Json(std::move(out), status);
  };
  return a;
}

}  // namespace

void RegisterInventoryUpdates() {
  ResourceDef u =
      NewResource("inventory_updates", "inventory_update", "InventoryUpdate", "Inventory Updates");
  u.creatable = u.editable = false;
  u.default_order = {"-id"};
  u.search_fields = {"name", "description"};
  u.fields = CommonFields();
  for (auto& f : UnifiedJobFields()) u.fields.push_back(f);
  FieldDef limit = Text("limit");
  limit.column = "limit_";
  for (auto f : {Str("source", 32), Str("source_path", 1024), Text("source_vars"),
                 Str("scm_branch", 1024), Fk("credential", "credentials"), Text("enabled_var"),
                 Text("enabled_value"), Text("host_filter"), Bool("overwrite"),
                 Bool("overwrite_vars"), Int("timeout", 0), Int("verbosity", 1), limit,
                 Fk("inventory", "inventories"), Fk("inventory_source", "inventory_sources"),
                 Fk("source_project_update", "project_updates"), Str("scm_revision", 1024)}) {
    f.read_only = true;
    u.fields.push_back(f);
  }
  u.read_filter = [](Session& ctx, store::Params& p) {
    return ReadableInventoriesSql(ctx, p, "t.inventory_id");
  };
  u.can_change = [](Session& ctx, const Obj& o, const Obj&) -> Status {
    if (IdOf(o, "created_by") == ctx.caller.id && ctx.caller.authenticated()) return OkStatus();
    return RequireRole(ctx, "inventory", IdOf(o, "inventory"), "update_role");
  };
  u.can_delete = [](Session& ctx, const Obj& o) -> Status {
    BATON_TRY(CheckDeletableJob(ctx, o));
    return RequireRole(ctx, "inventory", IdOf(o, "inventory"), "admin_role");
  };
  u.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool detail) {
    DecorateUnifiedJob(ctx, Registry::Get().Must("inventory_updates"), o, out, "inventory_sources");
    InsertAfter(out, "limit",
                {{"custom_virtualenv", nullptr},
                 {"license_error", false},
                 {"org_host_limit_error", false},
                 {"instance_group", nullptr}});
    auto& sf = SummaryOf(out);
    for (auto [key, res] :
         {std::pair{"inventory", "inventories"}, std::pair{"inventory_source", "inventory_sources"},
          std::pair{"credential", "credentials"},
          std::pair{"source_project_update", "project_updates"}})
      if (auto id = OptIdOf(o, key)) {
        AddRelated(out, key, Url(res, *id));
        if (auto s = BasicSummary(ctx, res, *id)) sf[key] = std::move(*s);
      }
    if (detail)
      if (auto src = OptIdOf(o, "inventory_source"))
        if (auto p = ctx.db.QueryInt("SELECT source_project_id FROM inventory_sources WHERE id = ?",
                                     {*src}))
          out["source_project"] = *p;
  };
  u.capabilities = nullptr;
  u.actions.push_back(CancelAction("inventory_updates"));
  u.actions.push_back(StdoutAction("inventory_updates"));
  Registry::Get().Add(std::move(u));
}

void RegisterInventorySources() {
  ResourceDef d =
      NewResource("inventory_sources", "inventory_source", "InventorySource", "Inventory Sources");
  d.id_space = "unified_job_template_ids";
  d.named_url_format = "name++inventory.name++inventory.organization.name";
  d.default_order = {"inventory", "name"};
  d.search_fields = {"name", "description"};
  d.fields = NamedFields();
  FieldDef source = F("source", FieldType::kChoice);
  source.required = true;
  for (const char* s : kSources) source.choices.emplace_back(s, s);
  FieldDef vars = F("source_vars", FieldType::kJsonText);
  vars.def = "";
  vars.has_default = true;
  FieldDef limit = Text("limit");
  limit.column = "limit_";
  FieldDef verbosity = F("verbosity", FieldType::kIntChoice);
  verbosity.choices = {{"0", "0 (WARNING)"}, {"1", "1 (INFO)"}, {"2", "2 (DEBUG)"}};
  verbosity.def = 1;
  verbosity.has_default = true;
  FieldDef inv = Fk("inventory", "inventories", true);
  inv.create_only = true;
  FieldDef cache = Int("update_cache_timeout", 0);
  cache.min_value = 0;
  for (auto f : {source, Str("source_path", 1024), vars, Str("scm_branch", 1024),
                 Fk("credential", "credentials"), Text("enabled_var"), Text("enabled_value"),
                 Text("host_filter"), Bool("overwrite"), Bool("overwrite_vars"), Int("timeout", 0),
                 verbosity, limit, Fk("execution_environment", "execution_environments"), inv,
                 Bool("update_on_launch"), cache, Fk("source_project", "projects")})
    d.fields.push_back(f);
  d.uniques = {{{"name", "inventory"},
                "__all__",
                "InventorySource with this (name, inventory) combination already exists."}};
  UseInventoryChildPolicy(d);
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    BATON_TRY(RequireRole(ctx, "inventory", IdOf(o, "inventory"), "admin_role"));
    return CheckNoActiveJobs(ctx, "inventory_source_id", IdOf(o));
  };
  d.validate = Validate;
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("inventory_updates", "inventory_updates",
                                "t.inventory_source_id = ?", "Inventory Updates"));
  d.sublists.push_back(ListOnly("hosts", "hosts", "t.inventory_source_id = ?", "Hosts"));
  d.sublists.push_back(ListOnly("groups", "groups", "t.inventory_source_id = ?", "Groups"));
  d.sublists.push_back(ActivityStreamSubList("inventory_source"));
  d.actions.push_back(UpdateAction());
  Registry::Get().Add(std::move(d));

  // The inventory's own sub-list and action. Registration still runs single-threaded at
  // startup, so completing the already registered declaration is safe.
  auto& invdef = const_cast<ResourceDef&>(Registry::Get().Must("inventories"));
  SubListDef s;
  s.name = "inventory_sources";
  s.child = "inventory_sources";
  s.filter = "t.inventory_id = ?";
  s.can_create = true;
  s.inject_field = "inventory";
  s.title = "Inventory Sources";
  invdef.sublists.push_back(std::move(s));
  invdef.actions.push_back(UpdateAllAction());
}

}  // namespace baton::api
