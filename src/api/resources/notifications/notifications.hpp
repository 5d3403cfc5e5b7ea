// Notifications (api-resources.md §22): /api/v2/notifications/ and the notifications/ lists of
// jobs, workflow jobs, project and inventory updates.
#pragma once
#include <optional>

#include "api/resources/common.hpp"

namespace baton::api {

// Inserts a pending notification from template `nt` (inside the caller's transaction) and
// returns its id.
Result<int64_t> CreateNotification(Session& ctx, int64_t nt, const std::string& subject,
                                   const json::value& body, std::optional<int64_t> job,
                                   const std::string& event);

}  // namespace baton::api
