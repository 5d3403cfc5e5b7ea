// Receivers on 127.0.0.1 for tests of outgoing HTTP and SMTP: each runs one thread, records what
// it received, and stops (joining its thread) in the destructor. Header-only; used by unit and API
// tests.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace baton::testing_receivers {

// Listening socket on a free loopback port.
inline int ListenLoopback(unsigned short& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(fd, 16);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

// Accept loop that polls so the destructor can stop it.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(int)> serve) : serve_(std::move(serve)) {
    fd_ = ListenLoopback(port_);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        timeval tv{5, 0};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        serve_(c);
        close(c);
      }
    });
  }
  ~LoopbackServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  unsigned short port() const { return port_; }

 private:
  std::function<void(int)> serve_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

inline void SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? "" : it->second;
  }
};

// HTTP/1.1 receiver: one request per connection, answers with the next queued status (default
// 200, body "ok") and Connection: close.
class HttpReceiver {
 public:
  HttpReceiver() : server_([this](int c) { Serve(c); }) {}
  unsigned short port() const { return server_.port(); }
  std::string Url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  // Statuses for the next requests, in order; afterwards 200.
  void QueueStatuses(std::vector<int> statuses) {
    std::lock_guard lk(mu_);
    for (int s : statuses) statuses_.push_back(s);
  }
  // Body of the successful (< 300) answers (default "ok").
  void SetOkBody(std::string body) {
    std::lock_guard lk(mu_);
    ok_body_ = std::move(body);
  }
  std::vector<RecordedRequest> Requests() const {
    std::lock_guard lk(mu_);
    return requests_;
  }
  size_t Count() const {
    std::lock_guard lk(mu_);
    return requests_.size();
  }
  // Waits (bounded, 10 s) until at least n requests arrived.
  bool WaitFor(size_t n) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, std::chrono::seconds(10), [&] { return requests_.size() >= n; });
  }

 private:
  void Serve(int c) {
    std::string in;
    char buf[8192];
    size_t header_end = std::string::npos;
    while (header_end == std::string::npos) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      header_end = in.find("\r\n\r\n");
    }
    RecordedRequest r;
    std::string head = in.substr(0, header_end);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    r.method = first.substr(0, sp1);
    r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        size_t v = line.find_first_not_of(' ', colon + 1);
        r.headers[name] = v == std::string::npos ? "" : line.substr(v);
      }
      pos = e + 2;
    }
    size_t length = 0;
    if (auto cl = r.Header("content-length"); !cl.empty()) length = std::stoul(cl);
    r.body = in.substr(header_end + 4);
    while (r.body.size() < length) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      r.body.append(buf, static_cast<size_t>(n));
    }
    int status = 200;
    std::string body;
    {
      std::lock_guard lk(mu_);
      if (!statuses_.empty()) {
        status = statuses_.front();
        statuses_.pop_front();
      }
      body = status < 300 ? ok_body_ : "failing on purpose";
      // Recorded before answering: a client that got the answer finds its request here
      // (regression: HttpClient tests read an empty list now and then).
      requests_.push_back(std::move(r));
    }
    cv_.notify_all();
    SendAll(c, "HTTP/1.1 " + std::to_string(status) +
                   " X\r\nContent-Type: text/plain\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> statuses_;
  std::string ok_body_ = "ok";
  std::vector<RecordedRequest> requests_;
  LoopbackServer server_;  // last: starts after the members it uses exist
};

struct RecordedMail {
  std::string from;
  std::vector<std::string> rcpt;
  std::string data;  // the message as sent (headers and body), without the final "."
};

// A minimal SMTP sink: EHLO/HELO, AUTH (accepted), MAIL, RCPT, DATA, RSET, NOOP, QUIT.
class SmtpReceiver {
 public:
  SmtpReceiver() : server_([this](int c) { Serve(c); }) {}
  unsigned short port() const { return server_.port(); }
  std::vector<RecordedMail> Mails() const {
    std::lock_guard lk(mu_);
    return mails_;
  }
  bool WaitFor(size_t n) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, std::chrono::seconds(10), [&] { return mails_.size() >= n; });
  }

 private:
  static bool ReadLine(int c, std::string& buf, std::string& line) {
    char tmp[4096];
    for (;;) {
      size_t e = buf.find("\r\n");
      if (e != std::string::npos) {
        line = buf.substr(0, e);
        buf.erase(0, e + 2);
        return true;
      }
      ssize_t n = recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<size_t>(n));
    }
  }
  void Serve(int c) {
    SendAll(c, "220 localhost ESMTP test sink\r\n");
    std::string buf, line;
    RecordedMail m;
    while (ReadLine(c, buf, line)) {
      std::string up = line.substr(0, 4);
      for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (up == "EHLO") {
        SendAll(c, "250-localhost\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
      } else if (up == "HELO") {
        SendAll(c, "250 localhost\r\n");
      } else if (up == "AUTH") {
        SendAll(c, "235 2.7.0 Authentication successful\r\n");
      } else if (up == "MAIL") {
        m = RecordedMail{};
        m.from = line.substr(line.find(':') + 1);
        SendAll(c, "250 OK\r\n");
      } else if (up == "RCPT") {
        m.rcpt.push_back(line.substr(line.find(':') + 1));
        SendAll(c, "250 OK\r\n");
      } else if (up == "DATA") {
        SendAll(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
        std::string data;
        while (ReadLine(c, buf, line) && line != ".") data += line + "\r\n";
        m.data = data;
        SendAll(c, "250 OK queued\r\n");
        {
          std::lock_guard lk(mu_);
          mails_.push_back(m);
        }
        cv_.notify_all();
      } else if (up == "QUIT") {
        SendAll(c, "221 Bye\r\n");
        return;
      } else {
        SendAll(c, "250 OK\r\n");
      }
    }
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RecordedMail> mails_;
  LoopbackServer server_;
};

}  // namespace baton::testing_receivers
