#include "notify/job_context.hpp"

#include "notify/template.hpp"

namespace baton::notify {
namespace {

// Python's datetime.isoformat() of a stored timestamp: "+00:00" instead of "Z", microseconds
// dropped when zero.
json::value IsoFormat(const store::Value& v) {
  if (store::IsNull(v)) return nullptr;
  std::string s = store::AsString(v);
  if (s.empty()) return nullptr;
  if (s.back() == 'Z') s.pop_back();
  if (s.size() > 7 && s.ends_with(".000000")) s.resize(s.size() - 7);
  return json::string(s + "+00:00");
}

std::string ApiSegment(std::string_view type) {
  if (type == "job") return "jobs";
  if (type == "workflow_job") return "workflow_jobs";
  if (type == "project_update") return "project_updates";
  if (type == "inventory_update") return "inventory_updates";
  if (type == "workflow_approval") return "workflow_approvals";
  return "unified_jobs";
}

std::optional<json::object> Summary(store::Connection& db, const std::string& sql, int64_t id,
                                    std::initializer_list<const char*> names) {
  auto rows = db.Query(sql, {id});
  if (rows.empty()) return std::nullopt;
  json::object o;
  size_t i = 0;
  for (const char* n : names) {
    const auto& v = rows.rows[0][i++];
    if (store::IsNull(v))
      o[n] = nullptr;
    else if (std::holds_alternative<int64_t>(v))
      o[n] = store::AsInt(v);
    else
      o[n] = store::AsString(v);
  }
  return o;
}

}  // namespace

std::string FriendlyName(std::string_view type) {
  if (type == "job") return "Job";
  if (type == "workflow_job") return "Workflow Job";
  if (type == "project_update") return "Project Update";
  if (type == "inventory_update") return "Inventory Update";
  if (type == "system_job") return "System Job";
  if (type == "ad_hoc_command") return "AdHoc Command";
  if (type == "workflow_approval") return "Workflow Approval";
  return "Job";
}

std::string UiUrl(const std::string& base, std::string_view type, int64_t id) {
  std::string kind = type == "job"                ? "playbook"
                     : type == "workflow_job"     ? "workflow"
                     : type == "project_update"   ? "project"
                     : type == "inventory_update" ? "inventory"
                     : type == "system_job"       ? "system"
                     : type == "ad_hoc_command"   ? "command"
                                                  : "playbook";
  return base + "/#/jobs/" + kind + "/" + std::to_string(id);
}

std::string WorkflowSummary(store::Connection& db, int64_t wj) {
  std::string out = "Workflow job summary:\n";
  auto rows = db.Query(
      "SELECT n.id, j.id, j.name, j.status FROM workflow_job_nodes n LEFT JOIN unified_jobs j ON "
      "j.id = n.job_id WHERE n.workflow_job_id = ? ORDER BY n.id",
      {wj});
  for (const auto& r : rows.rows) {
    out += "\n- node #" + std::to_string(store::AsInt(r[0])) + " spawns ";
    if (store::IsNull(r[1]))
      out += "no job.";
    else
      out += "job #" + std::to_string(store::AsInt(r[1])) + ", \"" + store::AsString(r[2]) +
             "\", which finished with status " + store::AsString(r[3]) + ".";
  }
  // AWX joins ["Workflow job summary:", "", lines...] with "\n"
  return out;
}

std::optional<json::object> NotificationData(store::Connection& db, int64_t id,
                                             const std::string& base) {
  auto rows = db.Query(
      "SELECT u.type, u.name, u.started, u.finished, u.status, u.result_traceback, "
      "(SELECT username FROM users WHERE id = u.created_by_id), u.inventory_id, u.project_id, "
      "u.playbook, u.limit_, u.extra_vars FROM unified_jobs u WHERE u.id = ?",
      {id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  std::string type = store::AsString(r[0]);
  json::object d;
  d["id"] = id;
  d["name"] = store::AsString(r[1]);
  d["url"] = UiUrl(base, type, id);
  d["created_by"] = store::IsNull(r[6]) ? "None" : store::AsString(r[6]);
  d["started"] = IsoFormat(r[2]);
  d["finished"] = IsoFormat(r[3]);
  d["status"] = store::AsString(r[4]);
  d["traceback"] = store::AsString(r[5]);
  if (type == "job") {
    auto name_of = [&](const char* table, const store::Value& v) -> json::value {
      if (store::IsNull(v)) return nullptr;
      auto n = db.QueryString(std::string("SELECT name FROM ") + table + " WHERE id = ?",
                              {store::AsInt(v)});
      return n ? json::value(json::string(*n)) : json::value(nullptr);
    };
    d["inventory"] = name_of("inventories", r[7]);
    d["project"] = name_of("projects", r[8]);
    d["playbook"] = store::AsString(r[9]);
    auto cred = db.QueryString(
        "SELECT c.name FROM credential_attachments a JOIN credentials c ON c.id = "
        "a.credential_id JOIN credential_types ct ON ct.id = c.credential_type_id WHERE "
        "a.owner_type = 'job' AND a.owner_id = ? AND ct.kind = 'ssh' ORDER BY a.position LIMIT 1",
        {id});
    d["credential"] = cred ? json::value(json::string(*cred)) : json::value(nullptr);
    d["limit"] = store::AsString(r[10]);
    d["extra_vars"] = store::AsString(r[11]);
    json::object hosts;
    auto hs = db.Query(
        "SELECT host_name, failed, changed, dark, failures, ok, processed, skipped, rescued, "
        "ignored FROM job_host_summaries WHERE job_id = ? ORDER BY host_name",
        {id});
    for (const auto& h : hs.rows)
      hosts[store::AsString(h[0])] =
          json::object{{"failed", store::AsInt(h[1]) != 0}, {"changed", store::AsInt(h[2])},
                       {"dark", store::AsInt(h[3])},        {"failures", store::AsInt(h[4])},
                       {"ok", store::AsInt(h[5])},          {"processed", store::AsInt(h[6])},
                       {"skipped", store::AsInt(h[7])},     {"rescued", store::AsInt(h[8])},
                       {"ignored", store::AsInt(h[9])}};
    d["hosts"] = std::move(hosts);
  } else if (type == "workflow_job") {
    d["body"] = WorkflowSummary(db, id);
  }
  return d;
}

std::optional<json::object> JobContext(store::Connection& db, int64_t id, const std::string& base,
                                       bool as_started) {
  auto rows = db.Query("SELECT * FROM unified_jobs WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  const auto& row = rows.rows[0];
  auto col = [&](std::string_view name) -> const store::Value& {
    static const store::Value kNull;
    int c = rows.Col(name);
    return c < 0 ? kNull : row[static_cast<size_t>(c)];
  };
  std::string type = store::AsString(col("type"));
  json::object job;
  auto str = [&](const char* field, const char* column = nullptr) {
    const auto& v = col(column ? column : field);
    job[field] =
        store::IsNull(v) ? json::value(nullptr) : json::value(json::string(store::AsString(v)));
  };
  auto num = [&](const char* field, const char* column = nullptr) {
    job[field] = store::AsInt(col(column ? column : field));
  };
  auto flag = [&](const char* field) { job[field] = store::AsInt(col(field)) != 0; };
  job["id"] = id;
  job["type"] = type;
  job["url"] = "/api/v2/" + ApiSegment(type) + "/" + std::to_string(id) + "/";
  str("created");
  str("modified");
  str("name");
  str("description");
  str("launch_type");
  str("status");
  flag("failed");
  str("started");
  str("finished");
  job["elapsed"] = store::AsDouble(col("elapsed"));
  str("job_explanation");
  str("execution_node");
  str("controller_node");
  if (type == "job") {
    str("job_type");
    str("playbook");
    num("forks");
    str("limit", "limit_");
    num("verbosity");
    str("job_tags");
    flag("force_handlers");
    str("skip_tags");
    str("start_at_task");
    num("timeout");
    flag("use_fact_cache");
    flag("allow_simultaneous");
    str("scm_revision");
    flag("diff_mode");
    num("job_slice_number");
    num("job_slice_count");
    str("scm_branch");
    auto art = ParseJson(store::AsString(col("artifacts")));
    job["artifacts"] = art ? *art : json::value(json::object{});
  } else if (type == "project_update") {
    str("job_type");
    str("scm_revision");
    str("scm_branch");
    str("job_tags");
    num("timeout");
  } else if (type == "inventory_update") {
    str("limit", "limit_");
    num("verbosity");
    num("timeout");
  } else if (type == "workflow_job") {
    flag("allow_simultaneous");
  }
  // host_status_counts: AWX reads the playbook_on_stats event; the host summaries hold the same.
  json::value counts = nullptr;
  if (type == "job") {
    auto hs = db.Query(
        "SELECT COUNT(*), SUM(CASE WHEN failures > 0 OR dark > 0 THEN 0 WHEN changed > 0 THEN 1 "
        "ELSE 0 END), SUM(CASE WHEN failures > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN dark > 0 THEN "
        "1 ELSE 0 END), SUM(CASE WHEN failures = 0 AND dark = 0 AND changed = 0 AND ok > 0 THEN "
        "1 ELSE 0 END), SUM(CASE WHEN ok = 0 AND changed = 0 AND failures = 0 AND dark = 0 AND "
        "skipped > 0 THEN 1 ELSE 0 END) FROM job_host_summaries WHERE job_id = ?",
        {id});
    if (!hs.empty() && store::AsInt(hs.rows[0][0]) > 0) {
      const auto& h = hs.rows[0];
      counts = json::object{{"changed", store::AsInt(h[1])},
                            {"failures", store::AsInt(h[2])},
                            {"dark", store::AsInt(h[3])},
                            {"ok", store::AsInt(h[4])},
                            {"skipped", store::AsInt(h[5])}};
    }
  }
  job["host_status_counts"] = counts;
  json::object sf;
  auto add = [&](const char* key, const std::string& sql, const store::Value& v,
                 std::initializer_list<const char*> names) {
    if (store::IsNull(v)) return;
    if (auto s = Summary(db, sql, store::AsInt(v), names)) sf[key] = std::move(*s);
  };
  add("inventory", "SELECT id, name, description FROM inventories WHERE id = ?",
      col("inventory_id"), {"id", "name", "description"});
  add("project",
      "SELECT p.id, p.name, p.description, COALESCE((SELECT u.status FROM unified_jobs u WHERE "
      "u.type = 'project_update' AND u.project_id = p.id ORDER BY u.id DESC LIMIT 1), 'never "
      "updated'), p.scm_type FROM projects p WHERE p.id = ?",
      col("project_id"), {"id", "name", "description", "status", "scm_type"});
  add("job_template", "SELECT id, name, description FROM job_templates WHERE id = ?",
      col("job_template_id"), {"id", "name", "description"});
  add("created_by", "SELECT id, username, first_name, last_name FROM users WHERE id = ?",
      col("created_by_id"), {"id", "username", "first_name", "last_name"});
  job["summary_fields"] = std::move(sf);

  auto data = NotificationData(db, id, base);
  if (as_started) {
    job["status"] = "running";
    job["failed"] = false;
    job["finished"] = nullptr;
    if (data) {
      (*data)["status"] = "running";
      (*data)["finished"] = nullptr;
    }
  }
  return json::object{
      {"job", std::move(job)},
      {"job_friendly_name", FriendlyName(type)},
      {"url", UiUrl(base, type, id)},
      {"job_metadata", PyJsonDumps(data ? json::value(*data) : json::value(nullptr), 4, false)}};
}

std::optional<int64_t> ApprovalWorkflowJob(store::Connection& db, int64_t approval) {
  return db.QueryInt("SELECT workflow_job_id FROM workflow_job_nodes WHERE job_id = ?", {approval});
}

std::optional<json::object> ApprovalContext(store::Connection& db, int64_t approval,
                                            const std::string& status, const std::string& base) {
  auto wj = ApprovalWorkflowJob(db, approval);
  auto name = db.QueryString(
      "SELECT COALESCE((SELECT t.name FROM workflow_approval_templates t WHERE t.id = "
      "u.workflow_approval_template_id), u.name) FROM unified_jobs u WHERE u.id = ?",
      {approval});
  if (!name) return std::nullopt;
  auto data = NotificationData(db, approval, base);
  std::string workflow_url = base + "/#/jobs/workflow/" + std::to_string(wj.value_or(0));
  if (data) (*data)["url"] = workflow_url;
  return json::object{
      {"approval_status", status},
      {"approval_node_name", *name},
      {"workflow_url", workflow_url},
      {"job_metadata", PyJsonDumps(data ? json::value(*data) : json::value(nullptr), 4, true)}};
}

}  // namespace baton::notify
