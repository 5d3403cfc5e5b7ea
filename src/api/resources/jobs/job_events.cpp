// Job events (api-resources.md §18): what a playbook run reported, one row per runner event.
// Read-only: /api/v2/job_events/N/ and its children/; the lists live under jobs, hosts and
// groups. There is no top-level list, as in AWX.
#include <map>

#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"

namespace baton::api {
namespace {

// AWX's BasePlaybookEvent.EVENT_TYPES: (event, level, display name).
struct EventType {
  const char* event;
  int level;
  const char* display;
};
constexpr EventType kEventTypes[] = {
    {"runner_on_failed", 3, "Host Failed"},
    {"runner_on_start", 3, "Host Started"},
    {"runner_on_ok", 3, "Host OK"},
    {"runner_on_error", 3, "Host Failure"},
    {"runner_on_skipped", 3, "Host Skipped"},
    {"runner_on_unreachable", 3, "Host Unreachable"},
    {"runner_on_no_hosts", 3, "No Hosts Remaining"},
    {"runner_on_async_poll", 3, "Host Polling"},
    {"runner_on_async_ok", 3, "Host Async OK"},
    {"runner_on_async_failed", 3, "Host Async Failure"},
    {"runner_item_on_ok", 3, "Item OK"},
    {"runner_item_on_failed", 3, "Item Failed"},
    {"runner_item_on_skipped", 3, "Item Skipped"},
    {"runner_retry", 3, "Host Retry"},
    {"runner_on_file_diff", 3, "File Difference"},
    {"playbook_on_start", 0, "Playbook Started"},
    {"playbook_on_notify", 2, "Running Handlers"},
    {"playbook_on_include", 2, "Including File"},
    {"playbook_on_no_hosts_matched", 2, "No Hosts Matched"},
    {"playbook_on_no_hosts_remaining", 2, "No Hosts Remaining"},
    {"playbook_on_task_start", 2, "Task Started"},
    {"playbook_on_vars_prompt", 1, "Variables Prompted"},
    {"playbook_on_setup", 2, "Gathering Facts"},
    {"playbook_on_import_for_host", 2, "internal: on Import for Host"},
    {"playbook_on_not_import_for_host", 2, "internal: on Not Import for Host"},
    {"playbook_on_play_start", 1, "Play Started"},
    {"playbook_on_stats", 1, "Playbook Complete"},
    {"debug", 0, "Debug"},
    {"verbose", 0, "Verbose"},
    {"deprecated", 0, "Deprecated"},
    {"warning", 0, "Warning"},
    {"system_warning", 0, "System Warning"},
    {"error", 0, "Error"},
};

const EventType* FindEvent(std::string_view e) {
  for (const auto& t : kEventTypes)
    if (e == t.event) return &t;
  return nullptr;
}

// AWX's EVENT_STDOUT_MAX_BYTES_DISPLAY default.
constexpr size_t kStdoutMaxDisplay = 1024;

const json::value* Path(const json::object& o, std::initializer_list<std::string_view> keys) {
  const json::value* v = nullptr;
  const json::object* cur = &o;
  for (auto k : keys) {
    if (!cur) return nullptr;
    v = cur->if_contains(k);
    if (!v) return nullptr;
    cur = v->is_object() ? &v->as_object() : nullptr;
  }
  return v;
}

// get_event_display2: the display name, with the play or task, and AWX's async renamings.
std::string EventDisplay(const Obj& e) {
  std::string event = GetString(e, "event");
  const EventType* t = FindEvent(event);
  std::string msg = t ? t->display : event;
  json::object data;
  if (const auto* d = e.if_contains("event_data"); d && d->is_object()) data = d->as_object();
  std::string play = GetString(e, "play"), task = GetString(e, "task"), role = GetString(e, "role");
  if (event == "playbook_on_play_start") {
    if (!play.empty()) msg += " (" + play + ")";
  } else if (event == "playbook_on_task_start" && !task.empty()) {
    if (GetBool(data, "is_conditional")) msg = "Handler Notified";
    msg += role.empty() ? " (" + task + ")" : " (" + role + " | " + task + ")";
  }
  const json::value* res = data.if_contains("res");
  const json::object* r = res && res->is_object() ? &res->as_object() : nullptr;
  if (event == "runner_on_async_ok" && r) {
    const json::value* rc = r->if_contains("rc");
    bool rc_bad = rc && rc->is_number() && rc->to_number<double>() != 0;
    if (GetBool(*r, "failed") || rc_bad) msg = "Host Async Failed";
  }
  if ((event == "runner_on_ok" || event == "runner_on_failed") && r) {
    const json::value* module = Path(*r, {"invocation", "module_name"});
    const json::value* job_id = r->if_contains("ansible_job_id");
    bool has_module = module && module->is_string() && !module->as_string().empty();
    bool has_job =
        job_id && !job_id->is_null() && !(job_id->is_string() && job_id->as_string().empty());
    if (has_module && has_job)
      msg = module->as_string() == "async_status" ? "Host Async Checking" : "Host Async Started";
  }
  if ((event == "runner_on_failed" || event == "runner_on_async_failed") && r &&
      GetString(*r, "msg") == "timed out")
    msg = "Host Async Timeout";
  return msg;
}

// truncate_stdout: at most `size` characters, an ellipsis, and resets for the ANSI colours
// opened in what remains.
std::string TruncateStdout(const std::string& s, size_t size) {
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  if (chars <= size) return s;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++n > size - 1) break;
    out += s[i];
  }
  out += "\u2026";
  int sets = 0, resets = 0;
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] != '\x1b' || out[i + 1] != '[') continue;
    size_t j = i + 2;
    while (j < out.size() && (std::isdigit(static_cast<unsigned char>(out[j])) || out[j] == ';'))
      ++j;
    if (j < out.size() && out[j] == 'm') {
      if (out.compare(i, j - i + 1, "\x1b[0m") == 0)
        ++resets;
      else
        ++sets;
    }
  }
  for (int k = resets; k < sets; ++k) out += "\x1b[0m";
  return out;
}

// ?no_truncate=<anything non-empty> on the request being answered.
bool NoTruncate(const Ctx& ctx) {
  if (!ctx.http) return false;
  std::string_view q = ctx.http->query;
  size_t pos = 0;
  while (pos <= q.size()) {
    size_t amp = q.find('&', pos);
    std::string_view part = q.substr(pos, amp == std::string_view::npos ? q.npos : amp - pos);
    if (part.substr(0, part.find('=')) == "no_truncate") {
      size_t eq = part.find('=');
      return eq != std::string_view::npos && eq + 1 < part.size();
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return false;
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool detail) {
  int64_t id = IdOf(o);
  int64_t job = IdOf(o, "job");
  std::string event = GetString(o, "event");
  const EventType* t = FindEvent(event);
  out["event_display"] = EventDisplay(o);
  out["event_level"] = t ? t->level : 0;
  if (!detail && event.rfind("playbook_on", 0) != 0 && !NoTruncate(ctx))
    out["stdout"] = TruncateStdout(GetString(o, "stdout"), kStdoutMaxDisplay);
  Reorder(out, {"id", "type", "url", "related", "summary_fields", "created", "modified", "job",
                "event", "counter", "event_display", "event_data", "event_level"});
  AddRelated(out, "job", Url("jobs", job));
  AddRelated(out, "children", Url("job_events", id, "children"));
  json::object sf;
  if (auto h = OptIdOf(o, "host")) {
    AddRelated(out, "host", Url("hosts", *h));
    if (auto s = TableSummary(ctx, "hosts", *h)) sf["host"] = std::move(*s);
  }
  if (auto s = JobSummaryWithTemplate(ctx, job)) sf["job"] = std::move(*s);
  // AWX quirk: the event's `role` text collides with the generic `role` summary key.
  sf["role"] = json::object{};
  SummaryOf(out) = std::move(sf);
}

}  // namespace

void RegisterJobEvents() {
  ResourceDef d = NewResource("job_events", "job_event", "JobEvent", "Job Events");
  d.creatable = d.editable = d.deletable = false;
  d.list_endpoint = false;
  d.has_created_by = false;
  d.default_order = {"job", "counter"};
  d.search_fields = {"stdout"};
  d.fields = CommonFields(false);
  FieldDef data = F("event_data", FieldType::kJson);
  for (auto f : {Fk("job", "jobs"), Str("event", 100), Int("counter", 0), data, Bool("failed"),
                 Bool("changed"), Str("uuid", 1024), Str("parent_uuid", 1024), Fk("host", "hosts"),
                 Str("host_name", 1024), Str("playbook", 1024), Str("play", 1024),
                 Str("task", 1024), Str("role", 1024), Text("stdout"), Int("start_line", 0),
                 Int("end_line", 0), Int("verbosity", 0)})
    d.fields.push_back(RO(f));
  // contract §7.2: `hosts__name` on job events means the event's host.
  d.relations = {{"hosts", "hosts", "{t}.host_id IN ({inner})"}};
  // Visible with the job (JobEventAccess: the events of jobs the caller may read).
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    const ResourceDef* jobs = Registry::Get().Find("jobs");
    if (ctx.caller.sees_all() || !jobs || !jobs->read_filter) return "";
    std::string rf = jobs->read_filter(ctx, p);
    if (rf.empty()) return "";
    return "t.job_id IN (SELECT t.id FROM jobs t WHERE " + rf + ")";
  };
  d.capabilities = [](Session&, const Obj&) { return json::object{}; };
  d.decorate = Decorate;
  d.sublists.push_back(ListOnly("children", "job_events",
                                "t.job_id = (SELECT e.job_id FROM job_events e WHERE e.id = ?) AND "
                                "t.parent_uuid = (SELECT e.uuid FROM job_events e WHERE e.id = ?)",
                                "Job Event Children"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
