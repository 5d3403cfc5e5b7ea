// Launching job templates (contract §13.1, workflow-semantics.md LA-6..LA-11, LA-15, RL-7,
// RL-8): the job creation every launch path shares (manual launch, relaunch, schedules, workflow
// nodes, webhooks), the sliced workflow job of a sliced launch, and the launch/ use case. The
// API's launch/ and relaunch/ actions call these (api/resources/jobs/job_launch.hpp).
//
// A job is a row of unified_jobs with type 'job', created 'pending' (the dispatcher moves it on):
// see CreateJob for the columns it fills.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "domain/prompts.hpp"
#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

// The launch-relevant state of job template `jt` (a loaded job_templates object), with the host
// counts of its inventory and of `prompted_inventory` when given.
domain::JobTemplateState LoadTemplateState(Session& ctx, const Obj& jt,
                                           std::optional<int64_t> prompted_inventory = {});

// Encrypting and decrypting password answers with the configured secret key (core/secrets.hpp).
domain::Encryptor MakeEncryptor(Session& ctx);
domain::Decryptor MakeDecryptor(Session& ctx);

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

// What a launch of a job template made: a job, or (RL-8) a sliced workflow job, and the prompts
// it ignored (ignored_fields).
struct TemplateLaunched {
  int64_t id = 0;
  bool workflow_job = false;
  json::object ignored;
};
// POST launch/ (LA-6..LA-9, LA-15, RL-7, RL-8): the caller's right to execute, the launch body
// `body` parsed and accepted, the start checks, then the job (or sliced workflow job) in one
// transaction. `jt` is a loaded job_templates object the caller may read.
Result<TemplateLaunched> LaunchJobTemplate(Session& ctx, const Obj& jt, const json::object& body);
// GET launch/: what launching `jt` needs and would use (LA-6).
json::object JobTemplateLaunchRequirements(Session& ctx, const Obj& jt);

// RL-8: the sliced workflow job a launch with `slices` (> 1) effective slices makes instead of a
// job: is_sliced_job, job_template = unified_job_template = the template, no workflow job
// template, the template's fields overridden by the accepted prompts (launch configuration as
// CreateJob keeps it; launch passwords encrypted in start_args for every slice), and `slices`
// root nodes running the template with job_slice = 1..slices. Sets ctx.wake.
Result<int64_t> CreateSlicedWorkflowJob(Session& ctx, const JobLaunch& launch, int64_t slices);

// A job's or workflow job's stored launch configuration read back as prompts, its credential ids
// resolved (relaunch, the slices of a sliced workflow job).
domain::LaunchPrompts StoredLaunchPrompts(Session& ctx, const json::object& config);

}  // namespace baton::service
