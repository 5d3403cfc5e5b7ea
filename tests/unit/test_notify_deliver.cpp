// notify::Send for every backend against a loopback HTTP receiver: what each service is sent
// (AWX's backends: slack chat.postMessage, mattermost/rocket.chat hooks, grafana annotations,
// pagerduty events, twilio messages) and the errors of a failing service.
#include <gtest/gtest.h>

#include "notify/deliver.hpp"
#include "unit/loopback_receivers.hpp"

namespace baton::notify {
namespace {

using testing_receivers::HttpReceiver;

BackendOptions To(const HttpReceiver& rx) {
  BackendOptions o;
  for (const char* t : {"slack", "pagerduty", "twilio"}) o.base_urls[t] = rx.Url("");
  o.timeout_s = 5;
  return o;
}

json::object Obj(const std::string& body) {
  auto v = ParseJson(body);
  return v && v->is_object() ? v->as_object() : json::object{};
}

TEST(NotifyDeliver, SlackPostsToEveryChannelWithTheToken) {
  HttpReceiver rx;
  rx.SetOkBody(R"({"ok": true})");
  json::object cfg{{"token", "xoxb-1"}, {"channels", json::array{"#ops", "dev"}}};
  auto d = Send("slack", cfg, "Job #1 'x' successful: u", "", To(rx));
  ASSERT_TRUE(d.ok) << d.error;
  EXPECT_EQ(d.sent, 2);
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].target, "/api/chat.postMessage");
  EXPECT_EQ(got[0].Header("authorization"), "Bearer xoxb-1");
  EXPECT_EQ(Obj(got[0].body).at("channel"), "ops");
  EXPECT_EQ(Obj(got[0].body).at("text"), "Job #1 'x' successful: u");
  EXPECT_EQ(Obj(got[1].body).at("channel"), "dev");
}

TEST(NotifyDeliver, SlackErrorAnswer) {
  HttpReceiver rx;
  rx.SetOkBody(R"({"ok": false, "error": "channel_not_found"})");
  auto d = Send("slack", json::object{{"token", "t"}, {"channels", json::array{"#nope"}}}, "hi", "",
                To(rx));
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.error, "Slack Notification unable to send nope: hi (channel_not_found)");
}

TEST(NotifyDeliver, MattermostAndRocketChat) {
  HttpReceiver rx;
  auto d = Send("mattermost",
                json::object{{"mattermost_url", rx.Url("/mm")},
                             {"mattermost_no_verify_ssl", false},
                             {"mattermost_channel", " town "},
                             {"mattermost_username", "awx"}},
                "subject", "", To(rx));
  ASSERT_TRUE(d.ok) << d.error;
  d = Send("rocketchat",
           json::object{{"rocketchat_url", rx.Url("/rc")}, {"rocketchat_no_verify_ssl", false}},
           "subject", "", To(rx));
  ASSERT_TRUE(d.ok) << d.error;
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].target, "/mm");
  EXPECT_EQ(Obj(got[0].body).at("text"), "subject");
  EXPECT_EQ(Obj(got[0].body).at("channel"), "town");
  EXPECT_EQ(Obj(got[0].body).at("username"), "awx");
  EXPECT_EQ(got[1].target, "/rc");
  EXPECT_EQ(got[1].body, R"({"text":"subject"})");
  rx.QueueStatuses({404});
  d = Send("rocketchat", json::object{{"rocketchat_url", rx.Url("/rc")}}, "s", "", To(rx));
  EXPECT_EQ(d.error, "Error sending notification rocket.chat: 404");
}

TEST(NotifyDeliver, GrafanaAnnotationSpansTheJob) {
  HttpReceiver rx;
  std::string body =
      R"({"id": 3, "started": "2024-01-01T00:00:00.500000+00:00", "finished": "2024-01-01T00:01:00+00:00"})";
  auto d = Send("grafana", json::object{{"grafana_url", rx.Url("/g/")}, {"grafana_key", "k"}},
                "Job #3", json::string(body), To(rx));
  ASSERT_TRUE(d.ok) << d.error;
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/g/api/annotations");
  EXPECT_EQ(got[0].Header("authorization"), "Bearer k");
  auto a = Obj(got[0].body);
  EXPECT_EQ(a.at("time").as_int64(), 1704067200500);
  EXPECT_EQ(a.at("timeEnd").as_int64(), 1704067260000);
  EXPECT_EQ(a.at("text"), "Job #3");
  EXPECT_EQ(a.at("isRegion"), true);
}

TEST(NotifyDeliver, PagerDutyTriggersAnIncident) {
  HttpReceiver rx;
  json::object cfg{
      {"subdomain", "acme"}, {"token", "tok"}, {"service_key", "svc"}, {"client_name", "AWX"}};
  auto d = Send("pagerduty", cfg, "Job #4 failed", json::string(R"({"id": 4})"), To(rx));
  ASSERT_TRUE(d.ok) << d.error;
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/generic/2010-04-15/create_event.json");
  auto p = Obj(got[0].body);
  EXPECT_EQ(p.at("service_key"), "svc");
  EXPECT_EQ(p.at("event_type"), "trigger");
  EXPECT_EQ(p.at("description"), "Job #4 failed");
  EXPECT_EQ(p.at("client"), "AWX");
  EXPECT_EQ(p.at("details").as_object().at("id"), 4);
}

TEST(NotifyDeliver, TwilioSendsOneMessagePerNumber) {
  HttpReceiver rx;
  json::object cfg{{"account_sid", "AC1"},
                   {"account_token", "secret"},
                   {"from_number", "+15550001"},
                   {"to_numbers", json::array{"+15550002", "+15550003"}}};
  auto d = Send("twilio", cfg, "done & dusted", "", To(rx));
  ASSERT_TRUE(d.ok) << d.error;
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].target, "/2010-04-01/Accounts/AC1/Messages.json");
  EXPECT_EQ(got[0].Header("authorization"), "Basic QUMxOnNlY3JldA==");  // AC1:secret
  EXPECT_EQ(got[0].body, "To=%2B15550002&From=%2B15550001&Body=done%20%26%20dusted");
  EXPECT_NE(got[1].body.find("To=%2B15550003"), std::string::npos);
}

TEST(NotifyDeliver, WebhookBodyAndUnsupportedTypes) {
  HttpReceiver rx;
  json::object cfg{{"url", rx.Url("/w")},
                   {"http_method", "put"},
                   {"username", ""},
                   {"password", ""},
                   {"disable_ssl_verification", false},
                   {"headers", json::object{{"User-Agent", "mine"}}}};
  auto d = Send("webhook", cfg, "", json::string("not json"), To(rx));
  ASSERT_TRUE(d.ok) << d.error;
  auto got = rx.Requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].body, "{}");  // AWX's format_body: a body that is not a JSON object sends {}
  EXPECT_EQ(got[0].Header("user-agent"), "mine");
  EXPECT_EQ(got[0].Header("authorization"), "");
  EXPECT_EQ(Send("awssns", json::object{}, "", "", To(rx)).error,
            "AWS SNS notifications are not supported by baton");
  EXPECT_EQ(Send("irc", json::object{}, "", "", To(rx)).error,
            "IRC notifications are not supported by baton");
}

}  // namespace
}  // namespace baton::notify
