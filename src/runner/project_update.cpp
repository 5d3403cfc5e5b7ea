#include "runner/project_update.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/secrets.hpp"
#include "runner/process.hpp"

namespace baton::runner {
namespace fs = std::filesystem;

namespace {

bool Skipped(const fs::path& rel) {
  for (const auto& part : rel) {
    std::string p = part.string();
    if (p == ".git" || p == "roles" || p == "group_vars" || p == "host_vars" ||
        p == "collections" || p == "node_modules" || (p.size() > 1 && p[0] == '.' && p != ".."))
      return true;
  }
  return false;
}

bool LooksLikePlaybook(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  static const std::regex kPlay(R"(^\s*-?\s*(hosts|import_playbook|include)\s*:)");
  int n = 0;
  while (std::getline(in, line) && ++n < 2000)
    if (std::regex_search(line, kPlay)) return true;
  return false;
}

template <class Pred>
std::vector<std::string> Walk(const std::string& dir, Pred pred) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it =
           fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    fs::path rel = fs::relative(it->path(), dir, ec);
    if (Skipped(rel)) continue;
    if (pred(it->path(), rel)) out.push_back(rel.generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A private directory (0700) for the secrets of one run, removed when the run ends.
class PrivateDir {
 public:
  explicit PrivateDir(const std::string& parent) {
    path_ = fs::path(parent) / ("run-" + RandomAlnum(12));
    fs::create_directories(path_);
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::replace);
  }
  ~PrivateDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  // Writes a file readable by the owner only (0600, or 0700 for scripts).
  std::string Write(const std::string& name, const std::string& content, bool exec = false) {
    fs::path p = path_ / name;
    {
      std::ofstream out(p, std::ios::trunc);
      out << content;
    }
    fs::permissions(p,
                    exec ? fs::perms::owner_all : (fs::perms::owner_read | fs::perms::owner_write),
                    fs::perm_options::replace);
    return p.string();
  }

 private:
  fs::path path_;
};

// The Source Control credential of an update, decrypted: username, password, ssh_key_data,
// ssh_key_unlock. Empty when the update has none.
Result<json::object> ScmCredential(store::Connection& db, const std::string& key, int64_t job_id) {
  auto rows = db.Query(
      "SELECT c.inputs, ct.inputs, ct.kind FROM unified_jobs j JOIN credentials c ON c.id = "
      "j.credential_id JOIN credential_types ct ON ct.id = c.credential_type_id WHERE j.id = ?",
      {job_id});
  if (rows.empty()) return json::object{};
  auto inputs = ParseJson(store::AsString(rows.rows[0][0]));
  auto schema = ParseJson(store::AsString(rows.rows[0][1]));
  if (!inputs || !inputs->is_object()) return json::object{};
  std::vector<std::string> secret;
  if (schema && schema->is_object())
    if (auto* fields = schema->as_object().if_contains("fields"); fields && fields->is_array())
      for (auto& f : fields->as_array())
        if (f.is_object() && GetBool(f.as_object(), "secret"))
          secret.push_back(GetString(f.as_object(), "id"));
  return DecryptValues(key, inputs->as_object(), secret);
}

}  // namespace

std::vector<std::string> FindPlaybooks(const std::string& dir) {
  return Walk(dir, [](const fs::path& p, const fs::path&) {
    std::string ext = p.extension().string();
    return (ext == ".yml" || ext == ".yaml") && LooksLikePlaybook(p);
  });
}

std::vector<std::string> FindInventoryFiles(const std::string& dir) {
  return Walk(dir, [](const fs::path& p, const fs::path& rel) {
    std::string ext = p.extension().string();
    std::string name = p.filename().string();
    if (ext == ".yml" || ext == ".yaml") return !LooksLikePlaybook(p);
    if (ext == ".ini" || ext == ".json" || ext == ".cfg") return name != "ansible.cfg";
    if (ext.empty()) return name != "README" && name != "LICENSE" && name != "Makefile";
    return false;
  });
}

std::string ScmLocalPath(int64_t project_id, const std::string& name) {
  std::string slug;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      slug += static_cast<char>(std::tolower(u));
    else if (!slug.empty() && slug.back() != '_')
      slug += '_';
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return "_" + std::to_string(project_id) + "__" + slug;
}

RunResult ProjectUpdateRunner::Run(RunContext& rc) {
  auto& db = rc.db.Local();
  auto rows = db.Query(
      "SELECT project_id, scm_type, scm_url, scm_branch, scm_refspec, scm_clean, "
      "scm_delete_on_update, local_path, timeout, name FROM unified_jobs WHERE id = ?",
      {rc.job_id});
  if (rows.empty()) return {"error", "The project update disappeared."};
  const auto& r = rows.rows[0];
  int64_t project_id = store::AsInt(r[0]);
  std::string scm_type = store::AsString(r[1]), url = store::AsString(r[2]);
  std::string branch = store::AsString(r[3]), refspec = store::AsString(r[4]);
  bool clean = store::AsInt(r[5]) != 0, delete_first = store::AsInt(r[6]) != 0;
  std::string local_path = store::AsString(r[7]);
  int64_t timeout_ms = store::AsInt(r[8]) * 1000;
  std::string root = rc.settings.projects_root.empty() ? rc.settings.data_dir + "/projects"
                                                       : rc.settings.projects_root;
  fs::path dir = fs::path(root) / local_path;
  std::error_code ec;
  fs::create_directories(root, ec);
  rc.out.Append("Updating project \"" + store::AsString(r[9]) + "\" (" + scm_type + ") from " +
                url + (branch.empty() ? "" : " branch " + branch) + " into " + dir.string() + "\n");
  if (scm_type != "git")
    return {"failed", "Updating projects of scm_type \"" + scm_type + "\" is not supported."};
  if (delete_first && fs::exists(dir)) {
    rc.out.Append("Deleting the previous checkout (scm_delete_on_update)\n");
    fs::remove_all(dir, ec);
  }
  std::vector<std::string> env = BaseEnv();
  env.push_back("GIT_TERMINAL_PROMPT=0");
  env.push_back("BATON_JOB_ID=" + std::to_string(rc.job_id));
  // Credential material lives in a private directory for the duration of the run only.
  auto cred = ScmCredential(db, rc.settings.secret_key, rc.job_id);
  if (!cred.ok()) return {"error", "The project's credential could not be decrypted."};
  PrivateDir secrets(rc.settings.data_dir + "/run");
  // Like AWX (which accepts host keys on project updates), a new host key is accepted; it is
  // remembered only for this run, never in the service account's known_hosts.
  std::string ssh = "ssh -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='" +
                    secrets.Write("known_hosts", "") + "'";
  const json::object& c = cred.value();
  std::string user = GetString(c, "username"), pass = GetString(c, "password");
  std::string key = GetString(c, "ssh_key_data"), unlock = GetString(c, "ssh_key_unlock");
  if (!user.empty() || !pass.empty()) {
    std::string u = secrets.Write("username", user), p = secrets.Write("password", pass);
    std::string askpass = secrets.Write("askpass",
                                        "#!/bin/sh\ncase \"$1\" in\n  Username*) cat '" + u +
                                            "' ;;\n  *) cat '" + p + "' ;;\nesac\n",
                                        true);
    env.push_back("GIT_ASKPASS=" + askpass);
  }
  if (!key.empty()) {
    if (key.back() != '\n') key += '\n';
    std::string kf = secrets.Write("ssh_key", key);
    ssh += " -i '" + kf + "' -o IdentitiesOnly=yes";
    if (!unlock.empty()) {
      std::string pf = secrets.Write("ssh_unlock", unlock);
      env.push_back("SSH_ASKPASS=" +
                    secrets.Write("ssh_askpass", "#!/bin/sh\ncat '" + pf + "'\n", true));
      env.push_back("SSH_ASKPASS_REQUIRE=force");
      env.push_back("DISPLAY=none");
    } else {
      ssh += " -o BatchMode=yes";
    }
  } else {
    ssh += " -o BatchMode=yes";
  }
  env.push_back("GIT_SSH_COMMAND=" + ssh);
  auto step = [&](std::vector<std::string> argv, bool show = true) -> std::optional<RunResult> {
    std::string cmdline;
    for (auto& a : argv) cmdline += (cmdline.empty() ? "" : " ") + a;
    if (show) rc.out.Append("$ " + cmdline + "\n");
    auto sp = Spawn({argv, env, ""});
    if (!sp.ok()) return RunResult{"error", "Could not run git."};
    auto f = WaitWithOutput(
        sp.value(), [&](std::string_view c) { rc.out.Append(c); }, rc.canceled, timeout_ms,
        rc.settings.cancel_grace_ms);
    if (f.ending == Ending::kCanceled) return RunResult{"canceled", ""};
    if (f.ending == Ending::kTimedOut) return RunResult{"failed", "Job terminated due to timeout"};
    if (f.exit_code != 0)
      return RunResult{"failed", argv[1] == "clone" || argv[3] == "fetch"
                                     ? "Could not fetch the project from " + url +
                                           " (git exit code " + std::to_string(f.exit_code) + ")."
                                     : "git exit code " + std::to_string(f.exit_code)};
    return std::nullopt;
  };
  std::string d = dir.string();
  if (!fs::exists(dir / ".git")) {
    fs::remove_all(dir, ec);
    std::vector<std::string> clone{"git", "clone", "--no-checkout", url, d};
    if (auto f = step(clone)) return *f;
  }
  std::vector<std::string> fetch{"git", "-C", d, "fetch", "--prune", "--tags", "origin"};
  if (!refspec.empty())
    fetch.push_back(refspec);
  else
    fetch.push_back("+refs/heads/*:refs/remotes/origin/*");
  if (auto f = step(fetch)) return *f;
  std::string target = branch.empty() ? "origin/HEAD" : branch;
  // A branch name resolves to the fetched remote branch; tags and commits resolve as they are.
  auto [rc_branch, _] = RunCapture({{"git", "-C", d, "rev-parse", "--verify", "--quiet",
                                     "refs/remotes/origin/" + target + "^{commit}"},
                                    env,
                                    ""});
  if (!branch.empty() && rc_branch == 0) target = "origin/" + branch;
  if (branch.empty()) {
    auto [rc_head, head] =
        RunCapture({{"git", "-C", d, "symbolic-ref", "refs/remotes/origin/HEAD"}, env, ""});
    if (rc_head != 0) {
      RunCapture({{"git", "-C", d, "remote", "set-head", "origin", "--auto"}, env, ""});
    }
  }
  if (auto f = step({"git", "-C", d, "checkout", "--force", "--detach", target})) return *f;
  if (clean) {
    if (auto f = step({"git", "-C", d, "clean", "-fdx"})) return *f;
  }
  auto [rc_rev, rev] = RunCapture({{"git", "-C", d, "rev-parse", "HEAD"}, env, ""});
  while (!rev.empty() && (rev.back() == '\n' || rev.back() == '\r')) rev.pop_back();
  if (rc_rev != 0) return {"failed", "Could not read the checked out revision."};
  rc.out.Append("Checked out revision " + rev + "\n");
  json::array playbooks, inventories;
  for (auto& p : FindPlaybooks(d)) playbooks.push_back(json::string(p));
  for (auto& p : FindInventoryFiles(d)) inventories.push_back(json::string(p));
  db.Exec("UPDATE unified_jobs SET scm_revision = ? WHERE id = ?", {rev, rc.job_id});
  db.Exec(
      "UPDATE projects SET scm_revision = ?, playbook_files = ?, inventory_files = ? WHERE id = ?",
      {rev, Dump(playbooks), Dump(inventories), project_id});
  rc.out.Append("Found " + std::to_string(playbooks.size()) + " playbook(s)\n");
  return {};
}

}  // namespace baton::runner
