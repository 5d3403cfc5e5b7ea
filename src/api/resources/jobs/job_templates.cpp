// Job templates (api-resources.md §16): fields and AWX's validation, RBAC as AWX's
// JobTemplateAccess, summaries of their jobs, credentials/ and labels/ (attachments.cpp),
// survey_spec/, launch/ (job_launch.cpp), copy/, jobs/, webhook_key/ and the webhook receivers
// (webhooks.cpp).
#include <any>
#include <filesystem>
#include <map>
#include <set>

#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/job_launch.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/resources/triggers/webhooks.hpp"
#include "api/routes.hpp"
#include "runner/project_update.hpp"
#include "service/attachments.hpp"
#include "store/job_status_sql.hpp"
#include "store/summary_reads.hpp"

namespace baton::api {
namespace {

namespace fs = std::filesystem;
constexpr const char* kCt = "job_template";
constexpr int64_t kMaxForks = 200;
using Row = std::vector<store::Value>;

// Fields an admin of the template may change without access to its inventory and project
// (AWX JobTemplateAccess.changes_are_non_sensitive).
bool NonSensitive(std::string_view f) {
  static const std::set<std::string, std::less<>> kFields = {"name",
                                                             "description",
                                                             "forks",
                                                             "limit",
                                                             "verbosity",
                                                             "extra_vars",
                                                             "job_tags",
                                                             "force_handlers",
                                                             "skip_tags",
                                                             "ask_variables_on_launch",
                                                             "ask_tags_on_launch",
                                                             "ask_job_type_on_launch",
                                                             "ask_skip_tags_on_launch",
                                                             "ask_inventory_on_launch",
                                                             "ask_credential_on_launch",
                                                             "survey_enabled",
                                                             "diff_mode",
                                                             "timeout",
                                                             "job_slice_count"};
  return kFields.count(f) > 0;
}

bool Writable(Session& ctx) {
  return !ctx.caller.read_only_token;
}

// AWX check_related for a use_role-guarded FK on change: use on the new value when it changes,
// and on the current one whenever it is set (mandatory).
Status CheckRelatedUse(Session& ctx, const char* field, const char* ct, const Obj& o,
                       const Obj& data) {
  auto current = OptIdOf(o, field);
  std::optional<int64_t> next = current;
  bool given = data.contains(field);
  if (given) next = OptIdOf(data, field);
  bool changed = given && next != current;
  if (next && changed && !HasRole(ctx, ct, *next, "use_role")) return Error::Forbidden();
  if (current && !HasRole(ctx, ct, *current, "use_role")) return Error::Forbidden();
  return OkStatus();
}

Status CanAdd(Session& ctx, const Obj& data) {
  if (ctx.caller.superuser) return OkStatus();
  if (auto inv = OptIdOf(data, "inventory"); inv && !HasRole(ctx, "inventory", *inv, "use_role"))
    return Error::Forbidden();
  auto project = OptIdOf(data, "project");
  if (!project || !HasRole(ctx, "project", *project, "use_role")) return Error::Forbidden();
  // copy/ GET: the source's credentials must be usable too (AWX can_copy_related).
  if (auto src = OptIdOf(data, "__copy_of"))
    for (int64_t c : AttachedCredentials(ctx, kCt, *src))
      if (!HasRole(ctx, "credential", c, "use_role")) return Error::Forbidden();
  return OkStatus();
}

Status CanChange(Session& ctx, const Obj& o, const Obj& data) {
  BATON_TRY(RequireRole(ctx, kCt, IdOf(o), "admin_role"));
  if (ctx.caller.superuser) return OkStatus();
  bool sensitive = false;
  for (auto& kv : data) {
    if (NonSensitive(kv.key())) continue;
    auto* cur = o.if_contains(kv.key());
    if (!cur || *cur != kv.value()) sensitive = true;
  }
  if (!sensitive) return OkStatus();
  BATON_TRY(CheckRelatedUse(ctx, "inventory", "inventory", o, data));
  return CheckRelatedUse(ctx, "project", "project", o, data);
}

Status CanDelete(Session& ctx, const Obj& o) {
  BATON_TRY(RequireRole(ctx, kCt, IdOf(o), "admin_role"));
  return CheckNoActiveJobs(ctx, "job_template_id", IdOf(o));
}

std::string ProjectsRoot(Session& ctx) {
  return ctx.cfg.projects_root.empty() ? ctx.cfg.data_dir + "/projects" : ctx.cfg.projects_root;
}

// Is `playbook` one of the project's playbooks? Manual projects are scanned on disk; SCM ones
// use the list their last update recorded (unless they allow overriding the branch).
bool PlaybookInProject(Session& ctx, const store::Rows& p, const std::string& playbook) {
  const auto& r = p.rows[0];
  std::string scm_type = store::AsString(r[0]);
  if (!scm_type.empty()) {
    if (store::AsInt(r[1]) != 0) return true;
    auto files = ParseJson(store::AsString(r[2]));
    if (files && files->is_array())
      for (auto& f : files->as_array())
        if (f.is_string() && f.get_string() == playbook) return true;
    return false;
  }
  std::string lp = store::AsString(r[3]);
  if (lp.empty()) return false;
  for (auto& f : runner::FindPlaybooks((fs::path(ProjectsRoot(ctx)) / lp).string()))
    if (f == playbook) return true;
  return false;
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  (void)existing;
  if (IdOf(v, "forks") > kMaxForks)
    return Error::Field("forks",
                        "Maximum number of forks (" + std::to_string(kMaxForks) + ") exceeded.");
  auto inventory = OptIdOf(v, "inventory");
  auto project = OptIdOf(v, "project");
  if (!GetString(v, "host_config_key").empty() && !inventory)
    return Error::Field("host_config_key",
                        "Cannot enable provisioning callback without an inventory set.");
  if (!project) return Error::Field("project", "Job Templates must have a project assigned.");
  if (!inventory && !GetBool(v, "ask_inventory_on_launch"))
    return Error::Field("inventory",
                        "You must either set a default value or ask to prompt on launch.");
  auto p = ctx.db.Query(
      "SELECT scm_type, allow_override, playbook_files, local_path, organization_id FROM projects "
      "WHERE id = ?",
      {*project});
  if (p.empty()) return Error::Field("project", "Job Templates must have a project assigned.");
  bool allow_override = store::AsInt(p.rows[0][1]) != 0;
  std::string playbook = GetString(v, "playbook");
  if (!playbook.empty() && !PlaybookInProject(ctx, p, playbook))
    return Error::Field("playbook", "Playbook not found for project.");
  if (playbook.empty()) return Error::Field("playbook", "Must select playbook for project.");
  if (!GetString(v, "scm_branch").empty() && !allow_override)
    return Error::Field("scm_branch", "Project does not allow overriding branch.");
  if (GetBool(v, "ask_scm_branch_on_launch") && !allow_override)
    return Error::Field("ask_scm_branch_on_launch", "Project does not allow overriding branch.");
  if (auto wc = OptIdOf(v, "webhook_credential")) {
    auto t = ctx.db.Query(
        "SELECT ct.kind, ct.namespace FROM credentials c JOIN credential_types ct ON ct.id = "
        "c.credential_type_id WHERE c.id = ?",
        {*wc});
    if (!t.empty()) {
      if (store::AsString(t.rows[0][0]) != "token")
        return Error::Field("webhook_credential", "Must be a Personal Access Token.");
      std::string service = GetString(v, "webhook_service");
      if (service.empty() || store::AsString(t.rows[0][1]) != service + "_token")
        return Error::Field("webhook_credential", "Must match the selected webhook service.");
    }
  }
  auto org = store::AsOptInt(p.rows[0][4]);
  v["organization"] = org ? json::value(*org) : json::value(nullptr);
  return OkStatus();
}

Status AfterCreate(Session& ctx, int64_t id, const Obj& v) {
  auto org = OptIdOf(v, "organization");
  ctx.db.Exec("UPDATE job_templates SET organization_id = ? WHERE id = ?", {store::OptId(org), id});
  rbac::CreateObjectRoles(ctx.db, kCt, id, {{"organization", org.value_or(0)}});
  SetWebhookKey(ctx, "job_templates", id, GetString(v, "webhook_service"));
  return OkStatus();
}

Status AfterUpdate(Session& ctx, const Obj& before, const Obj& after) {
  auto org = ctx.db.QueryInt("SELECT organization_id FROM projects WHERE id = ?",
                             {IdOf(after, "project")});
  if (org != OptIdOf(after, "organization")) {
    ctx.db.Exec("UPDATE job_templates SET organization_id = ? WHERE id = ?",
                {store::OptId(org), IdOf(after)});
    rbac::UpdateObjectRoleParents(ctx.db, kCt, IdOf(after), {{"organization", org.value_or(0)}});
  }
  // DM-4 (as on workflow job templates): a fresh key whenever the service changes.
  std::string service = GetString(after, "webhook_service");
  if (service != GetString(before, "webhook_service"))
    SetWebhookKey(ctx, "job_templates", IdOf(after), service);
  return OkStatus();
}

Status BeforeDelete(Session& ctx, const Obj& o) {
  int64_t id = IdOf(o);
  DeleteAttachments(ctx, kCt, id);
  // Jobs outlive their template (AWX: SET_NULL).
  ctx.db.Exec("UPDATE unified_jobs SET job_template_id = NULL WHERE job_template_id = ?", {id});
  ctx.db.Exec(
      "UPDATE unified_jobs SET unified_job_template_id = NULL WHERE unified_job_template_id = ? "
      "AND type = 'job'",
      {id});
  return OkStatus();
}

json::value OptText(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object JobSummary(const store::JobBrief& j, bool with_finished) {
  json::object s{{"id", j.id}, {"name", j.name}, {"description", j.description}};
  if (with_finished) s["finished"] = OptText(j.finished);
  s["status"] = j.status;
  s["failed"] = j.failed;
  s["license_error"] = false;
  return s;
}

json::object Capabilities(Session& ctx, const Obj& o) {
  bool w = Writable(ctx);
  int64_t id = IdOf(o);
  bool admin = w && HasRole(ctx, kCt, id, "admin_role");
  bool start = w && HasRole(ctx, kCt, id, "execute_role");
  Obj ref{{"inventory", o.at("inventory")}, {"project", o.at("project")}, {"__copy_of", id}};
  bool copy = w && CanAdd(ctx, ref).ok();
  return json::object{
      {"start", start}, {"schedule", start}, {"copy", copy}, {"edit", admin}, {"delete", admin}};
}

// What the decoration of a page of job templates reads, loaded for the whole page: one query per
// kind of summary (and one per distinct inventory, organization or webhook credential).
struct Page {
  std::map<int64_t, std::optional<int64_t>> org;  // the organization as stored now
  std::map<int64_t, json::object> inventories, projects;
  std::map<std::pair<std::string, int64_t>, json::object> basics;  // (resource, id)
  std::map<int64_t, std::vector<store::JobBrief>> recent;          // the last 10 jobs, newest first
  std::map<int64_t, json::object> labels;
  std::map<int64_t, json::array> credentials;
};

std::any Prefetch(Ctx& ctx, const std::vector<const Obj*>& objs) {
  Page pg;
  std::vector<int64_t> ids;
  for (const Obj* o : objs) ids.push_back(IdOf(*o));
  store::Params p(ids.begin(), ids.end());
  // The organization follows the project after the row was read by an update (AfterUpdate).
  for (auto& r : ctx.db
                     .Query("SELECT id, organization_id FROM job_templates WHERE id IN (" +
                                store::Marks(ids.size()) + ")",
                            p)
                     .rows)
    pg.org[store::AsInt(r[0])] = store::AsOptInt(r[1]);
  std::set<int64_t> projects;
  for (const Obj* o : objs) {
    int64_t id = IdOf(*o);
    auto org = pg.org.count(id) ? pg.org[id] : OptIdOf(*o, "organization");
    if (org && !pg.basics.count({"organizations", *org}))
      if (auto s = BasicSummary(ctx, "organizations", *org))
        pg.basics[{"organizations", *org}] = std::move(*s);
    if (auto inv = OptIdOf(*o, "inventory"); inv && !pg.inventories.count(*inv))
      if (auto s = InventorySummary(ctx, *inv)) pg.inventories[*inv] = std::move(*s);
    if (auto pr = OptIdOf(*o, "project")) projects.insert(*pr);
    if (auto wc = OptIdOf(*o, "webhook_credential"); wc && !pg.basics.count({"credentials", *wc})) {
      if (auto s = BasicSummary(ctx, "credentials", *wc)) {
        if (auto kind = ctx.db.QueryString(
                "SELECT ct.kind FROM credentials c JOIN credential_types ct ON ct.id = "
                "c.credential_type_id WHERE c.id = ?",
                {*wc}))
          (*s)["kind"] = *kind;
        pg.basics[{"credentials", *wc}] = std::move(*s);
      }
    }
  }
  if (!projects.empty()) {
    store::Params pp(projects.begin(), projects.end());
    auto rows = ctx.db.Query(
        "SELECT p.id, p.name, p.description, p.scm_type, p.allow_override, (SELECT u.status FROM "
        "unified_jobs u WHERE u.project_id = p.id AND u.type = 'project_update' ORDER BY u.id "
        "DESC LIMIT 1) FROM projects p WHERE p.id IN (" +
            store::Marks(projects.size()) + ")",
        pp);
    for (const auto& r : rows.rows) {
      std::string scm = store::AsString(r[3]);
      std::string status = !store::IsNull(r[5]) ? store::AsString(r[5])
                           : scm.empty()        ? "ok"
                                                : "never updated";
      pg.projects[store::AsInt(r[0])] = json::object{{"id", store::AsInt(r[0])},
                                                     {"name", store::AsString(r[1])},
                                                     {"description", store::AsString(r[2])},
                                                     {"status", status},
                                                     {"scm_type", scm},
                                                     {"allow_override", store::AsInt(r[4]) != 0}};
    }
  }
  for (auto& j : store::LatestJobsOfTemplates(ctx.db, ids, 10))
    pg.recent[j.template_id].push_back(std::move(j));
  pg.labels = LabelsSummaries(ctx, kCt, ids);
  pg.credentials = CredentialsSummaries(ctx, kCt, ids);
  return pg;
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  const Page& pg = std::any_cast<const Page&>(ctx.page->own);
  int64_t id = IdOf(o);
  // The organization as stored now (it follows the project after an update read the row).
  std::optional<int64_t> org = OptIdOf(o, "organization");
  if (auto it = pg.org.find(id); it != pg.org.end()) {
    org = it->second;
    out["organization"] = org ? json::value(*org) : json::value(nullptr);
  }
  // Computed fields at AWX's positions; filled below.
  InsertAfter(out, "organization",
              {{"last_job_run", nullptr},
               {"last_job_failed", false},
               {"next_job_run", nullptr},
               {"status", "never updated"}});
  InsertAfter(out, "allow_simultaneous", {{"custom_virtualenv", nullptr}});
  for (const char* s :
       {"labels", "credentials", "jobs", "activity_stream", "launch", "webhook_key", "access_list",
        "survey_spec", "object_roles", "copy", "slice_workflow_jobs"})
    AddRelated(out, s, Url("job_templates", id, s));
  auto& sf = SummaryOf(out);
  for (auto [key, res] :
       {std::pair{"organization", "organizations"}, std::pair{"inventory", "inventories"},
        std::pair{"project", "projects"}, std::pair{"webhook_credential", "credentials"}}) {
    std::string_view k = key;
    auto ref = k == "organization" ? org : OptIdOf(o, key);
    if (!ref) continue;
    AddRelated(out, key, Url(res, *ref));
    const json::object* s = nullptr;
    if (k == "inventory") {
      if (auto it = pg.inventories.find(*ref); it != pg.inventories.end()) s = &it->second;
    } else if (k == "project") {
      if (auto it = pg.projects.find(*ref); it != pg.projects.end()) s = &it->second;
    } else if (auto it = pg.basics.find({res, *ref}); it != pg.basics.end()) {
      s = &it->second;
    }
    if (s) sf[key] = *s;
  }
  RelatedOf(out)["webhook_receiver"] =
      WebhookReceiverUrl("job_templates", id, GetString(o, "webhook_service"));
  // Jobs: the most recent active one is current_job, the most recent finished one last_job.
  static const std::vector<store::JobBrief> kNoJobs;
  auto rit = pg.recent.find(id);
  const auto& jobs = rit == pg.recent.end() ? kNoJobs : rit->second;
  json::array recent;
  std::optional<store::JobBrief> current, last;
  for (const auto& j : jobs) {
    if (IsActiveStatus(j.status)) {
      if (!current) current = j;
    } else if (!last) {
      last = j;
    }
    recent.push_back(json::object{{"id", j.id},
                                  {"status", j.status},
                                  {"finished", OptText(j.finished)},
                                  {"canceled_on", OptText(j.canceled_on)},
                                  {"type", j.type}});
  }
  if (!last && jobs.size() == 10) last = store::LastFinishedJobOfTemplate(ctx.db, id);
  if (current) {
    ctx.no_cache = true;
    AddRelated(out, "current_job", Url("jobs", current->id));
    sf["current_job"] = JobSummary(*current, false);
    out["status"] = current->status;
  }
  if (last) {
    bool failed = last->failed;
    AddRelated(out, "last_job", Url("jobs", last->id));
    sf["last_job"] = JobSummary(*last, true);
    out["last_job_run"] = OptText(last->finished);
    out["last_job_failed"] = failed;
    if (!current) out["status"] = failed ? "failed" : "successful";
  }
  sf["labels"] = pg.labels.at(id);
  auto* spec = o.if_contains("survey_spec");
  if (spec && spec->is_object() && spec->as_object().contains("name") &&
      spec->as_object().contains("description"))
    sf["survey"] = json::object{{"title", spec->as_object().at("name")},
                                {"description", spec->as_object().at("description")}};
  sf["recent_jobs"] = std::move(recent);
  sf["credentials"] = pg.credentials.at(id);
  sf["user_capabilities"] = Capabilities(ctx, o);
}

json::object CopyBody(Session&, const Obj& src) {
  const ResourceDef& def = Registry::Get().Must("job_templates");
  json::object body;
  for (const auto& f : def.fields) {
    if (f.read_only || f.column.empty() || f.internal) continue;
    if (auto* v = src.if_contains(f.name)) body[f.name] = *v;
  }
  body["__copy_of"] = IdOf(src);
  return body;
}

Status AfterCopy(Session& ctx, const Obj& src, int64_t copy) {
  if (!ctx.caller.superuser)
    for (int64_t c : AttachedCredentials(ctx, kCt, IdOf(src)))
      if (!HasRole(ctx, "credential", c, "use_role"))
        return Error::Forbidden("Insufficient access to Job Template credentials.");
  CopyAttachments(ctx, kCt, IdOf(src), kCt, copy);
  ctx.db.Exec(
      "UPDATE job_templates SET survey_spec = (SELECT survey_spec FROM job_templates WHERE "
      "id = ?) WHERE id = ?",
      {IdOf(src), copy});
  return OkStatus();
}

FieldDef Choice(std::string name, std::vector<std::pair<std::string, std::string>> choices,
                std::string def) {
  FieldDef f = F(std::move(name), FieldType::kChoice);
  f.choices = std::move(choices);
  f.def = json::string(def);
  f.has_default = true;
  return f;
}

std::vector<FieldDef> Fields() {
  std::vector<FieldDef> v = NamedFields();
  FieldDef forks = Int("forks", 0);
  forks.min_value = 0;
  FieldDef limit = Text("limit");
  limit.column = "limit_";
  FieldDef verbosity = F("verbosity", FieldType::kIntChoice);
  verbosity.choices = {{"0", "0 (Normal)"},           {"1", "1 (Verbose)"},
                       {"2", "2 (More Verbose)"},     {"3", "3 (Debug)"},
                       {"4", "4 (Connection Debug)"}, {"5", "5 (WinRM Debug)"}};
  verbosity.def = 0;
  verbosity.has_default = true;
  FieldDef extra_vars = F("extra_vars", FieldType::kJsonText);
  extra_vars.def = "";
  extra_vars.has_default = true;
  extra_vars.filterable = false;
  FieldDef slices = Int("job_slice_count", 1);
  slices.min_value = 0;
  slices.help_text =
      "The number of jobs to slice into at runtime. Will cause the Job Template to launch a "
      "workflow if value is greater than 1.";
  FieldDef timeout = Int("timeout", 0);
  timeout.help_text = "The amount of time (in seconds) to run before the task is canceled.";
  FieldDef project = Fk("project", "projects");
  FieldDef inventory = Fk("inventory", "inventories");
  for (auto f :
       {Choice("job_type", {{"run", "Run"}, {"check", "Check"}}, "run"), inventory, project,
        Str("playbook", 1024), Str("scm_branch", 1024), forks, limit, verbosity, extra_vars,
        Text("job_tags"), Bool("force_handlers"), Str("skip_tags", 1024),
        Str("start_at_task", 1024), timeout, Bool("use_fact_cache"),
        RO(Fk("organization", "organizations")),
        Fk("execution_environment", "execution_environments"), Str("host_config_key", 1024)})
    v.push_back(f);
  for (const char* ask :
       {"ask_scm_branch_on_launch", "ask_diff_mode_on_launch", "ask_variables_on_launch",
        "ask_limit_on_launch", "ask_tags_on_launch", "ask_skip_tags_on_launch",
        "ask_job_type_on_launch", "ask_verbosity_on_launch", "ask_inventory_on_launch",
        "ask_credential_on_launch", "ask_execution_environment_on_launch", "ask_labels_on_launch",
        "ask_forks_on_launch", "ask_job_slice_count_on_launch", "ask_timeout_on_launch",
        "ask_instance_groups_on_launch"})
    v.push_back(Bool(ask));
  for (auto f : {Bool("survey_enabled"), Bool("become_enabled"), Bool("diff_mode"),
                 Bool("allow_simultaneous"), slices,
                 Choice("webhook_service",
                        {{"", "---------"},
                         {"github", "GitHub"},
                         {"gitlab", "GitLab"},
                         {"bitbucket_dc", "BitBucket DataCenter"}},
                        ""),
                 Fk("webhook_credential", "credentials"), Bool("prevent_instance_group_fallback")})
    v.push_back(f);
  FieldDef survey = Internal("survey_spec", "survey_spec", FieldType::kJson);
  survey.filterable = false;  // holds encrypted password defaults
  v.push_back(survey);
  return v;
}

Status CanEditAttachments(Session& ctx, int64_t jt) {
  BATON_TRY(CheckWriteScope(ctx));
  return RequireRole(ctx, kCt, jt, "admin_role");
}

}  // namespace

void RegisterJobTemplates() {
  ResourceDef d = NewResource("job_templates", kCt, "JobTemplate", "Job Templates");
  d.content_type = kCt;
  d.id_space = "unified_job_template_ids";
  d.named_url_format = "name++organization.name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description"};
  d.fields = Fields();
  d.uniques = {{{"name", "organization"},
                "__all__",
                "JobTemplate with this (name, organization) combination already exists."}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, kCt, "read_role", p);
  };
  d.can_add = CanAdd;
  d.can_change = CanChange;
  d.can_delete = CanDelete;
  d.capabilities = Capabilities;
  d.validate = Validate;
  d.after_create = AfterCreate;
  d.after_update = AfterUpdate;
  d.before_delete = BeforeDelete;
  d.decorate = Decorate;
  d.prefetch = Prefetch;
  d.copy_body = CopyBody;
  d.after_copy = AfterCopy;
  d.sublists.push_back(CredentialsSubList(kCt, CanEditAttachments));
  d.sublists.push_back(LabelsSubList(kCt, "job template", CanEditAttachments));
  d.sublists.push_back(ListOnly("jobs", "jobs", "t.job_template_id = ?", "Jobs"));
  // The sliced workflow jobs a launch made (seed 001, RL-8).
  d.sublists.push_back(ListOnly("slice_workflow_jobs", "workflow_jobs",
                                "t.is_sliced_job = 1 AND t.job_template_id = ?", "Workflow Jobs"));
  d.sublists.push_back(ObjectRolesSubList(kCt));
  d.sublists.push_back(AccessListSubList(kCt));
  d.sublists.push_back(ActivityStreamSubList(kCt));
  d.actions.push_back(JobTemplateLaunchAction());
  d.actions.push_back(SurveySpecAction("job_templates", kCt));
  d.actions.push_back(CopyAction("job_templates"));
  // DM-4 webhook_key/ and the github/, gitlab/, bitbucket_dc/ receivers (webhooks.cpp).
  for (auto& a : WebhookActions("job_templates", kCt)) d.actions.push_back(std::move(a));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
