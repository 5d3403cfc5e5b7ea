// Percent-decoding of request targets and form bodies, through Boost.URL. Lenient as Django's
// (Python's unquote) is: a '%' not followed by two hex digits stays as written, never an error.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::http {

// Decodes %XX escapes of a path, query component or form field; with `plus_as_space` (query
// strings and application/x-www-form-urlencoded bodies) '+' is a space.
std::string PercentDecode(std::string_view s, bool plus_as_space = false);

// "a=1&b=x+y&c" -> {{"a","1"},{"b","x y"},{"c",""}}, decoded, in order; empty parts skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view q);

}  // namespace baton::http
