#include "http/message.hpp"

namespace baton::http {

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

std::string Request::Cookie(std::string_view name) const {
  std::string_view c = Header("cookie");
  while (!c.empty()) {
    size_t semi = c.find(';');
    std::string_view part = c.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      std::string_view v = part.substr(eq + 1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    if (semi == std::string_view::npos) break;
    c.remove_prefix(semi + 1);
  }
  return {};
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

namespace {

void AppendValue(std::string& out, std::string_view v) {
  for (char c : v) out += (c == '\r' || c == '\n') ? ' ' : c;
}

}  // namespace

std::string FormatHead(const Response& r, size_t content_length, bool keep_alive,
                       unsigned version) {
  std::string h;
  h.reserve(256 + r.headers.size() * 48);
  h += "HTTP/1.1 ";
  h += std::to_string(r.status);
  h += ' ';
  h += ReasonPhrase(r.status);
  h += "\r\nServer: baton";
  bool no_content = r.status == 204;
  if (!no_content || content_length > 0) {
    h += "\r\nContent-Type: ";
    AppendValue(h, r.content_type);
  }
  for (const auto& [k, v] : r.headers) {
    h += "\r\n";
    AppendValue(h, k);
    h += ": ";
    AppendValue(h, v);
  }
  if (!keep_alive)
    h += "\r\nConnection: close";
  else if (version < 11)
    h += "\r\nConnection: keep-alive";
  if (!no_content) {
    h += "\r\nContent-Length: ";
    h += std::to_string(content_length);
  }
  h += "\r\n\r\n";
  return h;
}

}  // namespace baton::http
