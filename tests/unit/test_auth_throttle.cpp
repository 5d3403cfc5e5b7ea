// The throttle of failed password checks (api/auth_throttle.hpp, issue 12), step by step: each
// row is one attempt at a time, with the wait it must be told (0 = the check may run) and
// whether it succeeded.
#include <gtest/gtest.h>

#include <vector>

#include "api/auth_throttle.hpp"

namespace baton::api {
namespace {

constexpr Micros kSecond = 1000000;

struct Step {
  double at_s;
  const char* user;
  const char* address;
  int wait;              // expected answer of Acquire
  bool success = false;  // the check that followed succeeded
};

struct Case {
  const char* name;
  AuthThrottleLimits limits;
  std::vector<Step> steps;
};

AuthThrottleLimits Small() {
  AuthThrottleLimits l;
  l.user_address = {2, 0.5};  // 2, then one every 2 s
  l.address = {4, 1.0};
  l.user = {3, 0.25};
  l.known_address_for = 100 * kSecond;
  return l;
}

class AuthThrottleTable : public ::testing::TestWithParam<Case> {};

TEST_P(AuthThrottleTable, AnswersEachAttempt) {
  const Case& c = GetParam();
  AuthThrottle t(c.limits);
  for (size_t i = 0; i < c.steps.size(); ++i) {
    const Step& s = c.steps[i];
    Micros now = static_cast<Micros>(s.at_s * kSecond);
    EXPECT_EQ(t.Peek(s.user, s.address, now), s.wait) << "peek, step " << i;
    EXPECT_EQ(t.Acquire(s.user, s.address, now), s.wait) << "step " << i;
    if (s.success) t.Succeeded(s.user, s.address, now);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Steps, AuthThrottleTable,
    ::testing::Values(
        Case{"pair_burst_then_refill",
             Small(),
             {{0, "bob", "a1", 0},
              {0, "bob", "a1", 0},
              {0, "bob", "a1", 2},
              {1, "bob", "a1", 1},
              {2, "bob", "a1", 0},
              {2, "bob", "a1", 2}}},
        Case{"success_gives_the_pair_back",
             Small(),
             {{0, "bob", "a1", 0},
              {0, "bob", "a1", 0, true},
              {0, "bob", "a1", 0},
              {0, "bob", "a1", 0},
              {0, "bob", "a1", 2}}},
        Case{"address_limit_across_usernames",
             Small(),
             {{0, "u1", "a1", 0},
              {0, "u2", "a1", 0},
              {0, "u3", "a1", 0},
              {0, "u4", "a1", 0},
              {0, "u5", "a1", 1},
              {0, "u5", "a2", 0}}},
        Case{"user_limit_across_addresses",
             Small(),
             {{0, "bob", "a1", 0},
              {0, "bob", "a2", 0},
              {0, "bob", "a3", 0},
              {0, "bob", "a4", 4},
              {4, "bob", "a4", 0}}},
        Case{"known_address_skips_the_user_limit",
             Small(),
             {{0, "bob", "home", 0, true},  // bob logs in from home once
              {1, "bob", "x1", 0},
              {1, "bob", "x2", 0},
              {1, "bob", "x3", 0},
              {1, "bob", "x4", 4},
              {1, "bob", "home", 0, true},
              {1, "bob", "home", 0}}},
        Case{"known_address_expires",
             Small(),
             {{0, "bob", "home", 0, true},
              {102, "bob", "x1", 0},
              {102, "bob", "x2", 0},
              {102, "bob", "x3", 0},
              {102, "bob", "home", 4}}},
        Case{"no_refill_means_an_hour",
             [] {
               AuthThrottleLimits l = Small();
               l.user_address = {1, 0};
               return l;
             }(),
             {{0, "bob", "a1", 0}, {0, "bob", "a1", 3600}, {1000, "bob", "a1", 3600}}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AuthThrottle, ManyAddressesStayBounded) {
  AuthThrottleLimits l = Small();
  l.max_keys = 1000;
  AuthThrottle t(l);
  t.Succeeded("bob", "home", 0);
  for (int i = 0; i < 20000; ++i) t.Acquire("u" + std::to_string(i), "a" + std::to_string(i), i);
  // The pruning kept bob's known address: his user-wide bucket is still skipped from home.
  for (int i = 0; i < 5; ++i) t.Acquire("bob", "x" + std::to_string(i), 30000);
  EXPECT_EQ(t.Acquire("bob", "home", 30000), 0);
}

}  // namespace
}  // namespace baton::api
