// The launch/, relaunch/ and survey_spec/ actions of job templates and jobs (contract §13.1,
// workflow-semantics.md LA-6..LA-11, LA-15, RL-5, RL-6), over the launch use cases of
// service/job_launch.hpp.
#pragma once
#include <string>

#include "api/resources/common.hpp"
#include "service/job_launch.hpp"

namespace baton::api {

// The job detail body of launch/relaunch answers: {"job": id, <extra>..., ...detail}.
Reply JobCreatedReply(Ctx& ctx, int64_t job_id, const json::object& extra);
// launch/ of job templates: GET the launch requirements, POST launch (201 + job).
ActionDef JobTemplateLaunchAction();
// survey_spec/ of a template resource whose table has survey_spec (job templates, workflow job
// templates): GET (read, masked), POST (admin, 200 empty), DELETE (admin, 200 empty).
ActionDef SurveySpecAction(std::string resource, std::string content_type);
// relaunch/ of jobs: GET {passwords_needed_to_start, retry_counts}, POST 201 new job (RL-5,
// RL-6). To be pushed into the jobs resource's actions by its owner.
ActionDef RelaunchJobAction();

}  // namespace baton::api
