// Throttling of failed password checks (issue 12). A wrong password costs a PBKDF2 hash (about
// 0.25 s of a core), so a stream of them would take the CPU from everyone; AWX has no limit.
// Every password check that must hash takes a token from three buckets: the (user, address)
// pair, the client address, and the user across all addresses. An empty bucket answers 429
// with Retry-After before anything is hashed; a successful check gives its tokens back and
// marks the address as known for that user, which then skips the user-wide bucket (an attacker
// elsewhere cannot lock the user out of the addresses they log in from). Correct passwords that
// were verified before never reach the throttle (api/auth.cpp keeps them verified).
#pragma once
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"

namespace baton::api {

struct TokenBucketPolicy {
  double burst = 0;       // tokens when full
  double per_second = 0;  // refill rate
};

struct AuthThrottleLimits {
  TokenBucketPolicy user_address{5, 0.2};  // 5 attempts, then one every 5 s
  TokenBucketPolicy address{10, 0.2};      // one address, whatever usernames it tries
  TokenBucketPolicy user{30, 0.5};         // one username, from addresses not known for it
  Micros known_address_for = int64_t{30} * 24 * 3600 * 1000000;  // after a success
  size_t max_keys = 100000;  // memory bound: full buckets are forgotten first
};

class AuthThrottle {
 public:
  explicit AuthThrottle(AuthThrottleLimits limits = {}) : limits_(limits) {}

  // Seconds until a password check for `user` from `address` may run (0: now), reserving a
  // token in each bucket when it may.
  int Acquire(std::string_view user, std::string_view address, Micros now);
  // Like Acquire without taking anything (a cheap pre-check before queueing a slow check).
  int Peek(std::string_view user, std::string_view address, Micros now);
  // The check succeeded: its tokens come back and the address becomes known for the user.
  void Succeeded(std::string_view user, std::string_view address, Micros now);
  // How many checks `address` has had and not yet earned back (0 for a quiet address): the
  // order in which queued password checks run, so an attack waits behind everyone else.
  int Pressure(std::string_view address, Micros now);

 private:
  struct Bucket {
    double tokens = 0;
    Micros at = 0;
    Micros known_until = 0;  // (user, address) buckets: a success was seen from here
  };
  Bucket& Get(const std::string& key, const TokenBucketPolicy& p, Micros now);
  int Wait(const Bucket& b, const TokenBucketPolicy& p) const;
  int Check(std::string_view user, std::string_view address, Micros now, bool take);
  void Prune(Micros now);

  AuthThrottleLimits limits_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace baton::api
