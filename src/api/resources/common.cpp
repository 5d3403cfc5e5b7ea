#include "api/resources/common.hpp"

namespace baton::api {

ResourceDef NewResource(std::string name, std::string type, std::string model, std::string title) {
  ResourceDef d;
  d.table = name;
  d.name = std::move(name);
  d.verbose = type;
  for (auto& c : d.verbose)
    if (c == '_') c = ' ';
  d.type = std::move(type);
  d.model = std::move(model);
  d.title = std::move(title);
  return d;
}

void AddRelated(json::object& out, std::string_view key, const std::string& url) {
  out["related"].as_object()[key] = url;
}

std::string Url(std::string_view res, int64_t id, std::string_view sub) {
  std::string u = "/api/v2/" + std::string(res) + "/" + std::to_string(id) + "/";
  if (!sub.empty()) u += std::string(sub) + "/";
  return u;
}

}  // namespace baton::api
