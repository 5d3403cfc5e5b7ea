// What a job notification is rendered from (AWX's JobNotificationMixin.context and
// notification_data): the job's allowed fields, its friendly name, its UI url and job_metadata
// (json.dumps(notification_data, indent=4)); for a workflow job notification_data carries the
// workflow summary body (EX-15); for an approval the approval context. Reads the database.
#pragma once
#include <optional>
#include <string>

#include "core/json.hpp"
#include "store/db.hpp"

namespace baton::notify {

// Friendly name of a unified job type: "Job", "Workflow Job", "Project Update", ...
std::string FriendlyName(std::string_view type);
// The UI url of a job: <base>/#/jobs/playbook/<id>, .../workflow/<id>, .../project/<id>, ...
std::string UiUrl(const std::string& base, std::string_view type, int64_t id);

// notification_data of unified job `id` (nullopt when it does not exist).
std::optional<json::object> NotificationData(store::Connection& db, int64_t id,
                                             const std::string& url_base);
// The WorkflowJob body: "Workflow job summary:\n\n- node #N spawns job #J, \"name\", which
// finished with status S." per node (id order), "- node #N spawns no job." without a job.
std::string WorkflowSummary(store::Connection& db, int64_t workflow_job);

// The rendering context of a job notification. With `as_started`, the job is shown as it was
// when it started (status running, not finished, not failed) even if it has finished since: a
// "started" notification recorded by a later dispatcher pass must not report the outcome.
std::optional<json::object> JobContext(store::Connection& db, int64_t id,
                                       const std::string& url_base, bool as_started = false);
// The rendering context of an approval notification (approval_status: running, approved,
// timed_out, denied).
std::optional<json::object> ApprovalContext(store::Connection& db, int64_t approval,
                                            const std::string& approval_status,
                                            const std::string& url_base);
// The workflow job an approval belongs to (through its workflow job node).
std::optional<int64_t> ApprovalWorkflowJob(store::Connection& db, int64_t approval);

}  // namespace baton::notify
