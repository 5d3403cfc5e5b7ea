// Webhook deliveries as pure functions (workflow-semantics.md Appendix C, LA-11): is a delivery
// authentic, is it one AWX ignores, and what event it describes (type, guid, ref, status API) —
// as AWX's awx/api/views/webhooks.py reads GitHub, GitLab and Bitbucket Data Center requests.
// No I/O: the caller hands in the request's headers (names lower-cased), its raw body and the
// body parsed as JSON.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"

namespace baton::domain {

enum class WebhookService { kGithub, kGitlab, kBitbucketDc };

// "github", "gitlab", "bitbucket_dc" (the webhook_service values and receiver path segments).
std::optional<WebhookService> ParseWebhookService(std::string_view name);
std::string_view WebhookServiceName(WebhookService s);

using WebhookHeaders = std::vector<std::pair<std::string, std::string>>;  // lower-case names

// Does the delivery carry a valid signature (or token) for `key`? Compared in constant time over
// the raw body bytes. An empty key never matches.
//  - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>` when present (what GitHub sends
//    today), else AWX's `X-Hub-Signature: sha1=<hex HMAC-SHA1>`; any other algorithm fails.
//  - GitLab: `X-Gitlab-Token` equal to the key.
//  - Bitbucket DC: `X-Hub-Signature: sha1=<hex>` or `sha256=<hex>`; a `diagnostics:ping` event
//    is not signed by Bitbucket and is not checked (it is then ignored, see below).
bool WebhookSignatureOk(WebhookService s, const WebhookHeaders& headers, std::string_view raw_body,
                        std::string_view key);

// Bitbucket DC events other than repo:refs_changed, mirror:repo_synchronized, pr:opened,
// pr:from_ref_updated and pr:modified are acknowledged without a launch (200 "Webhook ignored").
// GitHub and GitLab events are never ignored.
bool WebhookIgnored(WebhookService s, const WebhookHeaders& headers);

// What a delivery describes; each value is null when the request does not carry it.
struct WebhookEvent {
  json::value type;  // X-GitHub-Event / X-Gitlab-Event / X-Event-Key
  json::value guid;  // X-GitHub-Delivery / sha1 of the GitLab body / X-Request-Id
  json::value ref;   // the commit (or tag) the event is about; a deleted ref (40 zeros) is null
  json::value status_api;  // where a commit status can be posted back
};
WebhookEvent ParseWebhookEvent(WebhookService s, const WebhookHeaders& headers,
                               std::string_view raw_body, const json::value& payload);

// The launch variables of a delivery (LA-11), awx_ and tower_ twins:
// <p>_webhook_event_type, _event_guid, _event_ref, _status_api, _payload.
json::object WebhookExtraVars(const WebhookEvent& e, const json::value& payload);

// Commit status post-back (AWX WebhookMixin.update_webhook_status): the state a job status is
// reported as, or nullopt when the service is not told about it.
//  - GitHub: pending->pending, successful->success, failed/canceled->failure, error->error;
//  - GitLab: pending, running, successful->success, failed/error->failed, canceled;
//  - Bitbucket DC: pending/running->INPROGRESS, successful->SUCCESSFUL,
//  failed/error/canceled->FAILED.
std::optional<std::string> WebhookCommitState(WebhookService s, std::string_view job_status);

// The authorization header and JSON body of a status post: GitHub `Authorization: token <t>`,
// GitLab `PRIVATE-TOKEN: <t>`, Bitbucket DC `Authorization: Bearer <t>`; body
// {"state", "context", "target_url"} (Bitbucket DC: {"state", "key", "url"}).
struct WebhookStatusMessage {
  std::string auth_header, auth_value;
  std::string body;
};
WebhookStatusMessage BuildWebhookStatus(WebhookService s, std::string_view state,
                                        std::string_view token, std::string_view target_url,
                                        std::string_view context = "ansible/awx");

// Python's str() of a JSON scalar as AWX's format() prints it into a URL (None, True, 12, text).
std::string PyStr(const json::value& v);

}  // namespace baton::domain
