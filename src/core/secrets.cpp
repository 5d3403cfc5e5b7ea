#include "core/secrets.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "core/crypto.hpp"

namespace baton {
namespace {

constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

Error KeyError(std::string_view msg) {
  return Error::Detail(ErrorCode::kInternal, msg);
}

bool HexDecode(std::string_view in, std::string& out) {
  if (in.size() % 2 != 0) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (size_t i = 0; i < in.size(); i += 2) {
    int hi = nib(in[i]), lo = nib(in[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

Result<std::string> ParseKey(std::string_view text) {
  std::string t = Trim(text);
  std::string out;
  if (t.size() == 2 * kSecretKeySize && HexDecode(t, out)) return out;
  if (Base64Decode(t, out) && out.size() == kSecretKeySize) return out;
  return KeyError("The secret key must be 32 bytes given as base64 or hex.");
}

Result<std::string> LoadOrCreateKey(const std::string& data_dir) {
  if (const char* env = std::getenv("BATON_SECRET_KEY"); env && *env) return ParseKey(env);
  std::filesystem::path path = std::filesystem::path(data_dir) / "secret.key";
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  // O_EXCL: of two processes starting at once, one creates the key and the other reads it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::string text = Base64Encode(RandomBytes(kSecretKeySize)) + "\n";
    bool ok = ::fchmod(fd, 0600) == 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      std::filesystem::remove(path, ec);
      return KeyError("Cannot write " + path.string() + ": " + std::strerror(errno));
    }
  } else if (errno != EEXIST) {
    return KeyError("Cannot create " + path.string() + ": " + std::strerror(errno));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return KeyError("Cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseKey(ss.str());
}

bool IsEncrypted(std::string_view value) {
  return value.substr(0, kEncryptedPrefix.size()) == kEncryptedPrefix;
}

std::string Encrypt(std::string_view key, std::string_view plaintext) {
  if (key.size() != kSecretKeySize) throw std::invalid_argument("secret key must be 32 bytes");
  std::string nonce = RandomBytes(kNonce);
  std::string out = nonce;
  out.resize(kNonce + plaintext.size() + kTag);
  auto* buf = reinterpret_cast<unsigned char*>(out.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0, fin = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), buf + kNonce, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), buf + kNonce + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, buf + kNonce + len + fin) != 1)
    throw std::runtime_error("AES-GCM encryption failed");
  return std::string(kEncryptedPrefix) + Base64Encode(out);
}

Result<std::string> Decrypt(std::string_view key, std::string_view value) {
  auto bad = [] {
    return Error::Detail(ErrorCode::kInternal, "A stored secret could not be decrypted.");
  };
  if (key.size() != kSecretKeySize || !IsEncrypted(value)) return bad();
  std::string raw;
  if (!Base64Decode(value.substr(kEncryptedPrefix.size()), raw) || raw.size() < kNonce + kTag)
    return bad();
  size_t n = raw.size() - kNonce - kTag;
  auto* buf = reinterpret_cast<unsigned char*>(raw.data());
  std::string out(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0, fin = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.data()), buf) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, buf + kNonce,
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, buf + kNonce + n) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &fin) != 1)
    return bad();
  out.resize(static_cast<size_t>(len + fin));
  return out;
}

Result<json::object> DecryptValues(std::string_view key, const json::object& values,
                                   const std::vector<std::string>& fields) {
  json::object out = values;
  for (const auto& f : fields) {
    auto* v = out.if_contains(f);
    if (!v || !v->is_string() || !IsEncrypted(v->get_string())) continue;
    BATON_ASSIGN(std::string plain, Decrypt(key, v->get_string()));
    *v = plain;
  }
  return out;
}

}  // namespace baton
