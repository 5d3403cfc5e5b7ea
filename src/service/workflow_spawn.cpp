#include "service/workflow_spawn.hpp"

#include <spdlog/spdlog.h>

#include "core/secrets.hpp"
#include "core/vars.hpp"
#include "engine/artifacts.hpp"
#include "engine/nested.hpp"
#include "service/access.hpp"
#include "service/attachments.hpp"
#include "service/job_launch.hpp"
#include "service/template_updates.hpp"
#include "service/workflow_graph.hpp"
#include "service/workflow_launch.hpp"

namespace baton::service {
namespace {

json::object ObjectFrom(const std::string& text) {
  if (text.empty()) return {};
  auto v = ParseVarsMapping(text);
  return v.ok() ? v.value() : json::object{};
}

void MergeInto(json::object& into, const json::object& from) {
  for (const auto& kv : from) into[kv.key()] = kv.value();
}

std::optional<std::string> OptStr(const store::Value& v) {
  if (store::IsNull(v)) return std::nullopt;
  return store::AsString(v);
}

domain::Decryptor DecryptorOf(const Config& cfg) {
  std::string key = cfg.secret_key;
  return [key](std::string_view stored) -> std::optional<std::string> {
    auto r = Decrypt(key, stored);
    if (!r.ok()) return std::nullopt;
    return r.value();
  };
}

// The workflow job a spawn belongs to.
struct WorkflowJobRow {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> created_by, inventory;
  json::object extra_vars, survey_passwords, char_prompts;
  json::object launch_config;  // a sliced workflow job's accepted prompts (RL-8)
  std::string start_args;      // its encrypted launch passwords
};

// The node being spawned, with its prompts (NULL = not set).
struct NodeRow {
  int64_t id = 0;
  int64_t ujt = 0;
  std::optional<int64_t> job_slice;  // slice number of a sliced workflow job's node
  json::object extra_data, survey_passwords;
  store::Rows row;  // the prompt columns, by name
  const store::Value& Col(const char* name) const { return row.rows[0][row.Col(name)]; }
};

// The unified job kinds of EX-20 as the engine's artifact merge sees them.
engine::ArtifactJob ArtifactJobOf(const store::Value& id, const store::Value& type,
                                  const store::Value& status, const store::Value& finished,
                                  const store::Value& artifacts) {
  engine::ArtifactJob j;
  j.id = store::AsInt(id);
  std::string t = store::AsString(type);
  j.kind = t == "job"            ? engine::ArtifactJob::Kind::kJob
           : t == "workflow_job" ? engine::ArtifactJob::Kind::kWorkflowJob
                                 : engine::ArtifactJob::Kind::kOther;
  j.status = engine::ParseJobStatus(store::AsString(status)).value_or(engine::JobStatus::kNone);
  if (auto f = ParseIso(store::AsString(finished))) j.finished_us = *f;
  if (auto v = ParseJson(store::AsString(artifacts))) j.artifacts = *v;
  return j;
}

// EX-19: what the node inherits from its parents; stores its ancestor_artifacts.
engine::InheritedArtifacts Inherit(store::Connection& c, int64_t node, const std::string& now) {
  engine::SpawnedJobsLookup spawned = [&c](int64_t wj) {
    std::vector<engine::ArtifactJob> out;
    auto rows = c.Query(
        "SELECT j.id, j.type, j.status, j.finished, j.artifacts FROM workflow_job_nodes n JOIN "
        "unified_jobs j ON j.id = n.job_id WHERE n.workflow_job_id = ? ORDER BY j.id",
        {wj});
    for (auto& r : rows.rows) out.push_back(ArtifactJobOf(r[0], r[1], r[2], r[3], r[4]));
    return out;
  };
  auto parents = c.Query(
      "SELECT p.id, p.ancestor_artifacts, j.id, j.type, j.status, j.finished, j.artifacts FROM "
      "workflow_job_nodes p LEFT JOIN unified_jobs j ON j.id = p.job_id WHERE p.id IN (SELECT "
      "parent_id FROM workflow_edges WHERE owner_type = 'workflow_job' AND child_id = ?) ORDER "
      "BY p.id",
      {node});
  std::vector<engine::ParentArtifacts> in;
  for (auto& r : parents.rows) {
    engine::ParentArtifacts p;
    p.node = store::AsInt(r[0]);
    if (auto v = ParseJson(store::AsString(r[1])); v && v->is_object())
      p.ancestor_artifacts = v->as_object();
    if (!store::IsNull(r[2]))
      p.job_artifacts =
          engine::EffectiveArtifacts(ArtifactJobOf(r[2], r[3], r[4], r[5], r[6]), spawned);
    in.push_back(std::move(p));
  }
  engine::InheritedArtifacts aa = engine::InheritArtifacts(std::move(in));
  if (aa.store)
    c.Exec("UPDATE workflow_job_nodes SET ancestor_artifacts = ?, modified = ? WHERE id = ?",
           {Dump(aa.artifacts), now, node});
  return aa;
}

void FailJob(Session& ctx, int64_t job, const std::string& why) {
  ctx.db.Exec(
      "UPDATE unified_jobs SET status = 'failed', failed = 1, finished = ?, modified = ?, "
      "job_explanation = ? WHERE id = ?",
      {ctx.now_iso(), ctx.now_iso(), why, job});
}

// The common columns of every spawned job, and survey_passwords gaining `redacted` keys and
// the workflow job's password answers (EX-19.4, LA-12.3).
void MarkSpawned(Session& ctx, int64_t job, const WorkflowJobRow& wj,
                 const engine::InheritedArtifacts* aa) {
  json::object pw =
      ObjectFrom(ctx.db.QueryString("SELECT survey_passwords FROM unified_jobs WHERE id = ?", {job})
                     .value_or("{}"));
  bool pw_changed = false;
  if (aa) {
    MergeInto(pw, wj.survey_passwords);
    for (const auto& k : aa->redacted_keys) pw[k] = "$encrypted$";
    pw_changed = !wj.survey_passwords.empty() || !aa->redacted_keys.empty();
  }
  ctx.db.Exec(
      "UPDATE unified_jobs SET source_workflow_job_id = ?, launch_type = 'workflow', "
      "survey_passwords = CASE WHEN ? THEN ? ELSE survey_passwords END WHERE id = ?",
      {wj.id, int64_t{pw_changed}, Dump(pw), job});
}

domain::LaunchPrompts NodeJobPrompts(Session& ctx, const NodeRow& n, const WorkflowJobRow& wj) {
  domain::LaunchPrompts p;
  // LA-12.1: the node's own prompts (password answers decrypted: the template's survey
  // validates them and CreateJob encrypts them again).
  if (!n.extra_data.empty()) {
    json::object vars = n.extra_data;
    for (const auto& kv : n.survey_passwords)
      if (auto* v = vars.if_contains(kv.key());
          v && v->is_string() && std::string_view(v->as_string()).starts_with(kEncryptedPrefix))
        if (auto plain = Decrypt(ctx.cfg.secret_key, std::string_view(v->as_string())); plain.ok())
          *v = json::string(plain.value());
    p.extra_vars = std::move(vars);
  }
  p.inventory = store::AsOptInt(n.Col("inventory_id"));
  p.execution_environment = store::AsOptInt(n.Col("execution_environment_id"));
  p.scm_branch = OptStr(n.Col("scm_branch"));
  p.job_type = OptStr(n.Col("job_type"));
  p.job_tags = OptStr(n.Col("job_tags"));
  p.skip_tags = OptStr(n.Col("skip_tags"));
  p.limit = OptStr(n.Col("limit_"));
  if (auto d = store::AsOptInt(n.Col("diff_mode"))) p.diff_mode = *d != 0;
  p.verbosity = store::AsOptInt(n.Col("verbosity"));
  p.forks = store::AsOptInt(n.Col("forks"));
  p.job_slice_count = store::AsOptInt(n.Col("job_slice_count"));
  p.timeout = store::AsOptInt(n.Col("timeout"));
  if (auto creds = AttachedCredentials(ctx, "workflow_job_node", n.id); !creds.empty())
    p.credentials = LoadLaunchCredentials(ctx, creds);
  if (auto labels = AttachedLabels(ctx, "workflow_job_node", n.id); !labels.empty())
    p.labels = labels;
  auto igs = ctx.db.Query(
      "SELECT instance_group_id FROM instance_group_attachments WHERE owner_type = "
      "'workflow_job_node' AND owner_id = ? ORDER BY position",
      {n.id});
  if (!igs.empty()) {
    p.instance_groups.emplace();
    for (auto& r : igs.rows) p.instance_groups->push_back(store::AsInt(r[0]));
  }
  // LA-12.2, 12.5: the workflow job's prompts win (its labels never propagate).
  if (wj.inventory) p.inventory = wj.inventory;
  auto char_prompt = [&](const char* key, std::optional<std::string>& into) {
    if (auto* v = wj.char_prompts.if_contains(key); v && v->is_string())
      into = std::string(v->as_string());
  };
  char_prompt("limit", p.limit);
  char_prompt("scm_branch", p.scm_branch);
  char_prompt("job_tags", p.job_tags);
  char_prompt("skip_tags", p.skip_tags);
  return p;
}

// EX-10.3 b, c on a job just created: no inventory or project, or credential passwords the
// launch does not carry.
void CheckJobCanStart(Session& ctx, int64_t id, const domain::JobTemplateState& state,
                      const domain::LaunchPrompts& accepted, const json::object& passwords) {
  auto cols = ctx.db.Query("SELECT inventory_id, project_id FROM unified_jobs WHERE id = ?", {id});
  if (store::IsNull(cols.rows[0][0]) || store::IsNull(cols.rows[0][1])) {
    FailJob(ctx, id, kSpawnMissingResource);
    return;
  }
  for (const auto& pw : domain::PasswordsNeeded(domain::MergeCredentials(
           state.credentials,
           accepted.credentials.value_or(std::vector<domain::LaunchCredential>{})))) {
    if (!passwords.contains(pw)) {
      FailJob(ctx, id, scheduler::kSpawnCannotStart);
      return;
    }
  }
}

// LA-12.2 for a sliced workflow job (RL-8, RL-9): slice k of the template, with the prompts
// and launch passwords of the slice launch; slices run side by side (AWX sets
// allow_simultaneous on them).
Result<int64_t> SpawnSlice(Session& ctx, const NodeRow& n, const WorkflowJobRow& wj) {
  auto jt = Load(ctx, Models::Get().Must("job_templates"), n.ujt);
  if (!jt) return Error::Detail(ErrorCode::kNotFound, "the node's job template is gone");
  JobLaunch l;
  l.template_obj = &*jt;
  l.accepted = StoredLaunchPrompts(ctx, wj.launch_config);
  l.state = LoadTemplateState(ctx, *jt, l.accepted.inventory);
  l.launch_type = "workflow";
  if (!wj.start_args.empty())
    if (auto plain = Decrypt(ctx.cfg.secret_key, wj.start_args); plain.ok())
      if (auto v = ParseJson(plain.value()); v && v->is_object()) l.passwords = v->as_object();
  BATON_ASSIGN(int64_t id, CreateJob(ctx, l));
  int64_t count = ctx.db
                      .QueryInt(
                          "SELECT COUNT(*) FROM workflow_job_nodes WHERE workflow_job_id = ? AND "
                          "job_slice IS NOT NULL",
                          {wj.id})
                      .value_or(1);
  ctx.db.Exec(
      "UPDATE unified_jobs SET job_slice_number = ?, job_slice_count = ?, allow_simultaneous = 1 "
      "WHERE id = ?",
      {*n.job_slice, count, id});
  MarkSpawned(ctx, id, wj, nullptr);
  CheckJobCanStart(ctx, id, l.state, l.accepted, l.passwords);
  return id;
}

Result<int64_t> SpawnJob(Session& ctx, const NodeRow& n, const WorkflowJobRow& wj,
                         const engine::InheritedArtifacts& aa) {
  auto jt = Load(ctx, Models::Get().Must("job_templates"), n.ujt);
  if (!jt) return Error::Detail(ErrorCode::kNotFound, "the node's job template is gone");
  domain::LaunchPrompts given = NodeJobPrompts(ctx, n, wj);
  domain::JobTemplateState state = LoadTemplateState(ctx, *jt, given.inventory);
  // LA-12.6, EX-11: rejected prompts are dropped and logged, never an error.
  domain::PromptDecision dec = domain::AcceptJobPrompts(state, given);
  if (!dec.errors.empty())
    spdlog::info("workflow job {} node {}: prompts not accepted by job template {}: {}", wj.id,
                 n.id, n.ujt, Dump(dec.errors));
  // LA-12.7: accepted node vars < ancestor artifacts < the workflow job's vars.
  json::object vars = dec.accepted.extra_vars.value_or(json::object{});
  MergeInto(vars, aa.extra_vars);
  MergeInto(vars, wj.extra_vars);
  if (!vars.empty()) dec.accepted.extra_vars = std::move(vars);
  if (state.Asks("inventory") && dec.accepted.inventory)
    state = LoadTemplateState(ctx, *jt, dec.accepted.inventory);
  JobLaunch l;
  l.template_obj = &*jt;
  l.state = state;
  l.accepted = dec.accepted;
  l.launch_type = "workflow";
  // EX-10.1: a template that slices makes a nested sliced workflow job.
  if (int64_t slices = domain::EffectiveSliceCount(state, l.accepted); slices > 1) {
    BATON_ASSIGN(int64_t sliced, CreateSlicedWorkflowJob(ctx, l, slices));
    MarkSpawned(ctx, sliced, wj, &aa);
    return sliced;
  }
  BATON_ASSIGN(int64_t id, CreateJob(ctx, l));
  MarkSpawned(ctx, id, wj, &aa);
  CheckJobCanStart(ctx, id, state, l.accepted, l.passwords);
  return id;
}

// EX-18: a pending approval, started at creation, expiring after the template's timeout.
int64_t SpawnApproval(Session& ctx, const NodeRow& n, const WorkflowJobRow& wj) {
  auto at = ctx.db.Query(
      "SELECT name, description, timeout FROM workflow_approval_templates WHERE id = ?", {n.ujt});
  std::string name = at.empty() ? "" : store::AsString(at.rows[0][0]);
  std::string description = at.empty() ? "" : store::AsString(at.rows[0][1]);
  int64_t timeout = at.empty() ? 0 : store::AsInt(at.rows[0][2]);
  store::Value expires =
      timeout > 0 ? store::Value(FormatIso(ctx.now + timeout * 1000000)) : store::Null();
  return ctx.db.Insert(
      "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, "
      "workflow_approval_template_id, launch_type, status, timeout, expires, started, "
      "source_workflow_job_id, created, modified, created_by_id, modified_by_id) VALUES "
      "('workflow_approval', ?, ?, ?, ?, 'workflow', 'pending', ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {name, description, n.ujt, n.ujt, timeout, expires, ctx.now_iso(), wj.id, ctx.now_iso(),
       ctx.now_iso(), store::OptId(wj.created_by), store::OptId(wj.created_by)});
}

// LA-13 and EX-17 for a node whose template is a workflow job template.
Result<int64_t> SpawnWorkflow(Session& ctx, const NodeRow& n, const WorkflowJobRow& wj,
                              const engine::InheritedArtifacts& aa) {
  auto wfjt = Load(ctx, Models::Get().Must("workflow_job_templates"), n.ujt);
  if (!wfjt) return Error::Detail(ErrorCode::kNotFound, "the node's workflow job template is gone");
  WorkflowTemplateState t = LoadWorkflowTemplateState(ctx, *wfjt);
  // LA-13: the workflow job's vars over the node's, then the template's acceptance.
  json::object given;
  json::object vars = n.extra_data;
  MergeInto(vars, wj.extra_vars);
  if (!vars.empty()) given["extra_vars"] = vars;
  if (auto inv = store::AsOptInt(n.Col("inventory_id"))) given["inventory"] = *inv;
  if (wj.inventory) given["inventory"] = *wj.inventory;
  for (auto [key, col] : {std::pair{"limit", "limit_"},
                          {"scm_branch", "scm_branch"},
                          {"job_tags", "job_tags"},
                          {"skip_tags", "skip_tags"}}) {
    if (auto v = OptStr(n.Col(col))) given[key] = *v;
    if (auto* v = wj.char_prompts.if_contains(key); v && v->is_string()) given[key] = *v;
  }
  domain::PromptOptions options;
  options.required_errors = false;
  json::object encrypted = n.survey_passwords;
  MergeInto(encrypted, wj.survey_passwords);
  WorkflowPromptDecision dec =
      AcceptWorkflowPrompts(t, given, options, encrypted, DecryptorOf(ctx.cfg));
  if (!dec.errors.empty())
    spdlog::info("workflow job {} node {}: prompts not accepted by workflow job template {}: {}",
                 wj.id, n.id, n.ujt, Dump(dec.errors));
  WorkflowJobLaunch l;
  l.template_obj = &*wfjt;
  l.accepted = dec.accepted;
  l.runtime_vars = aa.extra_vars;  // artifacts > WJ vars > node vars
  l.launch_type = "workflow";
  l.source_workflow_job = wj.id;
  l.created_by = wj.created_by;
  BATON_ASSIGN(int64_t id, CreateWorkflowJob(ctx, l));
  MarkSpawned(ctx, id, wj, nullptr);
  // EX-17: recursion.
  engine::WorkflowJobLookup lookup = [&ctx](int64_t job) -> std::optional<engine::WorkflowJobLink> {
    auto r = ctx.db.Query(
        "SELECT j.id, j.workflow_job_template_id, t.name, (SELECT workflow_job_id FROM "
        "workflow_job_nodes WHERE job_id = j.id) FROM unified_jobs j LEFT JOIN "
        "workflow_job_templates t ON t.id = j.workflow_job_template_id WHERE j.id = ? AND "
        "j.type = 'workflow_job'",
        {job});
    if (r.empty()) return std::nullopt;
    engine::WorkflowJobLink l;
    l.id = store::AsInt(r.rows[0][0]);
    if (auto t = store::AsOptInt(r.rows[0][1]))
      l.workflow_job_template = engine::TemplateRef{*t, store::AsString(r.rows[0][2])};
    l.spawned_by = store::AsOptInt(r.rows[0][3]);
    return l;
  };
  engine::TemplateRef self{n.ujt, GetString(*wfjt, "name")};
  if (auto why = engine::RecursionExplanation(self, engine::SpawnAncestors(wj.id, lookup)))
    FailJob(ctx, id, *why);
  return id;
}

}  // namespace

Result<int64_t> WorkflowNodeSpawner::Spawn(store::Connection& c, int64_t workflow_job_id,
                                           int64_t node_id) {
  auto w = c.Query(
      "SELECT name, created_by_id, inventory_id, extra_vars, survey_passwords, char_prompts, "
      "launch_config, start_args FROM unified_jobs WHERE id = ?",
      {workflow_job_id});
  if (w.empty()) return Error::Detail(ErrorCode::kNotFound, "the workflow job is gone");
  WorkflowJobRow wj;
  wj.id = workflow_job_id;
  wj.name = store::AsString(w.rows[0][0]);
  wj.created_by = store::AsOptInt(w.rows[0][1]);
  wj.inventory = store::AsOptInt(w.rows[0][2]);
  wj.extra_vars = ObjectFrom(store::AsString(w.rows[0][3]));
  wj.survey_passwords = ObjectFrom(store::AsString(w.rows[0][4]));
  wj.char_prompts = ObjectFrom(store::AsString(w.rows[0][5]));
  wj.launch_config = ObjectFrom(store::AsString(w.rows[0][6]));
  wj.start_args = store::AsString(w.rows[0][7]);

  NodeRow n;
  n.id = node_id;
  n.row = c.Query(
      "SELECT unified_job_template_id, extra_data, survey_passwords, inventory_id, "
      "execution_environment_id, scm_branch, job_type, job_tags, skip_tags, limit_, diff_mode, "
      "verbosity, forks, job_slice_count, timeout, job_slice FROM workflow_job_nodes WHERE id = ?",
      {node_id});
  if (n.row.empty()) return Error::Detail(ErrorCode::kNotFound, "the node is gone");
  auto ujt = store::AsOptInt(n.Col("unified_job_template_id"));
  if (!ujt) return Error::Msg("the node has no template");
  n.ujt = *ujt;
  n.extra_data = ObjectFrom(store::AsString(n.Col("extra_data")));
  n.job_slice = store::AsOptInt(n.Col("job_slice"));
  n.survey_passwords = ObjectFrom(store::AsString(n.Col("survey_passwords")));

  rbac::Caller caller;
  if (wj.created_by) caller = LoadCaller(c, *wj.created_by);
  Session ctx{c, caller, cfg_, clock_.Now()};
  auto kind = c.QueryString("SELECT type FROM unified_job_template_ids WHERE id = ?", {n.ujt});
  if (!kind) return Error::Detail(ErrorCode::kNotFound, "the node's template is gone");
  engine::InheritedArtifacts aa = Inherit(c, node_id, ctx.now_iso());
  if (*kind == "job_template")
    return n.job_slice ? SpawnSlice(ctx, n, wj) : SpawnJob(ctx, n, wj, aa);
  if (*kind == "workflow_job_template") return SpawnWorkflow(ctx, n, wj, aa);
  if (*kind == "workflow_approval_template") return SpawnApproval(ctx, n, wj);
  if (*kind == "project") {
    auto p = Load(ctx, Models::Get().Must("projects"), n.ujt);
    if (!p) return Error::Detail(ErrorCode::kNotFound, "the node's project is gone");
    int64_t id = StartProjectUpdate(ctx, *p, "workflow");
    MarkSpawned(ctx, id, wj, nullptr);
    return id;
  }
  if (*kind == "inventory_source") {
    auto s = Load(ctx, Models::Get().Must("inventory_sources"), n.ujt);
    if (!s) return Error::Detail(ErrorCode::kNotFound, "the node's inventory source is gone");
    int64_t id = StartInventorySourceUpdate(ctx, *s, "workflow");
    MarkSpawned(ctx, id, wj, nullptr);
    return id;
  }
  return Error::Msg("cannot spawn a job of template kind " + *kind);
}

}  // namespace baton::service
