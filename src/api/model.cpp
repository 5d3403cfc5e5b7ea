#include "api/model.hpp"

#include <map>

#include "api/registry.hpp"
#include "rbac/roles.hpp"

namespace baton::api {

json::object& RelatedOf(json::object& out) {
  return out["related"].as_object();
}
json::object& SummaryOf(json::object& out) {
  return out["summary_fields"].as_object();
}

json::object Serialize(Ctx& ctx, const ResourceDef& def, const Obj& obj, bool detail,
                       json::storage_ptr sp) {
  json::object out(std::move(sp));
  out.reserve(def.fields.size() + 6);
  int64_t id = IdOf(obj);
  out["id"] = id;
  out["type"] = def.type;
  out["url"] = def.Url(id);
  out["related"].emplace_object();
  out["summary_fields"].emplace_object();
  for (const auto& f : def.fields) {
    if (f.name == "id" || f.write_only || f.internal || f.column.empty()) continue;
    if (f.hidden_in_list && !detail) continue;
    auto* v = obj.if_contains(f.name);
    out[f.name] = v ? *v : json::value(nullptr);
  }
  if (def.has_created_by) AddCreatedModifiedBy(ctx, obj, out);
  if (def.decorate) def.decorate(ctx, obj, out, detail);
  if (!def.content_type.empty())
    SummaryOf(out)["object_roles"] = ObjectRolesSummary(ctx, def.content_type, id);
  auto& sf = SummaryOf(out);
  if (!sf.contains("user_capabilities")) {
    sf["user_capabilities"] =
        def.capabilities ? def.capabilities(ctx, obj) : DefaultCapabilities(ctx, def, obj);
  }
  return out;
}

std::optional<json::object> BasicSummary(Session& ctx, std::string_view res, int64_t id) {
  const auto* def = Registry::Get().Find(res);
  if (!def) return std::nullopt;
  bool has_desc = def->Field("description") != nullptr;
  auto rows = ctx.db.Query("SELECT id, name" + std::string(has_desc ? ", description" : "") +
                               " FROM " + def->table + " WHERE id = ?",
                           {id});
  if (rows.empty()) return std::nullopt;
  json::object s;
  s["id"] = store::AsInt(rows.rows[0][0]);
  s["name"] = store::AsString(rows.rows[0][1]);
  if (has_desc) s["description"] = store::AsString(rows.rows[0][2]);
  return s;
}

std::optional<json::object> UserSummary(Session& ctx, int64_t id) {
  auto rows =
      ctx.db.Query("SELECT id, username, first_name, last_name FROM users WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return json::object{{"id", store::AsInt(rows.rows[0][0])},
                      {"username", store::AsString(rows.rows[0][1])},
                      {"first_name", store::AsString(rows.rows[0][2])},
                      {"last_name", store::AsString(rows.rows[0][3])}};
}

void AddCreatedModifiedBy(Session& ctx, const Obj& obj, json::object& out) {
  for (const char* k : {"created_by", "modified_by"}) {
    auto id = OptIdOf(obj, k);
    if (!id) continue;
    if (auto s = UserSummary(ctx, *id)) {
      RelatedOf(out)[k] = "/api/v2/users/" + std::to_string(*id) + "/";
      SummaryOf(out)[k] = std::move(*s);
    }
  }
}

json::object ObjectRolesSummary(Session& ctx, std::string_view ct, int64_t id) {
  json::object out;
  auto rows =
      ctx.db.Query("SELECT id, role_field FROM roles WHERE content_type = ? AND object_id = ?",
                   {std::string(ct), id});
  std::map<std::string, int64_t> ids;
  for (auto& r : rows.rows) ids[store::AsString(r[1])] = store::AsInt(r[0]);
  for (const auto& def : rbac::RoleFields(ct)) {
    auto it = ids.find(def.field);
    if (it == ids.end()) continue;
    json::object o{{"description", rbac::RoleDescription(def.field, ct)},
                   {"name", rbac::RoleName(def.field)},
                   {"id", it->second}};
    if (ct == "organization" && (def.field == "admin_role" || def.field == "member_role"))
      o["user_only"] = true;
    out[def.field] = std::move(o);
  }
  return out;
}

json::object DefaultCapabilities(Session& ctx, const ResourceDef& def, const Obj& obj) {
  json::object caps;
  static const Obj kEmpty;
  if (def.editable)
    caps["edit"] =
        !ctx.caller.read_only_token && (!def.can_change || def.can_change(ctx, obj, kEmpty).ok());
  if (def.deletable)
    caps["delete"] =
        !ctx.caller.read_only_token && (!def.can_delete || def.can_delete(ctx, obj).ok());
  return caps;
}

}  // namespace baton::api
