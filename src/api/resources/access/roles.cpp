// Role (api-resources.md §5): /api/v2/roles/, users/ and teams/ grants.
#include "api/resources/common.hpp"
#include "api/routes.hpp"

namespace baton::api {

namespace {

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  std::string ct = GetString(o, "content_type");
  std::string field = GetString(o, "role_field");
  AddRelated(out, "users", Url("roles", id, "users"));
  AddRelated(out, "teams", Url("roles", id, "teams"));
  out["name"] = rbac::RoleName(field);
  out["description"] = rbac::RoleDescription(field, ct);
  if (!ct.empty()) {
    auto obj = OptIdOf(o, "object_id");
    const ResourceDef* def = Registry::Get().ByType(ct);
    if (obj && def) {
      AddRelated(out, ct, def->Url(*obj));
      auto& sf = SummaryOf(out);
      std::string name;
      if (def->identity == "name")
        name = ctx.db.QueryString("SELECT name FROM " + def->table + " WHERE id = ?", {*obj})
                   .value_or("");
      sf["resource_name"] = name;
      sf["resource_type"] = ct;
      sf["resource_type_display_name"] = rbac::ContentTypeDisplay(ct);
      sf["resource_id"] = *obj;
    }
  }
  out.erase("content_type");
  out.erase("object_id");
  out.erase("role_field");
}

}  // namespace

void RegisterRoles() {
  ResourceDef d = NewResource("roles", "role", "Role", "Roles");
  d.identity = "role_field";
  d.has_created_by = false;
  d.creatable = d.editable = d.deletable = false;
  d.default_order = {"content_type", "object_id", "role_field"};
  FieldDef rf = RO(F("role_field", FieldType::kString));
  FieldDef ct = RO(F("content_type", FieldType::kString));
  FieldDef oid = RO(F("object_id", FieldType::kInt));
  oid.nullable = true;
  d.fields = {IdField(), rf, ct, oid};
  d.relations = {
      {"users", "users",
       "{t}.id IN (SELECT m.role_id FROM role_members m WHERE m.user_id IN ({inner}))"},
  };
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    // Roles of objects the caller can read, and roles the caller holds.
    std::string out =
        "t.id IN (SELECT ra.role_id FROM role_ancestors ra JOIN role_members m ON "
        "m.role_id = ra.ancestor_id WHERE m.user_id = ?)";
    p.emplace_back(ctx.caller.id);
    for (const auto& def : Registry::Get().All()) {
      if (def.content_type.empty() || !def.read_filter) continue;
      store::Params rp;
      std::string rf = def.read_filter(ctx, rp);
      out += " OR (t.content_type = ? AND t.object_id IN (SELECT t.id FROM " + def.table + " t" +
             (rf.empty() ? "" : " WHERE " + rf) + "))";
      p.emplace_back(def.content_type);
      p.insert(p.end(), rp.begin(), rp.end());
    }
    return out;
  };
  d.capabilities = [](Session&, const Obj&) { return json::object{}; };
  d.decorate = Decorate;
  {
    SubListDef s;
    s.name = "users";
    s.child = "users";
    s.filter = "t.id IN (SELECT user_id FROM role_members WHERE role_id = ?)";
    s.can_attach = true;
    s.title = "Role Users";
    s.attach = [](Session& ctx, int64_t role, int64_t user) {
      return GrantRoleToUser(ctx, role, user);
    };
    s.detach = [](Session& ctx, int64_t role, int64_t user) {
      return RevokeRoleFromUser(ctx, role, user);
    };
    s.can_attach_fn = [](Session& ctx, int64_t role, int64_t, bool) {
      return CanGrantRole(ctx, role);
    };
    d.sublists.push_back(std::move(s));
  }
  {
    SubListDef s;
    s.name = "teams";
    s.child = "teams";
    s.filter =
        "t.id IN (SELECT r.object_id FROM role_parents rp JOIN roles r ON r.id = rp.parent_id "
        "WHERE r.content_type = 'team' AND r.role_field = 'member_role' AND rp.role_id = ?)";
    s.can_attach = true;
    s.title = "Role Teams";
    s.attach = [](Session& ctx, int64_t role, int64_t team) {
      return GrantRoleToTeam(ctx, role, team);
    };
    s.detach = [](Session& ctx, int64_t role, int64_t team) {
      return RevokeRoleFromTeam(ctx, role, team);
    };
    s.can_attach_fn = [](Session& ctx, int64_t role, int64_t, bool) {
      return CanGrantRole(ctx, role);
    };
    d.sublists.push_back(std::move(s));
  }
  d.sublists.push_back(ListOnly("parents", "roles",
                                "t.id IN (SELECT parent_id FROM role_parents WHERE role_id = ?)",
                                "Role Parents"));
  d.sublists.push_back(ListOnly("children", "roles",
                                "t.id IN (SELECT role_id FROM role_parents WHERE parent_id = ?)",
                                "Role Children"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
