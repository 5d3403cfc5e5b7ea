#include "service/workflow_graph.hpp"

#include <algorithm>
#include <map>

#include "core/secrets.hpp"
#include "core/vars.hpp"
#include "domain/survey.hpp"
#include "service/attachments.hpp"
#include "service/job_launch.hpp"
#include "service/unified_jobs.hpp"

namespace baton::service {
namespace {

constexpr const char* kEdgeOwner = "workflow_job_template";
constexpr const char* kEncrypted = "$encrypted$";

json::object ParseObject(std::string_view text) {
  auto v = ParseVarsMapping(text);
  return v.ok() ? v.value() : json::object{};
}

json::object ObjectOf(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : json::object{};
}

std::optional<std::string> OptString(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->get_string());
  return std::nullopt;
}

std::optional<int64_t> OptInt(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  return std::nullopt;
}

// diff_mode of a node as coerced values carry it: null, a bool, or 0/1 (see workflow_nodes.cpp).
std::optional<bool> OptBool(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_bool()) return v->get_bool();
  if (v && v->is_int64()) return v->get_int64() != 0;
  return std::nullopt;
}

void AddError(json::object& errors, std::string_view field, std::string_view msg) {
  auto& v = errors[field];
  if (!v.is_array()) v = json::array{};
  v.as_array().push_back(json::string(msg));
}

bool StartsWithEncrypted(const json::value& v) {
  return v.is_string() && std::string_view(v.get_string()).starts_with(kEncrypted);
}

// The survey of a JT or WFJT (enabled flag, spec).
std::pair<bool, json::object> SurveyOf(Session& ctx, const std::string& kind, int64_t id) {
  std::string table = TemplateResource(kind);
  auto rows =
      ctx.db.Query("SELECT survey_enabled, survey_spec FROM " + table + " WHERE id = ?", {id});
  if (rows.empty()) return {false, {}};
  return {store::AsInt(rows.rows[0][0]) != 0, ParseObject(store::AsString(rows.rows[0][1]))};
}

// Password answers arrive encrypted from storage; validation reads them decrypted (LA-6.2).
json::object DecryptedVars(Session& ctx, const json::object& vars, const json::object& passwords) {
  json::object out = vars;
  for (auto& kv : passwords) {
    auto* v = out.if_contains(kv.key());
    if (!v || !v->is_string() || !IsEncrypted(v->get_string())) continue;
    auto plain = Decrypt(ctx.cfg.secret_key, v->get_string());
    if (plain.ok()) *v = json::string(plain.value());
  }
  return out;
}

const std::vector<std::string>& ScalarPrompts() {
  static const std::vector<std::string> k = {
      "scm_branch", "job_type",  "job_tags", "skip_tags",       "limit",
      "diff_mode",  "verbosity", "forks",    "job_slice_count", "timeout"};
  return k;
}

// The node's prompts as AWX's prompts_dict() gives them: the set ones only ("extra_vars" for a
// non-empty extra_data).
json::object PromptsDict(const Obj& v, const json::object& extra) {
  json::object out;
  if (!extra.empty()) out["extra_vars"] = extra;
  for (const char* fk : {"inventory", "execution_environment"})
    if (auto id = OptIdOf(v, fk)) out[fk] = *id;
  for (const auto& f : ScalarPrompts()) {
    if (f == "diff_mode") {
      if (auto b = OptBool(v, f)) out[f] = *b;
      continue;
    }
    auto* x = v.if_contains(f);
    if (x && !x->is_null()) out[f] = *x;
  }
  return out;
}

// The errors of the node's prompts under its UJT's acceptance rules (AWX keys: extra_vars ...).
json::object PromptErrors(Session& ctx, int64_t ujt, const std::string& kind, const Obj& v,
                          const json::object& extra, bool required_errors) {
  json::object passwords = ObjectOf(v, "survey_passwords");
  json::object prompts = PromptsDict(v, DecryptedVars(ctx, extra, passwords));
  domain::PromptOptions options;
  options.required_errors = required_errors;
  if (kind == "job_template") {
    auto jt = Load(ctx, Models::Get().Must("job_templates"), ujt);
    if (!jt) return {};
    domain::LaunchPrompts g;
    if (auto* x = prompts.if_contains("extra_vars")) g.extra_vars = x->as_object();
    g.inventory = OptInt(prompts, "inventory");
    g.execution_environment = OptInt(prompts, "execution_environment");
    g.limit = OptString(prompts, "limit");
    g.scm_branch = OptString(prompts, "scm_branch");
    g.job_tags = OptString(prompts, "job_tags");
    g.skip_tags = OptString(prompts, "skip_tags");
    g.job_type = OptString(prompts, "job_type");
    g.verbosity = OptInt(prompts, "verbosity");
    g.forks = OptInt(prompts, "forks");
    g.job_slice_count = OptInt(prompts, "job_slice_count");
    g.timeout = OptInt(prompts, "timeout");
    g.diff_mode = OptBool(prompts, "diff_mode");
    auto state = LoadTemplateState(ctx, *jt, g.inventory);
    return domain::AcceptJobPrompts(state, g, options).errors;
  }
  if (kind == "workflow_job_template") {
    auto wfjt = Load(ctx, Models::Get().Must("workflow_job_templates"), ujt);
    if (!wfjt) return {};
    json::object given;
    for (const char* k :
         {"extra_vars", "inventory", "limit", "scm_branch", "job_tags", "skip_tags"})
      if (auto* x = prompts.if_contains(k)) given[k] = *x;
    return AcceptWorkflowPrompts(LoadWorkflowTemplateState(ctx, *wfjt), given, options).errors;
  }
  // Projects, inventory sources, approval templates prompt for nothing.
  json::object errors;
  for (auto& kv : prompts) AddError(errors, kv.key(), "Field is not allowed on launch.");
  return errors;
}

const std::set<std::string, std::less<>>& AskNames(const std::string& kind) {
  static const std::set<std::string, std::less<>> kJt = {
      "extra_vars",      "inventory", "limit",       "scm_branch", "job_tags",
      "skip_tags",       "diff_mode", "job_type",    "verbosity",  "forks",
      "job_slice_count", "timeout",   "credentials", "labels",     "execution_environment",
      "instance_groups"};
  static const std::set<std::string, std::less<>> kWf = {
      "extra_vars", "inventory", "limit", "scm_branch", "labels", "job_tags", "skip_tags"};
  static const std::set<std::string, std::less<>> kNone;
  if (kind == "job_template") return kJt;
  if (kind == "workflow_job_template") return kWf;
  return kNone;
}

}  // namespace

// ---- Edges ----

std::string EdgeTypeOf(std::string_view relation) {
  std::string s(relation);
  if (s.size() > 6 && s.ends_with("_nodes")) s.resize(s.size() - 6);
  return s;
}

std::vector<int64_t> ChildNodes(Session& ctx, int64_t parent, std::string_view type) {
  auto rows = ctx.db.Query(
      "SELECT child_id FROM workflow_edges WHERE owner_type = ? AND parent_id = ? AND type = ? "
      "ORDER BY child_id",
      {std::string(kEdgeOwner), parent, std::string(type)});
  std::vector<int64_t> out;
  for (auto& r : rows.rows) out.push_back(store::AsInt(r[0]));
  return out;
}

engine::LinkCheck CheckTemplateLink(Session& ctx, int64_t wfjt, int64_t parent, int64_t child,
                                    std::string_view type) {
  auto rows = ctx.db.Query(
      "SELECT parent_id, child_id, type FROM workflow_edges WHERE owner_type = ? AND owner_id = ?",
      {std::string(kEdgeOwner), wfjt});
  std::vector<engine::Edge> edges;
  edges.reserve(rows.size());
  for (auto& r : rows.rows)
    if (auto t = engine::ParseEdgeType(store::AsString(r[2])))
      edges.push_back({store::AsInt(r[0]), store::AsInt(r[1]), *t});
  return engine::CheckLink(edges, parent, child, *engine::ParseEdgeType(type));
}

// ---- Unified job templates ----

std::string TemplateResource(std::string_view kind) {
  if (kind == "job_template") return "job_templates";
  if (kind == "project") return "projects";
  if (kind == "inventory_source") return "inventory_sources";
  if (kind == "workflow_job_template") return "workflow_job_templates";
  if (kind == "workflow_approval_template") return "workflow_approval_templates";
  return "";
}

std::string UnifiedJobType(std::string_view kind) {
  if (kind == "job_template") return "job";
  if (kind == "project") return "project_update";
  if (kind == "inventory_source") return "inventory_update";
  if (kind == "workflow_job_template") return "workflow_job";
  if (kind == "workflow_approval_template") return "workflow_approval";
  return "";
}

std::optional<std::string> TemplateKind(Session& ctx, int64_t id) {
  auto kind = ctx.db.QueryString("SELECT type FROM unified_job_template_ids WHERE id = ?", {id});
  if (!kind) return std::nullopt;
  std::string table = TemplateResource(*kind);
  if (table.empty() || !ctx.db.QueryInt("SELECT 1 FROM " + table + " WHERE id = ?", {id}))
    return std::nullopt;
  return kind;
}

bool CanStartTemplate(Session& ctx, int64_t id) {
  if (ctx.caller.superuser) return true;
  auto kind = TemplateKind(ctx, id);
  if (!kind) return false;
  if (*kind == "job_template" || *kind == "workflow_job_template")
    return HasRole(ctx, *kind, id, "execute_role");
  if (*kind == "project") return HasRole(ctx, "project", id, "update_role");
  if (*kind == "inventory_source") {
    auto inv = ctx.db.QueryInt("SELECT inventory_id FROM inventory_sources WHERE id = ?", {id});
    return inv && HasRole(ctx, "inventory", *inv, "update_role");
  }
  if (*kind == "workflow_approval_template") {
    auto wfjt = ctx.db.QueryInt(
        "SELECT workflow_job_template_id FROM workflow_approval_templates WHERE id = ?", {id});
    return wfjt && HasRole(ctx, kWfjtCt, *wfjt, "execute_role");
  }
  return false;
}

std::optional<json::object> TemplateSummary(Session& ctx, int64_t id) {
  auto kind = TemplateKind(ctx, id);
  if (!kind) return std::nullopt;
  auto s = TableSummary(ctx, TemplateResource(*kind), id);
  if (!s) return std::nullopt;
  (*s)["unified_job_type"] = UnifiedJobType(*kind);
  if (*kind == "workflow_approval_template")
    (*s)["timeout"] =
        ctx.db.QueryInt("SELECT timeout FROM workflow_approval_templates WHERE id = ?", {id})
            .value_or(0);
  return s;
}

// ---- WFJT prompts ----

WorkflowTemplateState LoadWorkflowTemplateState(Session& ctx, const Obj& o) {
  WorkflowTemplateState t;
  t.name = GetString(o, "name");
  t.extra_vars = ParseObject(GetString(o, "extra_vars"));
  t.survey_enabled = GetBool(o, "survey_enabled");
  t.survey_spec = ObjectOf(o, "survey_spec");
  for (const char* k : {"inventory", "limit", "scm_branch", "job_tags", "skip_tags"}) {
    auto* v = o.if_contains(k);
    t.current[k] = v ? *v : json::value(nullptr);
  }
  json::array labels;
  for (int64_t l : AttachedLabels(ctx, kWfjtCt, IdOf(o))) labels.push_back(l);
  t.current["labels"] = std::move(labels);
  static const std::pair<const char*, const char*> kAsks[] = {
      {"extra_vars", "ask_variables_on_launch"}, {"inventory", "ask_inventory_on_launch"},
      {"limit", "ask_limit_on_launch"},          {"scm_branch", "ask_scm_branch_on_launch"},
      {"labels", "ask_labels_on_launch"},        {"job_tags", "ask_tags_on_launch"},
      {"skip_tags", "ask_skip_tags_on_launch"}};
  for (auto [prompt, ask] : kAsks)
    if (GetBool(o, ask)) t.asks.insert(prompt);
  return t;
}

WorkflowPromptDecision AcceptWorkflowPrompts(const WorkflowTemplateState& t,
                                             const json::object& given,
                                             const domain::PromptOptions& options,
                                             const json::object& survey_passwords,
                                             const domain::Decryptor& decrypt) {
  WorkflowPromptDecision d;
  // LA-6: variables.
  json::object vars;
  if (auto* v = given.if_contains("extra_vars"); v && v->is_object()) vars = v->as_object();
  json::object accepted_vars, rejected_vars;
  std::set<std::string, std::less<>> taken;
  if (t.survey_enabled && !t.survey_spec.empty()) {
    domain::SurveyAnswerOptions so;
    so.validate_required = options.required_errors;
    so.survey_passwords = survey_passwords;
    so.decrypt = decrypt;
    json::array survey_errors;
    for (const json::object* q : domain::SurveyQuestions(t.survey_spec)) {
      std::string var = GetString(*q, "variable");
      auto errs = domain::ValidateSurveyAnswer(*q, vars, so);
      for (auto& e : errs) survey_errors.push_back(json::string(e));
      auto* v = vars.if_contains(var);
      if (!v || taken.count(var)) continue;
      taken.insert(var);
      (errs.empty() ? accepted_vars : rejected_vars)[var] = *v;
    }
    if (!survey_errors.empty()) d.errors["variables_needed_to_start"] = std::move(survey_errors);
  }
  std::string keys;
  for (auto& kv : vars) {
    if (taken.count(kv.key())) continue;
    if (t.asks.count("extra_vars")) {
      accepted_vars[kv.key()] = kv.value();
      continue;
    }
    if (auto* mine = t.extra_vars.if_contains(kv.key());
        mine && domain::PyEquals(*mine, kv.value()))
      continue;
    keys += (keys.empty() ? "" : ", ") + std::string(kv.key());
    rejected_vars[kv.key()] = kv.value();
  }
  if (!keys.empty() && options.prompt_errors)
    AddError(d.errors, "extra_vars",
             "Variables " + keys +
                 " are not allowed on launch. Check the Prompt on Launch setting on the Workflow "
                 "Job Template to include Extra Variables.");
  if (!accepted_vars.empty()) d.accepted["extra_vars"] = std::move(accepted_vars);
  if (!rejected_vars.empty()) d.rejected["extra_vars"] = std::move(rejected_vars);
  // LA-5: the six other prompts.
  for (const char* field :
       {"inventory", "limit", "scm_branch", "labels", "job_tags", "skip_tags"}) {
    auto* nv = given.if_contains(field);
    if (!nv) continue;
    json::value value = *nv;
    const json::value& current = t.current.at(field);
    if (std::string_view(field) == "labels") {
      json::array added;
      if (value.is_array())
        for (auto& l : value.as_array()) {
          bool known = false;
          for (auto& c : current.as_array()) known = known || c == l;
          for (auto& a : added) known = known || a == l;
          if (!known) added.push_back(l);
        }
      if (added.empty()) continue;
      value = std::move(added);
    } else if (value == current) {
      continue;
    }
    if (t.asks.count(field)) {
      d.accepted[field] = value;
    } else {
      d.rejected[field] = value;
      if (options.prompt_errors)
        AddError(d.errors, field, "Field is not configured to prompt on launch.");
    }
  }
  return d;
}

// ---- Nodes ----

Status ValidateNodePrompts(Session& ctx, Obj& v, const Obj* existing,
                           const std::set<std::string, std::less<>>& present,
                           bool required_errors) {
  json::object stored_passwords =
      existing ? ObjectOf(*existing, "survey_passwords") : json::object{};
  v["survey_passwords"] = stored_passwords;  // never taken from the request
  auto ujt = OptIdOf(v, "unified_job_template");
  std::optional<std::string> kind = ujt ? TemplateKind(ctx, *ujt) : std::nullopt;
  if (!kind) {
    // DM-6a: without a template the prompts in the request are dropped silently.
    std::vector<std::string> all = ScalarPrompts();
    all.insert(all.end(), {"inventory", "execution_environment", "extra_data"});
    for (const auto& f : all) {
      if (existing) {
        if (auto* x = existing->if_contains(f)) v[f] = *x;
      } else {
        v[f] = f == "extra_data" ? json::value(json::object{}) : json::value(nullptr);
      }
    }
    return OkStatus();
  }
  json::object db_extra = existing ? ObjectOf(*existing, "extra_data") : json::object{};
  json::object extra = ObjectOf(v, "extra_data");
  bool extra_given = present.count("extra_data") > 0;
  // DM-6e: password answers of the template's survey.
  json::object password_dict;
  json::object spec;
  if (*kind == "job_template" || *kind == "workflow_job_template") {
    auto [enabled, s] = SurveyOf(ctx, *kind, *ujt);
    spec = s;
    if (domain::SurveyActive(enabled, spec))
      for (const auto& var : domain::PasswordVariables(spec))
        if (extra.contains(var)) password_dict[var] = kEncrypted;
  }
  if (extra_given && !password_dict.empty()) {
    if (!existing || password_dict != stored_passwords) v["survey_passwords"] = password_dict;
    for (auto& kv : password_dict) {
      json::value& val = extra.at(kv.key());
      if (val.is_string() && !val.get_string().empty() && !StartsWithEncrypted(val))
        val = json::string(Encrypt(ctx.cfg.secret_key, val.get_string()));
    }
    for (auto& kv : password_dict) {
      json::value& val = extra.at(kv.key());
      if (!(val.is_string() && val.get_string() == kEncrypted)) continue;
      if (auto* db = db_extra.if_contains(kv.key())) {
        val = *db;
        continue;
      }
      bool has_default = false;
      for (const json::object* q : domain::SurveyQuestions(spec))
        if (GetString(*q, "variable") == kv.key())
          if (auto* def = q->if_contains("default")) has_default = domain::PyTruthy(*def);
      if (!has_default)
        return Error::Field("extra_data", "Provided variable " + std::string(kv.key()) +
                                              " has no database value to replace with.");
    }
  }
  v["extra_data"] = extra;
  // DM-6b/c: validate only when the request touches a prompt of the template (or extra_data).
  bool run = extra_given;
  for (const auto& name : AskNames(*kind)) run = run || present.count(name) > 0;
  json::object errors;
  if (run) errors = PromptErrors(ctx, *ujt, *kind, v, extra, required_errors);
  if (extra_given && !password_dict.empty()) {
    json::object kept;
    json::object& pw = v["survey_passwords"].as_object();
    for (auto& kv : extra) {
      if (kv.value().is_string() && kv.value().get_string() == kEncrypted) {
        if (password_dict.contains(kv.key())) {
          pw.erase(kv.key());
          continue;
        }
        AddError(errors, "extra_vars",
                 "\"$encrypted$ is a reserved keyword, may not be used for " +
                     std::string(kv.key()) + ".\"");
      }
      kept[kv.key()] = kv.value();
    }
    v["extra_data"] = std::move(kept);
  }
  if (auto* ev = errors.if_contains("extra_vars")) {
    json::value moved = *ev;
    errors.erase("extra_vars");
    errors["extra_data"] = std::move(moved);
  }
  if (!errors.empty()) return Error::Body(ErrorCode::kInvalid, std::move(errors));
  return OkStatus();
}

bool NodePromptsRejected(Session& ctx, const Obj& node) {
  auto ujt = OptIdOf(node, "unified_job_template");
  if (!ujt) return false;
  auto kind = TemplateKind(ctx, *ujt);
  if (!kind) return false;
  return !PromptErrors(ctx, *ujt, *kind, node, ObjectOf(node, "extra_data"), true).empty();
}

void DeleteApprovalTemplate(Session& ctx, int64_t at) {
  std::string now = ctx.now_iso();
  if (ctx.db.QueryInt("SELECT 1 FROM unified_jobs WHERE type = 'workflow_approval' AND "
                      "workflow_approval_template_id = ? AND status = 'pending' LIMIT 1",
                      {at})) {
    ctx.db.Exec(
        "UPDATE unified_jobs SET status = 'failed', failed = 1, finished = ?, modified = ?, "
        "expires = NULL WHERE type = 'workflow_approval' AND workflow_approval_template_id = ? "
        "AND status = 'pending'",
        {now, now, at});
    ctx.wake = true;
  }
  ctx.db.Exec("DELETE FROM workflow_approval_templates WHERE id = ?", {at});
}

int64_t InsertApprovalTemplate(Session& ctx, int64_t wfjt, const std::string& name,
                               const std::string& description, int64_t timeout) {
  int64_t id = ctx.db.Insert(
      "INSERT INTO unified_job_template_ids (type) VALUES ('workflow_approval_template') "
      "RETURNING id",
      {});
  store::Value by = ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null();
  ctx.db.Exec(
      "INSERT INTO workflow_approval_templates (id, name, description, timeout, "
      "workflow_job_template_id, created, modified, created_by_id, modified_by_id) VALUES (?, ?, "
      "?, ?, ?, ?, ?, ?, ?)",
      {id, name, description, timeout, wfjt, ctx.now_iso(), ctx.now_iso(), by, by});
  return id;
}

void CopyWorkflowNodes(Session& ctx, int64_t from, int64_t to) {
  static const std::string kCols =
      "identifier, all_parents_must_converge, extra_data, survey_passwords, "
      "execution_environment_id, scm_branch, job_type, job_tags, skip_tags, limit_, diff_mode, "
      "verbosity, forks, job_slice_count, timeout";
  auto nodes = ctx.db.Query(
      "SELECT id, unified_job_template_id, inventory_id FROM workflow_job_template_nodes WHERE "
      "workflow_job_template_id = ? ORDER BY id",
      {from});
  bool all = ctx.caller.superuser;
  std::map<int64_t, int64_t> ids;
  for (auto& r : nodes.rows) {
    int64_t old = store::AsInt(r[0]);
    std::optional<int64_t> ujt = store::AsOptInt(r[1]);
    std::optional<int64_t> inv = store::AsOptInt(r[2]);
    if (ujt) {
      auto kind = TemplateKind(ctx, *ujt);
      if (kind == "workflow_approval_template") {
        auto at = ctx.db.Query(
            "SELECT name, description, timeout FROM workflow_approval_templates WHERE id = ?",
            {*ujt});
        ujt = InsertApprovalTemplate(ctx, to, store::AsString(at.rows[0][0]) + " copy",
                                     store::AsString(at.rows[0][1]), store::AsInt(at.rows[0][2]));
      } else if (!kind || (!all && !CanStartTemplate(ctx, *ujt))) {
        ujt.reset();
      }
    }
    if (inv && !all && !HasRole(ctx, "inventory", *inv, "use_role")) inv.reset();
    int64_t id = ctx.db.Insert(
        "INSERT INTO workflow_job_template_nodes (workflow_job_template_id, "
        "unified_job_template_id, "
        "inventory_id, created, modified, " +
            kCols + ") SELECT ?, ?, ?, ?, ?, " + kCols +
            " FROM workflow_job_template_nodes WHERE id = ? RETURNING id",
        {to, store::OptId(ujt), store::OptId(inv), ctx.now_iso(), ctx.now_iso(), old});
    ids[old] = id;
    for (int64_t c : AttachedCredentials(ctx, kNodeOwner, old))
      if (all || HasRole(ctx, "credential", c, "use_role"))
        AttachCredential(ctx, kNodeOwner, id, c);
    for (int64_t l : AttachedLabels(ctx, kNodeOwner, old)) AttachLabel(ctx, kNodeOwner, id, l);
    ctx.db.Exec(
        "INSERT INTO instance_group_attachments (owner_type, owner_id, instance_group_id, "
        "position) SELECT owner_type, ?, instance_group_id, position FROM "
        "instance_group_attachments WHERE owner_type = ? AND owner_id = ?",
        {id, std::string(kNodeOwner), old});
  }
  auto edges = ctx.db.Query(
      "SELECT parent_id, child_id, type FROM workflow_edges WHERE owner_type = ? AND owner_id = ?",
      {std::string(kEdgeOwner), from});
  for (auto& e : edges.rows) {
    auto p = ids.find(store::AsInt(e[0]));
    auto c = ids.find(store::AsInt(e[1]));
    if (p == ids.end() || c == ids.end()) continue;
    ctx.db.Exec(
        "INSERT INTO workflow_edges (owner_type, owner_id, parent_id, child_id, type) VALUES (?, "
        "?, ?, ?, ?) ON CONFLICT DO NOTHING",
        {std::string(kEdgeOwner), to, p->second, c->second, store::AsString(e[2])});
  }
}

}  // namespace baton::service
