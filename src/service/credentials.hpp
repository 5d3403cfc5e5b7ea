// Shared pieces of the credential resources (api-resources.md §6-§8): credential type lookups,
// the validation of type schemas and credential inputs with AWX's messages, secrets handling.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "service/resource.hpp"

namespace baton::service {

// A credential type as stored.
struct CredType {
  int64_t id = 0;
  std::string name, description, kind;
  json::value ns;  // namespace: string or null
  bool managed = false;
  json::object inputs, injectors;

  // The input field definitions (inputs.fields), in order.
  std::vector<json::object> Fields() const;
  const json::object* FieldDef(std::string_view id) const;
  bool IsSecret(std::string_view id) const;
  std::vector<std::string> SecretIds() const;
};
std::optional<CredType> LoadCredType(Session& ctx, int64_t id);

// Python's repr() and type name of a JSON value, for messages phrased like jsonschema's.
std::string PyRepr(const json::value& v);
std::string PyTypeName(const json::value& v);

// Credential type `inputs` / `injectors` validation (AWX CredentialTypeInputField /
// CredentialTypeInjectorField). Returns the messages, empty when valid.
std::vector<std::string> ValidateTypeInputs(const json::object& inputs);
std::vector<std::string> ValidateTypeInjectors(const json::object& injectors,
                                               const json::object& inputs);

// AWX validate_ssh_private_key: PEM/OpenSSH private keys (plus optional certificates), parsed
// with OpenSSL where possible. Returns an error message, or "" with *encrypted set.
std::string CheckSshPrivateKey(std::string_view data, bool* encrypted);

// Validates the `inputs` of a credential of type `t` as AWX does (CredentialInputField) and
// returns the object to store: "$encrypted$" replaced by the stored value on update, secret
// values encrypted with the configured key. `stored` is the current stored inputs on update.
Result<json::object> PrepareInputs(Session& ctx, const CredType& t, const json::object& in,
                                   const json::object* stored);
// Stored inputs with every encrypted value shown as "$encrypted$" (AWX display_inputs).
json::object DisplayInputs(const json::object& stored);
// Stored inputs with the type's secret fields decrypted (for copies and re-validation); never
// serialize the result.
Result<json::object> PlainInputs(Session& ctx, const CredType& t, const json::object& stored);

}  // namespace baton::service
