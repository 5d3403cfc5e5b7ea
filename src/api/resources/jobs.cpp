// Placeholder: filled in by the job template / job work of issue 4.
#include "api/resources/common.hpp"

namespace baton::api {

void RegisterJobs() {}

}  // namespace baton::api
