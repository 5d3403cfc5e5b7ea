// The status of a unified job (workflow-semantics.md ST-1), one enum for every layer: the engine's
// node states, the dispatcher's claims, the API's can_cancel and choices. Stored and sent as
// AWX's words ("new", ..., "canceled"). kNone is "no job" (a workflow node that has not
// spawned one); it is never stored.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace baton {

enum class JobStatus : uint8_t {
  kNone,
  kNew,
  kPending,
  kWaiting,
  kRunning,
  kSuccessful,
  kFailed,
  kError,
  kCanceled,
};

// The stored statuses in AWX's order (the choices of `status`).
inline constexpr std::array<JobStatus, 8> kJobStatuses = {
    JobStatus::kNew,        JobStatus::kPending, JobStatus::kWaiting, JobStatus::kRunning,
    JobStatus::kSuccessful, JobStatus::kFailed,  JobStatus::kError,   JobStatus::kCanceled};

// "successful", ..., and "none" for kNone.
std::string_view ToString(JobStatus s);
// The inverse of ToString; nullopt for an unknown word.
std::optional<JobStatus> ParseJobStatus(std::string_view s);

// FINAL (ST-1): successful, failed, error, canceled.
constexpr bool IsFinished(JobStatus s) {
  return s >= JobStatus::kSuccessful;
}
// failed, error, canceled: what takes a failure edge.
constexpr bool IsFailLike(JobStatus s) {
  return s >= JobStatus::kFailed;
}
// AWX's ACTIVE_STATES: new, pending, waiting, running (a job that may still be canceled).
constexpr bool IsActive(JobStatus s) {
  return s != JobStatus::kNone && !IsFinished(s);
}
// What AWX's UnifiedJobDeletionMixin refuses to delete: pending, waiting, running.
constexpr bool BlocksDeletion(JobStatus s) {
  return s == JobStatus::kPending || s == JobStatus::kWaiting || s == JobStatus::kRunning;
}
// IsActive of a stored word; false for an unknown one.
bool IsActiveStatus(std::string_view s);

}  // namespace baton
