// Credential input sources (api-resources.md §8): a target credential's input read from an
// external (secret lookup plugin) credential. baton ships no external credential types, so no
// source can be valid and every create answers AWX's validation error; the lists work.
#include "api/resources/common.hpp"
#include "api/routes.hpp"
#include "service/credentials.hpp"

namespace baton::api {
namespace {

std::optional<CredType> TypeOfCredential(Session& ctx, std::optional<int64_t> cred) {
  if (!cred) return std::nullopt;
  auto type = ctx.db.QueryInt("SELECT credential_type_id FROM credentials WHERE id = ?", {*cred});
  if (!type) return std::nullopt;
  return LoadCredType(ctx, *type);
}

// AWX CredentialInputSource.clean_*: every failing field is reported.
Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj*) {
  FieldErrors errs;
  auto target = TypeOfCredential(ctx, OptIdOf(v, "target_credential"));
  auto source = TypeOfCredential(ctx, OptIdOf(v, "source_credential"));
  if (target && target->kind == "external")
    errs.Add("target_credential", "Target must be a non-external credential");
  if (source && source->kind != "external")
    errs.Add("source_credential", "Source must be an external credential");
  if (target) {
    std::vector<std::string> ids;
    for (const auto& f : target->Fields()) ids.push_back(GetString(f, "id"));
    std::sort(ids.begin(), ids.end());
    std::string name = GetString(v, "input_field_name");
    if (std::find(ids.begin(), ids.end(), name) == ids.end()) {
      std::string options;
      for (size_t i = 0; i < ids.size(); ++i) options += (i ? ", " : "") + ids[i];
      errs.Add("input_field_name",
               "Input field must be defined on target credential (options are " + options + ").");
    }
  }
  if (!errs.Empty()) return errs.ToError();
  return OkStatus();
}

// AWX CredentialInputSourceAccess: admin of the target, user of the source.
Status CheckRelated(Session& ctx, const Obj& v) {
  if (auto t = OptIdOf(v, "target_credential"); t && !HasRole(ctx, "credential", *t, "admin_role"))
    return Error::Forbidden();
  if (auto s = OptIdOf(v, "source_credential"); s && !HasRole(ctx, "credential", *s, "use_role"))
    return Error::Forbidden();
  return OkStatus();
}

std::optional<json::object> CredentialSummary(Session& ctx, int64_t id) {
  auto rows = ctx.db.Query(
      "SELECT name, description, credential_type_id FROM credentials WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  int64_t type_id = store::AsInt(rows.rows[0][2]);
  auto type = LoadCredType(ctx, type_id);
  return json::object{{"id", id},
                      {"name", store::AsString(rows.rows[0][0])},
                      {"description", store::AsString(rows.rows[0][1])},
                      {"kind", type ? type->ns : json::value(nullptr)},
                      {"cloud", type && type->kind == "cloud"},
                      {"credential_type_id", type_id}};
}

}  // namespace

void RegisterCredentialInputSources() {
  ResourceDef d = NewResource("credential_input_sources", "credential_input_source",
                              "CredentialInputSource", "Credential Input Sources");
  d.identity = "input_field_name";
  d.default_order = {"id"};
  d.search_fields = {"description"};
  d.fields = CommonFields();
  d.fields.push_back(DescriptionField());
  d.fields.push_back(Str("input_field_name", 1024, true));
  FieldDef metadata = F("metadata", FieldType::kJson);
  metadata.def = json::object{};
  metadata.has_default = true;
  d.fields.push_back(metadata);
  d.fields.push_back(Fk("target_credential", "credentials", true));
  d.fields.push_back(Fk("source_credential", "credentials", true));
  d.uniques = {
      {{"target_credential", "input_field_name"},
       "__all__",
       "Credential input source with this Target credential and Input field name already exists."}};
  d.read_filter = [](Session& ctx, store::Params& p) -> std::string {
    if (ctx.caller.sees_all()) return "";
    return HasRoleSql(ctx, "credential", "read_role", p, "t.target_credential_id");
  };
  // Validation first, as AWX validates the body before asking for permission.
  d.can_add = [](Session& ctx, const Obj& v) -> Status {
    Obj copy = v;
    BATON_TRY(Validate(ctx, WriteInput{v}, copy, nullptr));
    if (ctx.caller.superuser) return OkStatus();
    return CheckRelated(ctx, v);
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj& data) -> Status {
    if (ctx.caller.superuser) return OkStatus();
    BATON_TRY(CheckRelated(ctx, o));
    return CheckRelated(ctx, data);
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    return RequireRole(ctx, "credential", IdOf(o, "target_credential"), "admin_role");
  };
  d.capabilities = [](Session& ctx, const Obj& o) {
    bool can = !ctx.caller.read_only_token &&
               HasRole(ctx, "credential", IdOf(o, "target_credential"), "admin_role");
    return json::object{{"delete", can}};
  };
  d.validate = Validate;
  d.decorate = [](Ctx& ctx, const Obj& o, json::object& out, bool) {
    for (const char* k : {"source_credential", "target_credential"}) {
      auto id = OptIdOf(o, k);
      if (!id) continue;
      RelatedOf(out)[k] = Url("credentials", *id);
      if (auto s = CredentialSummary(ctx, *id)) SummaryOf(out)[k] = std::move(*s);
    }
  };
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
