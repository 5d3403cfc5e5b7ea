#include "store/job_status_sql.hpp"

namespace baton::store {

std::string StatusList(std::initializer_list<JobStatus> statuses) {
  std::string out = "(";
  for (JobStatus s : statuses) {
    if (out.size() > 1) out += ", ";
    out += "'";
    out += ToString(s);
    out += "'";
  }
  return out + ")";
}

const std::string& ActiveStatusList() {
  static const std::string list = [] {
    std::string out = "(";
    for (JobStatus s : kJobStatuses)
      if (IsActive(s)) {
        if (out.size() > 1) out += ", ";
        out += "'" + std::string(ToString(s)) + "'";
      }
    return out + ")";
  }();
  return list;
}

}  // namespace baton::store
