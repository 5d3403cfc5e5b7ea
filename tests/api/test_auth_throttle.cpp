// Failed password checks are throttled per (user, address), per address and per user (issue 12;
// AWX has no such limit, docs/compat.md): 429 with Retry-After before anything is hashed, while
// correct passwords verified before, and users at their known addresses, keep getting in.
#include "harness.hpp"

#include "core/crypto.hpp"

namespace baton::testing {
namespace {

std::string Basic(const std::string& user, const std::string& pw) {
  return "Basic " + Base64Encode(user + ":" + pw);
}

void SetPassword(Api& api, const std::string& user, const std::string& pw) {
  int64_t id =
      api.Get("/api/v2/me/").As(user).Expect(200).results()[0].as_object().at("id").as_int64();
  api.Patch("/api/v2/users/" + std::to_string(id) + "/", json::object{{"password", pw}})
      .Expect(200);
}

Resp Me(Api& api, const std::string& user, const std::string& pw, const std::string& from) {
  return api.Get("/api/v2/me/")
      .Anonymous()
      .Header("Authorization", Basic(user, pw))
      .From(from)
      .Send();
}

TEST(AuthThrottle, WrongBasicPasswordsGet429WithRetryAfter) {
  Api api;
  api.User("victim");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(Me(api, "victim", "wrong" + std::to_string(i), "10.1.1.1").status, 401);
  Resp r = Me(api, "victim", "wrong-again", "10.1.1.1");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.Header("Retry-After"), "5");
  EXPECT_EQ(r["detail"], "Request was throttled. Expected available in 5 seconds.");
  // The same address cannot try the right password either until it waits...
  EXPECT_EQ(Me(api, "victim", Api::kPassword, "10.1.1.1").status, 429);
  // ...but the user can from elsewhere, and anonymous views stay open to the throttled client.
  EXPECT_EQ(Me(api, "victim", Api::kPassword, "10.2.2.2").status, 200);
  api.Get("/api/v2/ping/")
      .Anonymous()
      .Header("Authorization", Basic("victim", "x"))
      .From("10.1.1.1")
      .Expect(200);
}

TEST(AuthThrottle, AVerifiedPasswordIsNeverThrottled) {
  Api api;
  api.User("alice");
  EXPECT_EQ(Me(api, "alice", Api::kPassword, "10.1.1.1").status, 200);
  for (int i = 0; i < 40; ++i) Me(api, "alice", "guess" + std::to_string(i), "10.1.1.1");
  EXPECT_EQ(Me(api, "alice", "guess-more", "10.1.1.1").status, 429);
  EXPECT_EQ(Me(api, "alice", Api::kPassword, "10.1.1.1").status, 200);
  // A changed password is verified again (and the old one refused, not served from memory).
  SetPassword(api, "alice", "n3w-Passw0rd");
  EXPECT_EQ(Me(api, "alice", "n3w-Passw0rd", "10.3.3.3").status, 200);
  EXPECT_NE(Me(api, "alice", Api::kPassword, "10.3.3.3").status, 200);
}

TEST(AuthThrottle, OneAddressTryingManyUsersIsThrottled) {
  Api api;
  api.User("real");
  int throttled = 0;
  for (int i = 0; i < 40; ++i)
    if (Me(api, "nobody" + std::to_string(i), "pw", "10.9.9.9").status == 429) ++throttled;
  EXPECT_EQ(throttled, 30);  // 10 attempts per address, unknown usernames included
  EXPECT_EQ(Me(api, "real", Api::kPassword, "10.9.9.9").status, 429);
  EXPECT_EQ(Me(api, "real", Api::kPassword, "10.8.8.8").status, 200);
}

TEST(AuthThrottle, ManyAddressesAgainstOneUserSpareItsKnownAddress) {
  Api api;
  api.User("bob");
  EXPECT_EQ(Me(api, "bob", Api::kPassword, "10.0.0.1").status, 200);
  for (int i = 0; i < 40; ++i) Me(api, "bob", "guess", "10.5.0." + std::to_string(i));
  // Strangers now wait before any new guess is checked...
  EXPECT_EQ(Me(api, "bob", "one-more-guess", "10.6.0.1").status, 429);
  // ...bob's own address does not, even for a password not verified before (it changed).
  SetPassword(api, "bob", "Other-pw-1");
  EXPECT_EQ(Me(api, "bob", "Other-pw-1", "10.6.0.2").status, 429);  // not checked yet
  EXPECT_EQ(Me(api, "bob", "Other-pw-1", "10.0.0.1").status, 200);
  EXPECT_EQ(Me(api, "bob", "Other-pw-1", "10.6.0.2").status, 200);  // verified now
}

TEST(AuthThrottle, LoginFormIsThrottledToo) {
  Api api;
  Resp root = api.Get("/api/").Anonymous().Expect(200);
  std::string cookie = root.Header("Set-Cookie");
  std::string csrf = cookie.substr(10, cookie.find(';') - 10);
  auto login = [&](const std::string& pw) {
    return api.PostRaw("/api/login/", "username=admin&password=" + pw + "&next=/api/")
        .Anonymous()
        .ContentType("application/x-www-form-urlencoded")
        .Header("Cookie", "csrftoken=" + csrf)
        .Header("X-CSRFToken", csrf)
        .From("10.4.4.4")
        .Send();
  };
  api.Get("/api/v2/me/").Expect(200);  // the admin's password is verified once
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login("wrong").status, 401);
  Resp r = login("wrong");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), "5");
  EXPECT_NE(r.body.find("Request was throttled. Expected available in 5 seconds."),
            std::string::npos);
  // The admin's password, verified before, still logs in.
  EXPECT_EQ(login(Api::kPassword).status, 302);
}

}  // namespace
}  // namespace baton::testing
