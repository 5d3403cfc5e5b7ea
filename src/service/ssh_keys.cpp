// SSH private key checks for credential inputs with format "ssh_private_key": the PEM walk of
// AWX's validate_pem (same messages), then each unencrypted key parsed for real: PEM keys with
// OpenSSL, OpenSSH keys by their binary layout.
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <map>
#include <memory>

#include "core/crypto.hpp"
#include "service/credentials.hpp"

namespace baton::service {
namespace {

std::string LStrip(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return std::string(s.substr(i));
}

std::string Strip(std::string_view s) {
  std::string l = LStrip(s);
  while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back()))) l.pop_back();
  return l;
}

struct PemObject {
  std::string all;   // BEGIN ... END
  std::string type;  // "RSA PRIVATE KEY", "CERTIFICATE", ...
  std::string data;  // between the BEGIN and END lines
  std::string rest;  // what follows
};

// One match of AWX's pem_obj_re at the start of `s`.
bool MatchPem(const std::string& s, PemObject& out) {
  size_t d = 0;
  while (d < s.size() && s[d] == '-') ++d;
  if (d < 4) return false;
  std::string dashes = s.substr(0, d);
  size_t i = d;
  while (i < s.size() && s[i] == ' ') ++i;
  if (s.compare(i, 6, "BEGIN ") != 0) return false;
  i += 6;
  size_t t0 = i;
  while (i < s.size() && (std::isupper(static_cast<unsigned char>(s[i])) || s[i] == ' ')) ++i;
  if (s.compare(i, d, dashes) != 0) return false;
  std::string type = Strip(s.substr(t0, i - t0));
  if (type.empty()) return false;
  size_t body = i + d;
  // The first "<dashes> *END <type> *<dashes>" after the header.
  std::string end_word = "END " + type;
  for (size_t e = s.find(end_word, body); e != std::string::npos; e = s.find(end_word, e + 1)) {
    size_t b = e;
    while (b > body && s[b - 1] == ' ') --b;
    if (b < body + d || s.compare(b - d, d, dashes) != 0) continue;
    size_t a = e + end_word.size();
    while (a < s.size() && s[a] == ' ') ++a;
    if (s.compare(a, d, dashes) != 0) continue;
    out.type = type;
    out.data = Strip(s.substr(body, b - d - body));
    if (out.data.empty()) return false;
    out.all = s.substr(0, a + d);
    out.rest = s.substr(a + d);
    return true;
  }
  return false;
}

// Reads an SSH wire-format string (uint32 length + bytes).
bool ReadString(std::string_view& in, std::string_view* out) {
  if (in.size() < 4) return false;
  uint32_t n = (uint32_t(uint8_t(in[0])) << 24) | (uint32_t(uint8_t(in[1])) << 16) |
               (uint32_t(uint8_t(in[2])) << 8) | uint32_t(uint8_t(in[3]));
  in.remove_prefix(4);
  if (n > in.size()) return false;
  if (out) *out = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

// openssh-key-v1: magic, cipher, kdf, kdf options, key count, public keys, private section.
bool ValidOpenSsh(std::string_view bin, bool* encrypted) {
  static constexpr std::string_view kMagic("openssh-key-v1\0", 15);
  if (bin.substr(0, kMagic.size()) != kMagic) return false;
  bin.remove_prefix(kMagic.size());
  std::string_view cipher, kdf, private_section;
  if (!ReadString(bin, &cipher) || !ReadString(bin, &kdf) || !ReadString(bin, nullptr))
    return false;
  if (bin.size() < 4) return false;
  uint32_t n = (uint32_t(uint8_t(bin[0])) << 24) | (uint32_t(uint8_t(bin[1])) << 16) |
               (uint32_t(uint8_t(bin[2])) << 8) | uint32_t(uint8_t(bin[3]));
  bin.remove_prefix(4);
  if (n < 1 || n > 64) return false;
  for (uint32_t k = 0; k < n; ++k)
    if (!ReadString(bin, nullptr)) return false;
  if (!ReadString(bin, &private_section) || !bin.empty()) return false;
  *encrypted = cipher != "none";
  if (*encrypted) return kdf != "none" && private_section.size() % 8 == 0;
  // Unencrypted: two equal check integers, then the keys.
  if (kdf != "none" || private_section.size() < 8) return false;
  return private_section.substr(0, 4) == private_section.substr(4, 4);
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

int NoPassphrase(char*, int, int, void*) {
  return -1;
}

// An unencrypted PEM private key OpenSSL can load, or an encrypted PKCS#8 structure.
bool ParsesWithOpenSsl(const PemObject& o, bool encrypted) {
  Bio bio(BIO_new_mem_buf(o.all.data(), static_cast<int>(o.all.size())), BIO_free);
  if (!bio) return false;
  if (o.type == "ENCRYPTED PRIVATE KEY") {
    X509_SIG* sig = PEM_read_bio_PKCS8(bio.get(), nullptr, NoPassphrase, nullptr);
    X509_SIG_free(sig);
    return sig != nullptr;
  }
  if (encrypted) return true;  // legacy "Proc-Type: 4,ENCRYPTED": needs the passphrase
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  EVP_PKEY_free(key);
  return key != nullptr;
}

}  // namespace

std::string CheckSshPrivateKey(std::string_view input, bool* encrypted) {
  *encrypted = false;
  static const std::map<std::string, std::string> kKeyTypes = {
      {"RSA", "rsa"}, {"DSA", "dsa"}, {"EC", "ecdsa"}, {"OPENSSH", "ed25519"}, {"", "rsa1"}};
  std::string data = LStrip(input);
  int keys = 0;
  while (!data.empty()) {
    PemObject o;
    if (!MatchPem(data, o)) return "Invalid certificate or key: " + data.substr(0, 100) + "...";
    data = LStrip(o.rest);
    std::string key_type;
    if (o.type.size() >= 11 && o.type.compare(o.type.size() - 11, 11, "PRIVATE KEY") == 0) {
      ++keys;
      std::string t = o.type;
      for (const char* w : {"ENCRYPTED PRIVATE KEY", "PRIVATE KEY"})
        if (size_t p = t.find(w); p != std::string::npos) t.erase(p, std::string_view(w).size());
      t = Strip(t);
      auto it = kKeyTypes.find(t);
      if (it == kKeyTypes.end()) return "Invalid private key: unsupported type \"" + t + "\"";
      key_type = it->second;
    } else if (o.type != "CERTIFICATE") {
      return "Unsupported PEM object type: \"" + o.type + "\"";
    }
    // Base64 body without the RFC 1421 header lines ("Proc-Type: ...", with continuations).
    std::string b64;
    bool continues = false;
    size_t pos = 0;
    while (pos <= o.data.size()) {
      size_t nl = o.data.find('\n', pos);
      std::string line =
          Strip(o.data.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
      pos = nl == std::string::npos ? o.data.size() + 1 : nl + 1;
      if (line.empty()) continue;
      if (continues) {
        continues = !line.empty() && line.back() == '\\';
        continue;
      }
      size_t colon = line.find(':');
      if (colon != std::string::npos && colon > 0 && colon + 1 < line.size()) {
        continues = line.back() == '\\';
        continue;
      }
      b64 += line;
    }
    std::string bin;
    if (!Base64Decode(b64, bin) || bin.empty()) return "Invalid base64-encoded data";
    if (key_type.empty()) continue;
    bool enc = false;
    if (key_type == "ed25519") {
      if (!ValidOpenSsh(bin, &enc)) return "Invalid private key: malformed OpenSSH key data";
    } else {
      enc = o.type == "ENCRYPTED PRIVATE KEY" || o.data.find("ENCRYPTED") != std::string::npos;
      if (!ParsesWithOpenSsl(o, enc)) return "Invalid private key: the key could not be parsed";
    }
    if (enc) *encrypted = true;
  }
  if (keys < 1) return "At least one private key is required.";
  return "";
}

}  // namespace baton::service
