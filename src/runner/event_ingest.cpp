#include "runner/event_ingest.hpp"
#include "core/crashpoint.hpp"

#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

namespace baton::runner {
namespace {

struct EventType {
  std::string_view name;
  int level;
  bool failed;
};

// AWX's BasePlaybookEvent.EVENT_TYPES: (level, event, failed).
constexpr EventType kEventTypes[] = {
    {"runner_on_failed", 3, true},
    {"runner_on_start", 3, false},
    {"runner_on_ok", 3, false},
    {"runner_on_error", 3, true},
    {"runner_on_skipped", 3, false},
    {"runner_on_unreachable", 3, true},
    {"runner_on_no_hosts", 3, false},
    {"runner_on_async_poll", 3, false},
    {"runner_on_async_ok", 3, false},
    {"runner_on_async_failed", 3, true},
    {"runner_item_on_ok", 3, false},
    {"runner_item_on_failed", 3, true},
    {"runner_item_on_skipped", 3, false},
    {"runner_retry", 3, false},
    {"runner_on_file_diff", 3, false},
    {"playbook_on_start", 0, false},
    {"playbook_on_notify", 2, false},
    {"playbook_on_include", 2, false},
    {"playbook_on_no_hosts_matched", 2, false},
    {"playbook_on_no_hosts_remaining", 2, false},
    {"playbook_on_task_start", 2, false},
    {"playbook_on_vars_prompt", 1, false},
    {"playbook_on_setup", 2, false},
    {"playbook_on_import_for_host", 2, false},
    {"playbook_on_not_import_for_host", 2, false},
    {"playbook_on_play_start", 1, false},
    {"playbook_on_stats", 1, false},
    {"debug", 0, false},
    {"verbose", 0, false},
    {"deprecated", 0, false},
    {"warning", 0, false},
    {"system_warning", 0, false},
    {"error", 0, true},
};

const EventType* FindType(std::string_view event) {
  for (const auto& t : kEventTypes)
    if (t.name == event) return &t;
  return nullptr;
}

std::string_view Sv(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return 0;
}

bool Truthy(const json::value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_int64()) return v->as_int64() != 0;
  if (v->is_uint64()) return v->as_uint64() != 0;
  if (v->is_string()) return !v->as_string().empty();
  if (v->is_double()) return v->as_double() != 0;
  if (v->is_object()) return !v->as_object().empty();
  if (v->is_array()) return !v->as_array().empty();
  return false;
}

// Sum of the numbers of a stats dict ({"host": n}); 0 when it is not a dict.
int64_t SumOf(const json::object& data, std::string_view key) {
  const json::value* v = data.if_contains(key);
  if (!v || !v->is_object()) return 0;
  int64_t s = 0;
  for (auto& kv : v->as_object())
    if (kv.value().is_int64()) s += kv.value().as_int64();
  return s;
}

std::string Strip(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// ansible-runner's "created" (UTC, no zone) in AWX's format.
std::string Created(std::string_view c) {
  if (c.empty()) return "";
  std::string out(c);
  if (out.back() != 'Z' && out.find('+', 10) == std::string::npos) {
    if (out.find('.') == std::string::npos) out += ".000000";
    out += 'Z';
  }
  return out;
}

}  // namespace

int EventLevel(std::string_view event) {
  const EventType* t = FindType(event);
  return t ? t->level : 0;
}

bool IsFailedEvent(std::string_view event) {
  const EventType* t = FindType(event);
  return t && t->failed;
}

std::string_view TopLevelMember(std::string_view s, std::string_view key) {
  const size_t n = s.size();
  // Index just past the string starting at s[i] == '"'.
  auto skip_string = [&](size_t i) {
    for (++i; i < n; ++i) {
      if (s[i] == '\\')
        ++i;
      else if (s[i] == '"')
        return i + 1;
    }
    return n;
  };
  auto skip_space = [&](size_t i) {
    while (i < n && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return i;
  };
  int depth = 0;
  for (size_t i = 0; i < n;) {
    char c = s[i];
    if (c == '"') {
      size_t end = skip_string(i);
      if (depth == 1) {
        size_t colon = skip_space(end);
        if (colon < n && s[colon] == ':' && end - i >= 2 && s.substr(i + 1, end - i - 2) == key) {
          size_t start = skip_space(colon + 1), k = start;
          int d = 0;
          while (k < n) {
            char ch = s[k];
            if (ch == '"') {
              k = skip_string(k);
              continue;
            }
            if (ch == '{' || ch == '[') {
              ++d;
            } else if (ch == '}' || ch == ']') {
              if (d == 0) break;
              if (--d == 0) {
                ++k;
                break;
              }
            } else if (ch == ',' && d == 0) {
              break;
            }
            ++k;
          }
          std::string_view v = s.substr(start, k - start);
          while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
            v.remove_suffix(1);
          return v;
        }
      }
      i = end;
      continue;
    }
    if (c == '{' || c == '[')
      ++depth;
    else if (c == '}' || c == ']')
      --depth;
    ++i;
  }
  return {};
}

std::optional<DerivedEvent> DeriveEvent(const json::object& ev, const HostMap& hosts,
                                        std::string_view raw_event_data) {
  std::string_view event = Sv(ev, "event");
  const json::value* counter = ev.if_contains("counter");
  if (event.empty() || !counter || !(counter->is_int64() || counter->is_uint64())) return {};
  DerivedEvent d;
  d.event = std::string(event);
  d.counter = Int(ev, "counter");
  d.uuid = std::string(Sv(ev, "uuid"));
  d.parent_uuid = std::string(Sv(ev, "parent_uuid"));
  d.stdout = std::string(Sv(ev, "stdout"));
  d.start_line = Int(ev, "start_line");
  d.end_line = Int(ev, "end_line");
  d.verbosity = Int(ev, "verbosity");
  d.created = Created(Sv(ev, "created"));
  const EventType* type = FindType(event);
  d.event_level = type ? type->level : 0;
  static const json::object kEmpty;
  const json::value* dv = ev.if_contains("event_data");
  const json::object& data = dv && dv->is_object() ? dv->as_object() : kEmpty;
  // AWX's _update_from_event_data.
  if (type && type->failed && !Truthy(data.if_contains("ignore_errors"))) d.failed = true;
  if (const json::value* res = data.if_contains("res"); res && res->is_object())
    if (Truthy(res->as_object().if_contains("changed"))) d.changed = true;
  if (event == "playbook_on_stats") {
    d.failed = SumOf(data, "failures") + SumOf(data, "dark") > 0;
    d.changed = SumOf(data, "changed") > 0;
  }
  d.playbook = Strip(Sv(data, "playbook"));
  d.play = Strip(Sv(data, "play"));
  d.task = Strip(Sv(data, "task"));
  d.role = Strip(Sv(data, "role"));
  // The callback receiver's host lookup by name in the job's inventory.
  d.host_name = Strip(Sv(data, "host"));
  if (!d.host_name.empty())
    if (auto it = hosts.find(d.host_name); it != hosts.end()) d.host_id = it->second;
  if (dv && dv->is_object())
    d.event_data = raw_event_data.empty() ? Dump(*dv) : std::string(raw_event_data);
  else
    d.event_data = "{}";
  return d;
}

std::vector<HostSummary> SummariesFromStats(const json::object& data, const HostMap& hosts) {
  static constexpr std::string_view kStats[] = {"changed", "dark",      "failures", "ignored",
                                                "ok",      "processed", "rescued",  "skipped"};
  std::map<std::string, HostSummary> by_name;
  // AWX's _hostnames: the hosts named in these stats (ignored/rescued alone do not count).
  for (std::string_view stat : {"changed", "dark", "failures", "ok", "processed", "skipped"}) {
    const json::value* v = data.if_contains(stat);
    if (!v || !v->is_object()) continue;
    for (auto& kv : v->as_object()) by_name[std::string(kv.key())].host_name = kv.key();
  }
  for (auto& [name, s] : by_name) {
    if (auto it = hosts.find(name); it != hosts.end()) s.host_id = it->second;
    for (std::string_view stat : kStats) {
      const json::value* v = data.if_contains(stat);
      int64_t n = 0;
      if (v && v->is_object())
        if (const json::value* c = v->as_object().if_contains(name); c && c->is_int64())
          n = c->as_int64();
      if (stat == "changed") s.changed = n;
      if (stat == "dark") s.dark = n;
      if (stat == "failures") s.failures = n;
      if (stat == "ignored") s.ignored = n;
      if (stat == "ok") s.ok = n;
      if (stat == "processed") s.processed = n;
      if (stat == "rescued") s.rescued = n;
      if (stat == "skipped") s.skipped = n;
    }
    s.failed = s.dark > 0 || s.failures > 0;
  }
  std::vector<HostSummary> out;
  for (auto& [name, s] : by_name) out.push_back(std::move(s));
  return out;
}

EventIngestor::EventIngestor(store::Database& db, int64_t job_id, HostMap hosts, OutputWriter* out,
                             const Clock& clock, Options opts)
    : db_(db),
      job_id_(job_id),
      hosts_(std::move(hosts)),
      out_(out),
      clock_(clock),
      opts_(opts),
      last_flush_(std::chrono::steady_clock::now()) {
  // Counters stored by an earlier ingestion of this job (a replay) are skipped.
  auto rows = db_.Local().Query("SELECT counter FROM job_events WHERE job_id = ?", {job_id_});
  for (auto& r : rows.rows) seen_.insert(store::AsInt(r[0]));
  pending_.items.reserve(opts_.max_batch);
  if (opts_.background) writer_ = std::thread([this] { WriterLoop(); });
}

EventIngestor::~EventIngestor() {
  try {
    if (!finished_) {
      Flush();
      Sync();
    }
  } catch (const std::exception& e) {
    spdlog::error("job {}: events not written: {}", job_id_, e.what());
  }
  StopWriter();
}

void EventIngestor::WriterLoop() {
  while (true) {
    Batch b;
    {
      std::unique_lock<std::mutex> lock(wmu_);
      wcv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      b = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
    }
    std::exception_ptr err;
    try {
      Write(b);
    } catch (...) {
      err = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(wmu_);
      writing_ = false;
      if (err && !error_) error_ = err;
    }
    wcv_.notify_all();
  }
}

void EventIngestor::StopWriter() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(wmu_);
    stop_ = true;
  }
  wcv_.notify_all();
  writer_.join();
}

void EventIngestor::Sync() {
  if (!opts_.background) return;
  std::unique_lock<std::mutex> lock(wmu_);
  wcv_.wait(lock, [this] { return (queue_.empty() && !writing_) || error_; });
  if (error_) std::rethrow_exception(error_);
}

void EventIngestor::Feed(std::string_view chunk) {
  size_t start = 0;
  while (start < chunk.size()) {
    size_t nl = chunk.find('\n', start);
    if (nl == std::string_view::npos) {
      partial_.append(chunk.substr(start));
      break;
    }
    if (partial_.empty()) {
      FeedLine(chunk.substr(start, nl - start));
    } else {
      partial_.append(chunk.substr(start, nl - start));
      std::string line = std::move(partial_);
      partial_.clear();
      FeedLine(line);
    }
    start = nl + 1;
  }
  MaybeFlush();
}

void EventIngestor::FeedLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  std::optional<DerivedEvent> d;
  std::optional<json::object> stats_data;
  if (line.front() == '{') {
    // The line's values live in a reused buffer; what outlives the line is copied out.
    if (arena_.size() < line.size() * 4 + 4096) arena_.resize(line.size() * 4 + 4096);
    json::monotonic_resource mr(arena_.data(), arena_.size());
    boost::system::error_code ec;
    parser_.reset(json::storage_ptr(&mr));
    parser_.write(line.data(), line.size(), ec);
    if (!ec) {
      json::value parsed = parser_.release();
      if (parsed.is_object()) {
        d = DeriveEvent(parsed.as_object(), hosts_, TopLevelMember(line, "event_data"));
        if (d && d->event == "playbook_on_stats") {
          const json::value* data = parsed.as_object().if_contains("event_data");
          stats_data =
              data && data->is_object() ? json::object(data->as_object(), {}) : json::object{};
        }
      }
    }
    parser_.reset();  // nothing may point into `mr` past this scope
  }
  if (!d) {
    // Not an event: ansible-runner's own messages (e.g. a traceback) stay in the output.
    other_.append(line).push_back('\n');
    DerivedEvent text;
    text.counter = -1;
    text.stdout = std::string(line);
    pending_.items.push_back(std::move(text));
    return;
  }
  if (!seen_.insert(d->counter).second) return;  // already stored (a replay)
  ++events_;
  if (d->event == "playbook_on_stats") {
    saw_stats_ = true;
    // The stats event is written alone, after the events before it (AWX propagates changed
    // and failed from children to parents when it arrives).
    Flush();
    pending_.stats = std::move(stats_data);
    pending_.items.push_back(std::move(*d));
    Flush();
    return;
  }
  pending_.items.push_back(std::move(*d));
  if (pending_.items.size() >= opts_.max_batch) Flush();
}

void EventIngestor::MaybeFlush() {
  if (pending_.items.empty()) return;
  if (pending_.items.size() >= opts_.max_batch ||
      std::chrono::steady_clock::now() - last_flush_ >= std::chrono::milliseconds(opts_.flush_ms))
    Flush();
}

void EventIngestor::Flush() {
  last_flush_ = std::chrono::steady_clock::now();
  if (pending_.items.empty()) return;
  Batch b = std::move(pending_);
  pending_ = Batch{};
  pending_.items.reserve(opts_.max_batch);
  if (!opts_.background) {
    Write(b);
    return;
  }
  {
    std::unique_lock<std::mutex> lock(wmu_);
    wcv_.wait(lock, [this] { return queue_.size() < 2 || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(b));
  }
  wcv_.notify_all();
}

void EventIngestor::Write(Batch& b) {
  auto& c = db_.Local();
  std::string now = FormatIso(clock_.Now());
  store::Tx tx(c);
  static constexpr std::string_view kInsert =
      "INSERT INTO job_events (job_id, event, counter, event_data, event_level, failed, changed, "
      "uuid, parent_uuid, host_id, host_name, playbook, play, task, role, stdout, start_line, "
      "end_line, verbosity, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
  store::Params p;
  p.reserve(21);
  for (auto& e : b.items) {
    if (e.counter < 0) {  // a line of output that is no event
      if (out_) out_->Append(e.stdout.append("\n"));
      continue;
    }
    if (e.event == "playbook_on_stats" && b.stats) WriteStats(c, e, *b.stats, now);
    p.clear();
    p.emplace_back(job_id_);
    p.emplace_back(std::move(e.event));
    p.emplace_back(e.counter);
    p.emplace_back(std::move(e.event_data));
    p.emplace_back(e.event_level);
    p.emplace_back(int64_t{e.failed});
    p.emplace_back(int64_t{e.changed});
    p.emplace_back(std::move(e.uuid));
    p.emplace_back(std::move(e.parent_uuid));
    p.emplace_back(store::OptId(e.host_id));
    p.emplace_back(std::move(e.host_name));
    p.emplace_back(std::move(e.playbook));
    p.emplace_back(std::move(e.play));
    p.emplace_back(std::move(e.task));
    p.emplace_back(std::move(e.role));
    if (out_ && !e.stdout.empty()) {
      e.stdout.push_back('\n');
      out_->Append(e.stdout);
      e.stdout.pop_back();
    }
    p.emplace_back(std::move(e.stdout));
    p.emplace_back(e.start_line);
    p.emplace_back(e.end_line);
    p.emplace_back(e.verbosity);
    p.emplace_back(e.created.empty() ? now : std::move(e.created));
    p.emplace_back(now);
    c.Exec(kInsert, p);
  }
  if (out_) out_->Flush();
  tx.Commit();
  Crashpoint("job.event");
}

void EventIngestor::WriteStats(store::Connection& c, const DerivedEvent& stats,
                               const json::object& data, const std::string& now) {
  // AWX: parents of changed / failed events become changed / failed (one level).
  c.Exec(
      "UPDATE job_events SET changed = 1 WHERE job_id = ? AND changed = 0 AND uuid IN (SELECT "
      "parent_uuid FROM job_events WHERE job_id = ? AND changed = 1 AND parent_uuid != '')",
      {job_id_, job_id_});
  c.Exec(
      "UPDATE job_events SET failed = 1 WHERE job_id = ? AND failed = 0 AND uuid IN (SELECT "
      "parent_uuid FROM job_events WHERE job_id = ? AND failed = 1 AND parent_uuid != '')",
      {job_id_, job_id_});
  for (const auto& s : SummariesFromStats(data, hosts_)) {
    c.Exec(
        "INSERT INTO job_host_summaries (job_id, host_id, host_name, changed, dark, failures, ok, "
        "processed, skipped, failed, ignored, rescued, created, modified) VALUES (?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        {job_id_, store::OptId(s.host_id), s.host_name, s.changed, s.dark, s.failures, s.ok,
         s.processed, s.skipped, int64_t{s.failed}, s.ignored, s.rescued, now, now});
    if (!s.host_id) continue;
    auto summary =
        c.QueryInt("SELECT id FROM job_host_summaries WHERE job_id = ? AND host_name = ?",
                   {job_id_, s.host_name});
    c.Exec("UPDATE hosts SET last_job_id = ?, last_job_host_summary_id = ? WHERE id = ?",
           {job_id_, store::OptId(summary), *s.host_id});
  }
  if (const json::value* a = data.if_contains("artifact_data"); a && Truthy(a)) {
    artifacts_ = *a;
    c.Exec("UPDATE unified_jobs SET artifacts = ? WHERE id = ?", {Dump(*a), job_id_});
  }
}

void EventIngestor::Finish() {
  if (!partial_.empty()) {
    std::string line = std::move(partial_);
    partial_.clear();
    FeedLine(line);
  }
  Flush();
  Sync();
  StopWriter();
  finished_ = true;
  db_.Local().Exec("UPDATE unified_jobs SET event_processing_finished = 1 WHERE id = ?", {job_id_});
}

}  // namespace baton::runner
