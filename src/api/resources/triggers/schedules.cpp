// Schedules (api-resources.md §20; AWX's ScheduleSerializer and ScheduleAccess): /schedules/,
// each template's schedules/ sub-list (job templates, projects, inventory sources, workflow job
// templates), jobs/, credentials/, labels/. The rule is validated and expanded by
// domain/rrule.hpp; dtstart, dtend, next_run, timezone and until are computed from it on every
// write (next_run also by the firing pass, scheduler/schedule_manager.hpp). Prompts are
// validated like a launch of the template with no error class suppressed (LA-5, RB-9), by the
// check workflow nodes use (ValidateNodePrompts). The preview/ and zoneinfo/ helpers are routes
// of their own (AddScheduleRoutes). instance_groups/ holds the ordered groups a scheduled job
// is asked to run on (stored; groups route no job yet).
#include "api/resources/triggers/schedules.hpp"
#include "api/routes.hpp"

#include "api/list.hpp"
#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "domain/rrule.hpp"
#include "service/attachments.hpp"
#include "service/workflow_graph.hpp"

namespace baton::api {
namespace {

constexpr const char* kSchedules = "schedules";
constexpr const char* kOwner = "schedule";

const ResourceDef& ScheduleDef() {
  return Registry::Get().Must(kSchedules);
}

const char* const kTemplateResources[] = {"job_templates", "projects", "inventory_sources",
                                          "workflow_job_templates"};

// A kind of template schedules may point at.
bool SchedulableKind(const std::string& kind) {
  return kind == "job_template" || kind == "project" || kind == "inventory_source" ||
         kind == "workflow_job_template";
}

// The template's own admin right (AWX check_related with admin_role): the template's admin
// role; an inventory source's inventory admin.
bool AdminsTemplate(Session& ctx, int64_t ujt) {
  if (ctx.caller.superuser) return true;
  auto kind = TemplateKind(ctx, ujt);
  if (!kind) return false;
  if (*kind == "inventory_source") {
    auto inv = ctx.db.QueryInt("SELECT inventory_id FROM inventory_sources WHERE id = ?", {ujt});
    return inv && HasRole(ctx, "inventory", *inv, "admin_role");
  }
  return HasRole(ctx, *kind, ujt, "admin_role");
}

// JobLaunchConfigAccess: a prompted inventory needs use.
Status CanUsePrompted(Session& ctx, const Obj& data, const Obj* existing) {
  auto inv = OptIdOf(data, "inventory");
  if (!inv || (existing && OptIdOf(*existing, "inventory") == inv)) return OkStatus();
  if (!HasRole(ctx, "inventory", *inv, "use_role")) return Error::Forbidden();
  return OkStatus();
}

// ScheduleAccess.can_add: start (execute) right on the template (RB-9).
Status CanAdd(Session& ctx, const Obj& data) {
  if (ctx.caller.superuser) return OkStatus();
  auto ujt = OptIdOf(data, "unified_job_template");
  if (ujt && TemplateKind(ctx, *ujt) && !CanStartTemplate(ctx, *ujt)) return Error::Forbidden();
  return CanUsePrompted(ctx, data, nullptr);
}

// ScheduleAccess.can_change: admin of the template, or its creator with the start right; a new
// template needs the same.
Status CanEdit(Session& ctx, const Obj& o) {
  if (ctx.caller.superuser) return OkStatus();
  int64_t ujt = IdOf(o, "unified_job_template");
  if (AdminsTemplate(ctx, ujt)) return OkStatus();
  if (OptIdOf(o, "created_by") == ctx.caller.id && CanStartTemplate(ctx, ujt)) return OkStatus();
  return Error::Forbidden();
}

Status CanChange(Session& ctx, const Obj& o, const Obj& data) {
  BATON_TRY(CanEdit(ctx, o));
  if (ctx.caller.superuser) return OkStatus();
  auto next = OptIdOf(data, "unified_job_template");
  if (next && *next != IdOf(o, "unified_job_template") && TemplateKind(ctx, *next) &&
      !AdminsTemplate(ctx, *next) && !CanStartTemplate(ctx, *next))
    return Error::Forbidden();
  return CanUsePrompted(ctx, data, &o);
}

Status CanEditById(Session& ctx, int64_t id) {
  BATON_TRY(CheckWriteScope(ctx));
  auto o = Load(ctx, ScheduleDef(), id);
  if (!o) return Error::NotFound();
  return CanEdit(ctx, *o);
}

const std::vector<std::string>& ScalarPromptNames() {
  static const std::vector<std::string> k = {
      "scm_branch", "job_type",  "job_tags", "skip_tags",       "limit",
      "diff_mode",  "verbosity", "forks",    "job_slice_count", "timeout"};
  return k;
}

// ScheduleSerializer.validate_unified_job_template.
Status CheckTemplate(Session& ctx, int64_t ujt) {
  auto kind = TemplateKind(ctx, ujt);
  if (!kind || !SchedulableKind(*kind))
    return Error::Field("unified_job_template",
                        "Invalid pk \"" + std::to_string(ujt) + "\" - object does not exist.");
  if (*kind == "inventory_source") {
    auto src = ctx.db.QueryString("SELECT source FROM inventory_sources WHERE id = ?", {ujt});
    if (!src || src->empty() || *src == "file")
      return Error::Field("unified_job_template", "Inventory Source must be a cloud resource.");
  }
  if (*kind == "project" &&
      ctx.db.QueryString("SELECT scm_type FROM projects WHERE id = ?", {ujt}).value_or("").empty())
    return Error::Field("unified_job_template", "Manual Project cannot have a schedule set.");
  return OkStatus();
}

// The computed columns of a rule (stored as AWX timestamps so that text order is time order).
void PutComputed(Session& ctx, Obj& v) {
  auto opt = [](const std::optional<Micros>& t) {
    return t ? json::value(FormatIso(*t)) : json::value(nullptr);
  };
  std::string text = domain::rrule::CoerceNaiveUntil(GetString(v, "rrule"));
  v["rrule"] = text;
  auto rules = domain::rrule::RuleSet::Parse(text);
  if (!rules.ok()) {
    for (const char* k : {"dtstart", "dtend", "next_run"}) v[k] = nullptr;
    v["timezone"] = "";
    v["until"] = "";
    return;
  }
  auto c = domain::rrule::Compute(*rules, ctx.now, GetBool(v, "enabled"));
  v["dtstart"] = opt(c.dtstart);
  v["dtend"] = opt(c.dtend);
  v["next_run"] = opt(c.next_run);
  v["timezone"] = c.timezone;
  v["until"] = c.until;
}

Status Validate(Session& ctx, const WriteInput& in, Obj& v, const Obj* existing) {
  const json::object& raw = in.body;
  bool put = existing && !in.partial;
  bool full = !existing || put;
  // Disabling alone skips the template and prompt checks (AWX issue 8641).
  bool only_disable = existing && in.partial && raw.size() == 1 && raw.contains("enabled") &&
                      raw.at("enabled") == json::value(false);
  if (!only_disable) {
    if (full || raw.contains("rrule")) {
      std::string rule = GetString(v, "rrule");
      if (rule.empty()) return Error::Field("rrule", "This field may not be blank.");
      if (auto errors = domain::rrule::Validate(rule); !errors.empty()) {
        json::array a;
        for (auto& e : errors) a.push_back(json::string(e));
        return Error::Body(ErrorCode::kInvalid, json::object{{"rrule", std::move(a)}});
      }
    }
    if (full || raw.contains("unified_job_template"))
      BATON_TRY(CheckTemplate(ctx, IdOf(v, "unified_job_template")));
  }
  // diff_mode is a nullable boolean: null stays null; false over a stored null is written.
  bool raw_null = existing && existing->at("diff_mode_raw").is_null();
  if (auto* dm = raw.if_contains("diff_mode")) {
    if (dm->is_null())
      v["diff_mode"] = nullptr;
    else if (raw_null && v["diff_mode"] == json::value(false))
      v["diff_mode"] = int64_t{0};
  } else if (existing) {
    v["diff_mode"] = raw_null ? json::value(nullptr) : existing->at("diff_mode");
  } else {
    v["diff_mode"] = nullptr;
  }
  if (!only_disable) {
    std::set<std::string, std::less<>> present;
    for (auto& kv : raw) present.insert(kv.key());
    if (full || raw.contains("unified_job_template")) {
      for (const auto& f : ScalarPromptNames()) present.insert(f);
      present.insert("inventory");
      present.insert("extra_data");
    }
    BATON_TRY(ValidateNodePrompts(ctx, v, existing, present, /*required_errors=*/true));
  } else if (existing) {
    v["survey_passwords"] = existing->at("survey_passwords");
  }
  PutComputed(ctx, v);
  ctx.wake = true;  // the firing pass re-reads next_run (and re-arms its timer)
  return OkStatus();
}

Status BeforeDelete(Session& ctx, const Obj& o) {
  DeleteAttachments(ctx, kOwner, IdOf(o));
  ctx.db.Exec("DELETE FROM instance_group_attachments WHERE owner_type = ? AND owner_id = ?",
              {std::string(kOwner), IdOf(o)});
  return OkStatus();
}

// The template's inventory (job templates, workflow job templates, inventory sources).
std::optional<int64_t> TemplateInventory(Session& ctx, const std::string& kind, int64_t ujt) {
  if (kind == "job_template" || kind == "workflow_job_template" || kind == "inventory_source")
    return ctx.db.QueryInt("SELECT inventory_id FROM " + TemplateResource(kind) + " WHERE id = ?",
                           {ujt});
  return std::nullopt;
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  auto* raw = o.if_contains("diff_mode_raw");
  out["diff_mode"] =
      !raw || raw->is_null() ? json::value(nullptr) : json::value(raw->as_int64() != 0);
  // Password answers show as "$encrypted$".
  if (auto* pw = o.if_contains("survey_passwords");
      pw && pw->is_object() && !pw->as_object().empty())
    if (auto* extra = out.if_contains("extra_data"); extra && extra->is_object())
      for (auto& kv : pw->as_object())
        if (auto* x = extra->as_object().if_contains(kv.key())) *x = kv.value();
  // AWX's timestamps for the computed instants ("2025-03-10T13:00:00Z").
  for (const char* k : {"dtstart", "dtend", "next_run"})
    if (auto* v = out.if_contains(k); v && v->is_string())
      if (auto t = ParseIso(v->as_string())) *v = domain::rrule::FormatUtc(*t);
  auto& sf = SummaryOf(out);
  AddRelated(out, "unified_jobs", Url(kSchedules, id, "jobs"));
  int64_t ujt = IdOf(o, "unified_job_template");
  auto kind = TemplateKind(ctx, ujt);
  if (kind) {
    AddRelated(out, "unified_job_template", Url(TemplateResource(*kind), ujt));
    if (auto s = TemplateSummary(ctx, ujt)) sf["unified_job_template"] = std::move(*s);
    if (*kind == "job_template")
      if (auto p = ctx.db.QueryInt("SELECT project_id FROM job_templates WHERE id = ?", {ujt}))
        AddRelated(out, "project", Url("projects", *p));
  }
  auto inv = OptIdOf(o, "inventory");
  if (!inv && kind) inv = TemplateInventory(ctx, *kind, ujt);
  if (inv)
    if (auto s = InventorySummary(ctx, *inv)) {
      AddRelated(out, "inventory", Url("inventories", *inv));
      sf["inventory"] = std::move(*s);
    }
  if (auto ee = OptIdOf(o, "execution_environment")) {
    AddRelated(out, "execution_environment", Url("execution_environments", *ee));
    if (auto s = BasicSummary(ctx, "execution_environments", *ee))
      sf["execution_environment"] = std::move(*s);
  }
  AddRelated(out, "credentials", Url(kSchedules, id, "credentials"));
  AddRelated(out, "labels", Url(kSchedules, id, "labels"));
  AddRelated(out, "instance_groups", Url(kSchedules, id, "instance_groups"));
  bool w = !ctx.caller.read_only_token && CanEdit(ctx, o).ok();
  sf["user_capabilities"] = json::object{{"edit", w}, {"delete", w}};
}

FieldDef Nullable(FieldDef f) {
  f.nullable = true;
  f.required = false;
  f.def = nullptr;
  f.has_default = true;
  return f;
}

FieldDef Computed(FieldDef f, std::string help) {
  f.read_only = true;
  f.server_written = true;
  f.help_text = std::move(help);
  return f;
}

// AWX's field order: name, description, the launch configuration, then the schedule's own.
std::vector<FieldDef> Fields() {
  std::vector<FieldDef> v = NamedFields();
  FieldDef extra = F("extra_data", FieldType::kJson);
  extra.def = json::object{};
  extra.has_default = true;
  extra.filterable = false;
  FieldDef job_type = Nullable(F("job_type", FieldType::kChoice));
  job_type.choices = {{"", "---------"}, {"run", "Run"}, {"check", "Check"}};
  FieldDef limit = Nullable(F("limit", FieldType::kText));
  limit.column = "limit_";
  FieldDef verbosity = Nullable(F("verbosity", FieldType::kIntChoice));
  verbosity.choices = {{"0", "0 (Normal)"},           {"1", "1 (Verbose)"},
                       {"2", "2 (More Verbose)"},     {"3", "3 (Debug)"},
                       {"4", "4 (Connection Debug)"}, {"5", "5 (WinRM Debug)"}};
  FieldDef forks = Nullable(F("forks", FieldType::kInt));
  forks.min_value = 0;
  FieldDef slices = Nullable(F("job_slice_count", FieldType::kInt));
  slices.min_value = 0;
  FieldDef scm_branch = Nullable(F("scm_branch", FieldType::kText));
  scm_branch.max_length = 1024;
  // Any kind of template; CheckTemplate says which exist and may be scheduled.
  FieldDef ujt = Fk("unified_job_template", "", true);
  FieldDef enabled = Bool("enabled", true);
  enabled.help_text = "Enables processing of this schedule.";
  FieldDef rrule = F("rrule", FieldType::kText);
  rrule.required = true;
  rrule.help_text = "A value representing the schedules iCal recurrence rule.";
  FieldDef passwords = F("survey_passwords", FieldType::kJson);
  passwords.write_only = true;
  passwords.filterable = false;
  passwords.def = json::object{};
  passwords.has_default = true;
  for (auto f : {extra,
                 Fk("inventory", "inventories"),
                 scm_branch,
                 job_type,
                 Nullable(F("job_tags", FieldType::kText)),
                 Nullable(F("skip_tags", FieldType::kText)),
                 limit,
                 Nullable(F("diff_mode", FieldType::kBool)),
                 verbosity,
                 Fk("execution_environment", "execution_environments"),
                 forks,
                 slices,
                 Nullable(F("timeout", FieldType::kInt)),
                 ujt,
                 enabled,
                 Computed(Dt("dtstart"),
                          "The first occurrence of the schedule occurs on or after this time."),
                 Computed(Dt("dtend"),
                          "The last occurrence of the schedule occurs before this time, "
                          "aftewards the schedule expires."),
                 rrule,
                 Computed(Dt("next_run"), "The next time that the scheduled action will run."),
                 Computed(F("timezone", FieldType::kString),
                          "The timezone this schedule runs in. This field is extracted from the "
                          "RRULE. If the timezone in the RRULE is a link to another timezone, the "
                          "link will be reflected in this field."),
                 Computed(F("until", FieldType::kString),
                          "The date this schedule will end. This field is computed from the "
                          "RRULE. If the schedule does not end an empty string will be returned"),
                 passwords,
                 Internal("diff_mode_raw", "diff_mode", FieldType::kInt)})
    v.push_back(f);
  return v;
}

// ---- credentials/ (launch configuration rules, as workflow nodes: DM-8) ----

SubListDef ScheduleCredentials() {
  return LaunchConfigCredentialsSubList(kOwner, CanEditById, [](Session& ctx, int64_t schedule) {
    return ctx.db.QueryInt("SELECT unified_job_template_id FROM schedules WHERE id = ?",
                           {schedule});
  });
}

// ---- Templates: schedules/ sub-list, related link, next_job_run ----

// The earliest next run of the template's enabled schedules (AWX's next_job_run; AWX keeps the
// latest one, see docs/compat.md).
json::value NextJobRun(Session& ctx, int64_t ujt) {
  auto t = ctx.db.QueryString(
      "SELECT MIN(next_run) FROM schedules WHERE unified_job_template_id = ? AND enabled = 1",
      {ujt});
  if (!t) return nullptr;
  auto us = ParseIso(*t);
  return us ? json::value(domain::rrule::FormatUtc(*us)) : json::value(nullptr);
}

void AddToTemplate(const char* resource) {
  // Registration runs single-threaded at startup, after the templates registered: completing
  // their declarations here keeps the schedule wiring in this file.
  auto& def = const_cast<ResourceDef&>(Registry::Get().Must(resource));
  SubListDef s;
  s.name = "schedules";
  s.child = kSchedules;
  s.filter = "t.unified_job_template_id = ?";
  s.can_create = true;
  s.inject_field = "unified_job_template";
  s.title = "Schedules";
  def.sublists.push_back(std::move(s));
  auto inner = def.decorate;
  std::string res = resource;
  def.decorate = [inner, res](Ctx& ctx, const Obj& o, json::object& out, bool detail) {
    if (inner) inner(ctx, o, out, detail);
    int64_t id = IdOf(o);
    if (!RelatedOf(out).contains("schedules"))
      AddRelated(out, "schedules", Url(res, id, "schedules"));
    if (out.contains("next_job_run")) out["next_job_run"] = NextJobRun(ctx, id);
  };
}

// ---- preview/ and zoneinfo/ ----

Result<Reply> Preview(Ctx& ctx, ApiRequest& req) {
  auto* r = req.body.if_contains("rrule");
  if (!r || r->is_null()) return Error::Field("rrule", "This field is required.");
  if (!r->is_string()) return Error::Field("rrule", "Not a valid string.");
  std::string text(r->as_string());
  if (text.empty()) return Error::Field("rrule", "This field may not be blank.");
  if (auto errors = domain::rrule::Validate(text); !errors.empty()) {
    json::array a;
    for (auto& e : errors) a.push_back(json::string(e));
    return Error::Body(ErrorCode::kInvalid, json::object{{"rrule", std::move(a)}});
  }
  auto rules = domain::rrule::RuleSet::Parse(text);
  if (!rules.ok()) return rules.error();
  json::array local, utc;
  for (const auto& o : rules->After(ctx.now, 10)) {
    local.push_back(json::string(o.local));
    utc.push_back(json::string(domain::rrule::FormatUtc(o.utc)));
  }
  ctx.no_cache = true;
  return Reply::Json(json::object{{"local", std::move(local)}, {"utc", std::move(utc)}});
}

Result<Reply> ZoneInfo(Ctx&, ApiRequest&) {
  json::array zones;
  for (const auto& z : domain::rrule::ZoneNames()) zones.push_back(json::string(z));
  json::object links;
  for (const auto& [alias, target] : domain::rrule::ZoneLinks()) links[alias] = target;
  return Reply::Json(json::object{{"zones", std::move(zones)}, {"links", std::move(links)}});
}

}  // namespace

void AddScheduleRoutes(Router& router) {
  {
    Route& r = router.Add("/api/v2/schedules/");
    r.handlers["GET"] = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      if (!req.Q("order_by") && !req.Q("order")) req.query.emplace_back("order_by", "id");
      return ListObjects(ctx, req, ScheduleDef());
    };
  }
  {
    Route& r = router.Add("/api/v2/schedules/preview/");
    r.title = "Schedule Recurrence Rule Preview";
    r.handlers["POST"] = Preview;
  }
  {
    Route& r = router.Add("/api/v2/schedules/zoneinfo/");
    r.title = "Schedule Zone Info";
    r.handlers["GET"] = ZoneInfo;
  }
}

void RegisterSchedules() {
  ResourceDef d = NewResource(kSchedules, "schedule", "Schedule", "Schedules");
  // AWX orders schedules by next_run descending (nulls last), then id; the top-level list
  // orders by id (ScheduleList.ordering; AddScheduleRoutes).
  d.default_order = {"-next_run", "id"};
  d.search_fields = {"name", "description"};
  d.fields = Fields();
  d.uniques = {{{"unified_job_template", "name"},
                "__all__",
                "Schedule with this Unified job template and Name already exists."}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    std::string out;
    for (const char* res : kTemplateResources) {
      const ResourceDef* t = Registry::Get().Find(res);
      if (!t) continue;
      std::string rf = t->read_filter ? t->read_filter(ctx, p) : "";
      out += (out.empty() ? "" : " OR ") +
             ("t.unified_job_template_id IN (SELECT t.id FROM " + t->table + " t" +
              (rf.empty() ? "" : " WHERE " + rf) + ")");
    }
    return out.empty() ? "1=0" : out;
  };
  d.can_add = CanAdd;
  d.can_change = CanChange;
  d.can_delete = [](Session& ctx, const Obj& o) { return CanEdit(ctx, o); };
  d.validate = Validate;
  d.before_delete = BeforeDelete;
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("jobs", "unified_jobs", "t.schedule_id = ?", "Schedule Jobs List"));
  d.sublists.push_back(ScheduleCredentials());
  d.sublists.push_back(LabelsSubList(kOwner, "schedule", CanEditById));
  d.sublists.push_back(InstanceGroupsSubList(kOwner, CanEditById));
  Registry::Get().Add(std::move(d));
  for (const char* res : kTemplateResources) AddToTemplate(res);
  auto& jobs = const_cast<ResourceDef&>(Registry::Get().Must("jobs"));
  jobs.actions.push_back(JobCreateScheduleAction());
}

}  // namespace baton::api
