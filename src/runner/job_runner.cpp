#include "runner/job_runner.hpp"

namespace baton::runner {

OutputWriter::OutputWriter(store::Database& db, int64_t job_id)
    : db_(db), job_id_(job_id), last_flush_(std::chrono::steady_clock::now()) {
  seq_ = db_.Local()
             .QueryInt("SELECT COALESCE(MAX(seq), 0) FROM job_output WHERE job_id = ?", {job_id})
             .value_or(0);
}

OutputWriter::~OutputWriter() {
  try {
    Flush();
  } catch (...) {
  }
}

void OutputWriter::Append(std::string_view chunk) {
  pending_ += chunk;
  auto now = std::chrono::steady_clock::now();
  if (pending_.size() >= 32768 || now - last_flush_ > std::chrono::milliseconds(200)) Flush();
}

void OutputWriter::Flush() {
  last_flush_ = std::chrono::steady_clock::now();
  if (pending_.empty()) return;
  db_.Local().Exec("INSERT INTO job_output (job_id, seq, chunk) VALUES (?, ?, ?)",
                   {job_id_, ++seq_, pending_});
  pending_.clear();
}

std::string JobOutput(store::Connection& db, int64_t job_id) {
  std::string out;
  auto rows = db.Query("SELECT chunk FROM job_output WHERE job_id = ? ORDER BY seq", {job_id});
  for (auto& r : rows.rows) out += store::AsString(r[0]);
  return out;
}

}  // namespace baton::runner
