#include "core/crashpoint.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

namespace baton {
namespace {

struct Armed {
  std::string name;
  long hit_at = 1;
  std::atomic<long> hits{0};
};

Armed* Load() {
  const char* env = std::getenv("BATON_CRASHPOINT");
  if (!env || !*env) return nullptr;
  auto* a = new Armed;  // lives as long as the process
  std::string spec(env);
  size_t colon = spec.find(':');
  a->name = spec.substr(0, colon);
  if (colon != std::string::npos)
    a->hit_at = std::max(1L, std::strtol(spec.c_str() + colon + 1, nullptr, 10));
  return a;
}

}  // namespace

void Crashpoint(const char* name) {
  static Armed* armed = Load();
  if (!armed || armed->name != name) return;
  if (armed->hits.fetch_add(1) + 1 == armed->hit_at) std::raise(SIGKILL);
}

}  // namespace baton
