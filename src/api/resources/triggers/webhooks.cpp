// Webhooks of job templates and workflow job templates (workflow-semantics.md DM-4, LA-11,
// Appendix C): webhook_key/ and the github/, gitlab/, bitbucket_dc/ receivers. What a delivery
// means (signature, event type, guid, ref, status API) is decided in domain/webhook_event; this
// file finds the template, refuses what AWX refuses, and launches.
#include "api/resources/triggers/webhooks.hpp"
#include "api/routes.hpp"

#include "api/resources/jobs/job_launch.hpp"
#include "api/resources/workflows/workflow_launch.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "domain/webhook_event.hpp"

namespace baton::api {
namespace {

using domain::WebhookService;

// DM-4, RB-6: reading or rotating the key needs admin of the template (AWX
// WebhookKeyPermission); an unreadable template is a 404 first.
ActionDef WebhookKeyAction(const std::string& resource, const std::string& content_type) {
  ActionDef a;
  a.name = "webhook_key";
  a.methods = {"GET", "POST"};
  a.title = "Webhook Key";
  a.handler = [resource, content_type](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must(resource);
    BATON_ASSIGN(Obj obj, LoadReadable(ctx, def, req.ids[0]));
    int64_t id = IdOf(obj);
    BATON_TRY(RequireRole(ctx, content_type, id, "admin_role"));
    if (req.method == "GET") {
      std::string key =
          ctx.db.QueryString("SELECT webhook_key FROM " + def.table + " WHERE id = ?", {id})
              .value_or("");
      return Reply::Json(json::object{{"webhook_key", key}});
    }
    BATON_TRY(CheckWriteScope(ctx));
    std::string key = RandomAlnum(50);
    ctx.db.Exec("UPDATE " + def.table + " SET webhook_key = ?, modified = ? WHERE id = ?",
                {key, ctx.now_iso(), id});
    return Reply::Json(json::object{{"webhook_key", key}}, 201);
  };
  return a;
}

json::object Message(const char* text) {
  return json::object{{"message", text}};
}

// Launches template `id` for a delivery: a job (or the sliced workflow job a sliced template
// makes) for a job template, a workflow job for a workflow job template; launch_type "webhook",
// the template's webhook_service and webhook_credential, the delivery's guid, and the LA-11
// webhook variables as launch variables that no prompt rule filters (AWX create_unified_job
// with extra_vars). Runs in the caller's transaction.
Result<int64_t> LaunchFor(Session& ctx, const ResourceDef& def, int64_t id,
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

// AWX WebhookReceiverBase.post. Every refusal is AWX's PermissionDenied (403): a template that
// does not exist, is not set up for this service or has no key, and a bad signature or token.
Result<Reply> Receive(Ctx& ctx, ApiRequest& req, const std::string& resource, WebhookService svc) {
  const ResourceDef& def = Registry::Get().Must(resource);
  const std::string service(domain::WebhookServiceName(svc));
  int64_t id = req.ids.empty() ? 0 : req.ids[0];
  auto row =
      ctx.db.Query("SELECT webhook_service, webhook_key FROM " + def.table + " WHERE id = ?", {id});
  if (row.empty() || store::AsString(row.rows[0][0]) != service) {
    spdlog::debug("webhook {} for {} {}: no such template with this service", service, resource,
                  id);
    return Error::Forbidden();
  }
  std::string key = store::AsString(row.rows[0][1]);
  static const http::Request kNone;
  const http::Request& h = req.http ? *req.http : kNone;
  if (!domain::WebhookSignatureOk(svc, h.headers, h.body, key)) {
    spdlog::debug("webhook {} for {} {}: signature or token does not match", service, resource, id);
    return Error::Forbidden();
  }
  if (domain::WebhookIgnored(svc, h.headers)) return Reply::Json(Message("Webhook ignored"), 200);
  json::value payload = req.body;
  domain::WebhookEvent event = domain::ParseWebhookEvent(svc, h.headers, h.body, payload);
  std::string guid = event.guid.is_string() ? std::string(event.guid.as_string()) : std::string();
  store::Tx tx(ctx.db);
  // A delivery already acted upon (GitHub and Bitbucket redeliver with the same id; a GitLab
  // retry has the same body) launches nothing.
  if (!guid.empty() &&
      ctx.db.QueryInt("SELECT 1 FROM unified_jobs WHERE unified_job_template_id = ? AND "
                      "webhook_service = ? AND webhook_guid = ? AND type IN ('job', "
                      "'workflow_job') LIMIT 1",
                      {id, service, guid}))
    return Reply::Json(Message("Webhook previously received, aborting."), 202);
  BATON_ASSIGN(int64_t job, LaunchFor(ctx, def, id, domain::WebhookExtraVars(event, payload)));
  ctx.db.Exec("UPDATE unified_jobs SET webhook_guid = ? WHERE id = ?", {guid, job});
  tx.Commit();
  spdlog::info("webhook {} event {} for {} {}: launched unified job {}", service,
               domain::PyStr(event.type), resource, id, job);
  return Reply::Json(Message("Job queued."), 202);
}

ActionDef ReceiverAction(const std::string& resource, WebhookService svc) {
  ActionDef a;
  a.name = std::string(domain::WebhookServiceName(svc));
  a.methods = {"POST"};
  a.anonymous = true;  // AWX: AllowAny, no authentication classes
  a.title = svc == WebhookService::kGithub   ? "Webhook Receiver Github"
            : svc == WebhookService::kGitlab ? "Webhook Receiver Gitlab"
                                             : "Webhook Receiver Bitbucket Dc";
  a.handler = [resource, svc](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    return Receive(ctx, req, resource, svc);
  };
  return a;
}

}  // namespace

void SetWebhookKey(Session& ctx, const std::string& table, int64_t id, const std::string& service) {
  ctx.db.Exec("UPDATE " + table + " SET webhook_key = ? WHERE id = ?",
              {service.empty() ? std::string() : RandomAlnum(50), id});
}

std::vector<ActionDef> WebhookActions(const std::string& resource,
                                      const std::string& content_type) {
  std::vector<ActionDef> out;
  out.push_back(WebhookKeyAction(resource, content_type));
  for (WebhookService s :
       {WebhookService::kGithub, WebhookService::kGitlab, WebhookService::kBitbucketDc})
    out.push_back(ReceiverAction(resource, s));
  return out;
}

std::string WebhookReceiverUrl(const std::string& resource, int64_t id,
                               const std::string& service) {
  return service.empty() ? std::string() : Url(resource, id, service);
}

// The actions are added by the template resources themselves (job_templates.cpp,
// workflow_job_templates.cpp) through WebhookActions; nothing else to register.
void RegisterWebhooks() {}

}  // namespace baton::api
