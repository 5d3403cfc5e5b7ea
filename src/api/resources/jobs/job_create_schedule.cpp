// create_schedule/ of jobs (AWX's JobCreateSchedule; workflow-semantics.md DM-21 uses the same
// launch configuration): GET {"can_schedule", "prompts"}; POST makes a disabled monthly
// schedule of the job's template carrying the job's launch configuration (prompts, extra vars
// with password answers still encrypted, credentials it prompted for, labels, instance groups),
// named "Auto-generated schedule from job N" (" - number K" when taken). Pushed into the jobs
// resource by RegisterSchedules.
#include <algorithm>

#include "api/resources/common.hpp"
#include "api/resources/triggers/schedules.hpp"
#include "domain/rrule.hpp"
#include "service/attachments.hpp"
#include "service/workflow_graph.hpp"

namespace baton::api {
namespace {

struct JobConfig {
  int64_t job = 0;
  std::optional<int64_t> jt;  // the job's template, when it still exists
  json::object config;        // the launch configuration
  bool passwords = false;     // its credentials need launch passwords
};

JobConfig LoadConfig(Session& ctx, int64_t job) {
  JobConfig c;
  c.job = job;
  auto rows =
      ctx.db.Query("SELECT job_template_id, launch_config FROM unified_jobs WHERE id = ?", {job});
  if (rows.empty()) return c;
  if (auto jt = store::AsOptInt(rows.rows[0][0]); jt && TemplateKind(ctx, *jt) == "job_template")
    c.jt = jt;
  if (auto v = ParseJson(store::AsString(rows.rows[0][1])); v && v->is_object())
    c.config = v->as_object();
  c.passwords =
      !domain::PasswordsNeeded(LoadLaunchCredentials(ctx, AttachedCredentials(ctx, "job", job)))
           .empty();
  return c;
}

std::vector<int64_t> IdsOf(const json::object& o, const char* key) {
  std::vector<int64_t> out;
  if (auto* v = o.if_contains(key); v && v->is_array())
    for (auto& e : v->as_array())
      if (e.is_int64()) out.push_back(e.get_int64());
  return out;
}

// "Auto-generated schedule from job N", or the first free " - number K".
std::string FreeName(Session& ctx, int64_t job) {
  std::string base = "Auto-generated schedule from job " + std::to_string(job);
  auto taken = [&](const std::string& n) {
    return ctx.db.QueryInt("SELECT 1 FROM schedules WHERE name = ?", {n}).has_value();
  };
  if (!taken(base)) return base;
  for (int k = 1;; ++k) {
    std::string alt = base + " - number " + std::to_string(k);
    if (!taken(alt)) return alt;
  }
}

Result<Reply> Handle(Ctx& ctx, ApiRequest& req) {
  const ResourceDef& jobs = Registry::Get().Must("jobs");
  BATON_ASSIGN(Obj job, LoadReadable(ctx, jobs, req.ids[0]));
  JobConfig c = LoadConfig(ctx, IdOf(job));
  bool can = c.jt && !c.passwords;
  if (req.method == "GET") {
    json::object prompts = c.config;
    prompts.erase("survey_passwords");
    if (auto* pw = c.config.if_contains("survey_passwords"); pw && pw->is_object())
      if (auto* vars = prompts.if_contains("extra_vars"); vars && vars->is_object())
        for (auto& kv : pw->as_object())
          if (auto* x = vars->as_object().if_contains(kv.key())) *x = "$encrypted$";
    return Reply::Json(json::object{{"can_schedule", can}, {"prompts", std::move(prompts)}});
  }
  BATON_TRY(CheckWriteScope(ctx));
  if (c.passwords)
    return Error::Err("Cannot create schedule because job requires credential passwords.");
  if (!c.jt) return Error::Err("Cannot create schedule because a related resource is missing.");
  const ResourceDef& def = Registry::Get().Must("schedules");
  Obj data{{"unified_job_template", *c.jt}};
  if (auto* inv = c.config.if_contains("inventory"); inv && inv->is_int64())
    data["inventory"] = *inv;
  BATON_TRY(def.can_add(ctx, data));
  // Disabled: no next run; monthly from now.
  std::string stamp = domain::rrule::FormatUtc(ctx.now / 1000000 * 1000000);
  stamp.erase(
      std::remove_if(stamp.begin(), stamp.end(), [](char ch) { return ch == '-' || ch == ':'; }),
      stamp.end());
  std::string rule = "DTSTART:" + stamp + " RRULE:FREQ=MONTHLY;INTERVAL=1";
  auto set = domain::rrule::RuleSet::Parse(rule);
  if (!set.ok()) return set.error();
  auto comp = domain::rrule::Compute(*set, ctx.now, false);
  auto text = [&](const char* k) -> store::Value {
    auto* v = c.config.if_contains(k);
    return v && v->is_string() ? store::Value(std::string(v->as_string())) : store::Null();
  };
  auto num = [&](const char* k) -> store::Value {
    auto* v = c.config.if_contains(k);
    return v && v->is_int64() ? store::Value(v->get_int64()) : store::Null();
  };
  json::object extra, pw;
  if (auto* v = c.config.if_contains("extra_vars"); v && v->is_object()) extra = v->as_object();
  if (auto* v = c.config.if_contains("survey_passwords"); v && v->is_object()) pw = v->as_object();
  store::Value diff = store::Null();
  if (auto* v = c.config.if_contains("diff_mode"); v && v->is_bool()) diff = int64_t{v->get_bool()};
  store::Value by = ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null();
  store::Tx tx(ctx.db);
  int64_t id = ctx.db.Insert(
      "INSERT INTO schedules (name, unified_job_template_id, rrule, enabled, dtstart, dtend, "
      "next_run, timezone, until, extra_data, survey_passwords, inventory_id, "
      "execution_environment_id, scm_branch, job_type, job_tags, skip_tags, limit_, diff_mode, "
      "verbosity, forks, job_slice_count, timeout, created, modified, created_by_id, "
      "modified_by_id) VALUES (?, ?, ?, 0, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {FreeName(ctx, c.job),
       *c.jt,
       rule,
       comp.dtstart ? store::Value(FormatIso(*comp.dtstart)) : store::Null(),
       comp.timezone,
       comp.until,
       Dump(extra),
       Dump(pw),
       num("inventory"),
       num("execution_environment"),
       text("scm_branch"),
       text("job_type"),
       text("job_tags"),
       text("skip_tags"),
       text("limit"),
       diff,
       num("verbosity"),
       num("forks"),
       num("job_slice_count"),
       num("timeout"),
       ctx.now_iso(),
       ctx.now_iso(),
       by,
       by});
  // The credentials the job prompted for (the template's own stay on the template).
  std::vector<int64_t> own = AttachedCredentials(ctx, "job_template", *c.jt);
  for (int64_t cred : IdsOf(c.config, "credentials"))
    if (std::find(own.begin(), own.end(), cred) == own.end())
      AttachCredential(ctx, "schedule", id, cred);
  for (int64_t label : IdsOf(c.config, "labels")) AttachLabel(ctx, "schedule", id, label);
  int64_t pos = 0;
  for (int64_t ig : IdsOf(c.config, "instance_groups"))
    ctx.db.Exec(
        "INSERT INTO instance_group_attachments (owner_type, owner_id, instance_group_id, "
        "position) VALUES ('schedule', ?, ?, ?) ON CONFLICT DO NOTHING",
        {id, ig, pos++});
  auto created = Load(ctx, def, id);
  tx.Commit();
  return Reply::Created(SerializeDetail(ctx, def, *created), def.Url(id));
}

}  // namespace

ActionDef JobCreateScheduleAction() {
  ActionDef a;
  a.name = "create_schedule";
  a.methods = {"GET", "POST"};
  a.title = "Job Create Schedule";
  a.handler = Handle;
  return a;
}

}  // namespace baton::api
