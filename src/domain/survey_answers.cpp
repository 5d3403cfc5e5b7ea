// Survey answers: LA-8 validation of provided vars, LA-6 step 2 over a whole spec, LA-11 survey
// defaults and LA-10 password handling. Pure, no I/O; secrets go through callbacks.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "domain/survey.hpp"

namespace baton::domain {

namespace {

constexpr std::string_view kEncrypted = "$encrypted$";

std::string_view Str(const json::value& v) {
  return std::string_view(v.get_string().data(), v.get_string().size());
}

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\n\r\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// A min/max limit as AWX reads it: present unless absent, "" or None; int(limit) for text and
// integer questions, float(limit) for float questions. `shown` is how the message prints it.
struct Limit {
  std::optional<__int128> as_int;
  std::optional<long double> as_float;
  std::string shown;
};

std::optional<Limit> ReadLimit(const json::object& q, std::string_view key) {
  const json::value* v = Find(q, key);
  if (v == nullptr || v->is_null() || (v->is_string() && v->get_string().empty())) {
    return std::nullopt;
  }
  Limit l;
  l.shown = PyRepr(*v);
  if (v->is_bool()) {
    l.as_int = v->get_bool() ? 1 : 0;
  } else if (v->is_int64()) {
    l.as_int = v->get_int64();
  } else if (v->is_uint64()) {
    l.as_int = static_cast<__int128>(v->get_uint64());
  } else if (v->is_double()) {
    double d = v->get_double();
    l.as_float = d;
    if (std::isfinite(d)) l.as_int = static_cast<__int128>(std::trunc(d));
  } else if (v->is_string()) {
    // Specs saved through LA-9 hold integers; a stored numeric string still works as in AWX
    // (int("3"), float("2.5")). Text Python cannot convert (a 500 in AWX) disables the limit.
    std::string_view s = Trim(Str(*v));
    long long i = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), i);
    if (!s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size()) l.as_int = i;
    std::string text(s);
    char* end = nullptr;
    errno = 0;
    long double f = std::strtold(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) l.as_float = f;
  }
  if (!l.as_float && l.as_int) l.as_float = static_cast<long double>(*l.as_int);
  return l;
}

__int128 IntValue(const json::value& v) {
  return v.is_int64() ? static_cast<__int128>(v.get_int64())
                      : static_cast<__int128>(v.get_uint64());
}

// long double holds every int64/uint64 exactly on our targets, so int-vs-float comparisons are
// as exact as Python's.
long double FloatValue(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<long double>(v.get_int64());
  return static_cast<long double>(v.get_uint64());
}

// Concatenation (also sidesteps GCC 12's false -Wrestrict on literal + std::string&&).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

std::string TooSmall(std::string_view var, std::string_view value, std::string_view min) {
  return Cat({"'", var, "' value ", value, " is too small (must be at least ", min, ")."});
}
std::string TooLarge(std::string_view var, std::string_view value, std::string_view max) {
  return Cat({"'", var, "' value ", value, " is too large (must be no more than ", max, ")."});
}
std::string Missing(std::string_view var) {
  return Cat({"'", var, "' value missing"});
}

void CheckText(std::string_view var, const json::value& value, const json::object& q,
               std::vector<std::string>& errors) {
  if (!value.is_string()) {
    errors.push_back(Cat({"Value ", PyRepr(value), " for '", var, "' expected to be a string."}));
    return;
  }
  auto len = static_cast<__int128>(PyLen(Str(value)));
  std::string shown = PyRepr(value);
  if (auto min = ReadLimit(q, "min"); min && min->as_int && len < *min->as_int) {
    errors.push_back(
        Cat({"'", var, "' value ", shown, " is too small (length is ",
             std::to_string(static_cast<long long>(len)), " must be at least ", min->shown, ")."}));
  }
  if (auto max = ReadLimit(q, "max"); max && max->as_int && len > *max->as_int) {
    errors.push_back(TooLarge(var, shown, max->shown));
  }
}

void CheckInteger(std::string_view var, const json::value& value, const json::object& q,
                  std::vector<std::string>& errors) {
  // type(v) == int: bools and floats (even 5.0) are not integers.
  if (!value.is_int64() && !value.is_uint64()) {
    errors.push_back(Cat({"Value ", PyRepr(value), " for '", var, "' expected to be an integer."}));
    return;
  }
  __int128 v = IntValue(value);
  std::string shown = PyRepr(value);
  if (auto min = ReadLimit(q, "min"); min && min->as_int && v < *min->as_int) {
    errors.push_back(TooSmall(var, shown, min->shown));
  }
  if (auto max = ReadLimit(q, "max"); max && max->as_int && v > *max->as_int) {
    errors.push_back(TooLarge(var, shown, max->shown));
  }
}

void CheckFloat(std::string_view var, const json::value& value, const json::object& q,
                std::vector<std::string>& errors) {
  if (!value.is_int64() && !value.is_uint64() && !value.is_double()) {
    errors.push_back(
        Cat({"Value ", PyRepr(value), " for '", var, "' expected to be a numeric type."}));
    return;
  }
  long double v = FloatValue(value);
  std::string shown = PyRepr(value);
  if (auto min = ReadLimit(q, "min"); min && min->as_float && v < *min->as_float) {
    errors.push_back(TooSmall(var, shown, min->shown));
  }
  if (auto max = ReadLimit(q, "max"); max && max->as_float && v > *max->as_float) {
    errors.push_back(TooLarge(var, shown, max->shown));
  }
}

// The choices an answer must come from; a value that is neither list nor string is used as is
// (a dict matches its keys, anything else matches nothing).
json::value ChoiceList(const json::object& q) {
  const json::value* choices = Find(q, "choices");
  if (choices == nullptr) return json::array();
  if (auto list = SurveyChoiceList(*choices)) return *list;
  return *choices;
}

std::string NotAChoice(const json::value& v, std::string_view var, const json::value& choices) {
  return Cat(
      {"Value ", PyRepr(v), " for '", var, "' expected to be one of ", PyRepr(choices), "."});
}

// is_encrypted(): a string with the prefix and something after it.
bool IsEncryptedValue(const json::value* v) {
  return v != nullptr && v->is_string() && v->get_string().size() > kEncrypted.size() &&
         Str(*v).substr(0, kEncrypted.size()) == kEncrypted;
}

std::string Variable(const json::object& q) {
  const json::value* v = Find(q, "variable");
  if (v == nullptr) return {};
  return v->is_string() ? std::string(Str(*v)) : PyRepr(*v);
}

std::vector<const json::object*> PasswordQuestions(const json::object& spec) {
  std::vector<const json::object*> out;
  for (const json::object* q : SurveyQuestions(spec)) {
    if (GetString(*q, "type") == "password") out.push_back(q);
  }
  return out;
}

}  // namespace

std::vector<std::string> ValidateSurveyAnswer(const json::object& question,
                                              const json::object& vars) {
  return ValidateSurveyAnswer(question, vars, SurveyAnswerOptions{});
}

std::vector<std::string> ValidateSurveyAnswer(const json::object& question,
                                              const json::object& vars,
                                              const SurveyAnswerOptions& options) {
  std::vector<std::string> errors;
  const std::string var = Variable(question);
  const std::string type = GetString(question, "type");
  const json::value* required_v = Find(question, "required");
  const bool required = required_v != nullptr && PyTruthy(*required_v);
  const json::value* value = vars.if_contains(var);

  // LA-8.1: the "$encrypted$" placeholder stands for the default; only a required question
  // without default misses a value.
  if (type == "password" && value != nullptr && value->is_string() && Str(*value) == kEncrypted) {
    const json::value* def = Find(question, "default");
    if ((def == nullptr || def->is_null()) && required && options.validate_required) {
      errors.push_back(Missing(var));
    }
    return errors;
  }
  // LA-8.2 (PF-8: a default does not satisfy a required question).
  if (value == nullptr) {
    if (required && options.validate_required) errors.push_back(Missing(var));
    return errors;
  }
  if (type == "text" || type == "textarea" || type == "password") {
    CheckText(var, *value, question, errors);  // LA-8.3
  } else if (type == "integer") {
    CheckInteger(var, *value, question, errors);  // LA-8.4
  } else if (type == "float") {
    CheckFloat(var, *value, question, errors);  // LA-8.5
  } else if (type == "multiselect") {
    // LA-8.6: one message per element that is not a choice.
    if (!value->is_array()) {
      errors.push_back(Cat({"'", var, "' value is expected to be a list."}));
    } else {
      json::value choices = ChoiceList(question);
      for (const auto& elem : value->get_array()) {
        if (!PyContains(choices, elem)) errors.push_back(NotAChoice(elem, var, choices));
      }
    }
  } else if (type == "multiplechoice") {
    json::value choices = ChoiceList(question);  // LA-8.7
    if (!PyContains(choices, *value)) errors.push_back(NotAChoice(*value, var, choices));
  }
  return errors;
}

SurveyCheck ValidateSurveyAnswers(const json::object& spec, const json::object& vars) {
  return ValidateSurveyAnswers(spec, vars, SurveyAnswerOptions{});
}

SurveyCheck ValidateSurveyAnswers(const json::object& spec, const json::object& vars,
                                  const SurveyAnswerOptions& options) {
  SurveyCheck check;
  for (const json::object* q : SurveyQuestions(spec)) {
    const std::string var = Variable(*q);
    const json::value* value = vars.if_contains(var);
    std::vector<std::string> errors;
    std::optional<std::string> plain;
    if (options.decrypt && options.survey_passwords.contains(var) && IsEncryptedValue(value)) {
      plain = options.decrypt(Str(*value));
    }
    if (plain) {
      errors = ValidateSurveyAnswer(*q, json::object{{var, *plain}}, options);
    } else {
      errors = ValidateSurveyAnswer(*q, vars, options);
    }
    if (errors.empty()) continue;
    check.errors.insert(check.errors.end(), errors.begin(), errors.end());
    bool listed = false;
    for (const auto& r : check.rejected) listed = listed || r == var;
    if (value != nullptr && !listed) check.rejected.push_back(var);
  }
  return check;
}

json::object SurveyDefaults(const json::object& spec, const Decryptor& decrypt) {
  json::object out;
  for (const json::object* q : SurveyQuestions(spec)) {
    const json::value* def = Find(*q, "default");
    if (def == nullptr || def->is_null()) continue;
    const std::string var = Variable(*q);
    json::value checked = *def;
    if (GetString(*q, "type") == "password" && def->is_string() &&
        Str(*def).substr(0, kEncrypted.size()) == kEncrypted) {
      std::optional<std::string> plain = decrypt ? decrypt(Str(*def)) : std::nullopt;
      if (!plain) continue;
      checked = *plain;
    }
    // The stored value (still encrypted for a password) is what the job's extra vars keep.
    if (ValidateSurveyAnswer(*q, json::object{{var, checked}}).empty()) out[var] = *def;
  }
  return out;
}

json::object DropPasswordPlaceholders(const json::object& spec, const json::object& vars) {
  json::object out = vars;
  for (const json::object* q : PasswordQuestions(spec)) {
    const std::string var = Variable(*q);
    const json::value* v = out.if_contains(var);
    if (v != nullptr && v->is_string() && Str(*v) == kEncrypted) out.erase(var);
  }
  return out;
}

json::object EncryptPasswordAnswers(const json::object& spec, const json::object& vars,
                                    const Encryptor& encrypt) {
  json::object out = vars;
  for (const json::object* q : PasswordQuestions(spec)) {
    json::value* v = out.if_contains(Variable(*q));
    if (v == nullptr || !v->is_string() || v->get_string().empty()) continue;
    if (Str(*v).substr(0, kEncrypted.size()) == kEncrypted) continue;
    *v = encrypt(Str(*v));
  }
  return out;
}

json::object SurveyPasswords(const json::object& spec) {
  json::object out;
  for (const json::object* q : PasswordQuestions(spec)) out[Variable(*q)] = kEncrypted;
  return out;
}

json::object RedactSurveyPasswords(const json::object& vars, const json::object& survey_passwords) {
  json::object out = vars;
  for (const auto& kv : survey_passwords) {
    if (json::value* v = out.if_contains(kv.key())) *v = kEncrypted;
  }
  return out;
}

}  // namespace baton::domain
