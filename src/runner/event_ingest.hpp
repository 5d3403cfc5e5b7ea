// Job event ingestion: ansible-runner's `-j` output (one JSON event per line) into job_events,
// with the columns AWX derives (awx/main/models/events.py, BasePlaybookEvent and the callback
// receiver), the job's stdout (job_output), host summaries from playbook_on_stats, hosts'
// last_job, and set_stats data as the job's artifacts.
//
// Events are written in batches, one transaction per batch (at most `max_batch` events or every
// `flush_ms`); UNIQUE(job_id, counter) and the counters already stored make a replay of the same
// stream write nothing twice. Not thread-safe: one ingestor per job, fed from one thread.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "runner/job_runner.hpp"
#include "store/db.hpp"

namespace baton::runner {

using HostMap = std::unordered_map<std::string, int64_t>;  // host name -> id in the inventory

// One job_events row as AWX derives it from a runner event.
struct DerivedEvent {
  std::string event;
  int64_t counter = 0;
  int64_t event_level = 0;
  bool failed = false;
  bool changed = false;
  std::string uuid, parent_uuid;
  std::string host_name;
  std::optional<int64_t> host_id;
  std::string playbook, play, task, role;
  std::string stdout;
  int64_t start_line = 0, end_line = 0, verbosity = 0;
  std::string created;     // AWX timestamp format; empty when the event carries none
  std::string event_data;  // JSON text
};

// AWX's LEVEL_FOR_EVENT (0 for unknown events).
int EventLevel(std::string_view event);
// Is `event` one of AWX's FAILED_EVENTS?
bool IsFailedEvent(std::string_view event);
// The row of a runner event; nullopt for a line that is not an event (no "event" / "counter").
// `raw_event_data`, when given, is the event_data member's text in the line `ev` was parsed
// from: it is stored as it is instead of serializing the parsed value again.
std::optional<DerivedEvent> DeriveEvent(const json::object& ev, const HostMap& hosts,
                                        std::string_view raw_event_data = {});
// The text of member `key` of the top-level object of the valid JSON text `line` (empty when
// absent), found without parsing.
std::string_view TopLevelMember(std::string_view line, std::string_view key);

struct HostSummary {
  std::string host_name;
  std::optional<int64_t> host_id;
  int64_t changed = 0, dark = 0, failures = 0, ignored = 0, ok = 0, processed = 0, rescued = 0,
          skipped = 0;
  bool failed = false;  // failures > 0 or dark > 0
};
// Host summaries from a playbook_on_stats event's event_data, sorted by host name.
std::vector<HostSummary> SummariesFromStats(const json::object& event_data, const HostMap& hosts);

class EventIngestor {
 public:
  struct Options {
    size_t max_batch = 1000;
    int flush_ms = 100;
    // Batches are written by a thread of the ingestor (its own connection) while the next
    // lines are parsed; Flush() hands a batch over (waiting while two are queued), Sync()
    // waits for what was handed over. Without it, Flush() writes before returning.
    bool background = false;
  };
  // `out` (optional) receives each event's stdout as the job's text output.
  EventIngestor(store::Database& db, int64_t job_id, HostMap hosts, OutputWriter* out,
                const Clock& clock, Options opts);
  EventIngestor(store::Database& db, int64_t job_id, HostMap hosts, OutputWriter* out,
                const Clock& clock)
      : EventIngestor(db, job_id, std::move(hosts), out, clock, Options{}) {}
  ~EventIngestor();

  // Raw process output: complete lines are ingested, a partial line waits for its end.
  void Feed(std::string_view chunk);
  // One line: an event, or other text (kept in the job output as it is).
  void FeedLine(std::string_view line);
  // Writes the pending batch if it is full or older than flush_ms.
  void MaybeFlush();
  // Writes the pending batch now (one transaction; handed to the writer thread in background
  // mode). Rethrows a failure of an earlier background write.
  void Flush();
  // Waits until every batch handed over is written (background mode; no-op otherwise).
  void Sync();
  // Ingests a last partial line, flushes, and marks event processing finished.
  void Finish();

  int64_t events() const { return events_; }
  bool saw_stats() const { return saw_stats_; }
  // set_stats data of the run (the stats event's artifact_data), null when none.
  const json::value& artifacts() const { return artifacts_; }
  // Text lines of the output that were not events (ansible-runner's own errors).
  const std::string& other_output() const { return other_; }

 private:
  // Events and output text lines (counter < 0) in order, and a stats event's event_data.
  struct Batch {
    std::vector<DerivedEvent> items;
    std::optional<json::object> stats;
  };
  void Write(Batch& b);
  void WriterLoop();
  void StopWriter();
  void WriteStats(store::Connection& c, const DerivedEvent& stats, const json::object& data,
                  const std::string& now);

  store::Database& db_;
  int64_t job_id_;
  HostMap hosts_;
  OutputWriter* out_;
  const Clock& clock_;
  Options opts_;
  std::string partial_;
  Batch pending_;
  std::unordered_set<int64_t> seen_;
  std::chrono::steady_clock::time_point last_flush_;
  int64_t events_ = 0;
  bool saw_stats_ = false;
  bool finished_ = false;
  json::value artifacts_;
  std::string other_;
  json::parser parser_;
  std::vector<unsigned char> arena_;  // parse buffer of one line, reused
  // Background writer.
  std::thread writer_;
  std::mutex wmu_;
  std::condition_variable wcv_;
  std::deque<Batch> queue_;
  bool writing_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace baton::runner
