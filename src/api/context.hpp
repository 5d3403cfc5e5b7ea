// Per-request context handed to every API handler, and the request/reply values they use.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "http/message.hpp"
#include "rbac/caller.hpp"
#include "store/db.hpp"

namespace baton::api {

class AuthThrottle;

struct Config {
  std::string product_version = "21.14.0";  // X-API-Product-Version
  std::string server_version = "21.14.0";   // /api/v2/ping/ and /config/
  std::string data_dir = "./data";
  std::string node_name = "baton";
  std::string install_uuid;
  size_t body_limit = 1 << 20;
  bool auth_throttle = true;  // failed password checks are throttled (api/auth_throttle.hpp)
  int session_timeout_seconds = 1800;
  std::string secret_key;     // 32-byte AES-256-GCM key for secrets at rest (core/secrets.hpp)
  std::string projects_root;  // DATA_DIR/projects when empty
  std::function<void()> wake_dispatcher;  // a job became pending or was asked to cancel
};

struct Ctx {
  store::Connection& db;
  rbac::Caller caller;
  const Config& cfg;
  Micros now = 0;
  const http::Request* http = nullptr;
  // Set by handlers whose answer depends on more than the stored data (e.g. the live elapsed
  // time of a running job): such answers are not cached.
  bool no_cache = false;
  // Set by handlers that made a job pending or asked one to cancel: the dispatcher is woken
  // once the request's transaction is committed.
  bool wake = false;
  // Failed password checks of this App (api/auth_throttle.hpp); null in contexts without one.
  AuthThrottle* throttle = nullptr;
  std::string now_iso() const { return FormatIso(now); }
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct ApiRequest {
  std::string method;
  std::string path;          // decoded path
  std::string raw_query;     // as received
  QueryParams query;         // decoded, in order
  std::vector<int64_t> ids;  // path parameters, resolved to primary keys (0 = unresolved)
  json::object body;         // parsed JSON body of writes ({} when empty)
  bool has_body = false;
  const http::Request* http = nullptr;

  // First query value for `key`, or nullptr.
  const std::string* Q(std::string_view key) const {
    for (auto& [k, v] : query)
      if (k == key) return &v;
    return nullptr;
  }
};

struct Reply {
  int status = 200;
  json::value body;      // serialized as JSON unless `raw` is set or status is 204
  bool no_body = false;  // 204 / empty 200 / 202 with empty body
  std::string raw;       // non-JSON body
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply Json(json::value v, int status = 200) {
    Reply r;
    r.status = status;
    r.body = std::move(v);
    return r;
  }
  static Reply Empty(int status) {
    Reply r;
    r.status = status;
    r.no_body = true;
    return r;
  }
  static Reply Created(json::value v, std::string location) {
    Reply r = Json(std::move(v), 201);
    r.headers.emplace_back("Location", std::move(location));
    return r;
  }
};

using HandlerFn = std::function<Result<Reply>(Ctx&, ApiRequest&)>;

}  // namespace baton::api
