// The body of launch/ for job templates (contract §13.1, LA-6..LA-9): its fields read as AWX's
// JobLaunchSerializer reads them, and described as its OPTIONS describes them.
#pragma once
#include <vector>

#include "domain/prompts.hpp"
#include "rbac/roles.hpp"
#include "service/access.hpp"
#include "service/crud.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

// The prompts a launch body gives, with field errors in DRF's words added to `errs`.
domain::LaunchPrompts ParseLaunchBody(Session& ctx, json::object body, FieldErrors& errs);

// The fields a launch accepts, as OPTIONS of launch/ shows them under actions.POST (the awx CLI
// turns them into `launch` options such as -e/--extra_vars and --limit).
std::vector<FieldDef> LaunchPostFields();

}  // namespace baton::service
