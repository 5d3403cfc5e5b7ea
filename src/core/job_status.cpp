#include "core/job_status.hpp"

namespace baton {
namespace {

constexpr std::string_view kNames[] = {"none",       "new",    "pending", "waiting", "running",
                                       "successful", "failed", "error",   "canceled"};

}  // namespace

std::string_view ToString(JobStatus s) {
  return kNames[static_cast<int>(s)];
}

std::optional<JobStatus> ParseJobStatus(std::string_view s) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == s) return static_cast<JobStatus>(i);
  return std::nullopt;
}

bool IsActiveStatus(std::string_view s) {
  auto st = ParseJobStatus(s);
  return st && IsActive(*st);
}

}  // namespace baton
