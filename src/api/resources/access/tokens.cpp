// OAuth2 access tokens (contract §3.4): personal access tokens for Bearer authentication.
// Stored hashed; the raw value appears only in the creating response.
#include "api/auth.hpp"
#include "api/resources/common.hpp"
#include "api/routes.hpp"
#include "service/activity.hpp"

namespace baton::api {
namespace {

Result<std::string> ValidScope(const json::object& body) {
  std::string scope = "write";
  if (auto* s = body.if_contains("scope")) {
    if (!s->is_string()) return Error::Field("scope", "Not a valid string.");
    scope = std::string(s->get_string());
  }
  std::vector<std::string> parts;
  size_t pos = 0;
  bool ok = true;
  while (pos <= scope.size()) {
    size_t n = scope.find(' ', pos);
    std::string p = scope.substr(pos, n == std::string::npos ? std::string::npos : n - pos);
    if (p != "read" && p != "write") ok = false;
    for (auto& q : parts)
      if (q == p) ok = false;
    parts.push_back(p);
    if (n == std::string::npos) break;
    pos = n + 1;
  }
  if (!ok || scope.empty())
    return Error::Field(
        "scope", "Must be a simple space-separated string with allowed scopes ['read', 'write'].");
  return scope;
}

// POST creating a token for `user`.
Result<Reply> CreateFor(Ctx& ctx, ApiRequest& req, int64_t user) {
  BATON_TRY(CheckWriteScope(ctx));
  if (user != ctx.caller.id && !ctx.caller.superuser) return Error::Forbidden();
  if (auto* app = req.body.if_contains("application"); app && !app->is_null()) {
    std::string v = app->is_int64() ? std::to_string(app->get_int64()) : Dump(*app);
    return Error::Field("application", "Invalid pk \"" + v + "\" - object does not exist.");
  }
  BATON_ASSIGN(std::string scope, ValidScope(req.body));
  std::string desc;
  if (auto* d = req.body.if_contains("description"); d && d->is_string())
    desc = std::string(d->get_string());
  const ResourceDef& def = Registry::Get().Must("tokens");
  store::Tx tx(ctx.db);
  auto [id, raw] = CreateToken(ctx.db, user, desc, scope, ctx.now);
  RecordActivity(ctx, "create", {def.type, id, ""},
                 json::object{{"description", desc}, {"scope", scope}});
  tx.Commit();
  auto obj = Load(ctx, def, id);
  json::object out = SerializeDetail(ctx, def, *obj);
  out["token"] = raw;
  out["refresh_token"] = nullptr;
  return Reply::Created(std::move(out), def.Url(id));
}

SubListDef UserTokens(std::string name) {
  SubListDef s;
  s.name = std::move(name);
  s.child = "tokens";
  s.filter = "t.user_id = ?";
  s.title = "Tokens";
  return s;
}

}  // namespace

void RegisterTokens() {
  ResourceDef d;
  d.name = "tokens";
  d.type = "o_auth2_access_token";
  d.model = "OAuth2AccessToken";
  d.verbose = "access token";
  d.title = "Access Tokens";
  d.table = "tokens";
  d.identity = "description";
  d.has_created_by = false;
  d.creatable = false;  // POST is the custom handler below
  d.default_order = {"id"};
  d.search_fields = {"description"};
  FieldDef user = RO(Fk("user", "users"));
  FieldDef app = RO(Fk("application", "applications"));
  FieldDef scope = Str("scope", 32);
  scope.def = "write";
  scope.help_text =
      "Allowed scopes, further restricts user's permissions. Must be a simple space-separated "
      "string with allowed scopes ['read', 'write'].";
  d.fields = {IdField(), Dt("created"), Dt("modified"), Text("description"),
              user,      app,           Dt("expires"),  scope};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.superuser) return "";
    p.emplace_back(ctx.caller.id);
    return "t.user_id = ?";
  };
  auto owner_or_admin = [](Session& ctx, const Obj& o) -> Status {
    if (ctx.caller.superuser || IdOf(o, "user") == ctx.caller.id) return OkStatus();
    return Error::Forbidden();
  };
  d.can_change = [owner_or_admin](Session& ctx, const Obj& o, const Obj&) {
    return owner_or_admin(ctx, o);
  };
  d.can_delete = owner_or_admin;
  d.validate = [](Session&, const WriteInput&, Obj& v, const Obj*) -> Status {
    json::object body;
    body["scope"] = v["scope"];
    BATON_ASSIGN(std::string s, ValidScope(body));
    v["scope"] = s;
    return OkStatus();
  };
  d.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool) {
    int64_t user = IdOf(o, "user");
    AddRelated(out, "user", Url("users", user));
    AddRelated(out, "activity_stream", Url("tokens", IdOf(o), "activity_stream"));
    if (auto s = UserSummary(ctx, user)) SummaryOf(out)["user"] = std::move(*s);
    out["token"] = "************";
    out["refresh_token"] = nullptr;
  };
  d.sublists.push_back(ActivityStreamSubList("o_auth2_access_token"));
  Registry::Get().Add(std::move(d));

  // Token sub-lists of users.
  auto& users = const_cast<ResourceDef&>(Registry::Get().Must("users"));
  users.sublists.push_back(UserTokens("tokens"));
  users.sublists.push_back(UserTokens("personal_tokens"));
  users.sublists.push_back(UserTokens("authorized_tokens"));
}

// Custom POST handlers (registered after the generic routes).
void AddTokenRoutes(Router& router) {
  router.Add("/api/v2/tokens/").handlers["POST"] = [](Ctx& ctx, ApiRequest& req) {
    return CreateFor(ctx, req, ctx.caller.id);
  };
  for (const char* sub : {"tokens", "personal_tokens"}) {
    router.Add(std::string("/api/v2/users/{users}/") + sub + "/").handlers["POST"] =
        [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      if (req.ids[0] == 0 || !Load(ctx, Registry::Get().Must("users"), req.ids[0]))
        return Error::NotFound();
      return CreateFor(ctx, req, req.ids[0]);
    };
  }
  router.Add("/api/v2/users/{users}/authorized_tokens/").handlers["POST"] =
      [](Ctx&, ApiRequest&) -> Result<Reply> {
    return Error::Field("application", "This field is required.");
  };
}

}  // namespace baton::api
