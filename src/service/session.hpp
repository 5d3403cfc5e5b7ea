// What a use case runs with: the connection (and its transaction), who asks, the configuration
// and the time. The HTTP layer's per-request context (api/context.hpp) is a Session plus the
// request; the scheduler's launchers make plain Sessions. Nothing here knows HTTP.
#pragma once
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "rbac/caller.hpp"
#include "store/db.hpp"

namespace baton::service {

struct Config {
  std::string product_version = "21.14.0";  // X-API-Product-Version
  std::string server_version = "21.14.0";   // /api/v2/ping/ and /config/
  std::string data_dir = "./data";
  std::string node_name = "baton";
  std::string install_uuid;
  size_t body_limit = 1 << 20;
  bool auth_throttle = true;  // failed password checks are throttled (api/auth_throttle.hpp)
  int session_timeout_seconds = 1800;
  std::string secret_key;     // 32-byte AES-256-GCM key for secrets at rest (core/secrets.hpp)
  std::string projects_root;  // DATA_DIR/projects when empty
  std::function<void()> wake_dispatcher;  // a job became pending or was asked to cancel
};

struct Session {
  store::Connection& db;
  rbac::Caller caller;
  const Config& cfg;
  Micros now = 0;
  // Set by use cases that made a job pending or asked one to cancel: the dispatcher is woken
  // once the transaction is committed.
  bool wake = false;
  // Set where a result depends on more than the stored data (e.g. the live elapsed time of a
  // running job): the API does not cache such answers.
  bool no_cache = false;
  std::string now_iso() const { return FormatIso(now); }
};

}  // namespace baton::service
