// Relaunching jobs (api-resources.md §17, workflow-semantics.md RL-5, RL-6): the relaunch/ action
// of jobs (api/resources/jobs/job_launch.hpp) calls these.
#pragma once
#include <cstdint>

#include "service/resource.hpp"

namespace baton::service {

// GET relaunch/: {passwords_needed_to_start, retry_counts} of job `job_id` (404 when gone).
Result<json::object> JobRelaunchRequirements(Session& ctx, int64_t job_id);
// POST relaunch/ with `body` ({"hosts": "all"|"failed", credential_passwords}): the caller's
// right to relaunch, the passwords, then a new job from the template and the job's launch
// configuration in one transaction (hosts=failed limits it to the hosts that failed). Returns
// the new job's id.
Result<int64_t> RelaunchJob(Session& ctx, int64_t job_id, const json::object& body);

}  // namespace baton::service
