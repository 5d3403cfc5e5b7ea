// Launching workflow job templates (workflow-semantics.md §3.1, §3.2, LA-1..LA-6, LA-11, DM-14,
// DM-15, DM-21): the launch use case of workflow job templates, and the creation of a workflow
// job every launch path shares (manual launch, relaunch, nested workflow nodes, later schedules
// and webhooks).
//
// A workflow job is a row of unified_jobs with type 'workflow_job' (schema and column meanings:
// src/store/migrations/0011_workflows.sql), created 'pending'; the workflow manager
// (src/scheduler/workflow_manager.cpp) moves it on.
#pragma once
#include <optional>
#include <string>

#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

// What a new workflow job is made of.
struct WorkflowJobLaunch {
  // The workflow job template launched (a loaded workflow_job_templates object). Null only with
  // `copy_of` (relaunch of a workflow job whose template is gone).
  const Obj* template_obj = nullptr;
  // The accepted prompts, as AcceptWorkflowPrompts (workflow_graph.hpp) returns them: any of
  // extra_vars (object), inventory (id), limit, scm_branch, job_tags, skip_tags (strings), labels
  // (ids, added to the template's). Relaunch passes the stored launch configuration. They are
  // applied as given: acceptance is the caller's job. Password answers may arrive encrypted.
  json::object accepted;
  // Vars merged over the accepted ones without prompt rules (nested workflows: ancestor
  // artifacts, LA-13; webhooks: awx_webhook_* metadata). Not kept in the launch configuration.
  json::object runtime_vars;
  std::string launch_type = "manual";  // manual, relaunch, workflow, scheduled, webhook
  // Nested workflow: the workflow job whose node spawns this one (source_workflow_job).
  std::optional<int64_t> source_workflow_job;
  std::optional<int64_t> schedule;
  // RL-2 relaunch without a template (or without launch configuration): the new job copies this
  // workflow job's own fields, labels and (when `copy_nodes`) its nodes and edges.
  std::optional<int64_t> copy_of;
  bool copy_nodes = true;
  // created_by of the new job; the caller when unset (a Session of the scheduler works: the
  // workflow manager passes the outer workflow job's creator).
  std::optional<int64_t> created_by;
};

// In one transaction (the caller's when one is open): inserts the workflow job row 'pending'
// (name, description, organization, inventory, allow_simultaneous, labels, extra_vars = LA-11
// merge with password answers encrypted, survey_passwords, launch_config = the accepted prompts
// (DM-21), char_prompts = limit/scm_branch/job_tags/skip_tags, launch_type, created_by,
// workflow_job_template = unified_job_template, source_workflow_job, schedule), copies every
// node of the template into workflow_job_nodes (prompts, identifier, credentials, labels and
// instance groups as owner 'workflow_job_node') and every edge into workflow_edges (owner
// 'workflow_job', mapped to the new node ids), and sets ctx.wake. Returns the new id.
Result<int64_t> CreateWorkflowJob(Session& ctx, const WorkflowJobLaunch& launch);

// POST launch/ (LA-2..LA-4): the caller's right to execute, the body parsed and accepted, the
// start checks, then the workflow job in one transaction. `wfjt` is a loaded
// workflow_job_templates object the caller may read. Returns the new workflow job's id.
Result<int64_t> LaunchWorkflowJobTemplate(Session& ctx, const Obj& wfjt, const json::object& body);
// GET launch/: what launching `wfjt` needs and would use (LA-1).
json::object WorkflowLaunchRequirements(Session& ctx, const Obj& wfjt);

}  // namespace baton::service
