// Workflow job templates (workflow-semantics.md DM-1..DM-4, RB-1..RB-6, CP-1, CP-2;
// api-resources.md §23): fields and validation, RBAC as AWX's WorkflowJobTemplateAccess,
// related links and summaries, survey_spec/, labels/, copy/ (nodes, edges and approval
// templates copied in the same transaction), webhook_key/, workflow_nodes/, workflow_jobs/.
// launch/ lives in workflow_launch.cpp. Nodes: workflow_nodes.cpp; shared helpers:
// workflow_graph.hpp.
#include "api/resources/inventory/inventory_common.hpp"
#include "api/resources/jobs/job_launch.hpp"
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/resources/triggers/webhooks.hpp"
#include "api/resources/workflows/workflow_launch.hpp"
#include "api/routes.hpp"
#include "core/crypto.hpp"
#include "service/attachments.hpp"
#include "service/workflow_graph.hpp"
#include "store/job_status_sql.hpp"

namespace baton::api {
namespace {

constexpr const char* kCt = kWfjtCt;
constexpr const char* kUniqueMsg =
    "WorkflowJobTemplate with this (name, organization) combination already exists.";
using Row = std::vector<store::Value>;

bool Writable(Session& ctx) {
  return !ctx.caller.read_only_token;
}

bool OrgWorkflowAdmin(Session& ctx, std::optional<int64_t> org) {
  if (ctx.caller.superuser) return true;
  return org && HasRole(ctx, "organization", *org, "workflow_admin_role");
}

// RB-3.
Status CanAdd(Session& ctx, const Obj& data) {
  if (ctx.caller.superuser) return OkStatus();
  auto org = OptIdOf(data, "organization");
  if (!org)
    return Error::Body(
        ErrorCode::kForbidden,
        json::object{{"organization", json::array{"An organization is required to create a "
                                                  "workflow job template for normal user"}}});
  if (!OrgWorkflowAdmin(ctx, org)) return Error::Body(ErrorCode::kForbidden, json::object{});
  if (auto inv = OptIdOf(data, "inventory"); inv && !HasRole(ctx, "inventory", *inv, "use_role"))
    return Error::Body(
        ErrorCode::kForbidden,
        json::object{{"inventory", json::array{"You do not have use_role to the inventory"}}});
  return OkStatus();
}

// AWX check_related on change: a changed reference needs the role on the new and the old value.
bool RelatedOk(Session& ctx, const char* field, const char* ct, const char* role, const Obj& o,
               const Obj& data) {
  if (!data.contains(field)) return true;
  auto current = OptIdOf(o, field);
  auto next = OptIdOf(data, field);
  if (next == current) return true;
  if (next && !HasRole(ctx, ct, *next, role)) return false;
  if (current && !HasRole(ctx, ct, *current, role)) return false;
  return true;
}

// RB-4.
Status CanChange(Session& ctx, const Obj& o, const Obj& data) {
  if (ctx.caller.superuser) return OkStatus();
  if (!RelatedOk(ctx, "organization", "organization", "workflow_admin_role", o, data) ||
      !RelatedOk(ctx, "inventory", "inventory", "use_role", o, data))
    return Error::Forbidden();
  return RequireRole(ctx, kCt, IdOf(o), "admin_role");
}

// RB-5.
Status CanDelete(Session& ctx, const Obj& o) {
  BATON_TRY(RequireRole(ctx, kCt, IdOf(o), "admin_role"));
  return CheckNoActiveJobs(ctx, "workflow_job_template_id", IdOf(o));
}

// CP-1: copying needs workflow_admin_role on the template's organization.
bool CanCopy(Session& ctx, const Obj& o) {
  return Writable(ctx) && OrgWorkflowAdmin(ctx, OptIdOf(o, "organization"));
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  if (!OptIdOf(v, "organization")) {
    // DM-3 with no organization: unique among the org-less templates.
    if (ctx.db.QueryInt(
            "SELECT 1 FROM workflow_job_templates WHERE organization_id IS NULL AND name = ? AND "
            "id != ?",
            {GetString(v, "name"), existing ? IdOf(*existing) : int64_t{0}}))
      return Error::All(kUniqueMsg);
  }
  if (auto wc = OptIdOf(v, "webhook_credential")) {
    auto t = ctx.db.Query(
        "SELECT ct.kind, ct.namespace FROM credentials c JOIN credential_types ct ON ct.id = "
        "c.credential_type_id WHERE c.id = ?",
        {*wc});
    if (!t.empty()) {
      if (store::AsString(t.rows[0][0]) != "token")
        return Error::Field("webhook_credential", "Must be a Personal Access Token.");
      std::string service = GetString(v, "webhook_service");
      if (service.empty() || store::AsString(t.rows[0][1]) != service + "_token")
        return Error::Field("webhook_credential", "Must match the selected webhook service.");
    }
  }
  return OkStatus();
}

Status AfterCreate(Session& ctx, int64_t id, const Obj& v) {
  rbac::CreateObjectRoles(ctx.db, kCt, id,
                          {{"organization", OptIdOf(v, "organization").value_or(0)}});
  SetWebhookKey(ctx, "workflow_job_templates", id, GetString(v, "webhook_service"));
  return OkStatus();
}

Status AfterUpdate(Session& ctx, const Obj& before, const Obj& after) {
  auto org = OptIdOf(after, "organization");
  if (org != OptIdOf(before, "organization"))
    rbac::UpdateObjectRoleParents(ctx.db, kCt, IdOf(after), {{"organization", org.value_or(0)}});
  std::string service = GetString(after, "webhook_service");
  // DM-4: a fresh key whenever the service changes; none without one.
  if (service != GetString(before, "webhook_service"))
    SetWebhookKey(ctx, "workflow_job_templates", IdOf(after), service);
  return OkStatus();
}

Status BeforeDelete(Session& ctx, const Obj& o) {
  int64_t id = IdOf(o);
  auto nodes = ctx.db.Query(
      "SELECT n.id, n.unified_job_template_id FROM workflow_job_template_nodes n WHERE "
      "n.workflow_job_template_id = ?",
      {id});
  for (auto& r : nodes.rows) {
    int64_t node = store::AsInt(r[0]);
    DeleteAttachments(ctx, kNodeOwner, node);
    ctx.db.Exec("DELETE FROM instance_group_attachments WHERE owner_type = ? AND owner_id = ?",
                {std::string(kNodeOwner), node});
  }
  // DM-20: the approval templates of its nodes go (their pending approvals are denied).
  for (auto& r : ctx.db
                     .Query("SELECT id FROM workflow_approval_templates WHERE "
                            "workflow_job_template_id = ?",
                            {id})
                     .rows)
    DeleteApprovalTemplate(ctx, store::AsInt(r[0]));
  DeleteAttachments(ctx, kCt, id);
  // Workflow jobs outlive their template (AWX: SET_NULL).
  ctx.db.Exec(
      "UPDATE unified_jobs SET workflow_job_template_id = NULL, unified_job_template_id = NULL "
      "WHERE type = 'workflow_job' AND workflow_job_template_id = ?",
      {id});
  return OkStatus();
}

json::value OptText(const store::Value& v) {
  return store::IsNull(v) ? json::value(nullptr) : json::value(store::AsString(v));
}

json::object JobSummary(const Row& r, bool with_finished) {
  json::object s{{"id", store::AsInt(r[0])},
                 {"name", store::AsString(r[1])},
                 {"description", store::AsString(r[2])}};
  if (with_finished) s["finished"] = OptText(r[4]);
  s["status"] = store::AsString(r[3]);
  s["failed"] = store::AsInt(r[5]) != 0;
  s["license_error"] = false;
  return s;
}

json::object Capabilities(Session& ctx, const Obj& o) {
  bool w = Writable(ctx);
  int64_t id = IdOf(o);
  bool admin = w && HasRole(ctx, kCt, id, "admin_role");
  bool start = w && HasRole(ctx, kCt, id, "execute_role");
  return json::object{{"start", start},
                      {"schedule", start},
                      {"copy", CanCopy(ctx, o)},
                      {"edit", admin},
                      {"delete", admin}};
}

// ST-5 status, last_job_run, last_job_failed, current_job, last_job, recent_jobs.
void DecorateJobs(Ctx& ctx, int64_t id, json::object& out) {
  static const std::string kCols =
      "SELECT id, name, description, status, finished, failed, type, canceled_on FROM "
      "unified_jobs WHERE unified_job_template_id = ? AND type = 'workflow_job' ";
  auto rows = ctx.db.Query(kCols + "ORDER BY id DESC LIMIT 10", {id});
  auto& sf = SummaryOf(out);
  json::array recent;
  std::optional<Row> current, last;
  for (const auto& r : rows.rows) {
    std::string st = store::AsString(r[3]);
    if (IsActiveStatus(st)) {
      if (!current) current = r;
    } else if (!last) {
      last = r;
    }
    recent.push_back(json::object{{"id", store::AsInt(r[0])},
                                  {"status", st},
                                  {"finished", OptText(r[4])},
                                  {"canceled_on", OptText(r[7])},
                                  {"type", store::AsString(r[6])}});
  }
  if (!last && rows.size() == 10) {
    auto fin = ctx.db.Query(
        kCols + "AND status NOT IN " + store::ActiveStatusList() + " ORDER BY id DESC LIMIT 1",
        {id});
    if (!fin.empty()) last = fin.rows[0];
  }
  if (current) {
    ctx.no_cache = true;
    AddRelated(out, "current_job", Url("workflow_jobs", store::AsInt((*current)[0])));
    sf["current_job"] = JobSummary(*current, false);
    out["status"] = store::AsString((*current)[3]);
  }
  if (last) {
    bool failed = store::AsInt((*last)[5]) != 0;
    AddRelated(out, "last_job", Url("workflow_jobs", store::AsInt((*last)[0])));
    sf["last_job"] = JobSummary(*last, true);
    out["last_job_run"] = OptText((*last)[4]);
    out["last_job_failed"] = failed;
    if (!current) out["status"] = failed ? "failed" : "successful";
  }
  sf["recent_jobs"] = std::move(recent);
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  InsertAfter(out, "description",
              {{"last_job_run", nullptr},
               {"last_job_failed", false},
               {"next_job_run", nullptr},
               {"status", "never updated"}});
  for (const char* s : {"workflow_jobs", "schedules", "launch", "webhook_key"})
    AddRelated(out, s, Url("workflow_job_templates", id, s));
  std::string service = GetString(o, "webhook_service");
  RelatedOf(out)["webhook_receiver"] = WebhookReceiverUrl("workflow_job_templates", id, service);
  for (const char* s :
       {"workflow_nodes", "labels", "activity_stream", "notification_templates_started",
        "notification_templates_success", "notification_templates_error",
        "notification_templates_approvals", "access_list", "object_roles", "survey_spec", "copy"})
    AddRelated(out, s, Url("workflow_job_templates", id, s));
  auto& sf = SummaryOf(out);
  for (auto [key, res] :
       {std::pair{"organization", "organizations"}, std::pair{"inventory", "inventories"},
        std::pair{"webhook_credential", "credentials"}}) {
    auto ref = OptIdOf(o, key);
    if (!ref) continue;
    AddRelated(out, key, Url(res, *ref));
    if (std::string_view(key) == "inventory") {
      if (auto s = InventorySummary(ctx, *ref)) sf[key] = std::move(*s);
    } else if (auto s = BasicSummary(ctx, res, *ref)) {
      if (std::string_view(key) == "webhook_credential") {
        if (auto kind = ctx.db.QueryString(
                "SELECT ct.kind FROM credentials c JOIN credential_types ct ON ct.id = "
                "c.credential_type_id WHERE c.id = ?",
                {*ref}))
          (*s)["kind"] = *kind;
      }
      sf[key] = std::move(*s);
    }
  }
  DecorateJobs(ctx, id, out);
  sf["labels"] = LabelsSummary(ctx, kCt, id);
  auto* spec = o.if_contains("survey_spec");
  if (spec && spec->is_object() && spec->as_object().contains("name") &&
      spec->as_object().contains("description"))
    sf["survey"] = json::object{{"title", spec->as_object().at("name")},
                                {"description", spec->as_object().at("description")}};
  sf["user_capabilities"] = Capabilities(ctx, o);
}

// ---- copy/ (CP-1, CP-2) ----

json::object CopyWarnings(Session& ctx, const Obj& src) {
  int64_t id = IdOf(src);
  json::object out;
  bool can = CanCopy(ctx, src);
  out["can_copy"] = can;
  if (!can) {
    out["can_copy_without_user_input"] = false;
    for (const char* k :
         {"templates_unable_to_copy", "credentials_unable_to_copy", "inventories_unable_to_copy"})
      out[k] = json::array{"all"};
    return out;
  }
  json::array templates, credentials, inventories;
  if (!ctx.caller.superuser) {
    auto nodes = ctx.db.Query(
        "SELECT unified_job_template_id, inventory_id, id FROM workflow_job_template_nodes WHERE "
        "workflow_job_template_id = ? ORDER BY id",
        {id});
    for (auto& r : nodes.rows) {
      if (auto ujt = store::AsOptInt(r[0])) {
        auto kind = TemplateKind(ctx, *ujt);
        if (kind && *kind != "workflow_approval_template" && !CanStartTemplate(ctx, *ujt))
          if (auto s = TableSummary(ctx, TemplateResource(*kind), *ujt))
            templates.push_back(s->at("name"));
      }
      if (auto inv = store::AsOptInt(r[1]); inv && !HasRole(ctx, "inventory", *inv, "use_role"))
        if (auto name = ctx.db.QueryString("SELECT name FROM inventories WHERE id = ?", {*inv}))
          inventories.push_back(json::string(*name));
      for (int64_t c : AttachedCredentials(ctx, kNodeOwner, store::AsInt(r[2])))
        if (!HasRole(ctx, "credential", c, "use_role"))
          if (auto name = ctx.db.QueryString("SELECT name FROM credentials WHERE id = ?", {c}))
            credentials.push_back(json::string(*name));
    }
  }
  out["can_copy_without_user_input"] =
      templates.empty() && credentials.empty() && inventories.empty();
  out["templates_unable_to_copy"] = std::move(templates);
  out["credentials_unable_to_copy"] = std::move(credentials);
  out["inventories_unable_to_copy"] = std::move(inventories);
  return out;
}

ActionDef WorkflowCopyAction() {
  ActionDef a;
  a.name = "copy";
  a.methods = {"GET", "POST"};
  a.title = "Copy";
  FieldDef name = Str("name", 512, true);
  name.help_text = "Name of the copy.";
  a.post_fields = {name};
  a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must("workflow_job_templates");
    BATON_ASSIGN(Obj src, LoadReadable(ctx, def, req.ids[0]));
    if (req.method == "GET") return Reply::Json(CopyWarnings(ctx, src));
    BATON_TRY(CheckWriteScope(ctx));
    auto* name = req.body.if_contains("name");
    if (!name || name->is_null()) return Error::Field("name", "This field is required.");
    if (!name->is_string()) return Error::Field("name", "Not a valid string.");
    if (name->get_string().empty()) return Error::Field("name", "This field may not be blank.");
    std::string original = GetString(src, "name");
    if (name->get_string() == original)
      return Error::All("The original object is already named " + original +
                        ", a copy from it cannot have the same name.");
    json::object body;
    for (const auto& f : def.fields) {
      if (f.read_only || f.column.empty() || f.internal) continue;
      if (auto* v = src.if_contains(f.name)) body[f.name] = *v;
    }
    body["name"] = *name;
    // CP-2: the caller must be able to create a template with the original's values.
    if (!CanCopy(ctx, src) || !CanAdd(ctx, src).ok()) return Error::Forbidden();
    store::Tx tx(ctx.db);
    BATON_ASSIGN(Obj copy, CreateObject(ctx, def, body));
    int64_t copy_id = IdOf(copy);
    ctx.db.Exec(
        "UPDATE workflow_job_templates SET survey_spec = (SELECT survey_spec FROM "
        "workflow_job_templates WHERE id = ?) WHERE id = ?",
        {IdOf(src), copy_id});
    for (int64_t l : AttachedLabels(ctx, kCt, IdOf(src))) AttachLabel(ctx, kCt, copy_id, l);
    if (!HasRole(ctx, kCt, copy_id, "admin_role"))
      if (auto role = rbac::RoleId(ctx.db, kCt, copy_id, "admin_role"))
        rbac::AddMember(ctx.db, *role, ctx.caller.id);
    CopyWorkflowNodes(ctx, IdOf(src), copy_id);
    tx.Commit();
    auto loaded = Load(ctx, def, copy_id);
    return Reply::Created(SerializeDetail(ctx, def, *loaded), def.Url(copy_id));
  };
  return a;
}

FieldDef NullableText(std::string name, std::string column, int max_length = 0) {
  FieldDef f = F(std::move(name), FieldType::kText);
  f.column = std::move(column);
  f.nullable = true;
  f.def = nullptr;
  f.has_default = true;
  f.max_length = max_length;
  return f;
}

std::vector<FieldDef> Fields() {
  std::vector<FieldDef> v = NamedFields();
  FieldDef extra_vars = F("extra_vars", FieldType::kJsonText);
  extra_vars.def = "";
  extra_vars.has_default = true;
  extra_vars.filterable = false;
  FieldDef service = F("webhook_service", FieldType::kChoice);
  service.choices = {{"", "---------"},
                     {"github", "GitHub"},
                     {"gitlab", "GitLab"},
                     {"bitbucket_dc", "BitBucket DataCenter"}};
  service.def = "";
  service.has_default = true;
  service.help_text = "Service that webhook requests will be accepted from";
  FieldDef cred = Fk("webhook_credential", "credentials");
  cred.help_text = "Personal Access Token for posting back the status to the service API";
  FieldDef inventory = Fk("inventory", "inventories");
  inventory.help_text =
      "Inventory applied as a prompt, assuming job template prompts for inventory";
  for (auto f : {extra_vars, Fk("organization", "organizations"), Bool("survey_enabled"),
                 Bool("allow_simultaneous"), Bool("ask_variables_on_launch"), inventory,
                 NullableText("limit", "limit_"), NullableText("scm_branch", "scm_branch", 1024),
                 Bool("ask_inventory_on_launch"), Bool("ask_scm_branch_on_launch"),
                 Bool("ask_limit_on_launch"), service, cred, Bool("ask_labels_on_launch"),
                 Bool("ask_skip_tags_on_launch"), Bool("ask_tags_on_launch"),
                 NullableText("skip_tags", "skip_tags"), NullableText("job_tags", "job_tags")})
    v.push_back(f);
  v.push_back(Internal("survey_spec", "survey_spec", FieldType::kJson));
  v.push_back(Internal("webhook_key", "webhook_key", FieldType::kString));
  return v;
}

Status CanEditLabels(Session& ctx, int64_t wfjt) {
  BATON_TRY(CheckWriteScope(ctx));
  return RequireRole(ctx, kCt, wfjt, "admin_role");
}

}  // namespace

void RegisterWorkflowJobTemplates() {
  ResourceDef d =
      NewResource("workflow_job_templates", kCt, "WorkflowJobTemplate", "Workflow Job Templates");
  d.content_type = kCt;
  d.id_space = "unified_job_template_ids";
  d.named_url_format = "name++organization.name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description"};
  d.fields = Fields();
  d.uniques = {{{"name", "organization"}, "__all__", kUniqueMsg}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, kCt, "read_role", p);
  };
  d.can_add = CanAdd;
  d.can_change = CanChange;
  d.can_delete = CanDelete;
  d.capabilities = Capabilities;
  d.validate = Validate;
  d.after_create = AfterCreate;
  d.after_update = AfterUpdate;
  d.before_delete = BeforeDelete;
  d.decorate = Decorate;
  d.sublists.push_back(LabelsSubList(kCt, "workflow job template", CanEditLabels));
  SubListDef jobs =
      ListOnly("workflow_jobs", "workflow_jobs",
               "t.type = 'workflow_job' AND t.workflow_job_template_id = ?", "Workflow Jobs");
  d.sublists.push_back(jobs);
  SubListDef nodes = ListOnly("workflow_nodes", "workflow_job_template_nodes",
                              "t.workflow_job_template_id = ?", "Workflow Job Template Nodes");
  nodes.can_create = true;
  nodes.inject_field = "workflow_job_template";
  d.sublists.push_back(nodes);
  d.sublists.push_back(ObjectRolesSubList(kCt));
  d.sublists.push_back(AccessListSubList(kCt));
  d.sublists.push_back(ActivityStreamSubList(kCt));
  d.actions.push_back(WorkflowJobTemplateLaunchAction());
  d.actions.push_back(SurveySpecAction("workflow_job_templates", kCt));
  d.actions.push_back(WorkflowCopyAction());
  // DM-4 webhook_key/ and the github/, gitlab/, bitbucket_dc/ receivers (webhooks.cpp).
  for (auto& a : WebhookActions("workflow_job_templates", kCt)) d.actions.push_back(std::move(a));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
