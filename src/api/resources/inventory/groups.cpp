// Group (api-resources.md §13): groups of regular inventories, their hosts and child groups
// (no cycles), and AWX's recursive delete.
#include "api/resources/inventory/inventory_common.hpp"
#include "api/routes.hpp"

namespace baton::api {
namespace {

std::optional<int64_t> GroupInventory(Session& ctx, int64_t group) {
  return ctx.db.QueryInt("SELECT inventory_id FROM groups WHERE id = ?", {group});
}

Status SameInventory(Session& ctx, int64_t group, const char* table, int64_t other) {
  auto a = GroupInventory(ctx, group);
  auto b =
      ctx.db.QueryInt(std::string("SELECT inventory_id FROM ") + table + " WHERE id = ?", {other});
  if (a && b && *a == *b) return OkStatus();
  return Error::Detail(ErrorCode::kInvalid,
                       "Cannot associate two items from different inventories.");
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  json::object errs;
  std::string name = GetString(v, "name");
  if (name == "all" || name == "_meta") errs["name"] = json::array{"Invalid group name."};
  int64_t inv = IdOf(v, "inventory");
  if (!existing) {
    auto held = CheckInventoryHoldsObjects(ctx, inv, "Group");
    if (!held.ok()) errs["inventory"] = held.error().body.as_object().at("inventory");
  }
  if (!errs.empty()) return Error::Body(ErrorCode::kInvalid, std::move(errs));
  if (ctx.db.QueryInt("SELECT 1 FROM hosts WHERE inventory_id = ? AND name = ?", {inv, name}))
    return Error::All("A Host with that name already exists.");
  return OkStatus();
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool) {
  int64_t id = IdOf(o);
  for (const char* s : {"variable_data", "hosts", "potential_children", "children", "all_hosts",
                        "job_events", "job_host_summaries", "activity_stream"})
    AddRelated(out, s, Url("groups", id, s));
  if (auto inv = OptIdOf(o, "inventory")) {
    if (auto s = InventorySummary(ctx, *inv)) {
      AddRelated(out, "inventory", Url("inventories", *inv));
      SummaryOf(out)["inventory"] = std::move(*s);
    }
  }
}

// The sub-lists creating children in the group's inventory.
Result<std::optional<int64_t>> InjectInventory(Session& ctx, int64_t group, json::object& body) {
  if (auto inv = GroupInventory(ctx, group)) body["inventory"] = *inv;
  return std::optional<int64_t>();
}

SubListDef HostsSubList() {
  SubListDef s;
  s.name = "hosts";
  s.child = "hosts";
  s.filter = "t.id IN (SELECT host_id FROM group_hosts WHERE group_id = ?)";
  s.can_create = true;
  s.can_attach = true;
  s.title = "Hosts";
  // AWX's GroupHostsList.create: a host of that name already in the inventory (and no new
  // variables) is attached instead of created.
  s.before_create = [](Session& ctx, int64_t group,
                       json::object& body) -> Result<std::optional<int64_t>> {
    auto inv = GroupInventory(ctx, group);
    if (!inv) return std::optional<int64_t>();
    body["inventory"] = *inv;
    auto* name = body.if_contains("name");
    if (!name || !name->is_string()) return std::optional<int64_t>();
    auto existing = ctx.db.QueryInt("SELECT id FROM hosts WHERE inventory_id = ? AND name = ?",
                                    {*inv, std::string(name->get_string())});
    auto* vars = body.if_contains("variables");
    bool no_vars =
        !vars || (vars->is_string() && (vars->get_string() == "" || vars->get_string() == "{}" ||
                                        vars->get_string() == "---"));
    if (existing && no_vars) return existing;
    return std::optional<int64_t>();
  };
  s.attach = [](Session& ctx, int64_t group, int64_t host) -> Status {
    BATON_TRY(SameInventory(ctx, group, "hosts", host));
    ctx.db.Exec("INSERT INTO group_hosts (group_id, host_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                {group, host});
    return OkStatus();
  };
  s.after_create = s.attach;
  s.detach = [](Session& ctx, int64_t group, int64_t host) -> Status {
    ctx.db.Exec("DELETE FROM group_hosts WHERE group_id = ? AND host_id = ?", {group, host});
    return OkStatus();
  };
  return s;
}

SubListDef ChildrenSubList() {
  SubListDef s;
  s.name = "children";
  s.child = "groups";
  s.filter = "t.id IN (SELECT child_id FROM group_children WHERE parent_id = ?)";
  s.can_create = true;
  s.can_attach = true;
  s.title = "Children";
  s.before_create = InjectInventory;
  s.attach = [](Session& ctx, int64_t parent, int64_t child) -> Status {
    BATON_TRY(SameInventory(ctx, parent, "groups", child));
    // No cycles: the parent and its ancestors may not be the child or among its descendants.
    bool cycle = parent == child ||
                 ctx.db
                     .QueryInt("SELECT 1 FROM groups WHERE (id = ? OR id IN (" + AncestorsSql() +
                                   ")) AND (id = ? OR id IN (" + DescendantsSql() + ")) LIMIT 1",
                               {parent, parent, child, child})
                     .has_value();
    if (cycle) return Error::Err("Cyclical Group association.");
    ctx.db.Exec(
        "INSERT INTO group_children (parent_id, child_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        {parent, child});
    return OkStatus();
  };
  s.after_create = s.attach;
  s.detach = [](Session& ctx, int64_t parent, int64_t child) -> Status {
    ctx.db.Exec("DELETE FROM group_children WHERE parent_id = ? AND child_id = ?", {parent, child});
    return OkStatus();
  };
  return s;
}

}  // namespace

void RegisterGroups() {
  ResourceDef d = NewResource("groups", "group", "Group", "Groups");
  d.named_url_format = "name++inventory.name++inventory.organization.name";
  d.default_order = {"name"};
  d.search_fields = {"name", "description"};
  d.fields = NamedFields();
  FieldDef inv = Fk("inventory", "inventories", true);
  inv.create_only = true;
  d.fields.push_back(inv);
  FieldDef vars = F("variables", FieldType::kJsonText);
  vars.def = "";
  vars.has_default = true;
  vars.help_text = "Group variables in JSON or YAML format.";
  d.fields.push_back(vars);
  d.uniques = {
      {{"name", "inventory"}, "__all__", "Group with this Name and Inventory already exists."}};
  d.relations = {
      {"hosts", "hosts",
       "{t}.id IN (SELECT gh.group_id FROM group_hosts gh WHERE gh.host_id IN ({inner}))"},
      {"children", "groups",
       "{t}.id IN (SELECT gc.parent_id FROM group_children gc WHERE gc.child_id IN ({inner}))"},
      {"parents", "groups",
       "{t}.id IN (SELECT gc.child_id FROM group_children gc WHERE gc.parent_id IN ({inner}))"},
  };
  UseInventoryChildPolicy(d);
  d.capabilities = [](Session& ctx, const Obj& o) {
    bool edit = CanAdminInventory(ctx, IdOf(o, "inventory"));
    return json::object{{"copy", edit}, {"edit", edit}, {"delete", edit}};
  };
  d.validate = Validate;
  d.decorate = Decorate;
  d.before_delete = [](Session& ctx, const Obj& o) { return DeleteGroupRecursive(ctx, IdOf(o)); };
  d.sublists.push_back(HostsSubList());
  d.sublists.push_back(ChildrenSubList());
  d.sublists.push_back(ListOnly("all_hosts", "hosts",
                                "t.id IN (SELECT host_id FROM group_hosts WHERE group_id = ? OR "
                                "group_id IN (" +
                                    DescendantsSql() + "))",
                                "All Hosts"));
  d.sublists.push_back(ListOnly("potential_children", "groups",
                                "t.inventory_id = (SELECT inventory_id FROM groups WHERE id = ?) "
                                "AND t.id != ? AND t.id NOT IN (" +
                                    AncestorsSql() + ") AND t.id NOT IN (" + DescendantsSql() + ")",
                                "Potential Children"));
  // AWX's Group.job_events / job_host_summaries: those of the hosts under the group.
  std::string all_hosts = "SELECT host_id FROM group_hosts WHERE group_id = ? OR group_id IN (" +
                          DescendantsSql() + ")";
  d.sublists.push_back(
      ListOnly("job_events", "job_events", "t.host_id IN (" + all_hosts + ")", "Job Events"));
  d.sublists.push_back(ListOnly("job_host_summaries", "job_host_summaries",
                                "t.host_id IN (" + all_hosts + ")", "Job Host Summaries"));
  d.sublists.push_back(ActivityStreamSubList("group"));
  ResourceDef& reg = Registry::Get().Add(std::move(d));
  reg.actions.push_back(VariableDataAction("groups"));
}

}  // namespace baton::api
