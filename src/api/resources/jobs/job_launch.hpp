// Launching job templates and relaunching jobs (contract §13.1, workflow-semantics.md LA-6..LA-11,
// LA-15, RL-5, RL-6): the launch/ action of job templates, the job creation every launch path
// shares (manual launch, relaunch; later schedules, workflows, callbacks), and the relaunch/
// action the jobs resource carries. The survey_spec/ action of templates lives here too.
//
// A job is a row of unified_jobs with type 'job', created 'pending' (the dispatcher moves it on):
// see CreateJob for the columns it fills.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "api/resources/common.hpp"
#include "domain/prompts.hpp"

namespace baton::api {

// The launch-relevant state of job template `jt` (a loaded job_templates object), with the host
// counts of its inventory and of `prompted_inventory` when given.
domain::JobTemplateState LoadTemplateState(Session& ctx, const Obj& jt,
                                           std::optional<int64_t> prompted_inventory = {});

// What a new job is made of: the template, the accepted prompts, the launch passwords.
struct JobLaunch {
  const Obj* template_obj = nullptr;  // the job template (required)
  domain::JobTemplateState state;     // LoadTemplateState of it
  domain::LaunchPrompts accepted;     // accepted prompts (PromptDecision::accepted)
  json::object passwords;             // launch credential passwords {"ssh_password": ...}
  std::string launch_type = "manual";
  std::optional<int64_t> ancestor_job;  // relaunch: the job relaunched
  // Relaunch: the new job copies these instead of deriving them from the template.
  std::optional<json::object> extra_vars_override;
  std::optional<std::string> limit_override;
  std::optional<std::vector<int64_t>> credentials_override, labels_override;
  std::optional<json::object> launch_config_override;
};

// Inserts the job row (status 'pending'), its credential and label attachments, in the
// caller's transaction (or its own when none is open), and sets ctx.wake. Columns: name = the
// template's, job_template_id = unified_job_template_id = the template, organization/project/
// inventory/playbook/scm_branch/forks/limit_/verbosity/job_type/tags/... from the template
// overridden by the accepted prompts, extra_vars = the LA-11 merge (password answers
// encrypted), survey_passwords, launch_config = the accepted prompts, start_args = the
// encrypted launch passwords ('' when none), task_impact, created_by = the caller. Returns the
// new job's id. Always one job with job_slice_number 0 and job_slice_count 1: the launch/ action
// makes a sliced workflow job instead when slicing applies (CreateSlicedWorkflowJob).
Result<int64_t> CreateJob(Session& ctx, const JobLaunch& launch);

// RL-8: the sliced workflow job a launch with `slices` (> 1) effective slices makes instead of a
// job: is_sliced_job, job_template = unified_job_template = the template, no workflow job
// template, the template's fields overridden by the accepted prompts (launch configuration as
// CreateJob keeps it; launch passwords encrypted in start_args for every slice), and `slices`
// root nodes running the template with job_slice = 1..slices. Sets ctx.wake.
Result<int64_t> CreateSlicedWorkflowJob(Session& ctx, const JobLaunch& launch, int64_t slices);

// A job's or workflow job's stored launch configuration read back as prompts, its credential ids
// resolved (relaunch, the slices of a sliced workflow job).
domain::LaunchPrompts StoredLaunchPrompts(Session& ctx, const json::object& config);

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
