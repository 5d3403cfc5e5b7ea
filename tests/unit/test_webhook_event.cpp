// Webhook deliveries as pure functions (domain/webhook_event.hpp; workflow-semantics.md Appendix
// C, LA-11): signatures, ignored events, event type/guid/ref/status API per service, and the
// commit status messages.
#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "domain/webhook_event.hpp"

namespace baton::domain {
namespace {

json::value J(const char* text) {
  return json::parse(text);
}

TEST(WebhookEvent, SignaturesPerService) {
  const std::string key = "k3y", body = R"({"a": 1})";
  std::string good256 = "sha256=" + HmacSha256Hex(key, body);
  struct Case {
    const char* name;
    WebhookService svc;
    WebhookHeaders headers;
    std::string key;
    bool ok;
  };
  std::vector<Case> cases = {
      {"github sha256", WebhookService::kGithub, {{"x-hub-signature-256", good256}}, key, true},
      {"github sha256 wrong key",
       WebhookService::kGithub,
       {{"x-hub-signature-256", "sha256=" + HmacSha256Hex("other", body)}},
       key,
       false},
      {"github sha256 in the sha1 header",
       WebhookService::kGithub,
       {{"x-hub-signature", good256}},
       key,
       false},
      {"github nothing", WebhookService::kGithub, {}, key, false},
      {"github empty key",
       WebhookService::kGithub,
       {{"x-hub-signature-256", "sha256=" + HmacSha256Hex("", body)}},
       "",
       false},
      {"gitlab token", WebhookService::kGitlab, {{"x-gitlab-token", key}}, key, true},
      {"gitlab token prefix", WebhookService::kGitlab, {{"x-gitlab-token", "k3"}}, key, false},
      {"gitlab no token", WebhookService::kGitlab, {}, key, false},
      {"bitbucket sha256", WebhookService::kBitbucketDc, {{"x-hub-signature", good256}}, key, true},
      {"bitbucket uppercase hex",
       WebhookService::kBitbucketDc,
       {{"x-hub-signature", "sha256=" +
                                [&] {
                                  std::string s = HmacSha256Hex(key, body);
                                  for (auto& c : s) c = static_cast<char>(std::toupper(c));
                                  return s;
                                }()}},
       key,
       false},
      {"bitbucket ping unsigned",
       WebhookService::kBitbucketDc,
       {{"x-event-key", "diagnostics:ping"}},
       key,
       true},
      {"bitbucket push unsigned",
       WebhookService::kBitbucketDc,
       {{"x-event-key", "repo:refs_changed"}},
       key,
       false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(WebhookSignatureOk(c.svc, c.headers, body, c.key), c.ok) << c.name;
}

TEST(WebhookEvent, IgnoredOnlyForOtherBitbucketEvents) {
  EXPECT_FALSE(WebhookIgnored(WebhookService::kGithub, {{"x-github-event", "ping"}}));
  EXPECT_FALSE(WebhookIgnored(WebhookService::kGitlab, {}));
  EXPECT_TRUE(WebhookIgnored(WebhookService::kBitbucketDc, {}));
  EXPECT_TRUE(WebhookIgnored(WebhookService::kBitbucketDc, {{"x-event-key", "diagnostics:ping"}}));
  for (const char* e : {"repo:refs_changed", "mirror:repo_synchronized", "pr:opened",
                        "pr:from_ref_updated", "pr:modified"})
    EXPECT_FALSE(WebhookIgnored(WebhookService::kBitbucketDc, {{"x-event-key", e}})) << e;
}

TEST(WebhookEvent, TypeGuidRefAndStatusApi) {
  struct Case {
    const char* name;
    WebhookService svc;
    WebhookHeaders headers;
    const char* payload;
    const char* expect;  // {"type", "guid", "ref", "status_api"}
  };
  std::vector<Case> cases = {
      {"github pull request",
       WebhookService::kGithub,
       {{"x-github-event", "pull_request"}, {"x-github-delivery", "d1"}},
       R"({"pull_request": {"head": {"sha": "s1"}, "statuses_url": "https://api/x"}})",
       R"({"type": "pull_request", "guid": "d1", "ref": "s1", "status_api": "https://api/x"})"},
      {"github push deleted branch",
       WebhookService::kGithub,
       {{"x-github-event", "push"}},
       R"({"after": "0000000000000000000000000000000000000000"})",
       R"({"type": "push", "guid": null, "ref": null, "status_api": null})"},
      {"github release",
       WebhookService::kGithub,
       {{"x-github-event", "release"}},
       R"({"release": {"tag_name": "v2"}})",
       R"({"type": "release", "guid": null, "ref": "v2", "status_api": null})"},
      {"github unknown event",
       WebhookService::kGithub,
       {{"x-github-event", "star"}},
       R"({"": "x"})",
       R"({"type": "star", "guid": null, "ref": null, "status_api": null})"},
      {"github no event header",
       WebhookService::kGithub,
       {},
       R"({})",
       R"({"type": null, "guid": null, "ref": null, "status_api": null})"},
      {"gitlab push",
       WebhookService::kGitlab,
       {{"x-gitlab-event", "Push Hook"}},
       R"({"checkout_sha": "c1", "project": {"id": 3, "web_url": "http://gl.local:8080/a/b"}})",
       R"({"type": "Push Hook", "ref": "c1", "status_api": "http://gl.local:8080/api/v4/projects/3/statuses/c1"})"},
      {"gitlab deleted tag",
       WebhookService::kGitlab,
       {{"x-gitlab-event", "Tag Push Hook"}},
       R"({"checkout_sha": null, "project": {"id": 3, "web_url": "https://gl/a"}})",
       R"({"type": "Tag Push Hook", "ref": null, "status_api": "https://gl/api/v4/projects/3/statuses/None"})"},
      {"gitlab note",
       WebhookService::kGitlab,
       {{"x-gitlab-event", "Note Hook"}},
       R"({"project": {"id": 3, "web_url": "https://gl/a"}})",
       R"({"type": "Note Hook", "ref": null, "status_api": null})"},
      {"bitbucket pr from repository link",
       WebhookService::kBitbucketDc,
       {{"x-event-key", "pr:modified"}, {"x-request-id", "r1"}},
       R"({"repository": {"links": {"self": [{"href": "https://bb:7990/projects/P/repos/r/browse"}]}},
           "pullRequest": {"toRef": {"latestCommit": "h1"}}})",
       R"({"type": "pr:modified", "guid": "r1", "ref": "h1", "status_api": "https://bb:7990/rest/build-status/1.0/commits/h1"})"},
      {"bitbucket push without links",
       WebhookService::kBitbucketDc,
       {{"x-event-key", "repo:refs_changed"}},
       R"({"changes": [{"toHash": "h2"}]})",
       R"({"type": "repo:refs_changed", "guid": null, "ref": "h2", "status_api": null})"},
      {"bitbucket empty changes",
       WebhookService::kBitbucketDc,
       {{"x-event-key", "repo:refs_changed"}},
       R"({"changes": []})",
       R"({"type": "repo:refs_changed", "guid": null, "ref": null, "status_api": null})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string raw = c.payload;
    WebhookEvent e = ParseWebhookEvent(c.svc, c.headers, raw, J(c.payload));
    json::value expected = J(c.expect);
    const auto& want = expected.as_object();
    EXPECT_EQ(e.type, want.at("type"));
    if (want.contains("guid")) {
      EXPECT_EQ(e.guid, want.at("guid"));
    }
    EXPECT_EQ(e.ref, want.at("ref"));
    EXPECT_EQ(e.status_api, want.at("status_api"));
  }
  // GitLab's guid: sha1 of the raw body.
  WebhookEvent g = ParseWebhookEvent(WebhookService::kGitlab, {}, "abc", J("{}"));
  EXPECT_EQ(g.guid, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(WebhookEvent, ExtraVarsHaveAwxAndTowerTwins) {
  WebhookEvent e{"push", "g", "r", nullptr};
  json::object v = WebhookExtraVars(e, J(R"({"x": 1})"));
  EXPECT_EQ(v.size(), 10u);
  for (std::string p : {"awx", "tower"}) {
    EXPECT_EQ(v.at(p + "_webhook_event_type"), "push");
    EXPECT_EQ(v.at(p + "_webhook_event_guid"), "g");
    EXPECT_EQ(v.at(p + "_webhook_event_ref"), "r");
    EXPECT_TRUE(v.at(p + "_webhook_status_api").is_null());
    EXPECT_EQ(v.at(p + "_webhook_payload"), J(R"({"x": 1})"));
  }
}

TEST(WebhookEvent, CommitStatesAndMessages) {
  struct Case {
    WebhookService svc;
    const char* status;
    std::optional<std::string> state;
  };
  std::vector<Case> cases = {
      {WebhookService::kGithub, "pending", "pending"},
      {WebhookService::kGithub, "waiting", std::nullopt},
      {WebhookService::kGithub, "running", std::nullopt},
      {WebhookService::kGithub, "successful", "success"},
      {WebhookService::kGithub, "failed", "failure"},
      {WebhookService::kGithub, "canceled", "failure"},
      {WebhookService::kGithub, "error", "error"},
      {WebhookService::kGitlab, "running", "running"},
      {WebhookService::kGitlab, "error", "failed"},
      {WebhookService::kGitlab, "canceled", "canceled"},
      {WebhookService::kGitlab, "new", std::nullopt},
      {WebhookService::kBitbucketDc, "pending", "INPROGRESS"},
      {WebhookService::kBitbucketDc, "running", "INPROGRESS"},
      {WebhookService::kBitbucketDc, "successful", "SUCCESSFUL"},
      {WebhookService::kBitbucketDc, "canceled", "FAILED"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(WebhookCommitState(c.svc, c.status), c.state)
        << WebhookServiceName(c.svc) << " " << c.status;
  auto gh =
      BuildWebhookStatus(WebhookService::kGithub, "success", "t", "https://x/#/jobs/playbook/1");
  EXPECT_EQ(gh.auth_header, "Authorization");
  EXPECT_EQ(gh.auth_value, "token t");
  EXPECT_EQ(
      J(gh.body.c_str()),
      J(R"({"state": "success", "context": "ansible/awx", "target_url": "https://x/#/jobs/playbook/1"})"));
  auto gl = BuildWebhookStatus(WebhookService::kGitlab, "running", "t", "u");
  EXPECT_EQ(gl.auth_header, "PRIVATE-TOKEN");
  EXPECT_EQ(gl.auth_value, "t");
  auto bb = BuildWebhookStatus(WebhookService::kBitbucketDc, "FAILED", "t", "u");
  EXPECT_EQ(bb.auth_value, "Bearer t");
  EXPECT_EQ(J(bb.body.c_str()), J(R"({"state": "FAILED", "key": "ansible/awx", "url": "u"})"));
}

}  // namespace
}  // namespace baton::domain
