// A launch configuration as stored on a job (DM-21): the accepted prompts keyed by prompt name,
// ids for objects. The scalar prompts are declared once here, in the order a stored
// configuration lists them; the writer (CreateJob) and every reader (relaunch, sliced workflow
// slices) go through this table, so a prompt added here is kept and read back everywhere.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "domain/prompts.hpp"

namespace baton::domain {

// A prompt with one value: text, a number (ids included) or a flag; exactly one member is set.
struct ScalarPrompt {
  std::string_view name;
  std::optional<std::string> LaunchPrompts::*text = nullptr;
  std::optional<int64_t> LaunchPrompts::*number = nullptr;
  std::optional<bool> LaunchPrompts::*flag = nullptr;
};

// inventory, limit, scm_branch, job_tags, skip_tags, job_type, verbosity, diff_mode, forks,
// job_slice_count, timeout, execution_environment.
const std::vector<ScalarPrompt>& ScalarPrompts();

// Writes the given scalar prompts of `p` into `config`, in the table's order.
void WriteScalarPrompts(const LaunchPrompts& p, json::object& config);

// A stored configuration read back as prompts. Credentials come back as ids
// (`credential_ids`) for the caller to resolve; values of the wrong type are skipped.
struct StoredPrompts {
  LaunchPrompts prompts;
  std::optional<std::vector<int64_t>> credential_ids;
};
StoredPrompts ReadLaunchConfig(const json::object& config);

}  // namespace baton::domain
