// Survey answers at launch/ of job templates (contract §13.1, workflow-semantics.md LA-10,
// LA-11): every question type, defaults and variable precedence, encrypted password answers.
#include "launch_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace launch;

TEST(JobLaunch, SurveyAnswersOfEveryType) {
  Api api;
  JtWorld w(api, "sa");
  SetSurvey(
      api, w.jt,
      json::array{Q("text", "txt", true, {{"min", 2}, {"max", 4}}), Q("textarea", "area", false),
                  Q("integer", "num", false, {{"min", 1}, {"max", 10}}),
                  Q("float", "flt", false, {{"min", 0}, {"max", 1}}),
                  Q("multiplechoice", "one", false, {{"choices", "a\nb"}}),
                  Q("multiselect", "many", false, {{"choices", json::array{"x", "y"}}})});
  int64_t before = CountJobs(api);
  struct C {
    json::object vars;
    std::vector<std::string> errors;
  };
  for (const C& c : std::vector<C>{
           {{}, {"'txt' value missing"}},
           {{{"txt", 5}}, {"Value 5 for 'txt' expected to be a string."}},
           {{{"txt", "a"}}, {"'txt' value a is too small (length is 1 must be at least 2)."}},
           {{{"txt", "abcde"}}, {"'txt' value abcde is too large (must be no more than 4)."}},
           {{{"txt", "ok"}, {"num", 1.5}}, {"Value 1.5 for 'num' expected to be an integer."}},
           {{{"txt", "ok"}, {"num", 0}}, {"'num' value 0 is too small (must be at least 1)."}},
           {{{"txt", "ok"}, {"num", 11}},
            {"'num' value 11 is too large (must be no more than 10)."}},
           {{{"txt", "ok"}, {"flt", "x"}}, {"Value x for 'flt' expected to be a numeric type."}},
           {{{"txt", "ok"}, {"one", "c"}}, {"Value c for 'one' expected to be one of ['a', 'b']."}},
           {{{"txt", "ok"}, {"many", "x"}}, {"'many' value is expected to be a list."}},
           {{{"txt", "ok"}, {"many", json::array{"x", "z"}}},
            {"Value z for 'many' expected to be one of ['x', 'y']."}},
       }) {
    SCOPED_TRACE(Dump(c.vars));
    Resp r = api.Post(JtUrl(w.jt, "launch"), json::object{{"extra_vars", c.vars}}).Expect(400);
    EXPECT_EQ(Strs(r["variables_needed_to_start"]), c.errors) << r.body;
  }
  EXPECT_EQ(CountJobs(api), before);
  // Valid answers are accepted even though the template does not prompt for variables; other
  // variables are ignored.
  Resp ok = api.Post(JtUrl(w.jt, "launch"),
                     json::object{{"extra_vars", json::object{{"txt", "ok"},
                                                              {"area", "long\ntext"},
                                                              {"num", 3},
                                                              {"flt", 0.5},
                                                              {"one", "b"},
                                                              {"many", json::array{"y"}},
                                                              {"stray", 1}}}})
                .Expect(201);
  EXPECT_EQ(ok["ignored_fields"], (json::object{{"extra_vars", json::object{{"stray", 1}}}}));
  json::object vars = JobJson(api, ok["job"].as_int64(), "extra_vars");
  EXPECT_EQ(vars, (json::object{{"txt", "ok"},
                                {"area", "long\ntext"},
                                {"num", 3},
                                {"flt", 0.5},
                                {"one", "b"},
                                {"many", json::array{"y"}}}));
  // A disabled survey takes no part: answers are just unprompted variables.
  api.Patch(JtUrl(w.jt), json::object{{"survey_enabled", false}}).Expect(200);
  Resp off = api.Post(JtUrl(w.jt, "launch"), json::object{{"extra_vars", json::object{{"txt", 5}}}})
                 .Expect(201);
  EXPECT_EQ(off["ignored_fields"], (json::object{{"extra_vars", json::object{{"txt", 5}}}}));
}

TEST(JobLaunch, SurveyDefaultsAndVariablePrecedence) {
  Api api;
  JtWorld w(api, "pd",
            {{"extra_vars", "{\"a\": \"jt\", \"b\": \"jt\", \"c\": \"jt\"}"},
             {"ask_variables_on_launch", true}});
  SetSurvey(api, w.jt,
            json::array{Q("text", "b", false, {{"default", "survey"}}),
                        Q("text", "c", false, {{"default", "survey"}}),
                        Q("text", "d", false, {{"default", "x"}, {"min", 3}}),  // invalid default
                        Q("multiplechoice", "e", false, {{"choices", "p\nq"}, {"default", "q"}})});
  int64_t job = Launch(api, w.jt, {{"extra_vars", json::object{{"c", "launch"}, {"f", "launch"}}}});
  EXPECT_EQ(
      JobJson(api, job, "extra_vars"),
      (json::object{{"a", "jt"}, {"b", "survey"}, {"c", "launch"}, {"e", "q"}, {"f", "launch"}}));
  // The launch config keeps only what was given.
  EXPECT_EQ(JobJson(api, job, "launch_config").at("extra_vars"),
            (json::object{{"c", "launch"}, {"f", "launch"}}));
}

TEST(JobLaunch, SurveyPasswordsAreEncrypted) {
  Api api;
  JtWorld w(api, "spw");
  SetSurvey(api, w.jt,
            json::array{Q("password", "secret", true),
                        Q("password", "opt", false, {{"default", "dflt"}, {"max", 8}}),
                        Q("password", "unused", false)});
  // A required password without default: the placeholder does not answer it.
  Resp missing = api.Post(JtUrl(w.jt, "launch"),
                          json::object{{"extra_vars", json::object{{"secret", "$encrypted$"}}}})
                     .Expect(400);
  EXPECT_EQ(Strs(missing["variables_needed_to_start"]),
            std::vector<std::string>{"'secret' value missing"});
  Resp wrong = api.Post(JtUrl(w.jt, "launch"),
                        json::object{{"extra_vars", json::object{{"secret", json::array{1}}}}})
                   .Expect(400);
  EXPECT_EQ(Strs(wrong["variables_needed_to_start"]),
            std::vector<std::string>{"Value [1] for 'secret' expected to be a string."});
  int64_t job = Launch(
      api, w.jt, {{"extra_vars", json::object{{"secret", "hunter2"}, {"opt", "$encrypted$"}}}});
  json::object vars = JobJson(api, job, "extra_vars");
  std::string secret(vars.at("secret").as_string());
  std::string opt(vars.at("opt").as_string());
  EXPECT_EQ(secret.rfind("$encrypted$AESGCM$", 0), 0u);
  EXPECT_EQ(Plain(api, secret), "hunter2");
  // "$encrypted$" means the default, which reaches the job encrypted too.
  EXPECT_EQ(opt.rfind("$encrypted$AESGCM$", 0), 0u);
  EXPECT_EQ(Plain(api, opt), "dflt");
  EXPECT_FALSE(vars.contains("unused"));
  EXPECT_EQ(
      JobJson(api, job, "survey_passwords"),
      (json::object{{"secret", "$encrypted$"}, {"opt", "$encrypted$"}, {"unused", "$encrypted$"}}));
  json::object config = JobJson(api, job, "launch_config");
  std::string cfg_secret(config.at("extra_vars").as_object().at("secret").as_string());
  EXPECT_EQ(Plain(api, cfg_secret), "hunter2");
  EXPECT_FALSE(config.at("extra_vars").as_object().contains("opt"));
  EXPECT_EQ(JobColumn(api, job, "extra_vars")->find("hunter2"), std::string::npos);
  // Too long for max.
  Resp big = api.Post(JtUrl(w.jt, "launch"),
                      json::object{{"extra_vars",
                                    json::object{{"secret", "s"}, {"opt", std::string(100, 'y')}}}})
                 .Expect(400);
  EXPECT_EQ(big["variables_needed_to_start"].as_array().size(), 1u);
}

}  // namespace
}  // namespace baton::testing
