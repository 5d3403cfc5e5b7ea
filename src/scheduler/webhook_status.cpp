#include "scheduler/webhook_status.hpp"

#include <cstdlib>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "core/vars.hpp"
#include "domain/webhook_event.hpp"

namespace baton::scheduler {
namespace {

// AWX reads the status API from the job's own extra vars (awx_ first, tower_ for older jobs).
std::string StatusApi(const std::string& extra_vars) {
  auto vars = ParseVarsMapping(extra_vars);
  if (!vars.ok()) return "";
  for (const char* k : {"awx_webhook_status_api", "tower_webhook_status_api"})
    if (auto* v = vars.value().if_contains(k); v && v->is_string() && !v->as_string().empty())
      return std::string(v->as_string());
  return "";
}

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// AWX TOWER_URL_BASE, read as notifications read it.
std::string ConfiguredUrlBase(store::Connection& c) {
  std::string base =
      c.QueryString("SELECT value FROM settings WHERE key = 'TOWER_URL_BASE'").value_or("");
  if (base.empty()) {
    const char* env = std::getenv("BATON_TOWER_URL_BASE");
    base = env && *env ? env : "https://towerhost";
  }
  return TrimSlash(base);
}

}  // namespace

WebhookStatusPoster::WebhookStatusPoster(store::Database& db, const Clock& clock,
                                         WebhookStatusOptions opts, Sender send)
    : db_(db), clock_(clock), opts_(std::move(opts)), send_(std::move(send)) {
  opts_.url_base = TrimSlash(opts_.url_base);
  thread_ = std::thread([this] { SenderLoop(); });
}

WebhookStatusPoster::~WebhookStatusPoster() {
  std::deque<Item> left;
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    left.swap(queue_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Posts claimed but not sent go back to the pool for the next start.
  try {
    for (const auto& item : left)
      db_.Local().Exec(
          "UPDATE webhook_status_posts SET claimed = NULL WHERE id = ? AND sent IS NULL",
          {item.post_id});
  } catch (const std::exception& e) {
    spdlog::warn("webhook status: could not release queued posts: {}", e.what());
  }
}

void WebhookStatusPoster::Pass() {
  store::Connection& c = db_.Local();
  RecordChanges(c);
  ClaimAndQueue(c);
}

void WebhookStatusPoster::RecordChanges(store::Connection& c) {
  auto rows = c.Query(
      "SELECT id, status, webhook_status_recorded, webhook_service, extra_vars FROM unified_jobs "
      "WHERE webhook_credential_id IS NOT NULL AND webhook_status_recorded != status ORDER BY id "
      "LIMIT 200");
  std::string now = FormatIso(clock_.Now());
  for (const auto& r : rows.rows) {
    int64_t id = store::AsInt(r[0]);
    std::string status = store::AsString(r[1]);
    std::string old = store::AsString(r[2]);
    auto svc = domain::ParseWebhookService(store::AsString(r[3]));
    bool report = svc && domain::WebhookCommitState(*svc, status) &&
                  !StatusApi(store::AsString(r[4])).empty();
    store::Tx tx(c);
    // Conditional: another instance (or a status change since the read) wins.
    if (c.Exec("UPDATE unified_jobs SET webhook_status_recorded = ? WHERE id = ? AND "
               "webhook_status_recorded = ? AND status = ?",
               {status, id, old, status}) == 1 &&
        report)
      c.Exec(
          "INSERT INTO webhook_status_posts (unified_job_id, job_status, created) VALUES (?, ?, ?)",
          {id, status, now});
    tx.Commit();
  }
}

void WebhookStatusPoster::ClaimAndQueue(store::Connection& c) {
  Micros t = clock_.Now();
  std::string now = FormatIso(t);
  std::string cutoff = FormatIso(t - kReclaimAfterSeconds * 1000000);
  auto rows = c.Query(
      "SELECT p.id, p.job_status, j.id, j.type, j.webhook_service, j.extra_vars, c.inputs FROM "
      "webhook_status_posts p JOIN unified_jobs j ON j.id = p.unified_job_id LEFT JOIN "
      "credentials c ON c.id = j.webhook_credential_id WHERE p.sent IS NULL AND (p.claimed IS "
      "NULL OR p.claimed < ?) ORDER BY p.id LIMIT 50",
      {cutoff});
  std::string base;
  for (const auto& r : rows.rows) {
    int64_t post = store::AsInt(r[0]);
    if (c.Exec("UPDATE webhook_status_posts SET claimed = ? WHERE id = ? AND sent IS NULL AND "
               "(claimed IS NULL OR claimed < ?)",
               {now, post, cutoff}) != 1)
      continue;
    auto svc = domain::ParseWebhookService(store::AsString(r[4]));
    auto state = svc ? domain::WebhookCommitState(*svc, store::AsString(r[1])) : std::nullopt;
    std::string url = StatusApi(store::AsString(r[5]));
    std::string token;
    if (auto inputs = ParseJson(store::AsString(r[6])); inputs && inputs->is_object())
      if (auto* v = inputs->as_object().if_contains("token"); v && v->is_string()) {
        token = std::string(v->as_string());
        if (IsEncrypted(token)) {
          auto plain = Decrypt(opts_.secret_key, token);
          token = plain.ok() ? plain.value() : std::string();
        }
      }
    if (!state || url.empty() || token.empty()) {
      Finish(post, "nothing to post: no state, status API or credential token", 0);
      continue;
    }
    int64_t job = store::AsInt(r[2]);
    if (base.empty()) base = opts_.url_base.empty() ? ConfiguredUrlBase(c) : opts_.url_base;
    std::string target =
        base +
        (store::AsString(r[3]) == "workflow_job" ? "/#/jobs/workflow/" : "/#/jobs/playbook/") +
        std::to_string(job);
    auto msg = domain::BuildWebhookStatus(*svc, *state, token, target, opts_.context);
    Item item;
    item.post_id = post;
    item.request.method = "POST";
    item.request.url = url;
    item.request.headers = {{msg.auth_header, msg.auth_value},
                            {"Content-Type", "application/json"}};
    item.request.body = std::move(msg.body);
    item.request.timeout_s = opts_.timeout_s;
    {
      std::lock_guard lk(mu_);
      queue_.push_back(std::move(item));
    }
    cv_.notify_all();
  }
}

void WebhookStatusPoster::Finish(int64_t post_id, const std::string& error, long code) {
  db_.Local().Exec(
      "UPDATE webhook_status_posts SET sent = ?, response_code = ?, error = ? WHERE id = ?",
      {FormatIso(clock_.Now()), int64_t{code}, error, post_id});
}

void WebhookStatusPoster::SenderLoop() {
  while (true) {
    Item item;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
      if (stop_) break;
      item = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    notify::HttpResponse resp = send_(item.request);
    std::string error = resp.error;
    if (!resp.Transported()) {
      spdlog::error("Posting webhook status to {} caused an error: {}", item.request.url, error);
    } else if (resp.status >= 400) {
      error = "HTTP " + std::to_string(resp.status);
      spdlog::error("Posting webhook status failed, code: {} (payload sent: {})", resp.status,
                    item.request.body);
    } else {
      spdlog::debug("Webhook status update sent to {}", item.request.url);
    }
    try {
      Finish(item.post_id, error, resp.status);
    } catch (const std::exception& e) {
      spdlog::error("webhook status: could not record post {}: {}", item.post_id, e.what());
    }
    {
      std::lock_guard lk(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

void WebhookStatusPoster::WaitIdle() {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return stop_ || (queue_.empty() && !busy_); });
}

}  // namespace baton::scheduler
