// The launch/ action of workflow job templates (LA-1..LA-4): loads the template, calls the
// launch use case (service/workflow_launch.hpp) and answers 201 with the workflow job.
#include "api/resources/workflows/workflow_launch.hpp"

namespace baton::api {
namespace {

Result<Reply> Launch(Ctx& ctx, ApiRequest& req) {
  const ResourceDef& def = Registry::Get().Must("workflow_job_templates");
  BATON_ASSIGN(Obj t, LoadReadable(ctx, def, req.ids[0]));
  if (req.method == "GET") return Reply::Json(WorkflowLaunchRequirements(ctx, t));
  BATON_ASSIGN(int64_t id, LaunchWorkflowJobTemplate(ctx, t, req.body));
  return WorkflowJobCreatedReply(
      ctx, id, json::object{{"workflow_job", id}, {"ignored_fields", json::object{}}});
}

}  // namespace

Reply WorkflowJobCreatedReply(Ctx& ctx, int64_t wj, const json::object& extra) {
  json::object body = extra;
  std::string url = Url("workflow_jobs", wj);
  const ResourceDef& def = Registry::Get().Must("workflow_jobs");
  if (auto o = Load(ctx, def, wj))
    for (auto& kv : SerializeDetail(ctx, def, *o))
      if (!body.contains(kv.key())) body[kv.key()] = kv.value();
  return Reply::Created(std::move(body), url);
}

ActionDef WorkflowJobTemplateLaunchAction() {
  ActionDef a;
  a.name = "launch";
  a.methods = {"GET", "POST"};
  a.title = "Workflow Job Template Launch";
  auto text = [](const char* n) {
    FieldDef f = Text(n);
    f.required = false;
    return f;
  };
  FieldDef vars = Text("extra_vars");
  FieldDef inv = Fk("inventory", "inventories");
  a.post_fields = {
      vars, inv, text("limit"), text("scm_branch"), text("job_tags"), text("skip_tags")};
  a.handler = Launch;
  return a;
}

}  // namespace baton::api
