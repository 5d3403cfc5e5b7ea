// Sending one notification through its template's backend, as AWX's backends do: email over
// SMTP, webhook (method, headers, basic auth, JSON body), Slack chat.postMessage, Mattermost and
// Rocket.Chat incoming webhooks, Grafana annotations, PagerDuty events, Twilio messages. IRC
// and AWS SNS are not supported and fail with a clear error (docs/compat.md). Blocking; called
// from the notifier's delivery thread only.
#pragma once
#include <map>
#include <string>

#include "core/json.hpp"

namespace baton::notify {

struct Delivery {
  bool ok = false;
  int sent = 0;       // notifications_sent
  std::string error;  // when !ok
};

struct BackendOptions {
  // Base URLs of the services whose address is not part of the configuration, by type
  // ("slack": "https://slack.com", "pagerduty": "https://events.pagerduty.com",
  // "twilio": "https://api.twilio.com"); tests point them at loopback receivers.
  std::map<std::string, std::string> base_urls;
  std::string user_agent = "Tower 21.14.0";
  long timeout_s = 30;
};

// `config` has password values decrypted; `body` is the stored body (a JSON string or object).
Delivery Send(const std::string& type, const json::object& config, const std::string& subject,
              const json::value& body, const BackendOptions& opts);

}  // namespace baton::notify
