// Webhooks of job templates and workflow job templates (workflow-semantics.md DM-4, LA-11,
// Appendix C): webhook_key/ and the github/, gitlab/, bitbucket_dc/ receivers. What a delivery
// means (signature, event type, guid, ref, status API) is decided in domain/webhook_event, what
// it launches in service/webhook_launch; this file answers as AWX does.
#include "api/resources/triggers/webhooks.hpp"
#include "api/routes.hpp"

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "domain/webhook_event.hpp"
#include "service/webhook_launch.hpp"

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

// AWX WebhookReceiverBase.post (service/webhook_launch.hpp).
Result<Reply> Receive(Ctx& ctx, ApiRequest& req, const std::string& resource, WebhookService svc) {
  static const http::Request kNone;
  const http::Request& h = req.http ? *req.http : kNone;
  json::value payload = req.body;
  BATON_ASSIGN(WebhookOutcome out,
               ReceiveWebhook(ctx, Registry::Get().Must(resource), req.ids.empty() ? 0 : req.ids[0],
                              svc, WebhookDelivery{h.headers, h.body, payload}));
  switch (out) {
    case WebhookOutcome::kIgnored:
      return Reply::Json(Message("Webhook ignored"), 200);
    case WebhookOutcome::kAlreadyReceived:
      return Reply::Json(Message("Webhook previously received, aborting."), 202);
    case WebhookOutcome::kQueued:
      break;
  }
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
