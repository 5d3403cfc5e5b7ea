// Notification message rendering (the Jinja2 subset AWX messages use) and the per-type
// configuration and messages validation with AWX's messages (api-resources.md §21).
#include <gtest/gtest.h>

#include "notify/config.hpp"
#include "notify/template.hpp"

namespace baton::notify {
namespace {

json::object Ctx() {
  return json::object{
      {"job",
       json::object{{"id", 7},
                    {"name", "Deploy"},
                    {"failed", false},
                    {"elapsed", 1.5},
                    {"labels", json::array{"a", "b"}},
                    {"summary_fields", json::object{{"inventory", json::object{{"name", "inv"}}}}},
                    {"artifacts", json::object{{"k", "v"}}},
                    {"none", nullptr}}},
      {"url", "https://towerhost/#/jobs/playbook/7"}};
}

TEST(NotifyRender, Table) {
  struct Case {
    std::string tmpl, want;
  } cases[] = {
      {"plain text", "plain text"},
      {"#{{ job.id }} '{{job.name}}'", "#7 'Deploy'"},
      {"{{ job.failed }} {{ job.none }} {{ job.elapsed }}", "False None 1.5"},
      {"{{ job.artifacts }}", "{'k': 'v'}"},
      {"{{ job.labels[1] }}{{ job.labels.0 }}", "ba"},
      {"{{ job['summary_fields'].inventory[\"name\"] }}", "inv"},
      {"a {# comment #}b", "a b"},
      {"{ not a tag } {{ url }}", "{ not a tag } https://towerhost/#/jobs/playbook/7"},
      {"{{ missing }}|", "|"},  // lenient: Jinja's default Undefined prints nothing
  };
  for (const auto& c : cases) {
    auto r = Render(c.tmpl, Ctx(), false);
    ASSERT_TRUE(r.ok()) << c.tmpl << ": " << r.message;
    EXPECT_EQ(r.text, c.want) << c.tmpl;
  }
}

TEST(NotifyRender, Errors) {
  auto r = Render("{{ job.id", Ctx(), false);
  EXPECT_EQ(r.status, RenderResult::Status::kSyntax);
  EXPECT_EQ(r.message, "unexpected end of template, expected 'end of print statement'.");
  EXPECT_EQ(Render("{{ }}", Ctx(), false).message,
            "Expected an expression, got 'end of print statement'");
  EXPECT_EQ(Render("{{ job.id }}{% if x %}", Ctx(), false).status, RenderResult::Status::kSyntax);
  auto u = Render("{{ job.nope }}", Ctx(), true);
  EXPECT_EQ(u.status, RenderResult::Status::kUndefined);
  EXPECT_EQ(u.message, "nope");
  EXPECT_EQ(Render("{{ nope.x }}", Ctx(), false).status, RenderResult::Status::kUndefined);
}

TEST(NotifyRender, PyJsonDumpsIndent) {
  json::value v = json::object{{"id", 1},
                               {"name", "x\u00e9"},
                               {"hosts", json::object{}},
                               {"l", json::array{1, 2}},
                               {"f", nullptr}};
  EXPECT_EQ(PyJsonDumps(v, 4, false),
            "{\n    \"id\": 1,\n    \"name\": \"x\u00e9\",\n    \"hosts\": {},\n    \"l\": [\n"
            "        1,\n        2\n    ],\n    \"f\": null\n}");
  EXPECT_EQ(PyJsonDumps(json::value("\u00e9"), 4, true), "\"\\u00e9\"");
}

TEST(NotifyConfig, EmailMissingAndTypes) {
  auto* email = FindType("email");
  ASSERT_TRUE(email);
  json::object cfg{{"host", "smtp"}, {"port", "25"}, {"use_tls", 1}};
  auto errs = ValidateConfiguration(*email, cfg, nullptr);
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0],
            "Missing required fields for Notification Configuration: ['username', 'password', "
            "'use_ssl', 'sender', 'recipients'].");
  EXPECT_EQ(errs[1], "Configuration field 'port' incorrect type, expected int.");
  EXPECT_EQ(errs[2], "Configuration field 'use_tls' incorrect type, expected bool.");
  EXPECT_EQ(cfg.at("timeout").as_int64(), 30);  // default filled in
}

TEST(NotifyConfig, EmptyListWebhookMethodAndEncryptedKept) {
  json::object slack{{"token", "t"}, {"channels", json::array{}}};
  auto errs = ValidateConfiguration(*FindType("slack"), slack, nullptr);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "No values specified for field 'channels'");

  json::object hook{{"url", "http://x"}, {"http_method", "GET"}, {"headers", json::object{}}};
  errs = ValidateConfiguration(*FindType("webhook"), hook, nullptr);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "HTTP method must be either 'POST' or 'PUT'.");

  json::object stored{{"url", "http://x"}, {"password", "$encrypted$AESGCM$abc"}};
  json::object upd{{"url", "http://y"}, {"password", "$encrypted$"}, {"headers", json::object{}}};
  errs = ValidateConfiguration(*FindType("webhook"), upd, &stored);
  EXPECT_TRUE(errs.empty());
  EXPECT_EQ(upd.at("password").as_string(), "$encrypted$AESGCM$abc");
  EXPECT_EQ(upd.at("http_method").as_string(), "POST");
  EXPECT_EQ(upd.at("disable_ssl_verification").as_bool(), false);
}

TEST(NotifyConfig, Messages) {
  auto v = [](const char* s) { return *ParseJson(s); };
  EXPECT_TRUE(ValidateMessages(nullptr, "email").empty());
  EXPECT_TRUE(ValidateMessages(v(R"({"started": {"message": "{{ job.id }} ok", "body": "b\nc"},
      "workflow_approval": {"running": {"message": "{{ approval_node_name }}"}}})"),
                               "email")
                  .empty());
  auto e = ValidateMessages(v(R"({"started": {"message": "a\nb"}})"), "email");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "Messages cannot contain newlines (found newline in started event)");
  e = ValidateMessages(v(R"({"bogus": {}, "success": {"title": "x", "message": 3}})"), "email");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0],
            "Event 'bogus' invalid, must be one of 'started', 'success', 'error', or "
            "'workflow_approval'");
  EXPECT_EQ(e[1], "Message type 'title' invalid, must be either 'message' or 'body'");
  EXPECT_EQ(e[2], "Expected string for 'message', found <class 'int'>, ");
  e = ValidateMessages(v(R"({"workflow_approval": {"later": {}}})"), "email");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "Workflow Approval event 'later' invalid, must be one of 'running', 'approved', "
            "'timed_out', or 'denied'");
  e = ValidateMessages(v(R"({"error": {"message": "{{ job.nope }}"}})"), "email");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "Field 'nope' unavailable");
  e = ValidateMessages(v(R"({"error": {"message": "{{ job.id"}})"), "email");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "Unable to render message '{{ job.id': unexpected end of template, expected 'end of "
            "print statement'.");
  e = ValidateMessages(v("[]"), "email");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "Expected dict for 'messages' field, found <class 'list'>");
}

TEST(NotifyConfig, TemplatesForPrefersCustomThenDefault) {
  auto* email = FindType("email");
  auto t = TemplatesFor(*email, *ParseJson(R"({"success": {"message": "done {{ job.id }}"}})"),
                        "success");
  EXPECT_EQ(t.message, "done {{ job.id }}");
  EXPECT_TRUE(t.has_body);
  EXPECT_NE(t.body.find("{{ job_metadata }}"), std::string::npos);
  auto hook = TemplatesFor(*FindType("webhook"), nullptr, "denied");
  EXPECT_FALSE(hook.has_message);
  EXPECT_EQ(hook.body,
            "{\"body\": \"The approval node \\\"{{ approval_node_name }}\\\" was denied. {{ "
            "workflow_url }}\"}");
  auto slack = TemplatesFor(*FindType("slack"), nullptr, "started");
  EXPECT_FALSE(slack.has_body);
}

TEST(NotifyConfig, MergeMessagesKeepsOldValues) {
  json::value old = *ParseJson(
      R"({"started": {"message": "s", "body": "sb"}, "success": {"message": "ok"},
          "workflow_approval": {"running": {"message": "r"}, "denied": {"message": "d", "body": "db"}}})");
  json::value now = *ParseJson(
      R"({"started": {"message": "s2"}, "workflow_approval": {"denied": {"message": "d2"}}})");
  MergeMessages(old, now);
  EXPECT_EQ(
      Dump(now),
      R"({"started":{"message":"s2","body":"sb"},"workflow_approval":{"denied":{"message":"d2","body":"db"},"running":{"message":"r"}},"success":{"message":"ok"},"error":null})");
}

}  // namespace
}  // namespace baton::notify
