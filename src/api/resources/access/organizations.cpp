// Organization (api-resources.md §2).
#include "api/resources/common.hpp"
#include "api/routes.hpp"

namespace baton::api {
namespace {

const char* kSubs[] = {"users",           "admins",       "teams",
                       "activity_stream", "object_roles", "access_list"};

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool detail) {
  int64_t id = IdOf(o);
  for (const char* s : kSubs) AddRelated(out, s, Url("organizations", id, s));
  out["custom_virtualenv"] = nullptr;
  auto count = [&](const std::string& sql) { return ctx.db.QueryInt(sql, {id}).value_or(0); };
  json::object counts;
  counts["inventories"] = 0;
  counts["teams"] = count("SELECT COUNT(*) FROM teams WHERE organization_id = ?");
  counts["users"] = count(
      "SELECT COUNT(*) FROM role_members m JOIN roles r ON r.id = m.role_id WHERE "
      "r.content_type = 'organization' AND r.role_field = 'member_role' AND r.object_id = ?");
  counts["job_templates"] = 0;
  counts["admins"] = count(
      "SELECT COUNT(*) FROM role_members m JOIN roles r ON r.id = m.role_id WHERE "
      "r.content_type = 'organization' AND r.role_field = 'admin_role' AND r.object_id = ?");
  counts["projects"] = 0;
  if (detail) counts["hosts"] = 0;
  SummaryOf(out)["related_field_counts"] = std::move(counts);
}

}  // namespace

void RegisterOrganizations() {
  ResourceDef d = NewResource("organizations", "organization", "Organization", "Organizations");
  d.content_type = "organization";
  d.named_url_format = "name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description"};
  d.fields = CommonFields();
  FieldDef max_hosts = Int("max_hosts", 0);
  max_hosts.min_value = 0;
  max_hosts.help_text = "Maximum number of hosts allowed to be managed by this organization.";
  FieldDef ee = Fk("default_environment", "execution_environments");
  ee.help_text = "The default execution environment for jobs run by this organization.";
  d.fields.push_back(NameField());
  d.fields.push_back(DescriptionField());
  d.fields.push_back(max_hosts);
  d.fields.push_back(ee);
  d.uniques = {{{"name"}, "name", "Organization with this Name already exists."}};
  d.relations = {
      {"users", "users",
       "{t}.id IN (SELECT r.object_id FROM roles r JOIN role_members m ON m.role_id = r.id WHERE "
       "r.content_type = 'organization' AND r.role_field = 'member_role' AND m.user_id IN "
       "({inner}))"},
      {"admins", "users",
       "{t}.id IN (SELECT r.object_id FROM roles r JOIN role_members m ON m.role_id = r.id WHERE "
       "r.content_type = 'organization' AND r.role_field = 'admin_role' AND m.user_id IN "
       "({inner}))"},
      {"teams", "teams",
       "{t}.id IN (SELECT x.organization_id FROM teams x WHERE x.id IN ({inner}))"},
  };
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, "organization", "read_role", p);
  };
  d.can_add = [](Session& ctx, const Obj&) -> Status {
    if (ctx.caller.superuser) return OkStatus();
    return Error::Forbidden();
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj&) -> Status {
    return RequireRole(ctx, "organization", IdOf(o), "admin_role");
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    return RequireRole(ctx, "organization", IdOf(o), "admin_role");
  };
  d.validate = [](Session& ctx, const WriteInput&, Obj& v, const Obj* existing) -> Status {
    if (existing && !ctx.caller.superuser) {
      auto* nv = v.if_contains("max_hosts");
      auto* ov = existing->if_contains("max_hosts");
      if (nv && ov && *nv != *ov) return Error::All("Cannot change max_hosts.");
    }
    return OkStatus();
  };
  d.after_create = [](Session& ctx, int64_t id, const Obj&) -> Status {
    rbac::CreateObjectRoles(ctx.db, "organization", id, {});
    return OkStatus();
  };
  d.decorate = Decorate;
  d.before_delete = [](Session& ctx, const Obj& o) -> Status {
    // Teams go with their organization, and with them their roles and grants.
    const ResourceDef& teams = Registry::Get().Must("teams");
    for (const auto& t : LoadWhere(ctx, teams, "t.organization_id = ?", {IdOf(o)}))
      BATON_TRY(RemoveObject(ctx, teams, t));
    return OkStatus();
  };

  d.sublists.push_back(RoleUsersSubList("users", "organization", "member_role", true));
  d.sublists.push_back(RoleUsersSubList("admins", "organization", "admin_role", true));
  d.sublists.back().title = "Admin Users";
  {
    SubListDef s;
    s.name = "teams";
    s.child = "teams";
    s.filter = "t.organization_id = ?";
    s.can_create = true;
    s.can_attach = true;
    s.inject_field = "organization";
    s.title = "Teams";
    s.attach = [](Session& ctx, int64_t org, int64_t team) -> Status {
      auto cur = ctx.db.QueryInt("SELECT organization_id FROM teams WHERE id = ?", {team});
      if (cur && *cur == org) return OkStatus();
      return Error::Msg("Team already belongs to another organization.");
    };
    s.detach = [](Session& ctx, int64_t org, int64_t team) -> Status {
      // Disassociating a team from its organization deletes it (reverse FK sub-list).
      const ResourceDef& td = Registry::Get().Must("teams");
      auto obj = Load(ctx, td, team);
      if (!obj || IdOf(*obj, "organization") != org) return OkStatus();
      return RemoveObject(ctx, td, *obj);
    };
    d.sublists.push_back(std::move(s));
  }
  d.sublists.push_back(ActivityStreamSubList("organization"));
  d.sublists.push_back(ObjectRolesSubList("organization"));
  d.sublists.push_back(AccessListSubList("organization"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
