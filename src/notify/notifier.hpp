// The notifier: turns job lifecycle events into pending notifications (a dispatcher pass) and
// delivers pending notifications on its own thread, so neither the scheduler nor the API ever
// waits on a remote service.
//
// RecordEvents (run as the "notifications" pass of the dispatcher): every unified job (job,
// workflow job, project update, inventory update) that started or finished, and every approval
// that was requested (running) or decided (approved, denied, timed_out), since last recorded,
// gets one pending notification per attached notification template of the matching kind
// (AWX's notification_templates property: the job template, its project and organization; the
// project and its organization; the inventory source and its inventory's organization; the
// workflow job template and its organization; approvals: the workflow job template's and its
// organization's approval templates). Each (job, event) that has templates is recorded in
// notification_job_events in the same transaction as its notifications, so it happens exactly
// once even across restarts and instances (an event without templates writes nothing). Messages are
// rendered then (JobNotificationMixin): custom messages of the template where set, else the type's
// defaults.
//
// DeliverDue sends due pending notifications: a notification is claimed with a conditional
// UPDATE (attempts + 1, next_attempt = now + lease), sent, then marked successful, or failed
// after max_attempts, or left pending with next_attempt = now + backoff (AWX sends once; baton
// retries, docs/compat.md).
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "notify/deliver.hpp"
#include "store/db.hpp"

namespace baton::notify {

struct NotifierOptions {
  std::string secret_key;  // decrypts password-typed configuration values
  int max_attempts = 3;
  // Delay before attempt 2, 3, ... (the last entry repeats).
  std::vector<Micros> backoff = {Micros{10} * 1000000, Micros{60} * 1000000};
  Micros lease = Micros{300} * 1000000;  // a claimed send not finished by then is retried
  int poll_ms = 1000;                    // the delivery thread's safety poll
  BackendOptions backend;
};

// BATON_NOTIFY_SLACK_URL, BATON_NOTIFY_PAGERDUTY_URL, BATON_NOTIFY_TWILIO_URL.
BackendOptions BackendOptionsFromEnv();

class Notifier {
 public:
  Notifier(store::Database& db, const Clock& clock, NotifierOptions opts);
  ~Notifier();
  // Records new job events as pending notifications; returns how many notifications it made.
  // Wakes the delivery thread when it made any. Thread-safe (uses the calling thread's
  // connection).
  int RecordEvents();
  // Sends the due pending notifications once (on the calling thread); returns how many it tried.
  int DeliverDue();
  // The delivery thread: DeliverDue on Wake() and every poll_ms.
  void Start();
  void Stop();
  void Wake();

 private:
  int RecordJob(store::Connection& c, int64_t id, const std::string& type, const std::string& event,
                const std::string& kind);
  void DeliverOne(store::Connection& c, int64_t id);

  store::Database& db_;
  const Clock& clock_;
  NotifierOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace baton::notify
