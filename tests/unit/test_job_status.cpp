// The one job status enum (core/job_status.hpp) and its SQL lists (store/job_status_sql.hpp).
#include <gtest/gtest.h>

#include "core/job_status.hpp"
#include "store/job_status_sql.hpp"

namespace baton {
namespace {

struct Row {
  const char* word;
  bool active, finished, fail_like, blocks_deletion;
};

// ST-1 and AWX's ACTIVE_STATES (new, pending, waiting, running).
const Row kRows[] = {
    {"new", true, false, false, false},        {"pending", true, false, false, true},
    {"waiting", true, false, false, true},     {"running", true, false, false, true},
    {"successful", false, true, false, false}, {"failed", false, true, true, false},
    {"error", false, true, true, false},       {"canceled", false, true, true, false},
};

TEST(JobStatus, EveryStoredWordRoundTripsWithItsPredicates) {
  ASSERT_EQ(std::size(kRows), kJobStatuses.size());
  for (size_t i = 0; i < std::size(kRows); ++i) {
    const Row& r = kRows[i];
    auto s = ParseJobStatus(r.word);
    ASSERT_TRUE(s) << r.word;
    EXPECT_EQ(*s, kJobStatuses[i]) << r.word;
    EXPECT_EQ(ToString(*s), r.word);
    EXPECT_EQ(IsActive(*s), r.active) << r.word;
    EXPECT_EQ(IsActiveStatus(r.word), r.active) << r.word;
    EXPECT_EQ(IsFinished(*s), r.finished) << r.word;
    EXPECT_EQ(IsFailLike(*s), r.fail_like) << r.word;
    EXPECT_EQ(BlocksDeletion(*s), r.blocks_deletion) << r.word;
  }
}

TEST(JobStatus, NoneIsNoJobAndUnknownWordsAreRejected) {
  EXPECT_EQ(ToString(JobStatus::kNone), "none");
  EXPECT_FALSE(IsActive(JobStatus::kNone));
  EXPECT_FALSE(IsFinished(JobStatus::kNone));
  EXPECT_FALSE(ParseJobStatus("Running"));
  EXPECT_FALSE(ParseJobStatus(""));
  EXPECT_FALSE(IsActiveStatus("bogus"));
}

TEST(JobStatus, SqlListsComeFromTheEnum) {
  EXPECT_EQ(store::ActiveStatusList(), "('new', 'pending', 'waiting', 'running')");
  EXPECT_EQ(store::StatusList({JobStatus::kNew, JobStatus::kPending}), "('new', 'pending')");
}

}  // namespace
}  // namespace baton
