// Credential types (api-resources.md §6). The managed types AWX ships are seeded at start and
// read-only; superusers create, edit and delete custom types of kind `cloud` or `net`, whose
// `inputs` and `injectors` are validated as AWX does.
#include "api/resources/common.hpp"
#include "api/routes.hpp"
#include "service/credentials.hpp"

namespace baton::api {
namespace {

bool InUse(Session& ctx, int64_t id) {
  return ctx.db.QueryInt("SELECT 1 FROM credentials WHERE credential_type_id = ? LIMIT 1", {id})
      .has_value();
}

json::array ToArray(const std::vector<std::string>& msgs) {
  json::array a;
  for (const auto& m : msgs) a.emplace_back(json::string(m));
  return a;
}

Error ListError(const char* field, const std::vector<std::string>& msgs) {
  return Error::Body(ErrorCode::kInvalid, json::object{{field, ToArray(msgs)}});
}

// AWX CredentialTypeSerializer.validate: the model's field validation, then the in-use rule,
// the kind and ask_at_runtime.
Status Validate(Session& ctx, const WriteInput&, Obj& v, const Obj* existing) {
  static const json::object kEmpty;
  auto obj = [&](const char* k) -> const json::object& {
    auto* x = v.if_contains(k);
    return x && x->is_object() ? x->as_object() : kEmpty;
  };
  const json::object& inputs = obj("inputs");
  json::object errs;
  auto in_errs = ValidateTypeInputs(inputs);
  auto inj_errs = ValidateTypeInjectors(obj("injectors"), inputs);
  if (!in_errs.empty()) errs["inputs"] = ToArray(in_errs);
  if (!inj_errs.empty()) errs["injectors"] = ToArray(inj_errs);
  if (!errs.empty()) return Error::Body(ErrorCode::kInvalid, std::move(errs));
  if (existing && v.at("inputs") != existing->at("inputs") && InUse(ctx, IdOf(*existing)))
    return Error::Forbidden(
        "Modifications to inputs are not allowed for credential types that are in use");
  std::string kind = GetString(v, "kind");
  if (kind != "cloud" && kind != "net")
    return Error::Field("kind", "Must be 'cloud' or 'net', not " + kind);
  if (auto* fs = inputs.if_contains("fields"))
    for (const auto& f : fs->as_array())
      if (GetBool(f.as_object(), "ask_at_runtime"))
        return ListError("inputs", {"'ask_at_runtime' is not supported for custom credentials."});
  return OkStatus();
}

}  // namespace

void RegisterCredentialTypes() {
  ResourceDef d =
      NewResource("credential_types", "credential_type", "CredentialType", "Credential Types");
  d.named_url_format = "name+kind";
  d.default_order = {"kind", "name"};
  d.search_fields = {"name", "description"};
  FieldDef kind = F("kind", FieldType::kChoice);
  kind.required = true;
  for (auto [v, l] : {std::pair{"ssh", "Machine"},
                      {"vault", "Vault"},
                      {"net", "Network"},
                      {"scm", "Source Control"},
                      {"cloud", "Cloud"},
                      {"registry", "Container Registry"},
                      {"token", "Personal Access Token"},
                      {"insights", "Insights"},
                      {"external", "External"},
                      {"kubernetes", "Kubernetes"},
                      {"galaxy", "Galaxy/Automation Hub"},
                      {"cryptography", "Cryptography"}})
    kind.choices.emplace_back(v, l);
  FieldDef ns = RO(F("namespace", FieldType::kString));
  ns.nullable = true;
  FieldDef managed = RO(Bool("managed"));
  FieldDef inputs = F("inputs", FieldType::kJson);
  inputs.def = json::object{};
  inputs.has_default = true;
  inputs.help_text =
      "Enter inputs using either JSON or YAML syntax. Refer to the documentation for example "
      "syntax.";
  FieldDef injectors = inputs;
  injectors.name = injectors.column = "injectors";
  injectors.help_text =
      "Enter injectors using either JSON or YAML syntax. Refer to the documentation for example "
      "syntax.";
  d.fields = NamedFields();
  d.fields.push_back(kind);
  d.fields.push_back(ns);
  d.fields.push_back(managed);
  d.fields.push_back(inputs);
  d.fields.push_back(injectors);
  d.uniques = {
      {{"name", "kind"}, "__all__", "Credential type with this Name and Kind already exists."}};
  // AWX CredentialTypeAccess: everyone reads, only superusers write.
  d.can_add = [](Session& ctx, const Obj&) -> Status {
    return ctx.caller.superuser ? OkStatus() : Error::Forbidden();
  };
  d.can_change = [](Session& ctx, const Obj& o, const Obj&) -> Status {
    if (!ctx.caller.superuser) return Error::Forbidden();
    if (GetBool(o, "managed"))
      return Error::Forbidden("Modifications not allowed for managed credential types");
    return OkStatus();
  };
  d.can_delete = [](Session& ctx, const Obj& o) -> Status {
    if (!ctx.caller.superuser) return Error::Forbidden();
    if (GetBool(o, "managed"))
      return Error::Forbidden("Deletion not allowed for managed credential types");
    if (InUse(ctx, IdOf(o)))
      return Error::Forbidden("Credential types that are in use cannot be deleted");
    return OkStatus();
  };
  d.capabilities = [](Session& ctx, const Obj& o) {
    bool managed = GetBool(o, "managed");
    bool can = ctx.caller.superuser && !managed && !ctx.caller.read_only_token;
    return json::object{{"edit", can}, {"delete", can}};
  };
  d.validate = Validate;
  d.decorate = [](Ctx&, const Obj& o, json::object& out, bool) {
    for (const char* s : {"credentials", "activity_stream"})
      AddRelated(out, s, Url("credential_types", IdOf(o), s));
  };
  {
    SubListDef s = ListOnly("credentials", "credentials", "t.credential_type_id = ?",
                            "Credential Type Credentials");
    s.can_create = true;
    s.inject_field = "credential_type";
    d.sublists.push_back(std::move(s));
  }
  d.sublists.push_back(ActivityStreamSubList("credential_type"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
