// Credential types (api-resources.md §6). The managed types AWX ships are seeded at start and
// read-only. (Custom credential types arrive with the credentials issue.)
#include "api/resources/common.hpp"

namespace baton::api {

void RegisterCredentialTypes() {
  ResourceDef d;
  d.name = "credential_types";
  d.type = "credential_type";
  d.model = "CredentialType";
  d.verbose = "credential type";
  d.title = "Credential Types";
  d.table = "credential_types";
  d.named_url_format = "name+kind";
  d.default_order = {"kind", "name"};
  d.search_fields = {"name", "description"};
  d.creatable = d.editable = d.deletable = false;
  FieldDef kind = F("kind", FieldType::kChoice);
  kind.required = true;
  for (auto [v, l] : {std::pair{"ssh", "Machine"}, {"vault", "Vault"}, {"net", "Network"},
                      {"scm", "Source Control"}, {"cloud", "Cloud"}, {"registry", "Container Registry"},
                      {"token", "Personal Access Token"}, {"insights", "Insights"},
                      {"external", "External"}, {"kubernetes", "Kubernetes"}, {"galaxy", "Galaxy/Automation Hub"},
                      {"cryptography", "Cryptography"}})
    kind.choices.emplace_back(v, l);
  FieldDef ns = RO(F("namespace", FieldType::kString));
  ns.nullable = true;
  FieldDef managed = RO(Bool("managed"));
  FieldDef inputs = F("inputs", FieldType::kJson);
  inputs.def = json::object{};
  inputs.has_default = true;
  inputs.help_text = "Enter inputs using either JSON or YAML syntax. Refer to the documentation for example syntax.";
  FieldDef injectors = inputs;
  injectors.name = injectors.column = "injectors";
  injectors.help_text = "Enter injectors using either JSON or YAML syntax. Refer to the documentation for example syntax.";
  d.fields = {IdField()};
  for (auto& f : TimestampFields()) d.fields.push_back(f);
  d.fields.push_back(NameField());
  d.fields.push_back(DescriptionField());
  d.fields.push_back(kind);
  d.fields.push_back(ns);
  d.fields.push_back(managed);
  d.fields.push_back(inputs);
  d.fields.push_back(injectors);
  d.uniques = {{{"name", "kind"}, "__all__", "Credential type with this Name and Kind already exists."}};
  d.capabilities = [](Ctx& ctx, const Obj& o) {
    bool managed = GetBool(o, "managed");
    bool can = ctx.caller.superuser && !managed && !ctx.caller.read_only_token;
    return json::object{{"edit", can}, {"delete", can}};
  };
  d.decorate = [](Ctx&, const Obj& o, json::object& out, bool) {
    AddRelated(out, "activity_stream", Url("credential_types", IdOf(o), "activity_stream"));
  };
  d.sublists.push_back(ActivityStreamSubList("credential_type"));
  Registry::Get().Add(std::move(d));
}

}  // namespace baton::api
