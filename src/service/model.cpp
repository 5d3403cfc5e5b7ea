#include "service/model.hpp"

namespace baton::service {

using store::Value;

std::string SelectColumns(const ResourceModel& def, std::string_view alias) {
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

static json::value ToJson(const FieldDef& f, const Value& v, const json::storage_ptr& sp) {
  if (store::IsNull(v)) {
    if (f.type == FieldType::kBool) return json::value(false, sp);
    return json::value(nullptr, sp);
  }
  switch (f.type) {
    case FieldType::kBool:
      return json::value(store::AsInt(v) != 0, sp);
    case FieldType::kId:
    case FieldType::kInt:
    case FieldType::kIntChoice:
    case FieldType::kFk:
      return json::value(store::AsInt(v), sp);
    case FieldType::kFloat:
      return json::value(store::AsDouble(v), sp);
    case FieldType::kJson: {
      auto parsed = ParseJson(store::AsString(v));
      return parsed ? json::value(*parsed, sp) : json::value(json::object(sp));
    }
    default:
      return json::value(json::string(store::AsString(v), sp));
  }
}

Obj RowToObj(const ResourceModel& def, const store::Rows& rows, size_t i, json::storage_ptr sp) {
  Obj o(sp);
  o.reserve(def.fields.size());
  size_t c = 0;
  const auto& row = rows.rows[i];
  for (const auto& f : def.fields) {
    if (f.column.empty()) continue;
    o.emplace(f.name, ToJson(f, row[c++], sp));
  }
  return o;
}

std::vector<Obj> LoadWhere(Session& ctx, const ResourceModel& def, const std::string& where,
                           const store::Params& params, const std::string& order, int64_t limit,
                           int64_t offset, json::storage_ptr sp) {
  std::string sql = "SELECT " + SelectColumns(def) + " FROM " + def.table + " t";
  if (!where.empty()) sql += " WHERE " + where;
  if (!order.empty()) sql += " ORDER BY " + order;
  if (limit >= 0) sql += " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
  auto rows = ctx.db.Query(sql, params);
  std::vector<Obj> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(RowToObj(def, rows, i, sp));
  return out;
}

std::optional<Obj> Load(Session& ctx, const ResourceModel& def, int64_t id) {
  auto v = LoadWhere(ctx, def, "t.id = ?", {id}, "");
  if (v.empty()) return std::nullopt;
  return std::move(v[0]);
}

bool CanRead(Session& ctx, const ResourceModel& def, int64_t id) {
  if (!def.read_filter) return true;
  store::Params p;
  std::string f = def.read_filter(ctx, p);
  if (f.empty()) return true;
  p.insert(p.begin(), id);
  return ctx.db.QueryInt("SELECT 1 FROM " + def.table + " t WHERE t.id = ? AND (" + f + ")", p)
      .has_value();
}

Result<Obj> LoadReadable(Session& ctx, const ResourceModel& def, int64_t id) {
  auto o = Load(ctx, def, id);
  if (!o) return Error::NotFound();
  if (!CanRead(ctx, def, id)) return Error::Forbidden();
  return std::move(*o);
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

}  // namespace baton::service
