// Launch-time prompts of job templates as pure decisions (no I/O): which prompted values a
// template accepts, which it ignores and which are errors (workflow-semantics.md LA-6, LA-7,
// LA-15), the credential rules of a launch (one per unique key, allowed kinds, launch passwords),
// and the extra vars a job is created with (LA-11). The API layer loads the template, resolves
// ids into the structs below, and applies the decision in one transaction.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "domain/survey.hpp"

namespace baton::domain {

// A credential as the launch rules see it.
struct LaunchCredential {
  int64_t id = 0;
  int64_t type_id = 0;
  std::string name;
  std::string type_name;  // "Machine"
  std::string kind;       // the credential type's kind: ssh, vault, net, cloud, kubernetes, scm ...
  std::string vault_id;   // a vault credential's vault_id input ("" when none)
  // Launch-time passwords the credential asks for ("ASK" inputs): ssh_password,
  // become_password, ssh_key_unlock, vault_password or vault_password.<vault_id>.
  std::vector<std::string> passwords_needed;

  // AWX's Credential.unique_hash(): the type id, or "<type id>_<vault_id>" for vault
  // credentials with a vault id. Two credentials of a launch may not share it.
  std::string UniqueKey() const;
  // unique_hash(display=True): "Machine" or "Vault (id=prod)".
  std::string UniqueDisplay() const;
};

// The launch-relevant state of a job template.
struct JobTemplateState {
  std::optional<int64_t> inventory, project, execution_environment;
  std::string job_type = "run", limit, scm_branch, job_tags, skip_tags;
  int64_t verbosity = 0, forks = 0, job_slice_count = 1, timeout = 0;
  bool diff_mode = false;
  json::object extra_vars;  // the template's own extra_vars, parsed
  bool survey_enabled = false;
  json::object survey_spec;
  std::vector<LaunchCredential> credentials;  // in attachment order
  std::vector<int64_t> labels;
  std::vector<int64_t> instance_groups;
  // The project's default branch and whether it allows overriding it.
  std::string project_scm_branch;
  bool project_allow_override = false;
  // Host counts of the template's inventory and of a prompted one (for slicing, RL-7).
  std::map<int64_t, int64_t> inventory_hosts;
  // Prompt names whose ask_*_on_launch flag is on ("extra_vars", "inventory", "credentials"...).
  std::set<std::string, std::less<>> asks;

  bool Asks(std::string_view prompt) const { return asks.count(prompt) > 0; }
};

// Values given at a launch, already type-checked (absent = not given; AWX ignores nulls).
struct LaunchPrompts {
  std::optional<json::object> extra_vars;
  std::optional<int64_t> inventory;
  std::optional<std::string> limit, scm_branch, job_tags, skip_tags, job_type;
  std::optional<int64_t> verbosity, forks, job_slice_count, timeout;
  std::optional<bool> diff_mode;
  std::optional<int64_t> execution_environment;
  std::optional<std::vector<LaunchCredential>> credentials;
  std::optional<std::vector<int64_t>> labels, instance_groups;
};

// Error classes a caller may suppress (AWX's _exclude_errors).
struct PromptOptions {
  // "Field is not configured to prompt on launch." and unprompted variables are errors, and a
  // template needing launch passwords without asking for credentials is an error. A manual JT
  // launch turns these off: unprompted values only land in ignored_fields (LA-15).
  bool prompt_errors = true;
  // Survey "'<var>' value missing" errors (off when validating workflow node prompts, DM-6).
  bool required_errors = true;
};

struct PromptDecision {
  LaunchPrompts accepted;
  // Rejected prompts as AWX echoes them in ignored_fields (objects as ids).
  json::object ignored;
  // {"<field>": ["message", ...]} in AWX's keys (extra_vars, variables_needed_to_start,
  // <prompt>, passwords_needed_to_start, resources_needed_to_start).
  json::object errors;
};

// The prompts of a job template and their ask flags, in AWX's order (get_ask_mapping()).
const std::vector<std::pair<std::string, std::string>>& JobTemplateAskMapping();

// LA-6 + LA-7: AWX's JobTemplate._accept_or_ignore_job_kwargs.
PromptDecision AcceptJobPrompts(const JobTemplateState& t, const LaunchPrompts& given,
                                const PromptOptions& options = {});

// The credentials a job gets: the template's, each replaced in place by a prompted credential
// with the same unique key, then the other prompted ones (AWX Credential.unique_dict merge).
std::vector<LaunchCredential> MergeCredentials(const std::vector<LaunchCredential>& from_template,
                                               const std::vector<LaunchCredential>& prompted);

// The launch passwords the credentials ask for, in order.
std::vector<std::string> PasswordsNeeded(const std::vector<LaunchCredential>& creds);

// JobLaunchSerializer.validate's credential rules, added to `errors` under "credentials" and
// "passwords_needed_to_start": no two credentials with one unique key, only kinds ssh, vault,
// cloud, net and kubernetes, no template credential removed without a replacement, and every
// launch password present in `passwords`. Returns the passwords the launch uses.
json::object CheckLaunchCredentials(const JobTemplateState& t, const LaunchPrompts& given,
                                    const PromptDecision& decision, const json::object& passwords,
                                    json::object& errors);

// can_start_without_user_input: no ask flag on, no launch password, no required survey answer.
bool CanStartWithoutUserInput(const JobTemplateState& t);
// variables_needed_to_start: the required survey variables when the survey takes part.
std::vector<std::string> VariablesNeededToStart(const JobTemplateState& t);

// LA-10 + LA-11: the extra vars of a new job, low to high precedence: the template's
// extra_vars, the survey defaults, the runtime vars (after dropping "$encrypted$"
// placeholders). Every password answer of the survey comes out encrypted.
json::object BuildJobExtraVars(const JobTemplateState& t, const json::object& runtime,
                               const Encryptor& encrypt, const Decryptor& decrypt);

// The runtime vars as a launch configuration keeps them: placeholders dropped, password
// answers encrypted.
json::object PromptedVarsForConfig(const JobTemplateState& t, const json::object& runtime,
                                   const Encryptor& encrypt);

// AWX LaunchTimeConfig._has_user_prompts over a stored launch configuration (keys = prompt
// names, as CreateJob stores them): with `only_unprompted`, whether it holds a prompt the
// template does not ask for (or variables outside the survey when variables are not asked);
// without, whether it holds any user prompt at all (RL-6).
bool HasUserPrompts(const JobTemplateState& t, const json::object& config, bool only_unprompted);
// Does any value of `vars` carry an encrypted secret ("$encrypted$...")?
bool VarsAreEncrypted(const json::object& vars);

// Effective slice count of a launch (RL-7).
int64_t EffectiveSliceCount(const JobTemplateState& t, const LaunchPrompts& given);

}  // namespace baton::domain
