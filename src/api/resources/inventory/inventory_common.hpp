// Actions and serialization helpers the inventory, host and group resources share
// (api-resources.md §11-§13).
#pragma once
#include <initializer_list>
#include <string>

#include "api/resources/common.hpp"
#include "service/inventory.hpp"

namespace baton::api {

// variable_data/: GET/PUT/PATCH the object's variables as a JSON object.
ActionDef VariableDataAction(const std::string& resource);
// Inserts computed fields into a serialized object right after `after` (AWX field order).
void InsertAfter(json::object& out, std::string_view after,
                 std::initializer_list<std::pair<std::string_view, json::value>> fields);
// script/ and tree/ of an inventory.
ActionDef InventoryScriptAction();
ActionDef InventoryTreeAction();

}  // namespace baton::api
