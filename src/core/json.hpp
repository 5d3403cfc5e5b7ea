// JSON helpers over Boost.JSON: serialization with our own number formatting (Boost 1.81 prints
// doubles as 7.04438E2), Python json.dumps-compatible spacing, and small accessors.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace baton {

namespace json = boost::json;

// Compact JSON: {"a":1,"b":[2.5]}.
std::string Dump(const json::value& v);
void DumpTo(std::string& out, const json::value& v);
// Python json.dumps default: {"a": 1, "b": [2.5]} (what AWX stores in extra_vars).
std::string DumpPy(const json::value& v);
// Appends a double the way Python's repr prints it (shortest round-trip, "1.0" for integers).
void AppendDouble(std::string& out, double d);

// Parses text as JSON; nullopt when it is not valid JSON.
std::optional<json::value> ParseJson(std::string_view text, std::string* error = nullptr);

// Typed lookups that tolerate missing keys.
const json::value* Find(const json::object& o, std::string_view key);
std::string GetString(const json::object& o, std::string_view key, std::string_view def = "");
bool GetBool(const json::object& o, std::string_view key, bool def = false);

}  // namespace baton
