// Workflow approval templates (workflow-semantics.md DM-17..DM-20, RB-15; api-resources.md §28):
// /workflow_approval_templates/N/ (no list; created only by a node's create_approval_template/)
// with approvals/. Editing needs admin on the node's workflow job template; deleting is for
// superusers, refused with 409 while an approval of it is active.
#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"
#include "service/workflow_graph.hpp"

namespace baton::api {
namespace {

constexpr const char* kRes = "workflow_approval_templates";

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  InsertAfter(out, "description",
              {{"last_job_run", nullptr},
               {"last_job_failed", false},
               {"next_job_run", nullptr},
               {"status", "never updated"},
               {"execution_environment", nullptr}});
  AddRelated(out, "jobs", Url(kRes, id, "approvals"));
  auto last = ctx.db.Query(
      "SELECT id, status, finished, failed FROM unified_jobs WHERE type = 'workflow_approval' AND "
      "workflow_approval_template_id = ? ORDER BY id DESC LIMIT 1",
      {id});
  if (!last.empty()) {
    const auto& r = last.rows[0];
    std::string st = store::AsString(r[1]);
    if (IsActiveStatus(st)) {
      AddRelated(out, "current_job", Url("workflow_approvals", store::AsInt(r[0])));
      out["status"] = st;
    } else {
      out["status"] = store::AsInt(r[3]) ? "failed" : "successful";
      out["last_job_run"] =
          store::IsNull(r[2]) ? json::value(nullptr) : json::value(store::AsString(r[2]));
      out["last_job_failed"] = store::AsInt(r[3]) != 0;
    }
  }
}

}  // namespace

void RegisterWorkflowApprovalTemplates() {
  ResourceDef d = NewResource(kRes, "workflow_approval_template", "WorkflowApprovalTemplate",
                              "Workflow Approval Templates");
  d.list_endpoint = false;
  d.creatable = false;
  d.fields = NamedFields();
  FieldDef timeout = Int("timeout", 0);
  timeout.help_text = "The amount of time (in seconds) before the approval node expires and fails.";
  d.fields.push_back(timeout);
  d.fields.push_back(Internal("workflow_job_template", "workflow_job_template_id", FieldType::kFk));
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, kWfjtCt, "read_role", p, "t.workflow_job_template_id");
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj&) -> Status {
    auto wfjt = OptIdOf(o, "workflow_job_template");
    if (!wfjt) return ctx.caller.superuser ? OkStatus() : Status(Error::Forbidden());
    return RequireRole(ctx, kWfjtCt, *wfjt, "admin_role");
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    if (!ctx.caller.superuser) return Error::Forbidden();
    return CheckNoActiveJobs(ctx, "workflow_approval_template_id", IdOf(o));
  };
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("approvals", "workflow_approvals",
                                "t.workflow_approval_template_id = ?", "Workflow Approvals"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
