// Civil (wall-clock) time as seconds since 1970 counted as if UTC, on the proleptic Gregorian
// calendar, and the iCalendar stamps schedule rules are written in. Pure; used by rrule.cpp.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baton::domain::civil {

struct Civil {
  int year, month, day, hour, minute, second;
};

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
Civil CivilFromSecs(int64_t secs);
int64_t SecsFromCivil(const Civil& c);

// "YYYYMMDD" or "YYYYMMDDTHHMMSS", optionally ending in "Z": wall seconds and the UTC flag;
// nullopt for anything else or a day the month lacks (Feb 30).
struct Stamp {
  int64_t secs = 0;
  bool utc = false;
  bool date_only = false;
};
std::optional<Stamp> ParseStamp(std::string_view v);

std::string Two(int v);                // "07"
std::string WallIso(int64_t secs);     // "2025-01-01T09:00:00"
std::string CompactUtc(int64_t secs);  // "20250101T090000Z"

}  // namespace baton::domain::civil
