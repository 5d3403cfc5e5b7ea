// Firing schedules (scheduler/schedule_manager.hpp with the API's launcher) on a fake clock: a
// complex rule fires exactly at its instants (New York, across the spring-forward change, with
// an EXRULE), downtime fires a missed schedule once, disabled schedules never fire, a deleted
// template takes its schedules along, a second instance cannot fire an occurrence twice, and the
// prompts, launch_type and schedule of the launched jobs. No job runs (no dispatcher).
#include <chrono>
#include <thread>

#include "core/secrets.hpp"
#include "harness.hpp"
#include "scheduler/schedule_manager.hpp"
#include "service/schedule_launch.hpp"
#include "workflow_fixtures.hpp"

namespace baton::testing {
namespace {

using namespace wf;

Micros At(const char* iso) {
  return *ParseIso(iso);
}

struct ScheduleFiring : ::testing::Test {
  Api api;
  FakeClock clock{At("2029-12-01T00:00:00Z")};
  std::unique_ptr<service::ScheduleJobLauncher> launcher;
  std::unique_ptr<scheduler::ScheduleManager> manager;

  void SetUp() override {
    api::Config cfg;
    cfg.data_dir = api.dir().string();
    cfg.secret_key = LoadOrCreateKey(api.dir().string()).value();
    launcher = std::make_unique<service::ScheduleJobLauncher>(cfg);
    manager = std::make_unique<scheduler::ScheduleManager>(api.db(), clock, *launcher);
  }
  int Fire(const char* iso) {
    clock.Set(At(iso));
    return manager->Pass().launched;
  }
  int64_t Schedule(int64_t ujt, const char* rule, json::object extra = {}) {
    extra["name"] = "s" + std::to_string(++n_);
    extra["unified_job_template"] = ujt;
    extra["rrule"] = rule;
    return api.Post("/api/v2/schedules/", extra).Expect(201).id();
  }
  std::string NextRun(int64_t s) {
    auto v = api.Get("/api/v2/schedules/" + std::to_string(s) + "/").Expect(200)["next_run"];
    return v.is_null() ? "null" : std::string(v.as_string());
  }
  int64_t Jobs(int64_t s) {
    return CountRows(api, "SELECT COUNT(*) FROM unified_jobs WHERE schedule_id = ?", {s});
  }
  int n_ = 0;
};

TEST_F(ScheduleFiring, ComplexRuleFiresExactlyAtItsInstants) {
  JtWorld w(api, "f1");
  int64_t s = Schedule(w.jt,
                       "DTSTART;TZID=America/New_York:20300301T090000 "
                       "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=6 "
                       "EXRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE");
  EXPECT_EQ(NextRun(s), "2030-03-04T14:00:00Z");
  const char* instants[] = {"2030-03-04T14:00:00Z", "2030-03-06T14:00:00Z", "2030-03-11T13:00:00Z",
                            "2030-03-18T13:00:00Z", "2030-03-20T13:00:00Z"};
  const char* before[] = {"2030-03-04T13:59:59Z", "2030-03-06T13:59:59Z", "2030-03-11T12:59:59Z",
                          "2030-03-18T12:59:59Z", "2030-03-20T12:59:59Z"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Fire(before[i]), 0) << before[i];
    EXPECT_EQ(Fire(instants[i]), 1) << instants[i];
    EXPECT_EQ(Fire(instants[i]), 0) << instants[i];  // once
  }
  EXPECT_EQ(NextRun(s), "null");  // exhausted (the excluded 03-13 never fired)
  EXPECT_EQ(Fire("2030-12-31T00:00:00Z"), 0);
  EXPECT_EQ(Jobs(s), 5);
  auto jobs = api.Get("/api/v2/schedules/" + std::to_string(s) + "/jobs/").Expect(200);
  EXPECT_EQ(jobs.count(), 5);
  auto& j = jobs.results()[0].as_object();
  EXPECT_EQ(j.at("type"), "job");
  EXPECT_EQ(j.at("launch_type"), "scheduled");
  EXPECT_EQ(j.at("status"), "pending");
}

TEST_F(ScheduleFiring, DowntimeFiresOnceThenMovesPastNow) {
  JtWorld w(api, "f2");
  int64_t s = Schedule(w.jt, "DTSTART:20300101T000000Z RRULE:FREQ=HOURLY;INTERVAL=1");
  EXPECT_EQ(Fire("2030-01-01T00:00:00Z"), 1);
  // Down from 00:00:30 to 05:30: five occurrences missed, one firing.
  EXPECT_EQ(Fire("2030-01-01T05:30:00Z"), 1);
  EXPECT_EQ(NextRun(s), "2030-01-01T06:00:00Z");
  EXPECT_EQ(Fire("2030-01-01T05:59:00Z"), 0);
  EXPECT_EQ(Jobs(s), 2);
}

TEST_F(ScheduleFiring, DisabledSchedulesDoNotFire) {
  JtWorld w(api, "f3");
  int64_t s = Schedule(w.jt, "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1",
                       json::object{{"enabled", false}});
  EXPECT_EQ(NextRun(s), "null");
  EXPECT_EQ(Fire("2030-01-05T00:00:00Z"), 0);
  api.Patch("/api/v2/schedules/" + std::to_string(s) + "/", json::object{{"enabled", true}})
      .Expect(200);
  EXPECT_EQ(Fire("2030-01-05T00:00:00Z"), 1);
  EXPECT_EQ(Jobs(s), 1);
}

TEST_F(ScheduleFiring, DeletedTemplateTakesItsSchedulesAlong) {
  JtWorld w(api, "f4");
  int64_t s = Schedule(w.jt, "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1");
  EXPECT_EQ(Fire("2030-01-01T00:00:00Z"), 1);
  int64_t job =
      api.db().Local().QueryInt("SELECT id FROM unified_jobs WHERE schedule_id = ?", {s}).value();
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE id = ?", {job});
  api.Delete(JtUrl(w.jt)).Expect(204);
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM schedules"), 0);
  EXPECT_EQ(Fire("2030-01-02T00:00:00Z"), 0);
  // The job stays, without its schedule.
  EXPECT_EQ(CountRows(api, "SELECT COUNT(*) FROM unified_jobs WHERE id = ? AND schedule_id IS NULL",
                      {job}),
            1);
}

TEST_F(ScheduleFiring, AnOccurrenceFiresOnceAcrossInstances) {
  JtWorld w(api, "f5");
  int64_t s = Schedule(w.jt, "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1");
  scheduler::ScheduleManager other(api.db(), clock, *launcher);
  clock.Set(At("2030-01-01T00:00:01Z"));
  EXPECT_EQ(manager->Pass().launched + other.Pass().launched, 1);
  EXPECT_EQ(Jobs(s), 1);
  auto next = manager->Pass().next_due;
  ASSERT_TRUE(next);
  EXPECT_EQ(FormatIso(*next), "2030-01-02T00:00:00.000000Z");
}

TEST_F(ScheduleFiring, TenQueuedJobsSkipTheOccurrence) {
  JtWorld w(api, "f7");
  int64_t s = Schedule(w.jt, "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1");
  for (int i = 0; i < 10; ++i)
    api.db().Local().Exec(
        "INSERT INTO unified_jobs (type, name, status, job_template_id, unified_job_template_id, "
        "created, modified) VALUES ('job', 'q', 'pending', ?, ?, 'x', 'x')",
        {w.jt, w.jt});
  // AWX's SCHEDULE_MAX_JOBS: no job, and the occurrence is consumed.
  EXPECT_EQ(Fire("2030-01-01T00:00:00Z"), 0);
  EXPECT_EQ(NextRun(s), "2030-01-02T00:00:00Z");
  EXPECT_EQ(Jobs(s), 0);
  api.db().Local().Exec("UPDATE unified_jobs SET status = 'successful' WHERE schedule_id IS NULL");
  EXPECT_EQ(Fire("2030-01-02T00:00:00Z"), 1);
}

TEST_F(ScheduleFiring, PromptsLaunchTypeAndKinds) {
  JtWorld w(api, "f6",
            json::object{{"ask_limit_on_launch", true}, {"ask_variables_on_launch", true}});
  int64_t s = Schedule(w.jt, "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1",
                       json::object{{"limit", "h1"}, {"extra_data", json::object{{"x", 1}}}});
  int64_t wfjt = MakeWfjt(api, "f6-wf", w.org);
  int64_t ws = Schedule(wfjt, "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1");
  EXPECT_EQ(Fire("2030-01-01T00:00:00Z"), 2);
  auto job = api.Get("/api/v2/schedules/" + std::to_string(s) + "/jobs/").Expect(200).results()[0];
  auto detail =
      api.Get("/api/v2/jobs/" + std::to_string(job.at("id").as_int64()) + "/").Expect(200);
  EXPECT_EQ(detail["limit"], "h1");
  EXPECT_NE(std::string(detail["extra_vars"].as_string()).find("\"x\""), std::string::npos);
  EXPECT_EQ(detail["launch_type"], "scheduled");
  EXPECT_EQ(detail["related"].at("schedule"),
            json::value("/api/v2/schedules/" + std::to_string(s) + "/"));
  EXPECT_EQ(detail["summary_fields"].at("schedule").at("id"), s);
  EXPECT_EQ(detail["launched_by"].at("type"), "schedule");
  EXPECT_EQ(detail["launched_by"].at("id"), s);
  auto wj = api.Get("/api/v2/schedules/" + std::to_string(ws) + "/jobs/").Expect(200).results()[0];
  EXPECT_EQ(wj.at("type"), "workflow_job");
  EXPECT_EQ(wj.at("launch_type"), "scheduled");
  // A template that stopped asking: the prompt is dropped, the job still launches (AWX logs).
  api.Patch(JtUrl(w.jt), json::object{{"ask_limit_on_launch", false}}).Expect(200);
  EXPECT_EQ(Fire("2030-01-02T00:00:00Z"), 2);
  auto second = api.db().Local().QueryString(
      "SELECT limit_ FROM unified_jobs WHERE schedule_id = ? ORDER BY id DESC LIMIT 1", {s});
  EXPECT_EQ(second.value_or("?"), "");
}

// The harness's dispatcher runs the schedules pass as the server does: a schedule that came due
// while nothing ran fires on the first pass (its workflow job, without nodes, succeeds).
TEST(ScheduleDispatch, TheDispatcherPassFiresADueSchedule) {
  Api api;
  int64_t wfjt = MakeWfjt(api, "d1", api.Org("d1-org"));
  int64_t s =
      api.Post(WfjtUrl(wfjt, "schedules"),
               json::object{{"name", "due"},
                            {"rrule", "DTSTART:20200101T000000Z RRULE:FREQ=DAILY;INTERVAL=1"}})
          .Expect(201)
          .id();
  api.db().Local().Exec(
      "UPDATE schedules SET next_run = '2020-01-01T00:00:00.000000Z' WHERE id = ?", {s});
  api.StartDispatcher();
  std::string jobs = "/api/v2/schedules/" + std::to_string(s) + "/jobs/";
  Resp r;
  for (int i = 0; i < 200; ++i) {
    r = api.Get(jobs).Header("Cache-Control", "no-cache").Expect(200);
    if (r.count() > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(r.count(), 1);
  auto wj = api.WaitFinished("/api/v2/workflow_jobs/" +
                             std::to_string(r.results()[0].at("id").as_int64()) + "/");
  api.StopDispatcher();
  EXPECT_EQ(wj["status"], "successful");
  EXPECT_EQ(wj["launch_type"], "scheduled");
  EXPECT_EQ(api.Get(jobs).Expect(200).count(), 1);
}

}  // namespace
}  // namespace baton::testing
