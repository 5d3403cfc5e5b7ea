#include "service/crud.hpp"

#include <charconv>

#include "core/vars.hpp"
#include "rbac/roles.hpp"
#include "service/activity.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {
namespace {

bool IsIntegral(const json::value& v) {
  return v.is_int64() || v.is_uint64();
}

// Coerces one value; on error adds a message for the field and returns nullopt.
std::optional<json::value> CoerceOne(const FieldDef& f, const json::value& in, FieldErrors& errs) {
  const std::string& n = f.name;
  if (in.is_null()) {
    switch (f.type) {
      case FieldType::kBool:
        return json::value(false);
      case FieldType::kString:
      case FieldType::kText:
      case FieldType::kJsonText:
        if (f.nullable) return json::value(nullptr);
        if (f.required) {
          errs.Add(n, "This field may not be null.");
          return std::nullopt;
        }
        return json::value("");
      case FieldType::kChoice: {
        if (f.nullable) return json::value(nullptr);
        for (auto& [v, l] : f.choices)
          if (v.empty()) return json::value("");
        errs.Add(n, "\"\" is not a valid choice.");
        return std::nullopt;
      }
      case FieldType::kJson:
        return json::value(json::object{});
      default:
        if (f.nullable) return json::value(nullptr);
        errs.Add(n, "This field may not be null.");
        return std::nullopt;
    }
  }
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText: {
      std::string s;
      if (in.is_string())
        s = std::string(in.get_string());
      else if (IsIntegral(in) || in.is_double())
        s = Dump(in);
      else {
        errs.Add(n, "Not a valid string.");
        return std::nullopt;
      }
      if (f.max_length > 0 && static_cast<int>(s.size()) > f.max_length) {
        errs.Add(n, "Ensure this field has no more than " + std::to_string(f.max_length) +
                        " characters.");
        return std::nullopt;
      }
      if (f.required && s.empty()) {
        errs.Add(n, "This field may not be blank.");
        return std::nullopt;
      }
      return json::value(s);
    }
    case FieldType::kJsonText: {
      if (!in.is_string()) {
        errs.Add(n, "Not a valid string.");
        return std::nullopt;
      }
      auto parsed = ParseVarsMapping(in.get_string());
      if (!parsed.ok()) {
        auto& b = parsed.error().body.as_object();
        for (auto& kv : b)
          for (auto& m : kv.value().as_array()) errs.Add(n, m.as_string());
        return std::nullopt;
      }
      return in;
    }
    case FieldType::kBool: {
      if (in.is_bool()) return in;
      if (IsIntegral(in) && (IntFrom(in) == 0 || IntFrom(in) == 1))
        return json::value(*IntFrom(in) == 1);
      if (in.is_string()) {
        std::string s(in.get_string());
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s == "true" || s == "1" || s == "yes" || s == "on" || s == "t")
          return json::value(true);
        if (s == "false" || s == "0" || s == "no" || s == "off" || s == "f" || s.empty())
          return json::value(false);
      }
      errs.Add(n, "Must be a valid boolean.");
      return std::nullopt;
    }
    case FieldType::kInt:
    case FieldType::kIntChoice: {
      auto i = in.is_bool() ? std::nullopt : IntFrom(in);
      if (!i) {
        errs.Add(n, "A valid integer is required.");
        return std::nullopt;
      }
      if (f.type == FieldType::kIntChoice) {
        bool ok = false;
        for (auto& [v, l] : f.choices)
          if (v == std::to_string(*i)) ok = true;
        if (!ok) {
          errs.Add(n, "\"" + std::to_string(*i) + "\" is not a valid choice.");
          return std::nullopt;
        }
      }
      if (f.min_value && *i < *f.min_value) {
        errs.Add(n, "Ensure this value is greater than or equal to " +
                        std::to_string(*f.min_value) + ".");
        return std::nullopt;
      }
      if (f.max_value && *i > *f.max_value) {
        errs.Add(
            n, "Ensure this value is less than or equal to " + std::to_string(*f.max_value) + ".");
        return std::nullopt;
      }
      return json::value(*i);
    }
    case FieldType::kFloat: {
      if (in.is_double() || IsIntegral(in)) return json::value(in.to_number<double>());
      errs.Add(n, "A valid number is required.");
      return std::nullopt;
    }
    case FieldType::kFk: {
      if (in.is_string() && in.get_string().empty()) return json::value(nullptr);
      if (in.is_bool() || !(IsIntegral(in) || (in.is_string() && IntFrom(in)))) {
        std::string t = in.is_string()   ? "str"
                        : in.is_bool()   ? "bool"
                        : in.is_object() ? "dict"
                        : in.is_array()  ? "list"
                                         : "float";
        errs.Add(n, "Incorrect type. Expected pk value, received " + t + ".");
        return std::nullopt;
      }
      return json::value(*IntFrom(in));
    }
    case FieldType::kChoice: {
      std::string s = in.is_string() ? std::string(in.get_string()) : Dump(in);
      for (auto& [v, l] : f.choices)
        if (v == s) return json::value(s);
      errs.Add(n, "\"" + s + "\" is not a valid choice.");
      return std::nullopt;
    }
    case FieldType::kJson: {
      if (in.is_object()) return in;
      if (in.is_string()) {
        auto parsed = ParseVarsText(in.get_string());
        if (parsed.ok() && parsed.value().is_object()) return parsed.value();
      }
      errs.Add(n, "Expected a dictionary of items but got type \"" +
                      std::string(in.is_string()  ? "str"
                                  : in.is_array() ? "list"
                                                  : "int") +
                      "\".");
      return std::nullopt;
    }
    case FieldType::kDateTime: {
      if (in.is_string()) {
        if (auto t = ParseIso(in.get_string())) return json::value(FormatIso(*t));
      }
      errs.Add(n,
               "Datetime has wrong format. Use one of these formats instead: "
               "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
      return std::nullopt;
    }
    default:
      return in;
  }
}

void Changes(const ResourceModel& def, const Obj& before, const Obj& after, json::object& changes) {
  for (const auto& f : def.fields) {
    if (f.column.empty() || f.internal || f.name == "id" || f.name == "created" ||
        f.name == "modified")
      continue;
    auto* a = before.if_contains(f.name);
    auto* b = after.if_contains(f.name);
    json::value va = a ? *a : json::value(nullptr);
    json::value vb = b ? *b : json::value(nullptr);
    if (va == vb) continue;
    if (f.write_only || f.name == "password") {
      changes[f.name] = json::array{"hidden", "hidden"};
    } else {
      changes[f.name] = json::array{va, vb};
    }
  }
}

}  // namespace

std::optional<int64_t> IntFrom(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.get_uint64());
  if (v.is_double()) {
    double d = v.get_double();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t n = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return n;
  }
  return std::nullopt;
}

Status CheckWriteScope(Session& ctx) {
  if (ctx.caller.read_only_token) return Error::Forbidden();
  return OkStatus();
}

store::Value ToSqlValue(const FieldDef& f, const json::value& v) {
  if (v.is_null()) return store::Null();
  switch (f.type) {
    case FieldType::kBool:
      return int64_t{v.is_bool() ? v.get_bool() : false};
    case FieldType::kInt:
    case FieldType::kIntChoice:
    case FieldType::kFk:
    case FieldType::kId:
      return IntFrom(v).value_or(0);
    case FieldType::kFloat:
      return v.is_number() ? v.to_number<double>() : 0.0;
    case FieldType::kJson:
      return Dump(v);
    default:
      return v.is_string() ? std::string(v.get_string()) : Dump(v);
  }
}

std::string IdentityOf(const ResourceModel& def, const Obj& obj) {
  auto* v = obj.if_contains(def.identity);
  if (v && v->is_string()) return std::string(v->get_string());
  return "";
}

Status CheckFkExists(Session& ctx, const FieldDef& f, const json::value& v, FieldErrors& errs) {
  if (f.type != FieldType::kFk || v.is_null()) return OkStatus();
  const ResourceModel* target = Models::Get().Find(f.fk);
  if (!target) return OkStatus();
  int64_t id = v.as_int64();
  if (!ctx.db.QueryInt("SELECT 1 FROM " + target->table + " WHERE id = ?", {id}))
    errs.Add(f.name, "Invalid pk \"" + std::to_string(id) + "\" - object does not exist.");
  return OkStatus();
}

Result<Obj> CoerceFields(Session& ctx, const ResourceModel& def, const json::object& body,
                         const Obj* existing, bool partial) {
  FieldErrors errs;
  Obj values;
  for (const auto& f : def.fields) {
    if (f.read_only || (f.column.empty() && !f.write_only)) continue;
    if (existing && f.create_only) continue;
    auto* in = body.if_contains(f.name);
    if (!in) {
      if (partial) continue;
      if (f.required) {
        errs.Add(f.name, "This field is required.");
        continue;
      }
      if (!existing && f.has_default) values[f.name] = f.def;
      continue;
    }
    auto v = CoerceOne(f, *in, errs);
    if (!v) continue;
    BATON_TRY(CheckFkExists(ctx, f, *v, errs));
    values[f.name] = std::move(*v);
  }
  if (!errs.Empty()) return errs.ToError();
  return values;
}

Status CheckUniques(Session& ctx, const ResourceModel& def, const Obj& values, int64_t self_id) {
  for (const auto& u : def.uniques) {
    std::string where;
    store::Params p;
    bool skip = false;
    for (const auto& fname : u.fields) {
      const FieldDef* f = def.Field(fname);
      auto* v = values.if_contains(fname);
      if (!f || !v || v->is_null()) {
        skip = true;
        break;
      }
      where += (where.empty() ? "" : " AND ") + f->column + " = ?";
      p.push_back(ToSqlValue(*f, *v));
    }
    if (skip) continue;
    where += " AND id != ?";
    p.emplace_back(self_id);
    if (ctx.db.QueryInt("SELECT 1 FROM " + def.table + " WHERE " + where + " LIMIT 1", p)) {
      if (u.key == "__all__") return Error::All(u.message);
      return Error::Field(u.key, u.message);
    }
  }
  return OkStatus();
}

Result<Obj> CreateObject(Session& ctx, const ResourceModel& def, const json::object& body,
                         const Obj& injected) {
  BATON_TRY(CheckWriteScope(ctx));
  json::object merged = body;
  for (auto& kv : injected) merged[kv.key()] = kv.value();
  BATON_ASSIGN(Obj values, CoerceFields(ctx, def, merged, nullptr, false));
  for (auto& kv : injected) values[kv.key()] = kv.value();
  if (def.can_add) BATON_TRY(def.can_add(ctx, values));
  if (def.validate) BATON_TRY(def.validate(ctx, WriteInput{body, false}, values, nullptr));
  BATON_TRY(CheckUniques(ctx, def, values, 0));
  if (def.prepare_write) def.prepare_write(ctx, values, nullptr);

  store::Tx tx(ctx.db);
  std::string cols, marks;
  store::Params p;
  auto put = [&](const std::string& col, store::Value v) {
    cols += (cols.empty() ? "" : ", ") + col;
    marks += (marks.empty() ? "?" : ", ?");
    p.push_back(std::move(v));
  };
  if (!def.id_space.empty())
    put("id", ctx.db.Insert("INSERT INTO " + def.id_space + " (type) VALUES (?) RETURNING id",
                            {def.type}));
  for (const auto& f : def.fields) {
    if (f.column.empty() || (f.read_only && !f.server_written)) continue;
    auto* v = values.if_contains(f.name);
    if (!v) continue;
    put(f.column, ToSqlValue(f, *v));
  }
  if (def.Field("created")) put("created", ctx.now_iso());
  if (def.Field("modified")) put("modified", ctx.now_iso());
  if (def.has_created_by && ctx.caller.authenticated()) {
    put("created_by_id", ctx.caller.id);
    put("modified_by_id", ctx.caller.id);
  }
  int64_t id = ctx.db.Insert(
      "INSERT INTO " + def.table + " (" + cols + ") VALUES (" + marks + ") RETURNING id", p);
  if (def.after_create) BATON_TRY(def.after_create(ctx, id, values));
  auto obj = Load(ctx, def, id);
  json::object changes;
  Changes(def, Obj{}, *obj, changes);
  if (changes.contains("id")) changes.erase("id");
  RecordActivity(ctx, "create", {def.type, id, IdentityOf(def, *obj)}, changes);
  tx.Commit();
  return std::move(*obj);
}

Result<Obj> UpdateObject(Session& ctx, const ResourceModel& def, const Obj& existing,
                         const json::object& body, bool partial) {
  BATON_TRY(CheckWriteScope(ctx));
  BATON_ASSIGN(Obj values, CoerceFields(ctx, def, body, &existing, partial));
  if (def.can_change) BATON_TRY(def.can_change(ctx, existing, values));
  Obj merged = existing;
  for (auto& kv : values) merged[kv.key()] = kv.value();
  if (def.validate) BATON_TRY(def.validate(ctx, WriteInput{body, partial}, merged, &existing));
  int64_t id = IdOf(existing);
  BATON_TRY(CheckUniques(ctx, def, merged, id));
  if (def.prepare_write) def.prepare_write(ctx, merged, &existing);

  store::Tx tx(ctx.db);
  std::string sets;
  store::Params p;
  for (const auto& f : def.fields) {
    if (f.column.empty() || (f.read_only && !f.server_written) || f.name == "id") continue;
    auto* nv = merged.if_contains(f.name);
    if (!nv) continue;
    auto* ov = existing.if_contains(f.name);
    if (ov && *ov == *nv) continue;
    sets += (sets.empty() ? "" : ", ") + f.column + " = ?";
    p.push_back(ToSqlValue(f, *nv));
  }
  if (!sets.empty() || true) {
    if (def.Field("modified")) {
      sets += (sets.empty() ? "" : ", ") + std::string("modified = ?");
      p.emplace_back(ctx.now_iso());
    }
    if (def.has_created_by && ctx.caller.authenticated()) {
      sets += (sets.empty() ? "" : ", ") + std::string("modified_by_id = ?");
      p.emplace_back(ctx.caller.id);
    }
  }
  if (!sets.empty()) {
    p.emplace_back(id);
    ctx.db.Exec("UPDATE " + def.table + " SET " + sets + " WHERE id = ?", p);
  }
  auto after = Load(ctx, def, id);
  if (def.after_update) BATON_TRY(def.after_update(ctx, existing, *after));
  json::object changes;
  Changes(def, existing, *after, changes);
  for (const char* k : {"modified_by", "created_by"})
    if (changes.contains(k)) changes.erase(k);
  if (!changes.empty())
    RecordActivity(ctx, "update", {def.type, id, IdentityOf(def, *after)}, changes);
  tx.Commit();
  return std::move(*after);
}

Status DeleteObject(Session& ctx, const ResourceModel& def, const Obj& obj) {
  BATON_TRY(CheckWriteScope(ctx));
  if (def.can_delete) BATON_TRY(def.can_delete(ctx, obj));
  return RemoveObject(ctx, def, obj);
}

Status RemoveObject(Session& ctx, const ResourceModel& def, const Obj& obj) {
  store::Tx tx(ctx.db);
  if (def.before_delete) BATON_TRY(def.before_delete(ctx, obj));
  int64_t id = IdOf(obj);
  json::object changes;
  Changes(def, Obj{}, obj, changes);
  for (auto& kv : changes)
    if (kv.value().is_array() && kv.value().as_array().size() == 2)
      kv.value() = kv.value().as_array()[1];
  RecordActivity(ctx, "delete", {def.type, id, IdentityOf(def, obj)}, changes);
  if (!def.content_type.empty()) rbac::DeleteObjectRoles(ctx.db, def.content_type, id);
  ctx.db.Exec("DELETE FROM " + def.table + " WHERE id = ?", {id});
  tx.Commit();
  return OkStatus();
}

namespace {

json::object CopyBodyOf(Session& ctx, const ResourceModel& def, const Obj& src) {
  if (def.copy_body) return def.copy_body(ctx, src);
  json::object body;
  for (const auto& f : def.fields) {
    if (f.read_only || f.column.empty() || f.internal) continue;
    if (auto* v = src.if_contains(f.name)) body[f.name] = *v;
  }
  return body;
}

}  // namespace

bool CanCopy(Session& ctx, const ResourceModel& def, const Obj& src) {
  Obj values;
  for (auto& kv : CopyBodyOf(ctx, def, src)) values[kv.key()] = kv.value();
  return !ctx.caller.read_only_token && (!def.can_add || def.can_add(ctx, values).ok());
}

Result<Obj> CopyObject(Session& ctx, const ResourceModel& def, const Obj& src,
                       const json::object& request) {
  json::object body = CopyBodyOf(ctx, def, src);
  auto* name = request.if_contains("name");
  if (!name || name->is_null() || (name->is_string() && name->get_string().empty()))
    return Error::Field("name", "This field is required.");
  if (!name->is_string()) return Error::Field("name", "Not a valid string.");
  std::string original = GetString(src, "name");
  if (name->get_string() == original)
    return Error::Field("name", "The original object is already named " + original +
                                    ", a copy from it cannot have the same name.");
  body["name"] = *name;
  store::Tx tx(ctx.db);
  BATON_ASSIGN(Obj copy, CreateObject(ctx, def, body));
  if (def.after_copy) BATON_TRY(def.after_copy(ctx, src, IdOf(copy)));
  tx.Commit();
  return copy;
}

}  // namespace baton::service
