// What every kind of unified job shares in the API (contract §13.3, api-resources.md §25): the
// common fields, related links and summaries, cancel/ and stdout/, and small helpers the job,
// job event and host summary resources share.
#pragma once
#include <initializer_list>

#include "api/resources/common.hpp"
#include "core/job_status.hpp"
#include "service/unified_jobs.hpp"

namespace baton::api {

// related (cancel, stdout, unified_job_template ...) and summary_fields shared by all kinds;
// places launched_by and work_unit_id after the common fields as AWX does.
void DecorateUnifiedJob(Ctx& ctx, const ResourceDef& def, const Obj& o, json::object& out,
                        std::string_view template_resource, bool detail = false);
// cancel/: GET {"can_cancel"}, POST 202 or 405. The caller's right to cancel is the kind's
// can_change policy.
ActionDef CancelAction(std::string resource);
// stdout/: ?format=txt|ansi|json|html|txt_download|ansi_download.
ActionDef StdoutAction(std::string resource);

// Rebuilds `o` with the keys of `order` first (those present, in that order), then every other
// key in its current order. Used to put computed fields at AWX's positions.
void Reorder(json::object& o, std::initializer_list<std::string_view> order);

}  // namespace baton::api
