// Per-request context handed to every API handler, and the request/reply values they use.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "http/message.hpp"
#include "service/session.hpp"

namespace baton::api {

class AuthThrottle;
struct PageData;

using Config = service::Config;
using service::Session;

// A Session (service/session.hpp) plus the HTTP request it serves. Built only by the App for
// each request; use cases take the Session.
struct Ctx : Session {
  const http::Request* http = nullptr;
  // Failed password checks of this App (api/auth_throttle.hpp); null in contexts without one.
  AuthThrottle* throttle = nullptr;
  // While a page (or one object) is serialized: what was loaded for all its objects at once
  // (api/model.hpp), which decorate hooks read instead of querying per object.
  const PageData* page = nullptr;
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
