#include "notify/notifier.hpp"

#include "core/job_status.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "notify/config.hpp"
#include "notify/job_context.hpp"
#include "notify/store.hpp"
#include "notify/template.hpp"
#include "notify/url_base.hpp"

namespace baton::notify {
namespace {

bool IsTerminal(const std::string& s) {
  auto st = ParseJobStatus(s);
  return st && IsFinished(*st);
}

// Templates attached with `kind` to any of the owners.
std::vector<int64_t> Attached(
    store::Connection& c, const std::string& kind,
    const std::vector<std::pair<std::string, std::optional<int64_t>>>& owners) {
  std::string where;
  store::Params p{kind};
  for (const auto& [type, id] : owners) {
    if (!id) continue;
    where += std::string(where.empty() ? "" : " OR ") + "(owner_type = ? AND owner_id = ?)";
    p.emplace_back(type);
    p.emplace_back(*id);
  }
  std::vector<int64_t> out;
  if (where.empty()) return out;
  auto rows = c.Query(
      "SELECT DISTINCT notification_template_id FROM notification_template_attachments WHERE "
      "kind = ? AND (" +
          where + ") ORDER BY 1",
      p);
  for (const auto& r : rows.rows) out.push_back(store::AsInt(r[0]));
  return out;
}

std::optional<int64_t> OrgOf(store::Connection& c, const char* table, std::optional<int64_t> id) {
  if (!id) return std::nullopt;
  return c.QueryInt(std::string("SELECT organization_id FROM ") + table + " WHERE id = ?", {*id});
}

// The notification templates of a unified job for `kind` (started, success, error, approvals).
std::vector<int64_t> TemplatesOf(store::Connection& c, int64_t id, const std::string& type,
                                 const std::string& kind) {
  auto rows = c.Query(
      "SELECT job_template_id, project_id, inventory_source_id, workflow_job_template_id, "
      "organization_id FROM unified_jobs WHERE id = ?",
      {id});
  if (rows.empty()) return {};
  const auto& r = rows.rows[0];
  auto jt = store::AsOptInt(r[0]), project = store::AsOptInt(r[1]), source = store::AsOptInt(r[2]),
       wfjt = store::AsOptInt(r[3]);
  if (type == "job") {
    auto org = OrgOf(c, "job_templates", jt);
    if (!org) org = store::AsOptInt(r[4]);
    return Attached(c, kind, {{"job_template", jt}, {"project", project}, {"organization", org}});
  }
  if (type == "project_update")
    return Attached(c, kind,
                    {{"project", project}, {"organization", OrgOf(c, "projects", project)}});
  if (type == "inventory_update") {
    std::optional<int64_t> org;
    if (source)
      org = c.QueryInt(
          "SELECT i.organization_id FROM inventory_sources s JOIN inventories i ON i.id = "
          "s.inventory_id WHERE s.id = ?",
          {*source});
    return Attached(c, kind, {{"inventory_source", source}, {"organization", org}});
  }
  if (type == "workflow_job")
    return Attached(c, kind,
                    {{"workflow_job_template", wfjt},
                     {"organization", OrgOf(c, "workflow_job_templates", wfjt)}});
  if (type == "workflow_approval") {
    auto wj = ApprovalWorkflowJob(c, id);
    std::optional<int64_t> owner;
    if (wj)
      owner = c.QueryInt("SELECT workflow_job_template_id FROM unified_jobs WHERE id = ?", {*wj});
    return Attached(c, "approvals",
                    {{"workflow_job_template", owner},
                     {"organization", OrgOf(c, "workflow_job_templates", owner)}});
  }
  return {};
}

std::string Rendered(const std::string& tmpl, bool has, const json::object& ctx) {
  if (!has) return "";
  auto r = Render(tmpl, ctx, false);
  return r.ok() ? r.text : "";
}

}  // namespace

BackendOptions BackendOptionsFromEnv() {
  BackendOptions o;
  for (const char* t : {"slack", "pagerduty", "twilio"}) {
    std::string var = std::string("BATON_NOTIFY_") + t + "_URL";
    for (char& ch : var) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (const char* v = std::getenv(var.c_str()); v && *v) o.base_urls[t] = v;
  }
  return o;
}

Notifier::Notifier(store::Database& db, const Clock& clock, NotifierOptions opts)
    : db_(db), clock_(clock), opts_(std::move(opts)) {}

Notifier::~Notifier() {
  Stop();
}

int Notifier::RecordJob(store::Connection& c, int64_t id, const std::string& type,
                        const std::string& event, const std::string& message_event) {
  std::string now = FormatIso(clock_.Now());
  bool approval = type == "workflow_approval";
  std::vector<int64_t> templates;
  if (!message_event.empty())
    templates = TemplatesOf(c, id, type, approval ? "approvals" : message_event);
  // Nothing to send: nothing is written (jobs without notification templates cost no write).
  if (templates.empty()) return 0;
  store::Tx tx(c);
  // The bookkeeping row first: only the instance whose insert took makes the notifications.
  if (c.Exec(
          "INSERT INTO notification_job_events (unified_job_id, event, created) VALUES (?, ?, ?) "
          "ON CONFLICT DO NOTHING",
          {id, event, now}) == 0)
    return 0;
  int made = 0;
  {
    std::string base = UrlBase(c);
    auto ctx = approval ? ApprovalContext(c, id, message_event, base)
                        : JobContext(c, id, base, event == "started");
    for (int64_t nt_id : templates) {
      auto nt = LoadTemplate(c, nt_id);
      const TypeSpec* spec = nt ? FindType(nt->type) : nullptr;
      if (!spec || !ctx) continue;
      Templates t = TemplatesFor(*spec, nt->messages, message_event);
      std::string msg = Rendered(t.message, t.has_message, *ctx);
      std::string body = Rendered(t.body, t.has_body, *ctx);
      if (InsertNotification(c, *nt, msg, json::string(body), id, message_event, now)) ++made;
    }
  }
  tx.Commit();
  return made;
}

int Notifier::RecordEvents() {
  store::Connection& c = db_.Local();
  int64_t mark =
      c.QueryInt("SELECT value FROM notification_state WHERE key = 'job_watermark'").value_or(1);
  auto jobs = c.Query(
      "SELECT id, type, status, started, timed_out FROM unified_jobs WHERE id >= ? AND type IN "
      "('job', 'workflow_job', 'project_update', 'inventory_update', 'workflow_approval') ORDER "
      "BY id",
      {mark});
  std::set<std::pair<int64_t, std::string>> done;
  for (const auto& r :
       c.Query(
            "SELECT unified_job_id, event FROM notification_job_events WHERE unified_job_id >= ?",
            {mark})
           .rows)
    done.emplace(store::AsInt(r[0]), store::AsString(r[1]));
  int made = 0;
  std::optional<int64_t> next_mark;
  int64_t max_id = mark - 1;
  for (const auto& r : jobs.rows) {
    int64_t id = store::AsInt(r[0]);
    max_id = std::max(max_id, id);
    std::string type = store::AsString(r[1]), status = store::AsString(r[2]);
    bool approval = type == "workflow_approval";
    bool terminal = IsTerminal(status);
    bool started = approval ? status != "new" : !store::IsNull(r[3]);
    try {
      if (started && !done.count({id, "started"}))
        made += RecordJob(c, id, type, "started", approval ? "running" : "started");
      if (terminal && !done.count({id, "finished"})) {
        std::string ev;
        if (approval) {
          if (store::AsInt(r[4]))
            ev = "timed_out";
          else if (status == "successful")
            ev = "approved";
          else if (status == "failed")
            ev = "denied";
        } else {
          ev = status == "successful" ? "success" : "error";
        }
        made += RecordJob(c, id, type, "finished", ev);
        done.emplace(id, "finished");
      }
    } catch (const std::exception& e) {
      spdlog::warn("notifications for job {} not recorded yet: {}", id, e.what());
    }
    if (!next_mark && !(terminal && done.count({id, "finished"}))) next_mark = id;
  }
  int64_t new_mark = next_mark.value_or(max_id + 1);
  if (new_mark != mark)
    c.Exec("UPDATE notification_state SET value = ? WHERE key = 'job_watermark'", {new_mark});
  if (made > 0) Wake();
  return made;
}

void Notifier::DeliverOne(store::Connection& c, int64_t id) {
  Micros now = clock_.Now();
  std::string now_iso = FormatIso(now);
  // Claim: another instance (or a crash-left lease) may hold it.
  if (c.Exec("UPDATE notifications SET attempts = attempts + 1, next_attempt = ?, modified = ? "
             "WHERE id = ? AND status = 'pending' AND (next_attempt IS NULL OR next_attempt <= ?)",
             {FormatIso(now + opts_.lease), now_iso, id, now_iso}) == 0)
    return;
  auto rows = c.Query(
      "SELECT n.notification_template_id, n.subject, n.body, n.attempts FROM notifications n "
      "WHERE n.id = ?",
      {id});
  if (rows.empty()) return;
  const auto& r = rows.rows[0];
  int attempts = static_cast<int>(store::AsInt(r[3]));
  Delivery d;
  auto nt = LoadTemplate(c, store::AsInt(r[0]));
  const TypeSpec* spec = nt ? FindType(nt->type) : nullptr;
  if (!spec) {
    d = Delivery{false, 0, "The notification template is missing or of an unknown type."};
    attempts = opts_.max_attempts;
  } else {
    auto config = DecryptValues(opts_.secret_key, nt->config, PasswordFields(*spec));
    if (!config.ok()) {
      d = Delivery{false, 0, "A password of the notification template cannot be decrypted."};
      attempts = opts_.max_attempts;
    } else {
      json::value body = ParseJson(store::AsString(r[2])).value_or(json::value(""));
      d = Send(nt->type, config.value(), store::AsString(r[1]), body, opts_.backend);
      if (!d.ok && (nt->type == "irc" || nt->type == "awssns")) attempts = opts_.max_attempts;
    }
  }
  std::string done_iso = FormatIso(clock_.Now());
  if (d.ok) {
    c.Exec(
        "UPDATE notifications SET status = 'successful', notifications_sent = ?, error = '', "
        "next_attempt = NULL, modified = ? WHERE id = ?",
        {int64_t{d.sent}, done_iso, id});
  } else if (attempts >= opts_.max_attempts) {
    c.Exec(
        "UPDATE notifications SET status = 'failed', error = ?, next_attempt = NULL, modified = ? "
        "WHERE id = ?",
        {d.error, done_iso, id});
  } else {
    Micros delay =
        opts_.backoff.empty()
            ? 0
            : opts_.backoff[std::min(static_cast<size_t>(attempts - 1), opts_.backoff.size() - 1)];
    c.Exec("UPDATE notifications SET error = ?, next_attempt = ?, modified = ? WHERE id = ?",
           {d.error, FormatIso(clock_.Now() + delay), done_iso, id});
  }
  db_.BumpGeneration();
}

int Notifier::DeliverDue() {
  store::Connection& c = db_.Local();
  std::string now = FormatIso(clock_.Now());
  auto rows = c.Query(
      "SELECT id FROM notifications WHERE status = 'pending' AND (next_attempt IS NULL OR "
      "next_attempt <= ?) ORDER BY id LIMIT 100",
      {now});
  int tried = 0;
  for (const auto& r : rows.rows) {
    try {
      DeliverOne(c, store::AsInt(r[0]));
      ++tried;
    } catch (const std::exception& e) {
      spdlog::warn("notification {} not delivered: {}", store::AsInt(r[0]), e.what());
    }
  }
  return tried;
}

void Notifier::Start() {
  std::lock_guard lk(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock lk(mu_);
        cv_.wait_for(lk, std::chrono::milliseconds(opts_.poll_ms),
                     [this] { return woken_ || stopping_; });
        if (stopping_) return;
        woken_ = false;
      }
      try {
        DeliverDue();
      } catch (const std::exception& e) {
        spdlog::warn("notification delivery pass failed: {}", e.what());
      }
    }
  });
}

void Notifier::Stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Notifier::Wake() {
  {
    std::lock_guard lk(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

}  // namespace baton::notify
