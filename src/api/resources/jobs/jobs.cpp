// Jobs (api-resources.md §17): the read side of playbook runs. A job is a row of unified_jobs
// with type 'job', exposed through the `jobs` view; launching and relaunching live with the job
// templates (job_templates.cpp, job_launch.cpp).
#include <map>
#include <set>

#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/job_launch.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"
#include "domain/survey.hpp"

namespace baton::api {
namespace {

// AWX's JobSerializer field order: the job options (JobOptionsSerializer), the unified-job
// fields, the job's own fields, then the detail additions.
const std::initializer_list<std::string_view> kJobOrder = {
    "id",
    "type",
    "url",
    "related",
    "summary_fields",
    "created",
    "modified",
    "name",
    "description",
    "job_type",
    "inventory",
    "project",
    "playbook",
    "scm_branch",
    "forks",
    "limit",
    "verbosity",
    "extra_vars",
    "job_tags",
    "force_handlers",
    "skip_tags",
    "start_at_task",
    "timeout",
    "use_fact_cache",
    "organization",
    "unified_job_template",
    "launch_type",
    "status",
    "execution_environment",
    "failed",
    "started",
    "finished",
    "canceled_on",
    "elapsed",
    "job_args",
    "job_cwd",
    "job_env",
    "job_explanation",
    "execution_node",
    "controller_node",
    "result_traceback",
    "event_processing_finished",
    "launched_by",
    "work_unit_id",
    "job_template",
    "passwords_needed_to_start",
    "allow_simultaneous",
    "artifacts",
    "scm_revision",
    "instance_group",
    "diff_mode",
    "job_slice_number",
    "job_slice_count",
    "webhook_service",
    "webhook_credential",
    "webhook_guid",
    "host_status_counts",
    "playbook_counts",
    "custom_virtualenv",
};

// related in AWX's order (BaseSerializer, JobOptionsSerializer, UnifiedJobSerializer,
// JobSerializer).
const std::initializer_list<std::string_view> kRelatedOrder = {
    "created_by",
    "modified_by",
    "labels",
    "inventory",
    "project",
    "organization",
    "credentials",
    "unified_job_template",
    "schedule",
    "stdout",
    "source_workflow_job",
    "execution_environment",
    "job_events",
    "job_host_summaries",
    "activity_stream",
    "notifications",
    "create_schedule",
    "job_template",
    "cancel",
    "project_update",
    "relaunch",
};

std::optional<int64_t> JobTemplateOf(Session& ctx, const Obj& job) {
  auto jt = OptIdOf(job, "job_template");
  if (!jt) return std::nullopt;
  if (!ctx.db.QueryInt("SELECT 1 FROM job_templates WHERE id = ?", {*jt})) return std::nullopt;
  return jt;
}

// JobAccess.filtered_queryset: the jobs of templates the caller may read, of organizations the
// caller administers or audits, and (a baton addition) the jobs the caller launched.
std::string ReadFilter(Session& ctx, store::Params& p) {
  if (ctx.caller.sees_all()) return "";
  std::string jt = rbac::AccessibleIdsSql("job_template", "read_role", ctx.caller.id, p);
  std::string admin = rbac::AccessibleIdsSql("organization", "admin_role", ctx.caller.id, p);
  std::string audit = rbac::AccessibleIdsSql("organization", "auditor_role", ctx.caller.id, p);
  p.emplace_back(ctx.caller.id);
  return "t.job_template_id IN (" + jt + ") OR t.organization_id IN (" + admin +
         ") OR t.organization_id IN (" + audit + ") OR t.created_by_id = ?";
}

// JobAccess.can_delete: superusers, and admins of the job's organization.
Status CanDelete(Session& ctx, const Obj& job) {
  BATON_TRY(CheckDeletableJob(ctx, job));
  if (ctx.caller.superuser) return OkStatus();
  auto org = OptIdOf(job, "organization");
  if (!org) return Error::Forbidden();
  return RequireRole(ctx, "organization", *org, "admin_role");
}

// JobAccess.can_cancel (the active-status check is CancelAction's): the launching user, admins
// of the job's template, and for a job without template the organization's job template
// admins.
Status CanCancel(Session& ctx, const Obj& job) {
  if (ctx.caller.superuser) return OkStatus();
  if (ctx.caller.authenticated() && OptIdOf(job, "created_by") == ctx.caller.id) return OkStatus();
  if (auto jt = JobTemplateOf(ctx, job)) return RequireRole(ctx, "job_template", *jt, "admin_role");
  if (auto org = OptIdOf(job, "organization"))
    return RequireRole(ctx, "organization", *org, "job_template_admin_role");
  return Error::Forbidden();
}

// JobAccess.get_method_capability('start'): execute on the template (any caller when the job
// has none); the relaunch POST makes the detailed check.
bool CanStart(Session& ctx, const Obj& job) {
  if (ctx.caller.read_only_token) return false;
  if (ctx.caller.superuser) return true;
  auto jt = JobTemplateOf(ctx, job);
  if (!jt) return true;
  return HasRole(ctx, "job_template", *jt, "execute_role");
}

// Job.display_extra_vars: the survey's password answers shown as "$encrypted$".
json::value DisplayExtraVars(const Obj& job) {
  std::string vars = GetString(job, "extra_vars");
  const auto* sp = job.if_contains("survey_passwords");
  if (!sp || !sp->is_object() || sp->as_object().empty()) return json::string(vars);
  auto parsed = ParseJson(vars);
  if (!parsed || !parsed->is_object()) return json::string(vars);
  return json::string(DumpPy(domain::RedactSurveyPasswords(parsed->as_object(), sp->as_object())));
}

// Job.display_artifacts.
json::value DisplayArtifacts(const Obj& job) {
  const auto* a = job.if_contains("artifacts");
  if (!a || !a->is_object()) return json::object{};
  if (const auto* nl = a->as_object().if_contains("_ansible_no_log");
      nl && nl->is_bool() && nl->as_bool())
    return "$hidden due to Ansible no_log flag$";
  return *a;
}

// Job.passwords_needed_to_start: the launch-time passwords ("ASK") of the job's credentials
// (Credential.passwords_needed: a machine credential's password is `ssh_password`; a vault
// password with a vault_id is `vault_password.<id>`).
json::array PasswordsNeeded(Session& ctx, int64_t job) {
  json::array out;
  auto rows = ctx.db.Query(
      "SELECT c.inputs, COALESCE(ct.namespace, '') FROM credential_attachments a JOIN credentials "
      "c ON c.id = a.credential_id JOIN credential_types ct ON ct.id = c.credential_type_id WHERE "
      "a.owner_type = 'job' AND a.owner_id = ? ORDER BY a.position, c.id",
      {job});
  for (auto& r : rows.rows) {
    auto inputs = ParseJson(store::AsString(r[0]));
    if (!inputs || !inputs->is_object()) continue;
    const auto& in = inputs->as_object();
    bool ssh = store::AsString(r[1]) == "ssh";
    auto ask = [&](const char* f) {
      auto* v = in.if_contains(f);
      return v && v->is_string() && v->as_string() == "ASK";
    };
    if (ssh && ask("password")) out.push_back("ssh_password");
    if (ssh && ask("become_password")) out.push_back("become_password");
    if (ssh && ask("ssh_key_unlock")) out.push_back("ssh_key_unlock");
    if (ask("vault_password")) {
      std::string id = GetString(in, "vault_id");
      out.push_back(json::string(id.empty() ? "vault_password" : "vault_password." + id));
    }
  }
  return out;
}

// host_status_counts as AWX's create_host_status_counts derives them from the stats: each host
// counted once under the last of skipped, ok, changed, failures, dark it appears in. null
// until the playbook's stats arrived.
json::value HostStatusCounts(Session& ctx, const Obj& job) {
  int64_t id = IdOf(job);
  if (IsActiveStatus(GetString(job, "status"))) return nullptr;
  bool stats = ctx.db
                   .QueryInt(
                       "SELECT 1 FROM job_events WHERE job_id = ? AND event = 'playbook_on_stats' "
                       "LIMIT 1",
                       {id})
                   .has_value();
  auto rows = ctx.db.Query(
      "SELECT CASE WHEN dark > 0 THEN 'dark' WHEN failures > 0 THEN 'failures' WHEN changed > 0 "
      "THEN 'changed' WHEN ok > 0 THEN 'ok' WHEN skipped > 0 THEN 'skipped' ELSE '' END AS s, "
      "COUNT(*) FROM job_host_summaries WHERE job_id = ? GROUP BY s",
      {id});
  if (!stats && rows.empty()) return nullptr;
  std::map<std::string, int64_t> counts;
  for (auto& r : rows.rows) counts[store::AsString(r[0])] = store::AsInt(r[1]);
  json::object out;
  for (const char* k : {"skipped", "ok", "changed", "failures", "dark"})
    if (counts.count(k)) out[k] = counts[k];
  return out;
}

json::object PlaybookCounts(Session& ctx, int64_t job) {
  auto rows = ctx.db.Query(
      "SELECT SUM(event = 'playbook_on_play_start'), SUM(event = 'playbook_on_task_start') FROM "
      "job_events WHERE job_id = ?",
      {job});
  int64_t plays = rows.empty() ? 0 : store::AsInt(rows.rows[0][0]);
  int64_t tasks = rows.empty() ? 0 : store::AsInt(rows.rows[0][1]);
  return json::object{{"play_count", plays}, {"task_count", tasks}};
}

// The project's status as its summary shows it: its last update's status, "never updated"
// before any, "ok" for a manual project.
std::string ProjectStatus(Session& ctx, int64_t project, const std::string& scm_type) {
  if (scm_type.empty()) return "ok";
  return ctx.db
      .QueryString(
          "SELECT status FROM unified_jobs WHERE type = 'project_update' AND project_id = ? "
          "ORDER BY id DESC LIMIT 1",
          {project})
      .value_or("never updated");
}

json::array CredentialSummaries(Session& ctx, int64_t job) {
  json::array out;
  auto rows = ctx.db.Query(
      "SELECT c.id, c.name, c.description, COALESCE(ct.namespace, ''), ct.kind FROM "
      "credential_attachments a JOIN credentials c ON c.id = a.credential_id JOIN "
      "credential_types ct ON ct.id = c.credential_type_id WHERE a.owner_type = 'job' AND "
      "a.owner_id = ? ORDER BY a.position, c.id",
      {job});
  for (auto& r : rows.rows)
    out.push_back(json::object{{"id", store::AsInt(r[0])},
                               {"name", store::AsString(r[1])},
                               {"description", store::AsString(r[2])},
                               {"kind", store::AsString(r[3])},
                               {"cloud", store::AsString(r[4]) == "cloud"}});
  return out;
}

json::object LabelSummaries(Session& ctx, int64_t job) {
  json::array results;
  auto rows = ctx.db.Query(
      "SELECT l.id, l.name FROM label_attachments a JOIN labels l ON l.id = a.label_id WHERE "
      "a.owner_type = 'job' AND a.owner_id = ? ORDER BY l.name, l.id LIMIT 10",
      {job});
  for (auto& r : rows.rows)
    results.push_back(json::object{{"id", store::AsInt(r[0])}, {"name", store::AsString(r[1])}});
  int64_t count = ctx.db
                      .QueryInt(
                          "SELECT COUNT(*) FROM label_attachments WHERE owner_type = 'job' AND "
                          "owner_id = ?",
                          {job})
                      .value_or(0);
  return json::object{{"count", count}, {"results", std::move(results)}};
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool detail) {
  const ResourceDef& def = Registry::Get().Must("jobs");
  int64_t id = IdOf(o);
  DecorateUnifiedJob(ctx, def, o, out, "job_templates", detail);
  out["extra_vars"] = DisplayExtraVars(o);
  out["artifacts"] = DisplayArtifacts(o);
  out["passwords_needed_to_start"] = PasswordsNeeded(ctx, id);
  auto jt = JobTemplateOf(ctx, o);
  if (!jt) out["job_template"] = nullptr;
  if (detail) {
    out["host_status_counts"] = HostStatusCounts(ctx, o);
    out["playbook_counts"] = PlaybookCounts(ctx, id);
    out["custom_virtualenv"] = nullptr;
  }
  Reorder(out, kJobOrder);

  AddRelated(out, "labels", Url("jobs", id, "labels"));
  AddRelated(out, "credentials", Url("jobs", id, "credentials"));
  for (const char* s : {"job_events", "job_host_summaries", "activity_stream"})
    AddRelated(out, s, Url("jobs", id, s));
  if (Registry::Get().Find("notifications"))
    AddRelated(out, "notifications", Url("jobs", id, "notifications"));
  if (def.actions.size() > 0)
    for (const auto& a : def.actions)
      if (a.name == "relaunch" || a.name == "create_schedule")
        AddRelated(out, a.name, Url("jobs", id, a.name));

  auto& sf = SummaryOf(out);
  json::object summaries;
  if (auto org = OptIdOf(o, "organization"))
    if (auto s = TableSummary(ctx, "organizations", *org)) {
      AddRelated(out, "organization", Url("organizations", *org));
      summaries["organization"] = std::move(*s);
    }
  if (auto inv = OptIdOf(o, "inventory"))
    if (auto s = InventorySummary(ctx, *inv)) {
      AddRelated(out, "inventory", Url("inventories", *inv));
      summaries["inventory"] = std::move(*s);
    }
  if (auto p = OptIdOf(o, "project")) {
    auto rows = ctx.db.Query(
        "SELECT id, name, description, scm_type, allow_override FROM projects WHERE id = ?", {*p});
    if (!rows.empty()) {
      const auto& r = rows.rows[0];
      AddRelated(out, "project", Url("projects", *p));
      summaries["project"] = json::object{{"id", *p},
                                          {"name", store::AsString(r[1])},
                                          {"description", store::AsString(r[2])},
                                          {"status", ProjectStatus(ctx, *p, store::AsString(r[3]))},
                                          {"scm_type", store::AsString(r[3])},
                                          {"allow_override", store::AsInt(r[4]) != 0}};
    }
  }
  if (auto pu = OptIdOf(o, "dependent_job")) {
    auto rows = ctx.db.Query(
        "SELECT id, name, description, status, failed FROM unified_jobs WHERE id = ? AND type = "
        "'project_update'",
        {*pu});
    if (!rows.empty()) {
      const auto& r = rows.rows[0];
      AddRelated(out, "project_update", Url("project_updates", *pu));
      summaries["project_update"] = json::object{{"id", *pu},
                                                 {"name", store::AsString(r[1])},
                                                 {"description", store::AsString(r[2])},
                                                 {"status", store::AsString(r[3])},
                                                 {"failed", store::AsInt(r[4]) != 0}};
    }
  }
  if (jt)
    if (auto s = TableSummary(ctx, "job_templates", *jt)) {
      AddRelated(out, "job_template", Url("job_templates", *jt));
      summaries["job_template"] = std::move(*s);
    }
  // The summaries in AWX's order, before the shared ones (unified_job_template, created_by ...).
  json::object ordered;
  for (auto& kv : summaries) ordered[kv.key()] = std::move(kv.value());
  for (auto& kv : sf) ordered[kv.key()] = std::move(kv.value());
  ordered["labels"] = LabelSummaries(ctx, id);
  ordered["credentials"] = CredentialSummaries(ctx, id);
  json::object caps{{"delete", !ctx.caller.read_only_token && CanDelete(ctx, o).ok()},
                    {"start", CanStart(ctx, o)}};
  ordered["user_capabilities"] = std::move(caps);
  sf = std::move(ordered);
  Reorder(RelatedOf(out), kRelatedOrder);
}

std::string OwnerFilter(const char* table, const char* column) {
  return std::string("t.id IN (SELECT ") + column + " FROM " + table +
         " WHERE owner_type = 'job' AND owner_id = ?)";
}

}  // namespace

void RegisterJobs() {
  ResourceDef d = NewResource("jobs", "job", "Job", "Jobs");
  d.creatable = d.editable = false;
  d.default_order = {"id"};
  d.search_fields = {"name", "description"};
  d.fields = CommonFields();
  std::vector<FieldDef> common = UnifiedJobFields();
  d.fields.push_back(common[0]);  // name
  d.fields.push_back(common[1]);  // description
  FieldDef job_type = F("job_type", FieldType::kChoice);
  job_type.choices = {{"run", "Run"}, {"check", "Check"}, {"scan", "Scan"}};
  FieldDef limit = Text("limit");
  limit.column = "limit_";
  FieldDef verbosity = F("verbosity", FieldType::kIntChoice);
  verbosity.choices = {{"0", "0 (Normal)"},           {"1", "1 (Verbose)"},
                       {"2", "2 (More Verbose)"},     {"3", "3 (Debug)"},
                       {"4", "4 (Connection Debug)"}, {"5", "5 (WinRM Debug)"}};
  for (auto f : {job_type, Fk("inventory", "inventories"), Fk("project", "projects"),
                 Str("playbook", 1024), Str("scm_branch", 1024), Int("forks", 0), limit, verbosity,
                 Text("extra_vars"), Text("job_tags"), Bool("force_handlers"),
                 Str("skip_tags", 1024), Str("start_at_task", 1024), Int("timeout", 0),
                 Bool("use_fact_cache"), Fk("organization", "organizations")})
    d.fields.push_back(RO(f));
  for (size_t i = 2; i < common.size(); ++i) d.fields.push_back(common[i]);
  FieldDef artifacts = F("artifacts", FieldType::kJson);
  for (auto f :
       {Fk("job_template", "job_templates"), Bool("allow_simultaneous"), artifacts,
        Str("scm_revision", 1024), Fk("instance_group", "instance_groups"), Bool("diff_mode"),
        Int("job_slice_number", 0), Int("job_slice_count", 1), Str("webhook_service", 16),
        Fk("webhook_credential", "credentials"), Str("webhook_guid", 128)})
    d.fields.push_back(RO(f));
  d.fields.push_back(Internal("survey_passwords", "survey_passwords", FieldType::kJson));
  FieldDef dependent = Internal("dependent_job", "dependent_job_id", FieldType::kFk);
  d.fields.push_back(dependent);
  d.relations = {
      {"labels", "labels",
       "{t}.id IN (SELECT owner_id FROM label_attachments WHERE owner_type = 'job' AND label_id "
       "IN ({inner}))"},
      {"credentials", "credentials",
       "{t}.id IN (SELECT owner_id FROM credential_attachments WHERE owner_type = 'job' AND "
       "credential_id IN ({inner}))"},
  };
  d.read_filter = ReadFilter;
  d.can_change = [](Session& ctx, const Obj& o, const Obj&) { return CanCancel(ctx, o); };
  d.can_delete = CanDelete;
  d.before_delete = [](Session& ctx, const Obj& o) -> Status {
    int64_t id = IdOf(o);
    ctx.db.Exec("DELETE FROM label_attachments WHERE owner_type = 'job' AND owner_id = ?", {id});
    ctx.db.Exec("DELETE FROM credential_attachments WHERE owner_type = 'job' AND owner_id = ?",
                {id});
    ctx.db.Exec(
        "UPDATE hosts SET last_job_id = NULL, last_job_host_summary_id = NULL WHERE last_job_id "
        "= ?",
        {id});
    return OkStatus();
  };
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("job_events", "job_events", "t.job_id = ?", "Job Events"));
  d.sublists.push_back(
      ListOnly("job_host_summaries", "job_host_summaries", "t.job_id = ?", "Job Host Summaries"));
  d.sublists.push_back(
      ListOnly("labels", "labels", OwnerFilter("label_attachments", "label_id"), "Labels"));
  d.sublists.push_back(ListOnly("credentials", "credentials",
                                OwnerFilter("credential_attachments", "credential_id"),
                                "Credentials"));
  d.sublists.push_back(ActivityStreamSubList("job"));
  d.actions.push_back(CancelAction("jobs"));
  d.actions.push_back(StdoutAction("jobs"));
  d.actions.push_back(RelaunchJobAction());
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
