// What every kind of unified job shares in the API (contract §13.3, api-resources.md §25): the
// common fields, related links and summaries, cancel/ and stdout/.
#pragma once
#include "api/resources/common.hpp"

namespace baton::api {

// The common unified-job fields, in AWX's order (append the kind's own fields after them).
std::vector<FieldDef> UnifiedJobFields();
// related (cancel, stdout, unified_job_template ...) and summary_fields shared by all kinds.
void DecorateUnifiedJob(Ctx& ctx, const ResourceDef& def, const Obj& o, json::object& out,
                        std::string_view template_resource);
// cancel/: GET {"can_cancel"}, POST 202 or 405.
ActionDef CancelAction(std::string resource);
// stdout/: ?format=txt|ansi|json|html|txt_download|ansi_download.
ActionDef StdoutAction(std::string resource);
// 409 {"error": "Resource is being used by running jobs.", "active_jobs": [...]} when a unified
// job whose `column` (project_id, inventory_source_id, ...) is `id` is still active.
Status CheckNoActiveJobs(Ctx& ctx, std::string_view column, int64_t id);
// 403 "Cannot delete running job resource." for active jobs.
Status CheckDeletableJob(Ctx& ctx, const Obj& job);
bool IsActiveStatus(std::string_view status);

}  // namespace baton::api
