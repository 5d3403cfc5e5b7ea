#include "service/unified_jobs.hpp"

#include "store/job_status_sql.hpp"

namespace baton::service {

std::vector<FieldDef> UnifiedJobFields() {
  auto ro = [](FieldDef f) {
    f.read_only = true;
    return f;
  };
  FieldDef launch_type = ro(F("launch_type", FieldType::kChoice));
  for (auto v : {"manual", "relaunch", "callback", "scheduled", "dependency", "workflow", "webhook",
                 "sync", "scm"})
    launch_type.choices.emplace_back(v, v);
  FieldDef status = ro(F("status", FieldType::kChoice));
  for (JobStatus v : kJobStatuses) status.choices.emplace_back(ToString(v), ToString(v));
  FieldDef ujt = ro(F("unified_job_template", FieldType::kInt));
  ujt.column = "unified_job_template_id";
  ujt.nullable = true;
  FieldDef elapsed = ro(F("elapsed", FieldType::kFloat));
  FieldDef job_env = ro(F("job_env", FieldType::kJson));
  job_env.hidden_in_list = true;
  FieldDef job_args = ro(F("job_args", FieldType::kText));
  job_args.hidden_in_list = true;
  FieldDef job_cwd = ro(F("job_cwd", FieldType::kText));
  job_cwd.hidden_in_list = true;
  FieldDef tb = ro(F("result_traceback", FieldType::kText));
  tb.hidden_in_list = true;
  FieldDef epf = ro(Bool("event_processing_finished"));
  epf.hidden_in_list = true;
  FieldDef swj = Internal("source_workflow_job", "source_workflow_job_id", FieldType::kFk);
  swj.fk = "workflow_jobs";
  FieldDef anc = Internal("ancestor_job", "ancestor_job_id", FieldType::kFk);
  FieldDef sched = Internal("schedule", "schedule_id", FieldType::kFk);
  sched.fk = "schedules";
  return {ro(Str("name", 512)),
          ro(Text("description")),
          ujt,
          launch_type,
          status,
          ro(Fk("execution_environment", "execution_environments")),
          ro(Bool("failed")),
          Dt("started"),
          Dt("finished"),
          Dt("canceled_on"),
          elapsed,
          job_args,
          job_cwd,
          job_env,
          ro(F("job_explanation", FieldType::kText)),
          ro(F("execution_node", FieldType::kText)),
          ro(F("controller_node", FieldType::kText)),
          tb,
          epf,
          Internal("cancel_requested", "cancel_requested", FieldType::kBool),
          swj,
          anc,
          sched};
}

std::optional<json::object> TableSummary(Session& ctx, std::string_view table, int64_t id) {
  auto rows = ctx.db.Query(
      "SELECT id, name, description FROM " + std::string(table) + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return json::object{{"id", store::AsInt(rows.rows[0][0])},
                      {"name", store::AsString(rows.rows[0][1])},
                      {"description", store::AsString(rows.rows[0][2])}};
}

std::optional<json::object> JobSummaryWithTemplate(Session& ctx, int64_t job_id) {
  auto rows = ctx.db.Query(
      "SELECT u.id, u.name, u.description, u.status, u.failed, u.elapsed, u.type, u.canceled_on, "
      "jt.id, jt.name FROM unified_jobs u LEFT JOIN job_templates jt ON jt.id = u.job_template_id "
      "WHERE u.id = ?",
      {job_id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  json::object s{{"id", store::AsInt(r[0])},
                 {"name", store::AsString(r[1])},
                 {"description", store::AsString(r[2])},
                 {"status", store::AsString(r[3])},
                 {"failed", store::AsInt(r[4]) != 0},
                 {"elapsed", store::AsDouble(r[5])},
                 {"type", store::AsString(r[6])}};
  if (!store::IsNull(r[7])) s["canceled_on"] = store::AsString(r[7]);
  if (!store::IsNull(r[8])) {
    s["job_template_id"] = store::AsInt(r[8]);
    s["job_template_name"] = store::AsString(r[9]);
  }
  return s;
}

Status CheckNoActiveJobs(Session& ctx, std::string_view column, int64_t id) {
  auto active = ctx.db.Query("SELECT id, type FROM unified_jobs WHERE " + std::string(column) +
                                 " = ? AND status IN " + store::ActiveStatusList() + " ORDER BY id",
                             {id});
  if (active.empty()) return OkStatus();
  json::array jobs;
  for (auto& r : active.rows)
    jobs.push_back(json::object{{"id", store::AsInt(r[0])}, {"type", store::AsString(r[1])}});
  return Error::Body(
      ErrorCode::kConflict,
      json::object{{"error", "Resource is being used by running jobs."}, {"active_jobs", jobs}});
}

Status CheckDeletableJob(Session& ctx, const Obj& job) {
  if (IsActiveStatus(GetString(job, "status")))
    return Error::Forbidden("Cannot delete running job resource.");
  return OkStatus();
}

Status CancelJob(Session& ctx, const ResourceModel& def, const Obj& job) {
  BATON_TRY(CheckWriteScope(ctx));
  if (def.can_change) BATON_TRY(def.can_change(ctx, job, Obj{}));
  ctx.db.Exec(
      "UPDATE unified_jobs SET cancel_requested = 1, canceled_on = COALESCE(canceled_on, ?), "
      "modified = ? WHERE id = ?",
      {ctx.now_iso(), ctx.now_iso(), IdOf(job)});
  ctx.wake = true;
  return OkStatus();
}

}  // namespace baton::service
