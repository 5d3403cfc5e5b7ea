// Webhooks (workflow-semantics.md DM-4, LA-11, RB-6, Appendix C; api-resources.md §16, §23):
// webhook_key/ on both template kinds, the unauthenticated github/, gitlab/ and bitbucket_dc/
// receivers (signatures over the raw body, refusals, duplicate deliveries, the launched job's
// fields and variables), and the commit status post-back to a loopback receiver.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "scheduler/webhook_status.hpp"
#include "unit/loopback_receivers.hpp"
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;
using testing_receivers::HttpReceiver;

std::string Hex(const unsigned char* d, size_t n) {
  std::string out;
  char buf[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", d[i]);
    out += buf;
  }
  return out;
}
std::string HmacSha1(const std::string& key, const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), md, &len);
  return Hex(md, len);
}
std::string Sha1(const std::string& body) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(body.data()), body.size(), md);
  return Hex(md, sizeof md);
}

const char* kForbidden = R"({"detail":"You do not have permission to perform this action."})";

// A template of either kind with a webhook service (and optionally its credential).
struct Hooked {
  std::string resource;  // job_templates, workflow_job_templates
  int64_t id = 0;
  std::string Url(const std::string& sub = "") const {
    return "/api/v2/" + resource + "/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
  }
};

struct World {
  Api api;
  int64_t org = 0, project = 0, inventory = 0;
  World() {
    org = api.Org("hooks");
    project = MakeProject(api, "hooks-proj", org);
    inventory = MakeInventory(api, "hooks-inv", org, 1);
  }
  int64_t Cred(const std::string& service, const std::string& token) {
    static const std::map<std::string, std::string> kTypes = {
        {"github", "GitHub Personal Access Token"},
        {"gitlab", "GitLab Personal Access Token"},
        {"bitbucket_dc", "Bitbucket Data Center HTTP Access Token"}};
    return MakeCred(api, service + "-cred-" + RandomAlnum(4), kTypes.at(service), org,
                    {{"token", token}});
  }
  Hooked Make(bool workflow, const std::string& service, std::optional<int64_t> cred = {}) {
    json::object extra{{"webhook_service", service}};
    if (cred) extra["webhook_credential"] = *cred;
    std::string name = (workflow ? "wf-" : "jt-") + service + "-" + RandomAlnum(4);
    if (workflow) return {"workflow_job_templates", MakeWfjt(api, name, org, extra)};
    return {"job_templates", MakeJt(api, name, project, inventory, extra)};
  }
  std::string Key(const Hooked& t) {
    return S(api.Get(t.Url("webhook_key")).Expect(200)["webhook_key"]);
  }
  // The unified jobs a template has, newest first.
  std::vector<int64_t> Jobs(const Hooked& t) {
    std::vector<int64_t> out;
    for (auto& r : api.db()
                       .Local()
                       .Query("SELECT id FROM unified_jobs WHERE unified_job_template_id = ? "
                              "ORDER BY id DESC",
                              {t.id})
                       .rows)
      out.push_back(store::AsInt(r[0]));
    return out;
  }
};

// Headers of a correctly signed delivery of `body` for `service`.
std::vector<std::pair<std::string, std::string>> Signed(const std::string& service,
                                                        const std::string& key,
                                                        const std::string& body,
                                                        const std::string& delivery) {
  if (service == "github")
    return {{"X-GitHub-Event", "pull_request"},
            {"X-GitHub-Delivery", delivery},
            {"X-Hub-Signature-256", "sha256=" + HmacSha256Hex(key, body)}};
  if (service == "gitlab")
    return {{"X-Gitlab-Event", "Merge Request Hook"}, {"X-Gitlab-Token", key}};
  return {{"X-Event-Key", "pr:opened"},
          {"X-Request-Id", delivery},
          {"X-Hub-Signature", "sha256=" + HmacSha256Hex(key, body)}};
}

Resp Deliver(Api& api, const std::string& url,
             const std::vector<std::pair<std::string, std::string>>& headers,
             const std::string& body) {
  Call c = api.PostRaw(url, body).Anonymous();
  for (auto& [k, v] : headers) c.Header(k, v);
  return c.Send();
}

TEST(Webhooks, KeyOnJobTemplatesIsGeneratedRotatedClearedForAdminsOnly) {
  World w;
  Hooked t = w.Make(false, "github");
  Resp jt = w.api.Get(t.Url()).Expect(200);
  const auto& rel = jt["related"].as_object();
  EXPECT_EQ(rel.at("webhook_key"), json::value(t.Url("webhook_key")));
  EXPECT_EQ(rel.at("webhook_receiver"), json::value(t.Url("github")));
  EXPECT_FALSE(jt.obj().contains("webhook_key")) << "the key is never part of the template";
  std::string key = w.Key(t);
  EXPECT_EQ(key.size(), 50u);
  // POST rotates: 201 with the new key, which GET then shows.
  Resp rotated = w.api.Post(t.Url("webhook_key"), json::object{}).Expect(201);
  std::string key2 = S(rotated["webhook_key"]);
  EXPECT_EQ(key2.size(), 50u);
  EXPECT_NE(key2, key);
  EXPECT_EQ(w.Key(t), key2);
  // DM-4: a service change draws a new key, no service clears it.
  w.api.Patch(t.Url(), json::object{{"webhook_service", "gitlab"}}).Expect(200);
  std::string key3 = w.Key(t);
  EXPECT_EQ(key3.size(), 50u);
  EXPECT_NE(key3, key2);
  EXPECT_EQ(w.api.Get(t.Url()).Expect(200)["related"].as_object().at("webhook_receiver"),
            json::value(t.Url("gitlab")));
  w.api.Patch(t.Url(), json::object{{"description", "same service"}}).Expect(200);
  EXPECT_EQ(w.Key(t), key3);
  w.api.Patch(t.Url(), json::object{{"webhook_service", ""}}).Expect(200);
  EXPECT_EQ(w.Key(t), "");
  EXPECT_EQ(w.api.Get(t.Url()).Expect(200)["related"].as_object().at("webhook_receiver"), "");
  // A copy gets its own key.
  w.api.Patch(t.Url(), json::object{{"webhook_service", "github"}}).Expect(200);
  Resp copy = w.api.Post(t.Url("copy"), json::object{{"name", "copied"}}).Expect(201);
  std::string copy_key =
      S(w.api.Get("/api/v2/job_templates/" + std::to_string(copy.id()) + "/webhook_key/")
            .Expect(200)["webhook_key"]);
  EXPECT_EQ(copy_key.size(), 50u);
  EXPECT_NE(copy_key, w.Key(t));
  // RB-6: admin of the template only; a user who cannot read it is refused as on its detail.
  int64_t runner = w.api.User("runner");
  w.api.Grant(t.Url(), "execute_role", runner);
  w.api.Get(t.Url("webhook_key")).As("runner").Expect(403);
  w.api.Post(t.Url("webhook_key"), json::object{}).As("runner").Expect(403);
  w.api.User("stranger");
  EXPECT_EQ(w.api.Get(t.Url("webhook_key")).As("stranger").Send().status,
            w.api.Get(t.Url()).As("stranger").Send().status);
  w.api.Get(t.Url("webhook_key")).As("stranger").Expect(403);
  int64_t admin = w.api.User("jtadmin");
  w.api.Grant(t.Url(), "admin_role", admin);
  EXPECT_EQ(
      w.api.Get(t.Url("webhook_key")).As("jtadmin").Expect(200)["webhook_key"].as_string().size(),
      50u);
  w.api.Post(t.Url("webhook_key"), json::object{}).As("jtadmin").Expect(201);
  // A read-only token cannot rotate.
  w.api.Post(t.Url("webhook_key"), json::object{})
      .Token(w.api.NewToken("admin", "read"))
      .Expect(403);
  // Anonymous callers get nothing.
  w.api.Get(t.Url("webhook_key")).Anonymous().Expect(401);
}

// Appendix C, for every service on both template kinds: a signed delivery launches once, a
// wrongly signed or unsigned one is refused, a redelivery launches nothing.
TEST(Webhooks, SignedDeliveriesLaunchOnceOnBothTemplateKinds) {
  World w;
  for (bool workflow : {false, true}) {
    for (std::string service : {"github", "gitlab", "bitbucket_dc"}) {
      SCOPED_TRACE((workflow ? "workflow " : "job template ") + service);
      Hooked t = w.Make(workflow, service);
      std::string key = w.Key(t);
      std::string body =
          R"({"n": ")" + service + R"(", "pullRequest": {}, "object_attributes": {}})";
      std::string delivery = "d-" + RandomAlnum(8);
      std::string url = t.Url(service);
      // Wrong key, tampered body, no signature at all.
      EXPECT_EQ(Deliver(w.api, url, Signed(service, "not-the-key", body, delivery), body).body,
                kForbidden);
      if (service != "gitlab") {
        auto tampered = Signed(service, key, body + " ", delivery);
        EXPECT_EQ(Deliver(w.api, url, tampered, body).status, 403);
      }
      auto unsigned_headers = Signed(service, key, body, delivery);
      unsigned_headers.pop_back();
      EXPECT_EQ(Deliver(w.api, url, unsigned_headers, body).status, 403);
      EXPECT_TRUE(w.Jobs(t).empty());
      // Signed: 202 and one job of the right kind.
      Resp ok = Deliver(w.api, url, Signed(service, key, body, delivery), body);
      EXPECT_EQ(ok.status, 202) << ok.body;
      EXPECT_EQ(ok.json, json::parse(R"({"message": "Job queued."})"));
      auto jobs = w.Jobs(t);
      ASSERT_EQ(jobs.size(), 1u);
      EXPECT_EQ(JobColumn(w.api, jobs[0], "type"), workflow ? "workflow_job" : "job");
      EXPECT_EQ(JobColumn(w.api, jobs[0], "launch_type"), "webhook");
      EXPECT_EQ(JobColumn(w.api, jobs[0], "webhook_service"), service);
      EXPECT_EQ(JobColumn(w.api, jobs[0], "webhook_guid"),
                service == "gitlab" ? Sha1(body) : delivery);
      // The same delivery again: acknowledged, nothing launched.
      Resp again = Deliver(w.api, url, Signed(service, key, body, delivery), body);
      EXPECT_EQ(again.status, 202);
      EXPECT_EQ(again.json,
                json::parse(R"({"message": "Webhook previously received, aborting."})"));
      EXPECT_EQ(w.Jobs(t).size(), 1u);
      // Receivers only take POST.
      EXPECT_EQ(w.api.Get(url).Send().status, 405);
    }
  }
}

TEST(Webhooks, RefusalsAreAwxPermissionDenied) {
  World w;
  Hooked gh = w.Make(false, "github");
  std::string key = w.Key(gh);
  std::string body = R"({"zen": "ok"})";
  auto headers = Signed("github", key, body, "one");
  // The template's service is GitHub: the GitLab and Bitbucket receivers refuse, even with the key.
  EXPECT_EQ(Deliver(w.api, gh.Url("gitlab"), {{"X-Gitlab-Token", key}}, body).body, kForbidden);
  EXPECT_EQ(
      Deliver(w.api, gh.Url("bitbucket_dc"), Signed("bitbucket_dc", key, body, "x"), body).status,
      403);
  // A template without a service, an unknown template, a workflow receiver for a job template id.
  Hooked plain{"job_templates", MakeJt(w.api, "plain", w.project, w.inventory)};
  EXPECT_EQ(Deliver(w.api, plain.Url("github"), headers, body).status, 403);
  EXPECT_EQ(Deliver(w.api, "/api/v2/job_templates/999999/github/", headers, body).status, 403);
  EXPECT_EQ(Deliver(w.api, "/api/v2/workflow_job_templates/" + std::to_string(gh.id) + "/github/",
                    headers, body)
                .status,
            403);
  // Signature headers AWX cannot parse or does not accept for GitHub.
  for (std::string sig : std::vector<std::string>{"sha256", "sha512=" + HmacSha256Hex(key, body),
                                                  "sha1=" + HmacSha1(key, body) + "=", "=", "",
                                                  "SHA1=" + HmacSha1(key, body)}) {
    SCOPED_TRACE(sig);
    EXPECT_EQ(
        Deliver(w.api, gh.Url("github"),
                {{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "z"}, {"X-Hub-Signature", sig}},
                body)
            .status,
        403);
  }
  // A bad X-Hub-Signature-256 is not rescued by a good sha1 one.
  EXPECT_EQ(Deliver(w.api, gh.Url("github"),
                    {{"X-GitHub-Delivery", "z"},
                     {"X-Hub-Signature-256", "sha256=" + HmacSha256Hex("wrong", body)},
                     {"X-Hub-Signature", "sha1=" + HmacSha1(key, body)}},
                    body)
                .status,
            403);
  EXPECT_TRUE(w.Jobs(gh).empty());
  // AWX's sha1 X-Hub-Signature alone is accepted.
  EXPECT_EQ(Deliver(w.api, gh.Url("github"),
                    {{"X-GitHub-Event", "push"},
                     {"X-GitHub-Delivery", "sha1-delivery"},
                     {"X-Hub-Signature", "sha1=" + HmacSha1(key, body)}},
                    body)
                .status,
            202);
  EXPECT_EQ(w.Jobs(gh).size(), 1u);
  // After a rotation the old key no longer signs.
  w.api.Post(gh.Url("webhook_key"), json::object{}).Expect(201);
  EXPECT_EQ(
      Deliver(w.api, gh.Url("github"), Signed("github", key, body, "after-rotate"), body).status,
      403);
  // A body that is not JSON is refused before anything else (AWX parses request.data first).
  EXPECT_EQ(
      Deliver(w.api, gh.Url("github"), Signed("github", w.Key(gh), "{nope", "bad"), "{nope").status,
      400);
  // Only POST.
  EXPECT_EQ(w.api.Get(gh.Url("github")).Send().status, 405);
  EXPECT_EQ(w.Jobs(gh).size(), 1u);
}

// The launched job: launch_type, webhook fields, and the LA-11 variables in awx_ and tower_
// twins, whatever the template's prompts (ask_variables_on_launch is off here).
TEST(Webhooks, GithubPullRequestJobCarriesEventVariables) {
  World w;
  int64_t cred = w.Cred("github", "ghp-token");
  Hooked t = w.Make(false, "github", cred);
  w.api.Patch(t.Url(), json::object{{"extra_vars", "template_var: 1"}}).Expect(200);
  std::string key = w.Key(t);
  json::object payload{
      {"action", "opened"},
      {"pull_request",
       json::object{{"head", json::object{{"sha", "abc123"}}},
                    {"statuses_url", "https://api.github.com/repos/o/r/statuses/abc123"}}}};
  std::string body = Dump(payload);
  Resp r = Deliver(w.api, t.Url("github"), Signed("github", key, body, "gh-delivery-1"), body);
  ASSERT_EQ(r.status, 202) << r.body;
  auto jobs = w.Jobs(t);
  ASSERT_EQ(jobs.size(), 1u);
  Resp job = w.api.Get("/api/v2/jobs/" + std::to_string(jobs[0]) + "/").Expect(200);
  EXPECT_EQ(job["launch_type"], "webhook");
  EXPECT_EQ(job["webhook_service"], "github");
  EXPECT_EQ(job["webhook_credential"], cred);
  EXPECT_EQ(job["webhook_guid"], "gh-delivery-1");
  EXPECT_EQ(job["status"], "pending");
  auto vars = ParseJson(S(job["extra_vars"]));
  ASSERT_TRUE(vars && vars->is_object()) << job["extra_vars"];
  const auto& v = vars->as_object();
  EXPECT_EQ(v.at("template_var"), 1);
  for (std::string p : {"awx", "tower"}) {
    EXPECT_EQ(v.at(p + "_webhook_event_type"), "pull_request");
    EXPECT_EQ(v.at(p + "_webhook_event_guid"), "gh-delivery-1");
    EXPECT_EQ(v.at(p + "_webhook_event_ref"), "abc123");
    EXPECT_EQ(v.at(p + "_webhook_status_api"), "https://api.github.com/repos/o/r/statuses/abc123");
    EXPECT_EQ(v.at(p + "_webhook_payload"), json::value(payload));
  }
  // A push: ref from "after", no status API; a deleted branch (40 zeros) has no ref.
  std::string push =
      R"({"after": "0000000000000000000000000000000000000000", "ref": "refs/heads/x"})";
  auto h = Signed("github", key, push, "gh-delivery-2");
  h[0].second = "push";
  ASSERT_EQ(Deliver(w.api, t.Url("github"), h, push).status, 202);
  auto pv = JobJson(w.api, w.Jobs(t)[0], "extra_vars");
  EXPECT_EQ(pv.at("awx_webhook_event_type"), "push");
  EXPECT_TRUE(pv.at("awx_webhook_event_ref").is_null());
  EXPECT_TRUE(pv.at("awx_webhook_status_api").is_null());
}

TEST(Webhooks, GitlabAndBitbucketEventsOnWorkflowTemplates) {
  World w;
  // GitLab merge request: guid = sha1 of the body, status API on the project's host.
  Hooked gl = w.Make(true, "gitlab");
  std::string key = w.Key(gl);
  std::string body =
      R"({"object_kind": "merge_request", "project": {"id": 7, "web_url": "https://gitlab.example.com/group/proj"},)"
      R"( "object_attributes": {"last_commit": {"id": "c0ffee"}}})";
  Resp r = Deliver(w.api, gl.Url("gitlab"),
                   {{"X-Gitlab-Event", "Merge Request Hook"}, {"X-Gitlab-Token", key}}, body);
  ASSERT_EQ(r.status, 202) << r.body;
  int64_t wj = w.Jobs(gl)[0];
  Resp detail = w.api.Get("/api/v2/workflow_jobs/" + std::to_string(wj) + "/").Expect(200);
  EXPECT_EQ(detail["launch_type"], "webhook");
  EXPECT_EQ(detail["webhook_service"], "gitlab");
  EXPECT_EQ(detail["webhook_guid"], json::value(Sha1(body)));
  auto v = JobJson(w.api, wj, "extra_vars");
  EXPECT_EQ(v.at("tower_webhook_event_type"), "Merge Request Hook");
  EXPECT_EQ(v.at("awx_webhook_event_ref"), "c0ffee");
  EXPECT_EQ(v.at("awx_webhook_status_api"),
            "https://gitlab.example.com/api/v4/projects/7/statuses/c0ffee");
  // Missing or wrong token.
  EXPECT_EQ(Deliver(w.api, gl.Url("gitlab"), {{"X-Gitlab-Event", "Push Hook"}}, body).status, 403);
  EXPECT_EQ(Deliver(w.api, gl.Url("gitlab"), {{"X-Gitlab-Token", key + "x"}}, body).status, 403);

  // Bitbucket DC: unsigned ping and other events are acknowledged without a launch.
  Hooked bb = w.Make(true, "bitbucket_dc");
  std::string bkey = w.Key(bb);
  Resp ping = Deliver(w.api, bb.Url("bitbucket_dc"), {{"X-Event-Key", "diagnostics:ping"}}, "{}");
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.json, json::parse(R"({"message": "Webhook ignored"})"));
  std::string comment = R"({"comment": {}})";
  EXPECT_EQ(Deliver(w.api, bb.Url("bitbucket_dc"),
                    {{"X-Event-Key", "pr:comment:added"},
                     {"X-Hub-Signature", "sha1=" + HmacSha1(bkey, comment)}},
                    comment)
                .status,
            200);
  // ... but an ignored event still needs a valid signature.
  EXPECT_EQ(
      Deliver(w.api, bb.Url("bitbucket_dc"), {{"X-Event-Key", "pr:comment:added"}}, comment).status,
      403);
  EXPECT_TRUE(w.Jobs(bb).empty());
  std::string push =
      R"({"actor": {"links": {"self": [{"href": "https://bb.example.com/users/me"}]}},)"
      R"( "changes": [{"ref": {"id": "refs/heads/main"}, "toHash": "feed42"}]})";
  Resp pushed = Deliver(w.api, bb.Url("bitbucket_dc"),
                        {{"X-Event-Key", "repo:refs_changed"},
                         {"X-Request-Id", "bb-1"},
                         {"X-Hub-Signature", "sha256=" + HmacSha256Hex(bkey, push)}},
                        push);
  ASSERT_EQ(pushed.status, 202) << pushed.body;
  auto bv = JobJson(w.api, w.Jobs(bb)[0], "extra_vars");
  EXPECT_EQ(bv.at("awx_webhook_event_guid"), "bb-1");
  EXPECT_EQ(bv.at("awx_webhook_event_ref"), "feed42");
  EXPECT_EQ(bv.at("awx_webhook_status_api"),
            "https://bb.example.com/rest/build-status/1.0/commits/feed42");
}

// LA-11 for a workflow job: the webhook variables are runtime vars over the template's own.
TEST(Webhooks, WorkflowJobVariablesAndNodes) {
  World w;
  Hooked t = w.Make(true, "github");
  w.api.Patch(t.Url(), json::object{{"extra_vars", R"({"wf_var": "x"})"}}).Expect(200);
  MakeNode(
      w.api, t.id,
      json::object{{"unified_job_template", MakeJt(w.api, "node-jt", w.project, w.inventory)}});
  std::string body = R"({"ref": "refs/tags/v1"})";
  auto h = Signed("github", w.Key(t), body, "wf-1");
  h[0].second = "create";
  ASSERT_EQ(Deliver(w.api, t.Url("github"), h, body).status, 202);
  int64_t wj = w.Jobs(t)[0];
  auto v = JobJson(w.api, wj, "extra_vars");
  EXPECT_EQ(v.at("wf_var"), "x");
  EXPECT_EQ(v.at("awx_webhook_event_ref"), "refs/tags/v1");
  EXPECT_EQ(
      CountRows(w.api, "SELECT COUNT(*) FROM workflow_job_nodes WHERE workflow_job_id = ?", {wj}),
      1);
}

// A sliced job template launched by a webhook makes the sliced workflow job, carrying the
// delivery's guid (so a redelivery is still recognised).
TEST(Webhooks, SlicedJobTemplateMakesSlicedWorkflowJob) {
  World w;
  int64_t inv = MakeInventory(w.api, "sliced-inv", w.org, 3);
  Hooked t{"job_templates",
           MakeJt(w.api, "sliced", w.project, inv,
                  json::object{{"webhook_service", "github"}, {"job_slice_count", 2}})};
  std::string body = "{}";
  ASSERT_EQ(Deliver(w.api, t.Url("github"), Signed("github", w.Key(t), body, "s-1"), body).status,
            202);
  auto jobs = w.Jobs(t);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(JobColumn(w.api, jobs[0], "type"), "workflow_job");
  EXPECT_EQ(JobInt(w.api, jobs[0], "is_sliced_job"), 1);
  EXPECT_EQ(JobColumn(w.api, jobs[0], "launch_type"), "webhook");
  EXPECT_EQ(Deliver(w.api, t.Url("github"), Signed("github", w.Key(t), body, "s-1"), body).json,
            json::parse(R"({"message": "Webhook previously received, aborting."})"));
}

// ---- commit status post-back ----

struct StatusWorld : World {
  HttpReceiver receiver;
  SystemClock clock;
  std::string secret = LoadOrCreateKey(api.dir().string()).value();
  std::unique_ptr<scheduler::WebhookStatusPoster> poster;
  StatusWorld() { Restart(); }
  void Restart(const std::string& url_base = "https://baton.example/") {
    poster.reset();
    scheduler::WebhookStatusOptions o;
    o.secret_key = secret;
    o.url_base = url_base;
    poster = std::make_unique<scheduler::WebhookStatusPoster>(api.db(), clock, o);
  }
  void Pass() {
    poster->Pass();
    poster->WaitIdle();
  }
  void SetStatus(int64_t job, const std::string& status) {
    api.db().Local().Exec("UPDATE unified_jobs SET status = ? WHERE id = ?", {status, job});
  }
  int64_t Posts(const std::string& where = "1 = 1") {
    return CountRows(api, "SELECT COUNT(*) FROM webhook_status_posts WHERE " + where);
  }
};

TEST(WebhookStatus, GithubPendingThenSuccessWithTokenHeader) {
  StatusWorld w;
  int64_t cred = w.Cred("github", "ghp-secret-token");
  Hooked t = w.Make(false, "github", cred);
  json::object payload{
      {"pull_request", json::object{{"head", json::object{{"sha", "abc"}}},
                                    {"statuses_url", w.receiver.Url("/repos/o/r/statuses/abc")}}}};
  std::string body = Dump(payload);
  ASSERT_EQ(Deliver(w.api, t.Url("github"), Signed("github", w.Key(t), body, "p-1"), body).status,
            202);
  int64_t job = w.Jobs(t)[0];
  w.Pass();
  ASSERT_TRUE(w.receiver.WaitFor(1));
  auto req = w.receiver.Requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/repos/o/r/statuses/abc");
  EXPECT_EQ(req.Header("authorization"), "token ghp-secret-token");
  EXPECT_NE(req.Header("content-type").find("application/json"), std::string::npos);
  EXPECT_EQ(
      json::parse(req.body),
      json::parse(
          R"({"state": "pending", "context": "ansible/awx", "target_url": "https://baton.example/#/jobs/playbook/)" +
          std::to_string(job) + R"("})"));
  // Nothing changed: nothing posted. GitHub is not told about waiting or running.
  w.Pass();
  w.SetStatus(job, "waiting");
  w.Pass();
  w.SetStatus(job, "running");
  w.Pass();
  EXPECT_EQ(w.receiver.Count(), 1u);
  w.SetStatus(job, "successful");
  w.Pass();
  ASSERT_TRUE(w.receiver.WaitFor(2));
  EXPECT_EQ(json::parse(w.receiver.Requests()[1].body).as_object().at("state"), "success");
  EXPECT_EQ(w.Posts("sent IS NOT NULL AND response_code = 200 AND error = ''"), 2);
  // Finished, recorded: later passes post nothing more.
  w.Pass();
  EXPECT_EQ(w.receiver.Count(), 2u);
  EXPECT_EQ(JobColumn(w.api, job, "status"), "successful");
}

TEST(WebhookStatus, GitlabAndBitbucketShapesAndFailuresAreOnlyLogged) {
  StatusWorld w;
  // GitLab on a workflow job template: PRIVATE-TOKEN, running is reported, a 500 is recorded.
  Hooked gl = w.Make(true, "gitlab", w.Cred("gitlab", "glpat-1"));
  std::string body = R"({"project": {"id": 7, "web_url": ")" + w.receiver.Url("/group/proj") +
                     R"("}, "object_attributes": {"last_commit": {"id": "c0ffee"}}})";
  ASSERT_EQ(Deliver(w.api, gl.Url("gitlab"),
                    {{"X-Gitlab-Event", "Merge Request Hook"}, {"X-Gitlab-Token", w.Key(gl)}}, body)
                .status,
            202);
  int64_t wj = w.Jobs(gl)[0];
  w.receiver.QueueStatuses({500});
  w.Pass();
  ASSERT_TRUE(w.receiver.WaitFor(1));
  auto r0 = w.receiver.Requests()[0];
  EXPECT_EQ(r0.target, "/api/v4/projects/7/statuses/c0ffee");
  EXPECT_EQ(r0.Header("private-token"), "glpat-1");
  EXPECT_EQ(
      json::parse(r0.body),
      json::parse(
          R"({"state": "pending", "context": "ansible/awx", "target_url": "https://baton.example/#/jobs/workflow/)" +
          std::to_string(wj) + R"("})"));
  EXPECT_EQ(w.Posts("response_code = 500 AND error = 'HTTP 500'"), 1);
  EXPECT_EQ(JobColumn(w.api, wj, "status"), "pending");  // the job is not touched
  w.SetStatus(wj, "running");
  w.Pass();
  ASSERT_TRUE(w.receiver.WaitFor(2));
  EXPECT_EQ(json::parse(w.receiver.Requests()[1].body).as_object().at("state"), "running");
  w.SetStatus(wj, "canceled");
  w.Pass();
  ASSERT_TRUE(w.receiver.WaitFor(3));
  EXPECT_EQ(json::parse(w.receiver.Requests()[2].body).as_object().at("state"), "canceled");

  // Bitbucket DC on a job template: Bearer token, {"state", "key", "url"}.
  Hooked bb = w.Make(false, "bitbucket_dc", w.Cred("bitbucket_dc", "bb-http-token"));
  std::string pr = R"({"actor": {"links": {"self": [{"href": ")" + w.receiver.Url("/users/me") +
                   R"("}]}}, "pullRequest": {"toRef": {"latestCommit": "feed42"}}})";
  ASSERT_EQ(Deliver(w.api, bb.Url("bitbucket_dc"), Signed("bitbucket_dc", w.Key(bb), pr, "b-1"), pr)
                .status,
            202);
  int64_t job = w.Jobs(bb)[0];
  w.SetStatus(job, "failed");
  w.Pass();
  ASSERT_TRUE(w.receiver.WaitFor(4));
  auto r3 = w.receiver.Requests()[3];
  EXPECT_EQ(r3.target, "/rest/build-status/1.0/commits/feed42");
  EXPECT_EQ(r3.Header("authorization"), "Bearer bb-http-token");
  EXPECT_EQ(
      json::parse(r3.body),
      json::parse(
          R"({"state": "FAILED", "key": "ansible/awx", "url": "https://baton.example/#/jobs/playbook/)" +
          std::to_string(job) + R"("})"));
}

TEST(WebhookStatus, NothingWithoutCredentialOrStatusApiAndUnsentPostsSurviveRestart) {
  StatusWorld w;
  // No credential on the template: never posted (AWX skips jobs without webhook_credential).
  Hooked bare = w.Make(false, "github");
  std::string body = R"({"pull_request": {"statuses_url": ")" + w.receiver.Url("/s") + R"("}})";
  ASSERT_EQ(
      Deliver(w.api, bare.Url("github"), Signed("github", w.Key(bare), body, "n-1"), body).status,
      202);
  // A credential but a push (no status API), and a manual launch: nothing to post either.
  Hooked push = w.Make(false, "github", w.Cred("github", "tok"));
  std::string pbody = R"({"after": "abc"})";
  auto h = Signed("github", w.Key(push), pbody, "n-2");
  h[0].second = "push";
  ASSERT_EQ(Deliver(w.api, push.Url("github"), h, pbody).status, 202);
  w.api.Post(push.Url("launch"), json::object{}).Expect(201);
  w.Pass();
  EXPECT_EQ(w.Posts(), 0);
  EXPECT_EQ(w.receiver.Count(), 0u);

  // A post recorded, claimed by an instance that died (claim long ago, never sent): taken again.
  Hooked t = w.Make(false, "github", w.Cred("github", "tok2"));
  std::string prb = R"({"pull_request": {"statuses_url": ")" + w.receiver.Url("/again") + R"("}})";
  ASSERT_EQ(Deliver(w.api, t.Url("github"), Signed("github", w.Key(t), prb, "n-3"), prb).status,
            202);
  int64_t job = w.Jobs(t)[0];
  w.api.db().Local().Exec("UPDATE unified_jobs SET webhook_status_recorded = status WHERE id = ?",
                          {job});
  w.api.db().Local().Exec(
      "INSERT INTO webhook_status_posts (unified_job_id, job_status, created, claimed) VALUES (?, "
      "'pending', '2020-01-01T00:00:00.000000Z', '2020-01-01T00:00:00.000000Z')",
      {job});
  // A fresh claim is left alone (another instance is posting it).
  w.api.db().Local().Exec(
      "INSERT INTO webhook_status_posts (unified_job_id, job_status, created, claimed) VALUES (?, "
      "'pending', ?, ?)",
      {job, FormatIso(w.clock.Now()), FormatIso(w.clock.Now())});
  // Links use the TOWER_URL_BASE setting when no base is configured.
  w.api.db().Local().Exec(
      "INSERT INTO settings (key, value) VALUES ('TOWER_URL_BASE', 'https://awx.example.org/')");
  w.Restart("");
  w.Pass();
  ASSERT_TRUE(w.receiver.WaitFor(1));
  EXPECT_EQ(w.receiver.Requests()[0].target, "/again");
  EXPECT_EQ(json::parse(w.receiver.Requests()[0].body).as_object().at("target_url"),
            json::value("https://awx.example.org/#/jobs/playbook/" + std::to_string(job)));
  EXPECT_EQ(w.Posts("sent IS NULL"), 1);
  EXPECT_EQ(w.receiver.Count(), 1u);
}

}  // namespace
}  // namespace baton::testing
