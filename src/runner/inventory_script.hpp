// The Ansible JSON inventory of an inventory ("script" document), as AWX's
// Inventory.get_script_data builds it: served by inventories/N/script/ (contract §15) and
// written into a job's private data directory for ansible-playbook.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "store/db.hpp"

namespace baton::runner {

struct ScriptOptions {
  bool hostvars = false;   // include _meta.hostvars
  bool towervars = false;  // add remote_tower_* / remote_host_* to each host's vars
  bool show_all = false;   // include disabled hosts
  int64_t slice_number = 1;
  int64_t slice_count = 1;
};

struct ScriptInventory {
  int64_t id = 0;
  std::string kind;       // "", "smart", "constructed"
  std::string variables;  // the inventory's variables text (YAML or JSON)
};

// The script document. `hosts_where` is a predicate on hosts alias t selecting the inventory's
// hosts (its own hosts, or a smart inventory's matches), with `params` for its placeholders.
json::object InventoryScript(store::Connection& db, const ScriptInventory& inv,
                             const std::string& hosts_where, const store::Params& params,
                             const ScriptOptions& opts);

// Host name -> id of the hosts the script above lists (enabled or not), for event ingestion.
std::vector<std::pair<std::string, int64_t>> InventoryHostIds(store::Connection& db,
                                                              const std::string& hosts_where,
                                                              const store::Params& params);

}  // namespace baton::runner
