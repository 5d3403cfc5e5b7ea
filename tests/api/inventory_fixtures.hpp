// Small helpers shared by the inventory test files (suites Inv*).
#pragma once
#include "harness.hpp"

namespace baton::testing::inv {

inline std::string S(const json::value& v) {
  return std::string(v.as_string());
}
inline std::string InvUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/inventories/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}
inline std::string HostUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/hosts/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}
inline std::string GroupUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/groups/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

inline int64_t Inventory(Api& api, const std::string& name, int64_t org, json::object extra = {}) {
  extra["name"] = name;
  extra["organization"] = org;
  return api.Post("/api/v2/inventories/", extra).Expect(201).id();
}
inline int64_t Host(Api& api, const std::string& name, int64_t inv, json::object extra = {}) {
  extra["name"] = name;
  extra["inventory"] = inv;
  return api.Post("/api/v2/hosts/", extra).Expect(201).id();
}
inline int64_t Group(Api& api, const std::string& name, int64_t inv, json::object extra = {}) {
  extra["name"] = name;
  extra["inventory"] = inv;
  return api.Post("/api/v2/groups/", extra).Expect(201).id();
}
inline void AddHost(Api& api, int64_t group, int64_t host) {
  api.Post(GroupUrl(group, "hosts"), json::object{{"id", host}}).Expect(204);
}
inline void AddChild(Api& api, int64_t parent, int64_t child) {
  api.Post(GroupUrl(parent, "children"), json::object{{"id", child}}).Expect(204);
}
// Names of the results of a list, in order.
inline std::vector<std::string> Names(const Resp& r) {
  std::vector<std::string> out;
  for (const auto& o : r.results()) out.push_back(S(o.as_object().at("name")));
  return out;
}
inline const json::object& Summary(const Resp& r) {
  return r["summary_fields"].as_object();
}
inline const json::object& Related(const Resp& r) {
  return r["related"].as_object();
}

}  // namespace baton::testing::inv
