// The launch/ action of job templates (contract §13.1) and the relaunch/ action of jobs: load the
// object, call the use case (service/job_launch.hpp, service/job_relaunch.hpp) and answer 201.
#include "api/resources/jobs/job_launch.hpp"

#include "api/resources/workflows/workflow_launch.hpp"
#include "service/job_launch_fields.hpp"
#include "service/job_relaunch.hpp"

namespace baton::api {
namespace {

Result<Reply> Launch(Ctx& ctx, ApiRequest& req) {
  const ResourceDef& def = Registry::Get().Must("job_templates");
  BATON_ASSIGN(Obj jt, LoadReadable(ctx, def, req.ids[0]));
  if (req.method == "GET") return Reply::Json(JobTemplateLaunchRequirements(ctx, jt));
  BATON_ASSIGN(TemplateLaunched l, LaunchJobTemplate(ctx, jt, req.body));
  if (l.workflow_job)
    return WorkflowJobCreatedReply(
        ctx, l.id, json::object{{"workflow_job", l.id}, {"ignored_fields", std::move(l.ignored)}});
  return JobCreatedReply(ctx, l.id,
                         json::object{{"job", l.id}, {"ignored_fields", std::move(l.ignored)}});
}

// relaunch/ of jobs (RL-5, RL-6).
Result<Reply> Relaunch(Ctx& ctx, ApiRequest& req) {
  if (const ResourceDef* jobs = Registry::Get().Find("jobs")) {
    BATON_TRY(LoadReadable(ctx, *jobs, req.ids[0]));
  }
  if (req.method == "GET") {
    BATON_ASSIGN(json::object r, JobRelaunchRequirements(ctx, req.ids[0]));
    return Reply::Json(std::move(r));
  }
  BATON_ASSIGN(int64_t id, RelaunchJob(ctx, req.ids[0], req.body));
  Reply r = JobCreatedReply(ctx, id, json::object{});
  r.body.as_object()["job"] = id;
  return r;
}

}  // namespace

Reply JobCreatedReply(Ctx& ctx, int64_t job_id, const json::object& extra) {
  json::object body = extra;
  const ResourceDef* jobs = Registry::Get().Find("jobs");
  std::string url = Url("jobs", job_id);
  if (jobs) {
    if (auto j = Load(ctx, *jobs, job_id))
      for (auto& kv : SerializeDetail(ctx, *jobs, *j))
        if (!body.contains(kv.key())) body[kv.key()] = kv.value();
    url = jobs->Url(job_id);
  } else {
    body["id"] = job_id;
    body["type"] = "job";
    body["url"] = url;
  }
  return Reply::Created(std::move(body), url);
}

ActionDef JobTemplateLaunchAction() {
  ActionDef a;
  a.name = "launch";
  a.methods = {"GET", "POST"};
  a.title = "Job Template Launch";
  a.handler = Launch;
  a.post_fields = LaunchPostFields();
  return a;
}

ActionDef RelaunchJobAction() {
  ActionDef a;
  a.name = "relaunch";
  a.methods = {"GET", "POST"};
  a.title = "Relaunch Job";
  a.handler = Relaunch;
  return a;
}

}  // namespace baton::api
