// Survey specs: LA-9 validation and normalisation of a posted spec, the masked GET view, and the
// spec-level lists (required and password variables, LA-1/LA-10). Pure, no I/O.
#include <map>
#include <set>

#include "domain/survey.hpp"

namespace baton::domain {

namespace {

constexpr std::string_view kEncrypted = "$encrypted$";
constexpr std::string_view kAllowedTypes =
    "text, textarea, password, multiplechoice, multiselect, integer, float";

// Concatenation (also sidesteps GCC 12's false -Wrestrict on literal + std::string&&).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

std::string_view Str(const json::value& v) {
  return std::string_view(v.get_string().data(), v.get_string().size());
}

bool IsStringType(std::string_view t) {
  return t == "text" || t == "textarea" || t == "password" || t == "multiplechoice" ||
         t == "multiselect";
}

bool IsAllowedType(std::string_view t) {
  return IsStringType(t) || t == "integer" || t == "float";
}

bool IsChoiceType(std::string_view t) {
  return t == "multiplechoice" || t == "multiselect";
}

// isinstance(v, int): Python bools are ints.
bool IsPyInt(const json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_bool();
}

// isinstance(default, SURVEY_TYPE_MAPPING[type]).
bool DefaultHasType(std::string_view type, const json::value& v) {
  if (IsStringType(type)) return v.is_string();
  if (type == "integer") return IsPyInt(v);
  return IsPyInt(v) || v.is_double();  // float
}

bool StartsWithEncrypted(const json::value& v) {
  return v.is_string() && Str(v).substr(0, kEncrypted.size()) == kEncrypted;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

// '\n'.join(line for line in s.splitlines() if line.strip() != '')
std::string WithoutBlankLines(std::string_view s) {
  return JoinLines(PySplitNonBlankLines(s));
}

// JobTemplate.pivot_spec: the questions of a stored spec by variable (the last one wins).
std::map<std::string, const json::object*, std::less<>> PivotSpec(const json::object& spec) {
  std::map<std::string, const json::object*, std::less<>> out;
  for (const json::object* q : SurveyQuestions(spec)) {
    const json::value* var = Find(*q, "variable");
    if (var != nullptr && var->is_string()) out[std::string(Str(*var))] = q;
  }
  return out;
}

// May a "$encrypted$" default of `variable` keep the previous default (a string that is
// encrypted or empty)?
bool EncryptedishDefaultExists(const json::object& previous, std::string_view variable) {
  auto pivot = PivotSpec(previous);
  auto it = pivot.find(variable);
  if (it == pivot.end()) return false;
  const json::value* old = Find(*it->second, "default");
  return old != nullptr && old->is_string() && (StartsWithEncrypted(*old) || Str(*old).empty());
}

std::optional<std::string> ValidateTopLevel(const json::object& spec) {
  struct Field {
    std::string_view name;
    std::string_view label;
    bool (json::value::*check)() const noexcept;
  };
  static constexpr Field kFields[] = {{"name", "string", &json::value::is_string},
                                      {"description", "string", &json::value::is_string},
                                      {"spec", "list of items", &json::value::is_array}};
  std::optional<std::string> error;  // only the last failure is reported
  for (const auto& f : kFields) {
    const json::value* v = Find(spec, f.name);
    if (v == nullptr) {
      error = Cat({"Field '", f.name, "' is missing from survey spec."});
    } else if (!(v->*f.check)()) {
      error = Cat(
          {"Expected ", f.label, " for field '", f.name, "', received ", PyTypeName(*v), " type."});
    }
  }
  const json::value* list = Find(spec, "spec");
  if (list != nullptr && list->is_array() && list->get_array().empty()) {
    error = "'spec' doesn't contain any items.";
  }
  return error;
}

// The LA-9 checks of question `idx`; `variables` collects the variables seen so far.
std::optional<std::string> ValidateQuestion(const json::value& item, size_t idx,
                                            const json::object& previous,
                                            std::set<std::string, std::less<>>& variables) {
  const std::string i = std::to_string(idx);
  if (!item.is_object()) return Cat({"Survey question ", i, " is not a json object."});
  const json::object& q = item.get_object();
  for (std::string_view field : {"type", "question_name", "variable", "required"}) {
    const json::value* v = Find(q, field);
    if (v == nullptr) return Cat({"'", field, "' missing from survey question ", i});
    bool is_required = field == "required";
    if (is_required ? !v->is_bool() : !v->is_string()) {
      return Cat({"'", field, "' in survey question ", i, " expected to be ",
                  is_required ? "boolean." : "string."});
    }
  }
  std::string_view variable = Str(q.at("variable"));
  if (!variables.insert(std::string(variable)).second) {
    return Cat({"'variable' '", variable, "' duplicated in survey question ", i, "."});
  }

  std::string_view type = Str(q.at("type"));
  if (!IsAllowedType(type)) {
    return Cat({"'", type, "' in survey question ", i, " is not one of '", kAllowedTypes,
                "' allowed question types."});
  }
  const json::value* def = Find(q, "default");
  if (def != nullptr && !(def->is_string() && Str(*def).empty()) && !DefaultHasType(type, *def)) {
    std::string_view label = IsStringType(type) ? "string" : type;
    return Cat({"Default value ", PyRepr(*def), " in survey question ", i, " expected to be ",
                label, "."});
  }
  for (std::string_view key : {"min", "max"}) {
    const json::value* v = Find(q, key);
    if (v != nullptr && !v->is_null() && !IsPyInt(*v)) {
      return Cat({"The ", key, " limit in survey question ", i, " expected to be integer."});
    }
  }

  // From here on a non-empty default has the question's type, so a choice default is a string.
  json::value normalized_default = def != nullptr ? *def : json::value();
  if (IsChoiceType(type)) {
    const json::value* choices = Find(q, "choices");
    if (choices == nullptr) {
      return Cat({"Survey question ", i, " of type ", type, " must specify choices."});
    }
    json::value stored_choices = *choices;
    if (choices->is_string()) stored_choices = WithoutBlankLines(Str(*choices));
    if (def != nullptr && def->is_string()) {
      normalized_default = WithoutBlankLines(Str(*def));
      auto defaults = PySplitLines(Str(normalized_default));
      if (type == "multiplechoice" && defaults.size() > 1) {
        return std::string("Multiple Choice (Single Select) can only have one default value.");
      }
      // `item in choices`: substring test for string choices (PF-14). Choices that are neither a
      // list, a dict nor a string make AWX fail with a 500; we report the default as invalid.
      for (const auto& d : defaults) {
        if (!PyContains(stored_choices, json::value(d))) {
          return std::string("Default choice must be answered from the choices listed.");
        }
      }
    }
  }

  if (StartsWithEncrypted(normalized_default)) {
    if (type != "password") {
      return Cat(
          {"$encrypted$ is a reserved keyword for password question defaults, survey "
           "question ",
           i, " is type ", type, "."});
    }
    if (!EncryptedishDefaultExists(previous, variable)) {
      return Cat(
          {"$encrypted$ is a reserved keyword, may not be used for new default in "
           "position ",
           i, "."});
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ValidateSurveySpec(const json::value& spec,
                                              const json::object& previous) {
  static const json::object kEmpty;
  // A body that is not an object has none of the fields; the last message checked wins.
  const json::object& obj = spec.is_object() ? spec.get_object() : kEmpty;
  if (auto error = ValidateTopLevel(obj)) return error;
  std::set<std::string, std::less<>> variables;
  const json::array& questions = obj.at("spec").get_array();
  for (size_t idx = 0; idx < questions.size(); ++idx) {
    if (auto error = ValidateQuestion(questions[idx], idx, previous, variables)) return error;
  }
  return std::nullopt;
}

json::object NormalizeSurveySpec(const json::object& spec, const json::object& previous,
                                 const Encryptor& encrypt) {
  json::object out = spec;
  json::value* list = out.if_contains("spec");
  if (list == nullptr || !list->is_array()) return out;
  auto pivot = PivotSpec(previous);
  for (auto& item : list->get_array()) {
    if (!item.is_object()) continue;
    json::object& q = item.get_object();
    const json::value* t = Find(q, "type");
    std::string_view type = t != nullptr && t->is_string() ? Str(*t) : std::string_view();
    json::value* def = q.if_contains("default");
    if (IsChoiceType(type)) {
      json::value* choices = q.if_contains("choices");
      if (choices != nullptr && choices->is_string()) *choices = WithoutBlankLines(Str(*choices));
      if (def != nullptr && def->is_string()) *def = WithoutBlankLines(Str(*def));
    }
    if (type != "password" || def == nullptr) continue;
    if (StartsWithEncrypted(*def)) {
      // "$encrypted$" keeps the stored (encrypted) default of the same variable.
      const json::value* var = Find(q, "variable");
      auto it = var != nullptr && var->is_string() ? pivot.find(Str(*var)) : pivot.end();
      if (it != pivot.end()) {
        if (const json::value* old = Find(*it->second, "default")) *def = *old;
      }
    } else if (def->is_string() && !Str(*def).empty()) {
      *def = encrypt(Str(*def));
    }
  }
  return out;
}

json::object MaskSurveySpec(const json::object& spec) {
  json::object out = spec;
  json::value* list = out.if_contains("spec");
  if (list == nullptr || !list->is_array()) return out;
  for (auto& item : list->get_array()) {
    if (!item.is_object()) continue;
    json::object& q = item.get_object();
    json::value* def = q.if_contains("default");
    if (GetString(q, "type") == "password" && def != nullptr && PyTruthy(*def)) {
      *def = kEncrypted;
    }
  }
  return out;
}

bool SurveyActive(bool survey_enabled, const json::object& spec) {
  const json::value* list = Find(spec, "spec");
  return survey_enabled && list != nullptr && list->is_array();
}

namespace {
std::string VariableName(const json::object& q) {
  const json::value* v = Find(q, "variable");
  return v == nullptr ? std::string() : PyRepr(*v);
}
}  // namespace

std::vector<std::string> RequiredVariables(const json::object& spec) {
  std::vector<std::string> out;
  for (const json::object* q : SurveyQuestions(spec)) {
    const json::value* required = Find(*q, "required");
    if (required != nullptr && PyTruthy(*required)) out.push_back(VariableName(*q));
  }
  return out;
}

std::vector<std::string> PasswordVariables(const json::object& spec) {
  std::vector<std::string> out;
  for (const json::object* q : SurveyQuestions(spec)) {
    if (GetString(*q, "type") == "password") out.push_back(VariableName(*q));
  }
  return out;
}

}  // namespace baton::domain
