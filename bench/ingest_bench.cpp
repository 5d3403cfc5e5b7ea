// Event ingestion benchmark (issue 4, must-show 5c): a recorded ansible-runner event stream
// (tests/fixtures/runner_events_mixed.jsonl, repeated with fresh counters up to BENCH_EVENTS
// events) fed to the EventIngestor in pipe-sized chunks, as a running job feeds it, into a fresh
// SQLite store with every migration applied (job_events with its indexes, host summaries, job
// output). Reference measured in the same run: the same lines written by bare SQLite, one
// prepared INSERT of (job_id, counter, line) per event in transactions of 1,000 into a table with
// no index, on the same pragmas. Goal: 50,000 events/s or more (AWX documents 1,100-1,600/s on 4
// CPUs). Prints a report and, last, one `RESULT {json}` line.
//
// Usage: ingest_bench [fixture.jsonl]   (environment: BENCH_EVENTS, default 200000; BENCH_ROUNDS,
// default 3, the best round of each side is reported)
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "runner/event_ingest.hpp"
#include "runner/job_runner.hpp"
#include "store/db.hpp"

namespace fs = std::filesystem;
using namespace baton;

namespace {

using SteadyClock = std::chrono::steady_clock;

int EnvInt(const char* name, int dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : dflt;
}

// The recorded events repeated with contiguous counters; one playbook_on_stats, last.
std::string BuildStream(const std::string& fixture, int n) {
  std::vector<json::object> events;
  std::istringstream lines(fixture);
  for (std::string line; std::getline(lines, line);)
    if (auto v = ParseJson(line); v && v->is_object()) events.push_back(v->as_object());
  if (events.empty()) return {};
  std::string stream;
  for (int i = 0; i < n; ++i) {
    json::object e = events[i % events.size()];
    e["counter"] = i + 1;
    if (e["event"] == "playbook_on_stats" && i + 1 != n) e["event"] = "runner_on_ok";
    stream += Dump(e);
    stream += '\n';
  }
  return stream;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("baton-ingest-bench-" + RandomAlnum(10));
  TempDir() { fs::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// baton: a fresh migrated store, one running job of an inventory with the fixture's hosts.
double IngestSeconds(const std::string& stream, int n) {
  TempDir dir;
  auto db = store::OpenSqlite((dir.path / "baton.db").string());
  db->Migrate();
  auto& c = db->Local();
  std::string now = "2024-01-01T00:00:00.000000Z";
  int64_t inv =
      c.Insert("INSERT INTO inventories (name, created, modified) VALUES ('i', ?, ?) RETURNING id",
               {now, now});
  runner::HostMap hosts;
  for (const char* h : {"good", "bad"})
    hosts[h] = c.Insert(
        "INSERT INTO hosts (name, inventory_id, created, modified) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        {std::string(h), inv, now, now});
  int64_t job = c.Insert(
      "INSERT INTO unified_jobs (type, name, status, inventory_id, created, modified) VALUES "
      "('job', 'j', 'running', ?, ?, ?) RETURNING id",
      {inv, now, now});
  FakeClock clock(1700000000000000);
  runner::EventIngestor::Options o;
  o.background = true;
  auto t0 = SteadyClock::now();
  {
    runner::OutputWriter out(*db, job);
    runner::EventIngestor ing(*db, job, hosts, &out, clock, o);
    for (size_t i = 0; i < stream.size(); i += 65536)
      ing.Feed(std::string_view(stream).substr(i, 65536));
    ing.Finish();
  }
  double secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  auto stored = c.QueryInt("SELECT COUNT(*) FROM job_events WHERE job_id = ?", {job});
  if (stored.value_or(-1) != n) {
    std::fprintf(stderr, "ingest-bench: %lld events stored, %d expected\n",
                 static_cast<long long>(stored.value_or(-1)), n);
    std::exit(1);
  }
  return secs;
}

// Reference: bare SQLite inserting the same lines, prepared statement, 1,000 per transaction.
double BareSqliteSeconds(const std::string& stream, int n) {
  TempDir dir;
  sqlite3* db = nullptr;
  sqlite3_open((dir.path / "bare.db").string().c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
               "PRAGMA cache_size=-8000; CREATE TABLE ev (job_id INTEGER, counter INTEGER, "
               "line TEXT);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO ev VALUES (1, ?, ?)", -1, &st, nullptr);
  auto t0 = SteadyClock::now();
  size_t pos = 0;
  int counter = 0;
  while (pos < stream.size()) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int k = 0; k < 1000 && pos < stream.size(); ++k) {
      size_t nl = stream.find('\n', pos);
      if (nl == std::string::npos) nl = stream.size();
      sqlite3_bind_int64(st, 1, ++counter);
      sqlite3_bind_text(st, 2, stream.data() + pos, static_cast<int>(nl - pos), SQLITE_STATIC);
      sqlite3_step(st);
      sqlite3_reset(st);
      pos = nl + 1;
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (counter != n) {
    std::fprintf(stderr, "ingest-bench: bare reference wrote %d lines, %d expected\n", counter, n);
    std::exit(1);
  }
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path fixture_path =
      argc > 1 ? fs::path(argv[1])
               : fs::path(BATON_SOURCE_DIR) / "tests" / "fixtures" / "runner_events_mixed.jsonl";
  std::ifstream in(fixture_path);
  std::stringstream ss;
  ss << in.rdbuf();
  const int n = EnvInt("BENCH_EVENTS", 200000);
  const int rounds = std::max(1, EnvInt("BENCH_ROUNDS", 3));
  std::string stream = BuildStream(ss.str(), n);
  if (stream.empty()) {
    std::fprintf(stderr, "ingest-bench: no events in %s\n", fixture_path.c_str());
    return 1;
  }
  // The share of parsing and deriving the rows alone (what the feeding thread does).
  double parse_secs;
  {
    runner::HostMap hosts{{"good", 1}, {"bad", 2}};
    auto t0 = SteadyClock::now();
    size_t bytes = 0;
    std::istringstream lines(stream);
    for (std::string line; std::getline(lines, line);)
      if (auto v = ParseJson(line); v && v->is_object())
        if (auto d = runner::DeriveEvent(v->as_object(), hosts,
                                         runner::TopLevelMember(line, "event_data")))
          bytes += d->event_data.size();
    parse_secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    std::printf("parse + derive alone: %.0f events/s (%.1f MB of event_data)\n", n / parse_secs,
                bytes / 1e6);
  }
  double best_baton = 1e9, best_bare = 1e9;
  for (int r = 0; r < rounds; ++r) {  // interleaved, so machine noise hits both alike
    double b = IngestSeconds(stream, n);
    double s = BareSqliteSeconds(stream, n);
    std::printf("round %d: baton %.3f s (%.0f events/s), bare sqlite %.3f s (%.0f lines/s)\n",
                r + 1, b, n / b, s, n / s);
    best_baton = std::min(best_baton, b);
    best_bare = std::min(best_bare, s);
  }
  double rate = n / best_baton, bare_rate = n / best_bare;
  std::printf("events: %d (%.1f MB of runner output)\n", n, stream.size() / 1e6);
  std::printf("baton ingestion: %.0f events/s (goal >= 50000; AWX documents 1100-1600/s)\n", rate);
  std::printf("bare sqlite insert of the same lines: %.0f lines/s; baton/bare = %.2f\n", bare_rate,
              rate / bare_rate);
  std::printf(
      "RESULT {\"bench\": \"ingest\", \"events\": %d, \"events_per_s\": %.0f, "
      "\"bare_sqlite_lines_per_s\": %.0f, \"ratio_to_bare\": %.3f, "
      "\"parse_derive_per_s\": %.0f}\n",
      n, rate, bare_rate, rate / bare_rate, n / parse_secs);
  return 0;
}
