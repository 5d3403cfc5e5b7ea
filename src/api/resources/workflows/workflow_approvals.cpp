// Workflow approvals (workflow-semantics.md DM-19, EX-18, RB-16, RB-18; api-resources.md §29):
// /api/v2/workflow_approvals/ list and detail, DELETE (superusers), approve/ and deny/. An
// approval is a row of unified_jobs with type 'workflow_approval' (view workflow_approvals),
// created 'pending' by the workflow manager's spawner; its expiry belongs to the manager.
#include "service/workflow_approvals.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"
#include "service/workflow_graph.hpp"

namespace baton::api {

std::string WorkflowJobsReadableOn(Session& ctx, store::Params& p, const std::string& a);

namespace {

constexpr const char* kRes = "workflow_approvals";

const ResourceDef& Def() {
  return Registry::Get().Must(kRes);
}

bool ActiveStatus(std::string_view s) {
  auto st = ParseJobStatus(s);
  return st && BlocksDeletion(*st);
}

// RB-18: superusers only, never while pending or while its workflow job runs.
Status CanDelete(Session& ctx, const Obj& ap) {
  if (!ctx.caller.superuser) return Error::Forbidden();
  if (auto wj = WorkflowJobOf(ctx, ap)) {
    auto st = ctx.db.QueryString("SELECT status FROM unified_jobs WHERE id = ?", {*wj});
    if (st && ActiveStatus(*st))
      return Error::Forbidden(
          "Cannot delete job resource when associated workflow job is running.");
  }
  if (ActiveStatus(GetString(ap, "status")))
    return Error::Forbidden("Cannot delete running job resource.");
  return OkStatus();
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool detail) {
  int64_t id = IdOf(o);
  DecorateUnifiedJob(ctx, Def(), o, out, "workflow_approval_templates", detail);
  auto& related = RelatedOf(out);
  related.erase("stdout");
  related.erase("cancel");
  auto& sf = SummaryOf(out);
  std::string status = GetString(o, "status");
  int64_t timeout = IdOf(o, "timeout");
  out["can_approve_or_deny"] = status == "pending" && MayApprove(ctx, o);
  json::value expiration = nullptr;
  if (status == "pending" && timeout != 0)
    if (auto created = ParseIso(GetString(o, "created")))
      expiration = json::string(FormatIso(*created + timeout * 1000000));
  out["approval_expiration"] = expiration;
  out["timed_out"] = GetBool(o, "timed_out");
  if (auto at = OptIdOf(o, "workflow_approval_template")) {
    auto rows = ctx.db.Query(
        "SELECT id, name, description, timeout FROM workflow_approval_templates WHERE id = ?",
        {*at});
    if (!rows.empty()) {
      const auto& r = rows.rows[0];
      AddRelated(out, "workflow_approval_template", Url("workflow_approval_templates", *at));
      sf["workflow_approval_template"] = json::object{{"id", store::AsInt(r[0])},
                                                      {"name", store::AsString(r[1])},
                                                      {"description", store::AsString(r[2])},
                                                      {"timeout", store::AsInt(r[3])}};
    }
  }
  if (auto wj = WorkflowJobOf(ctx, o))
    if (auto s = TableSummary(ctx, "unified_jobs", *wj)) sf["workflow_job"] = std::move(*s);
  AddRelated(out, "approve", Url(kRes, id, "approve"));
  AddRelated(out, "deny", Url(kRes, id, "deny"));
  if (auto by = OptIdOf(o, "approved_or_denied_by")) {
    if (auto u = UserSummary(ctx, *by)) {
      AddRelated(out, "approved_or_denied_by", Url("users", *by));
      sf["approved_or_denied_by"] = std::move(*u);
    }
  }
  bool w = !ctx.caller.read_only_token;
  sf["user_capabilities"] = json::object{{"delete", w && CanDelete(ctx, o).ok()}, {"start", false}};
  Reorder(out, {"id",
                "type",
                "url",
                "related",
                "summary_fields",
                "created",
                "modified",
                "name",
                "description",
                "unified_job_template",
                "launch_type",
                "status",
                "execution_environment",
                "failed",
                "started",
                "finished",
                "canceled_on",
                "elapsed",
                "job_args",
                "job_cwd",
                "job_env",
                "job_explanation",
                "result_traceback",
                "event_processing_finished",
                "launched_by",
                "work_unit_id",
                "can_approve_or_deny",
                "approval_expiration",
                "timed_out"});
}

// approve/ and deny/ (EX-18): 204; 400 when already decided; 403 without the approval role.
ActionDef DecideAction(const char* name, bool approve) {
  ActionDef a;
  a.name = name;
  a.methods = {"GET", "POST"};
  a.title = approve ? "Approve Workflow Approval" : "Deny Workflow Approval";
  a.handler = [approve](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    BATON_ASSIGN(Obj ap, LoadReadable(ctx, Def(), req.ids[0]));
    if (req.method == "GET") return Reply::Json(json::object{});
    BATON_TRY(DecideApproval(ctx, ap, approve));
    return Reply::Empty(204);
  };
  return a;
}

}  // namespace

void RegisterWorkflowApprovals() {
  ResourceDef d = NewResource(kRes, "workflow_approval", "WorkflowApproval", "Workflow Approvals");
  d.creatable = d.editable = false;
  d.search_fields = {"name", "description"};
  d.fields = CommonFields();
  for (auto& f : UnifiedJobFields())
    if (f.name != "execution_node" && f.name != "controller_node") d.fields.push_back(f);
  d.fields.push_back(
      Internal("workflow_approval_template", "workflow_approval_template_id", FieldType::kFk));
  d.fields.push_back(Internal("approved_or_denied_by", "approved_or_denied_by_id", FieldType::kFk));
  d.fields.push_back(Internal("timeout", "timeout", FieldType::kInt));
  d.fields.push_back(Internal("timed_out", "timed_out", FieldType::kBool));
  // RB-2: readable with the template of its workflow job.
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    std::string f = WorkflowJobsReadableOn(ctx, p, "w");
    if (f.empty()) return "";
    std::string wjs = "SELECT w.id FROM unified_jobs w WHERE w.type = 'workflow_job' AND " + f;
    std::string again = WorkflowJobsReadableOn(ctx, p, "w");
    return "(t.id IN (SELECT n.job_id FROM workflow_job_nodes n WHERE n.workflow_job_id IN (" +
           wjs + ")) OR t.source_workflow_job_id IN (SELECT w.id FROM unified_jobs w WHERE " +
           "w.type = 'workflow_job' AND " + again + "))";
  };
  d.can_delete = CanDelete;
  d.decorate = Decorate;
  d.actions.push_back(DecideAction("approve", true));
  d.actions.push_back(DecideAction("deny", false));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
