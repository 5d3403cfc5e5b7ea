// All resource declarations, by URL name and by type. Filled once at startup, read-only after.
#pragma once
#include <deque>
#include <map>
#include <string>

#include "api/resource.hpp"
#include "service/models.hpp"

namespace baton::api {

class Registry {
 public:
  static Registry& Get();
  ResourceDef& Add(ResourceDef def);
  const ResourceDef* Find(std::string_view name) const;
  const ResourceDef* ByType(std::string_view type) const;
  const ResourceDef& Must(std::string_view name) const;
  const std::deque<ResourceDef>& All() const { return defs_; }
  void Clear();

 private:
  std::deque<ResourceDef> defs_;
  std::map<std::string, ResourceDef*, std::less<>> by_name_, by_type_;
};

}  // namespace baton::api
