#include "domain/webhook_event.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "core/crypto.hpp"

namespace baton::domain {
namespace {

std::string Hex(const unsigned char* d, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[d[i] >> 4];
    out += kDigits[d[i] & 15];
  }
  return out;
}

std::string HmacHex(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return Hex(out, len);
}

std::string Sha1Hex(std::string_view data) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return Hex(md, sizeof md);
}

// A header's value, or nullopt when absent (AWX's request.headers.get -> None).
std::optional<std::string_view> Header(const WebhookHeaders& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

json::value HeaderValue(const WebhookHeaders& h, std::string_view name) {
  auto v = Header(h, name);
  return v ? json::value(json::string(*v)) : json::value(nullptr);
}

// "<alg>=<hex>" checked against the HMAC of the body with `key`; `allowed` lists the algorithms
// the service may use. AWX splits on "=" and needs exactly two parts.
bool HmacHeaderOk(std::optional<std::string_view> header, std::string_view key,
                  std::string_view body, std::initializer_list<std::string_view> allowed) {
  if (!header || header->empty()) return false;
  size_t eq = header->find('=');
  if (eq == std::string_view::npos || header->find('=', eq + 1) != std::string_view::npos)
    return false;
  std::string_view alg = header->substr(0, eq);
  std::string_view given = header->substr(eq + 1);
  if (std::find(allowed.begin(), allowed.end(), alg) == allowed.end()) return false;
  std::string expected = HmacHex(alg == "sha1" ? EVP_sha1() : EVP_sha256(), key, body);
  return SecureEquals(expected, given);
}

// AWX get_event_ref: a dotted path into the payload, digits indexing lists; anything that does
// not resolve is null.
json::value PayloadAt(const json::value& payload, std::string_view path) {
  const json::value* cur = &payload;
  size_t pos = 0;
  while (true) {
    size_t dot = path.find('.', pos);
    std::string_view el =
        path.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    bool digits = !el.empty() &&
                  std::all_of(el.begin(), el.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      if (!cur->is_array()) return nullptr;
      size_t i = std::stoul(std::string(el));
      if (i >= cur->as_array().size()) return nullptr;
      cur = &cur->as_array()[i];
    } else {
      if (cur->is_null()) return nullptr;
      if (!cur->is_object()) return nullptr;
      auto* next = cur->as_object().if_contains(el);
      if (!next) return nullptr;
      cur = next;
    }
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return *cur;
}

using RefKeys = std::map<std::string, std::string, std::less<>>;

const RefKeys& RefKeysOf(WebhookService s) {
  static const RefKeys kGithub = {{"pull_request", "pull_request.head.sha"},
                                  {"pull_request_review", "pull_request.head.sha"},
                                  {"pull_request_review_comment", "pull_request.head.sha"},
                                  {"push", "after"},
                                  {"release", "release.tag_name"},
                                  {"commit_comment", "comment.commit_id"},
                                  {"create", "ref"},
                                  {"page_build", "build.commit"}};
  static const RefKeys kGitlab = {{"Push Hook", "checkout_sha"},
                                  {"Tag Push Hook", "checkout_sha"},
                                  {"Merge Request Hook", "object_attributes.last_commit.id"}};
  static const RefKeys kBitbucket = {{"repo:refs_changed", "changes.0.toHash"},
                                     {"mirror:repo_synchronized", "changes.0.toHash"},
                                     {"pr:opened", "pullRequest.toRef.latestCommit"},
                                     {"pr:from_ref_updated", "pullRequest.toRef.latestCommit"},
                                     {"pr:modified", "pullRequest.toRef.latestCommit"}};
  switch (s) {
    case WebhookService::kGithub:
      return kGithub;
    case WebhookService::kGitlab:
      return kGitlab;
    default:
      return kBitbucket;
  }
}

const char* EventTypeHeader(WebhookService s) {
  switch (s) {
    case WebhookService::kGithub:
      return "x-github-event";
    case WebhookService::kGitlab:
      return "x-gitlab-event";
    default:
      return "x-event-key";
  }
}

// Python's urlparse(url): scheme and netloc.
std::pair<std::string, std::string> SchemeAndNetloc(std::string_view url) {
  std::string scheme;
  size_t colon = url.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::all_of(url.begin(), url.begin() + colon,
                  [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
                           c == '.';
                  }) &&
      std::isalpha(static_cast<unsigned char>(url[0]))) {
    for (size_t i = 0; i < colon; ++i)
      scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(url[i])));
    url = url.substr(colon + 1);
  }
  std::string netloc;
  if (url.substr(0, 2) == "//") {
    url = url.substr(2);
    size_t end = url.find_first_of("/?#");
    netloc = std::string(url.substr(0, end));
  }
  return {scheme, netloc};
}

const json::value* Member(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.as_object().if_contains(key);
}

json::value GitlabStatusApi(const json::value& payload, const json::value& ref) {
  const json::value* project = Member(payload, "project");
  if (!project || !project->is_object()) return nullptr;
  const json::value* web_url = Member(*project, "web_url");
  if (!web_url || !web_url->is_string() || web_url->as_string().empty()) return nullptr;
  const json::value* id = Member(*project, "id");
  auto [scheme, netloc] = SchemeAndNetloc(web_url->as_string());
  return json::string(scheme + "://" + netloc + "/api/v4/projects/" +
                      PyStr(id ? *id : json::value(nullptr)) + "/statuses/" + PyStr(ref));
}

json::value BitbucketStatusApi(const json::value& payload, const json::value& ref) {
  if (ref.is_null()) return nullptr;
  const json::value* any = nullptr;
  for (const char* owner : {"actor", "repository"}) {
    const json::value* o = Member(payload, owner);
    if (!o) continue;
    const json::value* links = Member(*o, "links");
    any = links ? Member(*links, "self") : nullptr;
    if (any && !any->is_null()) break;
    any = nullptr;
  }
  if (!any || !any->is_array() || any->as_array().empty()) return nullptr;
  const json::value* href = Member(any->as_array()[0], "href");
  if (!href || !href->is_string()) return nullptr;
  auto [scheme, netloc] = SchemeAndNetloc(href->as_string());
  return json::string(scheme + "://" + netloc + "/rest/build-status/1.0/commits/" + PyStr(ref));
}

}  // namespace

std::optional<WebhookService> ParseWebhookService(std::string_view name) {
  if (name == "github") return WebhookService::kGithub;
  if (name == "gitlab") return WebhookService::kGitlab;
  if (name == "bitbucket_dc") return WebhookService::kBitbucketDc;
  return std::nullopt;
}

std::string_view WebhookServiceName(WebhookService s) {
  switch (s) {
    case WebhookService::kGithub:
      return "github";
    case WebhookService::kGitlab:
      return "gitlab";
    default:
      return "bitbucket_dc";
  }
}

bool WebhookSignatureOk(WebhookService s, const WebhookHeaders& headers, std::string_view raw_body,
                        std::string_view key) {
  if (key.empty()) return false;
  switch (s) {
    case WebhookService::kGithub:
      if (auto sig256 = Header(headers, "x-hub-signature-256"); sig256 && !sig256->empty())
        return HmacHeaderOk(sig256, key, raw_body, {"sha256"});
      return HmacHeaderOk(Header(headers, "x-hub-signature"), key, raw_body, {"sha1"});
    case WebhookService::kGitlab:
      return SecureEquals(key, Header(headers, "x-gitlab-token").value_or(""));
    default:
      if (Header(headers, "x-event-key").value_or("") == "diagnostics:ping") return true;
      return HmacHeaderOk(Header(headers, "x-hub-signature"), key, raw_body, {"sha1", "sha256"});
  }
}

bool WebhookIgnored(WebhookService s, const WebhookHeaders& headers) {
  if (s != WebhookService::kBitbucketDc) return false;
  auto type = Header(headers, "x-event-key");
  return !type || !RefKeysOf(s).count(*type);
}

WebhookEvent ParseWebhookEvent(WebhookService s, const WebhookHeaders& headers,
                               std::string_view raw_body, const json::value& payload) {
  WebhookEvent e;
  e.type = HeaderValue(headers, EventTypeHeader(s));
  switch (s) {
    case WebhookService::kGithub:
      e.guid = HeaderValue(headers, "x-github-delivery");
      break;
    case WebhookService::kGitlab:
      // GitLab sends no delivery id: AWX uses the sha1 of the body.
      e.guid = json::string(Sha1Hex(raw_body));
      break;
    default:
      e.guid = HeaderValue(headers, "x-request-id");
  }
  const RefKeys& keys = RefKeysOf(s);
  std::string type = e.type.is_string() ? std::string(e.type.as_string()) : std::string();
  auto key = keys.find(type);
  if (key != keys.end()) {
    e.ref = PayloadAt(payload, key->second);
    if (e.ref.is_string() && e.ref.as_string() == "0000000000000000000000000000000000000000")
      e.ref = nullptr;  // a deleted ref
  }
  switch (s) {
    case WebhookService::kGithub:
      if (type == "pull_request")
        if (const json::value* pr = Member(payload, "pull_request"))
          if (const json::value* url = Member(*pr, "statuses_url")) e.status_api = *url;
      break;
    case WebhookService::kGitlab:
      if (key != keys.end()) e.status_api = GitlabStatusApi(payload, e.ref);
      break;
    default:
      if (key != keys.end()) e.status_api = BitbucketStatusApi(payload, e.ref);
  }
  return e;
}

json::object WebhookExtraVars(const WebhookEvent& e, const json::value& payload) {
  json::object vars;
  for (const char* p : {"awx", "tower"}) {
    std::string prefix = std::string(p) + "_webhook_";
    vars[prefix + "event_type"] = e.type;
    vars[prefix + "event_guid"] = e.guid;
    vars[prefix + "event_ref"] = e.ref;
    vars[prefix + "status_api"] = e.status_api;
    vars[prefix + "payload"] = payload;
  }
  return vars;
}

std::optional<std::string> WebhookCommitState(WebhookService s, std::string_view st) {
  using Map = std::map<std::string, std::string, std::less<>>;
  static const Map kGithub = {{"pending", "pending"},
                              {"successful", "success"},
                              {"failed", "failure"},
                              {"canceled", "failure"},  // GitHub has no "canceled"
                              {"error", "error"}};
  static const Map kGitlab = {{"pending", "pending"},    {"running", "running"},
                              {"successful", "success"}, {"failed", "failed"},
                              {"error", "failed"},       {"canceled", "canceled"}};
  static const Map kBitbucket = {{"pending", "INPROGRESS"},    {"running", "INPROGRESS"},
                                 {"successful", "SUCCESSFUL"}, {"failed", "FAILED"},
                                 {"error", "FAILED"},          {"canceled", "FAILED"}};
  const Map& m = s == WebhookService::kGithub   ? kGithub
                 : s == WebhookService::kGitlab ? kGitlab
                                                : kBitbucket;
  auto it = m.find(st);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

WebhookStatusMessage BuildWebhookStatus(WebhookService s, std::string_view state,
                                        std::string_view token, std::string_view target_url,
                                        std::string_view context) {
  WebhookStatusMessage m;
  json::object body;
  body["state"] = state;
  switch (s) {
    case WebhookService::kGithub:
      m.auth_header = "Authorization";
      m.auth_value = "token " + std::string(token);
      break;
    case WebhookService::kGitlab:
      m.auth_header = "PRIVATE-TOKEN";
      m.auth_value = std::string(token);
      break;
    default:
      m.auth_header = "Authorization";
      m.auth_value = "Bearer " + std::string(token);
  }
  if (s == WebhookService::kBitbucketDc) {
    body["key"] = context;
    body["url"] = target_url;
  } else {
    body["context"] = context;
    body["target_url"] = target_url;
  }
  m.body = DumpPy(body);
  return m;
}

std::string PyStr(const json::value& v) {
  if (v.is_null()) return "None";
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_double()) {
    std::string out;
    AppendDouble(out, v.as_double());
    return out;
  }
  return DumpPy(v);
}

}  // namespace baton::domain
