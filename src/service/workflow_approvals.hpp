// Workflow approvals (workflow-semantics.md DM-19, EX-18, RB-16): the workflow job an approval
// belongs to, who may decide it, and the decision. The approve/ and deny/ actions of
// api/resources/workflows/workflow_approvals.cpp call these.
#pragma once
#include <cstdint>
#include <optional>

#include "service/resource.hpp"

namespace baton::service {

// The workflow job approval `ap` belongs to: the job of its node, else source_workflow_job.
std::optional<int64_t> WorkflowJobOf(Session& ctx, const Obj& ap);
// Its workflow job's template, when it still exists.
std::optional<int64_t> WfjtOf(Session& ctx, const Obj& ap);
// RB-16: superusers and holders of the template's approval_role, never with a read token.
bool MayApprove(Session& ctx, const Obj& ap);
// EX-18: approves (successful) or denies (failed) a pending approval in one transaction with
// its activity entry, and wakes the workflow manager; 400 when already decided, 403 without the
// right.
Status DecideApproval(Session& ctx, const Obj& ap, bool approve);

}  // namespace baton::service
