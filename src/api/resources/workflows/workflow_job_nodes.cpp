// Workflow job nodes (workflow-semantics.md DM-16, RB-21; api-resources.md §27): read-only
// /api/v2/workflow_job_nodes/ list and detail, success_nodes/, failure_nodes/, always_nodes/ (the
// edges of workflow_edges with owner 'workflow_job'), credentials/ and labels/. Nodes are copied
// from the template's at launch (workflow_launch.cpp); the workflow manager sets job and
// do_not_run.
#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"
#include "service/attachments.hpp"
#include "service/workflow_graph.hpp"

namespace baton::api {

std::string WorkflowJobsReadableOn(Session& ctx, store::Params& p, const std::string& a);

namespace {

constexpr const char* kRes = "workflow_job_nodes";
constexpr const char* kOwner = "workflow_job_node";

json::array EdgeChildren(Session& ctx, int64_t parent, const char* type) {
  json::array out;
  for (auto& r : ctx.db
                     .Query("SELECT child_id FROM workflow_edges WHERE owner_type = 'workflow_job' "
                            "AND parent_id = ? AND type = ? ORDER BY child_id",
                            {parent, std::string(type)})
                     .rows)
    out.push_back(store::AsInt(r[0]));
  return out;
}

// summary_fields.job (DM-16): the spawned job, plus timed_out for an approval.
std::optional<json::object> SpawnedJobSummary(Session& ctx, int64_t job) {
  auto rows = ctx.db.Query(
      "SELECT id, name, description, status, failed, elapsed, type, canceled_on, timed_out FROM "
      "unified_jobs WHERE id = ?",
      {job});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  json::object s{{"id", store::AsInt(r[0])},
                 {"name", store::AsString(r[1])},
                 {"description", store::AsString(r[2])},
                 {"status", store::AsString(r[3])},
                 {"failed", store::AsInt(r[4]) != 0},
                 {"elapsed", store::AsDouble(r[5])},
                 {"type", store::AsString(r[6])}};
  if (!store::IsNull(r[7])) s["canceled_on"] = store::AsString(r[7]);
  if (store::AsString(r[6]) == "workflow_approval") s["timed_out"] = store::AsInt(r[8]) != 0;
  return s;
}

std::string JobResource(const std::string& type) {
  const ResourceDef* d = Registry::Get().ByType(type);
  return d ? d->name : type + "s";
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  auto* dm = o.if_contains("diff_mode_raw");
  out["diff_mode"] = !dm || dm->is_null() ? json::value(nullptr) : json::value(dm->as_int64() != 0);
  if (auto* pw = o.if_contains("survey_passwords");
      pw && pw->is_object() && !pw->as_object().empty())
    if (auto* extra = out.if_contains("extra_data"); extra && extra->is_object())
      for (auto& kv : pw->as_object())
        if (auto* x = extra->as_object().if_contains(kv.key())) *x = kv.value();
  InsertAfter(out, "unified_job_template",
              {{"success_nodes", EdgeChildren(ctx, id, "success")},
               {"failure_nodes", EdgeChildren(ctx, id, "failure")},
               {"always_nodes", EdgeChildren(ctx, id, "always")}});
  auto& sf = SummaryOf(out);
  for (const char* s : {"credentials", "labels"}) AddRelated(out, s, Url(kRes, id, s));
  for (const char* s : {"success_nodes", "failure_nodes", "always_nodes"})
    AddRelated(out, s, Url(kRes, id, s));
  if (auto inv = OptIdOf(o, "inventory")) {
    AddRelated(out, "inventory", Url("inventories", *inv));
    if (auto s = InventorySummary(ctx, *inv)) sf["inventory"] = std::move(*s);
  }
  if (auto ee = OptIdOf(o, "execution_environment"))
    AddRelated(out, "execution_environment", Url("execution_environments", *ee));
  if (auto ujt = OptIdOf(o, "unified_job_template")) {
    if (auto kind = TemplateKind(ctx, *ujt)) {
      AddRelated(out, "unified_job_template", Url(TemplateResource(*kind), *ujt));
      if (auto s = TemplateSummary(ctx, *ujt)) sf["unified_job_template"] = std::move(*s);
    }
  }
  if (auto job = OptIdOf(o, "job")) {
    if (auto s = SpawnedJobSummary(ctx, *job)) {
      AddRelated(out, "job", Url(JobResource(s->at("type").as_string().c_str()), *job));
      sf["job"] = std::move(*s);
    }
  }
  int64_t wj = IdOf(o, "workflow_job");
  AddRelated(out, "workflow_job", Url("workflow_jobs", wj));
  if (auto s = TableSummary(ctx, "unified_jobs", wj)) sf["workflow_job"] = std::move(*s);
  sf["user_capabilities"] = json::object{{"edit", false}, {"delete", false}};
}

FieldDef Nullable(FieldDef f) {
  f.nullable = true;
  f.read_only = true;
  return f;
}

std::vector<FieldDef> Fields() {
  std::vector<FieldDef> v = CommonFields(false);
  FieldDef extra = RO(F("extra_data", FieldType::kJson));
  extra.filterable = false;
  FieldDef limit = Nullable(F("limit", FieldType::kText));
  limit.column = "limit_";
  FieldDef job_type = Nullable(F("job_type", FieldType::kChoice));
  job_type.choices = {{"", "---------"}, {"run", "Run"}, {"check", "Check"}};
  FieldDef verbosity = Nullable(F("verbosity", FieldType::kIntChoice));
  verbosity.choices = {{"0", "0 (Normal)"},           {"1", "1 (Verbose)"},
                       {"2", "2 (More Verbose)"},     {"3", "3 (Debug)"},
                       {"4", "4 (Connection Debug)"}, {"5", "5 (WinRM Debug)"}};
  FieldDef job = RO(Fk("job", "unified_jobs"));  // filters: ?job__name=
  FieldDef ujt = RO(Fk("unified_job_template", ""));
  FieldDef apmc = RO(Bool("all_parents_must_converge"));
  apmc.help_text =
      "If enabled then the node will only run if all of the parent nodes have met the criteria "
      "to reach this node";
  FieldDef identifier = RO(Str("identifier", 512));
  identifier.help_text =
      "An identifier coresponding to the workflow job template node that this node was created "
      "from.";
  FieldDef dnr = RO(Bool("do_not_run"));
  dnr.help_text =
      "Indicates that a job will not be created when True. Workflow runtime semantics will mark "
      "this True if the node is in a path that will decidedly not be ran. A value of False means "
      "the node may not run.";
  for (auto f :
       {extra, RO(Fk("inventory", "inventories")), Nullable(F("scm_branch", FieldType::kText)),
        job_type, Nullable(F("job_tags", FieldType::kText)),
        Nullable(F("skip_tags", FieldType::kText)), limit,
        Nullable(F("diff_mode", FieldType::kBool)), verbosity,
        RO(Fk("execution_environment", "execution_environments")),
        Nullable(F("forks", FieldType::kInt)), Nullable(F("job_slice_count", FieldType::kInt)),
        Nullable(F("timeout", FieldType::kInt)), job, RO(Fk("workflow_job", "workflow_jobs")), ujt,
        apmc, dnr, identifier})
    v.push_back(f);
  v.push_back(Internal("survey_passwords", "survey_passwords", FieldType::kJson));
  v.push_back(Internal("diff_mode_raw", "diff_mode", FieldType::kInt));
  return v;
}

std::string EdgeFilter(const std::string& type) {
  return "t.id IN (SELECT child_id FROM workflow_edges WHERE owner_type = 'workflow_job' AND "
         "parent_id = ? AND type = '" +
         type + "')";
}

std::string OwnerFilter(const char* table, const char* column) {
  return std::string("t.id IN (SELECT ") + column + " FROM " + table +
         " WHERE owner_type = 'workflow_job_node' AND owner_id = ?)";
}

}  // namespace

void RegisterWorkflowJobNodes() {
  ResourceDef d = NewResource(kRes, "workflow_job_node", "WorkflowJobNode", "Workflow Job Nodes");
  d.creatable = d.editable = d.deletable = false;
  d.has_created_by = false;
  d.identity = "identifier";
  d.fields = Fields();
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    std::string f = WorkflowJobsReadableOn(ctx, p, "w");
    if (f.empty()) return "";
    return "t.workflow_job_id IN (SELECT w.id FROM unified_jobs w WHERE w.type = 'workflow_job' "
           "AND " +
           f + ")";
  };
  d.decorate = Decorate;
  for (const char* t : {"success", "failure", "always"})
    d.sublists.push_back(
        ListOnly(std::string(t) + "_nodes", kRes, EdgeFilter(t), "Workflow Job Nodes"));
  d.sublists.push_back(ListOnly("credentials", "credentials",
                                OwnerFilter("credential_attachments", "credential_id"),
                                "Credentials"));
  d.sublists.push_back(
      ListOnly("labels", "labels", OwnerFilter("label_attachments", "label_id"), "Labels"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
