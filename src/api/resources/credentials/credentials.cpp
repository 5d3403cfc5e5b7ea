// Credential (api-resources.md §7): owners (user, team or organization on create), inputs
// validated against the credential type and stored with secrets encrypted, roles, copy/, and the
// credentials/ sub-lists of users, teams and organizations.
#include "service/credentials.hpp"
#include "api/resources/common.hpp"
#include "api/routes.hpp"

namespace baton::api {
namespace {

constexpr const char* kCt = "credential";

Error DetailList(std::string msg) {
  return Error::Body(ErrorCode::kInvalid, json::object{{"detail", json::array{json::string(msg)}}});
}

// Exactly one of user, team, organization (AWX CredentialSerializerCreate.validate).
Status CheckOwners(const Obj& v) {
  std::vector<std::string> owners;
  for (const char* k : {"organization", "team", "user"})
    if (OptIdOf(v, k)) owners.emplace_back(k);
  if (owners.empty()) return DetailList("Missing 'user', 'team', or 'organization'.");
  if (owners.size() > 1) {
    std::string joined;
    for (size_t i = 0; i < owners.size(); ++i) joined += (i ? ", " : "") + owners[i];
    return DetailList(
        "Only one of 'user', 'team', or 'organization' should be provided, received " + joined +
        " fields.");
  }
  return OkStatus();
}

// May the caller change user `id` (themselves, or an admin of an organization the user is in)?
bool CanChangeUser(Session& ctx, int64_t id) {
  if (ctx.caller.superuser || id == ctx.caller.id) return true;
  if (ctx.db.QueryInt("SELECT is_superuser FROM users WHERE id = ?", {id}).value_or(0))
    return false;
  return AdminOverUser(ctx, id);
}

Status CanAdd(Session& ctx, const Obj& v) {
  BATON_TRY(CheckOwners(v));
  if (ctx.caller.superuser) return OkStatus();
  if (auto u = OptIdOf(v, "user"); u && !CanChangeUser(ctx, *u)) return Error::Forbidden();
  if (auto t = OptIdOf(v, "team"); t && !HasRole(ctx, "team", *t, "admin_role"))
    return Error::Forbidden();
  if (auto o = OptIdOf(v, "organization");
      o && !HasRole(ctx, "organization", *o, "credential_admin_role"))
    return Error::Forbidden();
  return OkStatus();
}

Status CanChange(Session& ctx, const Obj& o, const Obj& data) {
  BATON_TRY(RequireRole(ctx, kCt, IdOf(o), "admin_role"));
  if (GetBool(o, "managed"))
    return Error::Forbidden("Modifications not allowed for managed credentials");
  // Moving a credential between organizations needs credential admin on both.
  if (data.contains("organization") && !ctx.caller.superuser) {
    auto now = OptIdOf(o, "organization"), next = OptIdOf(data, "organization");
    if (now != next) {
      for (auto org : {now, next})
        if (org && !HasRole(ctx, "organization", *org, "credential_admin_role"))
          return Error::Forbidden();
    }
  }
  return OkStatus();
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  auto type = LoadCredType(ctx, IdOf(v, "credential_type"));
  if (!type) return Error::Field("credential_type", "This field is required.");
  if (!existing) {
    if (type->kind == "galaxy" && !OptIdOf(v, "organization"))
      return Error::Field("organization", "Galaxy credentials must be owned by an Organization.");
    if (auto team = OptIdOf(v, "team"))  // a team's credential belongs to the team's organization
      v["organization"] =
          ctx.db.QueryInt("SELECT organization_id FROM teams WHERE id = ?", {*team}).value_or(0);
    static const json::object kEmpty;
    auto* in = v.if_contains("inputs");
    BATON_ASSIGN(
        json::object stored,
        PrepareInputs(ctx, *type, in && in->is_object() ? in->as_object() : kEmpty, nullptr));
    v["inputs"] = std::move(stored);
    return OkStatus();
  }
  const json::object& before = existing->at("inputs").as_object();
  const json::value& now = v.at("inputs");
  bool type_changed = IdOf(v, "credential_type") != IdOf(*existing, "credential_type");
  if (now != existing->at("inputs") && now.is_object()) {
    BATON_ASSIGN(json::object stored, PrepareInputs(ctx, *type, now.as_object(), &before));
    v["inputs"] = std::move(stored);
  } else if (type_changed) {
    auto old_type = LoadCredType(ctx, IdOf(*existing, "credential_type"));
    if (!old_type) return Error::Detail(ErrorCode::kInternal, "The credential type is missing.");
    BATON_ASSIGN(json::object plain, PlainInputs(ctx, *old_type, before));
    BATON_ASSIGN(json::object stored, PrepareInputs(ctx, *type, plain, nullptr));
    v["inputs"] = std::move(stored);
  }
  return OkStatus();
}

Status AfterCreate(Session& ctx, int64_t id, const Obj& v) {
  rbac::CreateObjectRoles(ctx.db, kCt, id,
                          {{"organization", OptIdOf(v, "organization").value_or(0)}});
  auto admin = rbac::RoleId(ctx.db, kCt, id, "admin_role");
  auto use = rbac::RoleId(ctx.db, kCt, id, "use_role");
  if (!admin || !use) return Error::Detail(ErrorCode::kInternal, "Credential roles are missing.");
  if (auto user = OptIdOf(v, "user")) rbac::AddMember(ctx.db, *admin, *user);
  if (auto team = OptIdOf(v, "team")) {
    // AWX: the team's admins administer the credential, its members may use it.
    if (auto r = rbac::RoleId(ctx.db, "team", *team, "admin_role"))
      rbac::AddParent(ctx.db, *admin, *r);
    if (auto r = rbac::RoleId(ctx.db, "team", *team, "member_role"))
      rbac::AddParent(ctx.db, *use, *r);
  }
  return OkStatus();
}

// Owners: users holding admin_role directly, then the objects whose roles are its parents.
json::array Owners(Session& ctx, int64_t id, json::object& related) {
  json::array owners;
  std::string first_parent_type, first_parent_url, first_user_url;
  auto users = ctx.db.Query(
      "SELECT u.id, u.username, u.first_name, u.last_name FROM users u JOIN role_members m ON "
      "m.user_id = u.id JOIN roles r ON r.id = m.role_id WHERE r.content_type = 'credential' AND "
      "r.role_field = 'admin_role' AND r.object_id = ? ORDER BY u.id",
      {id});
  for (const auto& r : users.rows) {
    std::string url = Url("users", store::AsInt(r[0]));
    if (first_user_url.empty()) first_user_url = url;
    owners.push_back(
        json::object{{"id", store::AsInt(r[0])},
                     {"type", "user"},
                     {"name", store::AsString(r[1])},
                     {"description", store::AsString(r[2]) + " " + store::AsString(r[3])},
                     {"url", url}});
  }
  auto parents = ctx.db.Query(
      "SELECT p.content_type, p.object_id FROM role_parents rp JOIN roles p ON p.id = rp.parent_id "
      "JOIN roles c ON c.id = rp.role_id WHERE c.content_type = 'credential' AND c.role_field = "
      "'admin_role' AND c.object_id = ? AND p.object_id IS NOT NULL ORDER BY p.id",
      {id});
  for (const auto& r : parents.rows) {
    std::string ct = store::AsString(r[0]);
    int64_t oid = store::AsInt(r[1]);
    const ResourceDef* def = Registry::Get().ByType(ct);
    if (!def) continue;
    auto s = BasicSummary(ctx, def->name, oid);
    if (!s) continue;
    if (first_parent_type.empty()) {
      first_parent_type = ct;
      first_parent_url = def->Url(oid);
    }
    owners.push_back(json::object{
        {"id", oid},
        {"type", ct},
        {"name", s->at("name")},
        {"description", s->contains("description") ? s->at("description") : json::value("")},
        {"url", def->Url(oid)}});
  }
  if (!first_parent_type.empty())
    related[first_parent_type] = first_parent_url;
  else if (!first_user_url.empty())
    related["user"] = first_user_url;
  return owners;
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  auto& rel = RelatedOf(out);
  auto& sf = SummaryOf(out);
  if (auto org = OptIdOf(o, "organization")) {
    if (auto s = BasicSummary(ctx, "organizations", *org)) {
      rel["organization"] = Url("organizations", *org);
      sf["organization"] = std::move(*s);
    }
  }
  for (const char* s : {"activity_stream", "access_list", "object_roles", "owner_users",
                        "owner_teams", "copy", "input_sources"})
    rel[s] = Url("credentials", id, s);
  auto type = LoadCredType(ctx, IdOf(o, "credential_type"));
  if (type) {
    rel["credential_type"] = Url("credential_types", type->id);
    sf["credential_type"] =
        json::object{{"id", type->id}, {"name", type->name}, {"description", type->description}};
  }
  sf["owners"] = Owners(ctx, id, rel);
  auto* in = o.if_contains("inputs");
  out["inputs"] = in && in->is_object() ? DisplayInputs(in->as_object()) : json::object{};
  out["kind"] = type ? type->ns : json::value(nullptr);
  out["cloud"] = type && type->kind == "cloud";
  out["kubernetes"] = type && type->kind == "kubernetes";
}

json::object Capabilities(Session& ctx, const Obj& o) {
  bool write = !ctx.caller.read_only_token;
  bool admin = write && HasRole(ctx, kCt, IdOf(o), "admin_role");
  bool edit = admin && !GetBool(o, "managed");
  return json::object{{"edit", edit},
                      {"delete", edit},
                      {"copy", write && ctx.caller.superuser},
                      {"use", write && HasRole(ctx, kCt, IdOf(o), "use_role")}};
}

// copy/: the source's fields with its secrets (decrypted here, encrypted anew by the create).
// A personal credential has no organization to own the copy: a superuser's copy is their own,
// anyone else is checked against the source's first owner (and refused unless they may act
// for that user).
json::object CopyBody(Session& ctx, const Obj& src) {
  json::object body{{"name", GetString(src, "name")},
                    {"description", GetString(src, "description")},
                    {"credential_type", IdOf(src, "credential_type")}};
  if (auto org = OptIdOf(src, "organization")) {
    body["organization"] = *org;
  } else if (ctx.caller.superuser) {
    body["user"] = ctx.caller.id;
  } else if (auto owner = ctx.db.QueryInt(
                 "SELECT m.user_id FROM role_members m JOIN roles r ON r.id = m.role_id WHERE "
                 "r.content_type = 'credential' AND r.role_field = 'admin_role' AND r.object_id = "
                 "? "
                 "ORDER BY m.user_id LIMIT 1",
                 {IdOf(src)})) {
    body["user"] = *owner;
  }
  const json::object& stored = src.at("inputs").as_object();
  auto type = LoadCredType(ctx, IdOf(src, "credential_type"));
  auto plain = type ? PlainInputs(ctx, *type, stored) : Result<json::object>(DisplayInputs(stored));
  body["inputs"] = plain.ok() ? std::move(plain.value()) : DisplayInputs(stored);
  return body;
}

Status AfterCopy(Session& ctx, const Obj&, int64_t copy) {
  // As in AWX, whoever copies becomes an owner of the copy.
  if (auto admin = rbac::RoleId(ctx.db, kCt, copy, "admin_role");
      admin && ctx.caller.authenticated())
    rbac::AddMember(ctx.db, *admin, ctx.caller.id);
  return OkStatus();
}

// Adds a credentials/ sub-list (and its related link) to another resource's declaration.
void ExtendParent(const std::string& parent, SubListDef s) {
  auto* def = const_cast<ResourceDef*>(Registry::Get().Find(parent));
  if (!def) return;
  def->sublists.push_back(std::move(s));
  auto prev = def->decorate;
  std::string res = parent;
  def->decorate = [prev, res](Ctx& ctx, const Obj& o, json::object& out, bool detail) {
    if (prev) prev(ctx, o, out, detail);
    RelatedOf(out)["credentials"] = Url(res, IdOf(o), "credentials");
  };
}

SubListDef CredentialsOf(std::string filter, std::string inject) {
  SubListDef s = ListOnly("credentials", "credentials", std::move(filter), "Credentials");
  s.can_create = true;
  s.inject_field = std::move(inject);
  return s;
}

}  // namespace

void RegisterCredentials() {
  ResourceDef d = NewResource("credentials", kCt, "Credential", "Credentials");
  d.content_type = kCt;
  d.named_url_format = "name++credential_type.name+credential_type.kind++organization.name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description"};
  d.fields = NamedFields();
  FieldDef org = Fk("organization", "organizations");
  org.help_text =
      "Inherit permissions from organization roles. If provided on creation, do not give either "
      "user or team.";
  FieldDef type = Fk("credential_type", "credential_types", true);
  type.label = "Credential Type";
  type.help_text =
      "Specify the type of credential you want to create. Refer to the documentation for details "
      "on each type.";
  FieldDef inputs = F("inputs", FieldType::kJson);
  // write_only keeps the stored form (encrypted secrets) out of the generic serializer and the
  // activity stream ("hidden"); Decorate shows the inputs with secrets as "$encrypted$".
  inputs.write_only = true;
  inputs.filterable = false;
  inputs.def = json::object{};
  inputs.has_default = true;
  inputs.label = "Inputs";
  inputs.help_text =
      "Enter inputs using either JSON or YAML syntax. Refer to the documentation for example "
      "syntax.";
  auto owner = [](const char* name, const char* target, const char* help) {
    FieldDef f = Fk(name, target);
    f.column = "";
    f.write_only = true;
    f.create_only = true;
    f.filterable = false;
    f.help_text = help;
    return f;
  };
  d.fields.push_back(org);
  d.fields.push_back(type);
  d.fields.push_back(RO(Bool("managed")));
  d.fields.push_back(inputs);
  d.fields.push_back(owner("user", "users",
                           "Write-only field used to add user to owner role. If provided, do not "
                           "give either team or organization. Only valid for creation."));
  d.fields.push_back(owner("team", "teams",
                           "Write-only field used to add team to owner role. If provided, do not "
                           "give either user or organization. Only valid for creation."));
  d.uniques = {{{"organization", "name", "credential_type"},
                "__all__",
                "Credential with this Organization, Name and Credential type already exists."}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, kCt, "read_role", p);
  };
  d.can_add = CanAdd;
  d.can_change = CanChange;
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    BATON_TRY(RequireRole(ctx, kCt, IdOf(o), "admin_role"));
    if (GetBool(o, "managed"))
      return Error::Forbidden("Deletion not allowed for managed credentials");
    return OkStatus();
  };
  d.capabilities = Capabilities;
  d.validate = Validate;
  d.after_create = AfterCreate;
  d.after_update = [](Session& ctx, const Obj& before, const Obj& after) -> Status {
    if (OptIdOf(before, "organization") != OptIdOf(after, "organization"))
      rbac::UpdateObjectRoleParents(ctx.db, kCt, IdOf(after),
                                    {{"organization", OptIdOf(after, "organization").value_or(0)}});
    return OkStatus();
  };
  d.decorate = Decorate;
  d.copy_body = CopyBody;
  d.after_copy = AfterCopy;

  d.sublists.push_back(ListOnly("owner_users", "users", RoleMembersSql(kCt, "admin_role"),
                                "Credential Owner Users List"));
  d.sublists.push_back(ListOnly(
      "owner_teams", "teams",
      "t.id IN (SELECT p.object_id FROM role_parents rp JOIN roles p ON p.id = rp.parent_id JOIN "
      "roles c ON c.id = rp.role_id WHERE p.content_type = 'team' AND c.content_type = "
      "'credential' AND c.role_field = 'admin_role' AND c.object_id = ?)",
      "Credential Owner Teams List"));
  {
    SubListDef s = ListOnly("input_sources", "credential_input_sources",
                            "t.target_credential_id = ?", "Credential Input Source List");
    s.can_create = true;
    s.inject_field = "target_credential";
    d.sublists.push_back(std::move(s));
  }
  d.sublists.push_back(ActivityStreamSubList(kCt));
  d.sublists.push_back(ObjectRolesSubList(kCt));
  d.sublists.push_back(AccessListSubList(kCt));
  d.actions.push_back(CopyAction("credentials"));
  Registry::Get().Add(std::move(d));

  // Credentials a user can read; those a team may use or administer (AWX TeamCredentialsList);
  // those of an organization.
  ExtendParent("users",
               CredentialsOf("t.id IN (SELECT r.object_id FROM roles r JOIN role_ancestors ra ON "
                             "ra.role_id = r.id JOIN role_members m ON m.role_id = ra.ancestor_id "
                             "WHERE r.content_type = 'credential' AND r.role_field = 'read_role' "
                             "AND m.user_id = ?)",
                             "user"));
  ExtendParent("teams",
               CredentialsOf("t.id IN (SELECT c.object_id FROM roles c JOIN role_parents rp ON "
                             "rp.role_id = c.id JOIN roles tm ON tm.id = rp.parent_id WHERE "
                             "c.content_type = 'credential' AND c.role_field IN ('use_role', "
                             "'admin_role') AND tm.content_type = 'team' AND tm.role_field = "
                             "'member_role' AND tm.object_id = ?)",
                             "team"));
  ExtendParent("organizations", CredentialsOf("t.organization_id = ?", "organization"));
  // An organization's credentials go with it (with their roles and an activity entry each).
  if (auto* org_def = const_cast<ResourceDef*>(Registry::Get().Find("organizations"))) {
    auto prev = org_def->before_delete;
    org_def->before_delete = [prev](Session& ctx, const Obj& o) -> Status {
      const ResourceDef& creds = Registry::Get().Must("credentials");
      for (const auto& c : LoadWhere(ctx, creds, "t.organization_id = ?", {IdOf(o)}))
        BATON_TRY(RemoveObject(ctx, creds, c));
      return prev ? prev(ctx, o) : OkStatus();
    };
  }
}

}  // namespace baton::api
