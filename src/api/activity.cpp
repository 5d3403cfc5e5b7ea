#include "service/activity.hpp"

#include "api/model.hpp"
#include "api/registry.hpp"
#include "api/routes.hpp"

namespace baton::api {

namespace {

std::string ReadFilter(Session& ctx, store::Params& p) {
  if (ctx.caller.sees_all()) return "";
  std::string out = "t.actor_id = ?";
  p.emplace_back(ctx.caller.id);
  for (const auto& def : Registry::Get().All()) {
    if (def.type == "activity_stream" || !def.read_filter || !def.list_endpoint) continue;
    store::Params rp;
    std::string rf = def.read_filter(ctx, rp);
    if (rf.empty()) continue;
    out += " OR (t.object1 = ? AND t.object1_id IN (SELECT t.id FROM " + def.table + " t WHERE " +
           rf + "))";
    p.emplace_back(def.type);
    p.insert(p.end(), rp.begin(), rp.end());
  }
  return out;
}

void Decorate(Ctx& ctx, const Obj& obj, json::object& out, bool) {
  auto& rel = RelatedOf(out);
  auto& sf = SummaryOf(out);
  auto summary = ParseJson(GetString(obj, "summary", "{}"));
  std::string o1 = GetString(obj, "object1"), o2 = GetString(obj, "object2");
  auto add = [&](const std::string& type, std::optional<int64_t> id) {
    if (type.empty() || !id) return;
    const ResourceDef* d = Registry::Get().ByType(type);
    if (!d) return;
    auto& arr = rel[type];
    if (!arr.is_array()) arr = json::array{};
    arr.as_array().push_back(json::string(d->Url(*id)));
  };
  add(o1, OptIdOf(obj, "object1_id"));
  add(o2, OptIdOf(obj, "object2_id"));
  if (summary && summary->is_object())
    for (auto& kv : summary->as_object()) sf[kv.key()] = kv.value();
  if (auto actor = OptIdOf(obj, "actor")) {
    if (auto u = UserSummary(ctx, *actor)) {
      rel["actor"] = "/api/v2/users/" + std::to_string(*actor) + "/";
      sf["actor"] = std::move(*u);
    } else {
      sf["actor"] = json::object{{"id", nullptr},
                                 {"username", GetString(obj, "actor_username")},
                                 {"first_name", ""},
                                 {"last_name", ""}};
    }
  }
  out["action_node"] = ctx.cfg.node_name;
  out["object_type"] = o2.empty() ? o1 : o2;
  out.erase("summary");
  out.erase("actor_username");
  out.erase("object1_id");
  out.erase("object2_id");
  out.erase("actor");
}

}  // namespace

void RegisterActivityStream() {
  ResourceDef d;
  d.name = "activity_stream";
  d.type = "activity_stream";
  d.model = "ActivityStream";
  d.verbose = "activity stream";
  d.title = "Activity Stream List";
  d.table = "activity_stream";
  d.has_created_by = false;
  d.creatable = d.editable = d.deletable = false;
  d.search_fields = {"changes"};
  FieldDef id = F("id", FieldType::kId);
  id.read_only = true;
  auto ro = [](FieldDef f) { return RO(std::move(f)); };
  d.fields = {id,
              ro(Dt("timestamp")),
              ro(F("operation", FieldType::kString)),
              ro(F("changes", FieldType::kJson)),
              ro(F("object1", FieldType::kString)),
              ro(F("object2", FieldType::kString)),
              ro(F("object1_id", FieldType::kInt)),
              ro(F("object2_id", FieldType::kInt)),
              ro(F("object_association", FieldType::kString)),
              ro(Fk("actor", "users")),
              ro(F("actor_username", FieldType::kString)),
              ro(F("summary", FieldType::kText))};
  d.fields[8].column = "object_relationship_type";
  d.default_order = {"id"};
  d.read_filter = ReadFilter;
  d.decorate = Decorate;
  d.capabilities = [](Session&, const Obj&) { return json::object{}; };
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
