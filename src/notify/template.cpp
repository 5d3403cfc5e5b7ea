#include "notify/template.hpp"

#include <cctype>
#include <cstdio>
#include <variant>
#include <vector>

#include "domain/survey.hpp"

namespace baton::notify {
namespace {

using Status = RenderResult::Status;

RenderResult Syntax(std::string msg) {
  RenderResult r;
  r.status = Status::kSyntax;
  r.message = std::move(msg);
  return r;
}

RenderResult Undefined(std::string name) {
  RenderResult r;
  r.status = Status::kUndefined;
  r.message = std::move(name);
  return r;
}

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// One step of a path: an attribute/key name or a list index.
struct Step {
  std::string key;
  bool is_index = false;
  int64_t index = 0;
};

// Parses the inside of {{ ... }} (already trimmed of the delimiters).
std::variant<std::vector<Step>, RenderResult> ParseExpr(std::string_view e, size_t base) {
  std::vector<Step> steps;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < e.size() && std::isspace(static_cast<unsigned char>(e[i]))) ++i;
  };
  skip_ws();
  if (i == e.size()) return Syntax("Expected an expression, got 'end of print statement'");
  if (!IsNameStart(e[i])) {
    if (e[i] == '%' || e[i] == '{' || e[i] == '}')
      return Syntax("unexpected '" + std::string(1, e[i]) + "'");
    return Syntax("unexpected char '" + std::string(1, e[i]) + "' at " + std::to_string(base + i));
  }
  size_t s = i;
  while (i < e.size() && IsNameChar(e[i])) ++i;
  steps.push_back({std::string(e.substr(s, i - s))});
  for (;;) {
    skip_ws();
    if (i == e.size()) break;
    if (e[i] == '.') {
      ++i;
      skip_ws();
      if (i < e.size() && std::isdigit(static_cast<unsigned char>(e[i]))) {
        size_t d = i;
        while (i < e.size() && std::isdigit(static_cast<unsigned char>(e[i]))) ++i;
        Step st;
        st.key = std::string(e.substr(d, i - d));
        st.is_index = true;
        st.index = std::stoll(st.key);
        steps.push_back(st);
        continue;
      }
      if (i == e.size() || !IsNameStart(e[i])) return Syntax("expected name or number");
      size_t n = i;
      while (i < e.size() && IsNameChar(e[i])) ++i;
      steps.push_back({std::string(e.substr(n, i - n))});
    } else if (e[i] == '[') {
      ++i;
      skip_ws();
      if (i == e.size()) return Syntax("unexpected end of template, expected ']'.");
      Step st;
      if (e[i] == '\'' || e[i] == '"') {
        char q = e[i++];
        size_t n = i;
        while (i < e.size() && e[i] != q) ++i;
        if (i == e.size())
          return Syntax("unexpected char '" + std::string(1, q) + "' at " +
                        std::to_string(base + n - 1));
        st.key = std::string(e.substr(n, i - n));
        ++i;
      } else if (std::isdigit(static_cast<unsigned char>(e[i])) || e[i] == '-') {
        size_t n = i++;
        while (i < e.size() && std::isdigit(static_cast<unsigned char>(e[i]))) ++i;
        st.key = std::string(e.substr(n, i - n));
        st.is_index = true;
        try {
          st.index = std::stoll(st.key);
        } catch (...) {
          return Syntax("unexpected '-'");
        }
      } else {
        return Syntax("unexpected char '" + std::string(1, e[i]) + "' at " +
                      std::to_string(base + i));
      }
      skip_ws();
      if (i == e.size() || e[i] != ']') return Syntax("expected token ']'");
      ++i;
      steps.push_back(st);
    } else if (e[i] == '|') {
      return Syntax("filters are not supported by baton's notification templates");
    } else if (IsNameChar(e[i])) {
      size_t n = i;
      while (i < e.size() && IsNameChar(e[i])) ++i;
      return Syntax("expected token 'end of print statement', got '" +
                    std::string(e.substr(n, i - n)) + "'");
    } else {
      return Syntax("unexpected char '" + std::string(1, e[i]) + "' at " +
                    std::to_string(base + i));
    }
  }
  return steps;
}

// Resolves a path: nullptr when undefined (name in `missing`).
const json::value* Resolve(const std::vector<Step>& steps, const json::object& ctx,
                           std::string& missing, bool& attr_of_undefined) {
  const json::value* cur = ctx.if_contains(steps[0].key);
  if (!cur) {
    missing = steps[0].key;
    attr_of_undefined = steps.size() > 1;
    return nullptr;
  }
  for (size_t k = 1; k < steps.size(); ++k) {
    const Step& st = steps[k];
    const json::value* next = nullptr;
    if (cur->is_object()) {
      next = cur->as_object().if_contains(st.key);
    } else if (cur->is_array() && st.is_index) {
      const auto& a = cur->as_array();
      int64_t idx = st.index < 0 ? static_cast<int64_t>(a.size()) + st.index : st.index;
      if (idx >= 0 && idx < static_cast<int64_t>(a.size())) next = &a[static_cast<size_t>(idx)];
    }
    if (!next) {
      missing = st.key;
      attr_of_undefined = k + 1 < steps.size();
      return nullptr;
    }
    cur = next;
  }
  return cur;
}

void AppendJsonString(std::string& out, std::string_view s, bool ensure_ascii) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    char buf[16];
    if (c < 0x20) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c >= 0x80 && ensure_ascii) {
      // decode one UTF-8 sequence
      char32_t cp = 0;
      int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F);
      for (int k = 1; k < len && i + 1 < s.size(); ++k) cp = (cp << 6) | (s[++i] & 0x3F);
      if (cp >= 0x10000) {
        cp -= 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + static_cast<unsigned>(cp >> 10),
                      0xDC00 + static_cast<unsigned>(cp & 0x3FF));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      }
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void Dumps(std::string& out, const json::value& v, int indent, int level, bool ascii) {
  auto newline = [&](int lvl) {
    out += '\n';
    out.append(static_cast<size_t>(indent * lvl), ' ');
  };
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.as_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += indent ? "," : ", ";
        first = false;
        if (indent) newline(level + 1);
        AppendJsonString(out, kv.key(), ascii);
        out += ": ";
        Dumps(out, kv.value(), indent, level + 1, ascii);
      }
      if (indent) newline(level);
      out += '}';
      return;
    }
    case json::kind::array: {
      const auto& a = v.as_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& e : a) {
        if (!first) out += indent ? "," : ", ";
        first = false;
        if (indent) newline(level + 1);
        Dumps(out, e, indent, level + 1, ascii);
      }
      if (indent) newline(level);
      out += ']';
      return;
    }
    case json::kind::string:
      AppendJsonString(out, v.as_string(), ascii);
      return;
    case json::kind::double_:
      AppendDouble(out, v.as_double());
      return;
    default:
      DumpTo(out, v);
      return;
  }
}

}  // namespace

std::string PyJsonDumps(const json::value& v, int indent, bool ensure_ascii) {
  std::string out;
  Dumps(out, v, indent, 0, ensure_ascii);
  return out;
}

RenderResult Render(std::string_view t, const json::object& ctx, bool strict) {
  RenderResult r;
  size_t i = 0;
  while (i < t.size()) {
    size_t open = t.find('{', i);
    while (open != std::string_view::npos && open + 1 < t.size() && t[open + 1] != '{' &&
           t[open + 1] != '%' && t[open + 1] != '#')
      open = t.find('{', open + 1);
    if (open == std::string_view::npos || open + 1 >= t.size()) {
      r.text.append(t.substr(i));
      break;
    }
    r.text.append(t.substr(i, open - i));
    char kind = t[open + 1];
    if (kind == '#') {
      size_t close = t.find("#}", open + 2);
      if (close == std::string_view::npos) return Syntax("Missing end of comment tag");
      i = close + 2;
      continue;
    }
    if (kind == '%')
      return Syntax("blocks ({% ... %}) are not supported by baton's notification templates");
    size_t close = t.find("}}", open + 2);
    if (close == std::string_view::npos)
      return Syntax("unexpected end of template, expected 'end of print statement'.");
    std::string_view expr = t.substr(open + 2, close - open - 2);
    auto parsed = ParseExpr(expr, open + 2);
    if (auto* err = std::get_if<RenderResult>(&parsed)) return *err;
    const auto& steps = std::get<std::vector<Step>>(parsed);
    std::string missing;
    bool attr_of_undefined = false;
    const json::value* v = Resolve(steps, ctx, missing, attr_of_undefined);
    if (!v) {
      if (strict || attr_of_undefined) return Undefined(missing);
    } else {
      r.text += domain::PyRepr(*v, true);
    }
    i = close + 2;
  }
  return r;
}

}  // namespace baton::notify
