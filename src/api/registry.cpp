#include "api/registry.hpp"

#include <stdexcept>

namespace baton::api {

Registry& Registry::Get() {
  static Registry r;
  return r;
}

ResourceDef& Registry::Add(ResourceDef def) {
  defs_.push_back(std::move(def));
  ResourceDef& d = defs_.back();
  by_name_[d.name] = &d;
  by_type_[d.type] = &d;
  Models::Get().Add(&d);
  return d;
}

const ResourceDef* Registry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const ResourceDef* Registry::ByType(std::string_view type) const {
  auto it = by_type_.find(type);
  return it == by_type_.end() ? nullptr : it->second;
}

const ResourceDef& Registry::Must(std::string_view name) const {
  auto* d = Find(name);
  if (!d) throw std::logic_error("unknown resource " + std::string(name));
  return *d;
}

void Registry::Clear() {
  Models::Get().Clear();
  defs_.clear();
  by_name_.clear();
  by_type_.clear();
}

}  // namespace baton::api
