#include "domain/prompts.hpp"

#include <algorithm>

namespace baton::domain {
namespace {

constexpr std::string_view kNotPrompted = "Field is not configured to prompt on launch.";

void AddError(json::object& errors, std::string_view field, std::string_view msg) {
  auto& v = errors[field];
  if (!v.is_array()) v = json::array{};
  v.as_array().push_back(json::string(msg));
}

json::array Ids(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t id : ids) a.push_back(id);
  return a;
}

json::array CredIds(const std::vector<LaunchCredential>& creds) {
  json::array a;
  for (const auto& c : creds) a.push_back(c.id);
  return a;
}

bool SameSet(std::vector<int64_t> a, std::vector<int64_t> b) {
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return a == b;
}

const json::array* SpecQuestions(const json::object& spec) {
  auto* s = spec.if_contains("spec");
  return s && s->is_array() ? &s->as_array() : nullptr;
}

// LA-6: survey answers, then ask_variables_on_launch, then vars equal to the template's. Keys
// keep AWX's order: survey variables in spec order, then the others in the order given.
void AcceptVariables(const JobTemplateState& t, const json::object& data,
                     const PromptOptions& options, PromptDecision& d) {
  json::object accepted, rejected;
  std::set<std::string, std::less<>> taken;  // variables decided by the survey
  if (SurveyActive(t.survey_enabled, t.survey_spec)) {
    json::array survey_errors;
    if (auto* qs = SpecQuestions(t.survey_spec)) {
      for (const auto& q : *qs) {
        if (!q.is_object()) continue;
        std::string var = GetString(q.as_object(), "variable");
        SurveyAnswerOptions answer_options;
        answer_options.validate_required = options.required_errors;
        std::vector<std::string> errs = ValidateSurveyAnswer(q.as_object(), data, answer_options);
        for (auto& e : errs) survey_errors.push_back(json::string(e));
        auto* v = data.if_contains(var);
        if (!v || taken.count(var)) continue;
        taken.insert(var);
        (errs.empty() ? accepted : rejected)[var] = *v;
      }
    }
    if (!survey_errors.empty()) d.errors["variables_needed_to_start"] = std::move(survey_errors);
  }
  std::string keys;
  for (auto& kv : data) {
    if (taken.count(kv.key())) continue;
    if (t.Asks("extra_vars")) {
      accepted[kv.key()] = kv.value();
      continue;
    }
    if (auto* mine = t.extra_vars.if_contains(kv.key()); mine && *mine == kv.value()) continue;
    keys += (keys.empty() ? "" : ", ") + std::string(kv.key());
    rejected[kv.key()] = kv.value();
  }
  if (!keys.empty() && options.prompt_errors)
    AddError(d.errors, "extra_vars",
             "Variables " + keys +
                 " are not allowed on launch. Check the Prompt on Launch setting on the Job "
                 "Template to include Extra Variables.");
  if (!accepted.empty()) d.accepted.extra_vars = std::move(accepted);
  if (!rejected.empty()) d.ignored["extra_vars"] = std::move(rejected);
}

}  // namespace

std::string LaunchCredential::UniqueKey() const {
  if (kind == "vault" && !vault_id.empty()) return std::to_string(type_id) + "_" + vault_id;
  return std::to_string(type_id);
}

std::string LaunchCredential::UniqueDisplay() const {
  if (kind == "vault" && !vault_id.empty()) return type_name + " (id=" + vault_id + ")";
  return type_name;
}

const std::vector<std::pair<std::string, std::string>>& JobTemplateAskMapping() {
  static const std::vector<std::pair<std::string, std::string>> m = {
      {"extra_vars", "ask_variables_on_launch"},
      {"inventory", "ask_inventory_on_launch"},
      {"scm_branch", "ask_scm_branch_on_launch"},
      {"diff_mode", "ask_diff_mode_on_launch"},
      {"limit", "ask_limit_on_launch"},
      {"job_tags", "ask_tags_on_launch"},
      {"skip_tags", "ask_skip_tags_on_launch"},
      {"job_type", "ask_job_type_on_launch"},
      {"verbosity", "ask_verbosity_on_launch"},
      {"credentials", "ask_credential_on_launch"},
      {"execution_environment", "ask_execution_environment_on_launch"},
      {"labels", "ask_labels_on_launch"},
      {"forks", "ask_forks_on_launch"},
      {"job_slice_count", "ask_job_slice_count_on_launch"},
      {"timeout", "ask_timeout_on_launch"},
      {"instance_groups", "ask_instance_groups_on_launch"},
  };
  return m;
}

int64_t EffectiveSliceCount(const JobTemplateState& t, const LaunchPrompts& given) {
  std::optional<int64_t> inv = t.inventory;
  if (t.Asks("inventory") && given.inventory) inv = given.inventory;
  int64_t count = t.job_slice_count;
  if (t.Asks("job_slice_count") && given.job_slice_count) count = *given.job_slice_count;
  if (inv) {
    auto it = t.inventory_hosts.find(*inv);
    return std::min(count, it == t.inventory_hosts.end() ? int64_t{0} : it->second);
  }
  return count;
}

PromptDecision AcceptJobPrompts(const JobTemplateState& t, const LaunchPrompts& g,
                                const PromptOptions& options) {
  PromptDecision d;
  AcceptVariables(t, g.extra_vars ? *g.extra_vars : json::object{}, options, d);

  // One prompt: `same` = equal to the template's value (a no-op); `value` = as echoed in
  // ignored_fields; `accept` stores the accepted value.
  auto decide = [&](const std::string& name, bool same, json::value value, auto accept) {
    if (same) return;
    if (!t.Asks(name)) {
      d.ignored[name] = std::move(value);
      if (options.prompt_errors) AddError(d.errors, name, kNotPrompted);
      return;
    }
    accept();
  };
  if (g.inventory)
    decide("inventory", g.inventory == t.inventory, *g.inventory,
           [&] { d.accepted.inventory = g.inventory; });
  if (g.scm_branch) {
    const std::string& b = *g.scm_branch;
    bool same =
        b == t.scm_branch || (t.scm_branch.empty() && t.project && b == t.project_scm_branch);
    decide("scm_branch", same, json::string(b), [&] {
      if (!t.project) {
        d.ignored["scm_branch"] = json::string(b);
        AddError(d.errors, "scm_branch", "Project is missing.");
      } else if (b != t.project_scm_branch && !t.project_allow_override) {
        d.ignored["scm_branch"] = json::string(b);
        AddError(d.errors, "scm_branch", "Project does not allow override of branch.");
      } else {
        d.accepted.scm_branch = b;
      }
    });
  }
  if (g.diff_mode)
    decide("diff_mode", *g.diff_mode == t.diff_mode, *g.diff_mode,
           [&] { d.accepted.diff_mode = g.diff_mode; });
  auto text = [&](const char* name, const std::optional<std::string>& v, const std::string& cur,
                  std::optional<std::string>& out) {
    if (v) decide(name, *v == cur, json::string(*v), [&] { out = v; });
  };
  text("limit", g.limit, t.limit, d.accepted.limit);
  text("job_tags", g.job_tags, t.job_tags, d.accepted.job_tags);
  text("skip_tags", g.skip_tags, t.skip_tags, d.accepted.skip_tags);
  text("job_type", g.job_type, t.job_type, d.accepted.job_type);
  auto number = [&](const char* name, const std::optional<int64_t>& v, int64_t cur,
                    std::optional<int64_t>& out) {
    if (v) decide(name, *v == cur, *v, [&] { out = v; });
  };
  number("verbosity", g.verbosity, t.verbosity, d.accepted.verbosity);
  if (g.credentials) {
    std::vector<LaunchCredential> added;
    for (const auto& c : *g.credentials) {
      bool on_template = std::any_of(t.credentials.begin(), t.credentials.end(),
                                     [&](const LaunchCredential& x) { return x.id == c.id; });
      bool repeated = std::any_of(added.begin(), added.end(),
                                  [&](const LaunchCredential& x) { return x.id == c.id; });
      if (!on_template && !repeated) added.push_back(c);
    }
    if (!added.empty())
      decide("credentials", false, CredIds(added), [&] { d.accepted.credentials = added; });
  }
  if (g.execution_environment)
    decide("execution_environment", g.execution_environment == t.execution_environment,
           *g.execution_environment,
           [&] { d.accepted.execution_environment = g.execution_environment; });
  if (g.labels)
    decide("labels", SameSet(*g.labels, t.labels), Ids(*g.labels),
           [&] { d.accepted.labels = g.labels; });
  number("forks", g.forks, t.forks, d.accepted.forks);
  if (g.job_slice_count) {
    int64_t n = *g.job_slice_count;
    decide("job_slice_count", n == t.job_slice_count, n, [&] {
      if (n > 1 && EffectiveSliceCount(t, g) <= 1) {
        d.ignored["job_slice_count"] = n;
        AddError(d.errors, "job_slice_count",
                 "Job inventory does not have enough hosts for slicing");
      } else {
        d.accepted.job_slice_count = n;
      }
    });
  }
  number("timeout", g.timeout, t.timeout, d.accepted.timeout);
  if (g.instance_groups)
    decide("instance_groups", *g.instance_groups == t.instance_groups, Ids(*g.instance_groups),
           [&] { d.accepted.instance_groups = g.instance_groups; });

  if (options.prompt_errors && !t.Asks("credentials") && !PasswordsNeeded(t.credentials).empty())
    AddError(d.errors, "passwords_needed_to_start",
             "Saved launch configurations cannot provide passwords needed to start.");
  if (!t.project)
    AddError(d.errors, "resources_needed_to_start",
             "Job Template project is missing or undefined.");
  if (!t.inventory && !d.accepted.inventory)
    AddError(d.errors, "resources_needed_to_start",
             "Job Template inventory is missing or undefined.");
  return d;
}

std::vector<LaunchCredential> MergeCredentials(const std::vector<LaunchCredential>& from_template,
                                               const std::vector<LaunchCredential>& prompted) {
  std::vector<LaunchCredential> out;
  auto put = [&](const LaunchCredential& c) {
    for (auto& o : out)
      if (o.UniqueKey() == c.UniqueKey()) {
        o = c;
        return;
      }
    out.push_back(c);
  };
  for (const auto& c : from_template) put(c);
  for (const auto& c : prompted) put(c);
  return out;
}

std::vector<std::string> PasswordsNeeded(const std::vector<LaunchCredential>& creds) {
  std::vector<std::string> out;
  for (const auto& c : creds)
    out.insert(out.end(), c.passwords_needed.begin(), c.passwords_needed.end());
  return out;
}

json::object CheckLaunchCredentials(const JobTemplateState& t, const LaunchPrompts& given,
                                    const PromptDecision& decision, const json::object& passwords,
                                    json::object& errors) {
  static const std::set<std::string, std::less<>> kAllowed = {"ssh", "vault", "cloud", "net",
                                                              "kubernetes"};
  if (decision.accepted.credentials) {
    std::vector<std::string> seen;
    for (const auto& c : *decision.accepted.credentials) {
      if (std::find(seen.begin(), seen.end(), c.UniqueKey()) != seen.end())
        AddError(errors, "credentials",
                 "Cannot assign multiple " + c.UniqueDisplay() + " credentials.");
      if (!kAllowed.count(c.kind))
        AddError(errors, "credentials", "Cannot assign a Credential of kind `" + c.kind + "`");
      seen.push_back(c.UniqueKey());
    }
  }
  if (given.credentials) {
    std::vector<const LaunchCredential*> removed;
    for (const auto& c : t.credentials)
      if (std::none_of(given.credentials->begin(), given.credentials->end(),
                       [&](const LaunchCredential& x) { return x.id == c.id; }))
        removed.push_back(&c);
    std::string names;
    for (auto* c : removed)
      names += (names.empty() ? "" : ", ") + c->name + "-" + std::to_string(c->id);
    for (auto* c : removed) {
      bool replaced =
          std::any_of(given.credentials->begin(), given.credentials->end(),
                      [&](const LaunchCredential& x) { return x.UniqueKey() == c->UniqueKey(); });
      if (!replaced)
        AddError(errors, "credentials",
                 "Removing " + c->UniqueDisplay() +
                     " credential at launch time without replacement is not supported. Provided "
                     "list lacked credential(s): " +
                     names + ".");
    }
  }
  std::vector<LaunchCredential> launch =
      decision.accepted.credentials
          ? MergeCredentials(t.credentials, *decision.accepted.credentials)
          : t.credentials;
  json::object used;
  json::array lacking;
  for (const auto& p : PasswordsNeeded(launch)) {
    if (auto* v = passwords.if_contains(p))
      used[p] = *v;
    else
      lacking.push_back(json::string(p));
  }
  if (!lacking.empty()) errors["passwords_needed_to_start"] = std::move(lacking);
  return used;
}

std::vector<std::string> VariablesNeededToStart(const JobTemplateState& t) {
  if (!SurveyActive(t.survey_enabled, t.survey_spec)) return {};
  return RequiredVariables(t.survey_spec);
}

bool CanStartWithoutUserInput(const JobTemplateState& t) {
  return t.asks.empty() && PasswordsNeeded(t.credentials).empty() &&
         VariablesNeededToStart(t).empty();
}

json::object PromptedVarsForConfig(const JobTemplateState& t, const json::object& runtime,
                                   const Encryptor& encrypt) {
  if (!SurveyActive(t.survey_enabled, t.survey_spec)) return runtime;
  return EncryptPasswordAnswers(t.survey_spec, DropPasswordPlaceholders(t.survey_spec, runtime),
                                encrypt);
}

json::object BuildJobExtraVars(const JobTemplateState& t, const json::object& runtime,
                               const Encryptor& encrypt, const Decryptor& decrypt) {
  json::object vars = t.extra_vars;
  if (!SurveyActive(t.survey_enabled, t.survey_spec)) {
    for (auto& kv : runtime) vars[kv.key()] = kv.value();
    return vars;
  }
  for (auto& kv : SurveyDefaults(t.survey_spec, decrypt)) vars[kv.key()] = kv.value();
  for (auto& kv : PromptedVarsForConfig(t, runtime, encrypt)) vars[kv.key()] = kv.value();
  // Defaults may come back decrypted: every password answer leaves encrypted.
  return EncryptPasswordAnswers(t.survey_spec, vars, encrypt);
}

bool HasUserPrompts(const JobTemplateState& t, const json::object& config, bool only_unprompted) {
  bool skip_vars = false;
  if (t.survey_enabled && !t.Asks("extra_vars")) {
    skip_vars = true;
    std::set<std::string> survey_vars;
    if (auto* qs = SpecQuestions(t.survey_spec))
      for (const auto& q : *qs)
        if (q.is_object() && q.as_object().contains("variable"))
          survey_vars.insert(GetString(q.as_object(), "variable"));
    if (auto* v = config.if_contains("extra_vars");
        v && v->is_object() && !v->as_object().empty()) {
      if (!only_unprompted) return true;
      for (auto& kv : v->as_object())
        if (!survey_vars.count(std::string(kv.key()))) return true;
    }
  }
  for (const auto& [field, ask] : JobTemplateAskMapping()) {
    if (field == "extra_vars" && skip_vars) continue;
    if (config.contains(field) && !(t.Asks(field) && only_unprompted)) return true;
  }
  return false;
}

bool VarsAreEncrypted(const json::object& vars) {
  for (auto& kv : vars)
    if (kv.value().is_string() && kv.value().get_string().starts_with("$encrypted$")) return true;
  return false;
}

}  // namespace baton::domain
