// Fixtures for the credential tests: managed type ids, private keys in every format the
// ssh_private_key check meets (generated with OpenSSL, OpenSSH ones made by ssh-keygen for these
// tests only), and small helpers.
#pragma once
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "harness.hpp"

namespace baton::testing {

inline std::string S(const json::value& v) {
  return std::string(v.as_string());
}
inline std::string CredUrl(int64_t id, const std::string& sub = "") {
  return "/api/v2/credentials/" + std::to_string(id) + "/" + (sub.empty() ? "" : sub + "/");
}

// Id of a managed credential type by name ("Machine", "Vault", ...).
inline int64_t TypeId(Api& api, const std::string& name) {
  std::string q;
  for (char c : name) q += c == ' ' ? std::string("%20") : std::string(1, c);
  Resp r = api.Get("/api/v2/credential_types/?managed=true&name=" + q).Expect(200);
  EXPECT_EQ(r.count(), 1) << name;
  return r.results()[0].as_object().at("id").as_int64();
}

inline const json::object& Caps(const Resp& r) {
  return r["summary_fields"].as_object().at("user_capabilities").as_object();
}

// PEM private keys: traditional unencrypted, PKCS#8 unencrypted, PKCS#8 encrypted, traditional
// encrypted ("Proc-Type: 4,ENCRYPTED"). EC P-256 keys: quick to generate.
struct PemKeys {
  std::string traditional, pkcs8, pkcs8_encrypted, traditional_encrypted;
};

inline const PemKeys& Keys() {
  static const PemKeys keys = [] {
    PemKeys k;
    EVP_PKEY* key = EVP_EC_gen("P-256");
    auto write = [&](auto fn) {
      BIO* bio = BIO_new(BIO_s_mem());
      fn(bio);
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      std::string out(data, static_cast<size_t>(n));
      BIO_free(bio);
      return out;
    };
    static char pass[] = "passw0rd";
    k.traditional = write([&](BIO* b) {
      PEM_write_bio_PrivateKey_traditional(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
    k.pkcs8 = write(
        [&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
    k.pkcs8_encrypted = write([&](BIO* b) {
      PEM_write_bio_PKCS8PrivateKey(b, key, EVP_aes_256_cbc(), pass, 8, nullptr, nullptr);
    });
    k.traditional_encrypted = write([&](BIO* b) {
      PEM_write_bio_PrivateKey_traditional(
          b, key, EVP_aes_256_cbc(), reinterpret_cast<unsigned char*>(pass), 8, nullptr, nullptr);
    });
    EVP_PKEY_free(key);
    return k;
  }();
  return keys;
}

inline const char* kOpenSshKey =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACDW5GCpV0iQlR8E6+X6jZqkPmv+FVSwmtSxY7gB19OkwgAAAIiHVO4ah1Tu\n"
    "GgAAAAtzc2gtZWQyNTUxOQAAACDW5GCpV0iQlR8E6+X6jZqkPmv+FVSwmtSxY7gB19Okwg\n"
    "AAAEBPg/yXRJWTl/xr2X3ikgNk2PAP351Jr3xCIIdHnP00R9bkYKlXSJCVHwTr5fqNmqQ+\n"
    "a/4VVLCa1LFjuAHX06TCAAAABHRlc3QB\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

inline const char* kOpenSshKeyEncrypted =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABDx+7l0bt\n"
    "r4D5siTbzx42CWAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIG9Fr0OpRZQdBnGN\n"
    "O4+0qVAGOSkpUPC6tryjIFrdosZaAAAAkHPgVGXtyVXvgSmShweUWtrDwuMN+Rixadep8J\n"
    "q9b23XDr+7/cj6kCRBSPcypFy6GJtGmX0DeggtUSTR2qyhmezLjTiIHt//Xbz6PkoqbUoq\n"
    "S97BiUY4yvgs8TrPtsXGz3MH5pLymDIwiLxi7VOnUWF2yMJY6vaAkSf8DQ7jT2uFuluNqk\n"
    "+8YooFTBpkkkrLVQ==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

// A Machine credential in `org` (as admin unless `as` is given), returning its id.
inline int64_t MachineCred(Api& api, const std::string& name, int64_t org, json::object inputs = {},
                           const std::string& as = "admin") {
  return api
      .Post("/api/v2/credentials/", json::object{{"name", name},
                                                 {"credential_type", TypeId(api, "Machine")},
                                                 {"organization", org},
                                                 {"inputs", std::move(inputs)}})
      .As(as)
      .Expect(201)
      .id();
}

}  // namespace baton::testing
