// Response bodies of every size arrive whole, over HTTP and HTTPS, from both write paths (a
// serialized string body and a shared cached body), on keep-alive connections, for HEAD, and to
// slow readers. Regression for issue 12: over HTTPS every body larger than one TLS record
// (16 KB) arrived as headers only (Beast 1.81's ssl_stream wrapper ended the write after the
// header when the next buffer was larger than its 16 KB flattening limit).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "app/tls.hpp"
#include "core/crypto.hpp"
#include "http/server.hpp"

namespace baton::http {
namespace {

// One client connection, plain or TLS, that reads answers by their Content-Length.
class Conn {
 public:
  Conn(unsigned short port, SSL_CTX* tls, int rcvbuf = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (ok_ && tls) {
      ssl_ = SSL_new(tls);
      SSL_set_fd(ssl_, fd_);
      ok_ = SSL_connect(ssl_) == 1;
    }
  }
  ~Conn() {
    if (ssl_) SSL_free(ssl_);
    close(fd_);
  }
  bool ok() const { return ok_; }
  void Send(const std::string& s) {
    if (ssl_)
      SSL_write(ssl_, s.data(), static_cast<int>(s.size()));
    else
      send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
  }
  // Reads up to `max` bytes; 0 on EOF, timeout or error.
  size_t ReadSome(char* buf, size_t max) {
    if (ssl_) {
      int n = SSL_read(ssl_, buf, static_cast<int>(max));
      return n > 0 ? static_cast<size_t>(n) : 0;
    }
    ssize_t n = recv(fd_, buf, max, 0);
    return n > 0 ? static_cast<size_t>(n) : 0;
  }
  struct Answer {
    std::string head;
    std::string body;
    size_t content_length = 0;
  };
  // One answer: the head, then Content-Length bytes of body (none when `head_only`). Reads at
  // most `chunk` bytes at a time and sleeps `pause` after every `chunk` bytes (a slow reader).
  std::optional<Answer> Read(bool head_only = false, size_t chunk = 1 << 16,
                             std::chrono::milliseconds pause = {}) {
    Answer a;
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(chunk)) return std::nullopt;
    }
    a.head = pending_.substr(0, end + 4);
    pending_.erase(0, end + 4);
    size_t cl = a.head.find("Content-Length: ");
    if (cl == std::string::npos) return std::nullopt;
    a.content_length = std::stoul(a.head.substr(cl + 16));
    size_t want = head_only ? 0 : a.content_length;
    a.body.reserve(want);
    size_t next_pause = chunk;
    while (a.body.size() + pending_.size() < want) {
      a.body += pending_;
      pending_.clear();
      if (pause.count() && a.body.size() >= next_pause) {
        std::this_thread::sleep_for(pause);
        next_pause += chunk;
      }
      if (!Fill(chunk)) return std::nullopt;
    }
    size_t take = want - a.body.size();
    a.body += pending_.substr(0, take);
    pending_.erase(0, take);
    return a;
  }
  // True when the peer closed the connection (nothing more to read).
  bool Closed() { return pending_.empty() && !Fill(4096); }

 private:
  bool Fill(size_t chunk) {
    std::string buf(chunk, '\0');
    size_t n = ReadSome(buf.data(), chunk);
    if (n == 0) return false;
    pending_.append(buf.data(), n);
    return true;
  }
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool ok_ = false;
  std::string pending_;
};

// The body the handler answers for "/<size>/<shared|string>/": `size` bytes, a recognizable
// pattern ending in a marker so that a truncated or shifted body cannot pass.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 977) % 26);
  return s;
}

struct Mode {
  bool tls;
  const char* name;
};
void PrintTo(const Mode& m, std::ostream* os) {
  *os << m.name;
}

class Bodies : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.idle_timeout_seconds = idle_timeout_;
    if (GetParam().tls) {
      dir_ = std::filesystem::temp_directory_path() / ("tls-bodies-" + RandomAlnum(8));
      auto [cert, key] = app::EnsureSelfSigned(dir_.string());
      o.tls_cert_file = cert;
      o.tls_key_file = key;
      ctx_ = SSL_CTX_new(TLS_client_method());
    }
    server_ = std::make_unique<Server>(o, [](Request&& req, Done done) {
      // path: /<size>/<shared|string>/
      size_t a = req.path.find('/', 1);
      size_t n = std::stoul(req.path.substr(1, a - 1));
      Response r;
      r.Set("X-Size", std::to_string(n));
      if (req.path.find("/shared/") != std::string::npos)
        r.shared_body = std::make_shared<const std::string>(Pattern(n));
      else
        r.body = Pattern(n);
      done(std::move(r));
    });
    port_ = server_->Listen();
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    server_->Shutdown(1000);
    thread_.join();
    if (ctx_) SSL_CTX_free(ctx_);
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  static std::string Get(size_t size, const char* kind, const char* method = "GET") {
    return std::string(method) + " /" + std::to_string(size) + "/" + kind +
           "/ HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  void ExpectWhole(Conn& c, size_t size, const char* kind) {
    c.Send(Get(size, kind));
    auto a = c.Read();
    ASSERT_TRUE(a) << size << " " << kind << ": no complete answer";
    EXPECT_EQ(a->head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << a->head;
    EXPECT_EQ(a->content_length, size);
    ASSERT_EQ(a->body.size(), size) << kind;
    EXPECT_TRUE(a->body == Pattern(size)) << size << " " << kind << ": body differs";
  }

  int idle_timeout_ = 5;
  std::filesystem::path dir_;
  SSL_CTX* ctx_ = nullptr;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  unsigned short port_ = 0;
};

// 0 B, 1 B, one TLS record +- 1, 1 MB and 20 MB (the size of a large job's stdout), each on a
// connection of its own, from both write paths.
TEST_P(Bodies, EverySizeArrivesWhole) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{16383}, size_t{16384}, size_t{16385},
                      size_t{1} << 20, size_t{20} << 20}) {
    for (const char* kind : {"string", "shared"}) {
      Conn c(port_, ctx_);
      ASSERT_TRUE(c.ok());
      ExpectWhole(c, size, kind);
    }
  }
}

// Several requests, of mixed sizes and both paths, on one keep-alive connection.
TEST_P(Bodies, KeepAliveCarriesSeveralAnswers) {
  Conn c(port_, ctx_);
  ASSERT_TRUE(c.ok());
  for (size_t size :
       {size_t{100}, size_t{40000}, size_t{0}, size_t{16385}, size_t{300000}, size_t{5}})
    for (const char* kind : {"string", "shared"}) ExpectWhole(c, size, kind);
}

// HEAD: the length of the GET body and no body; the connection stays usable.
TEST_P(Bodies, HeadSendsTheLengthAndNoBody) {
  Conn c(port_, ctx_);
  ASSERT_TRUE(c.ok());
  for (const char* kind : {"string", "shared"}) {
    c.Send(Get(50000, kind, "HEAD"));
    auto a = c.Read(/*head_only=*/true);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->content_length, 50000u);
    ExpectWhole(c, 20000, kind);  // the next answer starts right after the head
  }
}

class ShortIdleTimeout : public Bodies {
 protected:
  void SetUp() override {
    idle_timeout_ = 1;
    Bodies::SetUp();
  }
};

// A reader that takes its time gets the whole body, even when the transfer takes longer than the
// idle timeout: the timeout limits a stall, not a transfer. 16 MB read 256 KB every 40 ms into a
// fixed 256 KB socket buffer: the kernel buffers at most a few MB of it, so the server's write
// lasts well past the 1 s timeout.
TEST_P(ShortIdleTimeout, SlowReaderGetsEverything) {
  const size_t size = size_t{16} << 20, chunk = 256 << 10;
  for (const char* kind : {"string", "shared"}) {
    Conn c(port_, ctx_, /*rcvbuf=*/static_cast<int>(chunk));
    ASSERT_TRUE(c.ok());
    c.Send(Get(size, kind));
    auto start = std::chrono::steady_clock::now();
    auto a = c.Read(false, chunk, std::chrono::milliseconds(40));
    ASSERT_TRUE(a) << kind;
    EXPECT_TRUE(a->body == Pattern(size)) << kind;
    ASSERT_GT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
  }
}

// A reader that stops reading is dropped after the idle timeout; the server goes on serving.
TEST_P(ShortIdleTimeout, IsDisconnectedAndTheServerGoesOn) {
  Conn stalled(port_, ctx_, /*rcvbuf=*/4096);
  ASSERT_TRUE(stalled.ok());
  stalled.Send(Get(20 << 20, "string"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  Conn other(port_, ctx_);
  ASSERT_TRUE(other.ok());
  ExpectWhole(other, 100, "shared");
  // The stalled connection was cut: reading on finds its end long before 20 MB.
  size_t got = 0;
  char buf[65536];
  size_t n;
  while ((n = stalled.ReadSome(buf, sizeof buf)) > 0) got += n;
  EXPECT_LT(got, size_t{20} << 20);
}

INSTANTIATE_TEST_SUITE_P(Transports, Bodies,
                         ::testing::Values(Mode{false, "http"}, Mode{true, "https"}),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(Transports, ShortIdleTimeout,
                         ::testing::Values(Mode{false, "http"}, Mode{true, "https"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace baton::http
