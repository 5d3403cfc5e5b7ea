// Inventory updates: run `ansible-inventory --list --export` on the source's file (a file on the
// server, or a file inside the source project's checkout) and import its groups, hosts,
// variables and memberships into the inventory in one transaction.
#pragma once
#include <string>

#include "core/json.hpp"
#include "runner/job_runner.hpp"

namespace baton::runner {

class InventoryUpdateRunner : public JobRunner {
 public:
  std::string Type() const override { return "inventory_update"; }
  RunResult Run(RunContext& rc) override;
};

struct ImportOptions {
  int64_t inventory_id = 0;
  int64_t source_id = 0;
  bool overwrite = false;       // remove this source's hosts/groups missing from `data`
  bool overwrite_vars = false;  // replace variables instead of merging
  std::string enabled_var, enabled_value;
  std::string now;  // timestamp for created/modified
};

struct ImportCounts {
  int64_t groups = 0, hosts = 0, removed_groups = 0, removed_hosts = 0;
};

// Imports the output of `ansible-inventory --list --export` (inside the caller's transaction).
ImportCounts ImportInventory(store::Connection& db, const json::object& data,
                             const ImportOptions& opt);

}  // namespace baton::runner
