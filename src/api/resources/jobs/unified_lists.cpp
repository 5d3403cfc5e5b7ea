// The polymorphic lists (api-resources.md §25, contract §7.4): /api/v2/unified_job_templates/
// and /api/v2/unified_jobs/. Each is a resource over one SQL source holding every kind's rows
// with their common columns (so filters, search, ordering and paging are the generic list
// machinery's), and each row is then serialized by its own kind's resource, so `type` tells
// which kind an item is. Adding a kind is one line in kTemplateKinds or kJobKinds.
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"

namespace baton::api {
namespace {

struct TemplateKind {
  const char* type;          // the kind's type ("job_template")
  const char* resource;      // its resource and table ("job_templates")
  const char* organization;  // SQL for its organization id (row alias k)
  const char* playbook;      // SQL for the searchable playbook ('' when none)
  const char* never_run;     // SQL for its status before any job
  const char* ee;            // SQL for its execution environment id
};

// Workflow job templates join with one more line here.
constexpr TemplateKind kTemplateKinds[] = {
    {"job_template", "job_templates", "k.organization_id", "k.playbook", "'never updated'",
     "k.execution_environment_id"},
    {"project", "projects", "k.organization_id", "''",
     "CASE WHEN k.scm_type = '' THEN 'ok' ELSE 'never updated' END", "NULL"},
    {"inventory_source", "inventory_sources",
     "(SELECT i.organization_id FROM inventories i WHERE i.id = k.inventory_id)", "''",
     "'never updated'", "k.execution_environment_id"},
    {"workflow_job_template", "workflow_job_templates", "k.organization_id", "''",
     "'never updated'", "NULL"},
};

struct JobKind {
  const char* type;
  const char* resource;
  const char* organization;  // SQL for its organization id (row alias k)
};

// Workflow jobs, ad hoc commands and system jobs join with one more line here.
constexpr JobKind kJobKinds[] = {
    {"project_update", "project_updates",
     "(SELECT p.organization_id FROM projects p WHERE p.id = k.project_id)"},
    {"inventory_update", "inventory_updates",
     "(SELECT i.organization_id FROM inventories i WHERE i.id = k.inventory_id)"},
    {"job", "jobs", "k.organization_id"},
    {"workflow_job", "workflow_jobs", "k.organization_id"},
};

std::string Quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::string TemplatesSource() {
  std::string sql;
  for (const auto& k : kTemplateKinds) {
    std::string last =
        "(SELECT u.%s FROM unified_jobs u WHERE u.unified_job_template_id = k.id ORDER BY u.id "
        "DESC LIMIT 1)";
    auto col = [&](const char* c) {
      std::string s = last;
      s.replace(s.find("%s"), 2, c);
      return s;
    };
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT k.id AS id, " + Quote(k.type) +
           " AS type, k.name AS name, k.description AS description, " + k.organization +
           " AS organization_id, k.created AS created, k.modified AS modified, k.created_by_id AS "
           "created_by_id, k.modified_by_id AS modified_by_id, " +
           k.playbook + " AS playbook, COALESCE(" + col("status") + ", " + k.never_run +
           ") AS status, " + col("finished") + " AS last_job_run, COALESCE(" + col("failed") +
           ", 0) AS last_job_failed, NULL AS next_job_run, " + k.ee +
           " AS execution_environment_id FROM " + k.resource + " k";
  }
  return "(" + sql + ")";
}

// Every unified job, approvals included (organization null): the target of foreign keys to any
// unified job (a workflow job node's `job`, which `?job__name=` filters through, as the
// collection's workflow_approval and workflow_node_wait do). The /unified_jobs/ list itself
// leaves approvals out (DM-19) through its list scope.
std::string JobsSource() {
  std::string org = "CASE k.type";
  std::string types = "'workflow_approval'";
  for (const auto& k : kJobKinds) {
    org += " WHEN " + Quote(k.type) + " THEN " + k.organization;
    types += ", " + Quote(k.type);
  }
  org += " END";
  return "(SELECT k.*, " + org +
         " AS unified_organization_id FROM unified_jobs k WHERE k.type IN (" + types + "))";
}

// The union of each kind's read filter: a row is readable when its own kind's policy reads it.
template <typename Kinds>
std::string UnionReadFilter(Session& ctx, store::Params& p, const Kinds& kinds) {
  if (ctx.caller.sees_all()) return "";
  std::string out;
  for (const auto& k : kinds) {
    const ResourceDef* def = Registry::Get().Find(k.resource);
    if (!def) continue;
    std::string clause = "t.type = " + Quote(k.type);
    if (def->read_filter) {
      std::string rf = def->read_filter(ctx, p);
      if (!rf.empty())
        clause += " AND t.id IN (SELECT t.id FROM " + def->table + " t WHERE " + rf + ")";
    }
    out += (out.empty() ? "" : " OR ") + ("(" + clause + ")");
  }
  return out.empty() ? "1=0" : out;
}

// Serializes the row with its own kind's resource (a kind not registered keeps the envelope).
void SerializeAsKind(Ctx& ctx, const Obj& o, json::object& out, bool detail) {
  std::string type = GetString(o, "polymorphic_type");
  const ResourceDef* kind = Registry::Get().ByType(type);
  if (!kind) {
    out["type"] = type;
    out["url"] = "";
    return;
  }
  auto obj = Load(ctx, *kind, IdOf(o));
  if (!obj) return;
  json::object k = detail ? SerializeDetail(ctx, *kind, *obj)
                          : Serialize(ctx, *kind, *obj, false, out.storage());
  out = std::move(k);
}

FieldDef TypeField() {
  FieldDef f = Internal("polymorphic_type", "type", FieldType::kString);
  f.filterable = true;
  return f;
}

}  // namespace

void RegisterUnifiedLists() {
  {
    ResourceDef d = NewResource("unified_job_templates", "unified_job_template",
                                "UnifiedJobTemplate", "Unified Job Templates");
    d.table = TemplatesSource();
    d.creatable = d.editable = d.deletable = false;
    d.has_created_by = false;
    d.default_order = {"name"};
    d.search_fields = {"name", "description", "playbook"};
    d.fields = NamedFields();
    FieldDef status = F("status", FieldType::kChoice);
    for (JobStatus s : kJobStatuses) status.choices.emplace_back(ToString(s), ToString(s));
    for (auto s : {"never updated", "ok", "missing", "none", "updating"})
      status.choices.emplace_back(s, s);
    for (auto f : {TypeField(), Fk("organization", "organizations"), status, Dt("last_job_run"),
                   Bool("last_job_failed"), Dt("next_job_run"),
                   Fk("execution_environment", "execution_environments"),
                   Internal("playbook", "playbook", FieldType::kString)})
      d.fields.push_back(RO(f));
    d.read_filter = [](Session& ctx, store::Params& p) {
      return UnionReadFilter(ctx, p, kTemplateKinds);
    };
    d.type_column = "type";
    d.capabilities = [](Session&, const Obj&) { return json::object{}; };
    d.decorate = SerializeAsKind;
    Registry::Get().Add(std::move(d));
  }
  {
    ResourceDef d = NewResource("unified_jobs", "unified_job", "UnifiedJob", "Unified Jobs");
    d.table = JobsSource();
    d.creatable = d.editable = d.deletable = false;
    d.has_created_by = false;
    d.default_order = {"id"};
    d.search_fields = {"name", "description"};
    d.fields = CommonFields();
    for (auto& f : UnifiedJobFields()) d.fields.push_back(f);
    FieldDef org = Fk("organization", "organizations");
    org.column = "unified_organization_id";
    d.fields.push_back(RO(org));
    d.fields.push_back(TypeField());
    // The workflow job node that spawned a job (AWX's reverse relation `unified_job_node`): the
    // awx CLI follows a workflow's jobs with ?unified_job_node__workflow_job=N.
    d.relations = {{"unified_job_node", "workflow_job_nodes",
                    "{t}.id IN (SELECT job_id FROM workflow_job_nodes WHERE id IN ({inner}))"}};
    d.read_filter = [](Session& ctx, store::Params& p) {
      return UnionReadFilter(ctx, p, kJobKinds);
    };
    d.list_scope = [](Ctx&, const ApiRequest&, store::Params&) -> Result<std::string> {
      return std::string("t.type <> 'workflow_approval'");
    };
    d.type_column = "type";
    d.capabilities = [](Session&, const Obj&) { return json::object{}; };
    d.decorate = SerializeAsKind;
    Registry::Get().Add(std::move(d));
  }
}

}  // namespace baton::api
