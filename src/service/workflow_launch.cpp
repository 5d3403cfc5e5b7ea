// Launching workflow job templates (LA-1..LA-6) and the creation of workflow jobs with their
// nodes and edges (DM-14..DM-16, DM-21, LA-11).
#include "service/workflow_launch.hpp"

#include "service/job_launch.hpp"

#include <map>

#include "core/secrets.hpp"
#include "core/vars.hpp"
#include "domain/prompts.hpp"
#include "domain/survey.hpp"
#include "service/attachments.hpp"
#include "service/credentials.hpp"
#include "service/workflow_graph.hpp"

namespace baton::service {
namespace {

constexpr const char* kWjOwner = "workflow_job";
constexpr const char* kWjnOwner = "workflow_job_node";

// The columns a workflow job node copies from its template node (or from another job node).
constexpr const char* kNodeCols =
    "unified_job_template_id, identifier, all_parents_must_converge, extra_data, "
    "survey_passwords, inventory_id, execution_environment_id, scm_branch, job_type, job_tags, "
    "skip_tags, limit_, diff_mode, verbosity, forks, job_slice_count, timeout";

json::object ObjectAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : json::object{};
}

std::optional<int64_t> IntAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return std::nullopt;
}

store::Value CreatorOf(Session& ctx, const WorkflowJobLaunch& l) {
  if (l.created_by) return *l.created_by;
  return ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null();
}

// The WFJT's state as the survey and variable rules of domain/prompts.hpp read it.
domain::JobTemplateState VarsState(const WorkflowTemplateState& t) {
  domain::JobTemplateState s;
  s.extra_vars = t.extra_vars;
  s.survey_enabled = t.survey_enabled;
  s.survey_spec = t.survey_spec;
  s.asks = t.asks;
  return s;
}

// Copies the nodes of a template (`from_wfjt`) or of another workflow job (`from_wj`) into
// workflow job `wj`, with attachments and edges.
void CopyGraph(Session& ctx, int64_t wj, std::optional<int64_t> from_wfjt,
               std::optional<int64_t> from_wj) {
  std::string now = ctx.now_iso();
  const bool tmpl = from_wfjt.has_value();
  int64_t src = tmpl ? *from_wfjt : *from_wj;
  std::string node_table = tmpl ? "workflow_job_template_nodes" : "workflow_job_nodes";
  std::string owner_col = tmpl ? "workflow_job_template_id" : "workflow_job_id";
  std::string node_owner = tmpl ? kNodeOwner : kWjnOwner;
  std::string extra_cols = tmpl ? "" : ", job_slice";
  auto nodes = ctx.db.Query(
      "SELECT id FROM " + node_table + " WHERE " + owner_col + " = ? ORDER BY id", {src});
  std::map<int64_t, int64_t> ids;
  for (auto& r : nodes.rows) {
    int64_t old = store::AsInt(r[0]);
    int64_t id = ctx.db.Insert(
        std::string("INSERT INTO workflow_job_nodes (workflow_job_id, created, modified, ") +
            kNodeCols + extra_cols + ") SELECT ?, ?, ?, " + kNodeCols + extra_cols + " FROM " +
            node_table + " WHERE id = ? RETURNING id",
        {wj, now, now, old});
    ids[old] = id;
    CopyAttachments(ctx, node_owner, old, kWjnOwner, id);
    ctx.db.Exec(
        "INSERT INTO instance_group_attachments (owner_type, owner_id, instance_group_id, "
        "position) SELECT ?, ?, instance_group_id, position FROM instance_group_attachments "
        "WHERE owner_type = ? AND owner_id = ?",
        {std::string(kWjnOwner), id, node_owner, old});
  }
  auto edges = ctx.db.Query(
      "SELECT parent_id, child_id, type FROM workflow_edges WHERE owner_type = ? AND owner_id = "
      "? ORDER BY parent_id, child_id",
      {std::string(tmpl ? kWfjtCt : kWjOwner), src});
  for (auto& e : edges.rows) {
    auto p = ids.find(store::AsInt(e[0]));
    auto c = ids.find(store::AsInt(e[1]));
    if (p == ids.end() || c == ids.end()) continue;
    ctx.db.Exec(
        "INSERT INTO workflow_edges (owner_type, owner_id, parent_id, child_id, type) VALUES "
        "('workflow_job', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        {wj, p->second, c->second, store::AsString(e[2])});
  }
}

int64_t InsertFromTemplate(Session& ctx, const WorkflowJobLaunch& l) {
  const Obj& t = *l.template_obj;
  int64_t wfjt = IdOf(t);
  WorkflowTemplateState ts = LoadWorkflowTemplateState(ctx, t);
  domain::JobTemplateState vs = VarsState(ts);
  const json::object& a = l.accepted;
  json::object prompted_vars = ObjectAt(a, "extra_vars");
  json::object runtime = prompted_vars;
  for (auto& kv : l.runtime_vars) runtime[kv.key()] = kv.value();
  json::object vars =
      domain::BuildJobExtraVars(vs, runtime, MakeEncryptor(ctx), MakeDecryptor(ctx));
  bool survey = domain::SurveyActive(vs.survey_enabled, vs.survey_spec);
  json::object survey_passwords = survey ? domain::SurveyPasswords(vs.survey_spec) : json::object{};

  // DM-21: exactly the accepted prompts.
  json::object config;
  if (a.contains("extra_vars")) {
    json::object cv = domain::PromptedVarsForConfig(vs, prompted_vars, MakeEncryptor(ctx));
    if (!cv.empty()) config["extra_vars"] = std::move(cv);
    if (!survey_passwords.empty()) config["survey_passwords"] = survey_passwords;
  }
  for (const char* k : {"inventory", "limit", "scm_branch", "job_tags", "skip_tags", "labels"})
    if (auto* v = a.if_contains(k); v && !v->is_null()) config[k] = *v;

  // DM-15: the template's char prompts unless a prompt was accepted (absent key = null).
  json::object char_prompts;
  for (const char* k : {"limit", "scm_branch", "job_tags", "skip_tags"}) {
    if (auto* v = a.if_contains(k); v && v->is_string())
      char_prompts[k] = *v;
    else if (auto* tv = t.if_contains(k); tv && tv->is_string())
      char_prompts[k] = *tv;
  }
  std::optional<int64_t> inventory = IntAt(a, "inventory");
  if (!inventory) inventory = OptIdOf(t, "inventory");
  std::string now = ctx.now_iso();
  store::Value by = CreatorOf(ctx, l);
  int64_t id = ctx.db.Insert(
      "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, "
      "workflow_job_template_id, launch_type, status, organization_id, inventory_id, "
      "extra_vars, survey_passwords, launch_config, char_prompts, allow_simultaneous, "
      "webhook_service, webhook_credential_id, source_workflow_job_id, schedule_id, "
      "event_processing_finished, created, modified, created_by_id, modified_by_id) VALUES "
      "('workflow_job', ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
      "RETURNING id",
      {GetString(t, "name"),
       GetString(t, "description"),
       wfjt,
       wfjt,
       l.launch_type,
       store::OptId(OptIdOf(t, "organization")),
       store::OptId(inventory),
       DumpPy(vars),
       Dump(survey_passwords),
       Dump(config),
       Dump(char_prompts),
       int64_t{GetBool(t, "allow_simultaneous")},
       GetString(t, "webhook_service"),
       store::OptId(OptIdOf(t, "webhook_credential")),
       store::OptId(l.source_workflow_job),
       store::OptId(l.schedule),
       now,
       now,
       by,
       by});
  std::vector<int64_t> labels = AttachedLabels(ctx, kWfjtCt, wfjt);
  if (auto* pl = a.if_contains("labels"); pl && pl->is_array())
    for (auto& v : pl->as_array())
      if (v.is_int64() && std::find(labels.begin(), labels.end(), v.get_int64()) == labels.end())
        labels.push_back(v.get_int64());
  for (int64_t lab : labels) AttachLabel(ctx, kWjOwner, id, lab);
  CopyGraph(ctx, id, wfjt, std::nullopt);
  return id;
}

// RL-2 for a workflow job without template or launch configuration: a copy of its own fields.
Result<int64_t> InsertCopy(Session& ctx, const WorkflowJobLaunch& l) {
  int64_t src = *l.copy_of;
  if (!ctx.db.QueryInt("SELECT 1 FROM unified_jobs WHERE id = ? AND type = 'workflow_job'", {src}))
    return Error::NotFound();
  std::string now = ctx.now_iso();
  store::Value by = CreatorOf(ctx, l);
  int64_t id = ctx.db.Insert(
      "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, "
      "workflow_job_template_id, job_template_id, is_sliced_job, launch_type, status, "
      "organization_id, inventory_id, extra_vars, survey_passwords, launch_config, char_prompts, "
      "allow_simultaneous, webhook_service, webhook_credential_id, source_workflow_job_id, "
      "schedule_id, event_processing_finished, created, modified, created_by_id, "
      "modified_by_id) SELECT 'workflow_job', name, description, unified_job_template_id, "
      "workflow_job_template_id, job_template_id, is_sliced_job, ?, 'pending', organization_id, "
      "inventory_id, extra_vars, survey_passwords, launch_config, char_prompts, "
      "allow_simultaneous, webhook_service, webhook_credential_id, ?, ?, 1, ?, ?, ?, ? FROM "
      "unified_jobs WHERE id = ? RETURNING id",
      {l.launch_type, store::OptId(l.source_workflow_job), store::OptId(l.schedule), now, now, by,
       by, src});
  for (int64_t lab : AttachedLabels(ctx, kWjOwner, src)) AttachLabel(ctx, kWjOwner, id, lab);
  if (l.copy_nodes) CopyGraph(ctx, id, std::nullopt, src);
  return id;
}

// ---- launch/ ----

bool PendingDeletion(Session& ctx, int64_t inventory) {
  return ctx.db.QueryInt("SELECT pending_deletion FROM inventories WHERE id = ?", {inventory})
             .value_or(1) != 0;
}

std::optional<int64_t> ParsePk(Session& ctx, const std::string& field, const json::value& v,
                               const char* table, FieldErrors& errs) {
  std::optional<int64_t> id;
  if (v.is_int64()) id = v.get_int64();
  if (v.is_uint64()) id = static_cast<int64_t>(v.get_uint64());
  if (v.is_string()) {
    std::string s(v.get_string());
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() < 18)
      id = std::stoll(s);
  }
  if (!id) {
    errs.Add(field, "Incorrect type. Expected pk value, received " + PyTypeName(v) + ".");
    return std::nullopt;
  }
  if (!ctx.db.QueryInt(std::string("SELECT 1 FROM ") + table + " WHERE id = ?", {*id})) {
    errs.Add(field, "Invalid pk \"" + std::to_string(*id) + "\" - object does not exist.");
    return std::nullopt;
  }
  return id;
}

// LA-2: the body as WorkflowJobLaunchSerializer reads it, into AcceptWorkflowPrompts' shape.
json::object ParseBody(Session& ctx, json::object body, FieldErrors& errs) {
  json::object given;
  if (!body.contains("inventory") && body.contains("inventory_id"))
    body["inventory"] = body.at("inventory_id");
  for (const char* k :
       {"extra_vars", "inventory", "limit", "scm_branch", "job_tags", "skip_tags", "labels"}) {
    auto* v = body.if_contains(k);
    if (!v) continue;
    if (v->is_null()) {
      errs.Add(k, "This field may not be null.");
      continue;
    }
    std::string_view key = k;
    if (key == "extra_vars") {
      if (v->is_object()) {
        given[k] = v->as_object();
        continue;
      }
      auto parsed = ParseVarsMapping(v->is_string() ? std::string(v->get_string()) : Dump(*v));
      if (parsed.ok()) {
        given[k] = parsed.value();
      } else {
        for (auto& e : parsed.error().body.as_object())
          for (auto& m : e.value().as_array()) errs.Add(k, m.as_string());
      }
    } else if (key == "inventory") {
      if (auto id = ParsePk(ctx, k, *v, "inventories", errs)) given[k] = *id;
    } else if (key == "labels") {
      if (!v->is_array()) {
        errs.Add(k, "Expected a list of items but got type \"" + PyTypeName(*v) + "\".");
        continue;
      }
      json::array ids;
      bool ok = true;
      for (auto& item : v->as_array()) {
        auto id = ParsePk(ctx, k, item, "labels", errs);
        if (!id) {
          ok = false;
          break;
        }
        ids.push_back(*id);
      }
      if (ok) given[k] = std::move(ids);
    } else if (v->is_string()) {
      given[k] = *v;
    } else if (v->is_int64() || v->is_uint64() || v->is_double()) {
      given[k] = json::string(Dump(*v));
    } else {
      errs.Add(k, "Not a valid string.");
    }
  }
  return given;
}

json::value OptStringValue(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? *v : json::value(nullptr);
}

// LA-1.
json::object LaunchRequirements(Session& ctx, const Obj& t) {
  int64_t id = IdOf(t);
  WorkflowTemplateState ts = LoadWorkflowTemplateState(ctx, t);
  bool survey = domain::SurveyActive(ts.survey_enabled, ts.survey_spec);
  json::array needed;
  if (survey)
    for (const auto& v : domain::RequiredVariables(ts.survey_spec))
      needed.push_back(json::string(v));
  json::object out;
  out["ask_inventory_on_launch"] = GetBool(t, "ask_inventory_on_launch");
  out["ask_limit_on_launch"] = GetBool(t, "ask_limit_on_launch");
  out["ask_scm_branch_on_launch"] = GetBool(t, "ask_scm_branch_on_launch");
  out["can_start_without_user_input"] = needed.empty();
  json::object d;
  json::object inv{{"name", nullptr}, {"id", nullptr}};
  if (auto i = OptIdOf(t, "inventory"))
    if (auto name = ctx.db.QueryString("SELECT name FROM inventories WHERE id = ?", {*i}))
      inv = json::object{{"name", *name}, {"id", *i}};
  d["inventory"] = std::move(inv);
  d["limit"] = OptStringValue(t, "limit");
  d["scm_branch"] = OptStringValue(t, "scm_branch");
  auto labels = ctx.db.Query(
      "SELECT l.id, l.name FROM label_attachments a JOIN labels l ON l.id = a.label_id WHERE "
      "a.owner_type = ? AND a.owner_id = ? ORDER BY l.name, l.id",
      {std::string(kWfjtCt), id});
  if (!labels.empty()) {
    json::array ls;
    for (auto& r : labels.rows)
      ls.push_back(json::object{{"id", store::AsInt(r[0])}, {"name", store::AsString(r[1])}});
    d["labels"] = std::move(ls);
  }
  d["job_tags"] = OptStringValue(t, "job_tags");
  d["skip_tags"] = OptStringValue(t, "skip_tags");
  d["extra_vars"] = GetString(t, "extra_vars");
  out["defaults"] = std::move(d);
  out["survey_enabled"] = survey;
  out["variables_needed_to_start"] = std::move(needed);
  json::array missing, rejected;
  const ResourceModel& nodes = Models::Get().Must("workflow_job_template_nodes");
  for (const Obj& n : LoadWhere(ctx, nodes, "t.workflow_job_template_id = ?", {id})) {
    auto ujt = OptIdOf(n, "unified_job_template");
    if (!ujt || !TemplateKind(ctx, *ujt))
      missing.push_back(IdOf(n));
    else if (NodePromptsRejected(ctx, n))
      rejected.push_back(IdOf(n));
  }
  out["node_templates_missing"] = std::move(missing);
  out["node_prompts_rejected"] = std::move(rejected);
  out["workflow_job_template_data"] = json::object{
      {"name", GetString(t, "name")}, {"id", id}, {"description", GetString(t, "description")}};
  out["ask_variables_on_launch"] = GetBool(t, "ask_variables_on_launch");
  out["ask_labels_on_launch"] = GetBool(t, "ask_labels_on_launch");
  out["ask_skip_tags_on_launch"] = GetBool(t, "ask_skip_tags_on_launch");
  out["ask_tags_on_launch"] = GetBool(t, "ask_tags_on_launch");
  return out;
}

// LA-3 step 5 (RB-8): use on a prompted inventory, read on prompted labels the template lacks.
Status CanUsePrompts(Session& ctx, const WorkflowTemplateState& ts, const json::object& accepted) {
  if (ctx.caller.superuser) return OkStatus();
  if (auto inv = IntAt(accepted, "inventory"); inv && !HasRole(ctx, "inventory", *inv, "use_role"))
    return Error::Forbidden();
  if (auto* ls = accepted.if_contains("labels"); ls && ls->is_array()) {
    const auto& current = ts.current.at("labels").as_array();
    for (auto& l : ls->as_array()) {
      bool known = false;
      for (auto& c : current) known = known || c == l;
      if (!known && l.is_int64() && !CanRead(ctx, Models::Get().Must("labels"), l.get_int64()))
        return Error::Forbidden();
    }
  }
  return OkStatus();
}

}  // namespace

Result<int64_t> CreateWorkflowJob(Session& ctx, const WorkflowJobLaunch& l) {
  if (!l.template_obj && !l.copy_of) return Error::Msg("No workflow job template to launch.");
  store::Tx tx(ctx.db);
  int64_t id = 0;
  if (l.template_obj) {
    id = InsertFromTemplate(ctx, l);
  } else {
    BATON_ASSIGN(id, InsertCopy(ctx, l));
  }
  tx.Commit();
  ctx.wake = true;
  return id;
}

Result<int64_t> LaunchWorkflowJobTemplate(Session& ctx, const Obj& wfjt, const json::object& body) {
  BATON_TRY(CheckWriteScope(ctx));
  BATON_TRY(RequireRole(ctx, kWfjtCt, IdOf(wfjt), "execute_role"));
  FieldErrors ferrs;
  json::object given = ParseBody(ctx, body, ferrs);
  if (!ferrs.Empty()) return ferrs.ToError();
  WorkflowTemplateState ts = LoadWorkflowTemplateState(ctx, wfjt);
  domain::PromptOptions opts;  // LA-3: nothing suppressed
  WorkflowPromptDecision d = AcceptWorkflowPrompts(ts, given, opts);
  json::object errors = d.errors;
  if (auto inv = OptIdOf(wfjt, "inventory"); inv && PendingDeletion(ctx, *inv))
    errors["inventory"] =
        json::array{"The inventory associated with this Workflow is being deleted."};
  else if (auto pi = IntAt(d.accepted, "inventory"); pi && PendingDeletion(ctx, *pi))
    errors["inventory"] = json::array{"The provided inventory is being deleted."};
  if (!errors.empty()) return Error::Body(ErrorCode::kInvalid, std::move(errors));
  BATON_TRY(CanUsePrompts(ctx, ts, d.accepted));
  WorkflowJobLaunch l;
  l.template_obj = &wfjt;
  l.accepted = d.accepted;
  store::Tx tx(ctx.db);
  BATON_ASSIGN(int64_t id, CreateWorkflowJob(ctx, l));
  tx.Commit();
  return id;
}

json::object WorkflowLaunchRequirements(Session& ctx, const Obj& wfjt) {
  return LaunchRequirements(ctx, wfjt);
}

}  // namespace baton::service
