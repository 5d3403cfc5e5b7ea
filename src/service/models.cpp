#include "service/models.hpp"

#include <stdexcept>

namespace baton::service {

Models& Models::Get() {
  static Models m;
  return m;
}

void Models::Add(const ResourceModel* def) {
  defs_.push_back(def);
  by_name_[def->name] = def;
  by_type_[def->type] = def;
}

const ResourceModel* Models::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const ResourceModel* Models::ByType(std::string_view type) const {
  auto it = by_type_.find(type);
  return it == by_type_.end() ? nullptr : it->second;
}

const ResourceModel& Models::Must(std::string_view name) const {
  auto* d = Find(name);
  if (!d) throw std::logic_error("unknown resource " + std::string(name));
  return *d;
}

void Models::Clear() {
  defs_.clear();
  by_name_.clear();
  by_type_.clear();
}

}  // namespace baton::service
