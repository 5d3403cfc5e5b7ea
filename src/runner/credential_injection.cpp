#include "runner/credential_injection.hpp"

#include <cctype>
#include <map>
#include <regex>

namespace baton::runner {
namespace {

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// Python's str() of a JSON value, as Jinja prints it.
std::string PyStr(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  if (v.is_null()) return "None";
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  return Dump(v);
}

// A dotted name ("tower.filename.cert") looked up in the namespace; nullptr when undefined.
const json::value* Lookup(const json::object& ns, const std::string& dotted) {
  const json::object* cur = &ns;
  const json::value* v = nullptr;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string part = dotted.substr(start, dot == std::string::npos ? dotted.npos : dot - start);
    if (!cur) return nullptr;
    v = cur->if_contains(part);
    if (!v) return nullptr;
    if (dot == std::string::npos) return v;
    cur = v->is_object() ? &v->as_object() : nullptr;
    start = dot + 1;
  }
}

bool Truthy(const json::value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return !v->as_string().empty();
  if (v->is_int64()) return v->as_int64() != 0;
  if (v->is_uint64()) return v->as_uint64() != 0;
  if (v->is_double()) return v->as_double() != 0;
  if (v->is_object()) return !v->as_object().empty();
  if (v->is_array()) return !v->as_array().empty();
  return false;
}

// Recursive renderer over [pos, end) handling {% if %}/{% else %}/{% endif %} blocks.
class Renderer {
 public:
  Renderer(std::string_view t, const json::object& ns) : t_(t), ns_(ns) {}

  // Renders until end of input or an {% else %}/{% endif %} tag (returned in `stop`).
  Status Render(size_t& pos, std::string* out, std::string& stop) {
    while (pos < t_.size()) {
      size_t var = t_.find("{{", pos), tag = t_.find("{%", pos);
      size_t next = std::min(var, tag);
      if (next == std::string_view::npos) {
        if (out) out->append(t_.substr(pos));
        pos = t_.size();
        return OkStatus();
      }
      if (out) out->append(t_.substr(pos, next - pos));
      if (next == var) {
        size_t close = t_.find("}}", var + 2);
        if (close == std::string_view::npos) return Error::Msg("unclosed {{ in template");
        std::string expr = Trim(t_.substr(var + 2, close - var - 2));
        if (out)
          if (const json::value* v = Lookup(ns_, expr)) out->append(PyStr(*v));
        pos = close + 2;
        continue;
      }
      size_t close = t_.find("%}", tag + 2);
      if (close == std::string_view::npos) return Error::Msg("unclosed {% in template");
      std::string body = Trim(t_.substr(tag + 2, close - tag - 2));
      pos = close + 2;
      if (body == "else" || body == "endif") {
        stop = body;
        return OkStatus();
      }
      if (body.rfind("if ", 0) != 0) return Error::Msg("unsupported template tag: " + body);
      bool cond = Truthy(Lookup(ns_, Trim(body.substr(3))));
      std::string inner_stop;
      BATON_TRY(Render(pos, cond ? out : nullptr, inner_stop));
      if (inner_stop == "else") {
        inner_stop.clear();
        BATON_TRY(Render(pos, cond ? nullptr : out, inner_stop));
      }
      if (inner_stop != "endif") return Error::Msg("{% if %} without {% endif %} in template");
    }
    return OkStatus();
  }

 private:
  std::string_view t_;
  const json::object& ns_;
};

std::vector<std::string> SecretFields(const json::object& schema) {
  std::vector<std::string> out;
  if (auto* fields = schema.if_contains("fields"); fields && fields->is_array())
    for (auto& f : fields->as_array())
      if (f.is_object() && GetBool(f.as_object(), "secret"))
        out.push_back(GetString(f.as_object(), "id"));
  return out;
}

std::string Input(const JobCredential& c, std::string_view key) {
  const json::value* v = c.inputs.if_contains(key);
  return v ? PyStr(*v) : "";
}

bool Has(const JobCredential& c, std::string_view key) {
  const json::value* v = c.inputs.if_contains(key);
  return v && !(v->is_string() && v->as_string().empty());
}

std::string CredFile(const JobCredential& c, const std::string& label) {
  return "env/cred_" + std::to_string(c.id) + "_" + label;
}

void AddEnv(Injection& out, const std::string& k, const std::string& v) {
  out.env.emplace_back(k, v);
  out.safe_env.emplace_back(k, SafeEnvValue(k, v));
}

// The built-in injectors of managed cloud types; false when `cred` has none.
bool BuiltinInjector(const JobCredential& c, const std::string& dir, Injection& out) {
  const std::string& ns = c.type_namespace;
  if (ns == "aws") {
    AddEnv(out, "AWS_ACCESS_KEY_ID", Input(c, "username"));
    AddEnv(out, "AWS_SECRET_ACCESS_KEY", Input(c, "password"));
    if (Has(c, "security_token")) AddEnv(out, "AWS_SECURITY_TOKEN", Input(c, "security_token"));
    return true;
  }
  if (ns == "gce") {
    std::string project = Input(c, "project"), user = Input(c, "username");
    json::object cred{{"type", "service_account"},
                      {"private_key", Input(c, "ssh_key_data")},
                      {"client_email", user},
                      {"project_id", project},
                      {"token_uri", "https://oauth2.googleapis.com/token"}};
    std::string file = CredFile(c, "gce.json");
    out.files.push_back({file, Dump(cred), 0600});
    AddEnv(out, "GCE_EMAIL", user);
    AddEnv(out, "GCE_PROJECT", project);
    AddEnv(out, "GCE_CREDENTIALS_FILE_PATH", dir + "/" + file);
    AddEnv(out, "GCP_SERVICE_ACCOUNT_FILE", dir + "/" + file);
    AddEnv(out, "GCP_AUTH_KIND", "serviceaccount");
    AddEnv(out, "GCP_PROJECT", project);
    AddEnv(out, "GCP_ENV_TYPE", "tower");
    return true;
  }
  if (ns == "azure_rm") {
    std::string client = Input(c, "client"), tenant = Input(c, "tenant");
    AddEnv(out, "AZURE_SUBSCRIPTION_ID", Input(c, "subscription"));
    if (!client.empty() && !tenant.empty()) {
      AddEnv(out, "AZURE_CLIENT_ID", client);
      AddEnv(out, "AZURE_TENANT", tenant);
      AddEnv(out, "AZURE_SECRET", Input(c, "secret"));
    } else {
      AddEnv(out, "AZURE_AD_USER", Input(c, "username"));
      AddEnv(out, "AZURE_PASSWORD", Input(c, "password"));
    }
    if (Has(c, "cloud_environment"))
      AddEnv(out, "AZURE_CLOUD_ENVIRONMENT", Input(c, "cloud_environment"));
    return true;
  }
  if (ns == "vmware") {
    AddEnv(out, "VMWARE_USER", Input(c, "username"));
    AddEnv(out, "VMWARE_PASSWORD", Input(c, "password"));
    AddEnv(out, "VMWARE_HOST", Input(c, "host"));
    AddEnv(out, "VMWARE_VALIDATE_CERTS", "False");
    return true;
  }
  if (ns == "openstack") {
    json::object auth{{"auth_url", Input(c, "host")},
                      {"username", Input(c, "username")},
                      {"password", Input(c, "password")},
                      {"project_name", Input(c, "project")}};
    if (Has(c, "project_domain_name"))
      auth["project_domain_name"] = Input(c, "project_domain_name");
    if (Has(c, "domain")) auth["domain_name"] = Input(c, "domain");
    const json::value* verify = c.inputs.if_contains("verify_ssl");
    json::object devstack{{"auth", std::move(auth)},
                          {"verify", verify && verify->is_bool() ? verify->as_bool() : true}};
    if (Has(c, "region")) devstack["region_name"] = Input(c, "region");
    // JSON is YAML: the clouds.yaml openstacksdk reads.
    json::object data{{"clouds", json::object{{"devstack", std::move(devstack)}}}};
    std::string file = CredFile(c, "clouds.yaml");
    out.files.push_back({file, Dump(data) + "\n", 0600});
    AddEnv(out, "OS_CLIENT_CONFIG_FILE", dir + "/" + file);
    return true;
  }
  if (ns == "kubernetes_bearer_token") {
    AddEnv(out, "K8S_AUTH_HOST", Input(c, "host"));
    AddEnv(out, "K8S_AUTH_API_KEY", Input(c, "bearer_token"));
    const json::value* verify = c.inputs.if_contains("verify_ssl");
    if (verify && Truthy(verify) && c.inputs.contains("ssl_ca_cert")) {
      AddEnv(out, "K8S_AUTH_VERIFY_SSL", "True");
      std::string file = CredFile(c, "k8s_ca.pem");
      out.files.push_back({file, Input(c, "ssl_ca_cert"), 0600});
      AddEnv(out, "K8S_AUTH_SSL_CA_CERT", dir + "/" + file);
    } else {
      AddEnv(out, "K8S_AUTH_VERIFY_SSL", "False");
    }
    return true;
  }
  if (ns == "net" || c.kind == "net") {
    // RunJob.build_env for network credentials.
    AddEnv(out, "ANSIBLE_NET_USERNAME", Input(c, "username"));
    AddEnv(out, "ANSIBLE_NET_PASSWORD", Input(c, "password"));
    if (Has(c, "ssh_key_data")) {
      std::string key = Input(c, "ssh_key_data");
      if (key.back() != '\n') key += '\n';
      std::string file = CredFile(c, "ssh_key");
      out.files.push_back({file, key, 0600});
      AddEnv(out, "ANSIBLE_NET_SSH_KEYFILE", dir + "/" + file);
    }
    bool authorize = Truthy(c.inputs.if_contains("authorize"));
    AddEnv(out, "ANSIBLE_NET_AUTHORIZE", authorize ? "1" : "0");
    if (authorize) AddEnv(out, "ANSIBLE_NET_AUTH_PASS", Input(c, "authorize_password"));
    return true;
  }
  return false;
}

// A copy of `v` with every string rendered as a template.
Result<json::value> RenderTree(const json::value& v, const json::object& ns) {
  if (v.is_object()) {
    json::object o;
    for (auto& kv : v.as_object()) {
      BATON_ASSIGN(json::value r, RenderTree(kv.value(), ns));
      o[kv.key()] = std::move(r);
    }
    return json::value(std::move(o));
  }
  if (v.is_array()) {
    json::array a;
    for (auto& x : v.as_array()) {
      BATON_ASSIGN(json::value r, RenderTree(x, ns));
      a.push_back(std::move(r));
    }
    return json::value(std::move(a));
  }
  if (v.is_string()) {
    BATON_ASSIGN(std::string s, RenderTemplate(v.as_string(), ns));
    return json::value(json::string(s));
  }
  return v;
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view tmpl, const json::object& ns) {
  Renderer r(tmpl, ns);
  std::string out, stop;
  size_t pos = 0;
  BATON_TRY(r.Render(pos, &out, stop));
  if (!stop.empty()) return Error::Msg("{% " + stop + " %} without {% if %} in template");
  return out;
}

std::string SafeEnvValue(const std::string& name, const std::string& value) {
  static const std::regex kHidden("API|TOKEN|KEY|SECRET|PASS", std::regex::icase);
  static const std::regex kUrlPass(R"(^(.*?://[^:]+:)(.*?)(@.*?)$)");
  if (name == "AWS_ACCESS_KEY_ID") return value;
  if (name.rfind("ANSIBLE_", 0) == 0 && name.rfind("ANSIBLE_NET", 0) != 0 &&
      name.rfind("ANSIBLE_GALAXY_SERVER", 0) != 0)
    return value;
  if (std::regex_search(name, kHidden)) return std::string(kHiddenPassword);
  std::smatch m;
  if (std::regex_match(value, m, kUrlPass))
    return m[1].str() + std::string(kHiddenPassword) + m[3].str();
  return value;
}

Status InjectCredential(const JobCredential& cred, const std::string& private_dir, Injection& out) {
  if (cred.managed && BuiltinInjector(cred, private_dir, out)) return OkStatus();
  const json::object& inj = cred.injectors;
  if (inj.empty()) return OkStatus();
  // The namespaces of AWX's inject_credential: real values, and secrets hidden for job_env.
  std::vector<std::string> secret = SecretFields(cred.schema);
  json::object ns, safe;
  for (auto& kv : cred.inputs) {
    const json::value& v = kv.value();
    std::string key(kv.key());
    bool is_secret = std::find(secret.begin(), secret.end(), key) != secret.end();
    if (v.is_bool()) {
      ns[key] = v;
      safe[key] = v;
      continue;
    }
    bool empty = v.is_string() && v.as_string().empty();
    if (is_secret)
      safe[key] = json::string(kHiddenPassword);
    else if (!empty)
      safe[key] = v;
    if (!empty) ns[key] = v;
  }
  if (auto* fields = cred.schema.if_contains("fields"); fields && fields->is_array()) {
    for (auto& f : fields->as_array()) {
      if (!f.is_object()) continue;
      std::string id = GetString(f.as_object(), "id");
      if (GetString(f.as_object(), "type") == "boolean" && !cred.inputs.contains(id)) {
        ns[id] = false;
        safe[id] = false;
      }
      if (GetString(f.as_object(), "format") == "ssh_private_key")
        if (auto* k = ns.if_contains(id);
            k && k->is_string() && !k->as_string().empty() && k->as_string().back() != '\n')
          ns[id] = json::string(std::string(k->as_string()) + "\n");
    }
  }
  // Files first: their paths become tower.filename (one file) or tower.filename.<label>.
  json::object tower;
  if (auto* files = inj.if_contains("file"); files && files->is_object()) {
    json::object named;
    for (auto& kv : files->as_object()) {
      std::string label(kv.key());
      if (!kv.value().is_string()) continue;
      BATON_ASSIGN(std::string data, RenderTemplate(kv.value().as_string(), ns));
      std::string file = CredFile(cred, label);
      out.files.push_back({file, data, 0600});
      std::string abs = private_dir + "/" + file;
      size_t dot = label.find('.');
      if (dot == std::string::npos)
        tower["filename"] = json::string(abs);
      else
        named[label.substr(dot + 1)] = json::string(abs);
    }
    if (!named.empty()) tower["filename"] = std::move(named);
  }
  ns["tower"] = tower;
  safe["tower"] = tower;
  if (auto* env = inj.if_contains("env"); env && env->is_object()) {
    for (auto& kv : env->as_object()) {
      if (!kv.value().is_string()) continue;
      BATON_ASSIGN(std::string v, RenderTemplate(kv.value().as_string(), ns));
      BATON_ASSIGN(std::string sv, RenderTemplate(kv.value().as_string(), safe));
      out.env.emplace_back(std::string(kv.key()), v);
      out.safe_env.emplace_back(std::string(kv.key()), sv);
    }
  }
  if (auto* ev = inj.if_contains("extra_vars"); ev && ev->is_object() && !ev->as_object().empty()) {
    BATON_ASSIGN(json::value vars, RenderTree(*ev, ns));
    std::string file = CredFile(cred, "extra_vars.json");
    out.files.push_back({file, Dump(vars), 0400});
    out.args.push_back("-e");
    out.args.push_back("@" + private_dir + "/" + file);
  }
  return OkStatus();
}

}  // namespace baton::runner
