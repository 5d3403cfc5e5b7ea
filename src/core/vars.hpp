// Variables given as JSON or YAML text (extra_vars, variables, source_vars), parsed as Ansible
// users expect: JSON first, then YAML with YAML 1.1 / PyYAML scalar typing (yes/on/~, ints,
// floats).
#pragma once
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"

namespace baton {

// Parses `text` into a JSON value. "" and "\"\"" give {}. Errors use AWX's message:
// "Cannot parse as JSON (error: ...) or YAML (error: ...)."
Result<json::value> ParseVarsText(std::string_view text);
// As ParseVarsText but requires a mapping; the error message names `what` when it is not one.
Result<json::object> ParseVarsMapping(std::string_view text);
// Parses YAML alone (scalars typed as PyYAML would).
Result<json::value> ParseYaml(std::string_view text);

}  // namespace baton
