#include "api/auth.hpp"

#include <mutex>
#include <unordered_map>

#include "core/crypto.hpp"

namespace baton::api {
namespace {

struct Verified {
  int64_t user_id;
  std::string stored_hash;  // the password hash the verification was made against
};

std::mutex g_mu;
std::unordered_map<std::string, Verified> g_verified;  // username\n sha256(password)

std::string CacheKey(const std::string& user, const std::string& pw) {
  return user + "\n" + Sha256Hex(pw);
}

bool ParseBasic(std::string_view header, std::string& user, std::string& pw) {
  if (header.size() < 6) return false;
  std::string scheme(header.substr(0, 6));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "basic ") return false;
  std::string decoded;
  std::string_view b64 = header.substr(6);
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  if (!Base64Decode(b64, decoded)) return false;
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  user = decoded.substr(0, colon);
  pw = decoded.substr(colon + 1);
  return true;
}

}  // namespace

int64_t CheckPassword(store::Connection& db, const std::string& username,
                      const std::string& password) {
  auto rows = db.Query("SELECT id, password FROM users WHERE username = ?", {username});
  if (rows.empty()) {
    // As Django does: an unknown username costs the same hash, so the answer's time does not
    // tell which usernames exist.
    static const std::string dummy =
        HashPassword("baton-unknown-user", DefaultPasswordIterations());
    VerifyPassword(password, dummy);
    return 0;
  }
  std::string stored = store::AsString(rows.rows[0][1]);
  if (stored.empty() || !VerifyPassword(password, stored)) return 0;
  int64_t id = store::AsInt(rows.rows[0][0]);
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_verified.size() > 10000) g_verified.clear();
  g_verified[CacheKey(username, password)] = Verified{id, stored};
  return id;
}

void ForgetVerifiedPasswords(int64_t user_id) {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto it = g_verified.begin(); it != g_verified.end();) {
    if (it->second.user_id == user_id)
      it = g_verified.erase(it);
    else
      ++it;
  }
}

namespace {

// The user id of a password verified before against the stored hash, or 0.
int64_t VerifiedBefore(store::Connection& db, const std::string& user, const std::string& pw) {
  auto rows = db.Query("SELECT id, password FROM users WHERE username = ?", {user});
  if (rows.empty()) return 0;
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_verified.find(CacheKey(user, pw));
  if (it != g_verified.end() && it->second.stored_hash == store::AsString(rows.rows[0][1]))
    return it->second.user_id;
  return 0;
}

}  // namespace

LoginCheck CheckLogin(store::Connection& db, const std::string& username,
                      const std::string& password, std::string_view address, Micros now,
                      AuthThrottle* throttle) {
  LoginCheck out;
  out.user_id = VerifiedBefore(db, username, password);
  if (out.user_id) return out;
  if (throttle) out.retry_after = throttle->Acquire(username, address, now);
  if (out.retry_after) return out;
  out.user_id = CheckPassword(db, username, password);
  if (out.user_id && throttle) throttle->Succeeded(username, address, now);
  return out;
}

std::string ThrottledDetail(int retry_after) {
  return "Request was throttled. Expected available in " + std::to_string(retry_after) +
         (retry_after == 1 ? " second." : " seconds.");
}

AuthOutcome Authenticate(store::Connection& db, const http::Request& req, Micros now,
                         bool allow_slow, AuthThrottle* throttle) {
  AuthOutcome out;
  std::string_view authz = req.Header("authorization");
  if (authz.size() > 7) {
    std::string scheme(authz.substr(0, 7));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme == "bearer ") {
      std::string_view tok = authz.substr(7);
      while (!tok.empty() && tok.front() == ' ') tok.remove_prefix(1);
      auto rows = db.Query("SELECT user_id, scope, expires FROM tokens WHERE token_hash = ?",
                           {Sha256Hex(tok)});
      if (!rows.empty() && store::AsString(rows.rows[0][2]) > FormatIso(now)) {
        out.caller = LoadCaller(db, store::AsInt(rows.rows[0][0]));
        out.caller.read_only_token =
            store::AsString(rows.rows[0][1]).find("write") == std::string::npos;
        out.method = AuthMethod::kBearer;
      }
      return out;  // an unknown token leaves the request anonymous
    }
  }
  std::string user, pw;
  if (!authz.empty() && ParseBasic(authz, user, pw)) {
    out.method = AuthMethod::kBasic;
    if (!allow_slow) {
      // On the I/O thread: only what costs no hash. The throttle's token is taken here, so a
      // throttled client is answered at once and its attempts never queue in front of others'.
      if (int64_t id = VerifiedBefore(db, user, pw)) {
        out.caller = LoadCaller(db, id);
        return out;
      }
      // Known username or not, the same check follows (CheckPassword), so neither the answer
      // nor its time tells which usernames exist.
      int wait = throttle ? throttle->Acquire(user, req.remote, now) : 0;
      if (wait)
        out.retry_after = wait;
      else
        out.needs_slow = true;
      return out;
    }
    // Off the I/O thread, after the pass above took the throttle's token.
    int64_t id = CheckPassword(db, user, pw);
    if (id) {
      if (throttle) throttle->Succeeded(user, req.remote, now);
      out.caller = LoadCaller(db, id);
    } else {
      out.bad_basic = true;
    }
    return out;
  }
  std::string session = req.Cookie("awx_sessionid");
  if (!session.empty()) {
    auto rows =
        db.Query("SELECT user_id, expires FROM sessions WHERE key_hash = ?", {Sha256Hex(session)});
    if (!rows.empty() && store::AsString(rows.rows[0][1]) > FormatIso(now)) {
      out.caller = LoadCaller(db, store::AsInt(rows.rows[0][0]));
      out.method = AuthMethod::kSession;
    }
  }
  return out;
}

std::pair<int64_t, std::string> CreateToken(store::Connection& db, int64_t user_id,
                                            const std::string& description,
                                            const std::string& scope, Micros now) {
  std::string raw = RandomAlnum(30);
  Micros expires = now + int64_t{31536000000} * 1000000;  // AWX: effectively forever
  int64_t id = db.Insert(
      "INSERT INTO tokens (user_id, description, scope, token_hash, expires, created, modified) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {user_id, description, scope, Sha256Hex(raw),
       FormatIso(std::min<Micros>(expires, int64_t{253402300799} * 1000000)), FormatIso(now),
       FormatIso(now)});
  return {id, raw};
}

std::string CreateSession(store::Connection& db, int64_t user_id, Micros now, int timeout_s) {
  std::string raw = RandomAlnum(40);
  db.Exec("INSERT INTO sessions (key_hash, user_id, expires) VALUES (?, ?, ?)",
          {Sha256Hex(raw), user_id, FormatIso(now + int64_t{timeout_s} * 1000000)});
  return raw;
}

void DeleteSession(store::Connection& db, const std::string& raw_key) {
  db.Exec("DELETE FROM sessions WHERE key_hash = ?", {Sha256Hex(raw_key)});
}

}  // namespace baton::api
