// Notification rows: loading a notification template as the notifier needs it and inserting
// pending notifications (api-resources.md §22). Callers hold the transaction.
#pragma once
#include <optional>
#include <string>

#include "core/json.hpp"
#include "store/db.hpp"

namespace baton::notify {

struct TemplateRow {
  int64_t id = 0;
  int64_t organization = 0;
  std::string name;
  std::string type;
  json::object config;  // as stored (password values encrypted)
  json::value messages = nullptr;
};

std::optional<TemplateRow> LoadTemplate(store::Connection& db, int64_t id);

// smart_str of the recipient parameter: a list as Python's repr (['a@b.c']), a string as is.
std::string RecipientsText(const TemplateRow& nt);

// Inserts a pending notification; `body` is stored as JSON (a string or an object). With a job
// and event, a second insert for the same (job, event, template) is ignored and returns 0.
int64_t InsertNotification(store::Connection& db, const TemplateRow& nt, const std::string& subject,
                           const json::value& body, std::optional<int64_t> job,
                           const std::string& event, const std::string& now);

}  // namespace baton::notify
