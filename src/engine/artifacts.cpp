#include "engine/artifacts.hpp"

#include <algorithm>
#include <unordered_set>

namespace baton::engine {

namespace {

constexpr std::string_view kNoLog = "_ansible_no_log";

void MergeInto(json::object& into, const json::object& from) {
  for (const auto& kv : from) into[kv.key()] = kv.value();
}

json::object Effective(const ArtifactJob& job, const SpawnedJobsLookup& spawned,
                       std::unordered_set<int64_t>& visiting) {
  switch (job.kind) {
    case ArtifactJob::Kind::kJob:
      return job.artifacts.is_object() ? job.artifacts.get_object() : json::object{};
    case ArtifactJob::Kind::kOther:
      return {};
    case ArtifactJob::Kind::kWorkflowJob:
      break;
  }
  if (!visiting.insert(job.id).second) return {};
  std::vector<ArtifactJob> jobs = spawned(job.id);
  std::erase_if(jobs, [](const ArtifactJob& j) {
    return j.status != JobStatus::kSuccessful && j.status != JobStatus::kFailed;
  });
  std::sort(jobs.begin(), jobs.end(), [](const ArtifactJob& a, const ArtifactJob& b) {
    return a.finished_us != b.finished_us ? a.finished_us < b.finished_us : a.id < b.id;
  });
  json::object merged;
  for (const ArtifactJob& j : jobs) MergeInto(merged, Effective(j, spawned, visiting));
  return merged;
}

}  // namespace

InheritedArtifacts InheritArtifacts(std::vector<ParentArtifacts> parents) {
  std::stable_sort(
      parents.begin(), parents.end(),
      [](const ParentArtifacts& a, const ParentArtifacts& b) { return a.node < b.node; });
  InheritedArtifacts out;
  for (const ParentArtifacts& p : parents) {
    MergeInto(out.artifacts, p.ancestor_artifacts);
    MergeInto(out.artifacts, p.job_artifacts);
  }
  out.store = !parents.empty() && !out.artifacts.empty();
  out.extra_vars = out.artifacts;
  out.extra_vars.erase(kNoLog);
  if (out.artifacts.contains(kNoLog)) {
    for (const auto& kv : out.extra_vars) out.redacted_keys.emplace_back(kv.key());
    std::sort(out.redacted_keys.begin(), out.redacted_keys.end());
  }
  return out;
}

json::object EffectiveArtifacts(const ArtifactJob& job, const SpawnedJobsLookup& spawned) {
  std::unordered_set<int64_t> visiting;
  return Effective(job, spawned, visiting);
}

}  // namespace baton::engine
