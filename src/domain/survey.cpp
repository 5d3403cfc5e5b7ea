// Python semantics the survey rules depend on (repr, ==, in, truthiness, len, splitlines) and the
// small spec accessors shared by survey_spec.cpp and survey_answers.cpp. Pure, no I/O.
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "domain/survey.hpp"

namespace baton::domain {

namespace {

// Decodes the UTF-8 code point starting at s[i]; advances i. Invalid bytes decode as themselves
// (one byte each) so malformed text never loops or throws.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n <= 1 || i + n > s.size()) {
    ++i;
    return c;
  }
  char32_t cp = c & (0x7F >> n);
  for (int k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += n;
  return cp;
}

// str.splitlines() boundaries: \n \r \r\n \v \f \x1c \x1d \x1e \x85 \u2028 \u2029.
bool IsLineBoundary(char32_t cp) {
  return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x1C || cp == 0x1D ||
         cp == 0x1E || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

// str.isspace() / what str.strip() removes.
bool IsPyWhitespace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

void AppendHexEscape(std::string& out, char32_t cp) {
  char buf[16];
  if (cp < 0x100) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
  } else if (cp < 0x10000) {
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
  } else {
    std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(cp));
  }
  out += buf;
}

// repr() of a str: single quotes unless the text holds ' and no ".
void AppendStrRepr(std::string& out, std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  out += quote;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t cp = NextCodePoint(s, i);
    if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (!PyIsPrintable(cp)) {
      AppendHexEscape(out, cp);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out += quote;
}

void AppendRepr(std::string& out, const json::value& v, bool top_level) {
  switch (v.kind()) {
    case json::kind::null:
      out += "None";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "True" : "False";
      break;
    case json::kind::int64:
      out += std::to_string(v.get_int64());
      break;
    case json::kind::uint64:
      out += std::to_string(v.get_uint64());
      break;
    case json::kind::double_:
      out += PyFloatRepr(v.get_double());
      break;
    case json::kind::string:
      if (top_level) {
        out.append(v.get_string().data(), v.get_string().size());
      } else {
        AppendStrRepr(out, std::string_view(v.get_string().data(), v.get_string().size()));
      }
      break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        AppendRepr(out, e, false);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        AppendStrRepr(out, std::string_view(kv.key().data(), kv.key().size()));
        out += ": ";
        AppendRepr(out, kv.value(), false);
      }
      out += '}';
      break;
    }
  }
}

bool IsNumber(const json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double() || v.is_bool();
}

// Exact comparison of two numbers (bools count as 0/1) the way Python compares int and float.
bool NumbersEqual(const json::value& a, const json::value& b) {
  auto as_int = [](const json::value& v) -> __int128 {
    if (v.is_bool()) return v.get_bool() ? 1 : 0;
    if (v.is_int64()) return v.get_int64();
    return static_cast<__int128>(v.get_uint64());
  };
  if (!a.is_double() && !b.is_double()) return as_int(a) == as_int(b);
  if (a.is_double() && b.is_double()) return a.get_double() == b.get_double();
  double d = a.is_double() ? a.get_double() : b.get_double();
  __int128 i = a.is_double() ? as_int(b) : as_int(a);
  // A double equals an integer only when it is integral and in range.
  if (d != d || d < -1.8e19 || d > 1.8e19) return false;
  if (static_cast<double>(static_cast<__int128>(d)) != d) return false;
  return static_cast<__int128>(d) == i;
}

}  // namespace

std::string PyFloatRepr(double d) {
  if (d != d) return "nan";
  if (d == __builtin_inf()) return "inf";
  if (d == -__builtin_inf()) return "-inf";
  // Shortest round-trip digits in scientific form: [-]D[.DDD]e(+|-)XX.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, r.ptr - buf);
  std::string out;
  if (!s.empty() && s[0] == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (exp < -4 || exp >= 16) {
    // Python: mantissa without a trailing ".0", exponent signed with at least two digits.
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += eb;
    return out;
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  size_t int_len = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_len) {
    out += digits;
    out.append(int_len - digits.size(), '0');
    out += ".0";
  } else {
    out += digits.substr(0, int_len);
    out += '.';
    out += digits.substr(int_len);
  }
  return out;
}

std::string PyRepr(const json::value& v, bool top_level) {
  std::string out;
  AppendRepr(out, v, top_level);
  return out;
}

bool PyEquals(const json::value& a, const json::value& b) {
  if (IsNumber(a) && IsNumber(b)) return NumbersEqual(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::null:
      return true;
    case json::kind::string:
      return a.get_string() == b.get_string();
    case json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!PyEquals(x[i], y[i])) return false;
      }
      return true;
    }
    case json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& kv : x) {
        auto it = y.find(kv.key());
        if (it == y.end() || !PyEquals(kv.value(), it->value())) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

bool PyContains(const json::value& container, const json::value& item) {
  if (container.is_array()) {
    for (const auto& e : container.get_array()) {
      if (PyEquals(e, item)) return true;
    }
    return false;
  }
  if (container.is_object()) {
    return item.is_string() && container.get_object().contains(item.get_string());
  }
  if (container.is_string()) {
    if (!item.is_string()) return false;
    std::string_view hay(container.get_string().data(), container.get_string().size());
    std::string_view needle(item.get_string().data(), item.get_string().size());
    return hay.find(needle) != std::string_view::npos;
  }
  return false;
}

bool PyTruthy(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return false;
    case json::kind::bool_:
      return v.get_bool();
    case json::kind::int64:
      return v.get_int64() != 0;
    case json::kind::uint64:
      return v.get_uint64() != 0;
    case json::kind::double_:
      return v.get_double() != 0.0;
    case json::kind::string:
      return !v.get_string().empty();
    case json::kind::array:
      return !v.get_array().empty();
    case json::kind::object:
      return !v.get_object().empty();
  }
  return false;
}

std::string_view PyTypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "NoneType";
    case json::kind::bool_:
      return "bool";
    case json::kind::int64:
    case json::kind::uint64:
      return "int";
    case json::kind::double_:
      return "float";
    case json::kind::string:
      return "str";
    case json::kind::array:
      return "list";
    case json::kind::object:
      return "dict";
  }
  return "object";
}

size_t PyLen(std::string_view utf8) {
  size_t n = 0;
  for (size_t i = 0; i < utf8.size();) {
    NextCodePoint(utf8, i);
    ++n;
  }
  return n;
}

std::vector<std::string> PySplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t at = i;
    char32_t cp = NextCodePoint(text, i);
    if (!IsLineBoundary(cp)) continue;
    lines.emplace_back(text.substr(start, at - start));
    if (cp == '\r' && i < text.size() && text[i] == '\n') ++i;
    start = i;
  }
  if (start < text.size()) lines.emplace_back(text.substr(start));
  return lines;
}

std::vector<std::string> PySplitNonBlankLines(std::string_view text) {
  std::vector<std::string> out;
  for (auto& line : PySplitLines(text)) {
    bool blank = true;
    for (size_t i = 0; i < line.size() && blank;) blank = IsPyWhitespace(NextCodePoint(line, i));
    if (!blank) out.push_back(std::move(line));
  }
  return out;
}

std::vector<const json::object*> SurveyQuestions(const json::object& spec) {
  std::vector<const json::object*> out;
  const json::value* list = Find(spec, "spec");
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& q : list->get_array()) {
    if (q.is_object()) out.push_back(&q.get_object());
  }
  return out;
}

std::optional<json::array> SurveyChoiceList(const json::value& choices) {
  if (choices.is_array()) return choices.get_array();
  if (!choices.is_string()) return std::nullopt;
  json::array out;
  for (auto& line : PySplitNonBlankLines(choices.get_string())) out.emplace_back(line);
  return out;
}

}  // namespace baton::domain
