// EX-19, EX-20, PF-24: artifacts inherited by a spawned node and effective artifacts.
#include <gtest/gtest.h>

#include <map>

#include "engine/artifacts.hpp"

namespace baton::engine {
namespace {

json::object Obj(std::string_view text) {
  return json::parse(text).as_object();
}

// [models/test_workflow.py::test_inherit_ancestor_artifacts_from_job]
TEST(InheritArtifacts, ParentAncestorsThenParentJob) {
  auto r = InheritArtifacts({{1, Obj(R"({"a":42})"), Obj(R"({"b":43})")}});
  EXPECT_EQ(r.artifacts, Obj(R"({"a":42,"b":43})"));
  EXPECT_TRUE(r.store);
  EXPECT_EQ(r.extra_vars, Obj(R"({"a":42,"b":43})"));
  EXPECT_TRUE(r.redacted_keys.empty());
}

// [::test_inherit_ancestor_artifacts_from_project_update]: a parent without artifacts passes
// its ancestors' through.
TEST(InheritArtifacts, ProjectUpdateParentPassesThrough) {
  auto r = InheritArtifacts({{1, Obj(R"({"a":42,"b":43})"), {}}});
  EXPECT_EQ(r.extra_vars, Obj(R"({"a":42,"b":43})"));
  EXPECT_TRUE(r.store);
}

// PF-24: all parents, ascending id, whatever the edge; a parent's job overrides what it inherited.
TEST(InheritArtifacts, AllParentsInIdOrderLaterWins) {
  auto r = InheritArtifacts({
      {9, Obj(R"({"x":"from 9 ancestors"})"), Obj(R"({"y":"from 9 job"})")},
      {3, Obj(R"({"x":"from 3 ancestors","y":"from 3 ancestors"})"), Obj(R"({"x":"from 3 job"})")},
  });
  EXPECT_EQ(r.artifacts, Obj(R"({"x":"from 9 ancestors","y":"from 9 job"})"));
  auto own = InheritArtifacts({{3, Obj(R"({"k":1})"), Obj(R"({"k":2})")}});
  EXPECT_EQ(own.artifacts, Obj(R"({"k":2})"));
}

TEST(InheritArtifacts, RootsAndEmptyStoreNothing) {
  EXPECT_FALSE(InheritArtifacts({}).store);
  EXPECT_FALSE(InheritArtifacts({{1, {}, {}}}).store);
}

TEST(InheritArtifacts, NoLogRedactsEveryOtherKey) {
  auto r = InheritArtifacts({{1, {}, Obj(R"({"_ansible_no_log":true,"token":"s","b":1})")}});
  EXPECT_EQ(r.extra_vars, Obj(R"({"token":"s","b":1})"));
  EXPECT_EQ(r.redacted_keys, (std::vector<std::string>{"b", "token"}));
  EXPECT_TRUE(r.artifacts.contains("_ansible_no_log"));
}

ArtifactJob JobWith(int64_t id, JobStatus s, int64_t finished, std::string_view artifacts) {
  return {ArtifactJob::Kind::kJob, id, s, finished, json::parse(artifacts)};
}

TEST(EffectiveArtifacts, JobAndOtherKinds) {
  SpawnedJobsLookup none = [](int64_t) { return std::vector<ArtifactJob>{}; };
  EXPECT_EQ(EffectiveArtifacts(JobWith(1, JobStatus::kSuccessful, 1, R"({"a":1})"), none),
            Obj(R"({"a":1})"));
  EXPECT_EQ(EffectiveArtifacts(JobWith(1, JobStatus::kSuccessful, 1, R"("text")"), none),
            json::object{});
  ArtifactJob update{ArtifactJob::Kind::kOther, 2, JobStatus::kSuccessful, 1,
                     json::parse(R"({"a":1})")};
  EXPECT_EQ(EffectiveArtifacts(update, none), json::object{});
}

// TestCombinedArtifacts: test_multiple_types, test_precedence_based_on_time,
// test_bad_data_with_artifacts.
TEST(EffectiveArtifacts, NestedWorkflowMergesByFinishTime) {
  std::map<int64_t, std::vector<ArtifactJob>> spawned;
  ArtifactJob wj{ArtifactJob::Kind::kWorkflowJob, 50, JobStatus::kSuccessful, 0, {}};
  ArtifactJob update{ArtifactJob::Kind::kOther, 2, JobStatus::kNew, 0, {}};
  spawned[50] = {JobWith(9, JobStatus::kSuccessful, 100, R"({"foooo":"bar"})"), update};
  SpawnedJobsLookup lookup = [&](int64_t id) { return spawned[id]; };
  EXPECT_EQ(EffectiveArtifacts(wj, lookup), Obj(R"({"foooo":"bar"})"));

  // a job with a lower id that finished later wins
  spawned[50].push_back(JobWith(3, JobStatus::kSuccessful, 200, R"({"foooo":"zoo"})"));
  EXPECT_EQ(EffectiveArtifacts(wj, lookup), Obj(R"({"foooo":"zoo"})"));

  // failed jobs count, error/canceled/running ones do not
  spawned[50].push_back(JobWith(4, JobStatus::kFailed, 300, R"({"f":1})"));
  spawned[50].push_back(JobWith(5, JobStatus::kError, 400, R"({"foooo":"err"})"));
  spawned[50].push_back(JobWith(6, JobStatus::kRunning, 0, R"({"foooo":"run"})"));
  EXPECT_EQ(EffectiveArtifacts(wj, lookup), Obj(R"({"foooo":"zoo","f":1})"));
}

TEST(EffectiveArtifacts, CorruptSelfNestingTerminates) {
  ArtifactJob wj{ArtifactJob::Kind::kWorkflowJob, 50, JobStatus::kSuccessful, 10, {}};
  SpawnedJobsLookup lookup = [&](int64_t) {
    return std::vector<ArtifactJob>{wj, JobWith(9, JobStatus::kSuccessful, 5, R"({"foo":"bar"})")};
  };
  EXPECT_EQ(EffectiveArtifacts(wj, lookup), Obj(R"({"foo":"bar"})"));
}

TEST(EffectiveArtifacts, DeeplyNested) {
  ArtifactJob outer{ArtifactJob::Kind::kWorkflowJob, 1, JobStatus::kSuccessful, 0, {}};
  ArtifactJob inner{ArtifactJob::Kind::kWorkflowJob, 2, JobStatus::kFailed, 50, {}};
  SpawnedJobsLookup lookup = [&](int64_t id) {
    if (id == 1)
      return std::vector<ArtifactJob>{inner, JobWith(7, JobStatus::kSuccessful, 10, R"({"a":0})")};
    return std::vector<ArtifactJob>{JobWith(8, JobStatus::kSuccessful, 40, R"({"a":2,"b":3})")};
  };
  EXPECT_EQ(EffectiveArtifacts(outer, lookup), Obj(R"({"a":2,"b":3})"));
}

}  // namespace
}  // namespace baton::engine
