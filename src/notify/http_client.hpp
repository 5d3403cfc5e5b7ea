// Outgoing HTTP(S) and SMTP through libcurl: one blocking call per request, safe to call from any
// thread (curl_global_init runs once; every call uses its own easy handle). Used by notification
// delivery and webhook commit-status post-back. Never throws; transport failures come back in
// `error` (curl's message), HTTP statuses in `status` (whatever the server said, 4xx/5xx included).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace baton::notify {

struct HttpRequest {
  std::string method = "POST";  // GET, POST, PUT, PATCH, DELETE, ...
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  std::string username;  // HTTP basic auth when username or password is non-empty
  std::string password;
  bool verify_ssl = true;
  long timeout_s = 30;
};

struct HttpResponse {
  long status = 0;  // 0 when no response arrived
  std::string body;
  std::string error;  // empty when a response arrived
  bool Transported() const { return error.empty(); }
  bool Ok() const { return error.empty() && status >= 200 && status < 300; }
};

HttpResponse SendHttp(const HttpRequest& req);

// One message over SMTP (smtp:// or smtps://). use_tls asks STARTTLS and requires it
// (CURLUSESSL_ALL); use_ssl connects with implicit TLS (smtps://).
struct MailRequest {
  std::string host;
  int port = 25;
  std::string username;
  std::string password;
  bool use_tls = false;
  bool use_ssl = false;
  bool verify_ssl = true;
  long timeout_s = 30;
  std::string sender;
  std::vector<std::string> recipients;
  std::string subject;
  std::string body;
};

// Returns an empty string on success, else the failure (curl's message).
std::string SendMail(const MailRequest& req);

// The RFC 5322 message SendMail transmits (headers, blank line, CRLF body). Pure.
std::string FormatMail(const MailRequest& req, std::string_view date, std::string_view message_id);

}  // namespace baton::notify
