// The demo objects a fresh AWX install has (api-resources.md §37): Demo Inventory, Demo Project,
// Demo Credential and Demo Job Template, created once (a deleted demo object stays deleted).
#pragma once
#include <string>

#include "core/clock.hpp"
#include "store/db.hpp"

namespace baton::app {

// Creates the demo objects in the Default organization on the first start; `projects_root` is
// where the Demo Project's directory (holding hello_world.yml) is written. Returns true when they
// were created by this call.
bool SeedDemoData(store::Database& db, const Clock& clock, const std::string& projects_root);

}  // namespace baton::app
