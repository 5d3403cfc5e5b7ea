// Inventory (api-resources.md §11): regular and smart inventories, their roles, computed
// counters, sub-lists (hosts, groups, root_groups) and actions (variable_data, script, tree,
// copy). Hosts and groups are in hosts.cpp and groups.cpp, script/ and tree/ in
// inventory_script.cpp, the smart-filter language in host_filter.cpp.
#include <map>

#include "api/resources/inventory/inventory_common.hpp"
#include "api/routes.hpp"

namespace baton::api {
namespace {

const char* kKindMessage =
    "You cannot turn a regular inventory into a \"smart\" or \"constructed\" inventory.";

// AWX's InventoryAccess.can_admin: admin of the inventory, and inventory admin of the
// organizations involved when the organization changes or a new host_filter is set.
Status CanAdmin(Session& ctx, const Obj& o, const Obj& data) {
  if (ctx.caller.superuser) return OkStatus();
  auto cur_org = OptIdOf(o, "organization");
  std::optional<int64_t> new_org = cur_org;
  bool org_changed = false;
  if (auto* v = data.if_contains("organization")) {
    new_org = v->is_int64() ? std::optional<int64_t>(v->get_int64()) : std::nullopt;
    org_changed = new_org != cur_org;
  }
  bool filter_changed = false;
  if (auto* v = data.if_contains("host_filter"); v && v->is_string() && !v->get_string().empty())
    filter_changed = GetString(o, "host_filter") != v->get_string();
  if (org_changed && new_org)
    BATON_TRY(RequireRole(ctx, "organization", *new_org, "inventory_admin_role"));
  if ((org_changed || filter_changed) && cur_org)
    BATON_TRY(RequireRole(ctx, "organization", *cur_org, "inventory_admin_role"));
  return RequireRole(ctx, "inventory", IdOf(o), "admin_role");
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  if (existing) v["kind"] = existing->at("kind");  // immutable (a different kind is a 405)
  auto* hf = v.if_contains("host_filter");
  if (hf && hf->is_string() && hf->get_string().empty()) *hf = nullptr;
  if (hf && hf->is_string()) {
    store::Params p;
    auto compiled = CompileHostFilter(ctx, hf->get_string(), p);
    if (!compiled.ok())
      return Error::Field("host_filter", HostFilterErrorMessage(compiled.error()));
  }
  if (GetString(v, "kind") == "smart" && (!hf || hf->is_null()))
    return Error::Field("host_filter", "Smart inventories must specify host_filter");
  if (!OptIdOf(v, "organization"))
    return Error::Field("organization", "This field cannot be blank.");
  return OkStatus();
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  std::string kind = GetString(o, "kind");
  std::vector<const char*> subs = {"hosts",       "variable_data", "script", "activity_stream",
                                   "access_list", "object_roles",  "copy"};
  if (kind != "smart") {
    for (const char* s : {"groups", "root_groups", "tree"}) subs.push_back(s);
  }
  for (const char* s : subs) AddRelated(out, s, Url("inventories", id, s));
  auto& sf = SummaryOf(out);
  if (auto org = OptIdOf(o, "organization")) {
    if (auto s = BasicSummary(ctx, "organizations", *org)) {
      AddRelated(out, "organization", Url("organizations", *org));
      sf["organization"] = std::move(*s);
    }
  }
  sf["labels"] = json::object{{"count", 0}, {"results", json::array{}}};
  auto [sources, failing] = InventorySourceCounts(ctx, id);
  InsertAfter(out, "variables",
              {{"has_active_failures", false},
               {"total_hosts", InventoryTotalHosts(ctx, o)},
               {"hosts_with_active_failures", 0},
               {"total_groups", InventoryTotalGroups(ctx, o)},
               {"has_inventory_sources", sources > 0},
               {"total_inventory_sources", sources},
               {"inventory_sources_with_failures", failing}});
}

json::object Capabilities(Session& ctx, const Obj& o) {
  static const Obj kEmpty;
  bool ro = ctx.caller.read_only_token;
  bool edit = !ro && CanAdmin(ctx, o, kEmpty).ok();
  bool copy = false;
  if (!ro) {
    auto org = OptIdOf(o, "organization");
    copy = org ? HasRole(ctx, "organization", *org, "inventory_admin_role") : ctx.caller.superuser;
  }
  return json::object{{"edit", edit},
                      {"delete", edit},
                      {"adhoc", !ro && HasRole(ctx, "inventory", IdOf(o), "adhoc_role")},
                      {"copy", copy}};
}

// Copies the groups, hosts and their relations of `source` into `copy` (AWX copies them after
// answering; here they are copied inside the copy's transaction).
Status CopyContents(Session& ctx, const Obj& source, int64_t copy) {
  int64_t src = IdOf(source);
  std::string now = ctx.now_iso();
  store::Value by = ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null();
  std::map<int64_t, int64_t> groups, hosts;
  auto gs = ctx.db.Query(
      "SELECT id, name, description, variables FROM groups WHERE inventory_id = ? ORDER BY id",
      {src});
  for (auto& r : gs.rows)
    groups[store::AsInt(r[0])] = ctx.db.Insert(
        "INSERT INTO groups (name, description, inventory_id, variables, created, modified, "
        "created_by_id, modified_by_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {r[1], r[2], copy, r[3], now, now, by, by});
  auto hs = ctx.db.Query(
      "SELECT id, name, description, enabled, instance_id, variables FROM hosts WHERE "
      "inventory_id = ? ORDER BY id",
      {src});
  for (auto& r : hs.rows)
    hosts[store::AsInt(r[0])] = ctx.db.Insert(
        "INSERT INTO hosts (name, description, inventory_id, enabled, instance_id, variables, "
        "created, modified, created_by_id, modified_by_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        {r[1], r[2], copy, r[3], r[4], r[5], now, now, by, by});
  auto gh = ctx.db.Query(
      "SELECT gh.group_id, gh.host_id FROM group_hosts gh JOIN groups g ON g.id = gh.group_id "
      "WHERE g.inventory_id = ?",
      {src});
  for (auto& r : gh.rows)
    ctx.db.Exec("INSERT INTO group_hosts (group_id, host_id) VALUES (?, ?)",
                {groups[store::AsInt(r[0])], hosts[store::AsInt(r[1])]});
  auto gc = ctx.db.Query(
      "SELECT gc.parent_id, gc.child_id FROM group_children gc JOIN groups g ON g.id = "
      "gc.parent_id WHERE g.inventory_id = ?",
      {src});
  for (auto& r : gc.rows)
    ctx.db.Exec("INSERT INTO group_children (parent_id, child_id) VALUES (?, ?)",
                {groups[store::AsInt(r[0])], groups[store::AsInt(r[1])]});
  return OkStatus();
}

// hosts/, groups/ and root_groups/: created children get the inventory; attaching accepts only
// the inventory's own objects; disassociating deletes the child (reverse foreign key).
SubListDef ChildList(std::string name, std::string child, std::string filter, std::string title) {
  SubListDef s;
  s.name = std::move(name);
  s.child = child;
  s.filter = std::move(filter);
  s.can_create = true;
  s.can_attach = true;
  s.inject_field = "inventory";
  s.title = std::move(title);
  std::string table = child;
  s.attach = [table](Session& ctx, int64_t inv, int64_t obj) -> Status {
    auto cur = ctx.db.QueryInt("SELECT inventory_id FROM " + table + " WHERE id = ?", {obj});
    if (cur && *cur == inv) return OkStatus();
    return Error::Detail(ErrorCode::kInvalid,
                         "Cannot associate two items from different inventories.");
  };
  s.detach = [child](Session& ctx, int64_t inv, int64_t obj) -> Status {
    auto cur = ctx.db.QueryInt("SELECT inventory_id FROM " + child + " WHERE id = ?", {obj});
    if (!cur || *cur != inv) return OkStatus();
    return DeleteInventoryObject(ctx, child, obj);
  };
  return s;
}

}  // namespace

void RegisterInventories() {
  ResourceDef d = NewResource("inventories", "inventory", "Inventory", "Inventories");
  d.content_type = "inventory";
  d.named_url_format = "name++organization.name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description"};
  d.delete_status = 202;
  d.fields = NamedFields();
  FieldDef org = Fk("organization", "organizations");
  org.help_text = "Organization containing this inventory.";
  d.fields.push_back(org);
  FieldDef kind = F("kind", FieldType::kChoice);
  kind.choices = {
      {"", "Hosts have a direct link to this inventory."},
      {"smart", "Hosts for inventory generated using the host_filter property."},
      {"constructed", "Parse list of source inventories with the constructed inventory plugin."}};
  kind.def = "";
  kind.has_default = true;
  kind.help_text = "Kind of inventory being represented.";
  d.fields.push_back(kind);
  FieldDef hf = F("host_filter", FieldType::kText);
  hf.nullable = true;
  hf.has_default = true;
  hf.help_text = "Filter that will be applied to the hosts of this inventory.";
  d.fields.push_back(hf);
  FieldDef vars = F("variables", FieldType::kJsonText);
  vars.def = "";
  vars.has_default = true;
  vars.help_text = "Inventory variables in JSON or YAML format.";
  d.fields.push_back(vars);
  FieldDef pending = RO(Bool("pending_deletion"));
  pending.help_text = "Flag indicating the inventory is being deleted.";
  d.fields.push_back(pending);
  FieldDef fallback = Bool("prevent_instance_group_fallback");
  fallback.help_text =
      "If enabled, the inventory will prevent adding any organization instance groups to the "
      "list of preferred instances groups to run associated job templates on.If this setting is "
      "enabled and you provided an empty list, the global instance groups will be applied.";
  d.fields.push_back(fallback);
  d.uniques = {{{"name", "organization"},
                "__all__",
                "Inventory with this Name and Organization already exists."}};
  d.relations = {
      {"hosts", "hosts", "{t}.id IN (SELECT x.inventory_id FROM hosts x WHERE x.id IN ({inner}))"},
      {"groups", "groups",
       "{t}.id IN (SELECT x.inventory_id FROM groups x WHERE x.id IN ({inner}))"},
  };
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, "inventory", "read_role", p);
  };
  d.can_add = [](Session& ctx, const Obj& data) -> Status {
    if (ctx.caller.superuser) return OkStatus();
    auto org = OptIdOf(data, "organization");
    if (!org) return OkStatus();  // validation answers "This field cannot be blank."
    return RequireRole(ctx, "organization", *org, "inventory_admin_role");
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj& data) -> Status {
    BATON_TRY(CanAdmin(ctx, o, data));
    auto* k = data.if_contains("kind");
    if (k && k->is_string() && !k->get_string().empty() && k->get_string() != GetString(o, "kind"))
      return Error::Err(kKindMessage, ErrorCode::kNotAllowed);
    return OkStatus();
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    static const Obj kEmpty;
    return CanAdmin(ctx, o, kEmpty);
  };
  d.capabilities = Capabilities;
  d.validate = Validate;
  d.after_create = [](Session& ctx, int64_t id, const Obj& v) -> Status {
    rbac::CreateObjectRoles(ctx.db, "inventory", id, {{"organization", IdOf(v, "organization")}});
    return OkStatus();
  };
  d.after_update = [](Session& ctx, const Obj& before, const Obj& after) -> Status {
    if (OptIdOf(before, "organization") != OptIdOf(after, "organization"))
      rbac::UpdateObjectRoleParents(ctx.db, "inventory", IdOf(after),
                                    {{"organization", IdOf(after, "organization")}});
    return OkStatus();
  };
  d.after_copy = CopyContents;
  d.decorate = Decorate;

  {
    SubListDef s = ChildList("hosts", "hosts", "t.inventory_id = ?", "Hosts");
    s.scope = [](Session& ctx, const json::object& inv, store::Params& p) {
      return InventoryHostsSql(ctx, inv, p);
    };
    d.sublists.push_back(std::move(s));
  }
  d.sublists.push_back(ChildList("groups", "groups", "t.inventory_id = ?", "Groups"));
  d.sublists.push_back(ChildList(
      "root_groups", "groups",
      "t.inventory_id = ? AND t.id NOT IN (SELECT child_id FROM group_children)", "Root Groups"));
  d.sublists.push_back(ListOnly(
      "activity_stream", "activity_stream",
      "(t.object1 = 'inventory' AND t.object1_id = ?) OR (t.object2 = 'inventory' AND "
      "t.object2_id = ?) OR (t.object1 = 'host' AND t.object1_id IN (SELECT id FROM hosts WHERE "
      "inventory_id = ?)) OR (t.object1 = 'group' AND t.object1_id IN (SELECT id FROM groups "
      "WHERE inventory_id = ?))",
      "Activity Stream List"));
  d.sublists.push_back(ObjectRolesSubList("inventory"));
  d.sublists.push_back(AccessListSubList("inventory"));
  // Actions are added once the declaration is registered (variable_data/ reads its title).
  ResourceDef& reg = Registry::Get().Add(std::move(d));
  reg.actions.push_back(VariableDataAction("inventories"));
  reg.actions.push_back(InventoryScriptAction());
  reg.actions.push_back(InventoryTreeAction());
  reg.actions.push_back(CopyAction("inventories"));
}

}  // namespace baton::api
