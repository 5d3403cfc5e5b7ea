// Notification types as AWX declares them (api-resources.md §21): each type's configuration
// parameters (init_parameters: name, label, type, default), recipient/sender parameters, default
// messages, and the validation of `notification_configuration` and `messages` with AWX's exact
// messages. Pure; no I/O.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace baton::notify {

struct Param {
  std::string name;
  std::string label;
  std::string type;  // string, int, bool, list, password, object
  std::optional<json::value> def;
};

struct TypeSpec {
  std::string type;   // "email"
  std::string label;  // "Email"
  std::vector<Param> params;
  std::string recipient_parameter;
  std::string sender_parameter;   // "" = none
  json::object default_messages;  // started/success/error/workflow_approval{running,...}
};

// Every type, in AWX's choice order (awssns, email, grafana, irc, mattermost, pagerduty,
// rocketchat, slack, twilio, webhook).
const std::vector<TypeSpec>& Types();
const TypeSpec* FindType(std::string_view type);

// The names of the type's password-typed parameters.
std::vector<std::string> PasswordFields(const TypeSpec& spec);

// NotificationTemplateSerializer.validate: fills defaults into `config` and returns the errors
// (missing fields, wrong types, empty lists, webhook http_method), in AWX's order. A password
// value "$encrypted$" is kept from `existing` (the stored configuration, on update) when there
// are no errors.
std::vector<std::string> ValidateConfiguration(const TypeSpec& spec, json::object& config,
                                               const json::object* existing);

// validate_messages: structure, newline-free messages, and that every template renders against
// AWX's stub context; webhook bodies must render too.
std::vector<std::string> ValidateMessages(const json::value& messages, std::string_view type);

// NotificationTemplate.save on update: events (and approval sub-events, and message/body within
// them) the new messages leave empty keep their old values; every event key ends up present.
void MergeMessages(const json::value& old_messages, json::value& new_messages);

// The sample context AWX validates messages against (JobNotificationMixin.context_stub).
const json::object& ValidationContext();

// The message and body templates for an event of a notification template: the custom ones in
// `messages` where set, else the type's defaults. event: started, success, error; approval
// events: running, approved, timed_out, denied (under workflow_approval).
struct Templates {
  std::string message;
  std::string body;
  bool has_message = false;
  bool has_body = false;
};
Templates TemplatesFor(const TypeSpec& spec, const json::value& messages, std::string_view event);

}  // namespace baton::notify
