// Credential injection for job runs (pure): what a credential attached to a job adds to the run
// as environment variables, extra variables and files, following AWX's CredentialType.inject_
// credential (template injectors of custom and managed types, rendered with the credential's
// inputs and `tower.filename`) and AWX's built-in injectors of managed cloud types
// (awx/main/models/credential/injectors.py: aws, gce, azure_rm, vmware, openstack,
// kubernetes_bearer_token).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace baton::runner {

// AWX's HIDDEN_PASSWORD: what job_env shows in place of a secret.
inline constexpr std::string_view kHiddenPassword = "**********";

// A credential attached to a job, its secret inputs decrypted, with its type's definition.
struct JobCredential {
  int64_t id = 0;
  std::string name;
  std::string kind;            // the type's kind: ssh, vault, net, scm, cloud, kubernetes, ...
  std::string type_namespace;  // managed types' namespace (ssh, vault, aws, ...); "" if custom
  bool managed = false;
  json::object inputs;  // decrypted
  json::object schema;  // the type's inputs ({"fields": [...]}) with secret flags
  json::object injectors;
};

// A file of the run's private data directory.
struct PlanFile {
  std::string path;  // relative to the private data directory
  std::string content;
  unsigned mode = 0600;
};

// What credentials add to a run.
struct Injection {
  std::vector<PlanFile> files;
  std::vector<std::pair<std::string, std::string>> env;       // real values
  std::vector<std::pair<std::string, std::string>> safe_env;  // secrets hidden (job_env)
  std::vector<std::string> args;                              // e.g. -e @<file>
};

// Adds what `cred` injects. `private_dir` is the absolute path of the run's private data
// directory (file injectors are referenced by absolute path). Errors: a template that cannot be
// rendered.
Status InjectCredential(const JobCredential& cred, const std::string& private_dir, Injection& out);

// Renders the subset of Jinja2 AWX injector templates use: {{ name }}, {{ tower.filename }},
// {{ tower.filename.<label> }}, {% if name %}...{% else %}...{% endif %}. Undefined names render
// empty, booleans as Python does (True/False). Errors: an unclosed tag or block.
Result<std::string> RenderTemplate(std::string_view tmpl, const json::object& ns);

// AWX's build_safe_env: values of variables whose names look secret (API, TOKEN, KEY, SECRET,
// PASS; not ANSIBLE_* other than ANSIBLE_NET*, not AWS_ACCESS_KEY_ID) hidden, and passwords in
// URLs (scheme://user:password@host) hidden.
std::string SafeEnvValue(const std::string& name, const std::string& value);

}  // namespace baton::runner
