// Project updates: clone or update a git checkout under the projects root, record the revision,
// and list the playbooks and inventory files the checkout holds.
#pragma once
#include <string>
#include <vector>

#include "runner/job_runner.hpp"

namespace baton::runner {

class ProjectUpdateRunner : public JobRunner {
 public:
  std::string Type() const override { return "project_update"; }
  RunResult Run(RunContext& rc) override;
};

// Playbooks (relative paths, sorted) under `dir`: YAML files whose plays name hosts or import
// playbooks. Skips .git, roles/, group_vars/, host_vars/ and collections/.
std::vector<std::string> FindPlaybooks(const std::string& dir);
// Candidate inventory files under `dir` (not playbooks): INI-like files and YAML/JSON files.
std::vector<std::string> FindInventoryFiles(const std::string& dir);
// Directory name AWX gives an SCM project's checkout: "_<id>__<slug of name>".
std::string ScmLocalPath(int64_t project_id, const std::string& name);

}  // namespace baton::runner
