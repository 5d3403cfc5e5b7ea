// Secrets at rest (core/secrets): AES-256-GCM round trip, tamper detection, wrong key, key file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/crypto.hpp"
#include "core/secrets.hpp"

namespace baton {
namespace {

std::string Key() {
  return RandomBytes(kSecretKeySize);
}

// A fresh temporary directory, removed at the end of the test.
struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("baton-secrets-" + RandomAlnum(10));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// BATON_SECRET_KEY set for the scope of one test.
struct EnvKey {
  explicit EnvKey(const std::string& v) { setenv("BATON_SECRET_KEY", v.c_str(), 1); }
  ~EnvKey() { unsetenv("BATON_SECRET_KEY"); }
};

TEST(Secrets, RoundTrip) {
  std::string key = Key();
  for (std::string plain : {std::string(""), std::string("hunter2"), std::string(5000, 'x'),
                            std::string("multi\nline\0bytes", 16), std::string("ünïcødé")}) {
    std::string enc = Encrypt(key, plain);
    EXPECT_TRUE(IsEncrypted(enc));
    EXPECT_EQ(enc.rfind("$encrypted$AESGCM$", 0), 0u);
    if (plain.size() > 3) {
      EXPECT_EQ(enc.find(plain), std::string::npos);
    }
    auto dec = Decrypt(key, enc);
    ASSERT_TRUE(dec.ok());
    EXPECT_EQ(dec.value(), plain);
  }
}

TEST(Secrets, FreshNoncePerEncryption) {
  std::string key = Key();
  EXPECT_NE(Encrypt(key, "same"), Encrypt(key, "same"));
}

TEST(Secrets, TamperingIsDetected) {
  std::string key = Key();
  std::string enc = Encrypt(key, "SUPER-SECRET-VALUE-123");
  std::string raw;
  ASSERT_TRUE(Base64Decode(enc.substr(kEncryptedPrefix.size()), raw));
  // Flip one bit in the nonce, the ciphertext and the tag in turn.
  for (size_t pos : {size_t{0}, size_t{12}, raw.size() - 1}) {
    std::string t = raw;
    t[pos] = static_cast<char>(t[pos] ^ 1);
    EXPECT_FALSE(Decrypt(key, std::string(kEncryptedPrefix) + Base64Encode(t)).ok()) << pos;
  }
  // Truncated, not base64, no prefix.
  EXPECT_FALSE(Decrypt(key, enc.substr(0, enc.size() - 8)).ok());
  EXPECT_FALSE(Decrypt(key, std::string(kEncryptedPrefix) + "!!!!").ok());
  EXPECT_FALSE(Decrypt(key, std::string(kEncryptedPrefix) + Base64Encode("short")).ok());
  EXPECT_FALSE(Decrypt(key, "SUPER-SECRET-VALUE-123").ok());
  EXPECT_FALSE(Decrypt(key, "$encrypted$").ok());
}

TEST(Secrets, WrongKeyFails) {
  std::string enc = Encrypt(Key(), "value");
  EXPECT_FALSE(Decrypt(Key(), enc).ok());
  EXPECT_FALSE(Decrypt("short key", enc).ok());
}

TEST(Secrets, KeyFileCreatedOnceWithMode0600) {
  unsetenv("BATON_SECRET_KEY");
  TempDir dir;
  auto k1 = LoadOrCreateKey(dir.path.string());
  ASSERT_TRUE(k1.ok());
  EXPECT_EQ(k1.value().size(), kSecretKeySize);
  struct stat st {};
  ASSERT_EQ(stat((dir.path / "secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // The same key is read back on the next start.
  auto k2 = LoadOrCreateKey(dir.path.string());
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k1.value(), k2.value());
  auto dec = Decrypt(k2.value(), Encrypt(k1.value(), "persisted"));
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(dec.value(), "persisted");
}

TEST(Secrets, CreatesMissingDataDir) {
  unsetenv("BATON_SECRET_KEY");
  TempDir dir;
  auto k = LoadOrCreateKey((dir.path / "nested" / "data").string());
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path / "nested" / "data" / "secret.key"));
}

TEST(Secrets, CorruptKeyFileIsAnError) {
  unsetenv("BATON_SECRET_KEY");
  TempDir dir;
  std::ofstream(dir.path / "secret.key") << "not a key";
  EXPECT_FALSE(LoadOrCreateKey(dir.path.string()).ok());
}

TEST(Secrets, KeyFromEnvironmentAsHexOrBase64) {
  TempDir dir;
  std::string key = Key();
  static const char* hex = "0123456789abcdef";
  std::string h;
  for (unsigned char c : key) {
    h += hex[c >> 4];
    h += hex[c & 15];
  }
  {
    EnvKey env(h);
    auto k = LoadOrCreateKey(dir.path.string());
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k.value(), key);
  }
  {
    EnvKey env(Base64Encode(key));
    auto k = LoadOrCreateKey(dir.path.string());
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k.value(), key);
  }
  // No key file is written when the environment provides the key.
  EXPECT_FALSE(std::filesystem::exists(dir.path / "secret.key"));
  {
    EnvKey env("too-short");
    EXPECT_FALSE(LoadOrCreateKey(dir.path.string()).ok());
  }
  EXPECT_FALSE(ParseKey(Base64Encode(RandomBytes(16))).ok());
}

TEST(Secrets, DecryptValuesOnlyTouchesTheNamedFields) {
  std::string key = Key();
  std::string enc = Encrypt(key, "pw");
  json::object in{{"username", "bob"}, {"password", enc}, {"note", enc}, {"n", 3}, {"ask", "ASK"}};
  auto out = DecryptValues(key, in, {"password", "ask", "missing"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value().at("password"), "pw");
  EXPECT_EQ(out.value().at("note"), json::value(enc));  // not a secret field: left alone
  EXPECT_EQ(out.value().at("username"), "bob");
  EXPECT_EQ(out.value().at("n"), 3);
  EXPECT_EQ(out.value().at("ask"), "ASK");
  in["password"] = std::string(kEncryptedPrefix) + "garbage";
  EXPECT_FALSE(DecryptValues(key, in, {"password"}).ok());
}

}  // namespace
}  // namespace baton
