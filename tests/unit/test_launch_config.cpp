// The stored launch configuration (domain/launch_config.hpp): every scalar prompt the writer
// keeps, the reader gives back. The readers used to be two hand-written copies, and the one the
// slices of a sliced workflow job used had lost job_slice_count.
#include <gtest/gtest.h>

#include "domain/launch_config.hpp"

namespace baton::domain {
namespace {

TEST(LaunchConfig, EveryScalarPromptRoundTrips) {
  for (const ScalarPrompt& f : ScalarPrompts()) {
    LaunchPrompts p;
    json::value expected;
    if (f.text) p.*f.text = "value", expected = "value";
    if (f.number) p.*f.number = 7, expected = 7;
    if (f.flag) p.*f.flag = true, expected = true;
    json::object config;
    WriteScalarPrompts(p, config);
    ASSERT_EQ(config.size(), 1u) << f.name;
    EXPECT_EQ(config.at(f.name), expected) << f.name;
    LaunchPrompts back = ReadLaunchConfig(config).prompts;
    if (f.text) {
      EXPECT_EQ(back.*f.text, p.*f.text) << f.name;
    }
    if (f.number) {
      EXPECT_EQ(back.*f.number, p.*f.number) << f.name;
    }
    if (f.flag) {
      EXPECT_EQ(back.*f.flag, p.*f.flag) << f.name;
    }
  }
}

TEST(LaunchConfig, TheTableHoldsEveryScalarPromptOnce) {
  std::vector<std::string_view> names;
  for (const ScalarPrompt& f : ScalarPrompts()) {
    EXPECT_EQ((f.text != nullptr) + (f.number != nullptr) + (f.flag != nullptr), 1) << f.name;
    names.push_back(f.name);
  }
  const std::vector<std::string_view> expected = {
      "inventory", "limit",           "scm_branch", "job_tags",
      "skip_tags", "job_type",        "verbosity",  "diff_mode",
      "forks",     "job_slice_count", "timeout",    "execution_environment"};
  EXPECT_EQ(names, expected);
}

TEST(LaunchConfig, ReadsListsAndSkipsValuesOfTheWrongType) {
  json::object c = {{"extra_vars", json::object{{"a", 1}}},
                    {"forks", "many"},
                    {"limit", 3},
                    {"diff_mode", false},
                    {"credentials", json::array{4, "x", 5}},
                    {"labels", json::array{}},
                    {"instance_groups", json::array{9}}};
  StoredPrompts s = ReadLaunchConfig(c);
  EXPECT_EQ(s.prompts.extra_vars, (json::object{{"a", 1}}));
  EXPECT_FALSE(s.prompts.forks);
  EXPECT_FALSE(s.prompts.limit);
  EXPECT_EQ(s.prompts.diff_mode, false);
  EXPECT_EQ(s.credential_ids, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(s.prompts.labels, std::vector<int64_t>{});
  EXPECT_EQ(s.prompts.instance_groups, std::vector<int64_t>{9});
  EXPECT_FALSE(s.prompts.inventory);
}

}  // namespace
}  // namespace baton::domain
