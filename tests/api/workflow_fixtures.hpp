// Fixtures for workflow template and node tests (suites Workflow*): URLs, a workflow job
// template, nodes and edges made through the API, and workflow job rows written straight to the
// store (launching is tested elsewhere).
#pragma once
#include <string>
#include <vector>

#include "job_fixtures.hpp"

namespace baton::testing::wf {

using namespace jt;

inline std::string WfjtUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/workflow_job_templates/" + std::to_string(id) + "/" +
         (sub.empty() ? "" : sub + "/");
}
inline std::string NodeUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/workflow_job_template_nodes/" + std::to_string(id) + "/" +
         (sub.empty() ? "" : sub + "/");
}
inline constexpr const char* kWfjts = "/api/v2/workflow_job_templates/";
inline constexpr const char* kNodes = "/api/v2/workflow_job_template_nodes/";

inline int64_t MakeWfjt(Api& api, const std::string& name, int64_t org, json::object extra = {}) {
  extra["name"] = name;
  if (org) extra["organization"] = org;
  return api.Post(kWfjts, extra).Expect(201).id();
}

inline int64_t MakeNode(Api& api, int64_t wfjt, json::object body = {}) {
  return api.Post(WfjtUrl(wfjt, "workflow_nodes"), body).Expect(201).id();
}

inline Resp Link(Api& api, int64_t parent, const std::string& type, int64_t child,
                 const std::string& user = "admin") {
  return api.Post(NodeUrl(parent, type + "_nodes"), json::object{{"id", child}}).As(user).Send();
}

inline std::vector<int64_t> IdList(const json::value& v) {
  std::vector<int64_t> out;
  for (auto& x : v.as_array()) out.push_back(x.as_int64());
  return out;
}

// A workflow job row of `wfjt` in `status`.
inline int64_t InsertWorkflowJob(Api& api, int64_t wfjt, const std::string& status) {
  return api.db().Local().Insert(
      "INSERT INTO unified_jobs (type, name, status, unified_job_template_id, "
      "workflow_job_template_id, created, modified) VALUES ('workflow_job', 'wj', ?, ?, ?, "
      "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id",
      {status, wfjt, wfjt});
}

inline int64_t CountRows(Api& api, const std::string& sql, store::Params p = {}) {
  return api.db().Local().QueryInt(sql, p).value_or(-1);
}

}  // namespace baton::testing::wf
