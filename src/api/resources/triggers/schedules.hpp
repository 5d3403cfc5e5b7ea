// Schedules (api-resources.md §20): the resource (schedules.cpp) and its helper routes.
#pragma once
#include "api/router.hpp"

namespace baton::api {

// Registers the schedules resource and the schedules/ sub-list of every kind of template.
// /api/v2/schedules/preview/ (POST {"rrule"} -> the next 10 occurrences, {"local", "utc"}),
// /api/v2/schedules/zoneinfo/ (GET {"zones", "links"}), and the top-level list's order by id.
// Called after the resources' routes were added.
// create_schedule/ of jobs (job_create_schedule.cpp), which RegisterSchedules gives the jobs
// resource.
ActionDef JobCreateScheduleAction();

}  // namespace baton::api
