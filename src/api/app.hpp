// The AWX v2 API application: takes an HTTP request, authenticates it, routes it to a handler
// and shapes the answer (status, AWX headers, error bodies). Handlers run on the calling thread;
// requests that need a password verification (PBKDF2, slow by design) run on a worker pool.
#pragma once
#include <memory>

#include "api/context.hpp"
#include "api/router.hpp"

namespace baton::api {

class App {
 public:
  App(store::Database& db, Config cfg, const Clock& clock);
  ~App();
  // Async entry point used by the HTTP server.
  void Handle(http::Request&& req, http::Done done);
  // Synchronous variant (in-process tests, and the worker pool).
  http::Response HandleSync(const http::Request& req);
  const Router& router() const;
  const Config& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::api
