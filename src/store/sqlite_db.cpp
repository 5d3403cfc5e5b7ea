// SQLite driver: WAL mode, one connection per thread, a prepared-statement cache per connection.
#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <thread>
#include <unordered_map>

#include "store/db.hpp"

namespace baton::store {
namespace {

class SqliteConnection : public Connection {
 public:
  SqliteConnection(const std::string& path, Database* owner) : owner_(owner) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open database";
      if (db_) sqlite3_close(db_);
      db_ = nullptr;
      throw DbError("open " + path + ": " + msg, false);
    }
    sqlite3_busy_timeout(db_, 10000);
    ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8000; PRAGMA case_sensitive_like=ON;");
    sqlite3_create_function_v2(db_, "baton_regexp", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                               &RegexpFn, nullptr, nullptr, nullptr);
  }

  // baton_regexp(icase, pattern, value): Python re.search semantics over ECMAScript regex.
  static void RegexpFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[2]) == SQLITE_NULL) {
      sqlite3_result_int(ctx, 0);
      return;
    }
    bool icase = sqlite3_value_int(argv[0]) != 0;
    std::string pat(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])),
                    sqlite3_value_bytes(argv[1]));
    std::string val(reinterpret_cast<const char*>(sqlite3_value_text(argv[2])),
                    sqlite3_value_bytes(argv[2]));
    try {
      std::regex re(pat,
                    icase ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript);
      sqlite3_result_int(ctx, std::regex_search(val, re) ? 1 : 0);
    } catch (const std::regex_error&) {
      sqlite3_result_int(ctx, 0);
    }
  }
  ~SqliteConnection() override {
    for (auto& [k, st] : cache_) sqlite3_finalize(st);
    if (db_) sqlite3_close_v2(db_);
  }

  Rows Query(std::string_view sql, const Params& params = {}) override {
    sqlite3_stmt* st = Prepare(sql);
    NoteWrite(st);
    Bind(st, params);
    Rows out;
    int n = sqlite3_column_count(st);
    out.columns.reserve(n);
    for (int i = 0; i < n; ++i) out.columns.emplace_back(sqlite3_column_name(st, i));
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) Fail(st, rc);
      std::vector<Value> row;
      row.reserve(n);
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(st, i)) {
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, i)));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(st, i));
            break;
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          default: {
            auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
            row.emplace_back(std::string(t, sqlite3_column_bytes(st, i)));
          }
        }
      }
      out.rows.push_back(std::move(row));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (depth_ == 0) Published();
    return out;
  }

  int64_t Exec(std::string_view sql, const Params& params = {}) override {
    sqlite3_stmt* st = Prepare(sql);
    NoteWrite(st);
    Bind(st, params);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) Fail(st, rc);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int64_t changes = sqlite3_changes(db_);
    if (depth_ == 0) Published();
    return changes;
  }

  void ExecScript(std::string_view sql) override {
    wrote_ = true;
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "exec failed";
      sqlite3_free(err);
      throw DbError(msg, false);
    }
    if (depth_ == 0) Published();
  }

  void Begin() override {
    if (depth_ == 0)
      Control("BEGIN IMMEDIATE");
    else
      Control("SAVEPOINT sp" + std::to_string(depth_));
    ++depth_;
  }
  void BeginRead() override {
    if (depth_ == 0)
      Control("BEGIN");
    else
      Control("SAVEPOINT sp" + std::to_string(depth_));
    ++depth_;
  }
  void Commit() override {
    --depth_;
    if (depth_ == 0) {
      Control("COMMIT");
      Published();
    } else {
      Control("RELEASE SAVEPOINT sp" + std::to_string(depth_));
    }
  }
  void Rollback() override {
    --depth_;
    if (depth_ == 0) {
      Control("ROLLBACK");
      Published();
    } else {
      Control("ROLLBACK TO SAVEPOINT sp" + std::to_string(depth_));
      Control("RELEASE SAVEPOINT sp" + std::to_string(depth_));
    }
  }
  int Depth() const override { return depth_; }

 private:
  // Transaction control statements do not count as data writes.
  void Control(const std::string& sql) {
    sqlite3_stmt* st = Prepare(sql);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) Fail(st, rc);
    sqlite3_reset(st);
  }
  void NoteWrite(sqlite3_stmt* st) {
    if (sqlite3_stmt_readonly(st)) return;
    wrote_ = true;
  }
  // Called after a statement outside a transaction, or at the outermost commit/rollback.
  void Published() {
    if (wrote_) owner_->BumpGeneration();
    wrote_ = false;
  }

  sqlite3_stmt* Prepare(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) throw DbError(std::string(sqlite3_errmsg(db_)) + " in: " + key, false);
    if (cache_.size() > 2000) {
      for (auto& [k, s] : cache_) sqlite3_finalize(s);
      cache_.clear();
    }
    cache_.emplace(std::move(key), st);
    return st;
  }

  void Bind(sqlite3_stmt* st, const Params& params) {
    int i = 1;
    for (const auto& p : params) {
      if (auto* v = std::get_if<int64_t>(&p))
        sqlite3_bind_int64(st, i, *v);
      else if (auto* d = std::get_if<double>(&p))
        sqlite3_bind_double(st, i, *d);
      else if (auto* s = std::get_if<std::string>(&p))
        sqlite3_bind_text(st, i, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      else
        sqlite3_bind_null(st, i);
      ++i;
    }
  }

  [[noreturn]] void Fail(sqlite3_stmt* st, int rc) {
    std::string msg = sqlite3_errmsg(db_);
    int ext = sqlite3_extended_errcode(db_);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    bool constraint = (ext & 0xff) == SQLITE_CONSTRAINT;
    throw DbError(msg, constraint);
  }

  Database* owner_;
  sqlite3* db_ = nullptr;
  int depth_ = 0;
  bool wrote_ = false;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteDatabase : public Database {
 public:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)), id_(NextId()) {}
  Connection& Local() override {
    // One connection per (thread, database); connections live as long as the thread.
    thread_local std::unordered_map<uint64_t, std::unique_ptr<SqliteConnection>> conns;
    auto& c = conns[id_];
    if (!c) c = std::make_unique<SqliteConnection>(path_, this);
    return *c;
  }
  std::string Dialect() const override { return "sqlite"; }

 private:
  static uint64_t NextId() {
    static std::atomic<uint64_t> next{1};
    return next++;
  }
  std::string path_;
  uint64_t id_;
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(const std::string& path) {
  static bool configured = [] {
    // No global allocation statistics: they take a process-wide mutex on every malloc.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    return true;
  }();
  (void)configured;
  return std::make_unique<SqliteDatabase>(path);
}

}  // namespace baton::store
