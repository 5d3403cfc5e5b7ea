// Hashing, random material and encodings (OpenSSL 3).
#pragma once
#include <string>
#include <string_view>

namespace baton {

// Django-compatible "pbkdf2_sha256$<iterations>$<salt>$<base64 hash>". Slow by design: never call
// on an I/O thread.
std::string HashPassword(std::string_view password, int iterations);
bool VerifyPassword(std::string_view password, std::string_view encoded);
// Default iteration count (600000; BATON_PBKDF2_ITERATIONS overrides it, tests use fewer).
int DefaultPasswordIterations();

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// Random string of `n` characters from [A-Za-z0-9].
std::string RandomAlnum(size_t n);
std::string RandomBytes(size_t n);
std::string RandomUuid4();
std::string Base64Encode(std::string_view data);
bool Base64Decode(std::string_view in, std::string& out);
// Constant-time comparison.
bool SecureEquals(std::string_view a, std::string_view b);

}  // namespace baton
