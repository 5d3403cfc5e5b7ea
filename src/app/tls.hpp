// A self-signed certificate for --tls-self-signed, made once and kept in the data dir.
#pragma once
#include <string>

namespace baton::app {
// Ensures DIR/tls/cert.pem and DIR/tls/key.pem exist (key 0600); returns their paths.
std::pair<std::string, std::string> EnsureSelfSigned(const std::string& data_dir);
}  // namespace baton::app
