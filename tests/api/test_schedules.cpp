// Schedules through the API (api-resources.md §20, RB-9): create at the top level and under each
// template, the computed fields, AWX's rrule messages, template rules (manual project, non-cloud
// inventory source), prompts validated like a launch, PATCH {"enabled": false} alone, uniqueness,
// RBAC (read through the template, create with its execute right, edit as admin or creator),
// sub-lists, preview/ and zoneinfo/, and the cascade when the template goes.
#include "harness.hpp"
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

constexpr const char* kRule = "DTSTART:20300115T120000Z RRULE:FREQ=DAILY;INTERVAL=1;COUNT=3";

std::string SchedUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/schedules/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

json::object Body(int64_t ujt, const std::string& name = "nightly", const char* rule = kRule) {
  return json::object{{"name", name}, {"unified_job_template", ujt}, {"rrule", rule}};
}

TEST(Schedules, CreateShowsComputedFieldsRelatedAndSummary) {
  Api api;
  JtWorld w(api, "s1");
  auto r = api.Post("/api/v2/schedules/", Body(w.jt)).Expect(201);
  EXPECT_EQ(r["type"], "schedule");
  EXPECT_EQ(r["rrule"], kRule);
  EXPECT_EQ(r["enabled"], true);
  EXPECT_EQ(r["dtstart"], "2030-01-15T12:00:00Z");
  EXPECT_EQ(r["dtend"], "2030-01-17T12:00:00Z");
  EXPECT_EQ(r["next_run"], "2030-01-15T12:00:00Z");
  EXPECT_EQ(r["timezone"], "UTC");
  EXPECT_EQ(r["until"], "");
  EXPECT_EQ(r["extra_data"], json::object{});
  for (const char* k :
       {"inventory", "scm_branch", "job_type", "job_tags", "skip_tags", "limit", "diff_mode",
        "verbosity", "execution_environment", "forks", "job_slice_count", "timeout"})
    EXPECT_TRUE(r[k].is_null()) << k;
  auto& rel = r["related"].as_object();
  EXPECT_EQ(rel.at("unified_jobs"), json::value(SchedUrl(r.id(), "jobs")));
  EXPECT_EQ(rel.at("unified_job_template"), json::value(JtUrl(w.jt)));
  EXPECT_EQ(rel.at("project"), json::value(ProjUrl(w.project)));
  EXPECT_EQ(rel.at("inventory"), json::value(InvUrl2(w.inventory)));  // the template's
  EXPECT_EQ(rel.at("credentials"), json::value(SchedUrl(r.id(), "credentials")));
  EXPECT_EQ(rel.at("labels"), json::value(SchedUrl(r.id(), "labels")));
  auto& sf = r["summary_fields"].as_object();
  EXPECT_EQ(sf.at("unified_job_template").at("unified_job_type"), "job");
  EXPECT_EQ(sf.at("inventory").at("id"), w.inventory);
  EXPECT_EQ(sf.at("user_capabilities"), (json::object{{"edit", true}, {"delete", true}}));
  // The template links its schedules and shows the next run.
  auto jt = api.Get(JtUrl(w.jt)).Expect(200);
  EXPECT_EQ(jt["related"].at("schedules"), json::value(JtUrl(w.jt, "schedules")));
  EXPECT_EQ(jt["next_job_run"], "2030-01-15T12:00:00Z");
  EXPECT_EQ(api.Get(JtUrl(w.jt, "schedules")).Expect(200).count(), 1);
  EXPECT_EQ(
      api.Get("/api/v2/schedules/?unified_job_template=" + std::to_string(w.jt) + "&name=nightly")
          .Expect(200)
          .count(),
      1);
}

TEST(Schedules, ZoneRuleNaiveUntilIsStoredInUtc) {
  Api api;
  JtWorld w(api, "s2");
  auto r =
      api.Post("/api/v2/schedules/", Body(w.jt, "ny",
                                          "DTSTART;TZID=America/New_York:20300601T120000 "
                                          "RRULE:FREQ=HOURLY;INTERVAL=1;UNTIL=20300601T170000"))
          .Expect(201);
  EXPECT_EQ(r["rrule"],
            "DTSTART;TZID=America/New_York:20300601T120000 "
            "RRULE:FREQ=HOURLY;INTERVAL=1;UNTIL=20300601T210000Z");
  EXPECT_EQ(r["timezone"], "America/New_York");
  EXPECT_EQ(r["until"], "2030-06-01T17:00:00");
  EXPECT_EQ(r["dtstart"], "2030-06-01T16:00:00Z");
  EXPECT_EQ(r["dtend"], "2030-06-01T21:00:00Z");
}

TEST(Schedules, RruleErrorsAreAwxs) {
  Api api;
  JtWorld w(api, "s3");
  auto r = api.Post("/api/v2/schedules/", Body(w.jt, "x", "DTSTART:20300308T050000Z")).Expect(400);
  EXPECT_EQ(r["rrule"].as_array()[0], "One or more rule required in rrule.");
  r = api.Post("/api/v2/schedules/",
               Body(w.jt, "x", "DTSTART:20300308T050000Z RRULE:FREQ=DAILY;INTERVAL=1;COUNT=1000"))
          .Expect(400);
  EXPECT_EQ(r["rrule"].as_array()[0],
            "COUNT > 999 is unsupported: RULE:FREQ=DAILY;INTERVAL=1;COUNT=1000");
  r = api.Post("/api/v2/schedules/", Body(w.jt, "x", "")).Expect(400);
  EXPECT_EQ(r["rrule"].as_array()[0], "This field may not be blank.");
  r = api.Post("/api/v2/schedules/", json::object{{"name", "x"}, {"unified_job_template", w.jt}})
          .Expect(400);
  EXPECT_EQ(r["rrule"].as_array()[0], "This field is required.");
  EXPECT_EQ(api.Get("/api/v2/schedules/").Expect(200).count(), 0);
}

TEST(Schedules, UniquePerTemplate) {
  Api api;
  JtWorld w(api, "s4");
  api.Post("/api/v2/schedules/", Body(w.jt)).Expect(201);
  auto r = api.Post(JtUrl(w.jt, "schedules"), json::object{{"name", "nightly"}, {"rrule", kRule}})
               .Expect(400);
  EXPECT_EQ(r["__all__"].as_array()[0],
            "Schedule with this Unified job template and Name already exists.");
  // Another template may reuse the name.
  int64_t jt2 = MakeJt(api, "s4-jt2", w.project, w.inventory);
  api.Post(JtUrl(jt2, "schedules"), json::object{{"name", "nightly"}, {"rrule", kRule}})
      .Expect(201);
}

TEST(Schedules, TemplateKindsAndTheirRules) {
  Api api;
  int64_t org = api.Org("s5-org");
  int64_t manual = MakeProject(api, "s5-manual", org);
  auto r = api.Post("/api/v2/schedules/", Body(manual)).Expect(400);
  EXPECT_EQ(r["unified_job_template"].as_array()[0], "Manual Project cannot have a schedule set.");
  int64_t git =
      api.Post("/api/v2/projects/", json::object{{"name", "s5-git"},
                                                 {"organization", org},
                                                 {"scm_type", "git"},
                                                 {"scm_url", "https://example.invalid/r.git"}})
          .Expect(201)
          .id();
  api.Post("/api/v2/projects/" + std::to_string(git) + "/schedules/",
           json::object{{"name", "sync"}, {"rrule", kRule}})
      .Expect(201);
  int64_t inv = MakeInventory(api, "s5-inv", org);
  int64_t file_src = api.Post("/api/v2/inventory_sources/",
                              json::object{{"name", "f"}, {"inventory", inv}, {"source", "file"}})
                         .Expect(201)
                         .id();
  r = api.Post("/api/v2/schedules/", Body(file_src)).Expect(400);
  EXPECT_EQ(r["unified_job_template"].as_array()[0], "Inventory Source must be a cloud resource.");
  int64_t wfjt = MakeWfjt(api, "s5-wf", org);
  auto s = api.Post(WfjtUrl(wfjt, "schedules"), json::object{{"name", "wf"}, {"rrule", kRule}})
               .Expect(201);
  EXPECT_EQ(s["summary_fields"].at("unified_job_template").at("unified_job_type"), "workflow_job");
  r = api.Post("/api/v2/schedules/", Body(999999)).Expect(400);
  EXPECT_EQ(r["unified_job_template"].as_array()[0],
            "Invalid pk \"999999\" - object does not exist.");
}

TEST(Schedules, PromptsNeedTheTemplatesAskFlags) {
  Api api;
  JtWorld w(api, "s6", json::object{{"ask_limit_on_launch", true}});
  json::object b = Body(w.jt);
  b["limit"] = "h1";
  b["job_tags"] = "deploy";
  auto r = api.Post("/api/v2/schedules/", b).Expect(400);
  EXPECT_EQ(r.obj(), (json::object{{"job_tags", json::array{"Field is not configured to prompt "
                                                            "on launch."}}}));
  b.erase("job_tags");
  auto s = api.Post("/api/v2/schedules/", b).Expect(201);
  EXPECT_EQ(s["limit"], "h1");
  // null = the template's value, always accepted.
  api.Patch(SchedUrl(s.id()), json::object{{"job_tags", nullptr}}).Expect(200);
  r = api.Patch(SchedUrl(s.id()), json::object{{"extra_data", json::object{{"a", 1}}}}).Expect(400);
  EXPECT_TRUE(r.obj().contains("extra_data")) << r.body;
  // Disabling alone skips validation, even when the template stopped asking.
  api.Patch(JtUrl(w.jt), json::object{{"ask_limit_on_launch", false}}).Expect(200);
  auto d = api.Patch(SchedUrl(s.id()), json::object{{"enabled", false}}).Expect(200);
  EXPECT_EQ(d["enabled"], false);
  EXPECT_TRUE(d["next_run"].is_null());
  r = api.Patch(SchedUrl(s.id()), json::object{{"enabled", true}, {"limit", "h2"}}).Expect(400);
  EXPECT_EQ(r["limit"].as_array()[0], "Field is not configured to prompt on launch.");
}

TEST(Schedules, SurveyAnswersRequiredAndPasswordsEncrypted) {
  Api api;
  JtWorld w(api, "s11", json::object{{"survey_enabled", true}});
  api.Post(JtUrl(w.jt, "survey_spec"),
           json::object{{"name", ""},
                        {"description", ""},
                        {"spec", json::array{json::object{{"question_name", "p"},
                                                          {"required", true},
                                                          {"type", "password"},
                                                          {"variable", "secret"}}}}})
      .Expect(200);
  // Schedules suppress no error class: a required answer is required (LA-5).
  auto r = api.Post("/api/v2/schedules/", Body(w.jt)).Expect(400);
  EXPECT_TRUE(r.obj().contains("variables_needed_to_start")) << r.body;
  json::object b = Body(w.jt);
  b["extra_data"] = json::object{{"secret", "hunter2"}};
  auto s = api.Post("/api/v2/schedules/", b).Expect(201);
  EXPECT_EQ(s["extra_data"].at("secret"), "$encrypted$");
  auto stored =
      api.db().Local().QueryString("SELECT extra_data FROM schedules WHERE id = ?", {s.id()});
  EXPECT_EQ(stored.value_or("hunter2").find("hunter2"), std::string::npos);
  // "$encrypted$" sent back keeps the stored answer.
  api.Patch(SchedUrl(s.id()), json::object{{"extra_data", json::object{{"secret", "$encrypted$"}}}})
      .Expect(200);
  EXPECT_EQ(api.db().Local().QueryString("SELECT extra_data FROM schedules WHERE id = ?", {s.id()}),
            stored);
}

TEST(Schedules, CreateScheduleFromAJob) {
  Api api;
  JtWorld w(api, "s12", json::object{{"ask_limit_on_launch", true}});
  int64_t job =
      api.Post(JtUrl(w.jt, "launch"), json::object{{"limit", "h1"}}).Expect(201)["job"].as_int64();
  std::string url = "/api/v2/jobs/" + std::to_string(job) + "/create_schedule/";
  auto g = api.Get(url).Expect(200);
  EXPECT_EQ(g["can_schedule"], true);
  EXPECT_EQ(g["prompts"].at("limit"), "h1");
  EXPECT_EQ(api.Get("/api/v2/jobs/" + std::to_string(job) + "/")
                .Expect(200)["related"]
                .at("create_schedule"),
            json::value(url));
  auto s = api.Post(url, json::object{}).Expect(201);
  EXPECT_EQ(s["name"], json::value("Auto-generated schedule from job " + std::to_string(job)));
  EXPECT_EQ(s["enabled"], false);
  EXPECT_EQ(s["limit"], "h1");
  EXPECT_EQ(s["unified_job_template"], w.jt);
  EXPECT_TRUE(s["next_run"].is_null());
  EXPECT_EQ(s["timezone"], "UTC");
  EXPECT_NE(std::string(s["rrule"].as_string()).find(" RRULE:FREQ=MONTHLY;INTERVAL=1"),
            std::string::npos);
  auto again = api.Post(url, json::object{}).Expect(201);
  EXPECT_EQ(again["name"],
            json::value("Auto-generated schedule from job " + std::to_string(job) + " - number 1"));
  // Without the template there is nothing to schedule.
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE id = ?", {job});
  api.Delete(JtUrl(w.jt)).Expect(204);
  auto r = api.Post(url, json::object{}).Expect(400);
  EXPECT_EQ(r["error"], "Cannot create schedule because a related resource is missing.");
}

TEST(Schedules, RbacFollowsTheTemplate) {
  Api api;
  JtWorld w(api, "s7");
  int64_t reader = api.User("reader");
  int64_t runner = api.User("runner");
  api.Grant(JtUrl(w.jt), "read_role", reader);
  api.Grant(JtUrl(w.jt), "execute_role", runner);
  int64_t admin_sched = api.Post("/api/v2/schedules/", Body(w.jt, "by-admin")).Expect(201).id();
  api.Post("/api/v2/schedules/", Body(w.jt, "r")).As("reader").Expect(403);
  auto mine = api.Post("/api/v2/schedules/", Body(w.jt, "mine")).As("runner").Expect(201);
  EXPECT_EQ(mine["summary_fields"].at("user_capabilities").at("edit"), true);
  // The creator with execute edits its own schedule, not another's.
  api.Patch(SchedUrl(mine.id()), json::object{{"description", "x"}}).As("runner").Expect(200);
  api.Patch(SchedUrl(admin_sched), json::object{{"description", "x"}}).As("runner").Expect(403);
  api.Delete(SchedUrl(admin_sched)).As("runner").Expect(403);
  // Reading follows the template's read.
  EXPECT_EQ(api.Get("/api/v2/schedules/").As("reader").Expect(200).count(), 2);
  api.User("nobody");
  EXPECT_EQ(api.Get("/api/v2/schedules/").As("nobody").Expect(200).count(), 0);
  api.Get(SchedUrl(admin_sched)).As("nobody").Expect(403);
  api.Delete(SchedUrl(mine.id())).As("runner").Expect(204);
}

TEST(Schedules, TopLevelOrdersByIdSubListByNextRun) {
  Api api;
  JtWorld w(api, "s8");
  int64_t a = api.Post("/api/v2/schedules/",
                       Body(w.jt, "late", "DTSTART:20350101T000000Z RRULE:FREQ=DAILY;INTERVAL=1"))
                  .Expect(201)
                  .id();
  int64_t b = api.Post("/api/v2/schedules/", Body(w.jt, "early")).Expect(201).id();
  auto top = api.Get("/api/v2/schedules/").Expect(200);
  EXPECT_EQ(top.results()[0].at("id"), a);
  auto sub = api.Get(JtUrl(w.jt, "schedules")).Expect(200);
  EXPECT_EQ(sub.results()[0].at("id"), a);  // next_run descending
  EXPECT_EQ(sub.results()[1].at("id"), b);
  auto asc = api.Get("/api/v2/schedules/?order_by=next_run").Expect(200);
  EXPECT_EQ(asc.results()[0].at("id"), b);
}

TEST(Schedules, LabelsCredentialsAndJobsSubLists) {
  Api api;
  JtWorld w(api, "s9", json::object{{"ask_credential_on_launch", true}});
  int64_t s = api.Post("/api/v2/schedules/", Body(w.jt)).Expect(201).id();
  api.Post(SchedUrl(s, "labels"), json::object{{"name", "nightly"}, {"organization", w.org}})
      .Expect(201);
  EXPECT_EQ(api.Get(SchedUrl(s, "labels")).Expect(200).count(), 1);
  int64_t cred = jt::MakeCred(api, "s9-aws", "Amazon Web Services", w.org,
                              {{"username", "u"}, {"password", "p"}});
  api.Post(SchedUrl(s, "credentials"), json::object{{"id", cred}}).Expect(204);
  EXPECT_EQ(api.Get(SchedUrl(s, "credentials")).Expect(200).count(), 1);
  EXPECT_EQ(api.Get(SchedUrl(s, "jobs")).Expect(200).count(), 0);
  auto igs = api.Get("/api/v2/instance_groups/?name=default").Expect(200);
  ASSERT_EQ(igs.count(), 1);
  api.Post(SchedUrl(s, "instance_groups"), json::object{{"id", igs.results()[0].at("id")}})
      .Expect(204);
  EXPECT_EQ(api.Get(SchedUrl(s, "instance_groups")).Expect(200).count(), 1);
  // A template that does not ask for credentials refuses them.
  int64_t jt2 = MakeJt(api, "s9-jt2", w.project, w.inventory);
  int64_t s2 = api.Post("/api/v2/schedules/", Body(jt2)).Expect(201).id();
  auto r = api.Post(SchedUrl(s2, "credentials"), json::object{{"id", cred}}).Expect(400);
  EXPECT_EQ(r["msg"], "Related template is not configured to accept credentials on launch.");
}

TEST(Schedules, DeletingTheTemplateDeletesItsSchedules) {
  Api api;
  JtWorld w(api, "s10");
  int64_t s = api.Post("/api/v2/schedules/", Body(w.jt)).Expect(201).id();
  api.Post(SchedUrl(s, "labels"), json::object{{"name", "l"}, {"organization", w.org}}).Expect(201);
  api.Delete(JtUrl(w.jt)).Expect(204);
  api.Get(SchedUrl(s)).Expect(404);
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM label_attachments WHERE owner_type = 'schedule'"),
            0);
}

TEST(Schedules, PreviewAndZoneInfo) {
  Api api;
  api.User("someone");
  auto r = api.Post("/api/v2/schedules/preview/",
                    json::object{{"rrule",
                                  "DTSTART;TZID=America/New_York:20300301T090000 "
                                  "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=6 "
                                  "EXRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"}})
               .As("someone")
               .Expect(200);
  EXPECT_EQ(r["utc"],
            (json::array{"2030-03-04T14:00:00Z", "2030-03-06T14:00:00Z", "2030-03-11T13:00:00Z",
                         "2030-03-18T13:00:00Z", "2030-03-20T13:00:00Z"}));
  EXPECT_EQ(r["local"].as_array()[2], "2030-03-11T09:00:00-04:00");
  auto ten =
      api.Post("/api/v2/schedules/preview/",
               json::object{{"rrule", "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1"}})
          .Expect(200);
  EXPECT_EQ(ten["utc"].as_array().size(), 10u);
  EXPECT_EQ(ten["local"].as_array()[0], "2030-01-01T00:00:00Z");
  auto bad = api.Post("/api/v2/schedules/preview/", json::object{{"rrule", "DTSTART:NONSENSE"}})
                 .Expect(400);
  EXPECT_EQ(bad["rrule"].as_array()[0],
            "Valid DTSTART required in rrule. Value should start with: DTSTART:YYYYMMDDTHHMMSSZ");
  auto z = api.Get("/api/v2/schedules/zoneinfo/").As("someone").Expect(200);
  bool found = false;
  for (auto& v : z["zones"].as_array()) found = found || v == "America/New_York";
  EXPECT_TRUE(found);
  EXPECT_EQ(z["links"].at("US/Eastern"), "America/New_York");
  api.Get("/api/v2/schedules/zoneinfo/").Anonymous().Expect(401);
}

}  // namespace
}  // namespace baton::testing
