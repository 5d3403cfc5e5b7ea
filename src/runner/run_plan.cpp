#include "runner/run_plan.hpp"

#include <algorithm>
#include <set>

#include "domain/credential_env.hpp"

namespace baton::runner {
namespace {

// AWX's PRIVILEGE_ESCALATION_METHODS, in order.
constexpr const char* kBecomeMethods[] = {"sudo", "su",    "pbrun",      "pfexec",
                                          "dzdo", "pmrun", "runas",      "enable",
                                          "doas", "ksu",   "machinectl", "sesu"};

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  return Dump(*v);
}

bool HasJinja(const std::string& s) {
  return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos;
}

const JobCredential* FirstOfKind(const JobSpec& spec, std::string_view kind) {
  for (const auto& c : spec.credentials)
    if (c.kind == kind) return &c;
  return nullptr;
}

// AWX's RunJob.build_passwords: which passwords the run can answer, in prompt order.
Result<std::vector<std::pair<std::string, std::string>>> Passwords(const JobSpec& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  auto given = [&](const std::string& field, const std::string& stored) {
    const json::value* v = spec.launch_passwords.if_contains(field);
    return v && v->is_string() ? std::string(v->as_string()) : stored;
  };
  auto has = [&](const std::string& field) {
    return std::any_of(out.begin(), out.end(), [&](auto& p) { return p.first == field; });
  };
  if (const JobCredential* m = FirstOfKind(spec, "ssh")) {
    for (std::string field :
         {"ssh_key_unlock", "ssh_password", "become_password", "vault_password"}) {
      std::string value =
          given(field, Str(m->inputs, field == "ssh_password" ? "password" : field));
      if (!value.empty() && value != "ASK") out.emplace_back(field, value);
    }
  }
  for (const auto& c : spec.credentials) {
    if (c.kind != "vault") continue;
    std::string field = "vault_password";
    std::string vault_id = Str(c.inputs, "vault_id");
    if (!vault_id.empty()) {
      field = "vault_password." + vault_id;
      if (has(field))
        return Error::Msg("multiple vault credentials were specified with --vault-id " + vault_id +
                          "@prompt");
    }
    std::string value = given(field, Str(c.inputs, "vault_password"));
    if (!value.empty() && value != "ASK" && !has(field)) out.emplace_back(field, value);
  }
  if (!has("ssh_key_unlock")) {
    for (const auto& c : spec.credentials) {
      if (c.kind != "net" || Str(c.inputs, "ssh_key_unlock").empty()) continue;
      out.emplace_back("ssh_key_unlock", given("ssh_key_unlock", Str(c.inputs, "ssh_key_unlock")));
      break;
    }
  }
  return out;
}

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("@%+=:,./_-").find(c) != std::string_view::npos;
      }))
    return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\"'\"'";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace

bool FactCacheName(const std::string& name) {
  return !name.empty() && name[0] != '.' && name.find('/') == std::string::npos;
}

std::string ShellJoin(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(a);
  }
  return out;
}

json::object PasswordPrompts(const json::object& passwords) {
  json::object d;
  auto answer = [&](std::string_view field) {
    return field.empty() ? std::string() : Str(passwords, field);
  };
  d[R"(Enter passphrase for .*:\s*?$)"] = answer("ssh_key_unlock");
  d[R"(Bad passphrase, try again for .*:\s*?$)"] = "";
  for (const char* m : kBecomeMethods) {
    std::string upper = m;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    d[std::string(m) + R"( password.*:\s*?$)"] = answer("become_password");
    d[upper + R"( password.*:\s*?$)"] = answer("become_password");
  }
  d[R"(BECOME password.*:\s*?$)"] = answer("become_password");
  d[R"(SSH password:\s*?$)"] = answer("ssh_password");
  d[R"(Password:\s*?$)"] = answer("ssh_password");
  d[R"(Vault password:\s*?$)"] = answer("vault_password");
  for (auto& kv : passwords) {
    std::string k(kv.key());
    if (k.rfind("vault_password.", 0) != 0) continue;
    std::string id = k.substr(std::string("vault_password.").size());
    d[R"(Vault password \()" + id + R"(\):\s*?$)"] = answer(k);
  }
  return d;
}

Result<RunPlan> BuildRunPlan(const JobSpec& spec) {
  RunPlan plan;
  const std::string& dir = spec.private_dir;
  plan.project_link = spec.project_dir;
  plan.cwd = dir;
  plan.job_cwd = dir + "/project";

  // Inventory: the script document printed by a script ansible's script plugin runs.
  plan.files.push_back({"inventory/hosts",
                        "#!/bin/sh\ncat <<'BATON_INVENTORY_EOF'\n" + Dump(spec.inventory) +
                            "\nBATON_INVENTORY_EOF\n",
                        0700});

  // Extra variables: AWX's meta variables, overridden by the job's own.
  json::object extravars = spec.meta_vars;
  for (auto& kv : spec.extra_vars) extravars[kv.key()] = kv.value();
  plan.files.push_back({"env/extravars", Dump(extravars), 0600});

  // Passwords answered at the prompts.
  BATON_ASSIGN(auto passwords, Passwords(spec));
  json::object pw;
  for (auto& [k, v] : passwords) {
    pw[k] = v;
    plan.password_keys.push_back(k);
  }
  plan.files.push_back({"env/passwords", Dump(PasswordPrompts(pw)), 0600});
  plan.files.push_back({"env/settings",
                        Dump(json::object{{"pexpect_timeout", spec.pexpect_timeout},
                                          {"pexpect_use_poll", true},
                                          {"suppress_output_file", true}}),
                        0600});

  // Options of ansible-playbook (AWX's RunJob.build_args).
  const JobCredential* machine = FirstOfKind(spec, "ssh");
  std::string ssh_user, become_method, become_user;
  if (machine) {
    ssh_user = Str(machine->inputs, "username");
    become_method = Str(machine->inputs, "become_method");
    become_user = Str(machine->inputs, "become_username");
  }
  if (ssh_user.empty()) ssh_user = "root";
  for (const std::string* s : {&ssh_user, &become_method, &become_user})
    if (HasJinja(*s)) return Error::Msg("Inline Jinja variables are not allowed.");
  auto& a = plan.cmdline;
  auto has_pw = [&](std::string_view k) {
    return std::find(plan.password_keys.begin(), plan.password_keys.end(), k) !=
           plan.password_keys.end();
  };
  if (spec.job_type == "check") a.push_back("--check");
  a.insert(a.end(), {"-u", ssh_user});
  if (has_pw("ssh_password")) a.push_back("--ask-pass");
  if (spec.become_enabled) a.push_back("--become");
  if (spec.diff_mode) a.push_back("--diff");
  if (!become_method.empty()) a.insert(a.end(), {"--become-method", become_method});
  if (!become_user.empty()) a.insert(a.end(), {"--become-user", become_user});
  if (has_pw("become_password")) a.push_back("--ask-become-pass");
  for (auto& [k, v] : passwords) {
    if (k == "vault_password")
      a.push_back("--ask-vault-pass");
    else if (k.rfind("vault_password.", 0) == 0)
      a.insert(a.end(), {"--vault-id", k.substr(15) + "@prompt"});
  }
  if (spec.forks > 0) a.push_back("--forks=" + std::to_string(spec.forks));
  if (spec.force_handlers) a.push_back("--force-handlers");
  if (!spec.limit.empty()) a.insert(a.end(), {"-l", spec.limit});
  if (spec.verbosity > 0)
    a.push_back("-" + std::string(static_cast<size_t>(std::min<int64_t>(5, spec.verbosity)), 'v'));
  if (!spec.job_tags.empty()) a.insert(a.end(), {"-t", spec.job_tags});
  if (!spec.skip_tags.empty()) a.push_back("--skip-tags=" + spec.skip_tags);
  if (!spec.start_at_task.empty()) a.push_back("--start-at-task=" + spec.start_at_task);

  // The machine credential's key: ansible-runner loads it into an ssh-agent for the run.
  if (machine) {
    std::string key = Str(machine->inputs, "ssh_key_data");
    if (!key.empty()) {
      if (key.back() != '\n') key += '\n';
      plan.files.push_back({"env/ssh_key", key, 0600});
    }
  }

  // Credential injectors.
  Injection inj;
  for (const auto& c : spec.credentials) BATON_TRY(InjectCredential(c, dir, inj));
  a.insert(a.end(), inj.args.begin(), inj.args.end());
  plan.files.push_back({"env/cmdline", ShellJoin(a), 0600});

  // Environment: the process's own (no secrets) and the injected one in env/envvars.
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& e : spec.base_env) {
    size_t eq = e.find('=');
    if (eq != std::string::npos) env.emplace_back(e.substr(0, eq), e.substr(eq + 1));
  }
  std::string id = std::to_string(spec.job_id);
  env.emplace_back("BATON_JOB_ID", id);
  env.emplace_back("JOB_ID", id);
  env.emplace_back("INVENTORY_ID", std::to_string(spec.inventory_id));
  env.emplace_back("PROJECT_REVISION", spec.project_revision);
  env.emplace_back("ANSIBLE_RETRY_FILES_ENABLED", "False");
  env.emplace_back("MAX_EVENT_RES", "700000");
  env.emplace_back("AWX_PRIVATE_DATA_DIR", dir);
  for (auto& [k, v] : env) {
    plan.env.push_back(k + "=" + v);
    plan.job_env[k] = SafeEnvValue(k, v);
  }
  json::object envvars;
  for (size_t i = 0; i < inj.env.size(); ++i) {
    const auto& [k, v] = inj.env[i];
    if (domain::IsIgnoredByRun(k)) continue;
    envvars[k] = v;
    plan.job_env[k] = inj.safe_env[i].second;
  }
  if (!envvars.empty()) plan.files.push_back({"env/envvars", Dump(envvars), 0600});
  plan.files.insert(plan.files.end(), inj.files.begin(), inj.files.end());

  // ansible-runner's jsonfile fact cache lives in artifacts/<ident>/fact_cache: the job id as
  // ident makes it known in advance (AWX's use_fact_cache).
  std::string ident = std::to_string(spec.job_id);
  plan.fact_cache = "artifacts/" + ident + "/fact_cache";
  if (spec.use_fact_cache)
    for (const auto& [host, facts] : spec.facts)
      if (FactCacheName(host))
        plan.files.push_back({plan.fact_cache + "/" + host, Dump(facts), 0600});

  plan.argv = {spec.ansible_runner, "run", "-j", "--ident", ident, "-p", spec.playbook, dir};
  return plan;
}

}  // namespace baton::runner
