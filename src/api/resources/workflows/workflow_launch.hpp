// The launch/ action of workflow job templates (workflow-semantics.md §3.1, LA-1..LA-4), over
// the launch use cases of service/workflow_launch.hpp.
#pragma once
#include "api/resources/common.hpp"
#include "service/workflow_launch.hpp"

namespace baton::api {

// The 201 of a launch: Location = the workflow job, body = `extra` keys first, then the detail
// representation of the workflow job.
Reply WorkflowJobCreatedReply(Ctx& ctx, int64_t workflow_job, const json::object& extra);
// launch/ of workflow job templates: GET the launch requirements (LA-1), POST launch (LA-2..LA-4).
ActionDef WorkflowJobTemplateLaunchAction();

}  // namespace baton::api
