#include "api/auth_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace baton::api {
namespace {

std::string Key(char kind, std::string_view a, std::string_view b = {}) {
  std::string k(1, kind);
  k += a;
  k += '\n';
  k += b;
  return k;
}

}  // namespace

AuthThrottle::Bucket& AuthThrottle::Get(const std::string& key, const TokenBucketPolicy& p,
                                        Micros now) {
  auto [it, fresh] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = p.burst;
  } else if (now > b.at) {
    b.tokens = std::min(p.burst, b.tokens + p.per_second * static_cast<double>(now - b.at) / 1e6);
  }
  b.at = std::max(b.at, now);
  return b;
}

int AuthThrottle::Wait(const Bucket& b, const TokenBucketPolicy& p) const {
  if (b.tokens >= 1.0) return 0;
  if (p.per_second <= 0) return 3600;
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / p.per_second)));
}

int AuthThrottle::Check(std::string_view user, std::string_view address, Micros now, bool take) {
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() > limits_.max_keys) Prune(now);
  Bucket& pair = Get(Key('p', user, address), limits_.user_address, now);
  Bucket& addr = Get(Key('a', address), limits_.address, now);
  bool known = pair.known_until > now;
  Bucket* by_user = known ? nullptr : &Get(Key('u', user), limits_.user, now);
  int wait = std::max(Wait(pair, limits_.user_address), Wait(addr, limits_.address));
  if (by_user) wait = std::max(wait, Wait(*by_user, limits_.user));
  if (wait == 0 && take) {
    pair.tokens -= 1;
    addr.tokens -= 1;
    if (by_user) by_user->tokens -= 1;
  }
  return wait;
}

int AuthThrottle::Acquire(std::string_view user, std::string_view address, Micros now) {
  return Check(user, address, now, true);
}

int AuthThrottle::Peek(std::string_view user, std::string_view address, Micros now) {
  return Check(user, address, now, false);
}

void AuthThrottle::Succeeded(std::string_view user, std::string_view address, Micros now) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& pair = Get(Key('p', user, address), limits_.user_address, now);
  pair.tokens = limits_.user_address.burst;
  pair.known_until = now + limits_.known_address_for;
  Bucket& addr = Get(Key('a', address), limits_.address, now);
  addr.tokens = std::min(limits_.address.burst, addr.tokens + 1);
  Bucket& by_user = Get(Key('u', user), limits_.user, now);
  by_user.tokens = std::min(limits_.user.burst, by_user.tokens + 1);
}

int AuthThrottle::Pressure(std::string_view address, Micros now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(Key('a', address));
  if (it == buckets_.end()) return 0;
  const Bucket& b = Get(it->first, limits_.address, now);
  return static_cast<int>(limits_.address.burst - b.tokens);
}

void AuthThrottle::Prune(Micros now) {
  // Forget what would be full again and carries no known address; if that is not enough (an
  // attack from very many addresses), forget everything but the known addresses.
  auto policy = [&](const std::string& key) -> const TokenBucketPolicy& {
    return key[0] == 'p' ? limits_.user_address : key[0] == 'a' ? limits_.address : limits_.user;
  };
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const TokenBucketPolicy& p = policy(it->first);
    double refilled =
        it->second.tokens + p.per_second * static_cast<double>(now - it->second.at) / 1e6;
    if (refilled >= p.burst && it->second.known_until <= now)
      it = buckets_.erase(it);
    else
      ++it;
  }
  if (buckets_.size() <= limits_.max_keys / 2) return;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (it->second.known_until <= now)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

}  // namespace baton::api
