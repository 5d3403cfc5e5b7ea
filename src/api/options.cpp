#include "api/options.hpp"

#include "api/model.hpp"
#include "api/registry.hpp"
#include "rbac/roles.hpp"

namespace baton::api {
namespace {

std::string TypeName(FieldType t) {
  switch (t) {
    case FieldType::kId:
    case FieldType::kInt:
      return "integer";
    case FieldType::kFloat:
      return "float";
    case FieldType::kString:
    case FieldType::kText:
      return "string";
    case FieldType::kBool:
      return "boolean";
    case FieldType::kDateTime:
      return "datetime";
    case FieldType::kFk:
      return "id";
    case FieldType::kJson:
    case FieldType::kJsonText:
      return "json";
    case FieldType::kChoice:
    case FieldType::kIntChoice:
      return "choice";
    case FieldType::kComputed:
      return "field";
  }
  return "field";
}

std::string Label(const FieldDef& f) {
  if (!f.label.empty()) return f.label;
  std::string out = f.name;
  for (auto& c : out)
    if (c == '_') c = ' ';
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  if (out == "Id") out = "ID";
  return out;
}

std::string HelpText(const ResourceDef& def, const FieldDef& f) {
  if (!f.help_text.empty()) return f.help_text;
  const std::string& v = def.verbose;
  if (f.name == "id") return "Database ID for this " + v + ".";
  if (f.name == "name") return "Name of this " + v + ".";
  if (f.name == "description") return "Optional description of this " + v + ".";
  if (f.name == "created") return "Timestamp when this " + v + " was created.";
  if (f.name == "modified") return "Timestamp when this " + v + " was last modified.";
  return "";
}

json::object Envelope(const ResourceDef& def) {
  json::object o;
  auto meta = [&](const char* name, const char* type, const char* label, std::string help) {
    o[name] =
        json::object{{"type", type},
                     {"label", label},
                     {"help_text", std::move(help)},
                     {"filterable", std::string(name) == "id" || std::string(name) == "created" ||
                                        std::string(name) == "modified"},
                     {"hidden", false}};
  };
  const std::string& v = def.verbose;
  meta("id", "integer", "ID", "Database ID for this " + v + ".");
  meta("type", "choice", "Type", "Data type for this " + v + ".");
  o["type"].as_object()["choices"] =
      json::array{json::array{def.type, rbac::ContentTypeDisplay(def.type)}};
  meta("url", "string", "Url", "URL for this " + v + ".");
  meta("related", "object", "Related", "Data structure with URLs of related resources.");
  meta("summary_fields", "object", "Summary fields",
       "Data structure with name/description for related resources.  The output for some objects "
       "may be limited for performance reasons.");
  if (def.Field("created"))
    meta("created", "datetime", "Created", "Timestamp when this " + v + " was created.");
  if (def.Field("modified"))
    meta("modified", "datetime", "Modified", "Timestamp when this " + v + " was last modified.");
  return o;
}

json::object GetActions(const ResourceDef& def) {
  json::object o = Envelope(def);
  for (const auto& f : def.fields) {
    if (f.write_only || f.internal || f.column.empty() || o.contains(f.name)) continue;
    o[f.name] = FieldMeta(def, f, false);
  }
  return o;
}

json::object WriteActions(const ResourceDef& def, bool update) {
  json::object o;
  for (const auto& f : def.fields) {
    if (f.read_only || (f.column.empty() && !f.write_only)) continue;
    if (update && f.create_only) continue;
    o[f.name] = FieldMeta(def, f, true);
  }
  return o;
}

std::vector<std::string> RelatedSearchFields(const ResourceDef& def) {
  std::vector<std::string> out;
  for (const auto& f : def.fields)
    if (f.type == FieldType::kFk) out.push_back(f.name + "__search");
  for (const auto& r : def.relations) out.push_back(r.name + "__search");
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

json::object FieldMeta(const ResourceDef& def, const FieldDef& f, bool for_write) {
  json::object m;
  m["type"] = TypeName(f.type);
  if (for_write) m["required"] = f.required;
  m["label"] = Label(f);
  std::string help = HelpText(def, f);
  if (!help.empty()) m["help_text"] = help;
  if (for_write) {
    if (f.max_length > 0) m["max_length"] = f.max_length;
    if (f.has_default && !(f.type == FieldType::kFk && f.def.is_null())) m["default"] = f.def;
  }
  if (f.min_value) m["min_value"] = *f.min_value;
  if (f.max_value) m["max_value"] = *f.max_value;
  if (!f.choices.empty()) {
    json::array ch;
    for (auto& [v, l] : f.choices) {
      if (f.type == FieldType::kIntChoice)
        ch.push_back(json::array{std::stoll(v), l});
      else
        ch.push_back(json::array{v, l});
    }
    m["choices"] = std::move(ch);
  }
  if (!for_write) m["filterable"] = f.filterable && !f.column.empty();
  m["hidden"] = false;
  return m;
}

Result<json::object> RouteOptions(Session& ctx, const Route& route, const ApiRequest& req) {
  json::object out;
  out["name"] = route.title.empty() ? "API" : route.title;
  out["description"] = "";
  out["renders"] = json::array{"application/json", "text/html"};
  out["parses"] = json::array{"application/json"};
  const ResourceDef* def = route.resource;
  json::object actions;
  if (def && (route.kind == RouteKind::kList || route.kind == RouteKind::kSubList)) {
    actions["GET"] = GetActions(*def);
    bool can_post = route.handlers.count("POST") && !ctx.caller.read_only_token;
    if (can_post && route.kind == RouteKind::kList) {
      static const Obj kEmpty;
      can_post = def->creatable && (ctx.caller.superuser || !def->can_add);
      if (!can_post && def->can_add) {
        // Offer POST when the caller could create something (e.g. org admins creating users).
        can_post = def->name != "organizations";
      }
    }
    if (can_post) {
      if (route.kind == RouteKind::kSubList && route.sublist && !route.sublist->can_create)
        actions["POST"] = json::object{
            {"id",
             json::object{
                 {"type", "integer"}, {"required", true}, {"label", "ID"}, {"hidden", false}}}};
      else
        actions["POST"] = WriteActions(*def, false);
    }
    out["types"] = json::array{json::string(def->type)};
    json::array sf;
    auto fields = def->search_fields;
    std::sort(fields.begin(), fields.end());
    for (auto& s : fields) sf.push_back(json::string(s));
    out["search_fields"] = std::move(sf);
    json::array rsf;
    for (auto& s : RelatedSearchFields(*def)) rsf.push_back(json::string(s));
    out["related_search_fields"] = std::move(rsf);
    if (!def->content_type.empty()) {
      json::array roles;
      for (auto& r : rbac::RoleFields(def->content_type)) roles.push_back(json::string(r.field));
      out["object_roles"] = std::move(roles);
    }
    out["max_page_size"] = 200;
  } else if (def && route.kind == RouteKind::kDetail) {
    actions["GET"] = GetActions(*def);
    bool can_put = route.handlers.count("PUT") && !ctx.caller.read_only_token;
    if (can_put && !req.ids.empty() && req.ids[0] > 0) {
      auto obj = Load(ctx, *def, req.ids[0]);
      static const Obj kEmpty;
      can_put = obj && (!def->can_change || def->can_change(ctx, *obj, kEmpty).ok());
    }
    if (can_put) actions["PUT"] = WriteActions(*def, true);
    out["types"] = json::array{json::string(def->type)};
    if (!def->content_type.empty()) {
      json::array roles;
      for (auto& r : rbac::RoleFields(def->content_type)) roles.push_back(json::string(r.field));
      out["object_roles"] = std::move(roles);
    }
  } else if (route.action && route.parent) {
    // As DRF: an action that takes POST describes it, with no fields when it takes none (the awx
    // CLI reads actions.POST of every launch/update endpoint it knows).
    if (route.handlers.count("POST") && !ctx.caller.read_only_token) {
      json::object post;
      for (const auto& f : route.action->post_fields)
        post[f.name] = FieldMeta(*route.parent, f, true);
      actions["POST"] = std::move(post);
    }
  }
  if (!actions.empty()) out["actions"] = std::move(actions);
  return out;
}

}  // namespace baton::api
