// Discovery documents and session endpoints: /api/, /api/v2/, /api/o/, ping, config, me,
// /api/login/, /api/logout/ (contract §2, §3.3).
#include "api/auth.hpp"
#include "api/list.hpp"
#include "api/resources/common.hpp"
#include "api/routes.hpp"
#include "core/crypto.hpp"
#include "http/url.hpp"

namespace baton::api {

namespace {

std::string CsrfCookie(const http::Request* req, std::string* value) {
  std::string v = req ? req->Cookie("csrftoken") : "";
  if (v.empty()) v = RandomAlnum(32);
  *value = v;
  return "csrftoken=" + v + "; Path=/; SameSite=Lax; Max-Age=31449600";
}

std::string Html(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html><html><head><title>" + title + "</title></head><body>" + body +
         "</body></html>";
}

std::string LoginForm(const std::string& csrf, const std::string& next, const std::string& error) {
  return Html("Log in",
              "<form method=\"post\" action=\"/api/login/\">" +
                  (error.empty() ? "" : "<p class=\"error\">" + error + "</p>") +
                  "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"" + csrf +
                  "\"><input type=\"hidden\" name=\"next\" value=\"" + next +
                  "\"><input name=\"username\"><input type=\"password\" name=\"password\">"
                  "<button type=\"submit\">Log in</button></form>");
}

// A field of an application/x-www-form-urlencoded body ("" when absent).
std::string FormValue(const std::string& body, const std::string& key) {
  for (auto& [k, v] : http::ParseQuery(body))
    if (k == key) return v;
  return "";
}

// Only local paths may be redirect targets.
std::string SafeNext(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && next[1] == '/')) return "/api/";
  return next;
}

}  // namespace

void AddRootRoutes(Router& router) {
  {
    Route& r = router.Add("/api/");
    r.cacheable = false;
    r.anonymous = true;
    r.title = "REST API";
    r.handlers["GET"] = [](Ctx& ctx, ApiRequest&) -> Result<Reply> {
      std::string csrf;
      Reply rep = Reply::Json(json::object{{"description", "AWX REST API"},
                                           {"current_version", "/api/v2/"},
                                           {"available_versions", json::object{{"v2", "/api/v2/"}}},
                                           {"oauth2", "/api/o/"},
                                           {"custom_logo", ""},
                                           {"custom_login_info", ""},
                                           {"login_redirect_override", ""}});
      rep.headers.emplace_back("Set-Cookie", CsrfCookie(ctx.http, &csrf));
      return rep;
    };
  }
  {
    Route& r = router.Add("/api/v2/");
    r.anonymous = true;
    r.title = "Version 2";
    r.handlers["GET"] = [&router](Ctx&, ApiRequest&) -> Result<Reply> {
      json::object o;
      for (const char* k : {"ping", "config", "me"}) o[k] = std::string("/api/v2/") + k + "/";
      for (const auto& def : Registry::Get().All()) {
        if (!def.list_endpoint) continue;
        o[def.name == "inventories" ? "inventory" : def.name] = "/api/v2/" + def.name + "/";
      }
      return Reply::Json(std::move(o));
    };
  }
  {
    Route& r = router.Add("/api/o/");
    r.anonymous = true;
    r.title = "OAuth2";
    r.handlers["GET"] = [](Ctx&, ApiRequest&) -> Result<Reply> {
      return Reply::Json(json::object{{"authorize", "/api/o/authorize/"},
                                      {"token", "/api/o/token/"},
                                      {"revoke_token", "/api/o/revoke_token/"}});
    };
  }
  {
    Route& r = router.Add("/api/v2/ping/");
    r.cacheable = false;
    r.anonymous = true;
    r.title = "Ping";
    r.handlers["GET"] = [](Ctx& ctx, ApiRequest&) -> Result<Reply> {
      std::string now = ctx.now_iso();
      json::object inst{{"node", ctx.cfg.node_name},
                        {"node_type", "hybrid"},
                        {"uuid", ctx.cfg.install_uuid},
                        {"heartbeat", now},
                        {"capacity", 0},
                        {"version", ctx.cfg.server_version}};
      return Reply::Json(json::object{
          {"ha", false},
          {"version", ctx.cfg.server_version},
          {"active_node", ctx.cfg.node_name},
          {"install_uuid", ctx.cfg.install_uuid},
          {"instances", json::array{inst}},
          {"instance_groups", json::array{json::object{
                                  {"name", "default"},
                                  {"capacity", 0},
                                  {"instances", json::array{json::string(ctx.cfg.node_name)}}}}}});
    };
  }
  {
    Route& r = router.Add("/api/v2/config/");
    r.title = "Configuration";
    r.handlers["GET"] = [](Ctx& ctx, ApiRequest&) -> Result<Reply> {
      json::array become;
      for (auto [v, l] : {std::pair{"sudo", "Sudo"},
                          {"su", "Su"},
                          {"pbrun", "Pbrun"},
                          {"pfexec", "Pfexec"},
                          {"dzdo", "DZDO"},
                          {"pmrun", "Pmrun"},
                          {"runas", "Runas"},
                          {"enable", "Enable"},
                          {"doas", "Doas"},
                          {"ksu", "Ksu"},
                          {"machinectl", "Machinectl"},
                          {"sesu", "Sesu"}})
        become.push_back(json::array{v, l});
      json::object o{{"time_zone", "UTC"},
                     {"license_info", json::object{{"license_type", "open"},
                                                   {"valid_key", true},
                                                   {"subscription_name", "OPEN"},
                                                   {"product_name", "AWX"}}},
                     {"version", ctx.cfg.server_version},
                     {"eula", ""},
                     {"analytics_status", "off"},
                     {"analytics_collectors", json::object{}},
                     {"become_methods", std::move(become)},
                     {"ui_next", false}};
      if (ctx.caller.sees_all()) {
        o["project_base_dir"] = ctx.cfg.data_dir + "/projects";
        o["project_local_paths"] = json::array{};
        o["custom_virtualenvs"] = json::array{};
      }
      return Reply::Json(std::move(o));
    };
  }
  {
    Route& r = router.Add("/api/v2/me/");
    r.title = "Me";
    r.kind = RouteKind::kList;
    r.resource = &Registry::Get().Must("users");
    r.handlers["GET"] = [](Ctx& ctx, ApiRequest& req) {
      return ListObjects(ctx, req, Registry::Get().Must("users"), "t.id = ?", {ctx.caller.id});
    };
  }
  {
    Route& r = router.Add("/api/login/");
    r.cacheable = false;
    r.slow_post = true;  // the password check hashes
    r.anonymous = true;
    r.title = "Log in";
    r.handlers["GET"] = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      std::string_view accept = ctx.http ? ctx.http->Header("accept") : "";
      if (!accept.empty() && accept.find("html") == std::string_view::npos &&
          accept.find("*/*") == std::string_view::npos)
        return Error::Detail(ErrorCode::kNotAcceptable,
                             "Could not satisfy the request Accept header.");
      std::string csrf;
      Reply rep;
      rep.headers.emplace_back("Set-Cookie", CsrfCookie(ctx.http, &csrf));
      const std::string* next = req.Q("next");
      rep.raw = LoginForm(csrf, next ? *next : "/api/", "");
      rep.content_type = "text/html; charset=utf-8";
      return rep;
    };
    r.handlers["POST"] = [](Ctx& ctx, ApiRequest&) -> Result<Reply> {
      const http::Request& h = *ctx.http;
      std::string cookie = h.Cookie("csrftoken");
      std::string form_token = FormValue(h.body, "csrfmiddlewaretoken");
      std::string header(h.Header("x-csrftoken"));
      std::string presented = header.empty() ? form_token : header;
      if (cookie.empty() || presented.empty() || !SecureEquals(cookie, presented))
        return Error::Detail(ErrorCode::kForbidden,
                             "CSRF Failed: CSRF token missing or incorrect.");
      std::string username = FormValue(h.body, "username");
      std::string password = FormValue(h.body, "password");
      std::string next = SafeNext(FormValue(h.body, "next"));
      LoginCheck check;
      if (!username.empty())
        check = CheckLogin(ctx.db, username, password, h.remote, ctx.now, ctx.throttle);
      if (check.retry_after) {
        Reply rep;
        rep.status = 429;
        rep.raw = LoginForm(cookie, next, ThrottledDetail(check.retry_after));
        rep.content_type = "text/html; charset=utf-8";
        rep.headers.emplace_back("Retry-After", std::to_string(check.retry_after));
        return rep;
      }
      int64_t uid = check.user_id;
      if (!uid) {
        Reply rep;
        rep.status = 401;
        rep.raw = LoginForm(cookie, next, "Please enter a correct username and password.");
        rep.content_type = "text/html; charset=utf-8";
        return rep;
      }
      std::string key = CreateSession(ctx.db, uid, ctx.now, ctx.cfg.session_timeout_seconds);
      ctx.db.Exec("UPDATE users SET last_login = ? WHERE id = ?", {ctx.now_iso(), uid});
      Reply rep;
      rep.status = 302;
      rep.no_body = true;
      rep.raw = "";
      rep.content_type = "text/html; charset=utf-8";
      rep.headers.emplace_back("Location", next);
      rep.headers.emplace_back("Set-Cookie", "awx_sessionid=" + key +
                                                 "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                                                 std::to_string(ctx.cfg.session_timeout_seconds));
      rep.headers.emplace_back("Set-Cookie", "userLoggedIn=true; Path=/");
      rep.headers.emplace_back("X-API-Session-Cookie-Name", "awx_sessionid");
      return rep;
    };
  }
  {
    Route& r = router.Add("/api/logout/");
    r.cacheable = false;
    r.anonymous = true;
    r.title = "Log out";
    auto logout = [](Ctx& ctx, ApiRequest&) -> Result<Reply> {
      std::string key = ctx.http->Cookie("awx_sessionid");
      if (!key.empty()) DeleteSession(ctx.db, key);
      Reply rep;
      rep.status = 302;
      rep.no_body = true;
      rep.content_type = "text/html; charset=utf-8";
      rep.headers.emplace_back("Location", "/api/");
      rep.headers.emplace_back("Set-Cookie", "awx_sessionid=; Path=/; Max-Age=0");
      rep.headers.emplace_back("Set-Cookie", "userLoggedIn=false; Path=/");
      return rep;
    };
    r.handlers["GET"] = logout;
    r.handlers["POST"] = logout;
  }
}

}  // namespace baton::api
