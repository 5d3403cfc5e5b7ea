// Notifications of job lifecycle events, delivered to receivers on loopback (api-resources.md
// §21, §22; workflow-semantics.md EX-15 summary body, approval notifications): the right
// messages for started, success, error and approval events, exactly once, retries against a
// failing receiver, email over SMTP, IRC refused honestly. The notifier runs on the test's
// thread with a fake clock and zero backoff (no sleeping).
#include "core/secrets.hpp"
#include "harness.hpp"
#include "job_rows.hpp"
#include "notify/notifier.hpp"
#include "unit/loopback_receivers.hpp"
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using testing_receivers::HttpReceiver;
using testing_receivers::SmtpReceiver;

constexpr const char* kNts = "/api/v2/notification_templates/";

struct Fixture {
  Api api;
  jobs::JobRows rows{api, "NotifyOrg"};
  FakeClock clock{*ParseIso("2024-06-01T00:00:00Z")};
  std::unique_ptr<notify::Notifier> notifier;

  Fixture() {
    notify::NotifierOptions o;
    o.secret_key = LoadOrCreateKey(api.dir().string()).value();
    o.backoff = {0};
    notifier = std::make_unique<notify::Notifier>(api.db(), clock, o);
  }
  int64_t Hook(const std::string& url, json::object messages = {}, const std::string& name = "hook",
               const std::string& method = "POST") {
    json::object b{
        {"name", name},
        {"organization", rows.org},
        {"notification_type", "webhook"},
        {"notification_configuration", json::object{{"url", url},
                                                    {"http_method", method},
                                                    {"username", "user"},
                                                    {"password", "pw"},
                                                    {"headers", json::object{{"X-Token", "t"}}}}}};
    if (!messages.empty()) b["messages"] = messages;
    return api.Post(kNts, b).Expect(201).id();
  }
  void Attach(const std::string& owner_url, const std::string& kind, int64_t nt) {
    api.Post(owner_url + "notification_templates_" + kind + "/", json::object{{"id", nt}})
        .Expect(204);
  }
  std::string JtUrl() { return "/api/v2/job_templates/" + std::to_string(rows.job_template) + "/"; }
  std::string OrgUrl() { return "/api/v2/organizations/" + std::to_string(rows.org) + "/"; }
  store::Connection& db() { return api.db().Local(); }
  void SetStatus(int64_t job, const std::string& status) {
    db().Exec(
        "UPDATE unified_jobs SET status = ?, finished = ? WHERE id = ?",
        {status, status == "running" ? store::Null() : store::Value("2024-01-01T00:01:00.000000Z"),
         job});
  }
  Resp Notification(int64_t id) {
    return api.Get("/api/v2/notifications/" + std::to_string(id) + "/").Expect(200);
  }
  int64_t Count(const std::string& where = "1 = 1") {
    return db().QueryInt("SELECT COUNT(*) FROM notifications WHERE " + where).value_or(-1);
  }
};

TEST(NotificationDelivery, JobStartedAndSucceededWebhooksExactlyOnce) {
  Fixture f;
  HttpReceiver rx;
  int64_t started = f.Hook(rx.Url("/started"), {}, "on start");
  int64_t success = f.Hook(
      rx.Url("/done"),
      json::object{{"success",
                    json::object{{"body", "{\"id\": {{ job.id }}, \"who\": \"{{ job.name }}\"}"}}}},
      "on success");
  f.Attach(f.JtUrl(), "started", started);
  f.Attach(f.JtUrl(), "success", success);
  f.Attach(f.OrgUrl(), "success", success);  // attached twice: notified once
  auto spec = f.rows.Spec();
  spec.status = "running";
  int64_t job = f.rows.Job(spec);
  EXPECT_EQ(f.notifier->RecordEvents(), 1);
  EXPECT_EQ(f.notifier->RecordEvents(), 0);
  EXPECT_EQ(f.notifier->DeliverDue(), 1);
  f.SetStatus(job, "successful");
  EXPECT_EQ(f.notifier->RecordEvents(), 1);
  EXPECT_EQ(f.notifier->RecordEvents(), 0);
  EXPECT_EQ(f.notifier->DeliverDue(), 1);
  EXPECT_EQ(f.notifier->DeliverDue(), 0);
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].target, "/started");
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].Header("content-type"), "application/json");
  EXPECT_EQ(got[0].Header("x-token"), "t");
  EXPECT_EQ(got[0].Header("authorization"), "Basic dXNlcjpwdw==");  // user:pw
  EXPECT_EQ(got[0].Header("user-agent"), "Tower 21.14.0");
  // default webhook body: job_metadata (notification_data) as a JSON object
  auto meta = ParseJson(got[0].body);
  ASSERT_TRUE(meta && meta->is_object()) << got[0].body;
  EXPECT_EQ(meta->as_object().at("id").as_int64(), job);
  EXPECT_EQ(meta->as_object().at("status"), "running");
  EXPECT_EQ(meta->as_object().at("url"),
            json::value("https://towerhost/#/jobs/playbook/" + std::to_string(job)));
  EXPECT_EQ(meta->as_object().at("playbook"), "site.yml");
  EXPECT_EQ(meta->as_object().at("started"), "2024-01-01T00:00:00+00:00");
  EXPECT_EQ(got[1].target, "/done");
  EXPECT_EQ(got[1].body, "{\"id\":" + std::to_string(job) + ",\"who\":\"Deploy\"}");
  // recorded on the API side
  Resp list = f.api.Get(jobs::JobUrl(job, "notifications")).Expect(200);
  ASSERT_EQ(list.count(), 2);
  for (const auto& n : list.results()) {
    EXPECT_EQ(n.as_object().at("status"), "successful");
    EXPECT_EQ(n.as_object().at("notifications_sent"), 1);
    EXPECT_EQ(n.as_object().at("error"), "");
  }
  EXPECT_EQ(list.results()[1].as_object().at("body").as_object().at("who"), "Deploy");
}

// Regression (e2e_test_notification_modules failed on a fast machine): a job that finished
// before the dispatcher's pass recorded its start sent a "started" webhook reporting
// "successful". The started notification shows the job as it was when it started.
TEST(NotificationDelivery, StartedNotificationOfAnAlreadyFinishedJobSaysRunning) {
  Fixture f;
  HttpReceiver rx;
  f.Attach(f.JtUrl(), "started", f.Hook(rx.Url("/started"), {}, "on start"));
  f.Attach(f.JtUrl(), "success", f.Hook(rx.Url("/done"), {}, "on success"));
  auto spec = f.rows.Spec();
  spec.status = "running";
  int64_t job = f.rows.Job(spec);
  f.SetStatus(job, "successful");  // finished before any pass saw it running
  EXPECT_EQ(f.notifier->RecordEvents(), 2);
  EXPECT_EQ(f.notifier->DeliverDue(), 2);
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 2u);
  for (const auto& req : got) {
    auto meta = ParseJson(req.body);
    ASSERT_TRUE(meta && meta->is_object()) << req.body;
    const auto& m = meta->as_object();
    if (req.target == "/started") {
      EXPECT_EQ(m.at("status"), "running");
      EXPECT_TRUE(m.at("finished").is_null());
    } else {
      EXPECT_EQ(m.at("status"), "successful");
      EXPECT_EQ(m.at("finished"), "2024-01-01T00:01:00+00:00");
    }
  }
}

TEST(NotificationDelivery, FailedJobUsesErrorTemplatesAndEmailOverSmtp) {
  Fixture f;
  SmtpReceiver smtp;
  json::object b{{"name", "mail"},
                 {"organization", f.rows.org},
                 {"notification_type", "email"},
                 {"notification_configuration",
                  json::object{{"host", "127.0.0.1"},
                               {"port", smtp.port()},
                               {"username", ""},
                               {"password", ""},
                               {"use_tls", false},
                               {"use_ssl", false},
                               {"sender", "awx@example.com"},
                               {"recipients", json::array{"ops@example.com", "dev@example.com"}}}}};
  int64_t mail = f.api.Post(kNts, b).Expect(201).id();
  f.Attach("/api/v2/projects/" + std::to_string(f.rows.project) + "/", "error", mail);
  auto spec = f.rows.Spec();
  spec.status = "failed";
  int64_t job = f.rows.Job(spec);
  EXPECT_EQ(f.notifier->RecordEvents(), 1);  // started had no template; error did
  EXPECT_EQ(f.notifier->DeliverDue(), 1);
  auto mails = smtp.Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt.size(), 2u);
  std::string subject = "Job #" + std::to_string(job) +
                        " 'Deploy' failed: https://towerhost/#/jobs/playbook/" +
                        std::to_string(job);
  EXPECT_NE(mails[0].data.find("Subject: " + subject + "\r\n"), std::string::npos) << mails[0].data;
  EXPECT_NE(
      mails[0].data.find("Job #" + std::to_string(job) + " had status failed, view details at"),
      std::string::npos);
  EXPECT_NE(mails[0].data.find("\"status\": \"failed\""), std::string::npos);
  Resp n = f.api.Get(jobs::JobUrl(job, "notifications")).Expect(200);
  ASSERT_EQ(n.count(), 1);
  EXPECT_EQ(n.results()[0].as_object().at("subject"), json::value(subject));
  EXPECT_EQ(n.results()[0].as_object().at("recipients"), "['ops@example.com', 'dev@example.com']");
}

TEST(NotificationDelivery, RetriesAFailingReceiverThenSucceeds) {
  Fixture f;
  HttpReceiver rx;
  rx.QueueStatuses({500, 500});
  int64_t nt = f.Hook(rx.Url("/flaky"), {}, "flaky", "PUT");
  f.Attach(f.JtUrl(), "success", nt);
  auto spec = f.rows.Spec();
  int64_t job = f.rows.Job(spec);
  f.notifier->RecordEvents();
  f.notifier->DeliverDue();
  Resp first = f.api.Get(jobs::JobUrl(job, "notifications")).Expect(200);
  EXPECT_EQ(first.results()[0].as_object().at("status"), "pending");
  EXPECT_EQ(first.results()[0].as_object().at("error"), "Error sending notification webhook: 500");
  f.notifier->DeliverDue();
  f.notifier->DeliverDue();
  EXPECT_EQ(rx.Count(), 3u);
  EXPECT_EQ(rx.Requests()[2].method, "PUT");
  Resp last = f.api.Get(jobs::JobUrl(job, "notifications")).Expect(200);
  EXPECT_EQ(last.results()[0].as_object().at("status"), "successful");
  EXPECT_EQ(last.results()[0].as_object().at("error"), "");
  EXPECT_EQ(f.db().QueryInt("SELECT attempts FROM notifications"), 3);
  EXPECT_EQ(f.notifier->DeliverDue(), 0);
}

TEST(NotificationDelivery, GivesUpAfterThreeAttemptsAndWaitsForTheBackoff) {
  Fixture f;
  notify::NotifierOptions o;
  o.secret_key = LoadOrCreateKey(f.api.dir().string()).value();
  o.backoff = {Micros{10} * 1000000};
  notify::Notifier slow(f.api.db(), f.clock, o);
  HttpReceiver rx;
  rx.QueueStatuses({500, 502, 503});
  f.Attach(f.JtUrl(), "error", f.Hook(rx.Url("/down")));
  auto spec = f.rows.Spec();
  spec.status = "error";
  f.rows.Job(spec);
  slow.RecordEvents();
  EXPECT_EQ(slow.DeliverDue(), 1);
  EXPECT_EQ(slow.DeliverDue(), 0);  // not due before the backoff
  f.clock.Advance(Micros{10} * 1000000);
  EXPECT_EQ(slow.DeliverDue(), 1);
  f.clock.Advance(Micros{10} * 1000000);
  EXPECT_EQ(slow.DeliverDue(), 1);
  f.clock.Advance(Micros{10} * 1000000);
  EXPECT_EQ(slow.DeliverDue(), 0);
  EXPECT_EQ(f.db().QueryString("SELECT status FROM notifications"), "failed");
  EXPECT_EQ(f.db().QueryString("SELECT error FROM notifications"),
            "Error sending notification webhook: 503");
}

TEST(NotificationDelivery, WorkflowJobBodyListsEveryNodeAndApprovalsNotify) {
  Fixture f;
  HttpReceiver rx;
  int64_t wfjt = wf::MakeWfjt(f.api, "flow", f.rows.org);
  int64_t done = f.Hook(rx.Url("/wf"), {}, "wf done");
  int64_t approvals = f.Hook(rx.Url("/approval"), {}, "approvals");
  f.Attach(wf::WfjtUrl(wfjt), "success", done);
  f.Attach(f.OrgUrl(), "approvals", approvals);
  int64_t wj = wf::InsertWorkflowJob(f.api, wfjt, "running");
  f.db().Exec("UPDATE unified_jobs SET started = '2024-01-01T00:00:00Z' WHERE id = ?", {wj});
  auto spec = f.rows.Spec();
  int64_t job = f.rows.Job(spec);
  int64_t approval = f.db().Insert(
      "INSERT INTO unified_jobs (type, name, status, started, created, modified) VALUES "
      "('workflow_approval', 'Approve Me', 'pending', '2024-01-01T00:00:00Z', "
      "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {});
  int64_t n1 = f.db().Insert(
      "INSERT INTO workflow_job_nodes (workflow_job_id, job_id, created, modified) VALUES (?, ?, "
      "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {wj, job});
  int64_t n2 = f.db().Insert(
      "INSERT INTO workflow_job_nodes (workflow_job_id, job_id, created, modified) VALUES (?, ?, "
      "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {wj, approval});
  int64_t n3 = f.db().Insert(
      "INSERT INTO workflow_job_nodes (workflow_job_id, created, modified) VALUES (?, "
      "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {wj});
  EXPECT_EQ(f.notifier->RecordEvents(), 1);  // the approval needs review
  f.db().Exec(
      "UPDATE unified_jobs SET status = 'successful', finished = '2024-01-01T00:02:00Z' WHERE id = "
      "?",
      {approval});
  f.db().Exec(
      "UPDATE unified_jobs SET status = 'successful', finished = '2024-01-01T00:03:00Z' WHERE id = "
      "?",
      {wj});
  EXPECT_EQ(f.notifier->RecordEvents(), 2);  // approved + workflow success
  f.notifier->DeliverDue();
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 3u);
  std::string wurl = "https://towerhost/#/jobs/workflow/" + std::to_string(wj);
  // delivered in notification order: needs review; then the workflow job (lower id) and the
  // approval finished in the same pass
  EXPECT_EQ(got[0].target, "/approval");
  EXPECT_EQ(got[0].body,
            "{\"body\":\"The approval node \\\"Approve Me\\\" needs review. This node can "
            "be viewed at: " +
                wurl + "\"}");
  EXPECT_EQ(got[2].target, "/approval");
  EXPECT_EQ(got[2].body,
            "{\"body\":\"The approval node \\\"Approve Me\\\" was approved. " + wurl + "\"}");
  EXPECT_EQ(got[1].target, "/wf");
  // the default webhook body is job_metadata: notification_data with the workflow summary
  auto meta = ParseJson(got[1].body);
  ASSERT_TRUE(meta && meta->is_object()) << got[1].body;
  EXPECT_EQ(meta->as_object().at("url"), json::value(wurl));
  std::string want = "Workflow job summary:\n\n- node #" + std::to_string(n1) + " spawns job #" +
                     std::to_string(job) +
                     ", \"Deploy\", which finished with status successful.\n- node #" +
                     std::to_string(n2) + " spawns job #" + std::to_string(approval) +
                     ", \"Approve Me\", which finished with status successful.\n- node #" +
                     std::to_string(n3) + " spawns no job.";
  EXPECT_EQ(meta->as_object().at("body"), json::value(want));
  // the workflow job's notifications include its approval's
  EXPECT_EQ(f.api.Get("/api/v2/workflow_jobs/" + std::to_string(wj) + "/notifications/")
                .Expect(200)
                .count(),
            3);
}

TEST(NotificationDelivery, DeniedAndTimedOutApprovals) {
  Fixture f;
  HttpReceiver rx;
  int64_t wfjt = wf::MakeWfjt(f.api, "flow", f.rows.org);
  json::object denied{{"body", "{\"d\": \"{{ approval_status }} {{ approval_node_name }}\"}"}};
  json::object messages{{"workflow_approval", json::object{{"denied", denied}}}};
  f.Attach(wf::WfjtUrl(wfjt), "approvals", f.Hook(rx.Url("/a"), messages));
  int64_t wj = wf::InsertWorkflowJob(f.api, wfjt, "running");
  auto approval = [&](const char* name, const char* status, int timed_out) {
    int64_t id = f.db().Insert(
        "INSERT INTO unified_jobs (type, name, status, timed_out, started, created, modified) "
        "VALUES ('workflow_approval', ?, ?, ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', "
        "'2024-01-01T00:00:00Z') RETURNING id",
        {name, status, int64_t{timed_out}});
    f.db().Exec(
        "INSERT INTO workflow_job_nodes (workflow_job_id, job_id, created, modified) VALUES (?, ?, "
        "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
        {wj, id});
  };
  approval("No", "failed", 0);
  approval("Late", "failed", 1);
  EXPECT_EQ(f.notifier->RecordEvents(), 4);  // running + denied, running + timed_out
  f.notifier->DeliverDue();
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[1].body, "{\"d\":\"denied No\"}");
  EXPECT_NE(got[3].body.find("\\\"Late\\\" has timed out."), std::string::npos) << got[3].body;
}

TEST(NotificationDelivery, IrcIsRefusedHonestly) {
  Fixture f;
  json::object b{{"name", "irc"},
                 {"organization", f.rows.org},
                 {"notification_type", "irc"},
                 {"notification_configuration", json::object{{"server", "irc.example.com"},
                                                             {"port", 6667},
                                                             {"nickname", "awx"},
                                                             {"password", ""},
                                                             {"use_ssl", false},
                                                             {"targets", json::array{"#ops"}}}}};
  int64_t irc = f.api.Post(kNts, b).Expect(201).id();
  Resp t =
      f.api.Post(std::string(kNts) + std::to_string(irc) + "/test/", json::object{}).Expect(202);
  f.notifier->DeliverDue();
  Resp n = f.Notification(t["notification"].as_int64());
  EXPECT_EQ(n["status"], "failed");
  EXPECT_EQ(n["error"], "IRC notifications are not supported by baton");
  EXPECT_FALSE(n.obj().contains("body"));
  EXPECT_EQ(f.db().QueryInt("SELECT attempts FROM notifications"), 1);
}

}  // namespace
}  // namespace baton::testing

namespace baton::testing {
namespace {

// Two instances (or a restarted one) share the database: each event is recorded once, and a
// notification left pending by one is delivered by the other.
TEST(NotificationDelivery, TwoNotifiersRecordOnceAndPendingSurvivesARestart) {
  Fixture f;
  HttpReceiver rx;
  f.Attach(f.JtUrl(), "success", f.Hook(rx.Url("/once")));
  notify::NotifierOptions o;
  o.secret_key = LoadOrCreateKey(f.api.dir().string()).value();
  notify::Notifier other(f.api.db(), f.clock, o);
  f.rows.Job(f.rows.Spec());
  EXPECT_EQ(f.notifier->RecordEvents() + other.RecordEvents(), 1);
  EXPECT_EQ(f.notifier->RecordEvents() + other.RecordEvents(), 0);
  f.notifier.reset();  // the first instance goes away before sending
  EXPECT_EQ(other.DeliverDue(), 1);
  EXPECT_EQ(other.DeliverDue(), 0);
  EXPECT_EQ(rx.Count(), 1u);
  EXPECT_EQ(f.Count("status = 'successful'"), 1);
}

}  // namespace
}  // namespace baton::testing
