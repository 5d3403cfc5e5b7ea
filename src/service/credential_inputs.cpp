// Credential inputs against their type (AWX CredentialInputField): types, choices, formats,
// dependencies, the ssh_key_unlock rules, "$encrypted$" handling, and encryption at rest.
#include "core/secrets.hpp"
#include "service/credentials.hpp"

namespace baton::service {
namespace {

constexpr std::string_view kMask = "$encrypted$";

bool Truthy(const json::value& v) {
  if (v.is_null()) return false;
  if (v.is_bool()) return v.get_bool();
  if (v.is_string()) return !v.get_string().empty();
  if (v.is_int64()) return v.get_int64() != 0;
  if (v.is_uint64()) return v.get_uint64() != 0;
  if (v.is_double()) return v.get_double() != 0;
  if (v.is_array()) return !v.as_array().empty();
  return !v.as_object().empty();
}

// GCE hands out JSON-escaped keys whose "=" reads "\u003d"; AWX undoes that before checking.
std::string UnescapeEquals(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 6, "\\u003d") == 0) {
      out += '=';
      i += 5;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Python urllib.parse.urlparse: the scheme and the network location.
std::string CheckUrl(const std::string& v) {
  std::string scheme, rest = v;
  size_t colon = v.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(v[0]))) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i) {
      char c = v[i];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
        ok = false;
    }
    if (ok) {
      scheme = v.substr(0, colon);
      rest = v.substr(colon + 1);
    }
  }
  if (scheme.empty()) return "Invalid URL: Missing url scheme (http, https, etc.)";
  std::string netloc;
  if (rest.rfind("//", 0) == 0) netloc = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
  if (netloc.empty()) return "Invalid URL: " + v;
  return "";
}

// The jsonschema checks of one input value, in the order of the field definition's keys with
// `enum` (from `choices`) last; like AWX, the last failure is the one reported.
std::string CheckValue(const json::object& field, const json::value& v) {
  std::string err;
  // A field without "type" is a string (AWX would fail to encrypt anything else).
  if (!field.contains("type") && !v.is_string()) err = PyRepr(v) + " is not of type 'string'";
  for (const auto& kv : field) {
    std::string_view k = kv.key();
    if (k == "type") {
      std::string type = kv.value().is_string() ? std::string(kv.value().get_string()) : "string";
      bool ok = type == "boolean" ? v.is_bool() : v.is_string();
      if (!ok) err = PyRepr(v) + " is not of type '" + type + "'";
    } else if (k == "format" && v.is_string()) {
      std::string s(v.get_string());
      std::string fmt = GetString(field, "format");
      if (fmt == "ssh_private_key") {
        if (s.empty() || s == kMask) continue;
        s = UnescapeEquals(s);
        bool enc = false;
        std::string m = CheckSshPrivateKey(s, &enc);
        if (!m.empty()) err = m;
      } else if (fmt == "url") {
        std::string m = CheckUrl(s);
        if (!m.empty()) err = m;
      } else if (fmt == "vault_id" && s.find('@') != std::string::npos) {
        err = "@ is not an allowed character";
      }
    }
  }
  if (auto* choices = field.if_contains("choices"); choices && choices->is_array()) {
    bool found = false;
    for (const auto& c : choices->as_array())
      if (c == v) found = true;
    if (!found) err = PyRepr(v) + " is not one of " + PyRepr(*choices);
  }
  return err;
}

bool HasEncryptedKey(const json::object& plain) {
  auto* k = plain.if_contains("ssh_key_data");
  if (!k || !k->is_string() || k->get_string().empty()) return false;
  bool enc = false;
  return CheckSshPrivateKey(UnescapeEquals(std::string(k->get_string())), &enc).empty() && enc;
}

Error InputsError(std::string msg) {
  return Error::Body(ErrorCode::kInvalid, json::object{{"inputs", json::array{json::string(msg)}}});
}

}  // namespace

json::object DisplayInputs(const json::object& stored) {
  json::object out = stored;
  for (auto& kv : out)
    if (kv.value().is_string() && kv.value().get_string().starts_with(kMask)) kv.value() = kMask;
  return out;
}

Result<json::object> PlainInputs(Session& ctx, const CredType& t, const json::object& stored) {
  return DecryptValues(ctx.cfg.secret_key, stored, t.SecretIds());
}

Result<json::object> PrepareInputs(Session& ctx, const CredType& t, const json::object& in,
                                   const json::object* stored) {
  if (ctx.cfg.secret_key.size() != kSecretKeySize)
    return Error::Detail(ErrorCode::kInternal, "The secret key is not configured.");
  std::vector<json::object> fields = t.Fields();
  // Vault IDs are immutable once set (a serializer field check in AWX, so it comes first).
  if (stored && t.kind == "vault") {
    std::string before = GetString(*stored, "vault_id");
    if (auto* v = in.if_contains("vault_id"); v && !before.empty() && *v != json::value(before))
      return InputsError("Vault IDs cannot be changed once they have been created.");
  }
  json::object values = in;
  // null (or another falsy value) for a defined field means its empty default.
  for (auto& kv : values) {
    if (Truthy(kv.value())) continue;
    const json::object* f = t.FieldDef(kv.key());
    if (!f) continue;
    if (auto* c = f->if_contains("choices"); c && c->is_array() && !c->as_array().empty())
      kv.value() = c->as_array()[0];
    else if (GetString(*f, "type", "string") == "boolean")
      kv.value() = false;
    else
      kv.value() = "";
  }
  for (auto& kv : values) {
    if (!t.IsSecret(kv.key())) continue;
    if (stored && kv.value() != json::value(kMask) && !kv.value().is_string())
      return InputsError("secret values must be of type string, not " + PyTypeName(kv.value()));
  }
  if (!stored) {
    for (const auto& f : fields) {
      std::string id = GetString(f, "id");
      auto* v = values.if_contains(id);
      if (GetBool(f, "secret") && v && *v == json::value(kMask))
        return InputsError("$encrypted$ is a reserved keyword, and cannot be used for " + id + ".");
    }
  }
  // "$encrypted$" on update keeps the stored secret; validation sees the real value.
  json::object kept;  // secrets kept from the stored inputs: their ciphertext stays as it is
  if (stored) {
    BATON_ASSIGN(json::object plain_stored, PlainInputs(ctx, t, *stored));
    std::vector<std::string> drop;
    for (auto& kv : values) {
      if (!t.IsSecret(kv.key()) || kv.value() != json::value(kMask)) continue;
      if (auto* old = plain_stored.if_contains(kv.key())) {
        kv.value() = *old;
        kept[kv.key()] = stored->at(kv.key());
      } else {
        drop.emplace_back(kv.key());
      }
    }
    for (auto& k : drop) values.erase(k);
  }
  std::vector<std::string> unexpected;
  for (const auto& kv : values)
    if (!t.FieldDef(kv.key())) unexpected.emplace_back(kv.key());
  if (!unexpected.empty()) {
    std::string list;
    for (size_t i = 0; i < unexpected.size(); ++i)
      list += (i ? ", " : "") + PyRepr(json::value(unexpected[i]));
    return InputsError("Additional properties are not allowed (" + list +
                       (unexpected.size() == 1 ? " was" : " were") + " unexpected)");
  }
  json::object errs;
  for (const auto& f : fields) {
    std::string id = GetString(f, "id");
    auto* v = values.if_contains(id);
    if (!v) continue;
    std::string m = CheckValue(f, *v);
    if (!m.empty()) errs[id] = json::array{json::string(m)};
  }
  if (auto* deps = t.inputs.if_contains("dependencies"); deps && deps->is_object()) {
    for (const auto& kv : deps->as_object()) {
      if (!values.contains(kv.key()) || !kv.value().is_array()) continue;
      for (const auto& need : kv.value().as_array()) {
        std::string n = need.is_string() ? std::string(need.get_string()) : "";
        if (values.contains(n)) continue;
        const json::object* nf = t.FieldDef(n);
        std::string label = nf ? GetString(*nf, "label", n) : n;
        errs[kv.key()] = json::array{json::string("cannot be set unless \"" + label + "\" is set")};
      }
    }
  }
  if (t.managed && t.FieldDef("ssh_key_unlock")) {
    bool encrypted = HasEncryptedKey(values);
    auto* unlock = values.if_contains("ssh_key_unlock");
    bool has_unlock = unlock && Truthy(*unlock);
    auto* key = values.if_contains("ssh_key_data");
    if (encrypted && !has_unlock)
      errs["ssh_key_unlock"] = json::array{"must be set when SSH key is encrypted."};
    if (key && Truthy(*key) && has_unlock && !encrypted && !errs.contains("ssh_key_data"))
      errs["ssh_key_unlock"] = json::array{"should not be set when SSH key is not encrypted."};
  }
  if (!errs.empty())
    return Error::Body(ErrorCode::kInvalid, json::object{{"inputs", std::move(errs)}});

  // Encrypt the secrets; "" and the launch-time prompt "ASK" stay readable, as in AWX.
  for (auto& kv : values) {
    const json::object* f = t.FieldDef(kv.key());
    if (auto* k = kept.if_contains(kv.key())) {
      kv.value() = *k;
      continue;
    }
    if (!f || !GetBool(*f, "secret") || !kv.value().is_string()) continue;
    std::string_view s = kv.value().get_string();
    if (s.empty() || (s == "ASK" && GetBool(*f, "ask_at_runtime"))) continue;
    kv.value() = Encrypt(ctx.cfg.secret_key, s);
  }
  return values;
}

}  // namespace baton::service
