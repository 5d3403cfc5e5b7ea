// Civil time and iCalendar stamps (civil_time.hpp).
#include "domain/civil_time.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace baton::domain::civil {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Civil CivilFromSecs(int64_t secs) {
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp + (mp < 10 ? 3 : -9);
  return Civil{static_cast<int>(y + (m <= 2)),
               static_cast<int>(m),
               static_cast<int>(d),
               static_cast<int>(rem / 3600),
               static_cast<int>(rem % 3600 / 60),
               static_cast<int>(rem % 60)};
}

int64_t SecsFromCivil(const Civil& c) {
  return DaysFromCivil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day)) *
             86400 +
         c.hour * 3600 + c.minute * 60 + c.second;
}

std::optional<Stamp> ParseStamp(std::string_view v) {
  Stamp s;
  if (!v.empty() && (v.back() == 'Z' || v.back() == 'z')) {
    s.utc = true;
    v.remove_suffix(1);
  }
  auto digits = [](std::string_view x) {
    return !x.empty() &&
           std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  Civil c{0, 0, 0, 0, 0, 0};
  if (v.size() == 8 && digits(v)) {
    s.date_only = true;
  } else if (v.size() == 15 && (v[8] == 'T' || v[8] == 't') && digits(v.substr(0, 8)) &&
             digits(v.substr(9))) {
    c.hour = std::stoi(std::string(v.substr(9, 2)));
    c.minute = std::stoi(std::string(v.substr(11, 2)));
    c.second = std::stoi(std::string(v.substr(13, 2)));
  } else {
    return std::nullopt;
  }
  c.year = std::stoi(std::string(v.substr(0, 4)));
  c.month = std::stoi(std::string(v.substr(4, 2)));
  c.day = std::stoi(std::string(v.substr(6, 2)));
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31 || c.hour > 23 || c.minute > 59 ||
      c.second > 59)
    return std::nullopt;
  s.secs = SecsFromCivil(c);
  if (CivilFromSecs(s.secs).day != c.day) return std::nullopt;  // Feb 30
  return s;
}

std::string Two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

std::string WallIso(int64_t secs) {
  Civil c = CivilFromSecs(secs);
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return b;
}

std::string CompactUtc(int64_t secs) {
  Civil c = CivilFromSecs(secs);
  char b[32];
  std::snprintf(b, sizeof b, "%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day, c.hour, c.minute,
                c.second);
  return b;
}

}  // namespace baton::domain::civil
