#include "api/model.hpp"

#include <map>

#include "api/registry.hpp"
#include "rbac/roles.hpp"

namespace baton::api {

using store::Value;

std::string SelectColumns(const ResourceDef& def, std::string_view alias) {
  std::string out;
  for (const auto& f : def.fields) {
    if (f.column.empty()) continue;
    if (!out.empty()) out += ", ";
    out += alias;
    out += '.';
    out += f.column;
  }
  return out;
}

static json::value ToJson(const FieldDef& f, const Value& v) {
  if (store::IsNull(v)) {
    if (f.type == FieldType::kBool) return false;
    return nullptr;
  }
  switch (f.type) {
    case FieldType::kBool:
      return store::AsInt(v) != 0;
    case FieldType::kId:
    case FieldType::kInt:
    case FieldType::kIntChoice:
    case FieldType::kFk:
      return store::AsInt(v);
    case FieldType::kFloat:
      return store::AsDouble(v);
    case FieldType::kJson: {
      auto parsed = ParseJson(store::AsString(v));
      return parsed ? *parsed : json::value(json::object{});
    }
    default:
      return json::string(store::AsString(v));
  }
}

Obj RowToObj(const ResourceDef& def, const store::Rows& rows, size_t i) {
  Obj o;
  o.reserve(def.fields.size());
  size_t c = 0;
  const auto& row = rows.rows[i];
  for (const auto& f : def.fields) {
    if (f.column.empty()) continue;
    o[f.name] = ToJson(f, row[c++]);
  }
  return o;
}

std::vector<Obj> LoadWhere(Session& ctx, const ResourceDef& def, const std::string& where,
                           const store::Params& params, const std::string& order, int64_t limit,
                           int64_t offset) {
  std::string sql = "SELECT " + SelectColumns(def) + " FROM " + def.table + " t";
  if (!where.empty()) sql += " WHERE " + where;
  if (!order.empty()) sql += " ORDER BY " + order;
  if (limit >= 0) sql += " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
  auto rows = ctx.db.Query(sql, params);
  std::vector<Obj> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(RowToObj(def, rows, i));
  return out;
}

std::optional<Obj> Load(Session& ctx, const ResourceDef& def, int64_t id) {
  auto v = LoadWhere(ctx, def, "t.id = ?", {id}, "");
  if (v.empty()) return std::nullopt;
  return std::move(v[0]);
}

bool CanRead(Session& ctx, const ResourceDef& def, int64_t id) {
  if (!def.read_filter) return true;
  store::Params p;
  std::string f = def.read_filter(ctx, p);
  if (f.empty()) return true;
  p.insert(p.begin(), id);
  return ctx.db.QueryInt("SELECT 1 FROM " + def.table + " t WHERE t.id = ? AND (" + f + ")", p)
      .has_value();
}

Result<Obj> LoadReadable(Session& ctx, const ResourceDef& def, int64_t id) {
  auto o = Load(ctx, def, id);
  if (!o) return Error::NotFound();
  if (!CanRead(ctx, def, id)) return Error::Forbidden();
  return std::move(*o);
}

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

int64_t IdOf(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  return 0;
}

std::optional<int64_t> OptIdOf(const Obj& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  return std::nullopt;
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
