#include "core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace baton {

int DefaultPasswordIterations() {
  static int n = [] {
    const char* e = std::getenv("BATON_PBKDF2_ITERATIONS");
    int v = e ? std::atoi(e) : 0;
    return v > 0 ? v : 600000;
  }();
  return n;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::string RandomAlnum(size_t n) {
  static const char* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    std::string b = RandomBytes(n * 2);
    for (unsigned char c : b) {
      if (c < 248 && out.size() < n) out += kChars[c % 62];  // 248 = 4*62, unbiased
    }
  }
  return out;
}

std::string RandomUuid4() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[(static_cast<unsigned char>(b[i]) >> 4)];
    out += hex[static_cast<unsigned char>(b[i]) & 15];
  }
  return out;
}

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(n);
  return out;
}

bool Base64Decode(std::string_view in, std::string& out) {
  std::string s;
  for (char c : in)
    if (c != '\n' && c != '\r' && c != ' ') s += c;
  if (s.size() % 4 != 0) return false;
  out.assign(3 * s.size() / 4, '\0');
  int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (!s.empty() && s.back() == '=') pad++;
  if (s.size() > 1 && s[s.size() - 2] == '=') pad++;
  out.resize(n - pad);
  return true;
}

static std::string Hex(const unsigned char* d, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += hex[d[i] >> 4];
    out += hex[d[i] & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return Hex(md, sizeof md);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return Hex(md, len);
}

static std::string Pbkdf2(std::string_view password, std::string_view salt, int iterations) {
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof out, out);
  return Base64Encode(std::string_view(reinterpret_cast<char*>(out), sizeof out));
}

std::string HashPassword(std::string_view password, int iterations) {
  std::string salt = RandomAlnum(22);
  return "pbkdf2_sha256$" + std::to_string(iterations) + "$" + salt + "$" +
         Pbkdf2(password, salt, iterations);
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  // pbkdf2_sha256$iter$salt$hash
  size_t a = encoded.find('$');
  if (a == std::string_view::npos || encoded.substr(0, a) != "pbkdf2_sha256") return false;
  size_t b = encoded.find('$', a + 1);
  if (b == std::string_view::npos) return false;
  size_t c = encoded.find('$', b + 1);
  if (c == std::string_view::npos) return false;
  int iterations = std::atoi(std::string(encoded.substr(a + 1, b - a - 1)).c_str());
  if (iterations <= 0) return false;
  std::string_view salt = encoded.substr(b + 1, c - b - 1);
  return SecureEquals(Pbkdf2(password, salt, iterations), encoded.substr(c + 1));
}

bool SecureEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace baton
