// Job event ingestion (runner/event_ingest): AWX's derived columns case by case, host summaries
// from playbook_on_stats, and a recorded ansible-runner stream (tests/fixtures/
// runner_events_mixed.jsonl: ok, changed, ignored failure, skipped, set_stats, a failed host and
// an unreachable one) replayed into a real SQLite store, in batches, idempotently.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.hpp"
#include "runner/event_ingest.hpp"

namespace baton::runner {
namespace {

namespace fs = std::filesystem;

json::object Obj(std::string_view text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v && v->is_object()) << text;
  return v && v->is_object() ? v->as_object() : json::object{};
}

struct DeriveCase {
  const char* name;
  const char* json;
  int level;
  bool failed;
  bool changed;
  const char* host_name;
  std::optional<int64_t> host_id;
};

TEST(EventIngest, DerivesAwxColumns) {
  const HostMap hosts{{"web1", 7}, {"db1", 9}};
  const DeriveCase cases[] = {
      {"start", R"({"event":"playbook_on_start","counter":1,"event_data":{"playbook":"a.yml"}})", 0,
       false, false, "", std::nullopt},
      {"play", R"({"event":"playbook_on_play_start","counter":2,"event_data":{"play":" all "}})", 1,
       false, false, "", std::nullopt},
      {"task", R"({"event":"playbook_on_task_start","counter":3,"event_data":{"task":"t"}})", 2,
       false, false, "", std::nullopt},
      {"ok", R"({"event":"runner_on_ok","counter":4,"event_data":{"host":"web1","res":{}}})", 3,
       false, false, "web1", 7},
      {"ok changed",
       R"({"event":"runner_on_ok","counter":5,"event_data":{"host":"db1","res":{"changed":true}}})",
       3, false, true, "db1", 9},
      {"failed",
       R"({"event":"runner_on_failed","counter":6,"event_data":{"host":"web1","res":{}}})", 3, true,
       false, "web1", 7},
      {"failed ignored",
       R"({"event":"runner_on_failed","counter":7,"event_data":{"host":"web1","ignore_errors":true,"res":{"changed":true}}})",
       3, false, true, "web1", 7},
      {"unreachable, host not in inventory",
       R"({"event":"runner_on_unreachable","counter":8,"event_data":{"host":"other"}})", 3, true,
       false, "other", std::nullopt},
      {"skipped", R"({"event":"runner_on_skipped","counter":9,"event_data":{"host":"web1"}})", 3,
       false, false, "web1", 7},
      {"item failed",
       R"({"event":"runner_item_on_failed","counter":10,"event_data":{"host":"web1"}})", 3, true,
       false, "web1", 7},
      {"verbose", R"({"event":"verbose","counter":11,"stdout":"x","event_data":{}})", 0, false,
       false, "", std::nullopt},
      {"error", R"({"event":"error","counter":12,"event_data":{}})", 0, true, false, "",
       std::nullopt},
      {"unknown event", R"({"event":"something_new","counter":13})", 0, false, false, "",
       std::nullopt},
      {"stats ok",
       R"({"event":"playbook_on_stats","counter":14,"event_data":{"changed":{"web1":0},"failures":{},"dark":{}}})",
       1, false, false, "", std::nullopt},
      {"stats failed and changed",
       R"({"event":"playbook_on_stats","counter":15,"event_data":{"changed":{"web1":2},"failures":{},"dark":{"db1":1}}})",
       1, true, true, "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto d = DeriveEvent(Obj(c.json), hosts);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->event_level, c.level);
    EXPECT_EQ(d->failed, c.failed);
    EXPECT_EQ(d->changed, c.changed);
    EXPECT_EQ(d->host_name, c.host_name);
    EXPECT_EQ(d->host_id, c.host_id);
  }
  EXPECT_EQ(
      DeriveEvent(
          Obj(R"({"event":"playbook_on_play_start","counter":2,"event_data":{"play":" all "}})"),
          hosts)
          ->play,
      "all");
}

TEST(EventIngest, CopiesPositionAndTextFields) {
  auto d = DeriveEvent(
      Obj(R"({"uuid":"u1","counter":3,"stdout":"TASK [t]","start_line":2,"end_line":4,"event":"playbook_on_task_start","created":"2024-01-02T03:04:05.123456","parent_uuid":"p1","verbosity":2,"event_data":{"playbook":"site.yml","play":"all","task":"t","role":"r1","task_args":""}})"),
      {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->uuid, "u1");
  EXPECT_EQ(d->parent_uuid, "p1");
  EXPECT_EQ(d->counter, 3);
  EXPECT_EQ(d->stdout, "TASK [t]");
  EXPECT_EQ(d->start_line, 2);
  EXPECT_EQ(d->end_line, 4);
  EXPECT_EQ(d->verbosity, 2);
  EXPECT_EQ(d->playbook, "site.yml");
  EXPECT_EQ(d->task, "t");
  EXPECT_EQ(d->role, "r1");
  EXPECT_EQ(d->created, "2024-01-02T03:04:05.123456Z");
  EXPECT_EQ(Obj(d->event_data).at("task"), "t");
}

TEST(EventIngest, LinesThatAreNotEventsAreNotDerived) {
  EXPECT_FALSE(DeriveEvent(Obj(R"({"status":"starting"})"), {}));
  EXPECT_FALSE(DeriveEvent(Obj(R"({"event":"runner_on_ok"})"), {}));
  EXPECT_FALSE(DeriveEvent(Obj(R"({"event":"runner_on_ok","counter":"1"})"), {}));
}

TEST(EventIngest, FindsTheRawTextOfATopLevelMember) {
  std::string_view line =
      R"({"a": {"event_data": 1}, "s": "x\"event_data\": 2", "event_data": {"k": [1, {"b": "}"}]}, "z": 3})";
  EXPECT_EQ(TopLevelMember(line, "event_data"), R"({"k": [1, {"b": "}"}]})");
  EXPECT_EQ(TopLevelMember(line, "z"), "3");
  EXPECT_EQ(TopLevelMember(line, "s"), R"("x\"event_data\": 2")");
  EXPECT_EQ(TopLevelMember(line, "missing"), "");
  EXPECT_EQ(TopLevelMember(R"({"event_data":{}})", "event_data"), "{}");
  // The stored text is the line's own (valid JSON), not a re-serialization.
  auto d = DeriveEvent(Obj(line.substr(0)), {}, TopLevelMember(line, "event_data"));
  ASSERT_FALSE(d);  // no event name: not an event
  std::string ev = R"({"event": "verbose", "counter": 1, "event_data": {"x": 1.50}})";
  d = DeriveEvent(Obj(ev), {}, TopLevelMember(ev, "event_data"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->event_data, R"({"x": 1.50})");
}

TEST(EventIngest, HostSummariesFromStats) {
  auto s = SummariesFromStats(
      Obj(R"({"changed":{"bad":2,"good":2},"dark":{"gone":1},"failures":{"bad":1},"ignored":{"bad":1,"good":1,"onlyignored":1},"ok":{"good":4,"bad":4,"gone":1},"processed":{"good":1,"bad":1,"gone":1},"rescued":{},"skipped":{"good":2,"bad":1}})"),
      {{"good", 1}, {"bad", 2}});
  ASSERT_EQ(s.size(), 3u);  // hosts named only in ignored/rescued get no summary (AWX)
  EXPECT_EQ(s[0].host_name, "bad");
  EXPECT_EQ(s[0].host_id, 2);
  EXPECT_EQ(s[0].changed, 2);
  EXPECT_EQ(s[0].failures, 1);
  EXPECT_EQ(s[0].ignored, 1);
  EXPECT_EQ(s[0].ok, 4);
  EXPECT_EQ(s[0].skipped, 1);
  EXPECT_TRUE(s[0].failed);
  EXPECT_EQ(s[1].host_name, "gone");
  EXPECT_EQ(s[1].host_id, std::nullopt);
  EXPECT_EQ(s[1].dark, 1);
  EXPECT_TRUE(s[1].failed);
  EXPECT_EQ(s[2].host_name, "good");
  EXPECT_FALSE(s[2].failed);
  EXPECT_EQ(s[2].processed, 1);
}

// A migrated SQLite store with one inventory (hosts good and bad) and one job.
struct Store {
  fs::path dir = fs::temp_directory_path() / ("baton-ingest-" + RandomAlnum(10));
  std::unique_ptr<store::Database> db;
  FakeClock clock{1700000000000000};
  int64_t job = 0;
  HostMap hosts;
  Store() {
    fs::create_directories(dir);
    db = store::OpenSqlite((dir / "baton.db").string());
    db->Migrate();
    auto& c = db->Local();
    std::string now = "2024-01-01T00:00:00.000000Z";
    int64_t inv = c.Insert(
        "INSERT INTO inventories (name, created, modified) VALUES ('i', ?, ?) RETURNING id",
        {now, now});
    for (const char* h : {"good", "bad"})
      hosts[h] = c.Insert(
          "INSERT INTO hosts (name, inventory_id, created, modified) VALUES (?, ?, ?, ?) "
          "RETURNING id",
          {std::string(h), inv, now, now});
    job = c.Insert(
        "INSERT INTO unified_jobs (type, name, status, inventory_id, created, modified) VALUES "
        "('job', 'j', 'running', ?, ?, ?) RETURNING id",
        {inv, now, now});
  }
  ~Store() {
    db.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  int64_t Int(const std::string& sql, const store::Params& p = {}) {
    return db->Local().QueryInt(sql, p).value_or(-1);
  }
};

std::string Fixture() {
  fs::path p = fs::path(BATON_SOURCE_DIR) / "tests" / "fixtures" / "runner_events_mixed.jsonl";
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Feeds `text` in chunks of `chunk` bytes (lines cut anywhere, as pipes deliver them).
void FeedInChunks(EventIngestor& ing, const std::string& text, size_t chunk) {
  for (size_t i = 0; i < text.size(); i += chunk) ing.Feed(std::string_view(text).substr(i, chunk));
}

TEST(EventIngest, RecordedRunLandsInTheStore) {
  Store s;
  std::string stream = Fixture();
  ASSERT_FALSE(stream.empty());
  {
    OutputWriter out(*s.db, s.job);
    EventIngestor ing(*s.db, s.job, s.hosts, &out, s.clock);
    FeedInChunks(ing, stream, 777);
    ing.Finish();
    EXPECT_EQ(ing.events(), 37);
    EXPECT_TRUE(ing.saw_stats());
    EXPECT_EQ(ing.artifacts(), (json::value(json::object{{"answer", 42}, {"who", "bad"}})));
  }
  const std::string j = std::to_string(s.job);
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events WHERE job_id = " + j), 37);
  EXPECT_EQ(s.Int("SELECT MIN(counter) FROM job_events WHERE job_id = " + j), 1);
  EXPECT_EQ(s.Int("SELECT MAX(counter) FROM job_events WHERE job_id = " + j), 37);
  EXPECT_EQ(
      s.Int("SELECT COUNT(*) FROM job_events WHERE event = 'runner_on_failed' AND failed = 1"),
      1);  // two of the three failures were ignored
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events WHERE event = 'runner_on_unreachable' AND "
                  "failed = 1 AND host_id IS NULL AND host_name = 'gone'"),
            1);
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events WHERE host_name = 'good' AND host_id = ?",
                  {s.hosts["good"]}),
            s.Int("SELECT COUNT(*) FROM job_events WHERE host_name = 'good'"));
  // Parents of failed / changed events are marked at playbook_on_stats (AWX, one level).
  EXPECT_EQ(s.Int("SELECT failed FROM job_events WHERE event = 'playbook_on_task_start' AND task "
                  "= 'fail on bad host'"),
            1);
  EXPECT_EQ(s.Int("SELECT changed FROM job_events WHERE event = 'playbook_on_task_start' AND "
                  "task = 'change something'"),
            1);
  EXPECT_EQ(s.Int("SELECT failed FROM job_events WHERE event = 'playbook_on_task_start' AND task "
                  "= 'say hello'"),
            0);
  EXPECT_EQ(s.Int("SELECT failed + 2 * changed FROM job_events WHERE event = 'playbook_on_stats'"),
            3);
  EXPECT_EQ(s.Int("SELECT event_level FROM job_events WHERE event = 'playbook_on_task_start' "
                  "LIMIT 1"),
            2);
  // Host summaries and the hosts' last job.
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_host_summaries WHERE job_id = " + j), 3);
  EXPECT_EQ(s.Int("SELECT failed FROM job_host_summaries WHERE host_name = 'bad'"), 1);
  EXPECT_EQ(s.Int("SELECT failed FROM job_host_summaries WHERE host_name = 'gone'"), 1);
  EXPECT_EQ(s.Int("SELECT failed FROM job_host_summaries WHERE host_name = 'good'"), 0);
  EXPECT_EQ(s.Int("SELECT ok * 100 + changed * 10 + skipped FROM job_host_summaries WHERE "
                  "host_name = 'good'"),
            422);
  EXPECT_EQ(s.Int("SELECT last_job_id FROM hosts WHERE name = 'good'"), s.job);
  EXPECT_EQ(s.Int("SELECT last_job_host_summary_id FROM hosts WHERE name = 'bad'"),
            s.Int("SELECT id FROM job_host_summaries WHERE host_name = 'bad'"));
  // Artifacts, output, processing finished.
  EXPECT_EQ(*s.db->Local().QueryString("SELECT artifacts FROM unified_jobs WHERE id = " + j),
            R"({"answer":42,"who":"bad"})");
  EXPECT_EQ(s.Int("SELECT event_processing_finished FROM unified_jobs WHERE id = " + j), 1);
  std::string text = JobOutput(s.db->Local(), s.job);
  EXPECT_NE(text.find("PLAY RECAP"), std::string::npos);
  EXPECT_NE(text.find("TASK [say hello]"), std::string::npos);
  EXPECT_LT(text.find("TASK [say hello]"), text.find("PLAY RECAP"));
}

// What the store holds after a replay (events with their derived columns, summaries, hosts,
// artifacts, output), as text.
std::string Snapshot(Store& s) {
  std::string out;
  auto& c = s.db->Local();
  for (const char* sql :
       {"SELECT event, counter, event_data, event_level, failed, changed, uuid, parent_uuid, "
        "host_id, host_name, playbook, play, task, role, stdout, start_line, end_line FROM "
        "job_events ORDER BY counter",
        "SELECT host_id, host_name, changed, dark, failures, ok, processed, skipped, failed, "
        "ignored, rescued FROM job_host_summaries ORDER BY host_name",
        "SELECT name, last_job_id FROM hosts ORDER BY name",
        "SELECT artifacts FROM unified_jobs"}) {
    for (auto& r : c.Query(sql).rows) {
      for (auto& v : r) out += store::AsString(v) + "|";
      out += "\n";
    }
  }
  return out + JobOutput(c, s.job);
}

TEST(EventIngest, TheBackgroundWriterStoresTheSame) {
  std::string stream = Fixture() + "a last line of text\n";
  std::string snap[2];
  for (int background = 0; background < 2; ++background) {
    Store s;
    EventIngestor::Options o;
    o.background = background == 1;
    o.max_batch = 7;
    {
      OutputWriter out(*s.db, s.job);
      EventIngestor ing(*s.db, s.job, s.hosts, &out, s.clock, o);
      FeedInChunks(ing, stream, 333);
      ing.Finish();
      EXPECT_EQ(ing.events(), 37);
    }
    snap[background] = Snapshot(s);
  }
  EXPECT_EQ(snap[0], snap[1]);
  EXPECT_NE(snap[1].find("a last line of text"), std::string::npos);
}

TEST(EventIngest, ReplayWritesNothingTwice) {
  Store s;
  std::string stream = Fixture();
  for (int round = 0; round < 2; ++round) {
    OutputWriter out(*s.db, s.job);
    EventIngestor ing(*s.db, s.job, s.hosts, &out, s.clock);
    FeedInChunks(ing, stream, 4096);
    ing.Feed(stream);  // the same stream twice within one ingestor too
    ing.Finish();
    EXPECT_EQ(ing.events(), round == 0 ? 37 : 0);
  }
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events"), 37);
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_host_summaries"), 3);
  std::string text = JobOutput(s.db->Local(), s.job);
  size_t first = text.find("PLAY RECAP");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(text.find("PLAY RECAP", first + 1), std::string::npos);
}

TEST(EventIngest, WritesInBatches) {
  Store s;
  std::string stream = Fixture();
  EventIngestor::Options o;
  o.max_batch = 10;
  o.flush_ms = 1000000;  // only full batches are written until Flush
  EventIngestor ing(*s.db, s.job, s.hosts, nullptr, s.clock, o);
  std::istringstream lines(stream);
  std::string line;
  for (int i = 0; i < 25 && std::getline(lines, line); ++i) ing.FeedLine(line);
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events"), 20);
  ing.MaybeFlush();  // neither full nor old
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events"), 20);
  ing.Flush();
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events"), 25);
  while (std::getline(lines, line)) ing.FeedLine(line);
  ing.Finish();
  EXPECT_EQ(s.Int("SELECT COUNT(*) FROM job_events"), 37);
}

TEST(EventIngest, OtherOutputIsKeptAsText) {
  Store s;
  OutputWriter out(*s.db, s.job);
  EventIngestor ing(*s.db, s.job, s.hosts, &out, s.clock);
  ing.Feed("Traceback (most recent call last):\n  boom\n{not json\n");
  ing.Feed(R"({"event":"verbose","counter":1,"stdout":"ERROR! no playbook","event_data":{}})");
  ing.Finish();  // the last line had no newline
  EXPECT_EQ(ing.events(), 1);
  EXPECT_EQ(ing.other_output(), "Traceback (most recent call last):\n  boom\n{not json\n");
  EXPECT_EQ(JobOutput(s.db->Local(), s.job),
            "Traceback (most recent call last):\n  boom\n{not json\nERROR! no playbook\n");
}

}  // namespace
}  // namespace baton::runner
