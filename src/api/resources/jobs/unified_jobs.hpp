// What every kind of unified job shares in the API (contract §13.3, api-resources.md §25): the
// common fields, related links and summaries, cancel/ and stdout/, and small helpers the job,
// job event and host summary resources share.
#pragma once
#include <initializer_list>

#include "api/resources/common.hpp"
#include "core/job_status.hpp"

namespace baton::api {

// The common unified-job fields, in AWX's order (name and description first; append the kind's
// own fields after them). Also loads the internal source_workflow_job, ancestor_job and
// schedule ids the shared decoration reads.
std::vector<FieldDef> UnifiedJobFields();
// related (cancel, stdout, unified_job_template ...) and summary_fields shared by all kinds;
// places launched_by and work_unit_id after the common fields as AWX does.
void DecorateUnifiedJob(Ctx& ctx, const ResourceDef& def, const Obj& o, json::object& out,
                        std::string_view template_resource, bool detail = false);
// cancel/: GET {"can_cancel"}, POST 202 or 405. The caller's right to cancel is the kind's
// can_change policy.
ActionDef CancelAction(std::string resource);
// stdout/: ?format=txt|ansi|json|html|txt_download|ansi_download.
ActionDef StdoutAction(std::string resource);
// 409 {"error": "Resource is being used by running jobs.", "active_jobs": [...]} when a unified
// job whose `column` (project_id, inventory_source_id, ...) is `id` is still active.
Status CheckNoActiveJobs(Session& ctx, std::string_view column, int64_t id);
// 403 "Cannot delete running job resource." for active jobs.
Status CheckDeletableJob(Session& ctx, const Obj& job);

// Rebuilds `o` with the keys of `order` first (those present, in that order), then every other
// key in its current order. Used to put computed fields at AWX's positions.
void Reorder(json::object& o, std::initializer_list<std::string_view> order);
// {id, name, description} of row `id` of `table` (any resource table or view), read directly so
// that it works whether or not the resource is registered; nullopt when the row is gone.
std::optional<json::object> TableSummary(Session& ctx, std::string_view table, int64_t id);
// The summary of a job as events and host summaries show it (contract §5.2 `job`: id, name,
// description, status, failed, elapsed, type, canceled_on when set) plus job_template_id and
// job_template_name when the job has a template.
std::optional<json::object> JobSummaryWithTemplate(Session& ctx, int64_t job_id);

}  // namespace baton::api
