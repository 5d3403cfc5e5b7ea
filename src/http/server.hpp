// HTTP/1.1 (and HTTPS) server on Boost.Beast: one io_context per thread, each with its own
// SO_REUSEPORT acceptor. Enforces the body limit (413), header limit, malformed requests (400)
// and idle timeouts itself, and shuts down gracefully. The heavy Beast templates live only in
// server.cpp.
#pragma once
#include <memory>
#include <string>

#include "http/message.hpp"

namespace baton::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8013;  // 0 = pick a free port
  int threads = 2;
  size_t body_limit = 1 << 20;
  int idle_timeout_seconds = 60;
  std::string tls_cert_file;  // both set = HTTPS
  std::string tls_key_file;
};

class Server {
 public:
  Server(ServerOptions opts, Handler handler);
  ~Server();
  // Binds the listening sockets; returns the bound port. Throws on failure.
  unsigned short Listen();
  // Runs the I/O threads until Shutdown() completes. Blocks the caller.
  void Run();
  // Stops accepting, lets in-flight requests finish (up to `grace_ms`), then stops. Thread-safe.
  void Shutdown(int grace_ms = 5000);

  struct Impl;  // public so that sessions in server.cpp can reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::http
