// Launches from webhook deliveries (AWX WebhookReceiverBase.post, workflow-semantics.md LA-11,
// DM-4): the receiver actions of api/resources/triggers/webhooks.cpp call this.
#include "service/webhook_launch.hpp"

#include "core/log.hpp"
#include "service/job_launch.hpp"
#include "service/workflow_launch.hpp"

namespace baton::service {
namespace {

// Launches template `id` for a delivery: a job (or the sliced workflow job a sliced template
// makes) for a job template, a workflow job for a workflow job template; launch_type "webhook",
// the template's webhook_service and webhook_credential, the delivery's guid, and the LA-11
// webhook variables as launch variables that no prompt rule filters (AWX create_unified_job
// with extra_vars). Runs in the caller's transaction.
Result<int64_t> LaunchFor(Session& ctx, const ResourceModel& def, int64_t id,
                          const json::object& vars) {
  auto obj = Load(ctx, def, id);
  if (!obj) return Error::Forbidden();
  if (def.name == "job_templates") {
    JobLaunch l;
    l.template_obj = &*obj;
    l.state = LoadTemplateState(ctx, *obj);
    l.accepted.extra_vars = vars;
    l.launch_type = "webhook";
    if (int64_t slices = domain::EffectiveSliceCount(l.state, l.accepted); slices > 1)
      return CreateSlicedWorkflowJob(ctx, l, slices);
    return CreateJob(ctx, l);
  }
  WorkflowJobLaunch l;
  l.template_obj = &*obj;
  l.runtime_vars = vars;
  l.launch_type = "webhook";
  return CreateWorkflowJob(ctx, l);
}

}  // namespace

Result<WebhookOutcome> ReceiveWebhook(Session& ctx, const ResourceModel& def, int64_t id,
                                      domain::WebhookService svc, const WebhookDelivery& d) {
  const std::string service(domain::WebhookServiceName(svc));
  auto row =
      ctx.db.Query("SELECT webhook_service, webhook_key FROM " + def.table + " WHERE id = ?", {id});
  if (row.empty() || store::AsString(row.rows[0][0]) != service) {
    spdlog::debug("webhook {} for {} {}: no such template with this service", service, def.name,
                  id);
    return Error::Forbidden();
  }
  std::string key = store::AsString(row.rows[0][1]);
  if (!domain::WebhookSignatureOk(svc, d.headers, d.raw_body, key)) {
    spdlog::debug("webhook {} for {} {}: signature or token does not match", service, def.name, id);
    return Error::Forbidden();
  }
  if (domain::WebhookIgnored(svc, d.headers)) return WebhookOutcome::kIgnored;
  domain::WebhookEvent event = domain::ParseWebhookEvent(svc, d.headers, d.raw_body, d.payload);
  std::string guid = event.guid.is_string() ? std::string(event.guid.as_string()) : std::string();
  store::Tx tx(ctx.db);
  // A delivery already acted upon (GitHub and Bitbucket redeliver with the same id; a GitLab
  // retry has the same body) launches nothing.
  if (!guid.empty() &&
      ctx.db.QueryInt("SELECT 1 FROM unified_jobs WHERE unified_job_template_id = ? AND "
                      "webhook_service = ? AND webhook_guid = ? AND type IN ('job', "
                      "'workflow_job') LIMIT 1",
                      {id, service, guid}))
    return WebhookOutcome::kAlreadyReceived;
  BATON_ASSIGN(int64_t job, LaunchFor(ctx, def, id, domain::WebhookExtraVars(event, d.payload)));
  ctx.db.Exec("UPDATE unified_jobs SET webhook_guid = ? WHERE id = ?", {guid, job});
  tx.Commit();
  spdlog::info("webhook {} event {} for {} {}: launched unified job {}", service,
               domain::PyStr(event.type), def.name, id, job);
  return WebhookOutcome::kQueued;
}

}  // namespace baton::service
