// Relaunching jobs (api-resources.md §17, workflow-semantics.md RL-5, RL-6): the template is
// launched again with the prompts the job was launched with (its launch configuration), without
// re-running prompt acceptance; hosts=failed limits the new job to the hosts that failed or were
// unreachable.
#include <algorithm>

#include "service/job_relaunch.hpp"

#include "service/attachments.hpp"
#include "service/job_launch.hpp"
#include "service/unified_jobs.hpp"

namespace baton::service {
namespace {

struct JobRow {
  int64_t id = 0;
  std::string status;
  std::optional<int64_t> job_template, organization, project, inventory, created_by;
  json::object config;
};

std::optional<JobRow> LoadJob(Session& ctx, int64_t id) {
  auto rows = ctx.db.Query(
      "SELECT id, status, job_template_id, organization_id, project_id, inventory_id, "
      "created_by_id, launch_config FROM unified_jobs WHERE id = ? AND type = 'job'",
      {id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  JobRow j;
  j.id = store::AsInt(r[0]);
  j.status = store::AsString(r[1]);
  j.job_template = store::AsOptInt(r[2]);
  j.organization = store::AsOptInt(r[3]);
  j.project = store::AsOptInt(r[4]);
  j.inventory = store::AsOptInt(r[5]);
  j.created_by = store::AsOptInt(r[6]);
  if (auto c = ParseJson(store::AsString(r[7])); c && c->is_object()) j.config = c->as_object();
  if (j.job_template &&
      !ctx.db.QueryInt("SELECT 1 FROM job_templates WHERE id = ?", {*j.job_template}))
    j.job_template.reset();
  return j;
}

std::vector<std::string> JobPasswordsNeeded(Session& ctx, int64_t job) {
  return domain::PasswordsNeeded(LoadLaunchCredentials(ctx, AttachedCredentials(ctx, "job", job)));
}

// Host names of the job's summaries, all or only those that failed or were unreachable.
std::vector<std::string> RetryHosts(Session& ctx, int64_t job, bool failed) {
  auto rows =
      ctx.db.Query(std::string("SELECT host_name FROM job_host_summaries WHERE job_id = ?") +
                       (failed ? " AND (failures > 0 OR dark > 0)" : "") + " ORDER BY host_name",
                   {job});
  std::vector<std::string> out;
  for (auto& r : rows.rows) out.push_back(store::AsString(r[0]));
  return out;
}

// JobLaunchConfigAccess.can_add over a stored configuration: use on its inventory and
// credentials, read on its labels.
bool CanUseConfig(Session& ctx, const json::object& c) {
  if (auto* v = c.if_contains("inventory");
      v && v->is_int64() && !HasRole(ctx, "inventory", v->get_int64(), "use_role"))
    return false;
  if (auto* v = c.if_contains("credentials"); v && v->is_array())
    for (auto& e : v->as_array())
      if (e.is_int64() && !HasRole(ctx, "credential", e.get_int64(), "use_role")) return false;
  if (auto* v = c.if_contains("labels"); v && v->is_array())
    for (auto& e : v->as_array())
      if (e.is_int64() && !CanRead(ctx, Models::Get().Must("labels"), e.get_int64())) return false;
  return true;
}

// RL-6: AWX JobAccess.can_start.
Status CanRelaunch(Session& ctx, const JobRow& j, const std::optional<Obj>& jt) {
  if (ctx.caller.superuser) return OkStatus();
  if (jt && !HasRole(ctx, "job_template", IdOf(*jt), "execute_role")) return Error::Forbidden();
  if (jt) {
    domain::JobTemplateState s = LoadTemplateState(ctx, *jt);
    if (!domain::HasUserPrompts(s, j.config, false)) return OkStatus();
    auto* vars = j.config.if_contains("extra_vars");
    if (j.created_by != ctx.caller.id && vars && vars->is_object() &&
        domain::VarsAreEncrypted(vars->as_object()))
      return Error::Forbidden("Job was launched with secret prompts provided by another user.");
    if (!domain::HasUserPrompts(s, j.config, true) && CanUseConfig(ctx, j.config))
      return OkStatus();
  }
  if (j.organization && HasRole(ctx, "organization", *j.organization, "execute_role"))
    return OkStatus();
  if (!jt && !j.organization)
    return Error::Forbidden("Job has been orphaned from its job template and organization.");
  if (jt)
    return Error::Forbidden("Job was launched with prompted fields you do not have access to.");
  return Error::Forbidden();
}

}  // namespace

Result<json::object> JobRelaunchRequirements(Session& ctx, int64_t job_id) {
  auto job = LoadJob(ctx, job_id);
  if (!job) return Error::NotFound();
  bool active = IsActiveStatus(job->status);
  std::vector<std::string> needed = JobPasswordsNeeded(ctx, job->id);
  json::value counts;
  if (active) {
    counts = "Relaunch by host status not available until job finishes running.";
  } else {
    counts = json::object{{"all", static_cast<int64_t>(RetryHosts(ctx, job->id, false).size())},
                          {"failed", static_cast<int64_t>(RetryHosts(ctx, job->id, true).size())}};
  }
  json::array pw;
  for (auto& p : needed) pw.push_back(json::string(p));
  return json::object{{"passwords_needed_to_start", std::move(pw)}, {"retry_counts", counts}};
}

Result<int64_t> RelaunchJob(Session& ctx, int64_t job_id, const json::object& body) {
  auto job = LoadJob(ctx, job_id);
  if (!job) return Error::NotFound();
  bool active = IsActiveStatus(job->status);
  std::vector<std::string> needed = JobPasswordsNeeded(ctx, job->id);
  BATON_TRY(CheckWriteScope(ctx));
  std::optional<Obj> jt;
  if (job->job_template) jt = Load(ctx, Models::Get().Must("job_templates"), *job->job_template);
  BATON_TRY(CanRelaunch(ctx, *job, jt));

  // Field validation: hosts, credential_passwords (top-level password keys accepted too).
  FieldErrors errs;
  std::string hosts = "all";
  if (auto* h = body.if_contains("hosts")) {
    std::string v = h->is_string() ? std::string(h->get_string()) : Dump(*h);
    if (v == "all" || v == "failed")
      hosts = v;
    else
      errs.Add("hosts", "\"" + v + "\" is not a valid choice.");
  }
  json::object passwords;
  if (auto* cp = body.if_contains("credential_passwords"); cp && cp->is_object())
    passwords = cp->as_object();
  for (const auto& p : needed)
    if (auto* v = body.if_contains(p)) passwords[p] = *v;
  std::string missing;
  json::object used;
  for (const auto& p : needed) {
    auto* v = passwords.if_contains(p);
    bool given = v && !v->is_null() && !(v->is_string() && v->get_string().empty()) &&
                 !(v->is_bool() && !v->get_bool());
    if (!given)
      missing += (missing.empty() ? "" : ", ") + p;
    else
      used[p] = *v;
  }
  if (!missing.empty())
    errs.Add("credential_passwords", "Missing passwords needed to start: " + missing);
  if (!errs.Empty()) return errs.ToError();
  if (!job->project)
    return Error::Body(
        ErrorCode::kInvalid,
        json::object{{"errors", json::array{"Job Template Project is missing or undefined."}}});
  if (!job->inventory ||
      ctx.db.QueryInt("SELECT pending_deletion FROM inventories WHERE id = ?", {*job->inventory})
              .value_or(1) != 0)
    return Error::Body(
        ErrorCode::kInvalid,
        json::object{{"errors", json::array{"Job Template Inventory is missing or undefined."}}});

  std::optional<std::string> limit;
  if (hosts == "failed") {
    if (active)
      return Error::Body(
          ErrorCode::kInvalid,
          json::object{{"hosts", "Wait until job finishes before retrying on failed hosts."}});
    if (!ctx.db.QueryInt(
            "SELECT 1 FROM job_events WHERE job_id = ? AND event = 'playbook_on_stats' LIMIT 1",
            {job->id}))
      return Error::Body(
          ErrorCode::kInvalid,
          json::object{{"hosts", "Cannot retry on failed hosts, playbook stats not available."}});
    std::vector<std::string> failed = RetryHosts(ctx, job->id, true);
    if (failed.empty())
      return Error::Body(
          ErrorCode::kInvalid,
          json::object{{"hosts", "Cannot relaunch because previous job had 0 failed hosts."}});
    std::string joined;
    for (auto& h : failed) joined += (joined.empty() ? "" : ",") + h;
    limit = joined;
  }
  if (!jt) {
    // An orphaned job (its template deleted) cannot be launched again from a template; AWX
    // copies the job's own fields, which needs the jobs resource's copy (not done here).
    return Error::Msg("Error starting job!");
  }
  JobLaunch l;
  l.template_obj = &*jt;
  l.state = LoadTemplateState(ctx, *jt);
  l.accepted = StoredLaunchPrompts(ctx, job->config);
  if (limit) l.accepted.limit = limit;
  l.passwords = std::move(used);
  l.launch_type = "relaunch";
  l.ancestor_job = job->id;
  // The new job also keeps the relaunched job's own credentials and labels (AWX
  // copy_m2m_relationships).
  std::vector<int64_t> creds;
  for (const auto& c : domain::MergeCredentials(
           l.state.credentials,
           l.accepted.credentials.value_or(std::vector<domain::LaunchCredential>{})))
    creds.push_back(c.id);
  for (int64_t c : AttachedCredentials(ctx, "job", job->id))
    if (std::find(creds.begin(), creds.end(), c) == creds.end()) creds.push_back(c);
  l.credentials_override = creds;
  std::vector<int64_t> labels = l.state.labels;
  for (const auto& src :
       {l.accepted.labels.value_or(std::vector<int64_t>{}), AttachedLabels(ctx, "job", job->id)})
    for (int64_t id : src)
      if (std::find(labels.begin(), labels.end(), id) == labels.end()) labels.push_back(id);
  l.labels_override = labels;
  store::Tx tx(ctx.db);
  BATON_ASSIGN(int64_t id, CreateJob(ctx, l));
  tx.Commit();
  return id;
}

}  // namespace baton::service
