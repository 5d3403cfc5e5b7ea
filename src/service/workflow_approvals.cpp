// Deciding workflow approvals (workflow-semantics.md EX-18, RB-16): who may, and the decision.
#include "service/workflow_approvals.hpp"

#include <cmath>

#include "service/activity.hpp"
#include "service/workflow_graph.hpp"

namespace baton::service {

// The workflow job an approval belongs to: the job of its node, else source_workflow_job.
std::optional<int64_t> WorkflowJobOf(Session& ctx, const Obj& ap) {
  if (auto wj = ctx.db.QueryInt("SELECT workflow_job_id FROM workflow_job_nodes WHERE job_id = ?",
                                {IdOf(ap)}))
    return wj;
  return OptIdOf(ap, "source_workflow_job");
}

std::optional<int64_t> WfjtOf(Session& ctx, const Obj& ap) {
  auto wj = WorkflowJobOf(ctx, ap);
  if (!wj) return std::nullopt;
  auto t = ctx.db.QueryInt("SELECT workflow_job_template_id FROM unified_jobs WHERE id = ?", {*wj});
  if (!t || !ctx.db.QueryInt("SELECT 1 FROM workflow_job_templates WHERE id = ?", {*t}))
    return std::nullopt;
  return t;
}

// RB-16.
bool MayApprove(Session& ctx, const Obj& ap) {
  if (ctx.caller.read_only_token) return false;
  if (ctx.caller.superuser) return true;
  auto t = WfjtOf(ctx, ap);
  return t && HasRole(ctx, kWfjtCt, *t, "approval_role");
}

Status DecideApproval(Session& ctx, const Obj& ap, bool approve) {
  BATON_TRY(CheckWriteScope(ctx));
  if (!MayApprove(ctx, ap)) return Error::Forbidden();
  std::string before = GetString(ap, "status");
  if (before != "pending")
    return Error::Body(ErrorCode::kInvalid,
                       json::object{{"error",
                                     "This workflow step has already been approved or "
                                     "denied."}});
  std::string after = approve ? "successful" : "failed";
  std::string now = ctx.now_iso();
  double elapsed = 0;
  if (auto started = ParseIso(GetString(ap, "started")))
    elapsed = std::round(static_cast<double>(ctx.now - *started) / 1000.0) / 1000.0;
  store::Tx tx(ctx.db);
  ctx.db.Exec(
      "UPDATE unified_jobs SET status = ?, failed = ?, approved_or_denied_by_id = ?, "
      "finished = ?, elapsed = ?, expires = NULL, modified = ?, modified_by_id = ? WHERE id = ? "
      "AND status = 'pending'",
      {after, int64_t{approve ? 0 : 1}, ctx.caller.id, now, elapsed, now, ctx.caller.id, IdOf(ap)});
  RecordActivity(ctx, "update", {"workflow_approval", IdOf(ap), GetString(ap, "name")},
                 json::object{{"status", json::array{json::string(before), json::string(after)}}});
  tx.Commit();
  ctx.wake = true;
  return OkStatus();
}

}  // namespace baton::service
