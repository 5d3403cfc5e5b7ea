// Starting the update jobs of projects and inventory sources for their update/ actions, the
// workflow node spawner (workflow_spawn.cpp) and schedules (schedule_launch.cpp).
#pragma once
#include <string>

#include "service/resource.hpp"

namespace baton::service {

// A pending project update of project `p` (a loaded projects object) with `launch_type`, created
// by the caller, in the caller's transaction; sets ctx.wake. Returns its id.
int64_t StartProjectUpdate(Session& ctx, const Obj& p, const std::string& launch_type);
// A pending inventory update of inventory source `s` (a loaded inventory_sources object), the
// same way. Returns its id.
int64_t StartInventorySourceUpdate(Session& ctx, const Obj& s, const std::string& launch_type);

}  // namespace baton::service
