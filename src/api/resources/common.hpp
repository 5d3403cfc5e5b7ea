// Helpers shared by the resource declarations.
#pragma once
#include <string>

#include "api/generic.hpp"
#include "api/model.hpp"
#include "api/registry.hpp"
#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"

namespace baton::api {

// A resource named `name` (URL segment and table), of `type` ("credential_type"), with the
// model name used in messages and the OPTIONS title; verbose name derived from the type.
ResourceDef NewResource(std::string name, std::string type, std::string model, std::string title);
void AddRelated(json::object& out, std::string_view key, const std::string& url);
std::string Url(std::string_view res, int64_t id, std::string_view sub = "");

}  // namespace baton::api
