// Helpers of the launch/ tests of job templates (test_job_launch*.cpp): survey questions and a
// launch that must be accepted with nothing ignored.
#pragma once
#include "job_fixtures.hpp"

namespace baton::testing {
namespace launch {

using namespace jt;

inline json::object Q(const std::string& type, const std::string& var, bool required,
                      json::object extra = {}) {
  extra["type"] = type;
  extra["question_name"] = var;
  extra["variable"] = var;
  extra["required"] = required;
  return extra;
}

inline void SetSurvey(Api& api, int64_t jt, json::array questions) {
  api.Post(JtUrl(jt, "survey_spec"),
           json::object{{"name", "S"}, {"description", ""}, {"spec", std::move(questions)}})
      .Expect(200);
  api.Patch(JtUrl(jt), json::object{{"survey_enabled", true}}).Expect(200);
}

inline int64_t Launch(Api& api, int64_t jt, json::object body = {},
                      const std::string& as = "admin") {
  Resp r = api.Post(JtUrl(jt, "launch"), body).As(as).Expect(201);
  EXPECT_EQ(r["ignored_fields"], json::object{}) << r.body;
  return r["job"].as_int64();
}

// The awx CLI builds `job_templates launch` options (-e, --limit, ...) from OPTIONS actions.POST
// of launch/, and refuses to launch when it is missing (issue 12).

}  // namespace launch
}  // namespace baton::testing
