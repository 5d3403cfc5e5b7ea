#include "core/json.hpp"

#include <charconv>
#include <cmath>

namespace baton {

void AppendDouble(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view s(buf, r.ptr - buf);
  out += s;
  if (s.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

static void AppendString(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // start of the current run of characters that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

template <bool kPy>
static void Write(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + 24, v.get_int64());
      out.append(buf, r.ptr);
      break;
    }
    case json::kind::uint64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + 24, v.get_uint64());
      out.append(buf, r.ptr);
      break;
    }
    case json::kind::double_:
      AppendDouble(out, v.get_double());
      break;
    case json::kind::string:
      AppendString(out, v.get_string());
      break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (auto& e : v.get_array()) {
        if (!first) out += kPy ? ", " : ",";
        first = false;
        Write<kPy>(out, e);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (auto& kv : v.get_object()) {
        if (!first) out += kPy ? ", " : ",";
        first = false;
        AppendString(out, kv.key());
        out += kPy ? ": " : ":";
        Write<kPy>(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

void DumpTo(std::string& out, const json::value& v) {
  Write<false>(out, v);
}

std::string Dump(const json::value& v) {
  std::string out;
  out.reserve(256);
  Write<false>(out, v);
  return out;
}

std::string DumpPy(const json::value& v) {
  std::string out;
  Write<true>(out, v);
  return out;
}

std::optional<json::value> ParseJson(std::string_view text, std::string* error) {
  boost::system::error_code ec;
  json::parse_options opt;
  opt.allow_invalid_utf8 = false;
  auto v = json::parse(text, ec, {}, opt);
  if (ec) {
    if (error) *error = ec.message();
    return std::nullopt;
  }
  return v;
}

const json::value* Find(const json::object& o, std::string_view key) {
  return o.if_contains(key);
}

std::string GetString(const json::object& o, std::string_view key, std::string_view def) {
  auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->get_string());
  return std::string(def);
}

bool GetBool(const json::object& o, std::string_view key, bool def) {
  auto* v = o.if_contains(key);
  if (v && v->is_bool()) return v->get_bool();
  return def;
}

}  // namespace baton
