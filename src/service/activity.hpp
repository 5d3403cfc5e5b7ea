// Activity stream entries: every create, update, delete, associate and disassociate writes one,
// inside the same transaction as the change.
#pragma once
#include <string>

#include "core/json.hpp"
#include "core/result.hpp"
#include "service/session.hpp"

namespace baton::service {

struct ActivityObject {
  std::string type;  // "organization"
  int64_t id = 0;
  std::string name;  // snapshot of the identity field, for summaries after deletion
};

void RecordActivity(Session& ctx, std::string_view operation, const ActivityObject& o1,
                    const json::object& changes, const ActivityObject* o2 = nullptr,
                    std::string_view relationship = "");

}  // namespace baton::service
