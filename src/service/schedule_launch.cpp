#include "service/schedule_launch.hpp"

#include <spdlog/spdlog.h>

#include "core/secrets.hpp"
#include "service/attachments.hpp"
#include "service/job_launch.hpp"
#include "service/template_updates.hpp"
#include "service/workflow_graph.hpp"
#include "service/workflow_launch.hpp"
#include "store/job_status_sql.hpp"

namespace baton::service {
namespace {

constexpr const char* kOwner = "schedule";

json::object ObjectOf(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : json::object{};
}

std::optional<std::string> OptText(const Obj& o, const char* k) {
  auto* v = o.if_contains(k);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

void FailJob(Session& ctx, int64_t job, const std::string& why) {
  ctx.db.Exec(
      "UPDATE unified_jobs SET status = 'failed', failed = 1, finished = ?, modified = ?, "
      "job_explanation = ? WHERE id = ?",
      {ctx.now_iso(), ctx.now_iso(), why, job});
}

void MarkScheduled(Session& ctx, int64_t job, int64_t schedule) {
  ctx.db.Exec("UPDATE unified_jobs SET schedule_id = ?, launch_type = 'scheduled' WHERE id = ?",
              {schedule, job});
}

// Blocked while SCHEDULE_MAX_JOBS jobs of the template are queued or running (AWX's
// cache_timeout_blocked of job and workflow job templates).
bool TooManyQueued(Session& ctx, const char* column, int64_t ujt) {
  // AWX counts pending, waiting and running jobs here, not new ones.
  static const std::string queued =
      store::StatusList({JobStatus::kPending, JobStatus::kWaiting, JobStatus::kRunning});
  return ctx.db
             .QueryInt("SELECT COUNT(*) FROM unified_jobs WHERE " + std::string(column) +
                           " = ? AND status IN " + queued,
                       {ujt})
             .value_or(0) >= kScheduleMaxJobs;
}

// Blocked while the last update finished within the cache timeout (projects, inventory sources).
bool WithinCacheTimeout(Session& ctx, const char* column, int64_t ujt, int64_t timeout) {
  if (timeout <= 0) return false;
  auto last = ctx.db.QueryString(
      "SELECT MAX(finished) FROM unified_jobs WHERE " + std::string(column) + " = ?", {ujt});
  auto at = last ? ParseIso(*last) : std::nullopt;
  return at && *at + timeout * 1000000 > ctx.now;
}

// The schedule's extra_data with password answers decrypted (the template's survey validates
// them; job creation encrypts them again).
json::object PlainExtraData(Session& ctx, const Obj& s) {
  json::object vars = ObjectOf(s, "extra_data");
  for (const auto& kv : ObjectOf(s, "survey_passwords"))
    if (auto* v = vars.if_contains(kv.key());
        v && v->is_string() && std::string_view(v->as_string()).starts_with(kEncryptedPrefix))
      if (auto plain = Decrypt(ctx.cfg.secret_key, std::string_view(v->as_string())); plain.ok())
        *v = json::string(plain.value());
  return vars;
}

Result<int64_t> LaunchJob(Session& ctx, const Obj& s, int64_t sid, int64_t ujt) {
  auto jt = Load(ctx, Models::Get().Must("job_templates"), ujt);
  if (!jt) return Error::Detail(ErrorCode::kNotFound, "the schedule's job template is gone");
  if (TooManyQueued(ctx, "job_template_id", ujt))
    return Error::Msg("job template has " + std::to_string(kScheduleMaxJobs) +
                      " or more jobs waiting to run");
  domain::LaunchPrompts given;
  if (auto vars = PlainExtraData(ctx, s); !vars.empty()) given.extra_vars = std::move(vars);
  given.inventory = OptIdOf(s, "inventory");
  given.execution_environment = OptIdOf(s, "execution_environment");
  given.scm_branch = OptText(s, "scm_branch");
  given.job_type = OptText(s, "job_type");
  given.job_tags = OptText(s, "job_tags");
  given.skip_tags = OptText(s, "skip_tags");
  given.limit = OptText(s, "limit");
  if (auto d = OptIdOf(s, "diff_mode_raw")) given.diff_mode = *d != 0;
  given.verbosity = OptIdOf(s, "verbosity");
  given.forks = OptIdOf(s, "forks");
  given.job_slice_count = OptIdOf(s, "job_slice_count");
  given.timeout = OptIdOf(s, "timeout");
  if (auto creds = AttachedCredentials(ctx, kOwner, sid); !creds.empty())
    given.credentials = LoadLaunchCredentials(ctx, creds);
  if (auto labels = AttachedLabels(ctx, kOwner, sid); !labels.empty()) given.labels = labels;
  auto igs = ctx.db.Query(
      "SELECT instance_group_id FROM instance_group_attachments WHERE owner_type = ? AND "
      "owner_id = ? ORDER BY position",
      {std::string(kOwner), sid});
  if (!igs.empty()) {
    given.instance_groups.emplace();
    for (auto& r : igs.rows) given.instance_groups->push_back(store::AsInt(r[0]));
  }
  domain::JobTemplateState state = LoadTemplateState(ctx, *jt, given.inventory);
  // AWX's get_job_kwargs: what the template does not accept is dropped and logged.
  domain::PromptDecision dec = domain::AcceptJobPrompts(state, given);
  if (!dec.errors.empty())
    spdlog::info("schedule {}: prompts not accepted by job template {}: {}", sid, ujt,
                 Dump(dec.errors));
  if (state.Asks("inventory") && dec.accepted.inventory)
    state = LoadTemplateState(ctx, *jt, dec.accepted.inventory);
  JobLaunch l;
  l.template_obj = &*jt;
  l.state = state;
  l.accepted = dec.accepted;
  l.launch_type = "scheduled";
  if (int64_t slices = domain::EffectiveSliceCount(state, l.accepted); slices > 1) {
    BATON_ASSIGN(int64_t wj, CreateSlicedWorkflowJob(ctx, l, slices));
    MarkScheduled(ctx, wj, sid);
    return wj;
  }
  BATON_ASSIGN(int64_t id, CreateJob(ctx, l));
  MarkScheduled(ctx, id, sid);
  // signal_start: a job that needs launch passwords (or lacks its inventory or project) cannot
  // start unattended.
  auto cols = ctx.db.Query("SELECT inventory_id, project_id FROM unified_jobs WHERE id = ?", {id});
  bool missing = store::IsNull(cols.rows[0][0]) || store::IsNull(cols.rows[0][1]);
  bool passwords =
      !domain::PasswordsNeeded(domain::MergeCredentials(
                                   state.credentials, l.accepted.credentials.value_or(
                                                          std::vector<domain::LaunchCredential>{})))
           .empty();
  if (missing || passwords) FailJob(ctx, id, kScheduledCannotStart);
  return id;
}

Result<int64_t> LaunchWorkflow(Session& ctx, const Obj& s, int64_t sid, int64_t ujt) {
  auto wfjt = Load(ctx, Models::Get().Must("workflow_job_templates"), ujt);
  if (!wfjt)
    return Error::Detail(ErrorCode::kNotFound, "the schedule's workflow job template is gone");
  if (TooManyQueued(ctx, "workflow_job_template_id", ujt))
    return Error::Msg("workflow job template has " + std::to_string(kScheduleMaxJobs) +
                      " or more jobs waiting to run");
  json::object given;
  if (auto vars = ObjectOf(s, "extra_data"); !vars.empty()) given["extra_vars"] = vars;
  if (auto inv = OptIdOf(s, "inventory")) given["inventory"] = *inv;
  for (const char* k : {"limit", "scm_branch", "job_tags", "skip_tags"})
    if (auto v = OptText(s, k)) given[k] = *v;
  if (auto labels = AttachedLabels(ctx, kOwner, sid); !labels.empty()) {
    json::array a;
    for (int64_t l : labels) a.push_back(l);
    given["labels"] = std::move(a);
  }
  std::string key = ctx.cfg.secret_key;
  domain::Decryptor decrypt = [key](std::string_view stored) -> std::optional<std::string> {
    auto r = Decrypt(key, stored);
    if (!r.ok()) return std::nullopt;
    return r.value();
  };
  WorkflowPromptDecision dec =
      AcceptWorkflowPrompts(LoadWorkflowTemplateState(ctx, *wfjt), given, domain::PromptOptions{},
                            ObjectOf(s, "survey_passwords"), decrypt);
  if (!dec.errors.empty())
    spdlog::info("schedule {}: prompts not accepted by workflow job template {}: {}", sid, ujt,
                 Dump(dec.errors));
  WorkflowJobLaunch l;
  l.template_obj = &*wfjt;
  l.accepted = dec.accepted;
  l.launch_type = "scheduled";
  l.schedule = sid;
  return CreateWorkflowJob(ctx, l);
}

}  // namespace

Result<int64_t> ScheduleJobLauncher::Launch(store::Connection& c, int64_t sid, Micros now) {
  Session ctx{c, rbac::Caller{}, cfg_, now};
  auto s = Load(ctx, Models::Get().Must("schedules"), sid);
  if (!s) return Error::Detail(ErrorCode::kNotFound, "the schedule is gone");
  int64_t ujt = IdOf(*s, "unified_job_template");
  auto kind = TemplateKind(ctx, ujt);
  if (!kind) return Error::Detail(ErrorCode::kNotFound, "the schedule's template is gone");
  if (*kind == "job_template") return LaunchJob(ctx, *s, sid, ujt);
  if (*kind == "workflow_job_template") return LaunchWorkflow(ctx, *s, sid, ujt);
  if (*kind == "project") {
    auto p = Load(ctx, Models::Get().Must("projects"), ujt);
    if (!p) return Error::Detail(ErrorCode::kNotFound, "the schedule's project is gone");
    if (GetString(*p, "scm_type").empty()) return Error::Msg("a manual project cannot update");
    if (WithinCacheTimeout(ctx, "project_id", ujt, IdOf(*p, "scm_update_cache_timeout")))
      return Error::Msg("the project was updated within its cache timeout");
    int64_t id = StartProjectUpdate(ctx, *p, "scheduled");
    MarkScheduled(ctx, id, sid);
    return id;
  }
  if (*kind == "inventory_source") {
    auto src = Load(ctx, Models::Get().Must("inventory_sources"), ujt);
    if (!src) return Error::Detail(ErrorCode::kNotFound, "the schedule's inventory source is gone");
    if (WithinCacheTimeout(ctx, "inventory_source_id", ujt, IdOf(*src, "update_cache_timeout")))
      return Error::Msg("the inventory source was updated within its cache timeout");
    int64_t id = StartInventorySourceUpdate(ctx, *src, "scheduled");
    MarkScheduled(ctx, id, sid);
    return id;
  }
  return Error::Msg("cannot launch a template of kind " + *kind);
}

}  // namespace baton::service
