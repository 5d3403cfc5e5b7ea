#include "api/app.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "api/auth.hpp"
#include "api/error_status.hpp"
#include "api/options.hpp"
#include "api/registry.hpp"
#include "api/routes.hpp"
#include "core/crashpoint.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "http/url.hpp"

namespace baton::api {

// Answers to authenticated GETs, reused while the database generation is unchanged (any write
// through this Database bumps it). One cache per I/O thread: no locking on the hot path.
struct CachedAnswer {
  uint64_t generation;
  int status;
  std::shared_ptr<const std::string> body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
};
// Authorization header -> caller, valid while the generation is unchanged.
struct CachedCaller {
  uint64_t generation;
  AuthOutcome auth;
};

struct App::Impl {
  store::Database& db;
  Config cfg;
  const Clock& clock;
  Router router;
  boost::asio::thread_pool pool{2};
  AuthThrottle throttle;
  // Requests waiting for the pool (password checks), best first: (the client address's
  // throttle pressure, arrival), so that an address failing many checks waits behind the rest.
  std::mutex slow_mu;
  std::map<std::pair<int, uint64_t>, std::function<void()>> slow_queue;
  uint64_t slow_seq = 0;

  void RunSlow(int priority, std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(slow_mu);
      slow_queue.emplace(std::make_pair(priority, slow_seq++), std::move(fn));
    }
    boost::asio::post(pool, [this] {
      std::function<void()> next;
      {
        std::lock_guard<std::mutex> lock(slow_mu);
        auto it = slow_queue.begin();
        next = std::move(it->second);
        slow_queue.erase(it);
      }
      next();
    });
  }

  Impl(store::Database& d, Config c, const Clock& k) : db(d), cfg(std::move(c)), clock(k) {}
  uint64_t instance = NextInstance();
  http::Response Process(const http::Request& req, bool allow_slow, bool* needs_slow);
  static uint64_t NextInstance() {
    static std::atomic<uint64_t> n{1};
    return n++;
  }
  std::unordered_map<std::string, CachedAnswer>& Answers() {
    thread_local std::unordered_map<uint64_t, std::unordered_map<std::string, CachedAnswer>> m;
    return m[instance];
  }
  std::unordered_map<std::string, CachedCaller>& Callers() {
    thread_local std::unordered_map<uint64_t, std::unordered_map<std::string, CachedCaller>> m;
    return m[instance];
  }
};

namespace {

bool IsSafe(const std::string& m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS";
}

http::Response JsonResponse(int status, const json::value& body) {
  http::Response r;
  r.status = status;
  r.body = Dump(body);
  return r;
}

http::Response ErrorResponse(const Error& e) {
  return JsonResponse(HttpStatus(e.code), e.body);
}

const char* kUnauth =
    "Authentication credentials were not provided. To establish a login session, visit "
    "/api/login/.";

}  // namespace

App::App(store::Database& db, Config cfg, const Clock& clock)
    : impl_(std::make_unique<Impl>(db, std::move(cfg), clock)) {
  BuildRoutes(impl_->router);
}

App::~App() {
  impl_->pool.join();
}

const Router& App::router() const {
  return impl_->router;
}
const Config& App::config() const {
  return impl_->cfg;
}

void App::Handle(http::Request&& req, http::Done done) {
  bool needs_slow = false;
  auto start = std::chrono::steady_clock::now();
  http::Response r = impl_->Process(req, false, &needs_slow);
  if (r.status == 201 && req.path.size() > 8 &&
      req.path.compare(req.path.size() - 8, 8, "/launch/") == 0)
    Crashpoint("launch.201");
  if (!needs_slow) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    r.Set("X-API-Total-Time", buf);
    done(std::move(r));
    return;
  }
  auto shared = std::make_shared<http::Request>(std::move(req));
  int priority = impl_->throttle.Pressure(shared->remote, impl_->clock.Now());
  impl_->RunSlow(priority, [this, shared, done = std::move(done), start]() {
    bool unused = false;
    http::Response r = impl_->Process(*shared, true, &unused);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    r.Set("X-API-Total-Time", buf);
    done(std::move(r));
  });
}

http::Response App::HandleSync(const http::Request& req) {
  bool needs_slow = false;
  http::Response r = impl_->Process(req, false, &needs_slow);
  if (!needs_slow) return r;
  return impl_->Process(req, true, &needs_slow);
}

http::Response App::Impl::Process(const http::Request& hreq, bool allow_slow, bool* needs_slow) {
  auto t0 = std::chrono::steady_clock::now();
  http::Response resp;
  const Route* route = nullptr;
  std::string path = http::PercentDecode(hreq.path);
  auto finish = [&](http::Response r) {
    r.Set("X-API-Product-Name", "AWX");
    r.Set("X-API-Product-Version", cfg.product_version);
    r.Set("X-API-Node", cfg.node_name);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    r.Set("X-API-Time", buf);
    if (route) {
      r.Set("Allow", route->Allow());
      if (route->deprecated)
        r.Set("Warning",
              "299 awx \"This resource has been deprecated and will be removed in a future "
              "release.\"");
    }
    return r;
  };
  try {
    // Trailing slash rule (contract §1.2).
    if (path.empty() || path.back() != '/') {
      if (hreq.method == "GET" || hreq.method == "HEAD" || hreq.method == "OPTIONS") {
        std::vector<std::string> ps;
        if (router.Match(path + "/", ps)) {
          http::Response r;
          r.status = 301;
          r.Set("Location", hreq.path + "/" + (hreq.query.empty() ? "" : "?" + hreq.query));
          r.body = "";
          r.content_type = "text/html; charset=utf-8";
          return finish(std::move(r));
        }
      } else {
        path += "/";
      }
    }
    std::vector<std::string> raw_params;
    route = router.Match(path, raw_params);
    if (!route)
      return finish(JsonResponse(
          404, json::object{{"detail", "The requested resource could not be found."}}));

    store::Connection& conn = db.Local();
    Micros now = clock.Now();
    uint64_t generation = db.Generation();
    std::string_view authz = hreq.Header("authorization");
    AuthOutcome auth;
    auto& callers = Callers();
    // Keyed on a digest of the header: no credential is kept in the cache itself.
    std::string authz_key = authz.empty() ? std::string() : Sha256Hex(authz);
    auto cached_caller = authz.empty() ? callers.end() : callers.find(authz_key);
    if (cached_caller != callers.end() && cached_caller->second.generation == generation) {
      auth = cached_caller->second.auth;
    } else {
      auth = Authenticate(conn, hreq, now, allow_slow, cfg.auth_throttle ? &throttle : nullptr);
      if (auth.needs_slow) {
        *needs_slow = true;
        return {};
      }
      if (!authz.empty() && auth.caller.authenticated()) {
        if (callers.size() > 4096) callers.clear();
        callers[authz_key] = CachedCaller{generation, auth};
      }
    }
    if (route->slow_post && hreq.method == "POST" && !allow_slow) {
      *needs_slow = true;
      return {};
    }
    Ctx ctx{{conn, auth.caller, cfg, now}, &hreq};
    ctx.throttle = cfg.auth_throttle ? &throttle : nullptr;
    auto unauthorized = [&](const char* detail) {
      http::Response r = JsonResponse(401, json::object{{"detail", detail}});
      r.Set("WWW-Authenticate", "Bearer realm=api authorization_url=/api/o/authorize/");
      return finish(std::move(r));
    };
    if (auth.retry_after && !route->anonymous) {
      http::Response r =
          JsonResponse(429, json::object{{"detail", ThrottledDetail(auth.retry_after)}});
      r.Set("Retry-After", std::to_string(auth.retry_after));
      return finish(std::move(r));
    }
    if (auth.bad_basic && !route->anonymous)
      return unauthorized(
          "Invalid username/password. To establish a login session, visit /api/login/.");
    if (!route->anonymous && !ctx.caller.authenticated()) return unauthorized(kUnauth);
    const std::string& method = hreq.method;
    if (auth.method == AuthMethod::kSession && !IsSafe(method)) {
      std::string cookie = hreq.Cookie("csrftoken");
      std::string_view header = hreq.Header("x-csrftoken");
      if (cookie.empty() || header.empty() || !SecureEquals(cookie, header))
        return finish(JsonResponse(
            403, json::object{{"detail", "CSRF Failed: CSRF token missing or incorrect."}}));
    }
    if (auth.method == AuthMethod::kSession) {
      conn.Exec("UPDATE sessions SET expires = ? WHERE key_hash = ?",
                {FormatIso(now + int64_t{cfg.session_timeout_seconds} * 1000000),
                 Sha256Hex(hreq.Cookie("awx_sessionid"))});
    }

    ApiRequest req;
    req.method = method == "HEAD" ? "GET" : method;
    req.path = path;
    req.raw_query = hreq.query;
    req.query = http::ParseQuery(hreq.query);
    req.http = &hreq;
    // Resolve path parameters ({resource} segments) to ids.
    size_t pi = 0;
    for (const auto& seg : route->segs) {
      if (seg.empty() || seg.front() != '{') continue;
      std::string res = seg.substr(1, seg.size() - 2);
      const ResourceDef* def = Registry::Get().Find(res);
      req.ids.push_back(def ? ResolveParam(ctx, *def, raw_params[pi]) : 0);
      ++pi;
    }

    if (method == "OPTIONS") {
      auto r = RouteOptions(ctx, *route, req);
      if (!r.ok()) return finish(ErrorResponse(r.error()));
      return finish(JsonResponse(200, r.value()));
    }
    auto it = route->handlers.find(req.method);
    if (it == route->handlers.end()) return finish(ErrorResponse(Error::MethodNotAllowed(method)));
    bool cacheable = req.method == "GET" && route->cacheable &&
                     auth.method != AuthMethod::kSession && ctx.caller.authenticated();
    // "Cache-Control: no-cache" asks for a freshly computed answer (it is still stored).
    bool may_reuse = hreq.Header("cache-control").find("no-cache") == std::string_view::npos;
    std::string cache_key;
    if (cacheable) {
      cache_key =
          std::to_string(ctx.caller.id) + (ctx.caller.read_only_token ? "r " : "w ") + hreq.target;
      auto& answers = Answers();
      auto hit = answers.find(cache_key);
      if (may_reuse && hit != answers.end() && hit->second.generation == generation) {
        http::Response r;
        r.status = hit->second.status;
        r.shared_body = hit->second.body;
        r.content_type = hit->second.content_type;
        r.headers = hit->second.headers;
        return finish(std::move(r));
      }
    }
    if (!IsSafe(method) && ctx.caller.read_only_token)
      return finish(ErrorResponse(Error::Forbidden()));

    if (method == "POST" || method == "PUT" || method == "PATCH") {
      std::string_view ct = hreq.Header("content-type");
      bool form_route = route->pattern == "/api/login/" || route->pattern == "/api/o/token/";
      std::string_view body = hreq.body;
      size_t first = body.find_first_not_of(" \t\r\n");
      if (first != std::string_view::npos && !form_route) {
        if (!ct.empty() && ct.find("application/json") == std::string_view::npos)
          return finish(JsonResponse(
              415,
              json::object{{"detail",
                            "You did not use correct Content-Type in your HTTP request. If you are "
                            "using our REST API, the Content-Type must be application/json"}}));
        std::string err;
        auto v = ParseJson(body, &err);
        if (!v)
          return finish(
              JsonResponse(400, json::object{{"detail", "JSON parse error - " + err +
                                                            "\nPossible cause: trailing comma."}}));
        if (!v->is_object())
          return finish(
              JsonResponse(400, json::object{{"detail", "JSON parse error - not a JSON object"}}));
        req.body = std::move(v->as_object());
        req.has_body = true;
      }
    }

    std::optional<Result<Reply>> maybe;
    if (req.method == "GET") {
      // One snapshot (and one lock acquisition) for all the reads of a request.
      conn.BeginRead();
      try {
        maybe.emplace(it->second(ctx, req));
      } catch (...) {
        conn.Rollback();
        throw;
      }
      conn.Commit();
    } else {
      maybe.emplace(it->second(ctx, req));
    }
    Result<Reply>& result = *maybe;
    if (ctx.wake && cfg.wake_dispatcher) cfg.wake_dispatcher();
    if (!result.ok()) return finish(ErrorResponse(result.error()));
    Reply& rep = result.value();
    http::Response r;
    r.status = rep.status;
    if (!rep.raw.empty() || !rep.content_type.empty()) {
      r.body = std::move(rep.raw);
      if (!rep.content_type.empty()) r.content_type = rep.content_type;
    } else if (!rep.no_body && rep.status != 204) {
      r.body = Dump(rep.body);
    }
    for (auto& h : rep.headers) r.headers.push_back(std::move(h));
    if (auth.method == AuthMethod::kSession)
      r.Set("Session-Timeout", std::to_string(cfg.session_timeout_seconds));
    if (cacheable && r.status == 200 && !ctx.no_cache) {
      auto& answers = Answers();
      if (answers.size() > 2048) answers.clear();
      auto body = std::make_shared<const std::string>(std::move(r.body));
      answers[cache_key] = CachedAnswer{generation, r.status, body, r.content_type, r.headers};
      r.body.clear();
      r.shared_body = std::move(body);
    }
    return finish(std::move(r));
  } catch (const store::DbError& e) {
    if (e.constraint) {
      spdlog::warn("constraint violation on {} {}: {}", hreq.method, hreq.path, e.what());
      return finish(
          JsonResponse(400, json::object{{"detail", "The request conflicts with existing data."}}));
    }
    spdlog::error("database error on {} {}: {}", hreq.method, hreq.path, e.what());
    return finish(JsonResponse(500, json::object{{"detail", "A server error has occurred."}}));
  } catch (const std::exception& e) {
    spdlog::error("unhandled error on {} {}: {}", hreq.method, hreq.path, e.what());
    return finish(JsonResponse(500, json::object{{"detail", "A server error has occurred."}}));
  }
}

}  // namespace baton::api
