#include "store/job_status_sql.hpp"

#include <vector>

namespace baton::store {
namespace {

template <class Range>
std::string Join(const Range& statuses) {
  std::string out = "(";
  for (JobStatus s : statuses) {
    if (out.size() > 1) out += ", ";
    out += "'";
    out += ToString(s);
    out += "'";
  }
  return out + ")";
}

}  // namespace

std::string StatusList(std::initializer_list<JobStatus> statuses) {
  return Join(statuses);
}

const std::string& ActiveStatusList() {
  static const std::string list = [] {
    std::vector<JobStatus> active;
    for (JobStatus s : kJobStatuses)
      if (IsActive(s)) active.push_back(s);
    return Join(active);
  }();
  return list;
}

}  // namespace baton::store
