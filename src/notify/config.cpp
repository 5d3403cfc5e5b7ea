#include "notify/config.hpp"

#include "domain/survey.hpp"
#include "notify/template.hpp"

namespace baton::notify {
namespace {

// CustomNotificationBase's defaults.
constexpr const char* kMsg =
    "{{ job_friendly_name }} #{{ job.id }} '{{ job.name }}' {{ job.status }}: {{ url }}";
constexpr const char* kBody =
    "{{ job_friendly_name }} #{{ job.id }} had status {{ job.status }}, view details at {{ url "
    "}}\n\n{{ job_metadata }}";
constexpr const char* kRunningMsg =
    "The approval node \"{{ approval_node_name }}\" needs review. This node can be viewed at: {{ "
    "workflow_url }}";
constexpr const char* kRunningBody =
    "The approval node \"{{ approval_node_name }}\" needs review. This approval node can be viewed "
    "at: "
    "{{ workflow_url }}\n\n{{ job_metadata }}";
constexpr const char* kApprovedMsg =
    "The approval node \"{{ approval_node_name }}\" was approved. {{ workflow_url }}";
constexpr const char* kApprovedBody =
    "The approval node \"{{ approval_node_name }}\" was approved. {{ workflow_url }}\n\n{{ "
    "job_metadata }}";
constexpr const char* kTimeoutMsg =
    "The approval node \"{{ approval_node_name }}\" has timed out. {{ workflow_url }}";
constexpr const char* kTimeoutBody =
    "The approval node \"{{ approval_node_name }}\" has timed out. {{ workflow_url }}\n\n{{ "
    "job_metadata }}";
constexpr const char* kDeniedMsg =
    "The approval node \"{{ approval_node_name }}\" was denied. {{ workflow_url }}";
constexpr const char* kDeniedBody =
    "The approval node \"{{ approval_node_name }}\" was denied. {{ workflow_url }}\n\n{{ "
    "job_metadata }}";
constexpr const char* kMetadataBody = "{{ job_metadata }}";

json::value Opt(const char* s) {
  return s ? json::value(s) : json::value(nullptr);
}

json::object Pair(const char* msg, const char* body, bool with_message = true) {
  json::object o;
  if (with_message) o["message"] = Opt(msg);
  o["body"] = Opt(body);
  return o;
}

// Messages with a message and (maybe) a body for every event.
json::object Messages(const char* body, bool approval_bodies) {
  return json::object{
      {"started", Pair(kMsg, body)},
      {"success", Pair(kMsg, body)},
      {"error", Pair(kMsg, body)},
      {"workflow_approval",
       json::object{{"running", Pair(kRunningMsg, approval_bodies ? kRunningBody : nullptr)},
                    {"approved", Pair(kApprovedMsg, approval_bodies ? kApprovedBody : nullptr)},
                    {"timed_out", Pair(kTimeoutMsg, approval_bodies ? kTimeoutBody : nullptr)},
                    {"denied", Pair(kDeniedMsg, approval_bodies ? kDeniedBody : nullptr)}}}};
}

// Webhook (and awssns): a JSON body only.
json::object BodyOnlyMessages() {
  auto approval = [](const char* what) {
    return json::object{
        {"body", std::string("{\"body\": \"The approval node \\\"{{ approval_node_name }}\\\" ") +
                     what + "\"}"}};
  };
  return json::object{
      {"started", json::object{{"body", kMetadataBody}}},
      {"success", json::object{{"body", kMetadataBody}}},
      {"error", json::object{{"body", kMetadataBody}}},
      {"workflow_approval",
       json::object{
           {"running", approval("needs review. This node can be viewed at: {{ workflow_url }}")},
           {"approved", approval("was approved. {{ workflow_url }}")},
           {"timed_out", approval("has timed out. {{ workflow_url }}")},
           {"denied", approval("was denied. {{ workflow_url }}")}}}};
}

Param P(std::string name, std::string label, std::string type,
        std::optional<json::value> def = std::nullopt) {
  return Param{std::move(name), std::move(label), std::move(type), std::move(def)};
}

std::vector<TypeSpec> MakeTypes() {
  std::vector<TypeSpec> t;
  t.push_back({"awssns",
               "AWS SNS",
               {P("aws_region", "AWS Region", "string", json::value("")),
                P("aws_access_key_id", "Access Key ID", "string", json::value("")),
                P("aws_secret_access_key", "Secret Access Key", "password", json::value("")),
                P("aws_session_token", "Session Token", "password", json::value("")),
                P("sns_topic_arn", "SNS Topic ARN", "string", json::value(""))},
               "sns_topic_arn",
               "",
               BodyOnlyMessages()});
  t.push_back(
      {"email",
       "Email",
       {P("host", "Host", "string"), P("port", "Port", "int"), P("username", "Username", "string"),
        P("password", "Password", "password"), P("use_tls", "Use TLS", "bool"),
        P("use_ssl", "Use SSL", "bool"), P("sender", "Sender Email", "string"),
        P("recipients", "Recipient List", "list"), P("timeout", "Timeout", "int", json::value(30))},
       "recipients",
       "sender",
       Messages(kBody, true)});
  t.push_back(
      {"grafana",
       "Grafana",
       {P("grafana_url", "Grafana URL", "string"), P("grafana_key", "Grafana API Key", "password")},
       "grafana_url",
       "",
       Messages(kMetadataBody, true)});
  t.push_back(
      {"irc",
       "IRC",
       {P("server", "IRC Server Address", "string"), P("port", "IRC Server Port", "int"),
        P("nickname", "IRC Nick", "string"), P("password", "IRC Server Password", "password"),
        P("use_ssl", "SSL Connection", "bool"),
        P("targets", "Destination Channels or Users", "list")},
       "targets",
       "",
       Messages(nullptr, false)});
  t.push_back({"mattermost",
               "Mattermost",
               {P("mattermost_url", "Target URL", "string"),
                P("mattermost_no_verify_ssl", "Verify SSL", "bool")},
               "mattermost_url",
               "",
               Messages(nullptr, false)});
  t.push_back(
      {"pagerduty",
       "Pagerduty",
       {P("subdomain", "Pagerduty subdomain", "string"), P("token", "API Token", "password"),
        P("service_key", "API Service/Integration Key", "string"),
        P("client_name", "Client Identifier", "string")},
       "service_key",
       "client_name",
       Messages(kMetadataBody, true)});
  t.push_back({"rocketchat",
               "Rocket.Chat",
               {P("rocketchat_url", "Target URL", "string"),
                P("rocketchat_no_verify_ssl", "Verify SSL", "bool")},
               "rocketchat_url",
               "",
               Messages(nullptr, false)});
  t.push_back({"slack",
               "Slack",
               {P("token", "Token", "password"), P("channels", "Destination Channels", "list")},
               "channels",
               "",
               Messages(nullptr, false)});
  t.push_back(
      {"twilio",
       "Twilio",
       {P("account_sid", "Account SID", "string"), P("account_token", "Account Token", "password"),
        P("from_number", "Source Phone Number", "string"),
        P("to_numbers", "Destination SMS Numbers", "list")},
       "to_numbers",
       "from_number",
       Messages(nullptr, false)});
  t.push_back({"webhook",
               "Webhook",
               {P("url", "Target URL", "string"),
                P("http_method", "HTTP Method", "string", json::value("POST")),
                P("disable_ssl_verification", "Verify SSL", "bool", json::value(false)),
                P("username", "Username", "string", json::value("")),
                P("password", "Password", "password", json::value("")),
                P("headers", "HTTP Headers", "object")},
               "url",
               "",
               BodyOnlyMessages()});
  return t;
}

bool TypeMatches(const std::string& type, const json::value& v) {
  if (type == "string" || type == "password") return v.is_string();
  if (type == "int") return v.is_int64() || v.is_uint64();
  if (type == "bool") return v.is_bool();
  if (type == "list") return v.is_array();
  if (type == "object") return v.is_object();
  return false;
}

std::string PyClass(const json::value& v) {
  return "<class '" + std::string(domain::PyTypeName(v)) + "'>";
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Truthy(const json::value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_object()) return !v->as_object().empty();
  if (v->is_string()) return !v->as_string().empty();
  if (v->is_array()) return !v->as_array().empty();
  if (v->is_bool()) return v->as_bool();
  return true;
}

// The sample job AWX renders custom messages against to validate them (its
// NotificationTemplateSerializer context: the names and values are AWX's own sample data).
json::object MakeValidationContext() {
  const char* metadata =
      "{'url': 'https://towerhost/$/jobs/playbook/13',\n 'traceback': '',\n 'status': 'running',\n"
      " 'started': '2019-08-07T21:46:38.362630+00:00',\n 'project': 'Stub project',\n"
      " 'playbook': 'ping.yml',\n 'name': 'Stub Job Template',\n 'limit': '',\n"
      " 'inventory': 'Stub Inventory',\n 'id': 42,\n 'hosts': {},\n 'friendly_name': 'Job',\n"
      " 'finished': False,\n 'credential': 'Stub credential',\n 'created_by': 'admin'}";
  auto job = ParseJson(R"({
    "allow_simultaneous": false, "artifacts": {}, "controller_node": "foo_controller",
    "created": "2018-11-13T06:04:00+00:00", "custom_virtualenv": "my_venv",
    "description": "Sample job description", "diff_mode": false, "elapsed": 0.403018,
    "execution_node": "awx", "failed": false, "finished": false, "force_handlers": false,
    "forks": 0,
    "host_status_counts": {"skipped": 1, "ok": 5, "changed": 3, "failures": 0, "dark": 0,
                           "failed": false, "processed": 0, "rescued": 0, "ignored": 0},
    "id": 42, "job_explanation": "Sample job explanation", "job_slice_count": 1,
    "job_slice_number": 0, "job_tags": "", "job_type": "run", "launch_type": "workflow",
    "limit": "bar_limit", "modified": "2018-12-13T06:04:00+00:00", "name": "Stub JobTemplate",
    "playbook": "ping.yml", "scm_branch": "", "scm_revision": "", "skip_tags": "",
    "start_at_task": "", "started": "2019-07-29T17:38:14.137461Z", "status": "running",
    "summary_fields": {
      "created_by": {"first_name": "", "id": 1, "last_name": "", "username": "admin"},
      "instance_group": {"id": 1, "name": "tower"},
      "inventory": {"description": "Sample inventory description", "has_active_failures": false,
                    "has_inventory_sources": false, "hosts_with_active_failures": 0, "id": 17,
                    "inventory_sources_with_failures": 0, "kind": "", "name": "Stub Inventory",
                    "organization_id": 121, "total_groups": 0, "total_hosts": 1,
                    "total_inventory_sources": 0},
      "job_template": {"description": "Sample job template description", "id": 39,
                       "name": "Stub JobTemplate"},
      "labels": {"count": 0, "results": []},
      "project": {"description": "Sample project description", "id": 38, "name": "Stub project",
                  "scm_type": "git", "status": "successful"},
      "schedule": {"description": "Sample schedule", "id": 42, "name": "Stub schedule",
                   "next_run": "2038-01-01T00:00:00.000000Z"},
      "unified_job_template": {"description": "Sample unified job template description",
                               "id": 39, "name": "Stub Job Template", "unified_job_type": "job"}},
    "timeout": 0, "type": "job", "url": "/api/v2/jobs/13/", "use_fact_cache": false,
    "verbosity": 0})");
  return json::object{{"job", job ? *job : json::value(json::object{})},
                      {"job_friendly_name", "Job"},
                      {"url", "https://towerhost/#/jobs/playbook/1010"},
                      {"approval_status", "approved"},
                      {"approval_node_name", "Approve Me"},
                      {"workflow_url", "https://towerhost/#/jobs/workflow/1010"},
                      {"job_metadata", metadata}};
}

}  // namespace

const std::vector<TypeSpec>& Types() {
  static const std::vector<TypeSpec> types = MakeTypes();
  return types;
}

const TypeSpec* FindType(std::string_view type) {
  for (const auto& t : Types())
    if (t.type == type) return &t;
  return nullptr;
}

std::vector<std::string> PasswordFields(const TypeSpec& spec) {
  std::vector<std::string> out;
  for (const auto& p : spec.params)
    if (p.type == "password") out.push_back(p.name);
  return out;
}

const json::object& ValidationContext() {
  static const json::object stub = MakeValidationContext();
  return stub;
}

std::vector<std::string> ValidateConfiguration(const TypeSpec& spec, json::object& config,
                                               const json::object* existing) {
  std::vector<std::string> errors, missing;
  std::vector<std::pair<std::string, std::string>> incorrect;
  std::vector<std::string> forward;
  for (const auto& p : spec.params) {
    if (!config.contains(p.name)) {
      if (p.def) {
        config[p.name] = *p.def;
      } else {
        missing.push_back(p.name);
        continue;
      }
    }
    const json::value& v = config.at(p.name);
    if (!TypeMatches(p.type, v)) {
      incorrect.emplace_back(p.name, p.type);
      continue;
    }
    if (p.type == "list" && v.as_array().empty()) {
      errors.push_back("No values specified for field '" + p.name + "'");
      continue;
    }
    if (p.type == "password" && v.as_string() == "$encrypted$" && existing)
      forward.push_back(p.name);
    if (p.name == "http_method") {
      std::string m = Lower(std::string(v.as_string()));
      if (m != "put" && m != "post")
        errors.push_back("HTTP method must be either 'POST' or 'PUT'.");
    }
  }
  if (!missing.empty()) {
    std::string list = "[";
    for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", '" : "'") + missing[i] + "'";
    list += "]";
    errors.push_back("Missing required fields for Notification Configuration: " + list + ".");
  }
  for (const auto& [name, type] : incorrect)
    errors.push_back("Configuration field '" + name + "' incorrect type, expected " + type + ".");
  if (errors.empty()) {
    for (const auto& f : forward) {
      const json::value* old = existing->if_contains(f);
      config[f] = old ? *old : json::value("");
    }
  }
  return errors;
}

std::vector<std::string> ValidateMessages(const json::value& messages, std::string_view type) {
  std::vector<std::string> errors;
  if (messages.is_null()) return errors;
  std::vector<std::string> collected;
  auto check = [&](const json::object& msgs, std::string_view event) {
    for (const auto& kv : msgs) {
      std::string mt(kv.key());
      if (mt != "message" && mt != "body") {
        errors.push_back("Message type '" + mt + "' invalid, must be either 'message' or 'body'");
        continue;
      }
      const json::value& m = kv.value();
      if (m.is_null()) continue;
      if (!m.is_string()) {
        errors.push_back("Expected string for '" + mt + "', found " + PyClass(m) + ", ");
        continue;
      }
      if (mt == "message" && m.as_string().find('\n') != json::string::npos) {
        errors.push_back("Messages cannot contain newlines (found newline in " +
                         std::string(event) + " event)");
        continue;
      }
      collected.emplace_back(m.as_string());
    }
  };
  if (!messages.is_object()) {
    errors.push_back("Expected dict for 'messages' field, found " + PyClass(messages));
  } else {
    for (const auto& kv : messages.as_object()) {
      std::string event(kv.key());
      if (event != "started" && event != "success" && event != "error" &&
          event != "workflow_approval") {
        errors.push_back("Event '" + event +
                         "' invalid, must be one of 'started', 'success', 'error', or "
                         "'workflow_approval'");
        continue;
      }
      const json::value& em = kv.value();
      if (em.is_null()) continue;
      if (!em.is_object()) {
        errors.push_back("Expected dict for event '" + event + "', found " + PyClass(em));
        continue;
      }
      if (event == "workflow_approval") {
        for (const auto& sub : em.as_object()) {
          std::string se(sub.key());
          if (se != "running" && se != "approved" && se != "timed_out" && se != "denied") {
            errors.push_back("Workflow Approval event '" + se +
                             "' invalid, must be one of 'running', 'approved', 'timed_out', or "
                             "'denied'");
            continue;
          }
          if (sub.value().is_null()) continue;
          if (!sub.value().is_object()) {
            errors.push_back("Expected dict for workflow approval event '" + se + "', found " +
                             PyClass(sub.value()));
            continue;
          }
          check(sub.value().as_object(), event);
        }
      } else {
        check(em.as_object(), event);
      }
    }
  }
  for (const auto& msg : collected) {
    auto r = Render(msg, ValidationContext(), true);
    if (r.status == RenderResult::Status::kSyntax)
      errors.push_back("Unable to render message '" + msg + "': " + r.message);
    else if (r.status == RenderResult::Status::kUndefined)
      errors.push_back("Field '" + r.message + "' unavailable");
  }
  if (type == "webhook" && messages.is_object()) {
    for (const auto& kv : messages.as_object()) {
      if (!kv.value().is_object()) continue;
      const json::value* body = kv.value().as_object().if_contains("body");
      if (!body || !body->is_string() || body->as_string().empty()) continue;
      auto r = Render(body->as_string(), ValidationContext(), true);
      if (!r.ok())
        errors.push_back("Webhook body for '" + std::string(kv.key()) +
                         "' is not valid. The following gave an error (" + r.message + ").");
    }
  }
  return errors;
}

void MergeMessages(const json::value& old_v, json::value& new_v) {
  if (!old_v.is_object() || !new_v.is_object()) return;
  const json::object& old_m = old_v.as_object();
  json::object& new_m = new_v.as_object();
  auto merge = [](const json::object& olds, json::object& news, std::string_view event) {
    const json::value* ne = news.if_contains(event);
    const json::value* oe = olds.if_contains(event);
    if (!Truthy(ne) || !Truthy(oe) || !ne->is_object() || !oe->is_object()) return;
    json::object& nobj = news[event].as_object();
    for (const char* mt : {"message", "body"})
      if (!nobj.contains(mt) && Truthy(oe->as_object().if_contains(mt)))
        nobj[mt] = oe->as_object().at(mt);
  };
  for (const char* event : {"started", "success", "error", "workflow_approval"}) {
    const json::value* ne = new_m.if_contains(event);
    const json::value* oe = old_m.if_contains(event);
    if (!Truthy(ne) && Truthy(oe)) {
      new_m[event] = *oe;
      continue;
    }
    if (std::string_view(event) == "workflow_approval" && Truthy(oe) && oe->is_object()) {
      if (!new_m.contains(event) || !new_m[event].is_object()) new_m[event] = json::object{};
      json::object& nw = new_m[event].as_object();
      const json::object& ow = oe->as_object();
      for (const char* sub : {"running", "approved", "timed_out", "denied"}) {
        if (!Truthy(nw.if_contains(sub)) && Truthy(ow.if_contains(sub))) {
          nw[sub] = ow.at(sub);
          continue;
        }
        merge(ow, nw, sub);
      }
    } else {
      merge(old_m, new_m, event);
    }
    if (!new_m.contains(event)) new_m[event] = nullptr;
  }
}

Templates TemplatesFor(const TypeSpec& spec, const json::value& messages, std::string_view event) {
  bool approval =
      event == "running" || event == "approved" || event == "timed_out" || event == "denied";
  auto pick = [&](const json::object& root) -> const json::object* {
    const json::value* e = root.if_contains(approval ? "workflow_approval" : event);
    if (!e || !e->is_object()) return nullptr;
    if (!approval) return &e->as_object();
    const json::value* s = e->as_object().if_contains(event);
    return s && s->is_object() ? &s->as_object() : nullptr;
  };
  Templates t;
  const json::object* custom = messages.is_object() ? pick(messages.as_object()) : nullptr;
  const json::object* def = pick(spec.default_messages);
  auto take = [&](const char* key, std::string& out, bool& has) {
    const json::value* v = custom ? custom->if_contains(key) : nullptr;
    if (!Truthy(v)) v = def ? def->if_contains(key) : nullptr;
    if (v && v->is_string() && !v->as_string().empty()) {
      out = std::string(v->as_string());
      has = true;
    }
  };
  take("message", t.message, t.has_message);
  take("body", t.body, t.has_body);
  return t;
}

}  // namespace baton::notify
