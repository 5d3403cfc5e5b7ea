// The one credential environment block list (domain/credential_env.hpp), shared by credential
// type validation and the run plan.
#include <gtest/gtest.h>

#include "domain/credential_env.hpp"

namespace baton::domain {
namespace {

struct Row {
  const char* name;
  bool blocked;  // refused by credential type validation
  bool ignored;  // dropped from a run's injected environment
};

const Row kRows[] = {
    {"PATH", true, true},
    {"SUPERVISOR_WEB_CONFIG_PATH", true, true},  // was missing from the runner's copy
    {"AWX_HOST", true, true},
    {"HOME", false, true},  // set by the run itself
    {"BATON_JOB_ID", false, true},
    {"AWX_PRIVATE_DATA_DIR", false, true},
    {"ANSIBLE_CONFIG", false, true},  // refused with its own message by validation
    {"ANSIBLE_NET_USERNAME", false, false},
    {"MY_TOKEN", false, false},
    {"path", false, false},
};

TEST(CredentialEnv, OneBlockListForValidationAndRuns) {
  for (const auto& r : kRows) {
    EXPECT_EQ(IsBlockedCredentialEnv(r.name), r.blocked) << r.name;
    EXPECT_EQ(IsIgnoredByRun(r.name), r.ignored) << r.name;
  }
}

}  // namespace
}  // namespace baton::domain
