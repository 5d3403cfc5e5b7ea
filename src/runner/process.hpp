// Child processes: posix_spawn (never fork), stdout and stderr merged into one pipe, a new
// process group so that cancel reaches every descendant.
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace baton::runner {

struct ProcessSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value"; empty = inherit nothing but PATH, HOME, LANG
  std::string cwd;
};

struct Spawned {
  pid_t pid = -1;
  int out_fd = -1;  // read end of the merged stdout/stderr pipe
};

Result<Spawned> Spawn(const ProcessSpec& spec);

// Why a wait ended.
enum class Ending { kExited, kTimedOut, kCanceled };

struct Finished {
  Ending ending = Ending::kExited;
  int exit_code = -1;  // -signal when killed by a signal
};

// Reads the child's output until it exits, calling `sink` with each chunk. `should_stop` is
// polled about every 100 ms; when it returns true the process group gets SIGTERM, then SIGKILL
// after `grace_ms`. A positive `timeout_ms` does the same when it elapses.
Finished WaitWithOutput(const Spawned& p, const std::function<void(std::string_view)>& sink,
                        const std::function<bool()>& should_stop, int64_t timeout_ms,
                        int grace_ms = 5000);

// Convenience: runs to completion and returns (exit code, output).
std::pair<int, std::string> RunCapture(const ProcessSpec& spec);

// Kills what is left of a job: processes whose environment carries BATON_JOB_ID=<job_id> (pids
// get reused; the marker proves ownership) and that are in process group `pgid` (the job's
// ansible-runner; <= 1 for none) or, when `run_root` is given, have an AWX_PRIVATE_DATA_DIR
// under it: ansible-runner starts ansible-playbook in a session of its own (a pty), which the
// group misses; other servers on the machine number their jobs from 1 too. Returns how many
// were signalled (SIGKILL).
int KillLeftovers(int64_t pgid, int64_t job_id, const std::string& run_root = "");

// The default environment for children (PATH, HOME, LANG from this process).
std::vector<std::string> BaseEnv();

}  // namespace baton::runner
