#include "service/template_updates.hpp"

#include "core/vars.hpp"
#include "service/model.hpp"

namespace baton::service {
namespace {

store::Value Caller(Session& ctx) {
  return ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null();
}

}  // namespace

// Creates a pending project update copying the project's SCM settings; wakes the dispatcher.
int64_t StartProjectUpdate(Session& ctx, const Obj& p, const std::string& launch_type) {
  int64_t id = ctx.db.Insert(
      "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, launch_type, "
      "status, project_id, job_type, local_path, scm_type, scm_url, scm_branch, scm_refspec, "
      "scm_clean, scm_delete_on_update, scm_track_submodules, credential_id, timeout, created, "
      "modified, created_by_id, modified_by_id) VALUES ('project_update', ?, ?, ?, ?, 'pending', "
      "?, "
      "'check', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {GetString(p, "name"), GetString(p, "description"), IdOf(p), launch_type, IdOf(p),
       GetString(p, "local_path"), GetString(p, "scm_type"), GetString(p, "scm_url"),
       GetString(p, "scm_branch"), GetString(p, "scm_refspec"), int64_t{GetBool(p, "scm_clean")},
       int64_t{GetBool(p, "scm_delete_on_update")}, int64_t{GetBool(p, "scm_track_submodules")},
       store::OptId(OptIdOf(p, "credential")), IdOf(p, "timeout"), ctx.now_iso(), ctx.now_iso(),
       ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null(),
       ctx.caller.authenticated() ? store::Value(ctx.caller.id) : store::Null()});
  ctx.wake = true;
  return id;
}

// Creates a pending inventory update copying the source's settings; wakes the dispatcher.
int64_t StartInventorySourceUpdate(Session& ctx, const Obj& s, const std::string& launch_type) {
  std::optional<int64_t> pu;
  if (auto p = OptIdOf(s, "source_project"))
    pu = ctx.db.QueryInt(
        "SELECT MAX(id) FROM unified_jobs WHERE type = 'project_update' AND project_id = ?", {*p});
  int64_t inv = IdOf(s, "inventory");
  int64_t id = ctx.db.Insert(
      "INSERT INTO unified_jobs (type, name, description, unified_job_template_id, launch_type, "
      "status, inventory_id, inventory_source_id, source, source_path, source_vars, scm_branch, "
      "credential_id, enabled_var, enabled_value, host_filter, limit_, overwrite, "
      "overwrite_vars, timeout, verbosity, source_project_update_id, created, modified, "
      "created_by_id, modified_by_id) VALUES ('inventory_update', ?, ?, ?, ?, 'pending', ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {ctx.db.QueryString("SELECT name FROM inventories WHERE id = ?", {inv}).value_or("") + " - " +
           GetString(s, "name"),
       GetString(s, "description"),
       IdOf(s),
       launch_type,
       inv,
       IdOf(s),
       GetString(s, "source"),
       GetString(s, "source_path"),
       GetString(s, "source_vars"),
       GetString(s, "scm_branch"),
       store::OptId(OptIdOf(s, "credential")),
       GetString(s, "enabled_var"),
       GetString(s, "enabled_value"),
       GetString(s, "host_filter"),
       GetString(s, "limit"),
       int64_t{GetBool(s, "overwrite")},
       int64_t{GetBool(s, "overwrite_vars")},
       IdOf(s, "timeout"),
       IdOf(s, "verbosity"),
       store::OptId(pu && *pu ? pu : std::nullopt),
       ctx.now_iso(),
       ctx.now_iso(),
       Caller(ctx),
       Caller(ctx)});
  ctx.wake = true;
  return id;
}

}  // namespace baton::service
