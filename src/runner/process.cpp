#include "runner/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

extern char** environ;

namespace baton::runner {

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
  if (spec.argv.empty()) return Error::Detail(500, "empty command");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return Error::Detail(500, std::string("pipe: ") + strerror(errno));
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
    return Error::Detail(500, "cannot start " + spec.argv[0] + ": " + strerror(rc));
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

}  // namespace baton::runner
