// Authentication of a request: Bearer token, session cookie (+CSRF), HTTP Basic. The Bearer
// header wins over a session cookie; Basic/Bearer requests are never CSRF-checked.
#pragma once
#include <string>

#include "api/auth_throttle.hpp"
#include "api/context.hpp"
#include "service/access.hpp"

namespace baton::api {

using service::LoadCaller;

enum class AuthMethod { kNone, kBasic, kBearer, kSession };

struct AuthOutcome {
  rbac::Caller caller;
  AuthMethod method = AuthMethod::kNone;
  bool bad_basic = false;   // Basic credentials given but wrong
  bool needs_slow = false;  // Basic password must be verified off the I/O thread
  int retry_after = 0;      // > 0: too many failed attempts, answer 429 (auth_throttle.hpp)
};

// Resolves the caller. With `allow_slow` false, a Basic password that is not in the verified
// cache is not checked; `needs_slow` is set instead, after `throttle` (when given) granted the
// check. With `allow_slow` true the password is checked: call it so only after a pass with
// `allow_slow` false set `needs_slow`.
AuthOutcome Authenticate(store::Connection& db, const http::Request& req, Micros now,
                         bool allow_slow, AuthThrottle* throttle = nullptr);

// Tokens: creates one and returns {id, raw token}; raw value is shown only once.
std::pair<int64_t, std::string> CreateToken(store::Connection& db, int64_t user_id,
                                            const std::string& description,
                                            const std::string& scope, Micros now);
// Sessions (cookie awx_sessionid): returns the raw session key.
std::string CreateSession(store::Connection& db, int64_t user_id, Micros now, int timeout_s);
void DeleteSession(store::Connection& db, const std::string& raw_key);

// Verifies a password for username (slow); returns the user id or 0.
int64_t CheckPassword(store::Connection& db, const std::string& username,
                      const std::string& password);

// A password check as a login makes it: a password verified before is accepted at once,
// otherwise the throttle (when given) is asked first and told of a success.
struct LoginCheck {
  int64_t user_id = 0;  // 0: refused
  int retry_after = 0;  // > 0: throttled, nothing was checked
};
LoginCheck CheckLogin(store::Connection& db, const std::string& username,
                      const std::string& password, std::string_view address, Micros now,
                      AuthThrottle* throttle);

// The 429 body of a throttled request (DRF's wording).
std::string ThrottledDetail(int retry_after);
// Forget cached password verifications of a user (after a password change).
void ForgetVerifiedPasswords(int64_t user_id);

}  // namespace baton::api
