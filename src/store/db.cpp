#include "store/db.hpp"

#include <charconv>

#include "core/clock.hpp"

namespace baton::store {

int64_t AsInt(const Value& v, int64_t def) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) {
    int64_t out = def;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return def;
}

double AsDouble(const Value& v, double def) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return def;
}

std::string AsString(const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

std::optional<int64_t> AsOptInt(const Value& v) {
  if (IsNull(v)) return std::nullopt;
  return AsInt(v);
}

int Rows::Col(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

std::optional<int64_t> Connection::QueryInt(std::string_view sql, const Params& params) {
  Rows r = Query(sql, params);
  if (r.rows.empty() || r.rows[0].empty() || IsNull(r.rows[0][0])) return std::nullopt;
  return AsInt(r.rows[0][0]);
}

std::optional<std::string> Connection::QueryString(std::string_view sql, const Params& params) {
  Rows r = Query(sql, params);
  if (r.rows.empty() || r.rows[0].empty() || IsNull(r.rows[0][0])) return std::nullopt;
  return AsString(r.rows[0][0]);
}

int64_t Connection::Insert(std::string_view sql, const Params& params) {
  Rows r = Query(sql, params);
  if (r.rows.empty()) throw DbError("insert returned no id", false);
  return AsInt(r.rows[0][0]);
}

int Database::Migrate() {
  Connection& c = Local();
  c.ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied TEXT NOT NULL)");
  int current = static_cast<int>(
      c.QueryInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").value_or(0));
  for (const auto& m : Migrations()) {
    if (m.version <= current) continue;
    Tx tx(c);
    c.ExecScript(m.sql);
    c.Exec("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
           {int64_t{m.version}, std::string(m.name), FormatIso(SystemClock().Now())});
    tx.Commit();
    current = m.version;
  }
  return current;
}

}  // namespace baton::store
