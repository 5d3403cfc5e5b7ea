#include "store/summary_reads.hpp"

#include "store/job_status_sql.hpp"

namespace baton::store {
namespace {

std::optional<std::string> OptString(const Value& v) {
  if (IsNull(v)) return std::nullopt;
  return AsString(v);
}

constexpr const char* kJobCols =
    "id, name, description, status, finished, failed, type, canceled_on, "
    "unified_job_template_id";

JobBrief JobOf(const std::vector<Value>& r) {
  JobBrief j;
  j.id = AsInt(r[0]);
  j.name = AsString(r[1]);
  j.description = AsString(r[2]);
  j.status = AsString(r[3]);
  j.finished = OptString(r[4]);
  j.failed = AsInt(r[5]) != 0;
  j.type = AsString(r[6]);
  j.canceled_on = OptString(r[7]);
  j.template_id = IsNull(r[8]) ? 0 : AsInt(r[8]);
  return j;
}

}  // namespace

std::string Marks(size_t n) {
  std::string m;
  m.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) m += i ? ", ?" : "?";
  return m;
}

std::vector<UserBrief> UsersByIds(Connection& c, const std::vector<int64_t>& ids) {
  std::vector<UserBrief> out;
  if (ids.empty()) return out;
  Params p(ids.begin(), ids.end());
  auto rows = c.Query("SELECT id, username, first_name, last_name FROM users WHERE id IN (" +
                          Marks(ids.size()) + ")",
                      p);
  for (const auto& r : rows.rows)
    out.push_back({AsInt(r[0]), AsString(r[1]), AsString(r[2]), AsString(r[3])});
  return out;
}

std::vector<RoleOfObject> RolesOfObjects(Connection& c, std::string_view content_type,
                                         const std::vector<int64_t>& object_ids) {
  std::vector<RoleOfObject> out;
  if (object_ids.empty()) return out;
  Params p{std::string(content_type)};
  p.insert(p.end(), object_ids.begin(), object_ids.end());
  auto rows = c.Query(
      "SELECT object_id, id, role_field FROM roles WHERE content_type = ? AND object_id IN (" +
          Marks(object_ids.size()) + ")",
      p);
  for (const auto& r : rows.rows) out.push_back({AsInt(r[0]), AsInt(r[1]), AsString(r[2])});
  return out;
}

std::vector<JobBrief> LatestJobsOfTemplates(Connection& c, const std::vector<int64_t>& templates,
                                            int limit) {
  std::vector<JobBrief> out;
  if (templates.empty()) return out;
  Params p(templates.begin(), templates.end());
  p.emplace_back(int64_t{limit});
  auto rows = c.Query(std::string("SELECT ") + kJobCols +
                          " FROM (SELECT u.*, ROW_NUMBER() OVER (PARTITION BY "
                          "u.unified_job_template_id ORDER BY u.id DESC) AS k FROM unified_jobs u "
                          "WHERE u.unified_job_template_id IN (" +
                          Marks(templates.size()) +
                          ") AND u.type IN ('job', 'workflow_job')) x WHERE k <= ? ORDER BY "
                          "unified_job_template_id, id DESC",
                      p);
  for (const auto& r : rows.rows) out.push_back(JobOf(r));
  return out;
}

std::optional<JobBrief> LastFinishedJobOfTemplate(Connection& c, int64_t template_id) {
  auto rows = c.Query(std::string("SELECT ") + kJobCols +
                          " FROM unified_jobs WHERE unified_job_template_id = ? AND type IN "
                          "('job', 'workflow_job') AND status NOT IN " +
                          ActiveStatusList() + " ORDER BY id DESC LIMIT 1",
                      {template_id});
  if (rows.empty()) return std::nullopt;
  return JobOf(rows.rows[0]);
}

}  // namespace baton::store
