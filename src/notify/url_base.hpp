// TOWER_URL_BASE: the base of the UI links notifications carry (settings row 'TOWER_URL_BASE',
// default "https://towerhost" as AWX's).
#pragma once
#include <string>

#include "store/db.hpp"

namespace baton::notify {

std::string UrlBase(store::Connection& db);

}  // namespace baton::notify
