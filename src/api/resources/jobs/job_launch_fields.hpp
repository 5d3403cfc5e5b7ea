// The body of launch/ for job templates (contract §13.1, LA-6..LA-9): its fields read as AWX's
// JobLaunchSerializer reads them, and described as its OPTIONS describes them.
#pragma once
#include <vector>

#include "api/resources/common.hpp"
#include "domain/prompts.hpp"

namespace baton::api {

// The prompts a launch body gives, with field errors in DRF's words added to `errs`.
domain::LaunchPrompts ParseLaunchBody(Session& ctx, json::object body, FieldErrors& errs);

// The fields a launch accepts, as OPTIONS of launch/ shows them under actions.POST (the awx CLI
// turns them into `launch` options such as -e/--extra_vars and --limit).
std::vector<FieldDef> LaunchPostFields();

}  // namespace baton::api
