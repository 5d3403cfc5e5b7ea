#include "api/model.hpp"

#include <map>
#include <set>

#include "api/registry.hpp"
#include "api/resources/common.hpp"
#include "rbac/roles.hpp"
#include "store/summary_reads.hpp"

namespace baton::api {

json::object& RelatedOf(json::object& out) {
  return out["related"].as_object();
}
json::object& SummaryOf(json::object& out) {
  return out["summary_fields"].as_object();
}

namespace {

json::object RolesSummary(std::string_view ct, const std::map<std::string, int64_t>& ids) {
  json::object out;
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

json::object UserSummaryOf(const std::vector<store::Value>& r) {
  return json::object{{"id", store::AsInt(r[0])},
                      {"username", store::AsString(r[1])},
                      {"first_name", store::AsString(r[2])},
                      {"last_name", store::AsString(r[3])}};
}

// Restores ctx.page when a Serialize that loaded its own page returns.
struct PageScope {
  Ctx& ctx;
  const PageData* saved;
  ~PageScope() { ctx.page = saved; }
};

}  // namespace

PageData LoadPage(Ctx& ctx, const ResourceDef& def, const std::vector<const Obj*>& objs) {
  PageData page;
  page.def = &def;
  for (const Obj* o : objs) page.ids.insert(IdOf(*o));
  if (objs.empty()) return page;
  if (def.has_created_by) {
    std::set<int64_t> ids;
    for (const Obj* o : objs)
      for (const char* k : {"created_by", "modified_by"})
        if (auto id = OptIdOf(*o, k)) ids.insert(*id);
    for (const auto& u : store::UsersByIds(ctx.db, {ids.begin(), ids.end()}))
      page.users[u.id] = json::object{{"id", u.id},
                                      {"username", u.username},
                                      {"first_name", u.first_name},
                                      {"last_name", u.last_name}};
  }
  if (!def.content_type.empty()) {
    std::vector<int64_t> ids;
    for (const Obj* o : objs) ids.push_back(IdOf(*o));
    for (const auto& r : store::RolesOfObjects(ctx.db, def.content_type, ids))
      page.roles[r.object_id][r.field] = r.role_id;
  }
  if (def.prefetch) page.own = def.prefetch(ctx, objs);
  return page;
}

json::object Serialize(Ctx& ctx, const ResourceDef& def, const Obj& obj, bool detail,
                       json::storage_ptr sp) {
  PageScope scope{ctx, ctx.page};
  std::optional<PageData> alone;
  if (!ctx.page || ctx.page->def != &def || !ctx.page->ids.count(IdOf(obj))) {
    alone = LoadPage(ctx, def, {&obj});
    ctx.page = &*alone;
  }
  const PageData& page = *ctx.page;
  json::object out(std::move(sp));
  out.reserve(def.fields.size() + 16);
  int64_t id = IdOf(obj);
  out["id"] = id;
  out["type"] = def.type;
  out["url"] = def.Url(id);
  out["related"].emplace_object().reserve(16);
  out["summary_fields"].emplace_object().reserve(8);
  for (const auto& f : def.fields) {
    if (f.name == "id" || f.write_only || f.internal || f.column.empty()) continue;
    if (f.hidden_in_list && !detail) continue;
    // Assigned in place: a conditional expression would copy through a temporary first.
    if (auto* v = obj.if_contains(f.name))
      out[f.name] = *v;
    else
      out[f.name] = nullptr;
  }
  if (def.has_created_by) {
    for (const char* k : {"created_by", "modified_by"}) {
      auto uid = OptIdOf(obj, k);
      if (!uid) continue;
      auto it = page.users.find(*uid);
      if (it == page.users.end()) continue;
      RelatedOf(out)[k] = Url("users", *uid);
      SummaryOf(out)[k] = it->second;
    }
  }
  if (def.decorate) def.decorate(ctx, obj, out, detail);
  if (!def.content_type.empty()) {
    static const std::map<std::string, int64_t> kNone;
    auto it = page.roles.find(id);
    SummaryOf(out)["object_roles"] =
        RolesSummary(def.content_type, it == page.roles.end() ? kNone : it->second);
  }
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
  return UserSummaryOf(rows.rows[0]);
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
