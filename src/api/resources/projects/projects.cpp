// Projects and project updates (api-resources.md §9, §10).
#include <filesystem>

#include "api/resources/jobs/unified_jobs.hpp"
#include "api/routes.hpp"
#include "runner/project_update.hpp"
#include "service/template_updates.hpp"

namespace baton::api {
namespace {

namespace fs = std::filesystem;

std::string ProjectsRoot(Session& ctx) {
  return ctx.cfg.projects_root.empty() ? ctx.cfg.data_dir + "/projects" : ctx.cfg.projects_root;
}

bool IsScm(const Obj& o) {
  return !GetString(o, "scm_type").empty();
}

json::object UpdateSummary(const store::Rows& rows, size_t i) {
  const auto& r = rows.rows[i];
  std::string status = store::AsString(r[2]);
  return json::object{{"id", store::AsInt(r[0])},
                      {"name", store::AsString(r[1])},
                      {"description", store::AsString(r[3])},
                      {"status", status},
                      {"failed", store::AsInt(r[4]) != 0},
                      {"license_error", false}};
}

void Decorate(Ctx& ctx, const Obj& o, json::object& out, bool detail) {
  int64_t id = IdOf(o);
  for (const char* s : {"project_updates", "playbooks", "inventories", "update", "activity_stream",
                        "object_roles", "access_list", "copy"})
    AddRelated(out, s, Url("projects", id, s));
  RelatedOf(out)["inventory_files"] = Url("projects", id, "inventories");
  // Top-level keys first: inserting into `out` may move its members, so no reference into it
  // is held across an insertion.
  out["last_job_run"] = nullptr;
  out["last_job_failed"] = false;
  out["last_update_failed"] = false;
  out["last_updated"] = nullptr;
  out["status"] = "";
  out["next_job_run"] = nullptr;
  out["custom_virtualenv"] = nullptr;
  auto& sf = SummaryOf(out);
  if (auto org = OptIdOf(o, "organization")) {
    if (auto s = BasicSummary(ctx, "organizations", *org)) {
      AddRelated(out, "organization", Url("organizations", *org));
      sf["organization"] = std::move(*s);
    }
  }
  auto rows = ctx.db.Query(
      "SELECT id, name, status, description, failed, finished FROM unified_jobs WHERE project_id = "
      "? "
      "AND type = 'project_update' ORDER BY id DESC LIMIT 1",
      {id});
  std::string status;
  if (!rows.empty()) {
    json::object s = UpdateSummary(rows, 0);
    std::string st = store::AsString(rows.rows[0][2]);
    int64_t uid = store::AsInt(rows.rows[0][0]);
    bool active = IsActiveStatus(st);
    if (active) {
      AddRelated(out, "current_update", Url("project_updates", uid));
      AddRelated(out, "current_job", Url("project_updates", uid));
      sf["current_update"] = s;
      sf["current_job"] = s;
      ctx.no_cache = true;
    }
    AddRelated(out, "last_update", Url("project_updates", uid));
    AddRelated(out, "last_job", Url("project_updates", uid));
    sf["last_update"] = s;
    sf["last_job"] = s;
    status = st;
    if (!active) {
      out["last_job_run"] = rows.rows[0][5].index() ? json::value(store::AsString(rows.rows[0][5]))
                                                    : json::value(nullptr);
      out["last_job_failed"] = store::AsInt(rows.rows[0][4]) != 0;
      out["last_update_failed"] = out["last_job_failed"];
      out["last_updated"] = out["last_job_run"];
    }
  }
  if (!IsScm(o)) {
    std::string lp = GetString(o, "local_path");
    status = !lp.empty() && fs::is_directory(fs::path(ProjectsRoot(ctx)) / lp) ? "ok" : "missing";
  } else if (status.empty()) {
    status = "never updated";
  }
  out["status"] = status;
  bool scm = IsScm(o);
  bool admin = HasRole(ctx, "project", id, "admin_role") && !ctx.caller.read_only_token;
  bool update = HasRole(ctx, "project", id, "update_role") && !ctx.caller.read_only_token;
  sf["user_capabilities"] = json::object{{"start", scm && update},
                                         {"schedule", scm && update},
                                         {"edit", admin},
                                         {"delete", admin},
                                         {"copy", scm && admin}};
  out.erase("playbook_files");
  out.erase("inventory_files");
}

Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  FieldErrors errs;
  std::string scm_type = GetString(v, "scm_type");
  if (scm_type.empty()) {
    v["scm_url"] = "";
    for (const char* f :
         {"scm_clean", "scm_delete_on_update", "scm_track_submodules", "scm_update_on_launch"})
      if (GetBool(v, f)) {
        errs.Add("scm_update_on_launch",
                 "Update options must be set to false for manual projects.");
        break;
      }
    std::string lp = GetString(v, "local_path");
    if (!lp.empty()) {
      if (lp.find('/') != std::string::npos || lp == "." || lp == ".." ||
          lp.find("..") != std::string::npos)
        errs.Add("local_path",
                 "Invalid path choice. You must choose from the directories in the projects root.");
      else if (!fs::is_directory(fs::path(ProjectsRoot(ctx)) / lp))
        errs.Add("local_path",
                 "Invalid path choice. You must choose from the directories in the projects root.");
      else if (ctx.db.QueryInt(
                   "SELECT 1 FROM projects WHERE scm_type = '' AND local_path = ? AND id != ?",
                   {lp, existing ? IdOf(*existing) : 0}))
        errs.Add("local_path", "This path is already being used by another manual project.");
    }
  } else {
    if (GetString(v, "scm_url").empty()) errs.Add("scm_url", "SCM URL is required.");
    if (scm_type != "git" && !GetString(v, "scm_refspec").empty())
      errs.Add("scm_refspec", "SCM refspec can only be used with git projects.");
    if (existing && IsScm(*existing))
      v["local_path"] = GetString(*existing, "local_path");
    else if (existing)
      v["local_path"] = runner::ScmLocalPath(IdOf(*existing), GetString(v, "name"));
  }
  if (auto cred = OptIdOf(v, "credential")) {
    auto kind = ctx.db.QueryString(
        "SELECT ct.kind FROM credentials c JOIN credential_types ct ON ct.id = "
        "c.credential_type_id "
        "WHERE c.id = ?",
        {*cred});
    std::string want = scm_type == "insights" ? "insights" : "scm";
    if (kind && *kind != want) errs.Add("credential", "Credential kind must be '" + want + "'.");
  }
  if (!errs.Empty()) return errs.ToError();
  return OkStatus();
}

}  // namespace

void RegisterProjects() {
  ResourceDef d = NewResource("projects", "project", "Project", "Projects");
  d.content_type = "project";
  d.id_space = "unified_job_template_ids";
  d.named_url_format = "name++organization.name";
  d.default_order = {"id"};
  d.search_fields = {"name", "description"};
  FieldDef scm_type = F("scm_type", FieldType::kChoice);
  scm_type.choices = {{"", "Manual"},
                      {"git", "Git"},
                      {"svn", "Subversion"},
                      {"insights", "Red Hat Insights"},
                      {"archive", "Remote Archive"}};
  scm_type.def = "";
  scm_type.has_default = true;
  scm_type.label = "Source Control Type";
  FieldDef local_path = Str("local_path", 1024);
  local_path.help_text =
      "Local path (relative to PROJECTS_ROOT) containing playbooks and related files for this "
      "project.";
  FieldDef timeout = Int("timeout", 0);
  FieldDef cache = Int("scm_update_cache_timeout", 0);
  cache.min_value = 0;
  FieldDef revision = RO(Str("scm_revision", 1024));
  d.fields = CommonFields();
  for (auto f :
       {NameField(), DescriptionField(), local_path, scm_type, Str("scm_url", 1024),
        Str("scm_branch", 256), Str("scm_refspec", 1024), Bool("scm_clean"),
        Bool("scm_track_submodules"), Bool("scm_delete_on_update"), Fk("credential", "credentials"),
        timeout, revision, Bool("scm_update_on_launch"), cache, Bool("allow_override"),
        Fk("organization", "organizations"), Fk("default_environment", "execution_environments"),
        Fk("signature_validation_credential", "credentials")})
    d.fields.push_back(f);
  d.fields.push_back(Internal("playbook_files", "playbook_files", FieldType::kJson));
  d.fields.push_back(Internal("inventory_files", "inventory_files", FieldType::kJson));
  d.uniques = {{{"name", "organization"},
                "__all__",
                "Project with this (name, organization) combination already exists."}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, "project", "read_role", p);
  };
  d.can_add = [](Session& ctx, const Obj& data) -> Status {
    if (ctx.caller.superuser) return OkStatus();
    auto org = OptIdOf(data, "organization");
    if (!org) return Error::Forbidden();
    return RequireRole(ctx, "organization", *org, "project_admin_role");
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj& data) -> Status {
    BATON_TRY(RequireRole(ctx, "project", IdOf(o), "admin_role"));
    auto org = OptIdOf(data, "organization");
    if (org && *org != IdOf(o, "organization"))
      return RequireRole(ctx, "organization", *org, "project_admin_role");
    return OkStatus();
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    BATON_TRY(RequireRole(ctx, "project", IdOf(o), "admin_role"));
    return CheckNoActiveJobs(ctx, "project_id", IdOf(o));
  };
  d.validate = Validate;
  d.after_create = [](Session& ctx, int64_t id, const Obj& v) -> Status {
    rbac::CreateObjectRoles(ctx.db, "project", id, {{"organization", IdOf(v, "organization")}});
    if (!GetString(v, "scm_type").empty()) {
      ctx.db.Exec("UPDATE projects SET local_path = ? WHERE id = ?",
                  {runner::ScmLocalPath(id, GetString(v, "name")), id});
      auto p = Load(ctx, Registry::Get().Must("projects"), id);
      StartProjectUpdate(ctx, *p, "manual");
    }
    return OkStatus();
  };
  d.after_update = [](Session& ctx, const Obj& before, const Obj& after) -> Status {
    if (IdOf(before, "organization") != IdOf(after, "organization"))
      rbac::UpdateObjectRoleParents(ctx.db, "project", IdOf(after),
                                    {{"organization", IdOf(after, "organization")}});
    bool changed = false;
    for (const char* f : {"scm_type", "scm_url", "scm_branch", "scm_refspec"})
      changed |= GetString(before, f) != GetString(after, f);
    if (changed && IsScm(after)) StartProjectUpdate(ctx, after, "manual");
    return OkStatus();
  };
  d.decorate = Decorate;
  d.sublists.push_back(
      ListOnly("project_updates", "project_updates", "t.project_id = ?", "Project Updates"));
  d.sublists.push_back(ObjectRolesSubList("project"));
  d.sublists.push_back(AccessListSubList("project"));
  d.sublists.push_back(ActivityStreamSubList("project"));
  d.actions.push_back(CopyAction("projects"));
  {
    ActionDef a;
    a.name = "update";
    a.methods = {"GET", "POST"};
    a.title = "Project Update";
    a.handler = [](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      const ResourceDef& def = Registry::Get().Must("projects");
      BATON_ASSIGN(Obj p, LoadReadable(ctx, def, req.ids[0]));
      bool can = IsScm(p) && HasRole(ctx, "project", IdOf(p), "update_role");
      if (req.method == "GET") return Reply::Json(json::object{{"can_update", can}});
      if (!IsScm(p)) return Error::MethodNotAllowed("POST");
      BATON_TRY(CheckWriteScope(ctx));
      BATON_TRY(RequireRole(ctx, "project", IdOf(p), "update_role"));
      store::Tx tx(ctx.db);
      int64_t uid = StartProjectUpdate(ctx, p, "manual");
      tx.Commit();
      const ResourceDef& ud = Registry::Get().Must("project_updates");
      auto u = Load(ctx, ud, uid);
      json::object body{{"project_update", uid}};
      for (auto& kv : SerializeDetail(ctx, ud, *u)) body[kv.key()] = kv.value();
      Reply r = Reply::Json(std::move(body), 202);
      r.headers.emplace_back("Location", ud.Url(uid));
      return r;
    };
    d.actions.push_back(std::move(a));
  }
  for (const char* which : {"playbooks", "inventories"}) {
    ActionDef a;
    a.name = which;
    a.methods = {"GET"};
    a.title = which;
    std::string col = std::string(which) == "playbooks" ? "playbook_files" : "inventory_files";
    a.handler = [col](Ctx& ctx, ApiRequest& req) -> Result<Reply> {
      const ResourceDef& def = Registry::Get().Must("projects");
      BATON_ASSIGN(Obj p, LoadReadable(ctx, def, req.ids[0]));
      if (!IsScm(p)) {
        std::string dir = (fs::path(ProjectsRoot(ctx)) / GetString(p, "local_path")).string();
        json::array out;
        ctx.no_cache = true;
        if (!GetString(p, "local_path").empty())
          for (auto& f : col == "playbook_files" ? runner::FindPlaybooks(dir)
                                                 : runner::FindInventoryFiles(dir))
            out.push_back(json::string(f));
        return Reply::Json(std::move(out));
      }
      auto* v = p.if_contains(col);
      return Reply::Json(v && v->is_array() ? *v : json::value(json::array{}));
    };
    d.actions.push_back(std::move(a));
  }
  Registry::Get().Add(std::move(d));

  ResourceDef u =
      NewResource("project_updates", "project_update", "ProjectUpdate", "Project Updates");
  u.creatable = u.editable = false;
  u.default_order = {"-id"};
  u.search_fields = {"name", "description"};
  u.fields = CommonFields();
  for (auto& f : UnifiedJobFields()) u.fields.push_back(f);
  for (auto f :
       {Fk("project", "projects"), Str("job_type", 64), Str("local_path", 1024), Str("scm_type", 8),
        Str("scm_url", 1024), Str("scm_branch", 256), Str("scm_refspec", 1024), Bool("scm_clean"),
        Bool("scm_track_submodules"), Bool("scm_delete_on_update"), Fk("credential", "credentials"),
        Int("timeout", 0), Str("scm_revision", 1024), Text("job_tags")}) {
    f.read_only = true;
    u.fields.push_back(f);
  }
  u.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, "project", "read_role", p, "t.project_id");
  };
  u.can_change = [](Session& ctx, const Obj& o, const Obj&) -> Status {
    if (IdOf(o, "created_by") == ctx.caller.id && ctx.caller.authenticated()) return OkStatus();
    return RequireRole(ctx, "project", IdOf(o, "project"), "update_role");
  };
  u.can_delete = [](Session& ctx, const Obj& o) -> Status {
    BATON_TRY(CheckDeletableJob(ctx, o));
    return RequireRole(ctx, "project", IdOf(o, "project"), "admin_role");
  };
  u.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool) {
    DecorateUnifiedJob(ctx, Registry::Get().Must("project_updates"), o, out, "projects");
    if (auto p = OptIdOf(o, "project")) {
      AddRelated(out, "project", Url("projects", *p));
      if (auto s = BasicSummary(ctx, "projects", *p)) SummaryOf(out)["project"] = std::move(*s);
    }
  };
  u.capabilities = nullptr;
  u.actions.push_back(CancelAction("project_updates"));
  u.actions.push_back(StdoutAction("project_updates"));
  Registry::Get().Add(std::move(u));
}

}  // namespace baton::api
