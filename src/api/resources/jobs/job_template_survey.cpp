// survey_spec/ of templates (contract §13.6, workflow-semantics.md LA-9): GET the stored spec
// with password defaults masked, POST a whole spec (validated, normalised, password defaults
// encrypted), DELETE it. Shared by job templates and workflow job templates.
#include "api/resources/jobs/job_launch.hpp"
#include "core/secrets.hpp"
#include "domain/survey.hpp"
#include "service/activity.hpp"

namespace baton::api {

ActionDef SurveySpecAction(std::string resource, std::string content_type) {
  ActionDef a;
  a.name = "survey_spec";
  a.methods = {"GET", "POST", "DELETE"};
  a.title = "Survey Spec";
  a.handler = [resource, content_type](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
    const ResourceDef& def = Registry::Get().Must(resource);
    BATON_ASSIGN(Obj obj, LoadReadable(ctx, def, req.ids[0]));
    json::object stored;
    if (auto* s = obj.if_contains("survey_spec"); s && s->is_object()) stored = s->as_object();
    if (req.method == "GET") return Reply::Json(domain::MaskSurveySpec(stored));
    BATON_TRY(CheckWriteScope(ctx));
    BATON_TRY(RequireRole(ctx, content_type, IdOf(obj), "admin_role"));
    json::object next;
    if (req.method == "POST") {
      if (auto err = domain::ValidateSurveySpec(json::value(req.body), stored))
        return Error::Err(*err);
      std::string key = ctx.cfg.secret_key;
      next = domain::NormalizeSurveySpec(req.body, stored,
                                         [key](std::string_view p) { return Encrypt(key, p); });
    }
    store::Tx tx(ctx.db);
    ctx.db.Exec("UPDATE " + def.table + " SET survey_spec = ?, modified = ? WHERE id = ?",
                {Dump(next), ctx.now_iso(), IdOf(obj)});
    // The activity entry never shows the spec itself (password defaults).
    RecordActivity(ctx, "update", {def.type, IdOf(obj), IdentityOf(def, obj)},
                   json::object{{"survey_spec", json::array{"hidden", "hidden"}}});
    tx.Commit();
    return Reply::Empty(200);
  };
  return a;
}

}  // namespace baton::api
