#include "notify/deliver.hpp"

#include <curl/curl.h>

#include "core/clock.hpp"
#include "notify/http_client.hpp"

namespace baton::notify {
namespace {

std::string Str(const json::object& c, const char* k) {
  return GetString(c, k);
}
bool Flag(const json::object& c, const char* k) {
  return GetBool(c, k);
}

std::vector<std::string> List(const json::object& c, const char* k) {
  std::vector<std::string> out;
  if (auto* v = c.if_contains(k); v && v->is_array())
    for (const auto& e : v->as_array())
      out.push_back(e.is_string() ? std::string(e.as_string()) : Dump(e));
  return out;
}

// The body as a string (stored bodies of job notifications are strings).
std::string BodyText(const json::value& body) {
  if (body.is_string()) return std::string(body.as_string());
  if (body.is_null()) return "";
  return Dump(body);
}

// format_body of webhook and grafana: a JSON object when the text is one, else {}.
json::value BodyObject(const json::value& body) {
  if (body.is_object()) return body;
  if (body.is_string())
    if (auto p = ParseJson(body.as_string()); p && p->is_object()) return *p;
  return json::object{};
}

std::string Base(const BackendOptions& o, const std::string& type, const char* def) {
  auto it = o.base_urls.find(type);
  std::string b = it != o.base_urls.end() && !it->second.empty() ? it->second : def;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b;
}

Delivery Fail(std::string e) {
  return Delivery{false, 0, std::move(e)};
}

// A failure message from a transport error or an HTTP status >= 400.
std::optional<std::string> HttpFailure(const HttpResponse& r, const std::string& what) {
  if (!r.Transported()) return "Error sending notification " + what + ": " + r.error;
  if (r.status >= 400)
    return "Error sending notification " + what + ": " + std::to_string(r.status);
  return std::nullopt;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

Delivery Email(const json::object& c, const std::string& subject, const json::value& body,
               const BackendOptions& o) {
  MailRequest m;
  m.host = Str(c, "host");
  if (auto* p = c.if_contains("port"); p && p->is_int64()) m.port = static_cast<int>(p->as_int64());
  m.username = Str(c, "username");
  m.password = Str(c, "password");
  m.use_tls = Flag(c, "use_tls");
  m.use_ssl = Flag(c, "use_ssl");
  if (auto* t = c.if_contains("timeout"); t && t->is_int64()) m.timeout_s = t->as_int64();
  m.sender = Str(c, "sender");
  m.recipients = List(c, "recipients");
  m.subject = subject;
  m.body = BodyText(body);
  std::string err = SendMail(m);
  if (!err.empty()) return Fail(err);
  return Delivery{true, 1, ""};
}

Delivery Webhook(const json::object& c, const json::value& body, const BackendOptions& o) {
  std::string method = Str(c, "http_method");
  for (char& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (method.empty()) method = "POST";
  if (method != "POST" && method != "PUT")
    return Fail("HTTP method must be either 'POST' or 'PUT'.");
  HttpRequest req;
  req.method = method;
  req.url = Str(c, "url");
  bool has_agent = false;
  if (auto* h = c.if_contains("headers"); h && h->is_object())
    for (const auto& kv : h->as_object()) {
      std::string name(kv.key());
      std::string lower = name;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower == "content-type") continue;
      if (lower == "user-agent") has_agent = true;
      req.headers.emplace_back(
          name, kv.value().is_string() ? std::string(kv.value().as_string()) : Dump(kv.value()));
    }
  req.headers.emplace_back("Content-Type", "application/json");
  if (!has_agent) req.headers.emplace_back("User-Agent", o.user_agent);
  req.body = Dump(BodyObject(body));
  req.username = Str(c, "username");
  req.password = Str(c, "password");
  req.verify_ssl = !Flag(c, "disable_ssl_verification");
  req.timeout_s = o.timeout_s;
  if (auto f = HttpFailure(SendHttp(req), "webhook")) return Fail(*f);
  return Delivery{true, 1, ""};
}

Delivery Slack(const json::object& c, const std::string& subject, const BackendOptions& o) {
  int sent = 0;
  std::string color = Str(c, "hex_color");
  bool use_color = color.starts_with("#") && (color.size() == 4 || color.size() == 7);
  for (std::string ch : List(c, "channels")) {
    if (ch.starts_with("#")) ch.erase(0, 1);
    HttpRequest req;
    req.url = Base(o, "slack", "https://slack.com") + "/api/chat.postMessage";
    req.headers = {{"Content-Type", "application/json; charset=utf-8"},
                   {"Authorization", "Bearer " + Str(c, "token")}};
    json::object payload{{"channel", ch}};
    if (use_color)
      payload["attachments"] = json::array{json::object{{"color", color}, {"text", subject}}};
    else
      payload["text"] = subject;
    req.body = Dump(payload);
    req.timeout_s = o.timeout_s;
    auto r = SendHttp(req);
    if (auto f = HttpFailure(r, "slack")) return Fail(*f);
    auto answer = ParseJson(r.body);
    if (!answer || !answer->is_object() || !GetBool(answer->as_object(), "ok")) {
      std::string err =
          answer && answer->is_object() ? GetString(answer->as_object(), "error") : r.body;
      return Fail("Slack Notification unable to send " + ch + ": " + subject + " (" + err + ")");
    }
    ++sent;
  }
  return Delivery{true, sent, ""};
}

Delivery ChatHook(const json::object& c, const std::string& subject, const BackendOptions& o,
                  const std::string& prefix, const std::string& what, bool json_header) {
  HttpRequest req;
  req.url = Str(c, (prefix + "_url").c_str());
  json::object payload;
  if (prefix == "rocketchat") payload["text"] = subject;
  for (const char* opt : {"icon_url", "channel", "username"}) {
    if (prefix == "rocketchat" && std::string_view(opt) == "channel") continue;
    auto* v = c.if_contains(prefix + "_" + opt);
    if (v && v->is_string()) {
      std::string s(v->as_string());
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
      payload[opt] = s;
    }
  }
  if (prefix != "rocketchat") payload["text"] = subject;
  req.body = Dump(payload);
  if (json_header) req.headers = {{"Content-Type", "application/json"}};
  req.verify_ssl = !Flag(c, (prefix + "_no_verify_ssl").c_str());
  req.timeout_s = o.timeout_s;
  if (auto f = HttpFailure(SendHttp(req), what)) return Fail(*f);
  return Delivery{true, 1, ""};
}

Delivery Grafana(const json::object& c, const std::string& subject, const json::value& body,
                 const BackendOptions& o) {
  json::object data;
  json::value b = BodyObject(body);
  const json::object& bo = b.as_object();
  if (auto* st = bo.if_contains("started"); st && st->is_string()) {
    auto t = ParseIso(st->as_string());
    if (!t)
      return Fail("Error converting time " + std::string(st->as_string()) +
                  " and/or timeEnd to int.");
    data["time"] = data["timeEnd"] = *t / 1000;
    if (auto* fin = bo.if_contains("finished"); fin && fin->is_string())
      if (auto te = ParseIso(fin->as_string())) data["timeEnd"] = *te / 1000;
  }
  data["isRegion"] = c.contains("isRegion") ? c.at("isRegion") : json::value(true);
  data["dashboardId"] = c.contains("dashboardId") ? c.at("dashboardId") : json::value(nullptr);
  data["panelId"] = c.contains("panelId") ? c.at("panelId") : json::value(nullptr);
  if (auto* tags = c.if_contains("annotation_tags");
      tags && tags->is_array() && !tags->as_array().empty())
    data["tags"] = *tags;
  data["text"] = subject;
  HttpRequest req;
  req.url = Str(c, "grafana_url");
  while (!req.url.empty() && req.url.back() == '/') req.url.pop_back();
  req.url += "/api/annotations";
  req.headers = {{"Authorization", "Bearer " + Str(c, "grafana_key")},
                 {"Content-Type", "application/json"}};
  req.body = Dump(data);
  req.verify_ssl = !Flag(c, "grafana_no_verify_ssl");
  req.timeout_s = o.timeout_s;
  if (auto f = HttpFailure(SendHttp(req), "grafana")) return Fail(*f);
  return Delivery{true, 1, ""};
}

Delivery PagerDuty(const json::object& c, const std::string& subject, const json::value& body,
                   const BackendOptions& o) {
  // pygerduty's trigger_incident: the Events API v1.
  json::value details = body;
  if (body.is_string())
    if (auto p = ParseJson(body.as_string()); p && p->is_object()) details = *p;
  json::object payload{{"service_key", Str(c, "service_key")},
                       {"event_type", "trigger"},
                       {"description", subject},
                       {"details", details},
                       {"client", Str(c, "client_name")}};
  HttpRequest req;
  req.url = Base(o, "pagerduty", "https://events.pagerduty.com") +
            "/generic/2010-04-15/create_event.json";
  req.headers = {{"Content-Type", "application/json"},
                 {"Authorization", "Token token=" + Str(c, "token")}};
  req.body = Dump(payload);
  req.timeout_s = o.timeout_s;
  if (auto f = HttpFailure(SendHttp(req), "pagerduty")) return Fail(*f);
  return Delivery{true, 1, ""};
}

Delivery Twilio(const json::object& c, const std::string& subject, const BackendOptions& o) {
  std::string sid = Str(c, "account_sid");
  for (const auto& to : List(c, "to_numbers")) {
    HttpRequest req;
    req.url = Base(o, "twilio", "https://api.twilio.com") + "/2010-04-01/Accounts/" +
              UrlEncode(sid) + "/Messages.json";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = "To=" + UrlEncode(to) + "&From=" + UrlEncode(Str(c, "from_number")) +
               "&Body=" + UrlEncode(subject);
    req.username = sid;
    req.password = Str(c, "account_token");
    req.timeout_s = o.timeout_s;
    if (auto f = HttpFailure(SendHttp(req), "twilio")) return Fail(*f);
  }
  return Delivery{true, 1, ""};
}

}  // namespace

Delivery Send(const std::string& type, const json::object& c, const std::string& subject,
              const json::value& body, const BackendOptions& o) {
  if (type == "email") return Email(c, subject, body, o);
  if (type == "webhook") return Webhook(c, body, o);
  if (type == "slack") return Slack(c, subject, o);
  if (type == "mattermost") return ChatHook(c, subject, o, "mattermost", "mattermost", true);
  if (type == "rocketchat") return ChatHook(c, subject, o, "rocketchat", "rocket.chat", false);
  if (type == "grafana") return Grafana(c, subject, body, o);
  if (type == "pagerduty") return PagerDuty(c, subject, body, o);
  if (type == "twilio") return Twilio(c, subject, o);
  if (type == "irc") return Fail("IRC notifications are not supported by baton");
  if (type == "awssns") return Fail("AWS SNS notifications are not supported by baton");
  return Fail("Unknown notification type " + type);
}

}  // namespace baton::notify
