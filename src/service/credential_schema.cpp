// Validation of credential type `inputs` and `injectors` with the messages AWX produces
// (jsonschema Draft 4 errors as AWX's JSONSchemaField phrases them, then its own checks).
#include <regex>
#include <set>

#include "domain/credential_env.hpp"
#include "service/credentials.hpp"
#include "service/model.hpp"
#include "service/models.hpp"

namespace baton::service {

std::vector<json::object> CredType::Fields() const {
  std::vector<json::object> out;
  if (auto* f = inputs.if_contains("fields"); f && f->is_array())
    for (const auto& v : f->as_array())
      if (v.is_object()) out.push_back(v.as_object());
  return out;
}

const json::object* CredType::FieldDef(std::string_view id) const {
  if (auto* f = inputs.if_contains("fields"); f && f->is_array())
    for (const auto& v : f->as_array())
      if (v.is_object() && GetString(v.as_object(), "id") == id) return &v.as_object();
  return nullptr;
}

bool CredType::IsSecret(std::string_view id) const {
  const json::object* f = FieldDef(id);
  return f && GetBool(*f, "secret");
}

std::vector<std::string> CredType::SecretIds() const {
  std::vector<std::string> out;
  for (const auto& f : Fields())
    if (GetBool(f, "secret")) out.push_back(GetString(f, "id"));
  return out;
}

std::optional<CredType> LoadCredType(Session& ctx, int64_t id) {
  auto rows = ctx.db.Query(
      "SELECT id, name, description, kind, namespace, managed, inputs, injectors FROM "
      "credential_types WHERE id = ?",
      {id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  CredType t;
  t.id = store::AsInt(r[0]);
  t.name = store::AsString(r[1]);
  t.description = store::AsString(r[2]);
  t.kind = store::AsString(r[3]);
  t.ns = store::IsNull(r[4]) ? json::value(nullptr) : json::value(store::AsString(r[4]));
  t.managed = store::AsInt(r[5]) != 0;
  auto in = ParseJson(store::AsString(r[6]));
  if (in && in->is_object()) t.inputs = in->as_object();
  auto inj = ParseJson(store::AsString(r[7]));
  if (inj && inj->is_object()) t.injectors = inj->as_object();
  return t;
}

std::string PyTypeName(const json::value& v) {
  if (v.is_string()) return "str";
  if (v.is_bool()) return "bool";
  if (v.is_int64() || v.is_uint64()) return "int";
  if (v.is_double()) return "float";
  if (v.is_array()) return "list";
  if (v.is_object()) return "dict";
  return "NoneType";
}

namespace {

std::string PyStrRepr(std::string_view s) {
  char q = (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos) ? '"'
                                                                                             : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == '\\' || c == static_cast<unsigned char>(q)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else
      out += static_cast<char>(c);
  }
  return out + q;
}

// str(): strings as they are, everything else as repr().
std::string PyStr(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : PyRepr(v);
}

// Draft 4 type names as AWX words them ("object" -> "dict").
bool HasType(const json::value& v, std::string_view type) {
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  return true;
}

using Path = std::vector<json::value>;

std::string PathRepr(const Path& p) {
  std::string out = "[";
  for (size_t i = 0; i < p.size(); ++i) out += (i ? ", " : "") + PyRepr(p[i]);
  return out + "]";
}

Path Sub(Path p, json::value v) {
  p.push_back(std::move(v));
  return p;
}

// JSONSchemaField's phrasing of a type error.
bool CheckType(const json::value& v, std::string_view type, const Path& path,
               std::vector<std::string>& errs) {
  if (HasType(v, type)) return true;
  std::string expected = type == "object" ? "dict" : std::string(type);
  errs.push_back(PyTypeName(v) + " provided in relative path " + PathRepr(path) + ", expected " +
                 expected);
  return false;
}

std::string ExtrasMsg(const std::vector<std::string>& extras) {
  std::string out;
  for (size_t i = 0; i < extras.size(); ++i) out += (i ? ", " : "") + PyStrRepr(extras[i]);
  return out + (extras.size() == 1 ? " was" : " were") + " unexpected";
}

void CheckAdditional(const json::object& o, const std::set<std::string>& allowed, const Path& path,
                     std::vector<std::string>& errs) {
  std::vector<std::string> extras;
  for (const auto& kv : o)
    if (!allowed.count(std::string(kv.key()))) extras.emplace_back(kv.key());
  if (extras.empty()) return;
  errs.push_back("Schema validation error in relative path " + PathRepr(path) +
                 " (Additional properties are not allowed (" + ExtrasMsg(extras) + "))");
}

// patternProperties + additionalProperties: false, each matching value a string (and ASCII).
void CheckPatternObject(const json::object& o, const std::regex& re, const std::string& pattern,
                        bool ascii_values, const Path& path, std::vector<std::string>& errs) {
  std::vector<std::string> extras;
  for (const auto& kv : o) {
    std::string k(kv.key());
    if (!std::regex_search(k, re)) {
      extras.push_back(k);
      continue;
    }
    if (!CheckType(kv.value(), "string", Sub(path, json::value(k)), errs)) continue;
    if (ascii_values) {
      for (unsigned char c : std::string(kv.value().get_string()))
        if (c >= 0x80) {
          errs.push_back(PyRepr(kv.value()) + " does not match '^[\\x00-\\x7f]*$'");
          break;
        }
    }
  }
  if (extras.empty()) return;
  std::sort(extras.begin(), extras.end());
  std::string joined;
  for (size_t i = 0; i < extras.size(); ++i) joined += (i ? ", " : "") + PyStrRepr(extras[i]);
  errs.push_back("Schema validation error in relative path " + PathRepr(path) + " (" + joined +
                 (extras.size() == 1 ? " does" : " do") +
                 " not match any of the regexes: " + PyStrRepr(pattern) + ")");
}

const char* kVarPattern = "^[a-zA-Z_]+[a-zA-Z0-9_]*$";

void CheckInputField(const json::value& item, const Path& path, std::vector<std::string>& errs) {
  if (!CheckType(item, "object", path, errs)) return;
  const json::object& f = item.as_object();
  auto enum_check = [&](const char* key, std::initializer_list<const char*> options) {
    auto* v = f.if_contains(key);
    if (!v) return;
    json::array opts;
    for (auto* o : options) opts.emplace_back(o);
    for (auto* o : options)
      if (v->is_string() && v->get_string() == o) return;
    errs.push_back(PyRepr(*v) + " is not one of " + PyRepr(opts));
  };
  enum_check("type", {"string", "boolean"});
  enum_check("format", {"ssh_private_key", "url"});
  if (auto* c = f.if_contains("choices"); c && CheckType(*c, "array", Sub(path, "choices"), errs)) {
    const auto& arr = c->as_array();
    if (arr.empty()) errs.push_back("[] is too short");
    for (size_t i = 0; i < arr.size(); ++i)
      CheckType(arr[i], "string", Sub(Sub(path, "choices"), json::value(int64_t(i))), errs);
    for (size_t i = 0; i < arr.size(); ++i)
      for (size_t j = i + 1; j < arr.size(); ++j)
        if (arr[i] == arr[j]) {
          errs.push_back(PyRepr(*c) + " has non-unique elements");
          i = j = arr.size();
        }
  }
  if (auto* id = f.if_contains("id"); id && CheckType(*id, "string", Sub(path, "id"), errs)) {
    static const std::regex re(kVarPattern);
    if (!std::regex_search(std::string(id->get_string()), re))
      errs.push_back(std::string(id->get_string()) + " is an invalid variable name");
  }
  for (const char* k : {"label", "help_text"})
    if (auto* v = f.if_contains(k)) CheckType(*v, "string", Sub(path, k), errs);
  for (const char* k : {"multiline", "secret", "ask_at_runtime"})
    if (auto* v = f.if_contains(k)) CheckType(*v, "boolean", Sub(path, k), errs);
  CheckAdditional(f,
                  {"type", "format", "choices", "id", "label", "help_text", "multiline", "secret",
                   "ask_at_runtime", "default"},
                  path, errs);
  for (const char* k : {"id", "label"})
    if (!f.contains(k)) errs.push_back("'" + std::string(k) + "' is a required property");
}

}  // namespace

std::string PyRepr(const json::value& v) {
  if (v.is_string()) return PyStrRepr(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "True" : "False";
  if (v.is_null()) return "None";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    std::string s;
    AppendDouble(s, v.get_double());
    return s;
  }
  std::string out;
  if (v.is_array()) {
    out = "[";
    bool first = true;
    for (const auto& e : v.as_array()) {
      out += (first ? "" : ", ") + PyRepr(e);
      first = false;
    }
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (const auto& kv : v.as_object()) {
    out += (first ? "" : ", ") + PyStrRepr(kv.key()) + ": " + PyRepr(kv.value());
    first = false;
  }
  return out + "}";
}

std::vector<std::string> ValidateTypeInputs(const json::object& in) {
  if (in.contains("dependencies"))
    return {"'dependencies' is not supported for custom credentials."};
  std::vector<std::string> errs;
  CheckAdditional(in, {"required", "fields"}, {}, errs);
  if (auto* r = in.if_contains("required"); r && CheckType(*r, "array", {"required"}, errs)) {
    const auto& arr = r->as_array();
    for (size_t i = 0; i < arr.size(); ++i)
      CheckType(arr[i], "string", {"required", int64_t(i)}, errs);
  }
  if (auto* fs = in.if_contains("fields"); fs && CheckType(*fs, "array", {"fields"}, errs)) {
    const auto& arr = fs->as_array();
    for (size_t i = 0; i < arr.size(); ++i) CheckInputField(arr[i], {"fields", int64_t(i)}, errs);
  }
  if (!errs.empty()) return errs;

  // AWX's own checks, first failure only.
  std::set<std::string> ids;
  if (auto* fs = in.if_contains("fields")) {
    for (const auto& item : fs->as_array()) {
      const json::object& f = item.as_object();
      std::string id(f.at("id").get_string());
      if (id == "tower") return {"\"tower\" is a reserved field name"};
      if (!ids.insert(id).second) return {"field IDs must be unique (" + id + ")"};
      std::string type = GetString(f, "type", "string");
      if (auto* d = f.if_contains("default")) {
        bool ok = type == "string" ? d->is_string() : d->is_bool();
        if (!ok) return {PyStr(*d) + " is not a " + type};
      }
      for (const char* key : {"choices", "multiline", "format", "secret"})
        if (f.contains(key) && type != "string")
          return {std::string(key) + " not allowed for " + type + " type (" + id + ")"};
    }
  }
  if (auto* r = in.if_contains("required"))
    for (const auto& v : r->as_array())
      if (!ids.count(std::string(v.get_string())))
        return {"required field IDs must be defined in fields (" + std::string(v.get_string()) +
                ")"};
  return {};
}

namespace {

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsIdent(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// The Jinja variables a template refers to in {{ ... }} (leading name and attribute chain), or
// a syntax error. An approximation of rendering with StrictUndefined: names inside {% %}
// statements and filter arguments are not checked.
std::string CheckTemplate(const std::string& tmpl, const std::set<std::string>& defined,
                          bool single_file, const std::set<std::string>& file_names) {
  size_t pos = 0;
  while ((pos = tmpl.find('{', pos)) != std::string::npos) {
    if (pos + 1 >= tmpl.size()) break;
    char k = tmpl[pos + 1];
    if (k != '{' && k != '%' && k != '#') {
      ++pos;
      continue;
    }
    std::string close = k == '{' ? "}}" : k == '%' ? "%}" : "#}";
    size_t end = tmpl.find(close, pos + 2);
    if (end == std::string::npos)
      return std::string("!unexpected end of template, expected '") +
             (k == '{'   ? "end of print statement"
              : k == '%' ? "end of statement block"
                         : "end of comment") +
             "'.";
    if (k == '{') {
      std::string expr = tmpl.substr(pos + 2, end - pos - 2);
      size_t i = 0;
      while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
      std::vector<std::string> chain;
      while (i < expr.size() && IsIdentStart(expr[i])) {
        size_t s = i;
        while (i < expr.size() && IsIdent(expr[i])) ++i;
        chain.push_back(expr.substr(s, i - s));
        if (i < expr.size() && expr[i] == '.')
          ++i;
        else
          break;
      }
      if (!chain.empty()) {
        const std::string& name = chain[0];
        static const std::set<std::string> kLiterals = {"true", "false", "none",
                                                        "True", "False", "None"};
        if (name == "tower") {
          if (chain.size() == 1)
            return "Cannot directly reference reserved `tower` namespace container.";
          if (chain[1] != "filename") return "'tower' has no attribute '" + chain[1] + "'";
          if (!single_file) {
            if (chain.size() == 2)
              return "Must define unnamed file injector in order to reference `tower.filename`.";
            if (!file_names.count(chain[2]))
              return "'tower.filename' has no attribute '" + chain[2] + "'";
          }
        } else if (!defined.count(name) && !kLiterals.count(name)) {
          return "'" + name + "' is undefined";
        }
      }
    }
    pos = end + 2;
  }
  return "";
}

}  // namespace

std::vector<std::string> ValidateTypeInjectors(const json::object& inj,
                                               const json::object& inputs) {
  std::vector<std::string> errs;
  CheckAdditional(inj, {"file", "env", "extra_vars"}, {}, errs);
  static const std::string kFilePattern = R"(^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$)";
  static const std::regex file_re(kFilePattern), var_re(kVarPattern);
  for (const char* key : {"file", "env", "extra_vars"}) {
    auto* v = inj.if_contains(key);
    if (!v || !CheckType(*v, "object", {key}, errs)) continue;
    bool file = std::string_view(key) == "file";
    CheckPatternObject(v->as_object(), file ? file_re : var_re, file ? kFilePattern : kVarPattern,
                       std::string_view(key) == "env", {key}, errs);
  }
  if (!errs.empty()) return errs;
  // Templates are checked against the fields only when the inputs themselves are valid.
  if (!ValidateTypeInputs(inputs).empty()) return {};
  std::set<std::string> defined;
  if (auto* fs = inputs.if_contains("fields"))
    for (const auto& f : fs->as_array())
      defined.insert(std::string(f.as_object().at("id").get_string()));
  std::set<std::string> file_names;
  bool single_file = false;
  if (auto* f = inj.if_contains("file")) {
    size_t n = 0;
    for (const auto& kv : f->as_object()) {
      std::string k(kv.key());
      if (k.rfind("template", 0) != 0) continue;
      ++n;
      if (k == "template")
        single_file = true;
      else
        file_names.insert(k.substr(9));
    }
    if (single_file && n > 1) return {"Must use multi-file syntax when injecting multiple files"};
  }
  for (const auto& kv : inj) {
    std::string type(kv.key());
    if (type == "env") {
      for (const auto& e : kv.value().as_object()) {
        std::string name(e.key());
        if (name.rfind("ANSIBLE_", 0) == 0)
          return {"Environment variable " + name +
                  " may affect Ansible configuration so its use is not allowed in credentials."};
        if (domain::IsBlockedCredentialEnv(name))
          return {"Environment variable " + name + " is not allowed to be used in credentials."};
      }
    }
    for (const auto& e : kv.value().as_object()) {
      std::string key(e.key());
      std::string msg =
          CheckTemplate(std::string(e.value().get_string()), defined, single_file, file_names);
      if (msg.empty()) continue;
      if (msg[0] == '!')
        return {"Syntax error rendering template for " + key + " inside of " + type + " (" +
                msg.substr(1) + ")"};
      return {key + " uses an undefined field (" + msg + ")"};
    }
  }
  return {};
}

}  // namespace baton::service
