// Commit status post-back of webhook-launched jobs (AWX WebhookMixin.update_webhook_status): when
// a job or workflow job with a webhook credential and an awx_webhook_status_api (LA-11) changes
// status, the new state is POSTed to that URL with the credential's token (GitHub, GitLab or
// Bitbucket DC shape, domain/webhook_event.hpp).
//
// Durable and off the dispatcher's critical path:
//  - Pass() runs on the dispatcher loop (Dispatcher::AddPass "webhook_status"): it compares each
//    such job's status with unified_jobs.webhook_status_recorded, records the change in one
//    transaction (a row of webhook_status_posts when the status is one the service is told
//    about), claims unsent posts and queues them. No network I/O.
//  - One sender thread per poster makes the HTTP calls (short timeout) and records the outcome
//    (sent, response_code, error). Failures are logged and never touch the job.
//  - A restart loses nothing: recorded but unsent posts are claimed again (a claim older than
//    kReclaimAfter is considered abandoned by a crashed instance).
// A job that moves through several statuses between two passes reports only the latest one.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "notify/http_client.hpp"
#include "store/db.hpp"

namespace baton::scheduler {

struct WebhookStatusOptions {
  std::string secret_key;  // decrypts the credential's token
  // AWX TOWER_URL_BASE: target_url = <url_base>/#/jobs/playbook/<id> (workflow/<id>). Empty:
  // the settings row TOWER_URL_BASE, else $BATON_TOWER_URL_BASE, else "https://towerhost" (as
  // notifications build their links).
  std::string url_base;
  std::string context = "ansible/awx";
  long timeout_s = 10;
};

class WebhookStatusPoster {
 public:
  using Sender = std::function<notify::HttpResponse(const notify::HttpRequest&)>;
  static constexpr int64_t kReclaimAfterSeconds = 300;

  WebhookStatusPoster(store::Database& db, const Clock& clock, WebhookStatusOptions opts,
                      Sender send = notify::SendHttp);
  // Stops the sender thread after the post in flight; queued posts are released for the next
  // start.
  ~WebhookStatusPoster();
  WebhookStatusPoster(const WebhookStatusPoster&) = delete;
  WebhookStatusPoster& operator=(const WebhookStatusPoster&) = delete;

  // One pass; called from the dispatcher thread (or a test). Thread-compatible with the sender.
  void Pass();
  // Blocks until nothing is queued or in flight (tests).
  void WaitIdle();

 private:
  struct Item {
    int64_t post_id;
    notify::HttpRequest request;
  };
  void RecordChanges(store::Connection& c);
  void ClaimAndQueue(store::Connection& c);
  void SenderLoop();
  void Finish(int64_t post_id, const std::string& error, long code);

  store::Database& db_;
  const Clock& clock_;
  WebhookStatusOptions opts_;
  Sender send_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace baton::scheduler
