#include "app/tls.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace baton::app {

std::pair<std::string, std::string> EnsureSelfSigned(const std::string& data_dir) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(data_dir) / "tls";
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  if (fs::exists(cert) && fs::exists(key)) return {cert, key};
  fs::create_directories(dir);
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  if (!pkey) throw std::runtime_error("cannot generate TLS key");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 24 * 3600);
  X509_set_pubkey(x, pkey);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("baton"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name,
                                                "DNS:localhost,IP:127.0.0.1,IP:::1")) {
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, pkey, EVP_sha256());
  mode_t old = umask(077);
  FILE* kf = fopen(key.c_str(), "w");
  umask(old);
  FILE* cf = fopen(cert.c_str(), "w");
  if (!kf || !cf) throw std::runtime_error("cannot write TLS files in " + dir.string());
  PEM_write_PrivateKey(kf, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_X509(cf, x);
  fclose(kf);
  fclose(cf);
  chmod(key.c_str(), 0600);
  X509_free(x);
  EVP_PKEY_free(pkey);
  return {cert, key};
}

}  // namespace baton::app
