// Workflow job template nodes (workflow-semantics.md DM-5..DM-13, DM-17, DM-20, RB-10..RB-15;
// api-resources.md §24), reachable at /workflow_job_template_nodes/ and through
// /workflow_job_templates/N/workflow_nodes/: fields, prompt validation (DM-6, in
// workflow_graph.cpp), identifier, credentials/ (DM-8), labels/, create_approval_template/, and
// the edge sub-lists success_nodes/, failure_nodes/, always_nodes/ with "Cycle detected." for
// every cycle (PF-1, engine/links.hpp) and "Relationship not allowed.", and instance_groups/.
#include "api/resources/inventory/inventory_common.hpp"
#include "api/routes.hpp"
#include "core/crypto.hpp"
#include "service/activity.hpp"
#include "service/attachments.hpp"
#include "service/workflow_graph.hpp"

namespace baton::api {
namespace {

constexpr const char* kNodes = "workflow_job_template_nodes";

const ResourceDef& NodeDef() {
  return Registry::Get().Must(kNodes);
}

std::optional<int64_t> NodeWfjt(Session& ctx, int64_t node) {
  return ctx.db.QueryInt(
      "SELECT workflow_job_template_id FROM workflow_job_template_nodes WHERE id = ?", {node});
}

// RB-11 for an existing node: admin of its WFJT and the right to start its template.
Status CanEditNode(Session& ctx, const Obj& node) {
  BATON_TRY(RequireRole(ctx, kWfjtCt, IdOf(node, "workflow_job_template"), "admin_role"));
  if (auto ujt = OptIdOf(node, "unified_job_template"); ujt && !CanStartTemplate(ctx, *ujt))
    return Error::Forbidden();
  return OkStatus();
}

Status CanEditNodeById(Session& ctx, int64_t node) {
  BATON_TRY(CheckWriteScope(ctx));
  auto o = Load(ctx, NodeDef(), node);
  if (!o) return Error::NotFound();
  return CanEditNode(ctx, *o);
}

Status CanUsePrompted(Session& ctx, const Obj& data) {
  if (auto inv = OptIdOf(data, "inventory"); inv && !HasRole(ctx, "inventory", *inv, "use_role"))
    return Error::Forbidden();
  return OkStatus();
}

// RB-10.
Status CanAdd(Session& ctx, const Obj& data) {
  BATON_TRY(RequireRole(ctx, kWfjtCt, IdOf(data, "workflow_job_template"), "admin_role"));
  if (auto ujt = OptIdOf(data, "unified_job_template"); ujt && !CanStartTemplate(ctx, *ujt))
    return Error::Forbidden();
  return CanUsePrompted(ctx, data);
}

// RB-11.
Status CanChange(Session& ctx, const Obj& o, const Obj& data) {
  BATON_TRY(CanEditNode(ctx, o));
  auto* next = data.if_contains("unified_job_template");
  if (next && next->is_int64() && OptIdOf(o, "unified_job_template") != next->get_int64() &&
      !CanStartTemplate(ctx, next->get_int64()))
    return Error::Forbidden();
  auto* inv = data.if_contains("inventory");
  if (inv && inv->is_int64() && OptIdOf(o, "inventory") != inv->get_int64())
    return CanUsePrompted(ctx, data);
  return OkStatus();
}

// RB-12.
Status CanDelete(Session& ctx, const Obj& o) {
  return RequireRole(ctx, kWfjtCt, IdOf(o, "workflow_job_template"), "admin_role");
}

const std::vector<std::string>& ScalarPromptNames() {
  static const std::vector<std::string> k = {
      "scm_branch", "job_type",  "job_tags", "skip_tags",       "limit",
      "diff_mode",  "verbosity", "forks",    "job_slice_count", "timeout"};
  return k;
}

Status Validate(Session& ctx, const WriteInput& in, Obj& v, const Obj* existing) {
  const json::object& raw = in.body;
  bool full = !existing || !in.partial;
  // identifier: a UUID when not given, never blank (DM-5, DM-7).
  if (auto* id = raw.if_contains("identifier")) {
    if (id->is_null()) return Error::Field("identifier", "This field may not be null.");
    if (GetString(v, "identifier").empty())
      return Error::Field("identifier", "This field may not be blank.");
  } else if (!existing) {
    v["identifier"] = RandomUuid4();
  }
  // diff_mode is a nullable boolean: null stays null; false over a stored null is written.
  bool raw_null = existing && existing->at("diff_mode_raw").is_null();
  if (auto* dm = raw.if_contains("diff_mode")) {
    if (dm->is_null())
      v["diff_mode"] = nullptr;
    else if (raw_null && v["diff_mode"] == json::value(false))
      v["diff_mode"] = int64_t{0};
  } else if (existing) {
    v["diff_mode"] = raw_null ? json::value(nullptr) : existing->at("diff_mode");
  }
  if (auto ujt = OptIdOf(v, "unified_job_template"); ujt && !TemplateKind(ctx, *ujt))
    return Error::Field("unified_job_template",
                        "Invalid pk \"" + std::to_string(*ujt) + "\" - object does not exist.");
  std::set<std::string, std::less<>> present;
  for (auto& kv : raw) present.insert(kv.key());
  if (full)
    for (const auto& f : ScalarPromptNames()) present.insert(f);
  return ValidateNodePrompts(ctx, v, existing, present);
}

// DM-20: moving a node away from its approval template deletes the template.
Status AfterUpdate(Session& ctx, const Obj& before, const Obj& after) {
  auto old = OptIdOf(before, "unified_job_template");
  if (old && old != OptIdOf(after, "unified_job_template") &&
      TemplateKind(ctx, *old) == "workflow_approval_template")
    DeleteApprovalTemplate(ctx, *old);
  return OkStatus();
}

Status BeforeDelete(Session& ctx, const Obj& o) {
  int64_t id = IdOf(o);
  if (auto ujt = OptIdOf(o, "unified_job_template");
      ujt && TemplateKind(ctx, *ujt) == "workflow_approval_template")
    DeleteApprovalTemplate(ctx, *ujt);
  DeleteAttachments(ctx, kNodeOwner, id);
  ctx.db.Exec("DELETE FROM instance_group_attachments WHERE owner_type = ? AND owner_id = ?",
              {std::string(kNodeOwner), id});
  return OkStatus();
}

json::array Ids(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t i : ids) a.push_back(i);
  return a;
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  auto* raw = o.if_contains("diff_mode_raw");
  out["diff_mode"] =
      !raw || raw->is_null() ? json::value(nullptr) : json::value(raw->as_int64() != 0);
  // Password answers show as "$encrypted$" (DM-6e).
  if (auto* pw = o.if_contains("survey_passwords");
      pw && pw->is_object() && !pw->as_object().empty())
    if (auto* extra = out.if_contains("extra_data"); extra && extra->is_object())
      for (auto& kv : pw->as_object())
        if (auto* x = extra->as_object().if_contains(kv.key())) *x = kv.value();
  InsertAfter(out, "unified_job_template",
              {{"success_nodes", Ids(ChildNodes(ctx, id, "success"))},
               {"failure_nodes", Ids(ChildNodes(ctx, id, "failure"))},
               {"always_nodes", Ids(ChildNodes(ctx, id, "always"))}});
  auto& sf = SummaryOf(out);
  for (const char* s : {"create_approval_template", "success_nodes", "failure_nodes",
                        "always_nodes", "credentials", "labels"})
    AddRelated(out, s, Url(kNodes, id, s));
  if (auto inv = OptIdOf(o, "inventory")) {
    AddRelated(out, "inventory", Url("inventories", *inv));
    if (auto s = InventorySummary(ctx, *inv)) sf["inventory"] = std::move(*s);
  }
  if (auto ee = OptIdOf(o, "execution_environment"))
    AddRelated(out, "execution_environment", Url("execution_environments", *ee));
  int64_t wfjt = IdOf(o, "workflow_job_template");
  AddRelated(out, "workflow_job_template", Url("workflow_job_templates", wfjt));
  if (auto s = BasicSummary(ctx, "workflow_job_templates", wfjt))
    sf["workflow_job_template"] = std::move(*s);
  if (auto ujt = OptIdOf(o, "unified_job_template")) {
    if (auto kind = TemplateKind(ctx, *ujt)) {
      AddRelated(out, "unified_job_template", Url(TemplateResource(*kind), *ujt));
      if (auto s = TemplateSummary(ctx, *ujt)) sf["unified_job_template"] = std::move(*s);
    }
  }
  static const Obj kEmpty;
  bool w = !ctx.caller.read_only_token;
  sf["user_capabilities"] = json::object{{"edit", w && CanEditNode(ctx, o).ok()},
                                         {"delete", w && CanDelete(ctx, o).ok()}};
}

FieldDef Nullable(FieldDef f) {
  f.nullable = true;
  f.required = false;
  f.def = nullptr;
  f.has_default = true;
  return f;
}

std::vector<FieldDef> Fields() {
  std::vector<FieldDef> v = CommonFields(false);
  FieldDef extra = F("extra_data", FieldType::kJson);
  extra.def = json::object{};
  extra.has_default = true;
  extra.filterable = false;
  FieldDef job_type = Nullable(F("job_type", FieldType::kChoice));
  job_type.choices = {{"", "---------"}, {"run", "Run"}, {"check", "Check"}};
  FieldDef limit = Nullable(F("limit", FieldType::kText));
  limit.column = "limit_";
  FieldDef verbosity = Nullable(F("verbosity", FieldType::kIntChoice));
  verbosity.choices = {{"0", "0 (Normal)"},           {"1", "1 (Verbose)"},
                       {"2", "2 (More Verbose)"},     {"3", "3 (Debug)"},
                       {"4", "4 (Connection Debug)"}, {"5", "5 (WinRM Debug)"}};
  FieldDef forks = Nullable(F("forks", FieldType::kInt));
  forks.min_value = 0;
  FieldDef slices = Nullable(F("job_slice_count", FieldType::kInt));
  slices.min_value = 0;
  FieldDef scm_branch = Nullable(F("scm_branch", FieldType::kText));
  scm_branch.max_length = 1024;
  FieldDef wfjt = Fk("workflow_job_template", "workflow_job_templates", true);
  wfjt.create_only = true;
  // Any kind of template (workflow_graph.hpp TemplateKind checks it exists).
  FieldDef ujt = Fk("unified_job_template", "");
  FieldDef identifier = Str("identifier", 512);
  identifier.help_text =
      "An identifier for this node that is unique within its workflow. It is copied to workflow "
      "job nodes corresponding to this node.";
  FieldDef apmc = Bool("all_parents_must_converge");
  apmc.help_text =
      "If enabled then the node will only run if all of the parent nodes have met the criteria "
      "to reach this node";
  FieldDef passwords = F("survey_passwords", FieldType::kJson);
  passwords.write_only = true;
  passwords.filterable = false;
  passwords.def = json::object{};
  passwords.has_default = true;
  for (auto f :
       {extra, Fk("inventory", "inventories"), scm_branch, job_type,
        Nullable(F("job_tags", FieldType::kText)), Nullable(F("skip_tags", FieldType::kText)),
        limit, Nullable(F("diff_mode", FieldType::kBool)), verbosity,
        Fk("execution_environment", "execution_environments"), forks, slices,
        Nullable(F("timeout", FieldType::kInt)), wfjt, ujt, apmc, identifier, passwords,
        Internal("diff_mode_raw", "diff_mode", FieldType::kInt)})
    v.push_back(f);
  return v;
}

// ---- Edges (DM-9..DM-11, RB-13) ----

std::string EdgeFilter(const std::string& type) {
  return "t.id IN (SELECT child_id FROM workflow_edges WHERE owner_type = "
         "'workflow_job_template' AND parent_id = ? AND type = '" +
         type + "')";
}

SubListDef EdgeSubList(const std::string& type) {
  SubListDef s;
  s.name = type + "_nodes";
  s.child = kNodes;
  s.title = "Workflow Job Template Nodes";
  s.filter = EdgeFilter(type);
  s.can_create = true;
  s.can_attach = true;
  s.can_attach_fn = [](Session& ctx, int64_t parent, int64_t child, bool) -> Status {
    auto wfjt = NodeWfjt(ctx, parent);
    if (!wfjt || wfjt != NodeWfjt(ctx, child)) return Error::Forbidden();
    return RequireRole(ctx, kWfjtCt, *wfjt, "admin_role");
  };
  s.attach = [type](Session& ctx, int64_t parent, int64_t child) -> Status {
    int64_t wfjt = *NodeWfjt(ctx, parent);
    engine::LinkCheck check = CheckTemplateLink(ctx, wfjt, parent, child, type);
    if (check.verdict != engine::LinkVerdict::kAdd && !check.error.empty())
      return Error::Body(ErrorCode::kInvalid, json::object{{"Error", check.error}});
    if (check.verdict != engine::LinkVerdict::kAdd) return OkStatus();
    ctx.db.Exec(
        "INSERT INTO workflow_edges (owner_type, owner_id, parent_id, child_id, type) VALUES "
        "('workflow_job_template', ?, ?, ?, ?)",
        {wfjt, parent, child, type});
    return OkStatus();
  };
  s.detach = [type](Session& ctx, int64_t parent, int64_t child) -> Status {
    ctx.db.Exec(
        "DELETE FROM workflow_edges WHERE owner_type = 'workflow_job_template' AND parent_id = ? "
        "AND child_id = ? AND type = ?",
        {parent, child, type});
    return OkStatus();
  };
  // A node created here joins the parent's workflow (DM-9); a new node closes no cycle.
  s.before_create = [](Session& ctx, int64_t parent,
                       json::object& body) -> Result<std::optional<int64_t>> {
    auto wfjt = NodeWfjt(ctx, parent);
    if (!wfjt) return Error::NotFound();
    body["workflow_job_template"] = *wfjt;
    return std::optional<int64_t>{};
  };
  s.after_create = [type](Session& ctx, int64_t parent, int64_t child) -> Status {
    ctx.db.Exec(
        "INSERT INTO workflow_edges (owner_type, owner_id, parent_id, child_id, type) VALUES "
        "('workflow_job_template', ?, ?, ?, ?)",
        {*NodeWfjt(ctx, parent), parent, child, type});
    return OkStatus();
  };
  return s;
}

// ---- credentials/ (DM-8, RB-14) ----

SubListDef NodeCredentials() {
  return LaunchConfigCredentialsSubList(
      kNodeOwner, CanEditNodeById, [](Session& ctx, int64_t node) {
        return ctx.db.QueryInt(
            "SELECT unified_job_template_id FROM workflow_job_template_nodes WHERE id = ?", {node});
      });
}

// ---- create_approval_template/ (DM-17, RB-15) ----

ActionDef CreateApprovalTemplateAction() {
  ActionDef a;
  a.name = "create_approval_template";
  a.methods = {"GET", "POST"};
  a.title = "Create Approval Template";
  FieldDef timeout = Int("timeout", 0);
  timeout.help_text = "The amount of time (in seconds) before the approval node expires and fails.";
  a.post_fields = {timeout, NameField(), DescriptionField()};
  a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    BATON_ASSIGN(Obj node, LoadReadable(ctx, NodeDef(), req.ids[0]));
    if (req.method == "GET") return Reply::Json(json::object{});
    BATON_TRY(CheckWriteScope(ctx));
    int64_t wfjt = IdOf(node, "workflow_job_template");
    BATON_TRY(RequireRole(ctx, kWfjtCt, wfjt, "admin_role"));
    const ResourceDef& at = Registry::Get().Must("workflow_approval_templates");
    BATON_ASSIGN(Obj values, CoerceFields(ctx, at, req.body, nullptr, false));
    store::Tx tx(ctx.db);
    int64_t id = InsertApprovalTemplate(ctx, wfjt, GetString(values, "name"),
                                        GetString(values, "description"), IdOf(values, "timeout"));
    auto old = OptIdOf(node, "unified_job_template");
    ctx.db.Exec(
        "UPDATE workflow_job_template_nodes SET unified_job_template_id = ?, modified = ? WHERE "
        "id = ?",
        {id, ctx.now_iso(), IdOf(node)});
    if (old && TemplateKind(ctx, *old) == "workflow_approval_template")
      DeleteApprovalTemplate(ctx, *old);
    auto created = Load(ctx, at, id);
    RecordActivity(ctx, "create", {at.type, id, GetString(*created, "name")}, json::object{});
    tx.Commit();
    return Reply::Json(SerializeDetail(ctx, at, *created), 201);
  };
  return a;
}

}  // namespace

void RegisterWorkflowNodes() {
  ResourceDef d = NewResource(kNodes, "workflow_job_template_node", "WorkflowJobTemplateNode",
                              "Workflow Job Template Nodes");
  d.has_created_by = false;
  d.identity = "identifier";
  d.fields = Fields();
  d.uniques = {{{"workflow_job_template", "identifier"},
                "__all__",
                "Workflow job template node with this Identifier and Workflow job template "
                "already exists."}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, kWfjtCt, "read_role", p, "t.workflow_job_template_id");
  };
  d.can_add = CanAdd;
  d.can_change = CanChange;
  d.can_delete = CanDelete;
  d.validate = Validate;
  d.after_update = AfterUpdate;
  d.before_delete = BeforeDelete;
  d.decorate = Decorate;
  for (const char* t : {"success", "failure", "always"}) d.sublists.push_back(EdgeSubList(t));
  d.sublists.push_back(NodeCredentials());
  d.sublists.push_back(LabelsSubList(kNodeOwner, "workflow job template node", CanEditNodeById));
  d.sublists.push_back(InstanceGroupsSubList(kNodeOwner, CanEditNodeById));
  d.actions.push_back(CreateApprovalTemplateAction());
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
