#include "runner/playbook_run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <spdlog/spdlog.h>

#include "core/crypto.hpp"
#include "core/secrets.hpp"
#include "core/vars.hpp"
#include "runner/inventory_script.hpp"
#include "runner/process.hpp"

namespace baton::runner {
namespace fs = std::filesystem;

namespace {

const SystemClock kSystemClock;

Error Explain(const std::string& why) {
  return Error::Msg(why);
}

std::string Message(const Error& e) {
  if (e.body.is_object()) {
    for (const char* k : {"detail", "msg", "__all__"})
      if (auto* v = e.body.as_object().if_contains(k)) {
        if (v->is_string()) return std::string(v->as_string());
        if (v->is_array() && !v->as_array().empty() && v->as_array()[0].is_string())
          return std::string(v->as_array()[0].as_string());
      }
  }
  return Dump(e.body);
}

// The secret field ids of a credential type's inputs schema.
std::vector<std::string> SecretFields(const json::object& schema) {
  std::vector<std::string> out;
  if (auto* fields = schema.if_contains("fields"); fields && fields->is_array())
    for (auto& f : fields->as_array())
      if (f.is_object() && GetBool(f.as_object(), "secret"))
        out.push_back(GetString(f.as_object(), "id"));
  return out;
}

json::object ObjectOf(const std::string& text) {
  auto v = ParseJson(text);
  return v && v->is_object() ? v->as_object() : json::object{};
}

// A private directory (0700) for one run, removed with everything in it when the run ends.
class RunDir {
 public:
  explicit RunDir(const std::string& parent) {
    fs::create_directories(parent);
    path_ = (fs::path(parent) / ("run-" + RandomAlnum(12))).string();
    fs::create_directory(path_);
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::replace);
  }
  ~RunDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// AWX's finish_fact_cache: facts ansible wrote (or changed) are stored on their hosts; a cache
// file that disappeared (clear_facts) clears the host's facts.
void SaveFacts(store::Connection& db, const Clock& clock, const PlaybookRunner::Loaded& job,
               const std::string& cache_dir) {
  std::map<int64_t, std::string> written;
  for (const auto& [id, name, text] : job.facts_written) written[id] = text;
  std::string now = FormatIso(clock.Now());
  store::Tx tx(db);
  for (const auto& [name, id] : job.hosts) {
    if (!FactCacheName(name)) continue;
    fs::path file = fs::path(cache_dir) / name;
    std::error_code ec;
    auto before = written.find(id);
    if (!fs::exists(file, ec)) {
      if (before != written.end())
        db.Exec("UPDATE hosts SET ansible_facts = '{}', ansible_facts_modified = ? WHERE id = ?",
                {now, id});
      continue;
    }
    std::string text = ReadFile(file);
    auto facts = ParseJson(text);
    if (!facts || !facts->is_object()) continue;
    std::string dumped = Dump(*facts);
    if (before != written.end() && before->second == dumped) continue;  // unchanged
    db.Exec("UPDATE hosts SET ansible_facts = ?, ansible_facts_modified = ? WHERE id = ?",
            {dumped, now, id});
  }
  tx.Commit();
}

}  // namespace

Status WritePlan(const RunPlan& plan, const std::string& dir) {
  std::error_code ec;
  for (const auto& f : plan.files) {
    fs::path p = fs::path(dir) / f.path;
    for (fs::path d = p.parent_path(); d != fs::path(dir) && !fs::exists(d, ec);
         d = d.parent_path()) {
      fs::create_directories(d, ec);
      fs::permissions(d, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    // Created with its final mode: a secret is never readable by others, not even briefly.
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, f.mode | 0200);
    if (fd < 0) return Error::Msg("cannot write " + p.string());
    size_t off = 0;
    while (off < f.content.size()) {
      ssize_t n = ::write(fd, f.content.data() + off, f.content.size() - off);
      if (n <= 0) {
        ::close(fd);
        return Error::Msg("cannot write " + p.string());
      }
      off += static_cast<size_t>(n);
    }
    ::fchmod(fd, f.mode);
    ::close(fd);
  }
  if (!plan.project_link.empty()) {
    fs::create_directory_symlink(plan.project_link, fs::path(dir) / "project", ec);
    if (ec) return Error::Msg("cannot link the project: " + ec.message());
  }
  return OkStatus();
}

Result<PlaybookRunner::Loaded> PlaybookRunner::Load(RunContext& rc,
                                                    const std::string& private_dir) {
  auto& db = rc.db.Local();
  auto rows = db.Query(
      "SELECT name, launch_type, job_template_id, project_id, inventory_id, playbook, "
      "scm_branch, forks, limit_, verbosity, job_type, extra_vars, job_tags, skip_tags, "
      "start_at_task, timeout, become_enabled, diff_mode, force_handlers, job_slice_number, "
      "job_slice_count, survey_passwords, start_args, created_by_id, use_fact_cache FROM "
      "unified_jobs WHERE id = ?",
      {rc.job_id});
  if (rows.empty()) return Explain("The job disappeared.");
  const auto& r = rows.rows[0];
  auto col = [&](const char* name) -> const store::Value& { return r[rows.Col(name)]; };
  auto str = [&](const char* name) { return store::AsString(col(name)); };
  auto num = [&](const char* name) { return store::AsInt(col(name)); };
  // Launch passwords are read once and cleared.
  std::string start_args = str("start_args");
  if (!start_args.empty())
    db.Exec("UPDATE unified_jobs SET start_args = '' WHERE id = ?", {rc.job_id});

  Loaded out;
  JobSpec& s = out.spec;
  s.job_id = rc.job_id;
  s.private_dir = private_dir;
  s.playbook = str("playbook");
  s.job_type = str("job_type").empty() ? "run" : str("job_type");
  s.forks = num("forks");
  s.verbosity = num("verbosity");
  s.limit = str("limit_");
  s.job_tags = str("job_tags");
  s.skip_tags = str("skip_tags");
  s.start_at_task = str("start_at_task");
  s.become_enabled = num("become_enabled") != 0;
  s.diff_mode = num("diff_mode") != 0;
  s.force_handlers = num("force_handlers") != 0;
  s.use_fact_cache = num("use_fact_cache") != 0;
  s.base_env = BaseEnv();
  out.timeout_s = num("timeout");

  // Project checkout.
  auto project_id = store::AsOptInt(col("project_id"));
  if (!project_id) return Explain("Job could not start because it does not have a valid project.");
  auto proj =
      db.Query("SELECT local_path, scm_revision, scm_branch, scm_type FROM projects WHERE id = ?",
               {*project_id});
  if (proj.empty()) return Explain("Job could not start because it does not have a valid project.");
  std::string root = rc.settings.projects_root.empty() ? rc.settings.data_dir + "/projects"
                                                       : rc.settings.projects_root;
  std::string local_path = store::AsString(proj.rows[0][0]);
  s.project_dir = fs::absolute(fs::path(root) / local_path).lexically_normal().string();
  s.project_revision = store::AsString(proj.rows[0][1]);
  std::error_code ec;
  if (local_path.empty() || !fs::is_directory(s.project_dir, ec))
    return Explain("The project's directory " + s.project_dir +
                   " does not exist (the project has not been updated yet?).");

  // Inventory: the script document with host variables, as AWX hands it to a job.
  auto inventory_id = store::AsOptInt(col("inventory_id"));
  if (!inventory_id)
    return Explain("Job could not start because it does not have a valid inventory.");
  auto inv =
      db.Query("SELECT kind, variables, name FROM inventories WHERE id = ?", {*inventory_id});
  if (inv.empty())
    return Explain("Job could not start because it does not have a valid inventory.");
  ScriptInventory si{*inventory_id, store::AsString(inv.rows[0][0]),
                     store::AsString(inv.rows[0][1])};
  store::Params hp;
  std::string where;
  if (si.kind == "smart" || si.kind == "constructed") {
    if (!hosts_sql_) return Explain("Jobs on smart inventories are not supported by this runner.");
    auto w = hosts_sql_(db, *inventory_id, hp);
    if (!w.ok()) return Explain("The inventory's host filter is invalid: " + Message(w.error()));
    where = w.value();
  } else {
    where = "t.inventory_id = ?";
    hp.emplace_back(*inventory_id);
  }
  ScriptOptions so;
  so.hostvars = true;
  so.towervars = true;
  so.slice_count = std::max<int64_t>(1, num("job_slice_count"));
  so.slice_number = std::max<int64_t>(1, num("job_slice_number"));
  if (so.slice_number > so.slice_count) so.slice_number = 1;
  s.inventory = InventoryScript(db, si, where, hp, so);
  s.inventory_id = *inventory_id;
  for (auto& [name, id] : InventoryHostIds(db, where, hp)) out.hosts.emplace(name, id);
  if (s.use_fact_cache) {
    // AWX's start_fact_cache: the stored facts of the hosts, for ansible's jsonfile cache.
    auto facts = db.Query(
        "SELECT t.id, t.name, t.ansible_facts FROM hosts t WHERE " + where + " ORDER BY t.id", hp);
    for (auto& r : facts.rows) {
      std::string name = store::AsString(r[1]);
      json::object f = ObjectOf(store::AsString(r[2]));
      if (f.empty() || !FactCacheName(name)) continue;
      std::string text = Dump(f);
      out.facts_written.emplace_back(store::AsInt(r[0]), name, text);
      s.facts.emplace_back(name, std::move(f));
    }
  }

  // Credentials in attachment order, secrets decrypted.
  auto creds = db.Query(
      "SELECT c.id, c.name, c.inputs, ct.kind, COALESCE(ct.namespace, ''), ct.managed, "
      "ct.inputs, ct.injectors FROM credential_attachments a JOIN credentials c ON c.id = "
      "a.credential_id JOIN credential_types ct ON ct.id = c.credential_type_id WHERE "
      "a.owner_type = 'job' AND a.owner_id = ? ORDER BY a.position, c.id",
      {rc.job_id});
  for (auto& cr : creds.rows) {
    JobCredential c;
    c.id = store::AsInt(cr[0]);
    c.name = store::AsString(cr[1]);
    c.kind = store::AsString(cr[3]);
    c.managed = store::AsInt(cr[5]) != 0;
    c.type_namespace = c.managed ? store::AsString(cr[4]) : "";
    c.schema = ObjectOf(store::AsString(cr[6]));
    c.injectors = ObjectOf(store::AsString(cr[7]));
    auto inputs = DecryptValues(rc.settings.secret_key, ObjectOf(store::AsString(cr[2])),
                                SecretFields(c.schema));
    if (!inputs.ok()) return Explain("The credential \"" + c.name + "\" could not be decrypted.");
    c.inputs = std::move(inputs.value());
    s.credentials.push_back(std::move(c));
  }
  if (!start_args.empty()) {
    auto plain = Decrypt(rc.settings.secret_key, start_args);
    if (!plain.ok()) return Explain("The launch passwords of this job could not be decrypted.");
    s.launch_passwords = ObjectOf(plain.value());
  }

  // Extra variables, survey password answers decrypted.
  std::string ev_text = str("extra_vars");
  if (!ev_text.empty()) {
    auto ev = ParseVarsMapping(ev_text);
    if (!ev.ok()) return Explain("The job's extra_vars are not a mapping.");
    s.extra_vars = std::move(ev.value());
  }
  for (auto& kv : ObjectOf(str("survey_passwords"))) {
    json::value* v = s.extra_vars.if_contains(kv.key());
    if (!v || !v->is_string() || !IsEncrypted(v->as_string())) continue;
    auto plain = Decrypt(rc.settings.secret_key, v->as_string());
    if (!plain.ok()) return Explain("A survey answer of this job could not be decrypted.");
    *v = json::string(plain.value());
  }

  // AWX's awx_* / tower_* variables (Job.awx_meta_vars).
  json::object& m = s.meta_vars;
  auto both = [&](const std::string& key, const json::value& v) {
    m["awx_" + key] = v;
    m["tower_" + key] = v;
  };
  both("job_id", rc.job_id);
  both("job_launch_type", json::string(str("launch_type")));
  if (auto uid = store::AsOptInt(col("created_by_id"))) {
    auto u =
        db.Query("SELECT username, email, first_name, last_name FROM users WHERE id = ?", {*uid});
    if (!u.empty()) {
      both("user_id", *uid);
      both("user_name", json::string(store::AsString(u.rows[0][0])));
      both("user_email", json::string(store::AsString(u.rows[0][1])));
      both("user_first_name", json::string(store::AsString(u.rows[0][2])));
      both("user_last_name", json::string(store::AsString(u.rows[0][3])));
    }
  }
  // LA-14: a job a workflow node spawned names its workflow job.
  auto wj = db.Query(
      "SELECT w.id, w.name, w.launch_type FROM workflow_job_nodes n JOIN unified_jobs w ON "
      "w.id = n.workflow_job_id WHERE n.job_id = ?",
      {rc.job_id});
  if (!wj.empty()) {
    both("workflow_job_id", store::AsInt(wj.rows[0][0]));
    both("workflow_job_name", json::string(store::AsString(wj.rows[0][1])));
    both("workflow_job_launch_type", json::string(store::AsString(wj.rows[0][2])));
  }
  both("inventory_id", *inventory_id);
  both("inventory_name", json::string(store::AsString(inv.rows[0][2])));
  both("project_revision", json::string(s.project_revision));
  both("project_scm_branch", json::string(store::AsString(proj.rows[0][2])));
  if (!str("scm_branch").empty()) both("job_scm_branch", json::string(str("scm_branch")));
  if (auto jt = store::AsOptInt(col("job_template_id"))) {
    auto name = db.QueryString("SELECT name FROM job_templates WHERE id = ?", {*jt});
    if (name) {
      both("job_template_id", *jt);
      both("job_template_name", json::string(*name));
    }
  }
  return out;
}

RunResult PlaybookRunner::Run(RunContext& rc) {
  auto& db = rc.db.Local();
  const Clock& clock = rc.clock ? *rc.clock : kSystemClock;
  RunDir dir(rc.settings.data_dir + "/run");
  auto loaded = Load(rc, dir.path());
  if (!loaded.ok()) return {"failed", Message(loaded.error())};
  Loaded& job = loaded.value();
  auto plan = BuildRunPlan(job.spec);
  if (!plan.ok()) return {"failed", Message(plan.error())};
  const RunPlan& p = plan.value();
  if (auto w = WritePlan(p, dir.path()); !w.ok()) return {"error", Message(w.error())};

  json::array args;
  for (auto& a : p.argv) args.push_back(json::string(a));
  db.Exec(
      "UPDATE unified_jobs SET job_args = ?, job_cwd = ?, job_env = ?, scm_revision = ?, "
      "event_processing_finished = 0 WHERE id = ?",
      {Dump(args), p.job_cwd, Dump(p.job_env), job.spec.project_revision, rc.job_id});

  auto sp = Spawn({p.argv, p.env, p.cwd});
  if (!sp.ok()) {
    db.Exec("UPDATE unified_jobs SET event_processing_finished = 1 WHERE id = ?", {rc.job_id});
    return {"error", "Could not start ansible-runner: " + Message(sp.error())};
  }
  db.Exec("UPDATE unified_jobs SET pid = ? WHERE id = ?", {int64_t{sp.value().pid}, rc.job_id});

  EventIngestor::Options io;
  io.background = true;  // events are written while the next ones are parsed
  EventIngestor ingest(rc.db, rc.job_id, job.hosts, &rc.out, clock, io);
  Finished f;
  try {
    f = WaitWithOutput(
        sp.value(), [&](std::string_view chunk) { ingest.Feed(chunk); },
        [&] {
          ingest.MaybeFlush();
          return rc.canceled && rc.canceled();
        },
        job.timeout_s > 0 ? job.timeout_s * 1000 : 0, rc.settings.cancel_grace_ms);
  } catch (...) {
    // The process group must not outlive a failed ingestion.
    kill(-sp.value().pid, SIGKILL);
    KillLeftovers(sp.value().pid, rc.job_id, rc.settings.data_dir + "/run");
    throw;
  }
  // ansible-runner killed before it stopped ansible-playbook (it checks for a cancel only every
  // pexpect_timeout seconds) leaves the playbook running in its own session.
  if (f.ending != Ending::kExited)
    if (int n = KillLeftovers(sp.value().pid, rc.job_id, rc.settings.data_dir + "/run"); n > 0)
      spdlog::info("job {}: killed {} process(es) left after the stop", rc.job_id, n);
  ingest.Finish();
  if (job.spec.use_fact_cache) SaveFacts(db, clock, job, dir.path() + "/" + p.fact_cache);
  if (f.ending == Ending::kCanceled) return {"canceled", ""};
  if (f.ending == Ending::kTimedOut) return {"failed", "Job terminated due to timeout"};
  if (f.exit_code == 0) return {};
  RunResult r{"failed", ""};
  if (ingest.events() == 0 && !ingest.other_output().empty()) {
    std::string tail = ingest.other_output();
    if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
    r.explanation = "ansible-runner exited with code " + std::to_string(f.exit_code) + ": " + tail;
  }
  return r;
}

}  // namespace baton::runner
