// Notification templates and notifications through the API (api-resources.md §21, §22):
// validation with AWX's messages, secrets, messages, RBAC (NotificationTemplateAccess), the
// attach points (RB-7 for workflow job templates), test/, copy/, notifications/.
#include "core/secrets.hpp"
#include "harness.hpp"
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

constexpr const char* kNts = "/api/v2/notification_templates/";

std::string NtUrl(int64_t id, const std::string& sub = "") {
  return std::string(kNts) + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

json::object Email(int64_t org, const std::string& name = "mail") {
  return json::object{
      {"name", name},
      {"organization", org},
      {"notification_type", "email"},
      {"notification_configuration", json::object{{"host", "127.0.0.1"},
                                                  {"port", 25},
                                                  {"username", "u"},
                                                  {"password", "s3cret"},
                                                  {"use_tls", false},
                                                  {"use_ssl", false},
                                                  {"sender", "awx@example.com"},
                                                  {"recipients", json::array{"ops@example.com"}}}}};
}

json::object Hook(int64_t org, const std::string& name = "hook") {
  return json::object{
      {"name", name},
      {"organization", org},
      {"notification_type", "webhook"},
      {"notification_configuration", json::object{{"url", "http://127.0.0.1:9/hook"},
                                                  {"headers", json::object{{"X-A", "b"}}},
                                                  {"password", "pw"}}}};
}

std::string Msg(const Resp& r, const char* key = "__all__", size_t i = 0) {
  return std::string(r[key].as_array().at(i).as_string());
}

TEST(NotificationTemplates, CreateReadsSecretsAsEncryptedAndKeepsThem) {
  Api api;
  Resp nt = api.Post(kNts, Email(1)).Expect(201);
  const auto& cfg = nt["notification_configuration"].as_object();
  EXPECT_EQ(cfg.at("password"), "$encrypted$");
  EXPECT_EQ(cfg.at("timeout"), 30);  // default filled in
  EXPECT_EQ(cfg.at("host"), "127.0.0.1");
  EXPECT_EQ(nt["related"].as_object().at("named_url"),
            "/api/v2/notification_templates/mail++Default/");
  for (const char* k : {"test", "notifications", "copy", "organization"})
    EXPECT_TRUE(nt["related"].as_object().contains(k)) << k;
  EXPECT_TRUE(nt["summary_fields"].as_object().at("recent_notifications").as_array().empty());
  EXPECT_EQ(nt["messages"].as_object().at("started"), nullptr);
  // stored encrypted
  auto stored = api.db().Local().QueryString(
      "SELECT notification_configuration FROM notification_templates WHERE id = ?", {nt.id()});
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->find("s3cret"), std::string::npos);
  // PUT with $encrypted$ keeps the secret
  json::object body = Email(1);
  body["notification_configuration"].as_object()["password"] = "$encrypted$";
  body["notification_configuration"].as_object()["host"] = "smtp.example.com";
  api.Put(NtUrl(nt.id()), body).Expect(200);
  auto after = api.db().Local().QueryString(
      "SELECT notification_configuration FROM notification_templates WHERE id = ?", {nt.id()});
  auto parsed = ParseJson(*after);
  std::string key = LoadOrCreateKey(api.dir().string()).value();
  auto plain = Decrypt(key, parsed->as_object().at("password").as_string());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value(), "s3cret");
  EXPECT_EQ(parsed->as_object().at("host"), "smtp.example.com");
}

TEST(NotificationTemplates, ConfigurationErrorsAreAwxs) {
  Api api;
  json::object b = Email(1);
  b.erase("notification_type");
  EXPECT_EQ(Msg(api.Post(kNts, b).Expect(400)),
            "Missing required fields for Notification Configuration: notification_type");
  b = Email(1);
  auto& cfg = b["notification_configuration"].as_object();
  cfg.erase("host");
  cfg.erase("sender");
  cfg["port"] = "25";
  Resp r = api.Post(kNts, b).Expect(400);
  EXPECT_EQ(Msg(r), "Missing required fields for Notification Configuration: ['host', 'sender'].");
  EXPECT_EQ(Msg(r, "__all__", 1), "Configuration field 'port' incorrect type, expected int.");
  b = Email(1);
  b["notification_configuration"].as_object()["recipients"] = json::array{};
  EXPECT_EQ(Msg(api.Post(kNts, b).Expect(400)), "No values specified for field 'recipients'");
  json::object h = Hook(1);
  h["notification_configuration"].as_object()["http_method"] = "GET";
  EXPECT_EQ(Msg(api.Post(kNts, h).Expect(400)), "HTTP method must be either 'POST' or 'PUT'.");
  h = Hook(1);
  h["notification_configuration"].as_object().erase("headers");
  EXPECT_EQ(Msg(api.Post(kNts, h).Expect(400)),
            "Missing required fields for Notification Configuration: ['headers'].");
  json::object bad = Email(1);
  bad["notification_type"] = "carrier_pigeon";
  EXPECT_EQ(Msg(api.Post(kNts, bad).Expect(400), "notification_type"),
            "\"carrier_pigeon\" is not a valid choice.");
  api.Post(kNts, Email(1)).Expect(201);
  EXPECT_EQ(Msg(api.Post(kNts, Email(1)).Expect(400)),
            "Notification template with this Organization and Name already exists.");
  json::object noorg = Email(1, "x");
  noorg["organization"] = nullptr;
  EXPECT_EQ(Msg(api.Post(kNts, noorg).Expect(400), "organization"), "This field cannot be blank.");
  noorg.erase("organization");
  EXPECT_EQ(Msg(api.Post(kNts, noorg).Expect(400), "organization"), "This field is required.");
  EXPECT_EQ(api.db().Local().QueryInt("SELECT COUNT(*) FROM notification_templates"), 1);
}

TEST(NotificationTemplates, MessagesValidationAndMerge) {
  Api api;
  json::object b = Email(1);
  b["messages"] = json::object{{"started", json::object{{"message", "two\nlines"}}}};
  Resp r = api.Post(kNts, b).Expect(400);
  EXPECT_EQ(Msg(r, "messages"),
            "Messages cannot contain newlines (found newline in started event)");
  b["messages"] = json::object{{"error", json::object{{"message", "{{ job.bogus }}"}}}};
  EXPECT_EQ(Msg(api.Post(kNts, b).Expect(400), "messages"), "Field 'bogus' unavailable");
  b["messages"] = json::object{{"error", json::object{{"message", "{{ job.id"}}}};
  EXPECT_EQ(Msg(api.Post(kNts, b).Expect(400), "messages"),
            "Unable to render message '{{ job.id': unexpected end of template, expected 'end of "
            "print statement'.");
  b["messages"] = json::object{
      {"success", json::object{{"message", "ok {{ job.name }}"}, {"body", "b {{ url }}"}}}};
  Resp nt = api.Post(kNts, b).Expect(201);
  // a later PATCH of another event keeps success's message and body (AWX's merge on save)
  Resp p =
      api.Patch(NtUrl(nt.id()),
                json::object{{"messages", json::object{{"error", json::object{{"message", "e"}}}}}})
          .Expect(200);
  const auto& m = p["messages"].as_object();
  EXPECT_EQ(m.at("success").as_object().at("message"), "ok {{ job.name }}");
  EXPECT_EQ(m.at("error").as_object().at("message"), "e");
  api.Patch(NtUrl(nt.id()), json::object{{"messages", nullptr}}).Expect(200);
}

TEST(NotificationTemplates, AccessAsNotificationTemplateAccess) {
  Api api;
  int64_t org = api.Org("NO");
  std::string org_url = "/api/v2/organizations/" + std::to_string(org) + "/";
  int64_t nadmin = api.User("nadmin"), member = api.User("member"), aud = api.User("aud");
  api.User("stranger");
  api.Grant(org_url, "notification_admin_role", nadmin);
  api.Grant(org_url, "member_role", member);
  api.Grant(org_url, "auditor_role", aud);
  api.Post(kNts, Email(org)).As("member").Expect(403);
  Resp nt = api.Post(kNts, Email(org)).As("nadmin").Expect(201);
  EXPECT_EQ(nt["summary_fields"].as_object().at("user_capabilities").as_object().at("edit"), true);
  api.Get(NtUrl(nt.id())).As("member").Expect(403);
  EXPECT_EQ(api.Get(kNts).As("member").Expect(200).count(), 0);
  EXPECT_EQ(api.Get(kNts).As("aud").Expect(200).count(), 1);
  Resp seen = api.Get(NtUrl(nt.id())).As("aud").Expect(200);
  EXPECT_EQ(seen["summary_fields"].as_object().at("user_capabilities").as_object().at("edit"),
            false);
  api.Patch(NtUrl(nt.id()), json::object{{"description", "x"}}).As("aud").Expect(403);
  api.Delete(NtUrl(nt.id())).As("aud").Expect(404);
  api.Post(NtUrl(nt.id(), "test"), json::object{}).As("aud").Expect(403);
  // moving to an organization the admin does not administer
  api.Patch(NtUrl(nt.id()), json::object{{"organization", 1}}).As("nadmin").Expect(403);
  api.Patch(NtUrl(nt.id()), json::object{{"description", "d"}}).As("nadmin").Expect(200);
  // an organization admin is a notification admin
  int64_t oadmin = api.User("oadmin");
  api.Grant(org_url, "admin_role", oadmin);
  api.Get(NtUrl(nt.id())).As("oadmin").Expect(200);
  api.Delete(NtUrl(nt.id())).As("nadmin").Expect(204);
  (void)member;
  (void)aud;
}

TEST(NotificationTemplates, AttachToTemplatesAndOrganizations) {
  Api api;
  int64_t org = api.Org("AO");
  std::string org_url = "/api/v2/organizations/" + std::to_string(org) + "/";
  int64_t nt = api.Post(kNts, Hook(org)).Expect(201).id();
  int64_t wfjt = wf::MakeWfjt(api, "flow", org);
  std::string w = wf::WfjtUrl(wfjt);
  for (const char* k : {"started", "success", "error", "approvals"}) {
    std::string sub = std::string("notification_templates_") + k;
    api.Post(w + sub + "/", json::object{{"id", nt}}).Expect(204);
    EXPECT_EQ(api.Get(w + sub + "/").Expect(200).count(), 1) << k;
    api.Post(org_url + sub + "/", json::object{{"id", nt}}).Expect(204);
  }
  Resp detail = api.Get(w).Expect(200);
  EXPECT_EQ(detail["related"].as_object().at("notification_templates_approvals"),
            json::value(w + "notification_templates_approvals/"));
  Resp o = api.Get(org_url).Expect(200);
  EXPECT_EQ(o["related"].as_object().at("notification_templates_error"),
            json::value(org_url + "notification_templates_error/"));
  EXPECT_EQ(api.Get(org_url + "notification_templates/").Expect(200).count(), 1);
  api.Post(w + "notification_templates_error/", json::object{{"id", nt}, {"disassociate", true}})
      .Expect(204);
  EXPECT_EQ(api.Get(w + "notification_templates_error/").Expect(200).count(), 0);
  api.Post(w + "notification_templates_error/", json::object{{"id", 99999}}).Expect(400);
  // RB-7: read on the workflow job template plus notification admin of the template's org
  int64_t reader = api.User("reader"), nadmin = api.User("nadmin2");
  api.Grant(w, "read_role", reader);
  api.Post(w + "notification_templates_started/", json::object{{"id", nt}, {"disassociate", true}})
      .As("reader")
      .Expect(403);
  api.Grant(org_url, "notification_admin_role", reader);
  api.Post(w + "notification_templates_started/", json::object{{"id", nt}, {"disassociate", true}})
      .As("reader")
      .Expect(204);
  api.Grant(org_url, "notification_admin_role", nadmin);
  api.Post(w + "notification_templates_started/", json::object{{"id", nt}})
      .As("nadmin2")
      .Expect(403);
  // projects, inventory sources and job templates have started/success/error but no approvals
  Resp p =
      api.Post("/api/v2/projects/", json::object{{"name", "p"}, {"organization", org}}).Expect(201);
  std::string purl = "/api/v2/projects/" + std::to_string(p.id()) + "/";
  api.Post(purl + "notification_templates_success/", json::object{{"id", nt}}).Expect(204);
  api.Get(purl + "notification_templates_approvals/").Expect(404);
  EXPECT_EQ(api.Get(purl).Expect(200)["related"].as_object().at("notification_templates_success"),
            json::value(purl + "notification_templates_success/"));
  // created through a template's sub-list: attached, under the attach rules
  json::object fresh = Hook(org, "fresh");
  Resp made = api.Post(w + "notification_templates_started/", fresh).Expect(201);
  EXPECT_EQ(api.Get(w + "notification_templates_started/?id=" + std::to_string(made.id()))
                .Expect(200)
                .count(),
            1);
  api.Post(purl + "notification_templates_error/", Hook(org, "sneaky")).As("nadmin2").Expect(403);
  EXPECT_EQ(api.Get(std::string(kNts) + "?name=sneaky").Expect(200).count(), 0);
  // the detach of the last use leaves the template itself
  api.Get(NtUrl(nt)).Expect(200);
}

TEST(NotificationTemplates, TestQueuesANotification) {
  Api api;
  int64_t nt = api.Post(kNts, Hook(1)).Expect(201).id();
  Resp r = api.Post(NtUrl(nt, "test"), json::object{}).Expect(202);
  int64_t n = r["notification"].as_int64();
  EXPECT_EQ(r.Header("Location"), "/api/v2/notifications/" + std::to_string(n) + "/");
  EXPECT_EQ(r["status"], "pending");
  Resp got = api.Get("/api/v2/notifications/" + std::to_string(n) + "/").Expect(200);
  EXPECT_EQ(got["notification_type"], "webhook");
  EXPECT_EQ(got["recipients"], "http://127.0.0.1:9/hook");
  EXPECT_FALSE(got.obj().contains("subject"));  // webhook: no subject
  EXPECT_EQ(got["body"].as_object().at("body"),
            json::value("Test Notification " + std::to_string(nt) + " https://towerhost"));
  EXPECT_EQ(got["related"].as_object().at("notification_template"), json::value(NtUrl(nt)));
  EXPECT_EQ(api.Get(NtUrl(nt, "notifications")).Expect(200).count(), 1);
  Resp nt_now = api.Get(NtUrl(nt)).Expect(200);
  EXPECT_EQ(nt_now["summary_fields"].as_object().at("recent_notifications").as_array().size(), 1u);
  // a pending notification blocks the delete (AWX: 405)
  Resp del = api.Delete(NtUrl(nt)).Expect(405);
  EXPECT_EQ(del["error"], "Delete not allowed while there are pending notifications");
  api.Get(NtUrl(nt, "test")).Expect(405);

  int64_t mail = api.Post(kNts, Email(1)).Expect(201).id();
  Resp m = api.Post(NtUrl(mail, "test"), json::object{}).Expect(202);
  EXPECT_EQ(m["subject"],
            json::value("Notification Test " + std::to_string(mail) + " https://towerhost"));
  EXPECT_EQ(m["recipients"], "['ops@example.com']");
  EXPECT_EQ(m["body"],
            json::value("Test Notification " + std::to_string(mail) + " https://towerhost"));
}

TEST(NotificationTemplates, CopyKeepsSecrets) {
  Api api;
  int64_t nt = api.Post(kNts, Email(1)).Expect(201).id();
  Resp c = api.Post(NtUrl(nt, "copy"), json::object{{"name", "mail 2"}}).Expect(201);
  EXPECT_EQ(c["notification_configuration"].as_object().at("password"), "$encrypted$");
  auto stored = api.db().Local().QueryString(
      "SELECT notification_configuration FROM notification_templates WHERE id = ?", {c.id()});
  std::string key = LoadOrCreateKey(api.dir().string()).value();
  auto plain = Decrypt(key, ParseJson(*stored)->as_object().at("password").as_string());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value(), "s3cret");
}

}  // namespace
}  // namespace baton::testing
