#include "service/activity.hpp"

namespace baton::service {

void RecordActivity(Session& ctx, std::string_view operation, const ActivityObject& o1,
                    const json::object& changes, const ActivityObject* o2,
                    std::string_view relationship) {
  json::object summary;
  summary[o1.type] = json::array{json::object{{"id", o1.id}, {"name", o1.name}}};
  if (o2) {
    auto& arr = summary[o2->type];
    if (!arr.is_array()) arr = json::array{};
    arr.as_array().push_back(json::object{{"id", o2->id}, {"name", o2->name}});
  }
  ctx.db.Exec(
      "INSERT INTO activity_stream (timestamp, operation, changes, object1, object1_id, object2, "
      "object2_id, object_relationship_type, actor_id, actor_username, summary) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {ctx.now_iso(), std::string(operation), Dump(changes), o1.type, o1.id,
       o2 ? o2->type : std::string(), o2 ? store::Value(o2->id) : store::Null(),
       std::string(relationship),
       ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null(),
       ctx.caller.username, Dump(summary)});
}

}  // namespace baton::service
