// Workflow jobs (workflow-semantics.md DM-14, DM-15, EX-16, RL-1..RL-4, RB-17..RB-20, ST rules;
// api-resources.md §26): /api/v2/workflow_jobs/ read-only list and detail in AWX's field order
// (seed 003), DELETE, workflow_nodes/, labels/, activity_stream/, cancel/ (the flag; the workflow
// manager finishes the cancel of a running workflow job) and relaunch/. A workflow job is a row
// of unified_jobs with type 'workflow_job' (view workflow_jobs); created by workflow_launch.cpp.
#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/job_launch.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/resources/workflows/workflow_launch.hpp"
#include "api/routes.hpp"
#include "domain/prompts.hpp"
#include "domain/survey.hpp"
#include "service/attachments.hpp"
#include "service/workflow_graph.hpp"
#include "store/job_status_sql.hpp"

namespace baton::api {

// The read filter of workflow jobs on alias `a` (shared with workflow job nodes and approvals):
// RB-17 read on the template (the job template of a sliced one), and (AWX's filtered_queryset)
// the workflow jobs of organizations the caller administers or audits. "" = everything.
std::string WorkflowJobsReadableOn(Session& ctx, store::Params& p, const std::string& a) {
  if (ctx.caller.sees_all()) return "";
  std::string wf = HasRoleSql(ctx, kWfjtCt, "read_role", p, a + ".workflow_job_template_id");
  std::string jt = HasRoleSql(ctx, "job_template", "read_role", p, a + ".job_template_id");
  std::string admin = HasRoleSql(ctx, "organization", "admin_role", p, a + ".organization_id");
  std::string audit = HasRoleSql(ctx, "organization", "auditor_role", p, a + ".organization_id");
  return "(" + wf + " OR " + jt + " OR " + admin + " OR " + audit + ")";
}

namespace {

constexpr const char* kRes = "workflow_jobs";
constexpr const char* kOwner = "workflow_job";

const std::initializer_list<std::string_view> kOrder = {"id",
                                                        "type",
                                                        "url",
                                                        "related",
                                                        "summary_fields",
                                                        "created",
                                                        "modified",
                                                        "name",
                                                        "description",
                                                        "unified_job_template",
                                                        "launch_type",
                                                        "status",
                                                        "failed",
                                                        "started",
                                                        "finished",
                                                        "canceled_on",
                                                        "elapsed",
                                                        "job_args",
                                                        "job_cwd",
                                                        "job_env",
                                                        "job_explanation",
                                                        "result_traceback",
                                                        "launched_by",
                                                        "work_unit_id",
                                                        "workflow_job_template",
                                                        "extra_vars",
                                                        "allow_simultaneous",
                                                        "job_template",
                                                        "is_sliced_job",
                                                        "inventory",
                                                        "limit",
                                                        "scm_branch",
                                                        "webhook_service",
                                                        "webhook_credential",
                                                        "webhook_guid",
                                                        "skip_tags",
                                                        "job_tags"};

const std::initializer_list<std::string_view> kRelatedOrder = {"created_by",
                                                               "modified_by",
                                                               "unified_job_template",
                                                               "schedule",
                                                               "source_workflow_job",
                                                               "workflow_job_template",
                                                               "notifications",
                                                               "job_template",
                                                               "inventory",
                                                               "webhook_credential",
                                                               "workflow_nodes",
                                                               "labels",
                                                               "activity_stream",
                                                               "relaunch",
                                                               "cancel"};

const std::initializer_list<std::string_view> kSummaryOrder = {
    "organization",         "inventory",   "job_template",        "workflow_job_template",
    "unified_job_template", "schedule",    "source_workflow_job", "webhook_credential",
    "created_by",           "modified_by", "ancestor_job",        "labels",
    "user_capabilities"};

const ResourceDef& Def() {
  return Registry::Get().Must(kRes);
}

std::optional<int64_t> ExistingWfjt(Session& ctx, const Obj& wj) {
  auto t = OptIdOf(wj, "workflow_job_template");
  if (!t || !ctx.db.QueryInt("SELECT 1 FROM workflow_job_templates WHERE id = ?", {*t}))
    return std::nullopt;
  return t;
}

std::optional<int64_t> ExistingJt(Session& ctx, const Obj& wj) {
  auto t = OptIdOf(wj, "job_template");
  if (!t || !ctx.db.QueryInt("SELECT 1 FROM job_templates WHERE id = ?", {*t})) return std::nullopt;
  return t;
}

bool ActiveStatus(std::string_view s) {
  auto st = ParseJobStatus(s);
  return st && BlocksDeletion(*st);
}

// RB-18 (the permission part): superusers; workflow_admin_role on the organization of the
// workflow job's template. Sliced and orphaned workflow jobs: superusers only.
bool MayDelete(Session& ctx, const Obj& wj) {
  if (ctx.caller.superuser) return true;
  auto wfjt = ExistingWfjt(ctx, wj);
  if (!wfjt || GetBool(wj, "is_sliced_job")) return false;
  auto org =
      ctx.db.QueryInt("SELECT organization_id FROM workflow_job_templates WHERE id = ?", {*wfjt});
  return org && HasRole(ctx, "organization", *org, "workflow_admin_role");
}

// AWX UnifiedJobDeletionMixin: permission, then the spawning workflow job, then the status.
Status CanDelete(Session& ctx, const Obj& wj) {
  if (!MayDelete(ctx, wj)) return Error::Forbidden();
  if (auto outer = OptIdOf(wj, "source_workflow_job")) {
    auto st = ctx.db.QueryString("SELECT status FROM unified_jobs WHERE id = ?", {*outer});
    if (st && ActiveStatus(*st))
      return Error::Forbidden(
          "Cannot delete job resource when associated workflow job is running.");
  }
  if (ActiveStatus(GetString(wj, "status")))
    return Error::Forbidden("Cannot delete running job resource.");
  return OkStatus();
}

// RB-20 (without the status check): the launching user, whoever may delete it, the template's
// admins.
bool MayCancel(Session& ctx, const Obj& wj) {
  if (ctx.caller.superuser) return true;
  if (ctx.caller.authenticated() && OptIdOf(wj, "created_by") == ctx.caller.id) return true;
  if (MayDelete(ctx, wj)) return true;
  auto wfjt = ExistingWfjt(ctx, wj);
  return wfjt && HasRole(ctx, kWfjtCt, *wfjt, "admin_role");
}

json::object ConfigOf(const Obj& wj) {
  auto* c = wj.if_contains("launch_config");
  return c && c->is_object() ? c->as_object() : json::object{};
}

// RL-4 (and RL-3's template for sliced workflow jobs).
Status CanRelaunch(Session& ctx, const Obj& wj) {
  if (ctx.caller.superuser) return OkStatus();
  bool sliced = GetBool(wj, "is_sliced_job");
  auto tmpl = sliced ? ExistingJt(ctx, wj) : ExistingWfjt(ctx, wj);
  if (!tmpl) return Error::Forbidden();
  if (!HasRole(ctx, sliced ? "job_template" : kWfjtCt, *tmpl, "execute_role"))
    return Error::Forbidden();
  json::object config = ConfigOf(wj);
  config.erase("survey_passwords");
  if (config.empty()) return OkStatus();
  if (OptIdOf(wj, "created_by") != ctx.caller.id) {
    auto* v = config.if_contains("extra_vars");
    if (v && v->is_object() && domain::VarsAreEncrypted(v->as_object()))
      return Error::Forbidden("Job was launched with secret prompts provided by another user.");
  }
  const char* lack = "Job was launched with prompts you lack access to.";
  if (auto* v = config.if_contains("inventory");
      v && v->is_int64() && !HasRole(ctx, "inventory", v->get_int64(), "use_role"))
    return Error::Forbidden(lack);
  if (auto* v = config.if_contains("credentials"); v && v->is_array())
    for (auto& c : v->as_array())
      if (c.is_int64() && !HasRole(ctx, "credential", c.get_int64(), "use_role"))
        return Error::Forbidden(lack);
  if (auto* v = config.if_contains("labels"); v && v->is_array())
    for (auto& l : v->as_array())
      if (l.is_int64() && !CanRead(ctx, Registry::Get().Must("labels"), l.get_int64()))
        return Error::Forbidden(lack);
  domain::JobTemplateState s;
  if (sliced) {
    auto jt = Load(ctx, Registry::Get().Must("job_templates"), *tmpl);
    if (!jt) return Error::Forbidden();
    s = LoadTemplateState(ctx, *jt);
  } else {
    auto t = Load(ctx, Registry::Get().Must("workflow_job_templates"), *tmpl);
    if (!t) return Error::Forbidden();
    WorkflowTemplateState ts = LoadWorkflowTemplateState(ctx, *t);
    s.extra_vars = ts.extra_vars;
    s.survey_enabled = ts.survey_enabled;
    s.survey_spec = ts.survey_spec;
    s.asks = ts.asks;
  }
  if (domain::HasUserPrompts(s, config, true))
    return Error::Forbidden("Job was launched with prompts no longer accepted.");
  return OkStatus();
}

// Workflow job extra_vars with the survey's password answers as "$encrypted$" (LA-10).
json::value DisplayExtraVars(const Obj& wj) {
  std::string vars = GetString(wj, "extra_vars");
  const auto* sp = wj.if_contains("survey_passwords");
  if (!sp || !sp->is_object() || sp->as_object().empty()) return json::string(vars);
  auto parsed = ParseJson(vars);
  if (!parsed || !parsed->is_object()) return json::string(vars);
  return json::string(DumpPy(domain::RedactSurveyPasswords(parsed->as_object(), sp->as_object())));
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool detail) {
  int64_t id = IdOf(o);
  DecorateUnifiedJob(ctx, Def(), o, out, "workflow_job_templates", detail);
  auto& related = RelatedOf(out);
  related.erase("stdout");
  auto& sf = SummaryOf(out);
  bool sliced = GetBool(o, "is_sliced_job");
  out["extra_vars"] = DisplayExtraVars(o);
  json::object cp;
  if (auto* c = o.if_contains("char_prompts"); c && c->is_object()) cp = c->as_object();
  for (const char* k : {"limit", "scm_branch", "skip_tags", "job_tags"}) {
    auto* v = cp.if_contains(k);
    out[k] = v && v->is_string() ? *v : json::value(nullptr);
  }
  // A sliced workflow job's unified job template is its job template.
  if (sliced) {
    sf.erase("unified_job_template");
    related.erase("unified_job_template");
    if (auto jt = OptIdOf(o, "unified_job_template"))
      if (auto s = TableSummary(ctx, "job_templates", *jt)) {
        (*s)["unified_job_type"] = "job";
        AddRelated(out, "unified_job_template", Url("job_templates", *jt));
        sf["unified_job_template"] = std::move(*s);
      }
  }
  if (auto wfjt = ExistingWfjt(ctx, o)) {
    AddRelated(out, "workflow_job_template", Url("workflow_job_templates", *wfjt));
    if (auto s = TableSummary(ctx, "workflow_job_templates", *wfjt))
      sf["workflow_job_template"] = std::move(*s);
    if (Registry::Get().Find("notifications"))
      AddRelated(out, "notifications", Url(kRes, id, "notifications"));
  } else {
    out["workflow_job_template"] = nullptr;
  }
  if (auto jt = ExistingJt(ctx, o)) {
    AddRelated(out, "job_template", Url("job_templates", *jt));
    if (auto s = TableSummary(ctx, "job_templates", *jt)) sf["job_template"] = std::move(*s);
  } else {
    out["job_template"] = nullptr;
  }
  if (auto inv = OptIdOf(o, "inventory"))
    if (auto s = InventorySummary(ctx, *inv)) {
      AddRelated(out, "inventory", Url("inventories", *inv));
      sf["inventory"] = std::move(*s);
    }
  if (auto wc = OptIdOf(o, "webhook_credential"))
    if (auto s = TableSummary(ctx, "credentials", *wc)) {
      AddRelated(out, "webhook_credential", Url("credentials", *wc));
      sf["webhook_credential"] = std::move(*s);
    }
  if (auto sch = OptIdOf(o, "schedule"))
    if (Registry::Get().Find("schedules")) AddRelated(out, "schedule", Url("schedules", *sch));
  for (const char* s : {"workflow_nodes", "labels", "activity_stream", "relaunch", "cancel"})
    AddRelated(out, s, Url(kRes, id, s));
  sf["labels"] = LabelsSummary(ctx, kOwner, id);
  bool w = !ctx.caller.read_only_token;
  // AWX's capability is the access rule alone; the status refusal belongs to DELETE.
  sf["user_capabilities"] =
      json::object{{"delete", w && MayDelete(ctx, o)}, {"start", w && CanRelaunch(ctx, o).ok()}};
  Reorder(out, kOrder);
  Reorder(RelatedOf(out), kRelatedOrder);
  Reorder(SummaryOf(out), kSummaryOrder);
}

// ---- cancel/ (EX-16, RB-20, PF-13) ----

ActionDef WorkflowCancelAction() {
  ActionDef a;
  a.name = "cancel";
  a.methods = {"GET", "POST"};
  a.title = "Cancel Workflow Job";
  a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    BATON_ASSIGN(Obj wj, LoadReadable(ctx, Def(), req.ids[0]));
    std::string status = GetString(wj, "status");
    bool can_cancel = IsActiveStatus(status);
    ctx.no_cache = true;
    if (req.method == "GET") return Reply::Json(json::object{{"can_cancel", can_cancel}});
    BATON_TRY(CheckWriteScope(ctx));
    if (!ctx.caller.superuser && (!can_cancel || !MayCancel(ctx, wj))) return Error::Forbidden();
    if (!can_cancel) return Error::MethodNotAllowed("POST");
    std::string now = ctx.now_iso();
    store::Tx tx(ctx.db);
    ctx.db.Exec(
        "UPDATE unified_jobs SET cancel_requested = 1, canceled_on = COALESCE(canceled_on, ?), "
        "modified = ? WHERE id = ?",
        {now, now, req.ids[0]});
    // Never started: canceled at once (the manager finishes running ones).
    if (auto st = ParseJobStatus(status); st == JobStatus::kNew || st == JobStatus::kPending) {
      static const std::string sql =
          "UPDATE unified_jobs SET status = 'canceled', failed = 1, finished = ? WHERE id = ? "
          "AND status IN " +
          store::StatusList({JobStatus::kNew, JobStatus::kPending});
      ctx.db.Exec(sql, {now, req.ids[0]});
    }
    tx.Commit();
    ctx.wake = true;
    return Reply::Empty(202);
  };
  return a;
}

// ---- relaunch/ (RL-1..RL-4) ----

Result<int64_t> RelaunchSliced(Session& ctx, const Obj& wj);  // below

ActionDef WorkflowRelaunchAction() {
  ActionDef a;
  a.name = "relaunch";
  a.methods = {"GET", "POST"};
  a.title = "Relaunch Workflow Job";
  a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    BATON_ASSIGN(Obj wj, LoadReadable(ctx, Def(), req.ids[0]));
    if (req.method == "GET") return Reply::Json(json::object{});
    BATON_TRY(CheckWriteScope(ctx));
    BATON_TRY(CanRelaunch(ctx, wj));
    int64_t id = 0;
    if (GetBool(wj, "is_sliced_job")) {
      BATON_ASSIGN(id, RelaunchSliced(ctx, wj));
    } else {
      WorkflowJobLaunch l;
      l.launch_type = "relaunch";
      std::optional<Obj> t;
      if (auto wfjt = ExistingWfjt(ctx, wj))
        t = Load(ctx, Registry::Get().Must("workflow_job_templates"), *wfjt);
      if (t) {
        // RL-2: the template again, with the stored prompts, without prompt acceptance.
        l.template_obj = &*t;
        l.accepted = ConfigOf(wj);
        l.accepted.erase("survey_passwords");
      } else {
        l.copy_of = IdOf(wj);
      }
      store::Tx tx(ctx.db);
      BATON_ASSIGN(id, CreateWorkflowJob(ctx, l));
      tx.Commit();
    }
    return WorkflowJobCreatedReply(ctx, id, json::object{});
  };
  return a;
}

// RL-3: the slice count must still be what it was; the job template is launched again.
Result<int64_t> RelaunchSliced(Session& ctx, const Obj& wj) {
  auto jt = ExistingJt(ctx, wj);
  if (!jt)
    return Error::Detail(ErrorCode::kInvalid,
                         "Cannot relaunch slice workflow job orphaned from job template.");
  const char* changed = "Cannot relaunch sliced workflow job after slice count has changed.";
  auto inv = OptIdOf(wj, "inventory");
  if (!inv) return Error::Detail(ErrorCode::kInvalid, changed);
  auto inv_obj = Load(ctx, Registry::Get().Must("inventories"), *inv);
  int64_t hosts = inv_obj ? InventoryTotalHosts(ctx, *inv_obj) : 0;
  int64_t count =
      ctx.db.QueryInt("SELECT job_slice_count FROM job_templates WHERE id = ?", {*jt}).value_or(1);
  int64_t nodes =
      ctx.db
          .QueryInt("SELECT COUNT(*) FROM workflow_job_nodes WHERE workflow_job_id = ?", {IdOf(wj)})
          .value_or(0);
  if (std::min(hosts, count) != nodes) return Error::Detail(ErrorCode::kInvalid, changed);
  WorkflowJobLaunch l;
  l.launch_type = "relaunch";
  l.copy_of = IdOf(wj);
  store::Tx tx(ctx.db);
  BATON_ASSIGN(int64_t id, CreateWorkflowJob(ctx, l));
  tx.Commit();
  return id;
}

std::vector<FieldDef> Fields() {
  std::vector<FieldDef> v = CommonFields();
  for (auto& f : UnifiedJobFields()) {
    if (f.name == "execution_environment" || f.name == "execution_node" ||
        f.name == "controller_node" || f.name == "event_processing_finished")
      continue;
    v.push_back(f);
  }
  FieldDef wfjt = RO(Fk("workflow_job_template", "workflow_job_templates"));
  FieldDef vars = RO(Text("extra_vars"));
  vars.filterable = false;
  FieldDef inventory = RO(Fk("inventory", "inventories"));
  inventory.help_text =
      "Inventory applied as a prompt, assuming job template prompts for inventory";
  FieldDef jt = RO(Fk("job_template", "job_templates"));
  jt.help_text =
      "If automatically created for a sliced job run, the job template the workflow job was "
      "created from.";
  FieldDef service = RO(F("webhook_service", FieldType::kChoice));
  service.choices = {{"", "---------"},
                     {"github", "GitHub"},
                     {"gitlab", "GitLab"},
                     {"bitbucket_dc", "BitBucket DataCenter"}};
  for (auto f :
       {wfjt, vars, RO(Bool("allow_simultaneous")), jt, RO(Bool("is_sliced_job")), inventory,
        service, RO(Fk("webhook_credential", "credentials")), RO(Str("webhook_guid", 128))})
    v.push_back(f);
  v.push_back(Internal("survey_passwords", "survey_passwords", FieldType::kJson));
  v.push_back(Internal("launch_config", "launch_config", FieldType::kJson));
  v.push_back(Internal("char_prompts", "char_prompts", FieldType::kJson));
  v.push_back(Internal("organization", "organization_id", FieldType::kFk));
  return v;
}

std::string OwnerFilter(const char* table, const char* column) {
  return std::string("t.id IN (SELECT ") + column + " FROM " + table +
         " WHERE owner_type = 'workflow_job' AND owner_id = ?)";
}

}  // namespace

void RegisterWorkflowJobs() {
  ResourceDef d = NewResource(kRes, "workflow_job", "WorkflowJob", "Workflow Jobs");
  d.creatable = d.editable = false;
  d.search_fields = {"name", "description"};
  d.fields = Fields();
  d.relations = {{"labels", "labels",
                  "{t}.id IN (SELECT owner_id FROM label_attachments WHERE owner_type = "
                  "'workflow_job' AND label_id IN ({inner}))"}};
  d.read_filter = [](Session& ctx, store::Params& p) {
    return WorkflowJobsReadableOn(ctx, p, "t");
  };
  d.can_delete = CanDelete;
  d.before_delete = [](Session& ctx, const Obj& o) -> Status {
    int64_t id = IdOf(o);
    ctx.db.Exec("DELETE FROM label_attachments WHERE owner_type = 'workflow_job' AND owner_id = ?",
                {id});
    ctx.db.Exec("DELETE FROM workflow_job_nodes WHERE workflow_job_id = ?", {id});
    return OkStatus();
  };
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("workflow_nodes", "workflow_job_nodes", "t.workflow_job_id = ?",
                                "Workflow Job Nodes"));
  d.sublists.push_back(
      ListOnly("labels", "labels", OwnerFilter("label_attachments", "label_id"), "Labels"));
  d.sublists.push_back(ActivityStreamSubList(kOwner));
  d.actions.push_back(WorkflowCancelAction());
  d.actions.push_back(WorkflowRelaunchAction());
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
