// The attach points of notification templates (api-resources.md §21):
// notification_templates_started|success|error/ on organizations, projects, inventory sources,
// job templates and workflow job templates, notification_templates_approvals/ on organizations
// and workflow job templates (L+C+A over notification_template_attachments), and an
// organization's own notification_templates/ (L+C). Attaching follows AWX's
// NotificationAttachMixin: change rights on the template (notification admin of its
// organization) plus the owner's role (admin; organization admin or auditor; read on a workflow
// job template, RB-7); superusers always. The sub-lists and related links are added to the
// owners' declarations here, after they registered.
#include "api/resources/common.hpp"
#include "api/routes.hpp"

namespace baton::api {
namespace {

constexpr const char* kNt = "notification_templates";

using OwnerRoleCheck = std::function<Status(Session&, int64_t owner)>;

Status CanChangeTemplate(Session& ctx, int64_t nt) {
  auto org =
      ctx.db.QueryInt("SELECT organization_id FROM notification_templates WHERE id = ?", {nt});
  if (!org) return Error::Forbidden();
  return RequireRole(ctx, "organization", *org, "notification_admin_role");
}

SubListDef AttachList(const std::string& owner_type, const std::string& kind,
                      OwnerRoleCheck owner_ok) {
  SubListDef s;
  s.name = "notification_templates_" + kind;
  s.child = kNt;
  s.title = "Notification Templates";
  s.filter =
      "t.id IN (SELECT a.notification_template_id FROM notification_template_attachments a "
      "WHERE a.owner_type = '" +
      owner_type + "' AND a.kind = '" + kind + "' AND a.owner_id = ?)";
  s.can_attach = true;
  s.can_create = true;
  s.attach = [owner_type, kind](Session& ctx, int64_t owner, int64_t nt) -> Status {
    ctx.db.Exec(
        "INSERT INTO notification_template_attachments (owner_type, owner_id, kind, "
        "notification_template_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        {owner_type, owner, kind, nt});
    return OkStatus();
  };
  s.detach = [owner_type, kind](Session& ctx, int64_t owner, int64_t nt) -> Status {
    ctx.db.Exec(
        "DELETE FROM notification_template_attachments WHERE owner_type = ? AND owner_id = ? AND "
        "kind = ? AND notification_template_id = ?",
        {owner_type, owner, kind, nt});
    return OkStatus();
  };
  s.can_attach_fn = [owner_ok](Session& ctx, int64_t owner, int64_t nt, bool) -> Status {
    if (ctx.caller.superuser) return OkStatus();
    BATON_TRY(CanChangeTemplate(ctx, nt));
    return owner_ok(ctx, owner);
  };
  // A template created through the sub-list is attached under the same rules (the create is
  // rolled back otherwise).
  s.after_create = [check = s.can_attach_fn, attach = s.attach](Session& ctx, int64_t owner,
                                                                int64_t nt) -> Status {
    BATON_TRY(check(ctx, owner, nt, false));
    return attach(ctx, owner, nt);
  };
  return s;
}

void AddTo(const char* res, const std::string& owner_type, bool approvals, OwnerRoleCheck ok) {
  auto* d = const_cast<ResourceDef*>(Registry::Get().Find(res));
  if (!d) return;
  std::vector<std::string> kinds{"started", "success", "error"};
  if (approvals) kinds.push_back("approvals");
  for (const auto& k : kinds) d->sublists.push_back(AttachList(owner_type, k, ok));
  auto prev = d->decorate;
  std::string name = res;
  d->decorate = [prev, name, kinds](Ctx& ctx, const Obj& o, json::object& out, bool detail) {
    if (prev) prev(ctx, o, out, detail);
    for (const auto& k : kinds)
      AddRelated(out, "notification_templates_" + k,
                 Url(name, IdOf(o), "notification_templates_" + k));
  };
}

OwnerRoleCheck Role(std::string content_type, std::string field) {
  return [content_type, field](Session& ctx, int64_t id) {
    return RequireRole(ctx, content_type, id, field);
  };
}

}  // namespace

void RegisterNotificationAttachments() {
  AddTo("organizations", "organization", true, [](Session& ctx, int64_t org) -> Status {
    if (HasRole(ctx, "organization", org, "admin_role") ||
        HasRole(ctx, "organization", org, "auditor_role"))
      return OkStatus();
    return Error::Forbidden();
  });
  AddTo("projects", "project", false, Role("project", "admin_role"));
  AddTo("inventory_sources", "inventory_source", false, [](Session& ctx, int64_t src) -> Status {
    auto inv = ctx.db.QueryInt("SELECT inventory_id FROM inventory_sources WHERE id = ?", {src});
    if (!inv) return Error::Forbidden();
    return RequireRole(ctx, "inventory", *inv, "admin_role");
  });
  AddTo("job_templates", "job_template", false, Role("job_template", "admin_role"));
  AddTo("workflow_job_templates", "workflow_job_template", true,
        Role("workflow_job_template", "read_role"));

  // organizations/N/notification_templates/ (L+C): the organization's own templates.
  if (auto* org = const_cast<ResourceDef*>(Registry::Get().Find("organizations"))) {
    SubListDef s;
    s.name = "notification_templates";
    s.child = kNt;
    s.title = "Notification Templates";
    s.filter = "t.organization_id = ?";
    s.can_create = true;
    s.inject_field = "organization";
    org->sublists.push_back(std::move(s));
    auto prev = org->decorate;
    org->decorate = [prev](Ctx& ctx, const Obj& o, json::object& out, bool detail) {
      if (prev) prev(ctx, o, out, detail);
      AddRelated(out, "notification_templates",
                 Url("organizations", IdOf(o), "notification_templates"));
    };
  }
}

}  // namespace baton::api
