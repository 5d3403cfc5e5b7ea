// Schedules (api-resources.md §20): /schedules/, each template's schedules/, preview/, zoneinfo/.
// Not built yet: issue 6.
namespace baton::api {
void RegisterSchedules() {}
}  // namespace baton::api
