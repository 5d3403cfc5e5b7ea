// Launching job templates (contract §13.1, LA-6..LA-11, LA-15) and the job creation every
// launch path shares.
#include "service/job_launch.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "core/secrets.hpp"
#include "core/vars.hpp"
#include "domain/launch_config.hpp"
#include "service/attachments.hpp"
#include "service/inventory.hpp"
#include "service/job_launch_fields.hpp"

namespace baton::service {
namespace {

constexpr const char* kCt = "job_template";

int64_t HostCount(Session& ctx, int64_t inventory) {
  auto inv = Load(ctx, Models::Get().Must("inventories"), inventory);
  return inv ? InventoryTotalHosts(ctx, *inv) : 0;
}

// AWX Project.get_reason_if_failed: an SCM project whose last update failed has no revision.
std::optional<std::string> ProjectFailure(Session& ctx, int64_t project) {
  auto scm = ctx.db.QueryString("SELECT scm_type FROM projects WHERE id = ?", {project});
  if (!scm || scm->empty()) return std::nullopt;
  auto st = ctx.db.QueryString(
      "SELECT status FROM unified_jobs WHERE project_id = ? AND type = 'project_update' ORDER BY "
      "id DESC LIMIT 1",
      {project});
  if (st && (*st == "failed" || *st == "error"))
    return "Missing a revision to run due to failed project update.";
  return std::nullopt;
}

bool PendingDeletion(Session& ctx, int64_t inventory) {
  return ctx.db.QueryInt("SELECT pending_deletion FROM inventories WHERE id = ?", {inventory})
             .value_or(1) != 0;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (auto& s : v) a.push_back(json::string(s));
  return a;
}

json::object LaunchRequirements(Session& ctx, const Obj& jt, const domain::JobTemplateState& s) {
  json::object out;
  out["can_start_without_user_input"] = domain::CanStartWithoutUserInput(s);
  out["passwords_needed_to_start"] = Strings(domain::PasswordsNeeded(s.credentials));
  for (const char* ask :
       {"ask_scm_branch_on_launch", "ask_variables_on_launch", "ask_tags_on_launch",
        "ask_diff_mode_on_launch", "ask_skip_tags_on_launch", "ask_job_type_on_launch",
        "ask_limit_on_launch", "ask_verbosity_on_launch", "ask_inventory_on_launch",
        "ask_credential_on_launch", "ask_execution_environment_on_launch", "ask_labels_on_launch",
        "ask_forks_on_launch", "ask_job_slice_count_on_launch", "ask_timeout_on_launch",
        "ask_instance_groups_on_launch"})
    out[ask] = GetBool(jt, ask);
  out["survey_enabled"] = domain::SurveyActive(s.survey_enabled, s.survey_spec);
  out["variables_needed_to_start"] = Strings(domain::VariablesNeededToStart(s));
  out["credential_needed_to_start"] = false;
  out["inventory_needed_to_start"] = !s.inventory.has_value();
  out["job_template_data"] = json::object{{"name", GetString(jt, "name")},
                                          {"id", IdOf(jt)},
                                          {"description", GetString(jt, "description")}};
  json::object d;
  d["extra_vars"] = GetString(jt, "extra_vars");
  d["diff_mode"] = s.diff_mode;
  d["limit"] = s.limit;
  d["job_tags"] = s.job_tags;
  d["skip_tags"] = s.skip_tags;
  d["job_type"] = s.job_type;
  d["verbosity"] = s.verbosity;
  json::object inv{{"name", nullptr}, {"id", nullptr}};
  if (s.inventory)
    if (auto name = ctx.db.QueryString("SELECT name FROM inventories WHERE id = ?", {*s.inventory}))
      inv = json::object{{"name", *name}, {"id", *s.inventory}};
  d["inventory"] = std::move(inv);
  d["scm_branch"] = s.scm_branch;
  if (!s.credentials.empty()) {
    json::array creds;
    for (const auto& c : s.credentials) {
      json::object o{{"id", c.id},
                     {"name", c.name},
                     {"credential_type", c.type_id},
                     {"passwords_needed", Strings(c.passwords_needed)}};
      if (c.kind == "vault")
        o["vault_id"] = c.vault_id.empty() ? json::value(nullptr) : json::value(c.vault_id);
      creds.push_back(std::move(o));
    }
    d["credentials"] = std::move(creds);
  }
  d["execution_environment"] = json::object{};
  if (!s.labels.empty()) {
    json::array labels;
    for (int64_t l : s.labels)
      labels.push_back(json::object{
          {"id", l},
          {"name", ctx.db.QueryString("SELECT name FROM labels WHERE id = ?", {l}).value_or("")}});
    d["labels"] = std::move(labels);
  }
  d["forks"] = s.forks;
  d["job_slice_count"] = s.job_slice_count;
  d["timeout"] = s.timeout;
  d["instance_groups"] = json::array{};
  out["defaults"] = std::move(d);
  return out;
}

// JobLaunchConfigAccess.can_add: use on a prompted inventory and on prompted credentials, read
// on prompted labels not already on the template (RB-8).
Status CanUsePrompts(Session& ctx, const domain::JobTemplateState& s,
                     const domain::LaunchPrompts& a) {
  if (ctx.caller.superuser) return OkStatus();
  if (a.inventory && !HasRole(ctx, "inventory", *a.inventory, "use_role"))
    return Error::Forbidden();
  if (a.credentials)
    for (const auto& c : *a.credentials)
      if (!HasRole(ctx, "credential", c.id, "use_role")) return Error::Forbidden();
  if (a.labels)
    for (int64_t l : *a.labels)
      if (std::find(s.labels.begin(), s.labels.end(), l) == s.labels.end() &&
          !CanRead(ctx, Models::Get().Must("labels"), l))
        return Error::Forbidden();
  return OkStatus();
}

// The accepted prompts as the job's launch configuration keeps them (DM-21): prompt names as
// keys, ids for objects, password answers encrypted.
json::object ConfigOf(Session& ctx, const domain::JobTemplateState& s,
                      const domain::LaunchPrompts& a,
                      const std::vector<int64_t>& merged_credentials) {
  json::object c;
  if (a.extra_vars) {
    json::object vars = domain::PromptedVarsForConfig(s, *a.extra_vars, MakeEncryptor(ctx));
    if (!vars.empty()) c["extra_vars"] = std::move(vars);
    if (domain::SurveyActive(s.survey_enabled, s.survey_spec)) {
      json::object pw = domain::SurveyPasswords(s.survey_spec);
      if (!pw.empty()) c["survey_passwords"] = std::move(pw);
    }
  }
  domain::WriteScalarPrompts(a, c);
  if (a.credentials && !merged_credentials.empty()) {
    json::array ids;
    for (int64_t id : merged_credentials) ids.push_back(id);
    c["credentials"] = std::move(ids);
  }
  if (a.labels && !a.labels->empty()) {
    json::array ids;
    for (int64_t id : *a.labels) ids.push_back(id);
    c["labels"] = std::move(ids);
  }
  if (a.instance_groups && !a.instance_groups->empty()) {
    json::array ids;
    for (int64_t id : *a.instance_groups) ids.push_back(id);
    c["instance_groups"] = std::move(ids);
  }
  return c;
}

store::Value Caller(Session& ctx) {
  return ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null();
}

}  // namespace

domain::Encryptor MakeEncryptor(Session& ctx) {
  std::string key = ctx.cfg.secret_key;
  return [key](std::string_view plain) { return Encrypt(key, plain); };
}

domain::Decryptor MakeDecryptor(Session& ctx) {
  std::string key = ctx.cfg.secret_key;
  return [key](std::string_view stored) -> std::optional<std::string> {
    auto r = Decrypt(key, stored);
    if (!r.ok()) return std::nullopt;
    return r.value();
  };
}

domain::JobTemplateState LoadTemplateState(Session& ctx, const Obj& jt,
                                           std::optional<int64_t> prompted_inventory) {
  domain::JobTemplateState s;
  int64_t id = IdOf(jt);
  s.inventory = OptIdOf(jt, "inventory");
  s.project = OptIdOf(jt, "project");
  s.execution_environment = OptIdOf(jt, "execution_environment");
  s.job_type = GetString(jt, "job_type", "run");
  s.limit = GetString(jt, "limit");
  s.scm_branch = GetString(jt, "scm_branch");
  s.job_tags = GetString(jt, "job_tags");
  s.skip_tags = GetString(jt, "skip_tags");
  s.verbosity = IdOf(jt, "verbosity");
  s.forks = IdOf(jt, "forks");
  s.job_slice_count = IdOf(jt, "job_slice_count");
  s.timeout = IdOf(jt, "timeout");
  s.diff_mode = GetBool(jt, "diff_mode");
  if (auto vars = ParseVarsMapping(GetString(jt, "extra_vars")); vars.ok())
    s.extra_vars = vars.value();
  s.survey_enabled = GetBool(jt, "survey_enabled");
  if (auto* spec = jt.if_contains("survey_spec"); spec && spec->is_object())
    s.survey_spec = spec->as_object();
  s.credentials = LoadLaunchCredentials(ctx, AttachedCredentials(ctx, kCt, id));
  s.labels = AttachedLabels(ctx, kCt, id);
  if (s.project) {
    auto p =
        ctx.db.Query("SELECT scm_branch, allow_override FROM projects WHERE id = ?", {*s.project});
    if (!p.empty()) {
      s.project_scm_branch = store::AsString(p.rows[0][0]);
      s.project_allow_override = store::AsInt(p.rows[0][1]) != 0;
    }
  }
  for (auto inv : {s.inventory, prompted_inventory})
    if (inv) s.inventory_hosts[*inv] = HostCount(ctx, *inv);
  for (const auto& [prompt, ask] : domain::JobTemplateAskMapping())
    if (GetBool(jt, ask)) s.asks.insert(prompt);
  return s;
}

Result<int64_t> CreateJob(Session& ctx, const JobLaunch& l) {
  const Obj& t = *l.template_obj;
  const domain::JobTemplateState& s = l.state;
  const domain::LaunchPrompts& a = l.accepted;
  json::object vars = domain::BuildJobExtraVars(s, a.extra_vars.value_or(json::object{}),
                                                MakeEncryptor(ctx), MakeDecryptor(ctx));
  json::object survey_passwords;
  if (domain::SurveyActive(s.survey_enabled, s.survey_spec))
    survey_passwords = domain::SurveyPasswords(s.survey_spec);
  std::vector<int64_t> creds;
  if (l.credentials_override) {
    creds = *l.credentials_override;
  } else {
    for (const auto& c : domain::MergeCredentials(
             s.credentials, a.credentials.value_or(std::vector<domain::LaunchCredential>{})))
      creds.push_back(c.id);
  }
  std::vector<int64_t> labels = s.labels;
  if (l.labels_override) {
    labels = *l.labels_override;
  } else if (a.labels) {
    for (int64_t id : *a.labels)
      if (std::find(labels.begin(), labels.end(), id) == labels.end()) labels.push_back(id);
  }
  json::object config = ConfigOf(ctx, s, a, creds);
  auto inventory = a.inventory ? a.inventory : s.inventory;
  int64_t forks = a.forks.value_or(s.forks);
  int64_t fork_cap = forks == 0 ? 5 : forks;
  int64_t hosts = inventory ? HostCount(ctx, *inventory) : fork_cap;
  int64_t task_impact = std::min(hosts, fork_cap) + 1;
  std::string start_args =
      l.passwords.empty() ? "" : Encrypt(ctx.cfg.secret_key, Dump(l.passwords));
  auto ee = a.execution_environment ? a.execution_environment : s.execution_environment;
  store::Tx tx(ctx.db);
  int64_t id = ctx.db.Insert(
      "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, "
      "job_template_id, "
      "launch_type, status, organization_id, project_id, inventory_id, playbook, scm_branch, "
      "forks, limit_, verbosity, job_type, extra_vars, job_tags, skip_tags, start_at_task, "
      "timeout, use_fact_cache, become_enabled, diff_mode, force_handlers, allow_simultaneous, "
      "job_slice_number, job_slice_count, survey_passwords, launch_config, start_args, "
      "task_impact, execution_environment_id, webhook_service, webhook_credential_id, "
      "ancestor_job_id, created, modified, created_by_id, modified_by_id, "
      "event_processing_finished) "
      "VALUES ('job', ?, ?, ?, "
      "?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
      {GetString(t, "name"),
       GetString(t, "description"),
       IdOf(t),
       IdOf(t),
       l.launch_type,
       store::OptId(OptIdOf(t, "organization")),
       store::OptId(s.project),
       store::OptId(inventory),
       GetString(t, "playbook"),
       a.scm_branch.value_or(s.scm_branch),
       forks,
       a.limit.value_or(s.limit),
       a.verbosity.value_or(s.verbosity),
       a.job_type.value_or(s.job_type),
       DumpPy(vars),
       a.job_tags.value_or(s.job_tags),
       a.skip_tags.value_or(s.skip_tags),
       GetString(t, "start_at_task"),
       a.timeout.value_or(s.timeout),
       int64_t{GetBool(t, "use_fact_cache")},
       int64_t{GetBool(t, "become_enabled")},
       int64_t{a.diff_mode.value_or(s.diff_mode)},
       int64_t{GetBool(t, "force_handlers")},
       int64_t{GetBool(t, "allow_simultaneous")},
       Dump(survey_passwords),
       Dump(config),
       start_args,
       task_impact,
       store::OptId(ee),
       GetString(t, "webhook_service"),
       store::OptId(OptIdOf(t, "webhook_credential")),
       store::OptId(l.ancestor_job),
       ctx.now_iso(),
       ctx.now_iso(),
       Caller(ctx),
       Caller(ctx)});
  for (int64_t c : creds) AttachCredential(ctx, "job", id, c);
  for (int64_t lab : labels) AttachLabel(ctx, "job", id, lab);
  tx.Commit();
  ctx.wake = true;
  return id;
}

Result<int64_t> CreateSlicedWorkflowJob(Session& ctx, const JobLaunch& l, int64_t slices) {
  const Obj& t = *l.template_obj;
  const domain::JobTemplateState& s = l.state;
  const domain::LaunchPrompts& a = l.accepted;
  json::object vars = domain::BuildJobExtraVars(s, a.extra_vars.value_or(json::object{}),
                                                MakeEncryptor(ctx), MakeDecryptor(ctx));
  json::object survey_passwords;
  if (domain::SurveyActive(s.survey_enabled, s.survey_spec))
    survey_passwords = domain::SurveyPasswords(s.survey_spec);
  std::vector<int64_t> creds;
  for (const auto& c : domain::MergeCredentials(
           s.credentials, a.credentials.value_or(std::vector<domain::LaunchCredential>{})))
    creds.push_back(c.id);
  std::vector<int64_t> labels = s.labels;
  if (a.labels)
    for (int64_t id : *a.labels)
      if (std::find(labels.begin(), labels.end(), id) == labels.end()) labels.push_back(id);
  json::object config = ConfigOf(ctx, s, a, creds);
  json::object char_prompts{{"limit", a.limit.value_or(s.limit)},
                            {"scm_branch", a.scm_branch.value_or(s.scm_branch)},
                            {"job_tags", a.job_tags.value_or(s.job_tags)},
                            {"skip_tags", a.skip_tags.value_or(s.skip_tags)}};
  auto inventory = a.inventory ? a.inventory : s.inventory;
  std::string start_args =
      l.passwords.empty() ? "" : Encrypt(ctx.cfg.secret_key, Dump(l.passwords));
  std::string now = ctx.now_iso();
  store::Tx tx(ctx.db);
  int64_t id = ctx.db.Insert(
      "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, "
      "job_template_id, is_sliced_job, launch_type, status, organization_id, inventory_id, "
      "extra_vars, survey_passwords, launch_config, char_prompts, allow_simultaneous, "
      "start_args, webhook_service, webhook_credential_id, ancestor_job_id, "
      "event_processing_finished, created, modified, created_by_id, modified_by_id) VALUES "
      "('workflow_job', ?, ?, ?, ?, 1, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, "
      "?, ?) RETURNING id",
      {GetString(t, "name"),
       GetString(t, "description"),
       IdOf(t),
       IdOf(t),
       l.launch_type,
       store::OptId(OptIdOf(t, "organization")),
       store::OptId(inventory),
       DumpPy(vars),
       Dump(survey_passwords),
       Dump(config),
       Dump(char_prompts),
       int64_t{GetBool(t, "allow_simultaneous")},
       start_args,
       GetString(t, "webhook_service"),
       store::OptId(OptIdOf(t, "webhook_credential")),
       store::OptId(l.ancestor_job),
       now,
       now,
       Caller(ctx),
       Caller(ctx)});
  for (int64_t lab : labels) AttachLabel(ctx, "workflow_job", id, lab);
  // K root nodes, each running the template with its slice marker (RL-8, RL-9).
  for (int64_t i = 1; i <= slices; ++i)
    ctx.db.Exec(
        "INSERT INTO workflow_job_nodes (workflow_job_id, unified_job_template_id, identifier, "
        "job_slice, created, modified) VALUES (?, ?, ?, ?, ?, ?)",
        {id, IdOf(t), RandomUuid4(), i, now, now});
  tx.Commit();
  ctx.wake = true;
  return id;
}

domain::LaunchPrompts StoredLaunchPrompts(Session& ctx, const json::object& config) {
  domain::StoredPrompts s = domain::ReadLaunchConfig(config);
  if (s.credential_ids) s.prompts.credentials = LoadLaunchCredentials(ctx, *s.credential_ids);
  return s.prompts;
}

Result<TemplateLaunched> LaunchJobTemplate(Session& ctx, const Obj& jt, const json::object& body) {
  BATON_TRY(CheckWriteScope(ctx));
  BATON_TRY(RequireRole(ctx, kCt, IdOf(jt), "execute_role"));
  FieldErrors ferrs;
  domain::LaunchPrompts given = ParseLaunchBody(ctx, body, ferrs);
  if (!ferrs.Empty()) return ferrs.ToError();
  // Passwords come in credential_passwords, or as top-level keys (AWX
  // modernize_launch_payload).
  json::object passwords = body;
  if (auto* cp = body.if_contains("credential_passwords"))
    passwords = cp->is_object() ? cp->as_object() : json::object{};

  domain::JobTemplateState s = LoadTemplateState(ctx, jt, given.inventory);
  domain::PromptOptions opts;
  opts.prompt_errors = false;  // LA-15: unprompted values are only ignored
  domain::PromptDecision d = domain::AcceptJobPrompts(s, given, opts);
  json::object errors = d.errors;
  if (!s.project) {
    errors["project"] = json::array{"A project is required to run a job."};
  } else if (auto why = ProjectFailure(ctx, *s.project)) {
    errors["playbook"] = json::array{json::string(*why)};
  }
  if (s.inventory && PendingDeletion(ctx, *s.inventory))
    errors["inventory"] =
        json::array{"The inventory associated with this Job Template is being deleted."};
  else if (d.accepted.inventory && PendingDeletion(ctx, *d.accepted.inventory))
    errors["inventory"] = json::array{"The provided inventory is being deleted."};
  json::object used = domain::CheckLaunchCredentials(s, given, d, passwords, errors);
  if (!errors.empty()) return Error::Body(ErrorCode::kInvalid, std::move(errors));
  BATON_TRY(CanUsePrompts(ctx, s, d.accepted));
  // A password given empty cannot start the job (AWX signal_start).
  json::array lacking;
  bool empty = false;
  for (auto& kv : used) {
    lacking.push_back(json::string(kv.key()));
    if (!kv.value().is_string() || kv.value().get_string().empty()) empty = true;
  }
  if (empty)
    return Error::Body(ErrorCode::kInvalid, json::object{{"passwords_needed_to_start", lacking}});

  JobLaunch l;
  l.template_obj = &jt;
  l.state = std::move(s);
  l.accepted = d.accepted;
  l.passwords = std::move(used);
  store::Tx tx(ctx.db);
  // RL-7, RL-8: more than one effective slice makes a sliced workflow job.
  if (int64_t slices = domain::EffectiveSliceCount(l.state, l.accepted); slices > 1) {
    BATON_ASSIGN(int64_t wj, CreateSlicedWorkflowJob(ctx, l, slices));
    tx.Commit();
    return TemplateLaunched{wj, true, std::move(d.ignored)};
  }
  BATON_ASSIGN(int64_t id, CreateJob(ctx, l));
  tx.Commit();
  return TemplateLaunched{id, false, std::move(d.ignored)};
}

json::object JobTemplateLaunchRequirements(Session& ctx, const Obj& jt) {
  return LaunchRequirements(ctx, jt, LoadTemplateState(ctx, jt));
}

}  // namespace baton::service
