// Reads of what list pages summarize, for many objects at once (one statement per kind of
// summary and page): the users of created_by/modified_by, the roles of objects, the latest jobs
// of templates.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.hpp"

namespace baton::store {

// "?, ?, ?" for n values.
std::string Marks(size_t n);

struct UserBrief {
  int64_t id = 0;
  std::string username, first_name, last_name;
};
std::vector<UserBrief> UsersByIds(Connection& c, const std::vector<int64_t>& ids);

struct RoleOfObject {
  int64_t object_id = 0, role_id = 0;
  std::string field;
};
std::vector<RoleOfObject> RolesOfObjects(Connection& c, std::string_view content_type,
                                         const std::vector<int64_t>& object_ids);

struct JobBrief {
  int64_t id = 0, template_id = 0;
  std::string name, description, status, type;
  std::optional<std::string> finished, canceled_on;
  bool failed = false;
};
// The `limit` newest jobs and workflow jobs of each template (by unified_job_template_id),
// grouped by template, newest first.
std::vector<JobBrief> LatestJobsOfTemplates(Connection& c, const std::vector<int64_t>& templates,
                                            int limit);
// The newest finished one of a template.
std::optional<JobBrief> LastFinishedJobOfTemplate(Connection& c, int64_t template_id);

}  // namespace baton::store
