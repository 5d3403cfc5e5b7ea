#include "notify/url_base.hpp"

#include <cstdlib>

namespace baton::notify {

std::string UrlBase(store::Connection& db) {
  std::string base =
      db.QueryString("SELECT value FROM settings WHERE key = 'TOWER_URL_BASE'").value_or("");
  if (base.empty()) {
    const char* env = std::getenv("BATON_TOWER_URL_BASE");
    base = env && *env ? env : "https://towerhost";
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace baton::notify
