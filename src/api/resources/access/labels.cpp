// Labels (api-resources.md §19): created and renamed through /api/v2/labels/, never deleted
// directly (they go when detached from their last user, once templates carry them).
#include "api/resources/common.hpp"
#include "api/routes.hpp"

namespace baton::api {

void RegisterLabels() {
  ResourceDef d = NewResource("labels", "label", "Label", "Labels");
  d.deletable = false;
  d.named_url_format = "name++organization.name";
  d.default_order = {"organization", "name"};
  d.search_fields = {"name"};
  d.fields = CommonFields();
  d.fields.push_back(NameField());
  FieldDef org = Fk("organization", "organizations", true);
  org.help_text = "Organization this label belongs to.";
  d.fields.push_back(org);
  d.uniques = {{{"name", "organization"},
                "__all__",
                "Label with this Name and Organization already exists."}};
  // Labels are readable by anyone who can read their organization (AWX: LabelAccess).
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, "organization", "read_role", p, "t.organization_id");
  };
  d.can_add = [](Session& ctx, const Obj& data) -> Status {
    auto org = OptIdOf(data, "organization");
    if (!org) return Error::Forbidden();
    return RequireRole(ctx, "organization", *org, "member_role");
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj& data) -> Status {
    BATON_TRY(RequireRole(ctx, "organization", IdOf(o, "organization"), "member_role"));
    auto org = OptIdOf(data, "organization");
    if (org && *org != IdOf(o, "organization"))
      return RequireRole(ctx, "organization", *org, "member_role");
    return OkStatus();
  };
  d.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool) {
    int64_t org = IdOf(o, "organization");
    if (auto s = BasicSummary(ctx, "organizations", org)) {
      AddRelated(out, "organization", Url("organizations", org));
      SummaryOf(out)["organization"] = std::move(*s);
    }
  };
  d.capabilities = [](Session& ctx, const Obj& o) {
    bool edit = !ctx.caller.read_only_token &&
                HasRole(ctx, "organization", IdOf(o, "organization"), "member_role");
    return json::object{{"edit", edit}, {"delete", false}};
  };
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
