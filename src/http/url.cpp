#include "http/url.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>

namespace baton::http {
namespace {

bool Hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// `s` with '+' as "%20" when asked and every '%' that starts no escape as "%25", so that it is a
// valid percent-encoded string whose decoding is the lenient decoding of `s`.
std::string Normalize(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && !(i + 2 < s.size() && Hex(s[i + 1]) && Hex(s[i + 2])))
      out += "%25";
    else if (c == '+' && plus_as_space)
      out += "%20";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string PercentDecode(std::string_view s, bool plus_as_space) {
  if (s.find('%') == std::string_view::npos && (!plus_as_space || s.find('+') == s.npos))
    return std::string(s);
  std::string valid = Normalize(s, plus_as_space);
  auto pct = boost::urls::make_pct_string_view(valid);
  if (!pct) return std::string(s);  // cannot happen after Normalize
  std::string out;
  out.reserve(pct->decoded_size());
  for (char c : **pct) out += c;
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < q.size()) {
    size_t amp = q.find('&', pos);
    std::string_view part = q.substr(pos, amp == q.npos ? q.npos : amp - pos);
    if (!part.empty()) {
      size_t eq = part.find('=');
      out.emplace_back(PercentDecode(part.substr(0, eq), true),
                       eq == part.npos ? "" : PercentDecode(part.substr(eq + 1), true));
    }
    if (amp == q.npos) break;
    pos = amp + 1;
  }
  return out;
}

}  // namespace baton::http
