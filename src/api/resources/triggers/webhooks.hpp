// Webhooks of job templates and workflow job templates (workflow-semantics.md DM-4, LA-11,
// Appendix C; api-resources.md §16, §23): the shared secret (webhook_key/), and the
// unauthenticated receivers github/, gitlab/ and bitbucket_dc/ that launch a job or workflow job
// from a signed delivery, as AWX's awx/api/views/webhooks.py does. The commit status post-back of
// the jobs they launch lives in scheduler/webhook_status.
#pragma once
#include <string>
#include <vector>

#include "api/resources/common.hpp"

namespace baton::api {

// DM-4: stores a fresh random 50-character key on template `id` of `table` (job_templates or
// workflow_job_templates) when `service` is non-empty, else clears it. Called when a template is
// created and whenever its webhook_service changes.
void SetWebhookKey(Session& ctx, const std::string& table, int64_t id, const std::string& service);

// The actions a template resource carries for webhooks: webhook_key/ (GET the key, POST rotate;
// both need admin_role on `content_type`) and the three anonymous receivers. `resource` is
// "job_templates" or "workflow_job_templates".
std::vector<ActionDef> WebhookActions(const std::string& resource, const std::string& content_type);

// related.webhook_receiver of a template: "" without a service, else its receiver URL.
std::string WebhookReceiverUrl(const std::string& resource, int64_t id, const std::string& service);

}  // namespace baton::api
