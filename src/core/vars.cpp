#include "core/vars.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <regex>

namespace baton {
namespace {

bool IsNull(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> AsBool(const std::string& s) {
  // PyYAML's resolver: y/n stay strings.
  static const char* t[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* f[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (auto* x : t)
    if (s == x) return true;
  for (auto* x : f)
    if (s == x) return false;
  return std::nullopt;
}

json::value Scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return json::string(s);  // quoted scalar: always a string
  if (IsNull(s)) return nullptr;
  if (auto b = AsBool(s)) return *b;
  static const std::regex kInt(R"(^[-+]?(0|[1-9][0-9_]*)$)");
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(s, kInt)) {
    std::string digits;
    for (char c : s)
      if (c != '_' && c != '+') digits += c;
    int64_t v = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (r.ec == std::errc()) return v;
    return std::stod(digits);
  }
  if (std::regex_match(s, kFloat) && s.find_first_of("0123456789") != std::string::npos) {
    std::string digits;
    for (char c : s)
      if (c != '_') digits += c;
    return std::stod(digits);
  }
  if (s == ".inf" || s == ".Inf" || s == "+.inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  return json::string(s);
}

json::value Convert(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return Scalar(n);
    case YAML::NodeType::Sequence: {
      json::array a;
      for (const auto& e : n) a.push_back(Convert(e));
      return a;
    }
    case YAML::NodeType::Map: {
      json::object o;
      for (const auto& kv : n) {
        json::value k = Convert(kv.first);
        std::string key;
        if (k.is_string())
          key = std::string(k.get_string());
        else if (k.is_null())
          key = "null";
        else
          key = Dump(k);
        o[key] = Convert(kv.second);
      }
      return o;
    }
  }
  return nullptr;
}

}  // namespace

Result<json::value> ParseYaml(std::string_view text) {
  try {
    YAML::Node n = YAML::Load(std::string(text));
    return Convert(n);
  } catch (const std::exception& e) {
    return Error::Field("yaml", e.what());
  }
}

Result<json::value> ParseVarsText(std::string_view text) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && isspace(static_cast<unsigned char>(trimmed.front())))
    trimmed.remove_prefix(1);
  while (!trimmed.empty() && isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.remove_suffix(1);
  if (trimmed.empty() || trimmed == "\"\"") return json::value(json::object{});
  std::string jerr;
  if (auto v = ParseJson(text, &jerr)) return *v;
  auto y = ParseYaml(text);
  if (y.ok()) return y;
  std::string yerr;
  auto& b = y.error().body;
  if (b.is_object() && b.as_object().contains("yaml"))
    yerr = std::string(b.as_object().at("yaml").as_array()[0].as_string());
  return Error::Field("variables",
                      "Cannot parse as JSON (error: " + jerr + ") or YAML (error: " + yerr + ").");
}

Result<json::object> ParseVarsMapping(std::string_view text) {
  BATON_ASSIGN(json::value v, ParseVarsText(text));
  if (v.is_null()) return json::object{};
  if (!v.is_object())
    return Error::Field("variables", "Input type `" +
                                         std::string(v.is_array()    ? "list"
                                                     : v.is_string() ? "str"
                                                                     : "scalar") +
                                         "` is not a dictionary");
  return std::move(v.as_object());
}

}  // namespace baton
