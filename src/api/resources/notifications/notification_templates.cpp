// Notification templates (api-resources.md §21): CRUD with the per-type configuration and
// messages validation of AWX's NotificationTemplateSerializer (notify/config), password values
// encrypted at rest and shown as $encrypted$, test/ (202, delivered by the notifier thread),
// copy/, notifications/; RBAC as AWX's NotificationTemplateAccess (notification admins and
// auditors of the organization). The notification_templates_* attach points of other resources
// live in notification_attachments.cpp, notifications themselves in notifications.cpp.
#include "api/resources/common.hpp"
#include "api/resources/notifications/notifications.hpp"
#include "api/routes.hpp"
#include "core/secrets.hpp"
#include "notify/config.hpp"
#include "notify/url_base.hpp"

namespace baton::api {
namespace {

constexpr const char* kRes = "notification_templates";

json::object DefaultMessages() {
  return json::object{{"started", nullptr},
                      {"success", nullptr},
                      {"error", nullptr},
                      {"workflow_approval", nullptr}};
}

// A top-level key of the body as sent (before coercion), when present: AWX validates
// `messages` and `notification_configuration` from what the client sent.
std::optional<json::value> Sent(const WriteInput& in, std::string_view key) {
  const json::value* v = in.body.if_contains(key);
  if (!v) return std::nullopt;
  return *v;
}

Status Validate(Session& ctx, const WriteInput& in, Obj& v, const Obj* existing) {
  if (!OptIdOf(v, "organization"))
    return Error::Field("organization", "This field cannot be blank.");
  std::string type = GetString(v, "notification_type");
  // messages (a field validator: its errors come alone, under "messages")
  if (auto sent = Sent(in, "messages")) {
    auto errs = notify::ValidateMessages(*sent, type);
    if (!errs.empty()) {
      json::array a;
      for (auto& e : errs) a.emplace_back(json::string(e));
      return Error::Body(ErrorCode::kInvalid, json::object{{"messages", std::move(a)}});
    }
    v["messages"] = *sent;
  }
  if (existing) {
    const json::value* old = existing->if_contains("messages");
    if (old && v.contains("messages")) notify::MergeMessages(*old, v["messages"]);
  }
  if (type.empty())
    return Error::All("Missing required fields for Notification Configuration: notification_type");
  const notify::TypeSpec* spec = notify::FindType(type);
  if (!spec) return Error::Field("notification_type", "\"" + type + "\" is not a valid choice.");
  if (!Sent(in, "notification_configuration")) return OkStatus();
  json::value* cfg = v.if_contains("notification_configuration");
  if (!cfg || !cfg->is_object()) return OkStatus();
  const json::object* stored = nullptr;
  if (existing) {
    const json::value* s = existing->if_contains("notification_configuration");
    if (s && s->is_object()) stored = &s->as_object();
  }
  auto errs = notify::ValidateConfiguration(*spec, cfg->as_object(), stored);
  if (!errs.empty()) {
    json::array a;
    for (auto& e : errs) a.emplace_back(json::string(e));
    return Error::Body(ErrorCode::kInvalid, json::object{{"__all__", std::move(a)}});
  }
  return OkStatus();
}

// Password-typed values are stored encrypted (an empty one stays empty, as AWX's encrypt_field).
void PrepareWrite(Session& ctx, Obj& v, const Obj*) {
  const notify::TypeSpec* spec = notify::FindType(GetString(v, "notification_type"));
  json::value* cfg = v.if_contains("notification_configuration");
  if (!spec || !cfg || !cfg->is_object()) return;
  for (const auto& f : notify::PasswordFields(*spec)) {
    json::value* val = cfg->as_object().if_contains(f);
    if (!val || !val->is_string() || val->as_string().empty()) continue;
    std::string_view s = val->as_string();
    if (s.starts_with("$encrypted$")) continue;
    *val = json::string(Encrypt(ctx.cfg.secret_key, s));
  }
}

bool IsNotificationAdmin(Session& ctx, int64_t org) {
  return HasRole(ctx, "organization", org, "notification_admin_role");
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  // display_notification_configuration: encrypted values read "$encrypted$"
  if (auto* cfg = out.if_contains("notification_configuration"); cfg && cfg->is_object()) {
    if (const auto* spec = notify::FindType(GetString(o, "notification_type")))
      for (const auto& p : spec->params)
        if (auto* val = cfg->as_object().if_contains(p.name);
            val && val->is_string() && val->as_string().starts_with("$encrypted$"))
          *val = "$encrypted$";
  }
  for (const char* s : {"test", "notifications", "copy"}) AddRelated(out, s, Url(kRes, id, s));
  auto& sf = SummaryOf(out);
  if (auto org = OptIdOf(o, "organization")) {
    if (auto s = BasicSummary(ctx, "organizations", *org)) {
      AddRelated(out, "organization", Url("organizations", *org));
      sf["organization"] = std::move(*s);
    }
  }
  json::array recent;
  auto rows = ctx.db.Query(
      "SELECT id, status, created, error FROM notifications WHERE notification_template_id = ? "
      "ORDER BY created DESC, id DESC LIMIT 5",
      {id});
  for (const auto& r : rows.rows)
    recent.push_back(json::object{{"id", store::AsInt(r[0])},
                                  {"status", store::AsString(r[1])},
                                  {"created", store::AsString(r[2])},
                                  {"error", store::AsString(r[3])}});
  sf["recent_notifications"] = std::move(recent);
}

// test/ (POST): a notification with AWX's test subject and body, pending for the notifier.
ActionDef TestAction() {
  ActionDef a;
  a.name = "test";
  a.methods = {"POST"};
  a.title = "Notification Template Test";
  a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must(kRes);
    BATON_ASSIGN(Obj nt, LoadReadable(ctx, def, req.ids[0]));
    BATON_TRY(CheckWriteScope(ctx));
    if (!ctx.caller.superuser && !IsNotificationAdmin(ctx, IdOf(nt, "organization")))
      return Error::Forbidden();
    std::string type = GetString(nt, "notification_type");
    std::string base = notify::UrlBase(ctx.db);
    std::string id = std::to_string(IdOf(nt));
    std::string subject = "Notification Test " + id + " " + base;
    std::string text = "Test Notification " + id + " " + base;
    json::value body;
    if (type == "email" || type == "pagerduty")
      body = json::string(text);
    else if (type == "webhook" || type == "grafana")
      body = json::string("{\"body\": \"" + text + "\"}");
    else
      body = json::object{{"body", text}};
    store::Tx tx(ctx.db);
    BATON_ASSIGN(int64_t nid, CreateNotification(ctx, IdOf(nt), subject, body, std::nullopt, ""));
    tx.Commit();
    ctx.wake = true;
    const ResourceDef& ndef = Registry::Get().Must("notifications");
    auto n = Load(ctx, ndef, nid);
    json::object out{{"notification", nid}};
    if (n)
      for (auto& kv : SerializeDetail(ctx, ndef, *n)) out[kv.key()] = kv.value();
    Reply r = Reply::Json(std::move(out), 202);
    r.headers.emplace_back("Location", ndef.Url(nid));
    return r;
  };
  return a;
}

}  // namespace

void RegisterNotificationTemplates() {
  ResourceDef d =
      NewResource(kRes, "notification_template", "NotificationTemplate", "Notification Templates");
  d.named_url_format = "name++organization.name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description", "notification_type"};
  d.fields = NamedFields();
  FieldDef org = Fk("organization", "organizations", true);
  org.nullable = true;  // accepted by the field, refused by validation with the model's message
  d.fields.push_back(org);
  FieldDef type = F("notification_type", FieldType::kChoice);
  for (const auto& t : notify::Types()) type.choices.emplace_back(t.type, t.label);
  type.label = "Notification type";
  d.fields.push_back(type);
  FieldDef cfg = F("notification_configuration", FieldType::kJson);
  cfg.def = json::object{};
  cfg.has_default = true;
  cfg.filterable = false;
  d.fields.push_back(cfg);
  FieldDef messages = F("messages", FieldType::kJson);
  messages.nullable = true;
  messages.def = DefaultMessages();
  messages.has_default = true;
  messages.filterable = false;
  messages.help_text = "Optional custom messages for notification template.";
  d.fields.push_back(messages);
  d.uniques = {{{"organization", "name"},
                "__all__",
                "Notification template with this Organization and Name already exists."}};
  // NotificationTemplateAccess: notification admins and auditors of the organization read.
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    std::string a =
        HasRoleSql(ctx, "organization", "notification_admin_role", p, "t.organization_id");
    std::string b = HasRoleSql(ctx, "organization", "auditor_role", p, "t.organization_id");
    return "(" + a + " OR " + b + ")";
  };
  d.can_add = [](Session& ctx, const Obj& data) -> Status {
    if (ctx.caller.superuser) return OkStatus();
    auto o = OptIdOf(data, "organization");
    if (!o) return Error::Forbidden();
    return RequireRole(ctx, "organization", *o, "notification_admin_role");
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj& data) -> Status {
    if (ctx.caller.superuser) return OkStatus();
    BATON_TRY(RequireRole(ctx, "organization", IdOf(o, "organization"), "notification_admin_role"));
    auto next = OptIdOf(data, "organization");
    if (next && *next != IdOf(o, "organization"))
      return RequireRole(ctx, "organization", *next, "notification_admin_role");
    return OkStatus();
  };
  // Without delete rights AWX answers 404; with pending notifications of the last 8 hours, 405.
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    if (!ctx.caller.superuser && !IsNotificationAdmin(ctx, IdOf(o, "organization")))
      return Error::NotFound();
    std::string since = FormatIso(ctx.now - Micros{8} * 3600 * 1000000);
    if (ctx.db.QueryInt(
            "SELECT 1 FROM notifications WHERE notification_template_id = ? AND status = "
            "'pending' AND created > ? LIMIT 1",
            {IdOf(o), since}))
      return Error::Err("Delete not allowed while there are pending notifications",
                        ErrorCode::kNotAllowed);
    return OkStatus();
  };
  d.before_delete = [](Session& ctx, const Obj& o) -> Status {
    ctx.db.Exec("DELETE FROM notification_template_attachments WHERE notification_template_id = ?",
                {IdOf(o)});
    ctx.db.Exec("DELETE FROM notifications WHERE notification_template_id = ?", {IdOf(o)});
    return OkStatus();
  };
  d.capabilities = [](Session& ctx, const Obj& o) {
    bool admin = !ctx.caller.read_only_token &&
                 (ctx.caller.superuser || IsNotificationAdmin(ctx, IdOf(o, "organization")));
    return json::object{{"edit", admin}, {"delete", admin}, {"copy", admin}};
  };
  d.validate = Validate;
  d.prepare_write = PrepareWrite;
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("notifications", "notifications", "t.notification_template_id = ?",
                                "Notifications"));
  d.actions.push_back(TestAction());
  d.actions.push_back(CopyAction(kRes));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
