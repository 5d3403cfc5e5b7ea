// A webhook delivery to a job template or workflow job template (AWX WebhookReceiverBase.post).
#pragma once
#include <cstdint>
#include <string_view>

#include "domain/webhook_event.hpp"
#include "service/resource.hpp"

namespace baton::service {

// What a delivery brought: its headers (lower-case names), its body as sent and parsed.
struct WebhookDelivery {
  const domain::WebhookHeaders& headers;
  std::string_view raw_body;
  const json::value& payload;
};

enum class WebhookOutcome {
  kIgnored,          // an event the service sends that launches nothing (a ping)
  kAlreadyReceived,  // the same delivery again (its guid launched a job already)
  kQueued,           // a job or workflow job was launched
};

// Every refusal is AWX's PermissionDenied (403): template `id` of `def` (job_templates or
// workflow_job_templates) does not exist, is not set up for service `svc` or has no key, or the
// signature or token does not match. Otherwise launches it once per delivery (LaunchFor: the
// LA-11 webhook variables as launch variables, launch_type "webhook", the delivery's guid) in one
// transaction.
Result<WebhookOutcome> ReceiveWebhook(Session& ctx, const ResourceModel& def, int64_t id,
                                      domain::WebhookService svc, const WebhookDelivery& d);

}  // namespace baton::service
