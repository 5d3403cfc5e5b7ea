// What the inventory, host, group and inventory source resources share (api-resources.md
// §11-§13): summaries and counts, smart inventory host selection, the child policy, group
// graph deletes.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

// The inventory summary of contract §5.2 (nullopt when the inventory is gone).
// (number of inventory sources, how many of them whose last update failed).
std::pair<int64_t, int64_t> InventorySourceCounts(Session& ctx, int64_t inventory_id);
std::optional<json::object> InventorySummary(Session& ctx, int64_t inventory_id);
// Kind of an inventory ("", "smart", "constructed"); nullopt when it does not exist.
std::optional<std::string> InventoryKind(Session& ctx, int64_t inventory_id);
// Hosts and groups counted as AWX's computed fields count them.
int64_t InventoryTotalHosts(Session& ctx, const Obj& inventory);
int64_t InventoryTotalGroups(Session& ctx, const Obj& inventory);

// Predicate on hosts alias t selecting the hosts of `inventory`: its own hosts, or for a smart
// inventory the hosts of its organization matched by host_filter (one per name, lowest id).
Result<std::string> InventoryHostsSql(Session& ctx, const Obj& inventory, store::Params& p);

// Compiles an AWX smart filter (host_filter) into a predicate on hosts alias t. Errors carry
// AWX's message ("Invalid query <filter>", or the field lookup's message) as {"detail": ...}.
Result<std::string> CompileHostFilter(Session& ctx, std::string_view filter, store::Params& p);
// The message of a host_filter error, for {"host_filter": [...]} validation bodies.
std::string HostFilterErrorMessage(const Error& e);

// "column IN (inventories the caller may read)" ("" for callers who see everything).
std::string ReadableInventoriesSql(Session& ctx, store::Params& p, std::string_view column);
// 400 {"inventory": {"detail": "Cannot create <Model> for Smart or Constructed Inventories"}}
// when the inventory holds no hosts/groups of its own.
Status CheckInventoryHoldsObjects(Session& ctx, int64_t inventory_id, std::string_view model);

// True when the caller administers the inventory (and is not limited to a read token).
bool CanAdminInventory(Session& ctx, int64_t inventory_id);
// The policy of objects that belong to an inventory (hosts, groups, inventory sources): read
// with the inventory's read_role, add/change/delete as its admin.
void UseInventoryChildPolicy(ResourceModel& d);

// Group graph helpers: ids of a group's ancestors / descendants (excluding itself).
std::string AncestorsSql();    // one '?' = the group id
std::string DescendantsSql();  // one '?' = the group id
// Deletes a group the way AWX's group DELETE does: with it go the hosts and child groups that
// were reachable only through it.
Status DeleteGroupRecursive(Session& ctx, int64_t group_id);
// Deletes one host or group without cascading further (inventory sub-list disassociate).
Status DeleteInventoryObject(Session& ctx, const std::string& resource, int64_t id);

}  // namespace baton::service
