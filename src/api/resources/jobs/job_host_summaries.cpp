// Job host summaries (api-resources.md §17.1): per host, the counters of a job's playbook_on_stats.
// Read-only: /api/v2/job_host_summaries/N/; the lists live under jobs, hosts and groups.
#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"

namespace baton::api {

void RegisterJobHostSummaries() {
  ResourceDef d =
      NewResource("job_host_summaries", "job_host_summary", "JobHostSummary", "Job Host Summaries");
  d.creatable = d.editable = d.deletable = false;
  d.list_endpoint = false;
  d.has_created_by = false;
  d.default_order = {"-id"};
  d.fields = CommonFields(false);
  for (auto f : {Fk("job", "jobs"), Fk("host", "hosts"), Str("host_name", 1024), Int("changed", 0),
                 Int("dark", 0), Int("failures", 0), Int("ok", 0), Int("processed", 0),
                 Int("skipped", 0), Bool("failed"), Int("ignored", 0), Int("rescued", 0)})
    d.fields.push_back(RO(f));
  // Visible with the job, as AWX's JobHostSummaryAccess.
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    const ResourceDef* jobs = Registry::Get().Find("jobs");
    if (ctx.caller.sees_all() || !jobs || !jobs->read_filter) return "";
    std::string rf = jobs->read_filter(ctx, p);
    if (rf.empty()) return "";
    return "t.job_id IN (SELECT t.id FROM jobs t WHERE " + rf + ")";
  };
  d.capabilities = [](Session&, const Obj&) { return json::object{}; };
  d.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool) {
    int64_t job = IdOf(o, "job");
    out["constructed_host"] = nullptr;
    Reorder(out, {"id", "type", "url", "related", "summary_fields", "created", "modified", "job",
                  "host", "constructed_host"});
    AddRelated(out, "job", Url("jobs", job));
    json::object sf;
    if (auto h = OptIdOf(o, "host")) {
      AddRelated(out, "host", Url("hosts", *h));
      if (auto s = TableSummary(ctx, "hosts", *h)) sf["host"] = std::move(*s);
    }
    if (auto s = JobSummaryWithTemplate(ctx, job)) sf["job"] = std::move(*s);
    SummaryOf(out) = std::move(sf);
  };
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
