// Team (api-resources.md §4).
#include "api/resources/common.hpp"
#include "api/routes.hpp"

namespace baton::api {

void RegisterTeams() {
  ResourceDef d = NewResource("teams", "team", "Team", "Teams");
  d.content_type = "team";
  d.named_url_format = "name++organization.name";
  d.default_order = {"organization__name", "name"};
  d.search_fields = {"name", "description"};
  d.fields = NamedFields();
  d.fields.push_back(Fk("organization", "organizations", true));
  d.uniques = {{{"organization", "name"},
                "__all__",
                "Team with this Organization and Name already exists."}};
  d.relations = {
      {"users", "users",
       "{t}.id IN (SELECT r.object_id FROM roles r JOIN role_members m ON m.role_id = r.id WHERE "
       "r.content_type = 'team' AND r.role_field = 'member_role' AND m.user_id IN ({inner}))"},
  };
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, "team", "read_role", p);
  };
  d.can_add = [](Session& ctx, const Obj& data) -> Status {
    auto org = OptIdOf(data, "organization");
    if (!org) return Error::Forbidden();
    return RequireRole(ctx, "organization", *org, "admin_role");
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj& data) -> Status {
    BATON_TRY(RequireRole(ctx, "team", IdOf(o), "admin_role"));
    auto org = OptIdOf(data, "organization");
    if (org && *org != IdOf(o, "organization"))
      return RequireRole(ctx, "organization", *org, "admin_role");
    return OkStatus();
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    return RequireRole(ctx, "team", IdOf(o), "admin_role");
  };
  d.after_create = [](Session& ctx, int64_t id, const Obj& v) -> Status {
    rbac::CreateObjectRoles(ctx.db, "team", id, {{"organization", IdOf(v, "organization")}});
    return OkStatus();
  };
  d.after_update = [](Session& ctx, const Obj& before, const Obj& after) -> Status {
    if (IdOf(before, "organization") != IdOf(after, "organization"))
      rbac::UpdateObjectRoleParents(ctx.db, "team", IdOf(after),
                                    {{"organization", IdOf(after, "organization")}});
    return OkStatus();
  };
  d.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool) {
    int64_t id = IdOf(o);
    for (const char* s : {"users", "roles", "object_roles", "activity_stream", "access_list"})
      AddRelated(out, s, Url("teams", id, s));
    if (auto org = OptIdOf(o, "organization")) {
      if (auto s = BasicSummary(ctx, "organizations", *org)) {
        AddRelated(out, "organization", Url("organizations", *org));
        SummaryOf(out)["organization"] = std::move(*s);
      }
    }
  };
  d.sublists.push_back(RoleUsersSubList("users", "team", "member_role", true));
  {
    // Roles granted to the team: the team's member_role becomes a parent of the role.
    SubListDef s;
    s.name = "roles";
    s.child = "roles";
    s.filter =
        "t.id IN (SELECT rp.role_id FROM role_parents rp JOIN roles r ON r.id = rp.parent_id "
        "WHERE r.content_type = 'team' AND r.role_field = 'member_role' AND r.object_id = ?) "
        "AND NOT (t.content_type = 'team' AND t.object_id = ?)";
    s.can_attach = true;
    s.deprecated = true;
    s.title = "Team Roles";
    s.attach = [](Session& ctx, int64_t team, int64_t role) {
      return GrantRoleToTeam(ctx, role, team);
    };
    s.detach = [](Session& ctx, int64_t team, int64_t role) {
      return RevokeRoleFromTeam(ctx, role, team);
    };
    s.can_attach_fn = [](Session& ctx, int64_t team, int64_t role, bool) -> Status {
      BATON_TRY(RequireRole(ctx, "team", team, "admin_role"));
      return CanGrantRole(ctx, role);
    };
    d.sublists.push_back(std::move(s));
  }
  d.sublists.push_back(ObjectRolesSubList("team"));
  d.sublists.push_back(ActivityStreamSubList("team"));
  d.sublists.push_back(AccessListSubList("team"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
