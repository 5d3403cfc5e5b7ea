#include "notify/store.hpp"

#include "domain/survey.hpp"
#include "notify/config.hpp"

namespace baton::notify {

std::optional<TemplateRow> LoadTemplate(store::Connection& db, int64_t id) {
  auto rows = db.Query(
      "SELECT id, organization_id, name, notification_type, notification_configuration, messages "
      "FROM notification_templates WHERE id = ?",
      {id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  TemplateRow t;
  t.id = store::AsInt(r[0]);
  t.organization = store::AsInt(r[1]);
  t.name = store::AsString(r[2]);
  t.type = store::AsString(r[3]);
  if (auto c = ParseJson(store::AsString(r[4])); c && c->is_object()) t.config = c->as_object();
  if (!store::IsNull(r[5]))
    if (auto m = ParseJson(store::AsString(r[5]))) t.messages = *m;
  return t;
}

std::string RecipientsText(const TemplateRow& nt) {
  const TypeSpec* spec = FindType(nt.type);
  if (!spec) return "";
  const json::value* v = nt.config.if_contains(spec->recipient_parameter);
  if (!v) return "";
  return domain::PyRepr(*v, true);
}

int64_t InsertNotification(store::Connection& db, const TemplateRow& nt, const std::string& subject,
                           const json::value& body, std::optional<int64_t> job,
                           const std::string& event, const std::string& now) {
  auto rows = db.Query(
      "INSERT INTO notifications (notification_template_id, status, notification_type, "
      "recipients, subject, body, unified_job_id, event, created, modified) VALUES (?, "
      "'pending', ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      {nt.id, nt.type, RecipientsText(nt), subject, Dump(body), store::OptId(job), event, now,
       now});
  if (rows.empty()) return 0;
  return store::AsInt(rows.rows[0][0]);
}

}  // namespace baton::notify
