// KillLeftovers (restart reconciliation): after a kill -9 of the server, what is left of a job
// must go, including ansible-playbook, which ansible-runner starts in a session of its own (the
// regression: only the runner's process group was killed, the playbook and its tasks ran on),
// and nothing of another server's job with the same id.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "runner/process.hpp"

namespace baton::runner {
namespace {

// `sleep 60` with the given environment, in a new session (as pexpect starts ansible-playbook)
// or in a new process group.
pid_t SpawnSleeper(const std::vector<std::string>& env, bool new_session) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (new_session) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  } else {
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  }
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>("sleep"), const_cast<char*>("60"), nullptr};
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "sleep", nullptr, &attr, argv, envp.data());
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return -1;
  // posix_spawn returns while the kernel is still setting up the new image, when
  // /proc/<pid>/environ still reads empty: wait until it shows (regression: the tests failed
  // about half of the time, finding nothing to kill).
  for (int i = 0; i < 2000; ++i) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
    if (in.peek() != std::ifstream::traits_type::eof()) break;
    usleep(1000);
  }
  return pid;
}

// Was `pid` killed by SIGKILL? (reaps it; kills it first when `cleanup` and it still runs)
bool DiedOfSigkill(pid_t pid, bool cleanup = false) {
  int status = 0;
  if (cleanup && waitpid(pid, &status, WNOHANG) == 0) {
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    return false;
  }
  if (!cleanup) waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

struct KillLeftoversTest : ::testing::Test {
  // A job id no real server on this machine uses.
  int64_t job = 900000000 + getpid();
  std::string marker = "BATON_JOB_ID=" + std::to_string(job);
  std::string root = "/tmp/baton-kill-leftovers-" + std::to_string(getpid()) + "/run";
};

TEST_F(KillLeftoversTest, KillsAPlaybookInASessionOfItsOwnThroughTheRunDirectory) {
  pid_t playbook =
      SpawnSleeper({"PATH=/usr/bin:/bin", marker, "AWX_PRIVATE_DATA_DIR=" + root + "/run-x"}, true);
  ASSERT_GT(playbook, 0);
  // The recorded pid (the runner's group) is gone: only the run directory finds the playbook.
  EXPECT_EQ(KillLeftovers(0, job, root), 1);
  EXPECT_TRUE(DiedOfSigkill(playbook));
}

TEST_F(KillLeftoversTest, LeavesAnotherServersJobWithTheSameIdAlone) {
  pid_t other = SpawnSleeper(
      {"PATH=/usr/bin:/bin", marker, "AWX_PRIVATE_DATA_DIR=/tmp/elsewhere/run/run-x"}, true);
  ASSERT_GT(other, 0);
  EXPECT_EQ(KillLeftovers(0, job, root), 0);
  EXPECT_EQ(KillLeftovers(0, job, ""), 0);
  EXPECT_FALSE(DiedOfSigkill(other, /*cleanup=*/true));
}

TEST_F(KillLeftoversTest, KillsTheRecordedProcessGroupAndNeedsTheJobMarker) {
  pid_t unmarked = SpawnSleeper({"PATH=/usr/bin:/bin"}, false);
  ASSERT_GT(unmarked, 0);
  EXPECT_EQ(KillLeftovers(unmarked, job, root), 0);
  EXPECT_FALSE(DiedOfSigkill(unmarked, /*cleanup=*/true));

  pid_t runner = SpawnSleeper({"PATH=/usr/bin:/bin", marker}, false);
  ASSERT_GT(runner, 0);
  EXPECT_EQ(KillLeftovers(runner, job, root), 1);
  EXPECT_TRUE(DiedOfSigkill(runner));
}

}  // namespace
}  // namespace baton::runner
