#include "notify/http_client.hpp"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <mutex>
#include <random>

namespace baton::notify {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t Collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct Easy {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  curl_slist* rcpt = nullptr;
  ~Easy() {
    if (headers) curl_slist_free_all(headers);
    if (rcpt) curl_slist_free_all(rcpt);
    if (h) curl_easy_cleanup(h);
  }
};

std::string CurlError(CURLcode rc, const char* buf) {
  if (buf && buf[0]) return buf;
  return curl_easy_strerror(rc);
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadUpload(char* out, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  size_t want = std::min(size * n, u->data->size() - u->pos);
  std::memcpy(out, u->data->data() + u->pos, want);
  u->pos += want;
  return want;
}

}  // namespace

HttpResponse SendHttp(const HttpRequest& req) {
  GlobalInit();
  HttpResponse out;
  Easy e;
  if (!e.h) {
    out.error = "could not initialize libcurl";
    return out;
  }
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(e.h, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(e.h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e.h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e.h, CURLOPT_TIMEOUT, req.timeout_s > 0 ? req.timeout_s : 30L);
  curl_easy_setopt(e.h, CURLOPT_CONNECTTIMEOUT, req.timeout_s > 0 ? req.timeout_s : 30L);
  curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYPEER, req.verify_ssl ? 1L : 0L);
  curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYHOST, req.verify_ssl ? 2L : 0L);
  curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &out.body);
  if (req.method == "GET") {
    curl_easy_setopt(e.h, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(e.h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(e.h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(e.h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    if (req.method != "POST") curl_easy_setopt(e.h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  bool has_expect = false;
  for (const auto& [name, value] : req.headers) {
    std::string line = name + ": " + value;
    if (strncasecmp(name.c_str(), "expect", 6) == 0 && name.size() == 6) has_expect = true;
    e.headers = curl_slist_append(e.headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip: receivers (and AWX's requests) never wait for it.
  if (!has_expect) e.headers = curl_slist_append(e.headers, "Expect:");
  curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, e.headers);
  if (!req.username.empty() || !req.password.empty()) {
    curl_easy_setopt(e.h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(e.h, CURLOPT_USERNAME, req.username.c_str());
    curl_easy_setopt(e.h, CURLOPT_PASSWORD, req.password.c_str());
  }
  CURLcode rc = curl_easy_perform(e.h);
  if (rc != CURLE_OK) {
    out.error = CurlError(rc, err);
    out.body.clear();
    return out;
  }
  curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

std::string FormatMail(const MailRequest& req, std::string_view date, std::string_view message_id) {
  std::string m;
  m += "Date: " + std::string(date) + "\r\n";
  m += "From: " + req.sender + "\r\n";
  m += "To: ";
  for (size_t i = 0; i < req.recipients.size(); ++i) m += (i ? ", " : "") + req.recipients[i];
  m += "\r\n";
  m += "Message-ID: <" + std::string(message_id) + ">\r\n";
  std::string subject = req.subject;
  for (char& c : subject)
    if (c == '\r' || c == '\n') c = ' ';
  m += "Subject: " + subject + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  // Body lines end in CRLF; libcurl dot-stuffs lines starting with '.'.
  std::string_view b = req.body;
  size_t start = 0;
  while (start <= b.size()) {
    size_t nl = b.find('\n', start);
    std::string_view line = b.substr(start, nl == std::string_view::npos ? b.npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    m.append(line);
    m += "\r\n";
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return m;
}

std::string SendMail(const MailRequest& req) {
  GlobalInit();
  Easy e;
  if (!e.h) return "could not initialize libcurl";
  std::string url = std::string(req.use_ssl ? "smtps://" : "smtp://") + req.host + ":" +
                    std::to_string(req.port > 0 ? req.port : 25);
  char date[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::mt19937_64 rng{std::random_device{}()};
  std::string msgid = std::to_string(rng()) + "@baton";
  std::string message = FormatMail(req, date, msgid);
  Upload up{&message};

  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(e.h, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(e.h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e.h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(e.h, CURLOPT_TIMEOUT, req.timeout_s > 0 ? req.timeout_s : 30L);
  curl_easy_setopt(e.h, CURLOPT_CONNECTTIMEOUT, req.timeout_s > 0 ? req.timeout_s : 30L);
  if (req.use_tls) curl_easy_setopt(e.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYPEER, req.verify_ssl ? 1L : 0L);
  curl_easy_setopt(e.h, CURLOPT_SSL_VERIFYHOST, req.verify_ssl ? 2L : 0L);
  if (!req.username.empty()) {
    curl_easy_setopt(e.h, CURLOPT_USERNAME, req.username.c_str());
    curl_easy_setopt(e.h, CURLOPT_PASSWORD, req.password.c_str());
  }
  std::string from = "<" + req.sender + ">";
  curl_easy_setopt(e.h, CURLOPT_MAIL_FROM, from.c_str());
  for (const auto& r : req.recipients) e.rcpt = curl_slist_append(e.rcpt, ("<" + r + ">").c_str());
  curl_easy_setopt(e.h, CURLOPT_MAIL_RCPT, e.rcpt);
  curl_easy_setopt(e.h, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(e.h, CURLOPT_READDATA, &up);
  curl_easy_setopt(e.h, CURLOPT_UPLOAD, 1L);
  CURLcode rc = curl_easy_perform(e.h);
  if (rc != CURLE_OK) return CurlError(rc, err);
  return "";
}

}  // namespace baton::notify
