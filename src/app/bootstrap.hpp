// First-start seeding: singleton roles, the first superuser, the Default organization, the
// managed credential types, the install UUID.
#pragma once
#include <string>

#include "core/clock.hpp"
#include "store/db.hpp"

namespace baton::app {

struct SeedResult {
  bool created_admin = false;
  std::string admin_user;
  std::string admin_password;  // only when generated
  std::string install_uuid;
};

SeedResult Seed(store::Database& db, const Clock& clock);

}  // namespace baton::app
