// The plan of one job run (pure): from a JobSpec (the job's row, its project checkout, its
// inventory document and its decrypted credentials and passwords) to the files of the private
// data directory, the ansible-runner command line and its environment. Nothing here touches the
// filesystem, the database or a process; playbook_run.cpp executes the plan.
//
// The private data directory follows ansible-runner's layout:
//   project -> the project's checkout (a symlink, see RunPlan::project_link)
//   inventory/hosts   the inventory script document as an executable script (0700)
//   env/extravars     AWX's awx_* / tower_* variables overridden by the job's extra_vars
//   env/passwords     prompt regex -> answer (ssh, become, vault, key passphrase)
//   env/ssh_key       the machine credential's private key (0600)
//   env/cmdline       the ansible-playbook options (AWX's RunJob.build_args)
//   env/envvars       variables injected by credentials
//   env/settings      ansible-runner settings (pexpect)
//   env/cred_*        files of credential injectors
//   artifacts/<job id>/fact_cache/<host>  the hosts' stored facts (use_fact_cache)
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "runner/credential_injection.hpp"

namespace baton::runner {

struct JobSpec {
  int64_t job_id = 0;
  std::string private_dir;       // absolute path of the job's private data directory
  std::string project_dir;       // absolute path of the project's checkout
  std::string playbook;          // relative to the project
  std::string job_type = "run";  // run | check
  int64_t forks = 0;
  int64_t verbosity = 0;
  std::string limit, job_tags, skip_tags, start_at_task;
  bool become_enabled = false;
  bool diff_mode = false;
  bool force_handlers = false;
  bool use_fact_cache = false;
  // Stored ansible_facts of the inventory's hosts (name -> facts), for use_fact_cache.
  std::vector<std::pair<std::string, json::object>> facts;
  json::object extra_vars;        // the job's extra_vars, survey passwords decrypted
  json::object meta_vars;         // awx_* / tower_* variables (extra_vars override them)
  json::object launch_passwords;  // start_args: ssh_password, become_password, vault_password,
                                  // vault_password.<vault_id>, ssh_key_unlock
  std::vector<JobCredential> credentials;  // in attachment order
  json::object inventory;                  // the inventory script document
  int64_t inventory_id = 0;
  std::string project_revision;
  std::vector<std::string> base_env;  // NAME=value inherited by the run (PATH, HOME, LANG ...)
  std::string ansible_runner = "ansible-runner";
  int pexpect_timeout = 10;  // seconds ansible-runner waits for a prompt to be answered
};

struct RunPlan {
  std::vector<PlanFile> files;  // written below private_dir with their modes
  std::string project_link;     // "project" is a symlink to this directory
  std::vector<std::string> argv;
  std::vector<std::string> env;      // NAME=value of the ansible-runner process
  std::string cwd;                   // where ansible-runner runs
  std::string job_cwd;               // where ansible-playbook runs (the project)
  std::vector<std::string> cmdline;  // ansible-playbook options, as in env/cmdline
  json::object job_env;              // the run's environment with secret values hidden
  std::string fact_cache;            // the run's fact cache directory, relative to the private dir
  std::vector<std::string> password_keys;  // which passwords were provided (ssh_password ...)
};

// Errors (400-style messages): a username or become method carrying a Jinja expression, two
// vault credentials with one vault id, a credential template that cannot be rendered.
Result<RunPlan> BuildRunPlan(const JobSpec& spec);

// The prompt regexes AWX answers (RunJob.get_password_prompts) mapped to the answers given in
// `passwords` ('' when not given).
json::object PasswordPrompts(const json::object& passwords);

// Can `name` be a file name of the fact cache (no separator, not hidden)?
bool FactCacheName(const std::string& name);

// Shell-quotes `args` as one line (ansible-runner splits env/cmdline with shlex).
std::string ShellJoin(const std::vector<std::string>& args);

}  // namespace baton::runner
