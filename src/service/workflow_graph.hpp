// What the workflow job template, node and approval template resources share, and what launch
// and the workflow manager can reuse (workflow-semantics.md §1, §3.3, §5, §6): the edge table,
// the cycle check (every cycle, PF-1), the kinds of unified job templates a node may point at
// and the right to start them (RB-10), a WFJT's prompt acceptance (LA-5, LA-6), the node prompt
// check (DM-6), approval template removal (DM-20) and the copy of a graph (CP-2).
// Schema: src/store/migrations/0011_workflows.sql.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/prompts.hpp"
#include "engine/links.hpp"
#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

inline constexpr const char* kWfjtCt = "workflow_job_template";
inline constexpr const char* kNodeOwner = "workflow_job_template_node";

// ---- Edges (workflow_edges, owner_type 'workflow_job_template') ----

// "success_nodes" -> "success" (also "failure_nodes", "always_nodes").
std::string EdgeTypeOf(std::string_view relation);
// Child ids of `parent` under edge `type` ("success", "failure", "always"), ascending.
std::vector<int64_t> ChildNodes(Session& ctx, int64_t parent, std::string_view type);
// DM-10 for adding parent -type-> child to the template's graph, by the engine's pure check
// (engine/links.hpp): self link, another type on the pair, same type (no-op), then a cycle
// anywhere in the graph, reachable from a root or not (PF-1: AWX walks from the roots only).
engine::LinkCheck CheckTemplateLink(Session& ctx, int64_t wfjt, int64_t parent, int64_t child,
                                    std::string_view type);

// ---- Unified job templates a node may point at ----

// The kind of template `id` ("job_template", "project", "inventory_source",
// "workflow_job_template", "workflow_approval_template"), or nullopt when no such template
// exists (any more).
std::optional<std::string> TemplateKind(Session& ctx, int64_t id);
// Its resource ("job_templates", ...).
std::string TemplateResource(std::string_view kind);
// AWX's unified_job_type of a template kind ("job", "project_update", "inventory_update",
// "workflow_job", "workflow_approval").
std::string UnifiedJobType(std::string_view kind);
// RB-10: may the caller start the template? execute on a JT or WFJT, update on a project,
// update on an inventory source's inventory, execute on an approval template's WFJT.
bool CanStartTemplate(Session& ctx, int64_t id);
// {id, name, description, unified_job_type} (+ timeout for approval templates).
std::optional<json::object> TemplateSummary(Session& ctx, int64_t id);

// ---- WFJT prompt acceptance (LA-5, LA-6) ----

struct WorkflowTemplateState {
  std::string name;
  json::object extra_vars;  // the template's own, parsed
  bool survey_enabled = false;
  json::object survey_spec;
  // Current values of the six non-variable prompts: inventory (id or null), limit, scm_branch,
  // job_tags, skip_tags (string or null), labels (list of ids).
  json::object current;
  std::set<std::string, std::less<>> asks;  // prompt names whose ask flag is on
};
// The WFJT `wfjt` (a loaded workflow_job_templates object) as acceptance sees it.
WorkflowTemplateState LoadWorkflowTemplateState(Session& ctx, const Obj& wfjt);
struct WorkflowPromptDecision {
  json::object accepted, rejected;
  json::object errors;  // {"<prompt>": ["msg"], "variables_needed_to_start": [...]}
};
// `given` holds any of extra_vars (object), inventory, limit, scm_branch, job_tags, skip_tags,
// labels. `survey_passwords` names the password answers that arrive encrypted (validated
// decrypted through `decrypt`).
WorkflowPromptDecision AcceptWorkflowPrompts(const WorkflowTemplateState& t,
                                             const json::object& given,
                                             const domain::PromptOptions& options,
                                             const json::object& survey_passwords = {},
                                             const domain::Decryptor& decrypt = {});

// ---- Nodes ----

// DM-6 on a node's coerced values (create: existing == nullptr): password answers of
// extra_data, then the UJT's acceptance rules without "required" errors. `present` are the
// request's keys (a create counts every scalar prompt as present). May edit values
// (extra_data, survey_passwords). Schedules share it (same fields) with `required_errors`:
// their prompts suppress no error class (LA-5).
Status ValidateNodePrompts(Session& ctx, Obj& values, const Obj* existing,
                           const std::set<std::string, std::less<>>& present,
                           bool required_errors = false);
// Does the node's stored prompt set produce any error under its UJT's rules, required errors
// included (node_prompts_rejected of LA-1)?
bool NodePromptsRejected(Session& ctx, const Obj& node);

// DM-20: denies (fails) the approval template's pending approvals and deletes it.
void DeleteApprovalTemplate(Session& ctx, int64_t approval_template);
// Creates an approval template of `wfjt` (id from the unified job template sequence).
int64_t InsertApprovalTemplate(Session& ctx, int64_t wfjt, const std::string& name,
                               const std::string& description, int64_t timeout);

// CP-2: copies every node of `from` into `to` with its prompts, credentials, labels, instance
// groups and edges; approval templates are copied (" copy" appended to the name); for a
// non-superuser, templates it may not start, inventories and credentials it may not use are
// left out.
void CopyWorkflowNodes(Session& ctx, int64_t from, int64_t to);

}  // namespace baton::service
