// The Beast server over real loopback sockets: limits, malformed input, pipelining, HEAD,
// asynchronous handlers, graceful shutdown, TLS.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "app/tls.hpp"
#include "core/crypto.hpp"
#include "http/server.hpp"

namespace baton::http {
namespace {

int Connect(unsigned short port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Sends raw bytes and reads until the peer closes (or the timeout).
std::string Exchange(unsigned short port, const std::string& raw) {
  int fd = Connect(port);
  if (fd < 0) return "";
  send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
  shutdown(fd, SHUT_WR);
  std::string out;
  char buf[8192];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, n);
  close(fd);
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  void Start(Handler h, ServerOptions opts = {}) {
    opts.port = 0;
    opts.threads = 2;
    server_ = std::make_unique<Server>(opts, std::move(h));
    port_ = server_->Listen();
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_) server_->Shutdown(1000);
    if (thread_.joinable()) thread_.join();
  }
  static Handler Echo() {
    return [](Request&& req, Done done) {
      Response r;
      r.body = "{\"method\":\"" + req.method + "\",\"path\":\"" + req.path +
               "\",\"len\":" + std::to_string(req.body.size()) + "}";
      done(std::move(r));
    };
  }
  std::unique_ptr<Server> server_;
  std::thread thread_;
  unsigned short port_ = 0;
};

TEST_F(ServerTest, AnswersAndLowercasesHeaders) {
  std::string seen;
  Start([&seen](Request&& req, Done done) {
    seen = std::string(req.Header("x-custom"));
    Response r;
    r.body = "{}";
    done(std::move(r));
  });
  std::string out = Exchange(
      port_, "GET /api/ HTTP/1.1\r\nHost: x\r\nX-Custom: Yes\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK", 0), 0u) << out;
  EXPECT_EQ(seen, "Yes");
}

TEST_F(ServerTest, OversizeBodyIs413) {
  ServerOptions o;
  o.body_limit = 100;
  Start(Echo(), o);
  std::string body(1000, 'x');
  std::string out = Exchange(port_,
                             "POST /api/v2/x/ HTTP/1.1\r\nHost: x\r\nContent-Type: "
                             "application/json\r\nContent-Length: 1000\r\n\r\n" +
                                 body);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
  EXPECT_NE(out.find("\"detail\""), std::string::npos);
}

TEST_F(ServerTest, MalformedRequestIs400OrClosed) {
  Start(Echo());
  std::string out = Exchange(port_, "GARBAGE\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  // The server keeps serving afterwards.
  std::string ok = Exchange(port_, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(ServerTest, PipelinedRequestsAnswerInOrder) {
  Start(Echo());
  std::string out = Exchange(port_,
                             "GET /one/ HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /two/ HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /three/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  size_t a = out.find("/one/"), b = out.find("/two/"), c = out.find("/three/");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  Start(Echo());
  std::string out = Exchange(port_, "HEAD /h/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: "), std::string::npos);
  EXPECT_EQ(out.find("{\"method\""), std::string::npos) << out;
}

TEST_F(ServerTest, SharedBodiesAreSentWhole) {
  auto big = std::make_shared<const std::string>(std::string(300000, 'x') + "END");
  Start([big](Request&&, Done done) {
    Response r;
    r.shared_body = big;
    r.Set("X-Extra", "1");
    done(std::move(r));
  });
  std::string out = Exchange(
      port_,
      "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 300003\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Extra: 1\r\n"), std::string::npos);
  size_t first = out.find("END");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(out.find("END", first + 3), std::string::npos);  // both pipelined answers complete
  std::string head = Exchange(port_, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.find("END"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 300003"), std::string::npos);
}

TEST_F(ServerTest, HandlersMayAnswerFromAnotherThread) {
  Start([](Request&& req, Done done) {
    std::thread([done = std::move(done)]() mutable {
      Response r;
      r.body = "{\"late\":true}";
      done(std::move(r));
    }).detach();
  });
  std::string out = Exchange(port_, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("{\"late\":true}"), std::string::npos);
}

TEST_F(ServerTest, ShutdownFinishesInFlightRequests) {
  std::atomic<bool> entered{false};
  Start([&entered](Request&&, Done done) {
    entered = true;
    std::thread([done = std::move(done)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      Response r;
      r.body = "{\"finished\":true}";
      done(std::move(r));
    }).detach();
  });
  std::string out;
  std::thread client([&] { out = Exchange(port_, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); });
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->Shutdown(3000);
  client.join();
  EXPECT_NE(out.find("{\"finished\":true}"), std::string::npos) << out;
  thread_.join();
  // No new connections are accepted after shutdown.
  EXPECT_LT(Connect(port_), 0);
}

TEST_F(ServerTest, ServesHttpsWithSelfSignedPair) {
  auto dir = std::filesystem::temp_directory_path() / ("tls-" + RandomAlnum(8));
  auto [cert, key] = app::EnsureSelfSigned(dir.string());
  EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  ServerOptions o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  Start(Echo(), o);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  int fd = Connect(port_);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  ASSERT_EQ(SSL_connect(ssl), 1);
  std::string req = "GET /secure/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  SSL_write(ssl, req.data(), static_cast<int>(req.size()));
  std::string out;
  char buf[4096];
  int n;
  while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) out.append(buf, n);
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  EXPECT_NE(out.find("/secure/"), std::string::npos) << out;
  // The pair is kept: a second call returns the same files.
  EXPECT_EQ(app::EnsureSelfSigned(dir.string()).first, cert);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace baton::http
