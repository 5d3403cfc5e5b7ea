// Job status sets as SQL lists, generated from the one enum (core/job_status.hpp), so every
// statement that asks "is it active" asks the same thing.
#pragma once
#include <initializer_list>
#include <string>

#include "core/job_status.hpp"

namespace baton::store {

// "('new', 'pending')" for {kNew, kPending}.
std::string StatusList(std::initializer_list<JobStatus> statuses);
// AWX's ACTIVE_STATES: "('new', 'pending', 'waiting', 'running')".
const std::string& ActiveStatusList();

}  // namespace baton::store
