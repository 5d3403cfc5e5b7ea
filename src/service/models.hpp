// Every resource model, by URL name and by type. Filled once at startup (the API registers its
// declarations, api/registry.hpp), read-only after.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "service/resource.hpp"

namespace baton::service {

class Models {
 public:
  static Models& Get();
  // `def` must outlive the registry's use (the API's declarations live until Clear()).
  void Add(const ResourceModel* def);
  const ResourceModel* Find(std::string_view name) const;
  const ResourceModel* ByType(std::string_view type) const;
  const ResourceModel& Must(std::string_view name) const;
  const std::vector<const ResourceModel*>& All() const { return defs_; }
  void Clear();

 private:
  std::vector<const ResourceModel*> defs_;
  std::map<std::string, const ResourceModel*, std::less<>> by_name_, by_type_;
};

}  // namespace baton::service
