// Encryption of secret values at rest (credential inputs): AES-256-GCM with a 32-byte key kept in
// DATA_DIR/secret.key (created 0600 with random bytes when absent) or given by BATON_SECRET_KEY
// (base64 or hex of 32 bytes). An encrypted value reads
// "$encrypted$AESGCM$" + base64(nonce(12) | ciphertext | tag(16)); every encryption draws a fresh
// nonce, so equal plaintexts give different values.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace baton {

inline constexpr std::string_view kEncryptedPrefix = "$encrypted$AESGCM$";
inline constexpr size_t kSecretKeySize = 32;

// The key from BATON_SECRET_KEY when set, else from DATA_DIR/secret.key (created when absent).
// Errors: an unreadable key file, or a key that is not 32 bytes.
Result<std::string> LoadOrCreateKey(const std::string& data_dir);
// Parses a key given as base64 or hex text.
Result<std::string> ParseKey(std::string_view text);

std::string Encrypt(std::string_view key, std::string_view plaintext);
// Fails on a value that is not in the format above, was altered, or was made with another key.
Result<std::string> Decrypt(std::string_view key, std::string_view value);
// Does `value` carry the encrypted-value prefix?
bool IsEncrypted(std::string_view value);
// A copy of `values` (e.g. stored credential inputs) with the encrypted strings among `fields`
// (the type's secret fields) decrypted, for the code that hands secrets to a job. Only secret
// fields are decrypted: a non-secret value that merely looks encrypted stays as it is, so no
// ciphertext can be turned into readable text through a field that is shown. Never serialize
// the result.
Result<json::object> DecryptValues(std::string_view key, const json::object& values,
                                   const std::vector<std::string>& fields);

}  // namespace baton
