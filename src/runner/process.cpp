#include "runner/process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

extern char** environ;

namespace baton::runner {
namespace {

// The NUL-separated environment of process `pid` ("" when it is gone or not readable).
std::string EnvironOf(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Does `env` hold the entry `entry` (or, with `prefix`, an entry starting with it)?
bool HasEnvEntry(const std::string& env, const std::string& entry, bool prefix) {
  size_t pos = 0;
  while ((pos = env.find(entry, pos)) != std::string::npos) {
    bool start = pos == 0 || env[pos - 1] == '\0';
    bool end = prefix || pos + entry.size() == env.size() || env[pos + entry.size()] == '\0';
    if (start && end) return true;
    pos += entry.size();
  }
  return false;
}

// The process group of `pid` from /proc/<pid>/stat; -1 when it is gone.
int64_t ProcessGroup(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  int64_t ppid = 0, pgrp = -1;
  rest >> state >> ppid >> pgrp;
  return pgrp;
}

}  // namespace

std::vector<std::string> BaseEnv() {
  std::vector<std::string> env;
  for (const char* k : {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}) {
    if (const char* v = std::getenv(k)) env.push_back(std::string(k) + "=" + v);
  }
  bool has_path = false;
  for (auto& e : env) has_path |= e.rfind("PATH=", 0) == 0;
  if (!has_path) env.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
  return env;
}

Result<Spawned> Spawn(const ProcessSpec& spec) {
  if (spec.argv.empty()) return Error::Detail(ErrorCode::kInternal, "empty command");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return Error::Detail(ErrorCode::kInternal, std::string("pipe: ") + strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, spec.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group (cancel signals the group); default signal mask and dispositions.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv, envp;
  for (auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env = spec.env.empty() ? BaseEnv() : spec.env;
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return Error::Detail(ErrorCode::kInternal,
                         "cannot start " + spec.argv[0] + ": " + strerror(rc));
  }
  return Spawned{pid, fds[0]};
}

Finished WaitWithOutput(const Spawned& p, const std::function<void(std::string_view)>& sink,
                        const std::function<bool()>& should_stop, int64_t timeout_ms,
                        int grace_ms) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  Finished out;
  Clock::time_point term_at{};
  bool killed = false;
  char buf[16384];
  bool open = true;
  while (open) {
    pollfd pfd{p.out_fd, POLLIN, 0};
    int n = poll(&pfd, 1, 100);
    if (n > 0) {
      ssize_t r = read(p.out_fd, buf, sizeof buf);
      if (r > 0)
        sink(std::string_view(buf, r));
      else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
        open = false;
    }
    auto now = Clock::now();
    bool stop = should_stop && should_stop();
    bool timed_out = timeout_ms > 0 && now - start > std::chrono::milliseconds(timeout_ms);
    if ((stop || timed_out) && term_at == Clock::time_point{}) {
      out.ending = stop ? Ending::kCanceled : Ending::kTimedOut;
      kill(-p.pid, SIGTERM);
      term_at = now;
    }
    if (term_at != Clock::time_point{} && !killed &&
        now - term_at > std::chrono::milliseconds(grace_ms)) {
      kill(-p.pid, SIGKILL);
      killed = true;
    }
  }
  close(p.out_fd);
  int status = 0;
  while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return out;
}

std::pair<int, std::string> RunCapture(const ProcessSpec& spec) {
  auto sp = Spawn(spec);
  if (!sp.ok()) return {-1, std::string(sp.error().body.as_object().at("detail").as_string())};
  std::string output;
  auto f = WaitWithOutput(
      sp.value(), [&](std::string_view c) { output += c; }, nullptr, 0);
  return {f.exit_code, output};
}

int KillLeftovers(int64_t pgid, int64_t job_id, const std::string& run_root) {
  if (pgid <= 1 && run_root.empty()) return 0;
  std::string marker = "BATON_JOB_ID=" + std::to_string(job_id);
  std::string run_dir = run_root.empty() ? "" : "AWX_PRIVATE_DATA_DIR=" + run_root + "/";
  int killed = 0;
  // Processes already signalled: SIGKILL is delivered asynchronously, so the next scan may
  // still see one (regression: counted twice under load).
  std::set<int64_t> signalled;
  // Scans again while a scan finds something: a process may fork while it is being killed.
  for (int round = 0; round < 10; ++round) {
    int found = 0;
    // Plain readdir: an error of the iterator (std::filesystem stops at one) must not end the
    // scan early; entries of processes that exit meanwhile are simply skipped.
    DIR* proc = opendir("/proc");
    if (!proc) break;
    while (dirent* entry = readdir(proc)) {
      std::string name = entry->d_name;
      if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
      int64_t pid = std::stoll(name);
      if (signalled.count(pid)) continue;
      std::string env = EnvironOf(pid);
      if (!HasEnvEntry(env, marker, false)) continue;
      // ansible-runner starts ansible-playbook in a session of its own (a pty): the process
      // group alone misses it and everything it runs; the run directory finds them.
      bool in_group = pgid > 1 && ProcessGroup(pid) == pgid;
      if (!in_group && (run_dir.empty() || !HasEnvEntry(env, run_dir, true))) continue;
      if (kill(static_cast<pid_t>(pid), SIGKILL) == 0) {
        signalled.insert(pid);
        ++found;
      }
    }
    closedir(proc);
    if (found == 0) break;
    killed += found;
  }
  return killed;
}

}  // namespace baton::runner
