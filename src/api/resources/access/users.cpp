// User (api-resources.md §3) and /api/v2/me/.
#include <regex>

#include "api/auth.hpp"
#include "api/list.hpp"
#include "api/resources/common.hpp"
#include "api/routes.hpp"
#include "core/crypto.hpp"

namespace baton::api {
namespace {

// Organizations the caller administers (admin_role).
bool AdminOfAnyOrg(Session& ctx, std::string_view field = "admin_role") {
  store::Params p;
  std::string sql = rbac::AccessibleIdsSql("organization", field, ctx.caller.id, p);
  return ctx.db.QueryInt("SELECT 1 FROM (" + sql + ") x LIMIT 1", p).has_value();
}

bool BoolOf(const Obj& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_bool() && v->get_bool();
}

Status CheckFlags(Session& ctx, const Obj* existing, const Obj& data) {
  for (const char* flag : {"is_superuser", "is_system_auditor"}) {
    auto* nv = data.if_contains(flag);
    if (!nv) continue;
    bool old = existing ? BoolOf(*existing, flag) : false;
    if (nv->is_bool() && nv->get_bool() != old && !ctx.caller.superuser)
      return Error::Forbidden(std::string("Cannot change ") + flag + ".");
  }
  return OkStatus();
}

void SyncSystemRoles(Session& ctx, int64_t id, const Obj& v) {
  for (auto [flag, role] : {std::pair{"is_superuser", "system_administrator"},
                            std::pair{"is_system_auditor", "system_auditor"}}) {
    int64_t rid = rbac::SingletonRole(ctx.db, role);
    if (BoolOf(v, flag))
      rbac::AddMember(ctx.db, rid, id);
    else
      rbac::RemoveMember(ctx.db, rid, id);
  }
}

// Objects of content type `ct` on which the user holds `field` directly.
SubListDef UserRolesSubList(std::string name, std::string ct, std::string field) {
  return ListOnly(
      std::move(name), ct == "team" ? "teams" : "organizations",
      "t.id IN (SELECT r.object_id FROM roles r JOIN role_members m ON m.role_id = r.id "
      "WHERE r.content_type = '" +
          ct + "' AND r.role_field = '" + field + "' AND m.user_id = ?)",
      "");
}

}  // namespace

void RegisterUsers() {
  ResourceDef d = NewResource("users", "user", "User", "Users");
  d.identity = "username";
  d.has_created_by = false;
  d.named_url_format = "username";
  d.default_order = {"username"};
  d.search_fields = {"username", "first_name", "last_name", "email"};
  FieldDef username = Str("username", 150, true);
  username.help_text = "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.";
  FieldDef password = Str("password", 128, false);
  password.has_default = false;
  password.help_text = "Field used to change the password.";
  FieldDef email = Str("email", 254);
  email.label = "Email address";
  FieldDef su = Bool("is_superuser");
  su.label = "Superuser status";
  su.help_text = "Designates that this user has all permissions without explicitly assigning them.";
  FieldDef auditor = Bool("is_system_auditor");
  d.fields = {IdField(),
              Dt("created"),
              Dt("modified"),
              username,
              Str("first_name", 150),
              Str("last_name", 150),
              email,
              su,
              auditor,
              password,
              Dt("last_login")};
  d.uniques = {{{"username"}, "username", "A user with that username already exists."}};
  d.relations = {
      {"organizations", "organizations",
       "{t}.id IN (SELECT m.user_id FROM role_members m JOIN roles r ON r.id = m.role_id WHERE "
       "r.content_type = 'organization' AND r.role_field = 'member_role' AND r.object_id IN "
       "({inner}))"},
      {"teams", "teams",
       "{t}.id IN (SELECT m.user_id FROM role_members m JOIN roles r ON r.id = m.role_id WHERE "
       "r.content_type = 'team' AND r.role_field = 'member_role' AND r.object_id IN ({inner}))"},
      {"roles", "roles",
       "{t}.id IN (SELECT m.user_id FROM role_members m WHERE m.role_id IN ({inner}))"},
  };
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    // ORG_ADMINS_CAN_SEE_ALL_USERS: org admins and auditors see every user.
    if (AdminOfAnyOrg(ctx, "admin_role") || AdminOfAnyOrg(ctx, "auditor_role")) return "";
    store::Params q;
    std::string orgs = rbac::AccessibleIdsSql("organization", "read_role", ctx.caller.id, q);
    p.emplace_back(ctx.caller.id);
    p.insert(p.end(), q.begin(), q.end());
    return "t.id = ? OR t.id IN (SELECT m.user_id FROM role_members m JOIN roles r ON r.id = "
           "m.role_id WHERE r.content_type = 'organization' AND r.role_field IN ('member_role', "
           "'admin_role') AND r.object_id IN (" +
           orgs + "))";
  };
  d.can_add = [](Session& ctx, const Obj& data) -> Status {
    BATON_TRY(CheckFlags(ctx, nullptr, data));
    if (ctx.caller.superuser || AdminOfAnyOrg(ctx)) return OkStatus();
    return Error::Forbidden();
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj& data) -> Status {
    BATON_TRY(CheckFlags(ctx, &o, data));
    int64_t id = IdOf(o);
    if (ctx.caller.superuser) return OkStatus();
    if (BoolOf(o, "is_superuser")) return Error::Forbidden();
    if (id == ctx.caller.id || AdminOverUser(ctx, id)) return OkStatus();
    return Error::Forbidden();
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    int64_t id = IdOf(o);
    if (id == ctx.caller.id) return Error::Forbidden("Cannot delete yourself.");
    if (ctx.caller.superuser) return OkStatus();
    if (BoolOf(o, "is_superuser")) return Error::Forbidden();
    return AdminOverUser(ctx, id) ? OkStatus() : Error::Forbidden();
  };
  d.validate = [](Session&, const WriteInput&, Obj& v, const Obj* existing) -> Status {
    FieldErrors errs;
    static const std::regex kUser(R"(^[\w.@+-]+$)");
    std::string u = GetString(v, "username");
    if (!u.empty() && !std::regex_match(u, kUser))
      errs.Add("username",
               "Enter a valid username. This value may contain only letters, numbers, and "
               "@/./+/-/_ characters.");
    std::string email = GetString(v, "email");
    static const std::regex kEmail(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
    if (!email.empty() && !std::regex_match(email, kEmail))
      errs.Add("email", "Enter a valid email address.");
    std::string pw = GetString(v, "password");
    if (!existing && (pw.empty() || pw == "$encrypted$"))
      errs.Add("password", "Password required for new User.");
    if (!errs.Empty()) return errs.ToError();
    return OkStatus();
  };
  d.prepare_write = [](Session&, Obj& v, const Obj* existing) {
    std::string pw = GetString(v, "password");
    if (existing && (pw.empty() || pw == "$encrypted$" || pw == GetString(*existing, "password"))) {
      v["password"] = GetString(*existing, "password");
      return;
    }
    v["password"] = HashPassword(pw, DefaultPasswordIterations());
  };
  d.after_create = [](Session& ctx, int64_t id, const Obj& v) -> Status {
    SyncSystemRoles(ctx, id, v);
    return OkStatus();
  };
  d.after_update = [](Session& ctx, const Obj& before, const Obj& after) -> Status {
    SyncSystemRoles(ctx, IdOf(after), after);
    if (GetString(before, "password") != GetString(after, "password"))
      ForgetVerifiedPasswords(IdOf(after));
    return OkStatus();
  };
  d.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool) {
    int64_t id = IdOf(o);
    for (const char* s : {"teams", "organizations", "admin_of_organizations", "roles",
                          "activity_stream", "access_list", "tokens", "personal_tokens"})
      AddRelated(out, s, Url("users", id, s));
    out["password"] = "$encrypted$";
    out["ldap_dn"] = "";
    out["last_login"] = o.contains("last_login") ? o.at("last_login") : json::value(nullptr);
    out["external_account"] = nullptr;
    out["auth"] = json::array{};
  };
  d.sublists.push_back(UserRolesSubList("organizations", "organization", "member_role"));
  d.sublists.push_back(UserRolesSubList("admin_of_organizations", "organization", "admin_role"));
  d.sublists.push_back(UserRolesSubList("teams", "team", "member_role"));
  d.sublists.push_back(ActivityStreamSubList("user"));
  d.sublists.push_back(ListOnly("access_list", "users", "t.id = ?", "Access List", true));
  {
    // Roles granted directly to the user; attach/detach grants and revokes.
    SubListDef s;
    s.name = "roles";
    s.child = "roles";
    s.filter = "t.id IN (SELECT role_id FROM role_members WHERE user_id = ?)";
    s.can_attach = true;
    s.deprecated = true;
    s.title = "User Roles";
    s.attach = [](Session& ctx, int64_t user, int64_t role) {
      return GrantRoleToUser(ctx, role, user);
    };
    s.detach = [](Session& ctx, int64_t user, int64_t role) {
      return RevokeRoleFromUser(ctx, role, user);
    };
    s.can_attach_fn = [](Session& ctx, int64_t, int64_t role, bool) {
      return CanGrantRole(ctx, role);
    };
    d.sublists.push_back(std::move(s));
  }
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
