// Notification templates and notifications (api-resources.md §21, §22). Not built yet: issue 6.
namespace baton::api {
void RegisterNotificationTemplates() {}
}  // namespace baton::api
