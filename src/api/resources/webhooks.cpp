// Webhook receivers (workflow-semantics.md Appendix C): github/, gitlab/, bitbucket_dc/ on job
// templates and workflow job templates. Not built yet: issue 6.
namespace baton::api {
void RegisterWebhooks() {}
}  // namespace baton::api
