// What every kind of unified job shares below the API (contract §13.3, api-resources.md §25): the
// common fields, the summaries of jobs and templates, and the checks before a delete.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/job_status.hpp"
#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

// The common unified-job fields, in AWX's order (name and description first; append the kind's
// own fields after them). Also loads the internal source_workflow_job, ancestor_job and
// schedule ids the shared decoration reads.
std::vector<FieldDef> UnifiedJobFields();
// 409 {"error": "Resource is being used by running jobs.", "active_jobs": [...]} when a unified
// job whose `column` (project_id, inventory_source_id, ...) is `id` is still active.
Status CheckNoActiveJobs(Session& ctx, std::string_view column, int64_t id);
// cancel/ POST of an active job `job` of kind `def`: the kind's can_change policy decides who
// may; the dispatcher (woken after the commit) stops it.
Status CancelJob(Session& ctx, const ResourceModel& def, const Obj& job);
// 403 "Cannot delete running job resource." for active jobs.
Status CheckDeletableJob(Session& ctx, const Obj& job);
// {id, name, description} of row `id` of `table` (any resource table or view), read directly so
// that it works whether or not the resource is registered; nullopt when the row is gone.
std::optional<json::object> TableSummary(Session& ctx, std::string_view table, int64_t id);
// The summary of a job as events and host summaries show it (contract §5.2 `job`: id, name,
// description, status, failed, elapsed, type, canceled_on when set) plus job_template_id and
// job_template_name when the job has a template.
std::optional<json::object> JobSummaryWithTemplate(Session& ctx, int64_t job_id);

}  // namespace baton::service
