// Plain HTTP request/response values passed between the Beast server and the application.
// Knows nothing of AWX.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target: path plus "?query"
  std::string path;    // percent-encoded path, without the query
  std::string query;   // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote;  // peer address
  bool tls = false;

  // First header with this lower-case name, or "".
  std::string_view Header(std::string_view name) const;
  // A cookie's value from the Cookie header, or "".
  std::string Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, sent instead of `body` without copying (cached answers).
  std::shared_ptr<const std::string> shared_body;
  bool close = false;

  void Set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// Asynchronous handler: must call `done` exactly once, from any thread.
using Done = std::function<void(Response&&)>;
using Handler = std::function<void(Request&&, Done)>;

const char* ReasonPhrase(int status);

// The status line and header block of `r` (ending with the blank line), as the server sends it:
// Server, Content-Type (not for an empty 204), the handler's headers in order, Connection when
// the connection closes (or stays open for an HTTP/1.0 client), then Content-Length (not for
// 204). CR and LF in header values are sent as spaces.
std::string FormatHead(const Response& r, size_t content_length, bool keep_alive, unsigned version);

}  // namespace baton::http
