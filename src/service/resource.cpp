#include "service/resource.hpp"

#include "rbac/roles.hpp"
#include "service/access.hpp"

namespace baton::service {

FieldDef F(std::string name, FieldType type) {
  FieldDef f;
  f.column = name;
  f.name = std::move(name);
  f.type = type;
  return f;
}

FieldDef Str(std::string name, int max_length, bool required) {
  FieldDef f = F(std::move(name), FieldType::kString);
  f.max_length = max_length;
  f.required = required;
  if (!required) {
    f.def = "";
    f.has_default = true;
  }
  return f;
}

FieldDef Text(std::string name) {
  FieldDef f = F(std::move(name), FieldType::kText);
  f.def = "";
  f.has_default = true;
  return f;
}

FieldDef Bool(std::string name, bool def) {
  FieldDef f = F(std::move(name), FieldType::kBool);
  f.def = def;
  f.has_default = true;
  return f;
}

FieldDef Int(std::string name, int64_t def) {
  FieldDef f = F(std::move(name), FieldType::kInt);
  f.def = def;
  f.has_default = true;
  return f;
}

FieldDef Fk(std::string name, std::string target, bool required) {
  FieldDef f = F(name, FieldType::kFk);
  f.column = name + "_id";
  f.fk = std::move(target);
  f.required = required;
  f.nullable = !required;
  if (!required) f.has_default = true;  // null
  return f;
}

FieldDef RO(FieldDef f) {
  f.read_only = true;
  f.required = false;
  return f;
}

FieldDef Dt(std::string name) {
  FieldDef f = F(std::move(name), FieldType::kDateTime);
  f.read_only = true;
  f.nullable = true;
  return f;
}

FieldDef Internal(std::string name, std::string column, FieldType type) {
  FieldDef f = F(std::move(name), type);
  f.column = std::move(column);
  f.read_only = true;
  f.internal = true;
  f.filterable = false;
  f.nullable = true;
  return f;
}

std::vector<FieldDef> TimestampFields(bool with_created_by) {
  std::vector<FieldDef> v{Dt("created"), Dt("modified")};
  if (with_created_by) {
    FieldDef cb = Internal("created_by", "created_by_id", FieldType::kFk);
    cb.fk = "users";
    cb.filterable = true;
    FieldDef mb = Internal("modified_by", "modified_by_id", FieldType::kFk);
    mb.fk = "users";
    mb.filterable = true;
    v.push_back(cb);
    v.push_back(mb);
  }
  return v;
}

std::vector<FieldDef> CommonFields(bool with_created_by) {
  std::vector<FieldDef> v{IdField()};
  for (auto& f : TimestampFields(with_created_by)) v.push_back(f);
  return v;
}

std::vector<FieldDef> NamedFields() {
  std::vector<FieldDef> v = CommonFields();
  v.push_back(NameField());
  v.push_back(DescriptionField());
  return v;
}

FieldDef IdField() {
  FieldDef f = F("id", FieldType::kId);
  f.read_only = true;
  return f;
}

FieldDef NameField(int max_length) {
  return Str("name", max_length, true);
}

FieldDef DescriptionField() {
  return Text("description");
}

SubListDef ListOnly(std::string name, std::string child, std::string filter, std::string title,
                    bool deprecated) {
  SubListDef s;
  s.name = std::move(name);
  s.child = std::move(child);
  s.filter = std::move(filter);
  s.title = std::move(title);
  s.deprecated = deprecated;
  return s;
}

SubListDef ObjectRolesSubList(std::string_view ct) {
  return ListOnly("object_roles", "roles", ObjectRolesSql(ct), "Object Roles", true);
}

SubListDef AccessListSubList(std::string_view ct) {
  return ListOnly("access_list", "users", AccessListSql(ct), "Access List", true);
}

SubListDef ActivityStreamSubList(std::string_view type) {
  std::string t(type);
  return ListOnly("activity_stream", "activity_stream",
                  "(t.object1 = '" + t + "' AND t.object1_id = ?) OR (t.object2 = '" + t +
                      "' AND t.object2_id = ?)",
                  "Activity Stream List");
}

SubListDef RoleUsersSubList(std::string name, std::string ct, std::string field, bool can_create) {
  SubListDef s;
  s.name = std::move(name);
  s.child = "users";
  s.filter = RoleMembersSql(ct, field);
  s.can_attach = true;
  s.can_create = can_create;
  s.title = "Users";
  s.attach = [ct, field](Session& ctx, int64_t parent, int64_t user) -> Status {
    if (auto r = rbac::RoleId(ctx.db, ct, parent, field)) rbac::AddMember(ctx.db, *r, user);
    return OkStatus();
  };
  s.detach = [ct, field](Session& ctx, int64_t parent, int64_t user) -> Status {
    if (auto r = rbac::RoleId(ctx.db, ct, parent, field)) rbac::RemoveMember(ctx.db, *r, user);
    return OkStatus();
  };
  s.after_create = s.attach;
  s.can_attach_fn = [ct](Session& ctx, int64_t parent, int64_t, bool) -> Status {
    return RequireRole(ctx, ct, parent, "admin_role");
  };
  return s;
}

}  // namespace baton::service
