#include "api/resources/jobs/unified_jobs.hpp"

#include "api/resources/inventory/inventory_common.hpp"
#include "domain/rrule.hpp"
#include "runner/job_runner.hpp"
#include "store/job_status_sql.hpp"

namespace baton::api {

void Reorder(json::object& o, std::initializer_list<std::string_view> order) {
  json::object rebuilt(o.storage());
  rebuilt.reserve(o.size());
  for (auto k : order)
    if (auto* v = o.if_contains(k)) rebuilt[k] = std::move(*v);
  for (auto& kv : o)
    if (!rebuilt.contains(kv.key())) rebuilt[kv.key()] = std::move(kv.value());
  o = std::move(rebuilt);
}

void DecorateUnifiedJob(Ctx& ctx, const ResourceDef& def, const Obj& o, json::object& out,
                        std::string_view template_resource, bool detail) {
  int64_t id = IdOf(o);
  AddRelated(out, "cancel", Url(def.name, id, "cancel"));
  AddRelated(out, "stdout", Url(def.name, id, "stdout"));
  std::string status = GetString(o, "status");
  // A running job's elapsed time is live, so its answer is never cached.
  if (status == "running") {
    ctx.no_cache = true;
    if (auto started = ParseIso(GetString(o, "started")))
      out["elapsed"] = std::round(static_cast<double>(ctx.now - *started) / 1000.0) / 1000.0;
  }
  json::object launched_by;
  // A scheduled job is launched by its schedule (ST-4); {id, name, description, next_run}.
  std::optional<json::object> schedule;
  if (auto sch = OptIdOf(o, "schedule"); sch && Registry::Get().Find("schedules")) {
    auto rows =
        ctx.db.Query("SELECT name, description, next_run FROM schedules WHERE id = ?", {*sch});
    if (!rows.empty()) {
      const auto& r = rows.rows[0];
      json::value next = nullptr;
      if (auto t = ParseIso(store::AsString(r[2]))) next = domain::rrule::FormatUtc(*t);
      schedule = json::object{{"id", *sch},
                              {"name", store::AsString(r[0])},
                              {"description", store::AsString(r[1])},
                              {"next_run", next}};
      if (GetString(o, "launch_type") == "scheduled")
        launched_by = json::object{{"id", *sch},
                                   {"name", store::AsString(r[0])},
                                   {"type", "schedule"},
                                   {"url", Url("schedules", *sch)}};
    }
  }
  if (auto cb = OptIdOf(o, "created_by"); cb && launched_by.empty()) {
    if (auto u = UserSummary(ctx, *cb))
      launched_by = json::object{
          {"id", *cb}, {"name", u->at("username")}, {"type", "user"}, {"url", Url("users", *cb)}};
  }
  // launched_by and work_unit_id close the common fields (after event_processing_finished in
  // detail views, controller_node in lists, where the last common fields are hidden).
  InsertAfter(
      out,
      out.contains("event_processing_finished") ? "event_processing_finished" : "controller_node",
      {{"launched_by", std::move(launched_by)}, {"work_unit_id", nullptr}});
  auto& sf = SummaryOf(out);
  if (schedule) {
    AddRelated(out, "schedule", Url("schedules", IdOf(*schedule)));
    SummaryOf(out)["schedule"] = std::move(*schedule);
  }
  if (auto t = OptIdOf(o, "unified_job_template")) {
    if (auto s = TableSummary(ctx, template_resource, *t)) {
      AddRelated(out, "unified_job_template", Url(template_resource, *t));
      (*s)["unified_job_type"] = def.type;
      SummaryOf(out)["unified_job_template"] = std::move(*s);
    }
  }
  if (auto wj = OptIdOf(o, "source_workflow_job")) {
    if (auto s = JobSummaryWithTemplate(ctx, *wj)) {
      s->erase("type");
      s->erase("job_template_id");
      s->erase("job_template_name");
      if (Registry::Get().Find("workflow_jobs"))
        AddRelated(out, "source_workflow_job", Url("workflow_jobs", *wj));
      SummaryOf(out)["source_workflow_job"] = std::move(*s);
    }
  }
  if (detail) {
    if (auto anc = OptIdOf(o, "ancestor_job"); anc && *anc != id) {
      auto rows = ctx.db.Query("SELECT id, name, type FROM unified_jobs WHERE id = ?", {*anc});
      if (!rows.empty()) {
        std::string type = store::AsString(rows.rows[0][2]);
        const ResourceDef* ad = Registry::Get().ByType(type);
        SummaryOf(out)["ancestor_job"] = json::object{{"id", *anc},
                                                      {"name", store::AsString(rows.rows[0][1])},
                                                      {"type", type},
                                                      {"url", ad ? ad->Url(*anc) : std::string()}};
      }
    }
  }
  (void)sf;
  bool delete_ok = !ctx.caller.read_only_token && (!def.can_delete || def.can_delete(ctx, o).ok());
  SummaryOf(out)["user_capabilities"] =
      json::object{{"delete", delete_ok}, {"start", !ctx.caller.read_only_token}};
}

ActionDef CancelAction(std::string resource) {
  ActionDef a;
  a.name = "cancel";
  a.methods = {"GET", "POST"};
  a.title = "Cancel";
  a.handler = [resource](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must(resource);
    BATON_ASSIGN(Obj job, LoadReadable(ctx, def, req.ids[0]));
    bool can_cancel = IsActiveStatus(GetString(job, "status"));
    ctx.no_cache = true;
    if (req.method == "GET") return Reply::Json(json::object{{"can_cancel", can_cancel}});
    if (!can_cancel) return Error::MethodNotAllowed("POST");
    BATON_TRY(CancelJob(ctx, def, job));
    return Reply::Empty(202);
  };
  return a;
}

ActionDef StdoutAction(std::string resource) {
  ActionDef a;
  a.name = "stdout";
  a.methods = {"GET"};
  a.title = "Stdout";
  a.handler = [resource](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must(resource);
    BATON_ASSIGN(Obj job, LoadReadable(ctx, def, req.ids[0]));
    if (IsActiveStatus(GetString(job, "status"))) ctx.no_cache = true;
    std::string text = runner::JobOutput(ctx.db, req.ids[0]);
    std::string format = req.Q("format") ? *req.Q("format") : "json";
    Reply r;
    if (format == "txt" || format == "ansi" || format == "txt_download" ||
        format == "ansi_download") {
      if (format.rfind("txt", 0) == 0) {
        // Strip ANSI escape sequences for the plain formats.
        std::string plain;
        for (size_t i = 0; i < text.size(); ++i) {
          if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
            i += 2;
            while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
            continue;
          }
          plain += text[i];
        }
        text = std::move(plain);
      }
      r.raw = text;
      r.content_type = "text/plain; charset=utf-8";
      if (format.find("download") != std::string::npos)
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + def.type + "_" +
                                                          std::to_string(req.ids[0]) + ".txt\"");
      if (r.raw.empty()) r.no_body = true;
      return r;
    }
    if (format == "html") {
      std::string esc;
      for (char c : text) {
        if (c == '<')
          esc += "&lt;";
        else if (c == '>')
          esc += "&gt;";
        else if (c == '&')
          esc += "&amp;";
        else
          esc += c;
      }
      r.raw = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + def.type + " " +
              std::to_string(req.ids[0]) + "</title></head><body><pre>" + esc +
              "</pre></body></html>";
      r.content_type = "text/html; charset=utf-8";
      return r;
    }
    if (format != "json") return Error::Detail(ErrorCode::kNotFound, "Not found.");
    int64_t lines = 0;
    for (char c : text) lines += c == '\n';
    return Reply::Json(
        json::object{{"range", json::object{{"start", 0}, {"end", lines}, {"absolute_end", lines}}},
                     {"content", text}});
  };
  return a;
}

}  // namespace baton::api
