#include "api/resources/notifications/notifications.hpp"

#include "api/routes.hpp"
#include "notify/store.hpp"

namespace baton::api {
namespace {

constexpr const char* kRes = "notifications";

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  std::string type = GetString(o, "notification_type");
  int64_t nt = IdOf(o, "notification_template");
  if (auto s = BasicSummary(ctx, "notification_templates", nt)) {
    AddRelated(out, "notification_template", Url("notification_templates", nt));
    SummaryOf(out)["notification_template"] = std::move(*s);
  }
  // NotificationSerializer.get_body: webhook/pagerduty/awssns bodies show as the JSON object
  // they hold (or its "body").
  json::value body = nullptr;
  if (auto parsed = ParseJson(GetString(o, "body_json"))) body = *parsed;
  if (type == "webhook" || type == "pagerduty" || type == "awssns") {
    if (body.is_object() && body.as_object().contains("body")) {
      body = json::value(body.as_object().at("body"));
    } else if (body.is_string()) {
      if (auto p = ParseJson(body.as_string()); p && p->is_object()) body = *p;
    }
  }
  out["body"] = std::move(body);
  if (type == "webhook" || type == "awssns") out.erase("subject");
  if (type != "email" && type != "webhook" && type != "pagerduty" && type != "awssns")
    out.erase("body");
}

// Readable with the template: notification admins and auditors of its organization.
std::string ReadFilter(Session& ctx, store::Params& p) {
  if (ctx.caller.sees_all()) return "";
  std::string a =
      HasRoleSql(ctx, "organization", "notification_admin_role", p, "n.organization_id");
  std::string b = HasRoleSql(ctx, "organization", "auditor_role", p, "n.organization_id");
  return "t.notification_template_id IN (SELECT n.id FROM notification_templates n WHERE " + a +
         " OR " + b + ")";
}

}  // namespace

Result<int64_t> CreateNotification(Session& ctx, int64_t nt, const std::string& subject,
                                   const json::value& body, std::optional<int64_t> job,
                                   const std::string& event) {
  auto row = notify::LoadTemplate(ctx.db, nt);
  if (!row) return Error::NotFound();
  return notify::InsertNotification(ctx.db, *row, subject, body, job, event, ctx.now_iso());
}

void RegisterNotifications() {
  ResourceDef d = NewResource(kRes, "notification", "Notification", "Notifications");
  d.creatable = d.editable = d.deletable = false;
  d.has_created_by = false;
  d.search_fields = {"subject", "notification_type", "body"};
  d.fields = CommonFields(false);
  d.fields.push_back(RO(Fk("notification_template", "notification_templates")));
  d.fields.push_back(RO(Text("error")));
  FieldDef status = RO(F("status", FieldType::kChoice));
  status.choices = {{"pending", "Pending"}, {"successful", "Successful"}, {"failed", "Failed"}};
  d.fields.push_back(status);
  d.fields.push_back(RO(Int("notifications_sent", 0)));
  d.fields.push_back(RO(Str("notification_type", 32)));
  d.fields.push_back(RO(Text("recipients")));
  d.fields.push_back(RO(Text("subject")));
  FieldDef body = F("body", FieldType::kComputed);
  body.read_only = true;
  body.help_text = "Notification body";
  d.fields.push_back(body);
  d.fields.push_back(Internal("body_json", "body", FieldType::kText));
  d.fields.push_back(Internal("unified_job", "unified_job_id", FieldType::kFk));
  d.read_filter = ReadFilter;
  d.decorate = Decorate;
  Registry::Get().Add(std::move(d));

  // notifications/ of every job kind; a workflow job's include its approvals' notifications.
  auto& reg = Registry::Get();
  auto add = [&](const char* res, std::string filter) {
    auto* def = const_cast<ResourceDef*>(reg.Find(res));
    if (!def) return;
    for (const auto& s : def->sublists)
      if (s.name == "notifications") return;
    def->sublists.push_back(ListOnly("notifications", kRes, std::move(filter), "Notifications"));
  };
  add("jobs", "t.unified_job_id = ?");
  add("project_updates", "t.unified_job_id = ?");
  add("inventory_updates", "t.unified_job_id = ?");
  add("workflow_jobs",
      "(t.unified_job_id = ? OR t.unified_job_id IN (SELECT n.job_id FROM workflow_job_nodes n "
      "JOIN unified_jobs u ON u.id = n.job_id WHERE n.workflow_job_id = ? AND u.type = "
      "'workflow_approval'))");
  for (const char* res : {"project_updates", "inventory_updates"}) {
    auto* def = const_cast<ResourceDef*>(reg.Find(res));
    if (!def) continue;
    auto prev = def->decorate;
    std::string name = res;
    def->decorate = [prev, name](Ctx& ctx, const Obj& o, json::object& out, bool detail) {
      if (prev) prev(ctx, o, out, detail);
      AddRelated(out, "notifications", Url(name, IdOf(o), "notifications"));
    };
  }
}

}  // namespace baton::api
