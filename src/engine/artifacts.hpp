// Artifacts flowing down a workflow (workflow-semantics.md §2.10, EX-19, EX-20, PF-24): what a
// node inherits from its parents when it is spawned, and a job's effective artifacts (a nested
// workflow job's being the merge of its jobs'). Pure: the caller loads the parents' stored
// ancestor_artifacts and their jobs.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "engine/graph.hpp"

namespace baton::engine {

// One parent of the node being spawned (any edge type, DNR or not).
struct ParentArtifacts {
  NodeId node = 0;
  json::object ancestor_artifacts;  // the parent's stored ancestor_artifacts
  json::object job_artifacts;       // effective artifacts of the parent's job; {} without job
};

struct InheritedArtifacts {
  // `aa` of EX-19: per parent in ascending node id, its ancestor artifacts then its job's
  // artifacts, later keys overwriting earlier ones.
  json::object artifacts;
  // EX-19.2: store `artifacts` as the node's ancestor_artifacts (it has a parent and aa != {}).
  bool store = false;
  // EX-19.3: `artifacts` without `_ansible_no_log`, to merge into the launch extra vars of a JT
  // (after node vars, before WJ vars, LA-12) or a WFJT (LA-13); not applied for other types.
  json::object extra_vars;
  // EX-19.4: when aa has `_ansible_no_log`, every other key, to record as "$encrypted$" in the
  // job's survey_passwords. Sorted.
  std::vector<std::string> redacted_keys;
};

InheritedArtifacts InheritArtifacts(std::vector<ParentArtifacts> parents);

// A unified job as EX-20 sees it.
struct ArtifactJob {
  enum class Kind : uint8_t { kJob, kWorkflowJob, kOther };
  Kind kind = Kind::kOther;
  int64_t id = 0;
  JobStatus status = JobStatus::kNone;
  int64_t finished_us = 0;  // `finished` in microseconds since the epoch (0 if not finished)
  json::value artifacts;    // a Job's artifacts field as stored (any JSON)
};

// The jobs spawned by the nodes of a workflow job.
using SpawnedJobsLookup = std::function<std::vector<ArtifactJob>(int64_t workflow_job_id)>;

// EX-20: a Job's artifacts if they are an object, else {}; a workflow job's: the merge of the
// effective artifacts of its spawned jobs whose status is successful or failed, in (finished, id)
// order so the latest finisher wins, recursively, skipping workflow jobs already visited; any
// other kind: {}.
json::object EffectiveArtifacts(const ArtifactJob& job, const SpawnedJobsLookup& spawned);

}  // namespace baton::engine
