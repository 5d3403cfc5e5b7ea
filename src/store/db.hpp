// The database interface every layer above store/ uses. SQL is written in the common subset of
// SQLite and PostgreSQL: `?` placeholders (the PostgreSQL driver renumbers them), INTEGER
// booleans, TEXT timestamps in AWX's ISO format, TEXT JSON, `RETURNING id` on inserts.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace baton::store {

using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value Null() {
  return std::monostate{};
}
inline bool IsNull(const Value& v) {
  return v.index() == 0;
}
int64_t AsInt(const Value& v, int64_t def = 0);
double AsDouble(const Value& v, double def = 0);
std::string AsString(const Value& v);
std::optional<int64_t> AsOptInt(const Value& v);
inline Value OptId(std::optional<int64_t> id) {
  return id ? Value(*id) : Null();
}

// A result set, held in memory.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  int Col(std::string_view name) const;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
};

// Thrown for driver failures. `constraint` is set for uniqueness / foreign key violations, which
// callers turn into 400s; everything else is a bug or an outage and becomes a logged 500.
struct DbError : std::runtime_error {
  DbError(const std::string& m, bool c) : std::runtime_error(m), constraint(c) {}
  bool constraint;
};

// One database connection. Not thread-safe: each thread uses its own (Database::Local()).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Rows Query(std::string_view sql, const Params& params = {}) = 0;
  // Executes a statement; returns the number of changed rows.
  virtual int64_t Exec(std::string_view sql, const Params& params = {}) = 0;
  // Executes a script of several statements without parameters (migrations).
  virtual void ExecScript(std::string_view sql) = 0;
  // Transactions nest: the outermost Begin/Commit is real, inner ones are savepoints.
  virtual void Begin() = 0;
  // A read-only transaction: one consistent snapshot (and one lock acquisition) for a request.
  virtual void BeginRead() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;
  virtual int Depth() const = 0;

  // Convenience: first column of the first row, or nullopt.
  std::optional<int64_t> QueryInt(std::string_view sql, const Params& params = {});
  std::optional<std::string> QueryString(std::string_view sql, const Params& params = {});
  // INSERT ... RETURNING id.
  int64_t Insert(std::string_view sql, const Params& params);
};

// Scoped transaction: rolls back unless Commit() was called.
class Tx {
 public:
  explicit Tx(Connection& c) : c_(c) { c_.Begin(); }
  ~Tx() {
    if (!done_) {
      try {
        c_.Rollback();
      } catch (...) {
      }
    }
  }
  void Commit() {
    c_.Commit();
    done_ = true;
  }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Connection& c_;
  bool done_ = false;
};

// A database: hands out one connection per thread, applies migrations.
class Database {
 public:
  virtual ~Database() = default;
  virtual Connection& Local() = 0;
  // Applies pending migrations in one transaction each; returns the schema version.
  int Migrate();
  virtual std::string Dialect() const = 0;
  // Increases after every committed write made through this Database. Readers use it to tell
  // whether data they derived earlier (caches) is still current. Thread-safe.
  uint64_t Generation() const { return generation_.load(std::memory_order_acquire); }
  void BumpGeneration() { generation_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<uint64_t> generation_{1};
};

// SQLite in WAL mode at `path` (":memory:" style paths are shared per process via a uri).
std::unique_ptr<Database> OpenSqlite(const std::string& path);

struct Migration {
  int version;
  const char* name;
  const char* sql;
};
const std::vector<Migration>& Migrations();

}  // namespace baton::store
