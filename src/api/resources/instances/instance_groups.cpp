// Instance groups (api-resources.md §33) and the ordered instance_groups/ sub-list of the objects
// that carry them (workflow job template nodes, job templates, inventories, organizations).
// Groups are stored and attached as on AWX so that clients configure them; baton runs each job on
// the instance that claims it and routes no job by group yet (docs/compat.md). The built-in
// `controlplane` and `default` groups are made at startup (app/bootstrap.cpp): they cannot be
// renamed or deleted, and count every job, since this instance runs them all.
#include "api/resources/common.hpp"
#include "api/routes.hpp"
#include "service/attachments.hpp"

namespace baton::api {
namespace {

constexpr const char* kCt = "instance_group";

bool Managed(Session& ctx, int64_t id) {
  return ctx.db.QueryInt("SELECT managed FROM instance_groups WHERE id = ?", {id}).value_or(0) != 0;
}

FieldDef Bounded(std::string name, int64_t min, std::optional<int64_t> max = {}) {
  FieldDef f = Int(std::move(name), 0);
  f.min_value = min;
  f.max_value = max;
  return f;
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  if (existing && IdOf(*existing) && Managed(ctx, IdOf(*existing)) &&
      GetString(v, "name") != GetString(*existing, "name"))
    return Error::Field("name",
                        GetString(*existing, "name") + " instance group name may not be changed.");
  if (auto cred = OptIdOf(v, "credential")) {
    auto kind = ctx.db.QueryString(
        "SELECT t.kind FROM credentials c JOIN credential_types t ON t.id = c.credential_type_id "
        "WHERE c.id = ?",
        {*cred});
    if (kind.value_or("") != "kubernetes")
      return Error::Field("credential",
                          "Only Kubernetes credentials can be associated with an Instance Group");
    if (!GetBool(v, "is_container_group"))
      return Error::Field("is_container_group",
                          "is_container_group must be True when associating a credential to an "
                          "Instance Group");
  }
  return OkStatus();
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  bool managed = Managed(ctx, id);
  // This instance runs every job, so the built-in groups count them all; others run none.
  int64_t running = 0, total = 0;
  if (managed) {
    auto r = ctx.db.Query(
        "SELECT COALESCE(SUM(status = 'running'), 0), COUNT(*) FROM unified_jobs WHERE type IN "
        "('job', 'project_update', 'inventory_update')");
    running = store::AsInt(r.rows[0][0]);
    total = store::AsInt(r.rows[0][1]);
  }
  out["capacity"] = 0;
  out["consumed_capacity"] = 0;
  out["percent_capacity_remaining"] = 0.0;
  out["jobs_running"] = running;
  out["jobs_total"] = total;
  out["instances"] = managed ? 1 : 0;
  out["policy_instance_list"] = json::array{};
  for (const char* s : {"jobs", "access_list", "object_roles"})
    AddRelated(out, s, Url("instance_groups", id) + s + "/");
  if (auto cred = OptIdOf(o, "credential")) {
    AddRelated(out, "credential", Url("credentials", *cred));
    if (auto s = BasicSummary(ctx, "credentials", *cred))
      SummaryOf(out)["credential"] = std::move(*s);
  }
}

}  // namespace

void RegisterInstanceGroups() {
  ResourceDef d =
      NewResource("instance_groups", "instance_group", "Instance Group", "Instance Groups");
  d.content_type = kCt;
  d.has_created_by = false;
  d.default_order = {"name"};
  d.search_fields = {"name"};
  d.fields = CommonFields(/*with_created_by=*/false);
  d.fields.push_back(NameField(250));
  d.fields.push_back(Bool("is_container_group"));
  FieldDef cred = Fk("credential", "credentials");
  cred.nullable = true;
  d.fields.push_back(cred);
  d.fields.push_back(Bounded("policy_instance_percentage", 0, 100));
  d.fields.push_back(Bounded("policy_instance_minimum", 0));
  d.fields.push_back(Bounded("max_concurrent_jobs", 0));
  d.fields.push_back(Bounded("max_forks", 0));
  FieldDef pod = Text("pod_spec_override");
  pod.def = "";
  pod.has_default = true;
  d.fields.push_back(pod);
  d.fields.push_back(Internal("managed", "managed", FieldType::kBool));
  d.uniques = {{{"name"}, "name", "instance group with this name already exists."}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, kCt, "read_role", p);
  };
  d.can_add = [](Session& ctx, const Obj&) -> Status {
    return ctx.caller.superuser ? OkStatus() : Error::Forbidden();
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj&) -> Status {
    return RequireRole(ctx, kCt, IdOf(o), "admin_role");
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    if (GetBool(o, "managed")) return Error::Forbidden();
    return RequireRole(ctx, kCt, IdOf(o), "admin_role");
  };
  d.validate = Validate;
  d.after_create = [](Session& ctx, int64_t id, const Obj&) -> Status {
    rbac::CreateObjectRoles(ctx.db, kCt, id, {});
    return OkStatus();
  };
  d.before_delete = [](Session& ctx, const Obj& o) -> Status {
    ctx.db.Exec("DELETE FROM instance_group_attachments WHERE instance_group_id = ?", {IdOf(o)});
    return OkStatus();
  };
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("jobs", "unified_jobs",
                                "t.type IN ('job', 'project_update', 'inventory_update') AND "
                                "(SELECT managed FROM instance_groups WHERE id = ?) = 1",
                                "Jobs"));
  d.sublists.push_back(ObjectRolesSubList(kCt));
  d.sublists.push_back(AccessListSubList(kCt));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
