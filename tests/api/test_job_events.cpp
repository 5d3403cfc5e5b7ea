// Job events (api-resources.md §18), job host summaries (§17.1) and what hosts learn from them
// (§12: last_job, has_active_failures, recent_jobs).
#include "job_rows.hpp"

// Event rows are written with designated initializers naming only what each test needs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace baton::testing {
namespace {

using namespace jobs;

std::string EventUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/job_events/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

struct EventRun {
  Api api;
  JobRows rows{api};
  int64_t job = 0, host = 0, other_host = 0, group = 0;
  int64_t start = 0, play = 0, task = 0, ok = 0, failed = 0, stats = 0;

  EventRun() {
    host = api.Post("/api/v2/hosts/", json::object{{"name", "web1"}, {"inventory", rows.inventory}})
               .Expect(201)
               .id();
    other_host =
        api.Post("/api/v2/hosts/", json::object{{"name", "db1"}, {"inventory", rows.inventory}})
            .Expect(201)
            .id();
    group =
        api.Post("/api/v2/groups/", json::object{{"name", "web"}, {"inventory", rows.inventory}})
            .Expect(201)
            .id();
    api.Post("/api/v2/groups/" + std::to_string(group) + "/hosts/", json::object{{"id", host}})
        .Expect(204);
    auto spec = rows.Spec();
    spec.status = "failed";
    job = rows.Job(spec);
    // Inserted out of counter order: lists still answer in counter order.
    stats = rows.Event(job, {.event = "playbook_on_stats", .counter = 6, .uuid = "u6"});
    start = rows.Event(job, {.event = "playbook_on_start",
                             .counter = 1,
                             .uuid = "u1",
                             .stdout_text = std::string(1500, 'p')});
    play = rows.Event(job, {.event = "playbook_on_play_start",
                            .counter = 2,
                            .uuid = "u2",
                            .parent_uuid = "u1",
                            .play = "all"});
    task = rows.Event(job, {.event = "playbook_on_task_start",
                            .counter = 3,
                            .uuid = "u3",
                            .parent_uuid = "u2",
                            .play = "all",
                            .task = "ping",
                            .role = "common"});
    ok = rows.Event(job, {.event = "runner_on_ok",
                          .counter = 4,
                          .host = host,
                          .host_name = "web1",
                          .uuid = "u4",
                          .parent_uuid = "u3",
                          .stdout_text = std::string(1100, 'x'),
                          .changed = true,
                          .play = "all",
                          .task = "ping",
                          .event_data = R"({"res": {"changed": true}})"});
    failed = rows.Event(job, {.event = "runner_on_failed",
                              .counter = 5,
                              .host = other_host,
                              .host_name = "db1",
                              .uuid = "u5",
                              .parent_uuid = "u3",
                              .stdout_text = "\x1b[0;31m" + std::string(1100, 'f'),
                              .failed = true,
                              .play = "all",
                              .task = "ping"});
  }
};

TEST(JobEvents, ListInCounterOrderWithFilters) {
  EventRun r;
  std::string url = JobUrl(r.job, "job_events");
  Resp all = r.api.Get(url).Expect(200);
  EXPECT_EQ(Ids(all), (std::vector<int64_t>{r.start, r.play, r.task, r.ok, r.failed, r.stats}));
  EXPECT_EQ(Ids(r.api.Get(url + "?event=runner_on_ok").Expect(200)), std::vector<int64_t>{r.ok});
  EXPECT_EQ(Ids(r.api.Get(url + "?failed=true").Expect(200)), std::vector<int64_t>{r.failed});
  EXPECT_EQ(Ids(r.api.Get(url + "?changed=1").Expect(200)), std::vector<int64_t>{r.ok});
  EXPECT_EQ(Ids(r.api.Get(url + "?host_name=db1").Expect(200)), std::vector<int64_t>{r.failed});
  EXPECT_EQ(Ids(r.api.Get(url + "?parent_uuid=u3").Expect(200)),
            (std::vector<int64_t>{r.ok, r.failed}));
  EXPECT_EQ(Ids(r.api.Get(url + "?event__startswith=playbook_on&order_by=-counter").Expect(200)),
            (std::vector<int64_t>{r.stats, r.task, r.play, r.start}));
  EXPECT_EQ(r.api.Get(url + "?host=" + std::to_string(r.host)).Expect(200).count(), 1);
  EXPECT_EQ(Ids(r.api.Get(url + "?hosts__name=db1").Expect(200)), std::vector<int64_t>{r.failed});
  EXPECT_EQ(Ids(r.api.Get(url + "?host__name=web1").Expect(200)), std::vector<int64_t>{r.ok});
  r.api.Get(url + "?failed=maybe").Expect(400);
  r.api.Get(url + "?nope=1").Expect(400);
}

TEST(JobEvents, StdoutTruncatedInListsUnlessNoTruncate) {
  EventRun r;
  std::string url = JobUrl(r.job, "job_events");
  auto by_id = [](const Resp& l, int64_t id) {
    for (auto& e : l.results())
      if (e.as_object().at("id").as_int64() == id) return S(e.as_object().at("stdout"));
    return std::string("?");
  };
  Resp l = r.api.Get(url).Expect(200);
  std::string ok = by_id(l, r.ok);
  EXPECT_EQ(ok, std::string(1023, 'x') + "\u2026");
  // A truncated colour is reset.
  std::string failed = by_id(l, r.failed);
  EXPECT_EQ(failed.substr(failed.size() - 4), "\x1b[0m");
  // playbook_on_* events are never truncated.
  EXPECT_EQ(by_id(l, r.start).size(), 1500u);
  Resp full = r.api.Get(url + "?no_truncate=1").Expect(200);
  EXPECT_EQ(by_id(full, r.ok), std::string(1100, 'x'));
  // Details are whole.
  EXPECT_EQ(S(r.api.Get(EventUrl(r.ok)).Expect(200)["stdout"]), std::string(1100, 'x'));
}

TEST(JobEvents, DetailFieldsDisplayAndSummaries) {
  EventRun r;
  Resp d = r.api.Get(EventUrl(r.ok)).Expect(200);
  EXPECT_EQ(Keys(d.json),
            (std::vector<std::string>{
                "id",          "type",     "url",      "related", "summary_fields", "created",
                "modified",    "job",      "event",    "counter", "event_display",  "event_data",
                "event_level", "failed",   "changed",  "uuid",    "parent_uuid",    "host",
                "host_name",   "playbook", "play",     "task",    "role",           "stdout",
                "start_line",  "end_line", "verbosity"}));
  EXPECT_EQ(d["type"], "job_event");
  EXPECT_EQ(d["event_display"], "Host OK");
  EXPECT_EQ(d["event_level"], 3);
  EXPECT_EQ(d["event_data"], (json::object{{"res", json::object{{"changed", true}}}}));
  EXPECT_EQ(d["host"], r.host);
  const auto& rel = d["related"].as_object();
  EXPECT_EQ(rel.at("job"), json::value(JobUrl(r.job)));
  EXPECT_EQ(rel.at("children"), json::value(EventUrl(r.ok, "children")));
  EXPECT_EQ(rel.at("host"), json::value("/api/v2/hosts/" + std::to_string(r.host) + "/"));
  const auto& sf = d["summary_fields"].as_object();
  EXPECT_EQ(sf.at("host").as_object().at("name"), "web1");
  const auto& job = sf.at("job").as_object();
  EXPECT_EQ(job.at("status"), "failed");
  EXPECT_EQ(job.at("type"), "job");
  EXPECT_EQ(job.at("job_template_id"), r.rows.job_template);
  EXPECT_EQ(job.at("job_template_name"), "Deploy JobOrg");
  EXPECT_EQ(sf.at("role"), json::object{});
  auto display = [&](int64_t id) {
    return S(r.api.Get(EventUrl(id)).Expect(200)["event_display"]);
  };
  EXPECT_EQ(display(r.start), "Playbook Started");
  EXPECT_EQ(display(r.play), "Play Started (all)");
  EXPECT_EQ(display(r.task), "Task Started (common | ping)");
  EXPECT_EQ(display(r.failed), "Host Failed");
  EXPECT_EQ(display(r.stats), "Playbook Complete");
  EXPECT_EQ(r.api.Get(EventUrl(r.stats)).Expect(200)["event_level"], 1);
  int64_t async = r.rows.Event(
      r.job,
      {.event = "runner_on_ok",
       .counter = 7,
       .event_data =
           R"({"res": {"ansible_job_id": "1.2", "invocation": {"module_name": "command"}}})"});
  EXPECT_EQ(display(async), "Host Async Started");
  int64_t timeout = r.rows.Event(r.job, {.event = "runner_on_failed",
                                         .counter = 8,
                                         .event_data = R"({"res": {"msg": "timed out"}})"});
  EXPECT_EQ(display(timeout), "Host Async Timeout");
}

TEST(JobEvents, ChildrenAndNoTopLevelList) {
  EventRun r;
  EXPECT_EQ(Ids(r.api.Get(EventUrl(r.task, "children")).Expect(200)),
            (std::vector<int64_t>{r.ok, r.failed}));
  EXPECT_EQ(Ids(r.api.Get(EventUrl(r.start, "children")).Expect(200)),
            std::vector<int64_t>{r.play});
  r.api.Get("/api/v2/job_events/").Expect(404);
  r.api.Get("/api/v2/job_host_summaries/").Expect(404);
  r.api.Get(EventUrl(9999)).Expect(404);
  r.api.Get(EventUrl(9999, "children")).Expect(404);
  r.api.Delete(EventUrl(r.ok)).Expect(405);
  r.api.Patch(EventUrl(r.ok), json::object{{"event", "x"}}).Expect(405);
  r.api.Post(EventUrl(r.ok, "children"), json::object{}).Expect(405);
}

TEST(JobEvents, VisibleWithTheJob) {
  EventRun r;
  int64_t reader = r.api.User("reader");
  r.api.User("stranger");
  r.rows.GrantTemplate(r.rows.job_template, "read_role", reader);
  r.api.Get(EventUrl(r.ok)).As("reader").Expect(200);
  r.api.Get(EventUrl(r.ok)).As("stranger").Expect(403);
  r.api.Get(EventUrl(r.task, "children")).As("stranger").Expect(403);
  // Host sub-lists show only the events of readable jobs: the inventory reader sees the host
  // but not the job.
  int64_t inv_reader = r.api.User("invreader");
  r.api.Grant("/api/v2/inventories/" + std::to_string(r.rows.inventory) + "/", "read_role",
              inv_reader);
  std::string hurl = "/api/v2/hosts/" + std::to_string(r.host) + "/";
  EXPECT_EQ(r.api.Get(hurl + "job_events/").As("invreader").Expect(200).count(), 0);
  EXPECT_EQ(r.api.Get(hurl + "job_events/").Expect(200).count(), 1);
}

TEST(JobHostSummaries, DetailListsAndOrder) {
  EventRun r;
  int64_t s1 = r.rows.Summary(r.job, r.host, "web1", "changed");
  int64_t s2 = r.rows.Summary(r.job, r.other_host, "db1", "failures");
  Resp d = r.api.Get("/api/v2/job_host_summaries/" + std::to_string(s2) + "/").Expect(200);
  EXPECT_EQ(Keys(d.json), (std::vector<std::string>{
                              "id",        "type",     "url",    "related",  "summary_fields",
                              "created",   "modified", "job",    "host",     "constructed_host",
                              "host_name", "changed",  "dark",   "failures", "ok",
                              "processed", "skipped",  "failed", "ignored",  "rescued"}));
  EXPECT_EQ(d["type"], "job_host_summary");
  EXPECT_EQ(d["failed"], true);
  EXPECT_EQ(d["failures"], 1);
  EXPECT_EQ(d["constructed_host"], nullptr);
  EXPECT_EQ(d["related"].as_object().at("job"), json::value(JobUrl(r.job)));
  const auto& sf = d["summary_fields"].as_object();
  EXPECT_EQ(sf.at("host").as_object().at("name"), "db1");
  EXPECT_EQ(sf.at("job").as_object().at("job_template_name"), "Deploy JobOrg");
  // Order -id.
  EXPECT_EQ(Ids(r.api.Get(JobUrl(r.job, "job_host_summaries")).Expect(200)),
            (std::vector<int64_t>{s2, s1}));
  EXPECT_EQ(Ids(r.api.Get(JobUrl(r.job, "job_host_summaries") + "?failed=false").Expect(200)),
            std::vector<int64_t>{s1});
  std::string hurl = "/api/v2/hosts/" + std::to_string(r.host) + "/";
  EXPECT_EQ(Ids(r.api.Get(hurl + "job_host_summaries/").Expect(200)), std::vector<int64_t>{s1});
  EXPECT_EQ(Ids(r.api.Get(hurl + "job_events/").Expect(200)), std::vector<int64_t>{r.ok});
  // A group lists what its hosts (and its children's hosts) did.
  std::string gurl = "/api/v2/groups/" + std::to_string(r.group) + "/";
  EXPECT_EQ(Ids(r.api.Get(gurl + "job_host_summaries/").Expect(200)), std::vector<int64_t>{s1});
  EXPECT_EQ(Ids(r.api.Get(gurl + "job_events/").Expect(200)), std::vector<int64_t>{r.ok});
  int64_t parent = r.api
                       .Post("/api/v2/groups/",
                             json::object{{"name", "all_web"}, {"inventory", r.rows.inventory}})
                       .Expect(201)
                       .id();
  r.api
      .Post("/api/v2/groups/" + std::to_string(parent) + "/children/",
            json::object{{"id", r.group}})
      .Expect(204);
  EXPECT_EQ(
      r.api.Get("/api/v2/groups/" + std::to_string(parent) + "/job_events/").Expect(200).count(),
      1);
  r.api.Get("/api/v2/job_host_summaries/9999/").Expect(404);
  r.api.Delete("/api/v2/job_host_summaries/" + std::to_string(s1) + "/").Expect(405);
  r.api.User("stranger");
  r.api.Get("/api/v2/job_host_summaries/" + std::to_string(s1) + "/").As("stranger").Expect(403);
  EXPECT_TRUE(r.api.Get(hurl).Expect(200)["related"].as_object().contains("job_host_summaries"));
  EXPECT_TRUE(r.api.Get(gurl).Expect(200)["related"].as_object().contains("job_events"));
}

TEST(HostJobs, LastJobActiveFailuresAndRecentJobs) {
  EventRun r;
  std::string hurl = "/api/v2/hosts/" + std::to_string(r.host) + "/";
  Resp before = r.api.Get(hurl).Expect(200);
  EXPECT_EQ(before["last_job"], nullptr);
  EXPECT_EQ(before["has_active_failures"], false);
  EXPECT_EQ(before["summary_fields"].as_object().at("recent_jobs"), json::array{});
  EXPECT_FALSE(before["summary_fields"].as_object().contains("last_job"));
  int64_t s_old = r.rows.Summary(r.job, r.host, "web1", "ok", "2024-01-01T00:01:00.000000Z");
  auto spec = r.rows.Spec();
  spec.status = "failed";
  spec.finished = "2024-01-02T00:00:00.000000Z";
  int64_t job2 = r.rows.Job(spec);
  int64_t s_new = r.rows.Summary(job2, r.host, "web1", "failures", "2024-01-02T00:00:00.000000Z");
  r.rows.db().Exec("UPDATE hosts SET last_job_id = ?, last_job_host_summary_id = ? WHERE id = ?",
                   {job2, s_new, r.host});
  Resp h = r.api.Get(hurl).Expect(200);
  EXPECT_EQ(h["last_job"], job2);
  EXPECT_EQ(h["last_job_host_summary"], s_new);
  EXPECT_EQ(h["has_active_failures"], true);
  const auto& rel = h["related"].as_object();
  EXPECT_EQ(rel.at("last_job"), json::value(JobUrl(job2)));
  EXPECT_EQ(rel.at("last_job_host_summary"),
            json::value("/api/v2/job_host_summaries/" + std::to_string(s_new) + "/"));
  EXPECT_EQ(rel.at("job_events"), json::value(hurl + "job_events/"));
  const auto& sf = h["summary_fields"].as_object();
  const auto& last = sf.at("last_job").as_object();
  EXPECT_EQ(last.at("id"), job2);
  EXPECT_EQ(last.at("status"), "failed");
  EXPECT_EQ(last.at("failed"), true);
  EXPECT_EQ(last.at("finished"), "2024-01-02T00:00:00.000000Z");
  EXPECT_EQ(last.at("job_template_id"), r.rows.job_template);
  EXPECT_EQ(last.at("job_template_name"), "Deploy JobOrg");
  EXPECT_EQ(sf.at("last_job_host_summary"), (json::object{{"id", s_new}, {"failed", true}}));
  const auto& recent = sf.at("recent_jobs").as_array();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(Keys(recent[0]),
            (std::vector<std::string>{"id", "name", "type", "status", "finished"}));
  EXPECT_EQ(recent[0].as_object().at("id"), job2);
  EXPECT_EQ(recent[0].as_object().at("name"), "Deploy JobOrg");
  EXPECT_EQ(recent[0].as_object().at("type"), "job");
  EXPECT_EQ(recent[1].as_object().at("id"), r.job);
  (void)s_old;
  // has_active_failures follows the last summary only.
  r.rows.db().Exec("UPDATE hosts SET last_job_host_summary_id = ? WHERE id = ?", {s_old, r.host});
  EXPECT_EQ(r.api.Get(hurl).Expect(200)["has_active_failures"], false);
  // The host list carries the same.
  Resp l = r.api.Get("/api/v2/hosts/?name=web1").Expect(200);
  EXPECT_EQ(l.results()[0].as_object().at("last_job"), job2);
  EXPECT_EQ(r.api.Get("/api/v2/hosts/?last_job=" + std::to_string(job2)).Expect(200).count(), 1);
}

}  // namespace
}  // namespace baton::testing
