// Readable GoogleTest output for engine values.
#pragma once
#include <ostream>
#include <span>

#include "engine/evaluate.hpp"

namespace baton::engine {

inline void PrintIds(std::ostream& os, std::span<const NodeId> ids) {
  os << '[';
  for (size_t k = 0; k < ids.size(); ++k) os << (k ? "," : "") << ids[k];
  os << ']';
}

inline void PrintTo(const Decision& d, std::ostream* os) {
  *os << "{dnr=";
  PrintIds(*os, d.mark_dnr);
  *os << " start=";
  PrintIds(*os, d.start);
  *os << " cancel=";
  PrintIds(*os, d.cancel);
  *os << " done=" << d.done << " failed=" << d.failed << " status=" << ToString(d.status)
      << " explanation=\"" << d.job_explanation << "\" reason=\"" << d.reason << "\"}";
}

inline void PrintTo(WorkflowStatus s, std::ostream* os) {
  *os << ToString(s);
}
inline void PrintTo(JobStatus s, std::ostream* os) {
  *os << ToString(s);
}

}  // namespace baton::engine
