// Schedule recurrence rules as AWX stores them (api-resources.md §20), as pure functions over
// libical: the rule text is one line of whitespace-separated parts,
//
//   DTSTART;TZID=America/New_York:20250101T090000 RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE
//   DTSTART:20250101T000000Z RRULE:FREQ=DAILY;INTERVAL=1 EXRULE:FREQ=MONTHLY;INTERVAL=1;...
//
// with one DTSTART (UTC or with a TZID), one or more RRULE and any number of EXRULE. The
// occurrences are the union of the RRULEs minus the EXRULEs (dateutil's rruleset, which AWX
// uses), generated in the DTSTART's zone on its wall clock and converted to UTC: a daily 09:00
// New York rule is 14:00Z in winter and 13:00Z in summer. Wall-clock times that do not exist
// (02:30 on a spring-forward day) are skipped, as AWX skips them for next_run and previews; an
// ambiguous time (01:30 on a fall-back day) is its first instant (dateutil's fold=0).
//
// Thread-safe (libical's zone tables are guarded by one mutex).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace baton::domain::rrule {

// AWX's SchedulePreviewSerializer.validate_rrule: the messages of every rule the text breaks,
// in AWX's order and wording ("Valid DTSTART required in rrule. Value should start with:
// DTSTART:YYYYMMDDTHHMMSSZ", "INTERVAL required in rrule: RULE:FREQ=DAILY", "COUNT > 999 is
// unsupported: ...", "rrule parsing failed validation: ..."); empty when the text is valid.
// EXDATE and RDATE give that one message alone, as AWX raises them at once.
std::vector<std::string> Validate(std::string_view text);

// AWX's Schedule.coerce_naive_until: an UNTIL without "Z" is a wall-clock time in the DTSTART's
// zone and is rewritten as the UTC instant ("UNTIL=20200601T170000" in New York becomes
// "UNTIL=20200601T210000Z"); parts are joined with single spaces. What AWX stores. Text it
// cannot read comes back unchanged.
std::string CoerceNaiveUntil(std::string_view text);

// One occurrence: the UTC instant and the wall-clock time in the rule's zone as AWX's preview
// prints it ("2025-03-10T09:00:00-04:00"; "...Z" for UTC rules).
struct Occurrence {
  Micros utc = 0;
  std::string local;
};

class RuleSet {
 public:
  // Parses valid text (Validate() empty); naive UNTILs are coerced first. An Error carries
  // {"rrule": [msg]}.
  static Result<RuleSet> Parse(std::string_view text);

  // "UTC" or the TZID as written ("America/New_York", "US/Eastern").
  const std::string& Timezone() const { return tzid_; }
  // AWX's `until`: the first UNTIL of the rules as a wall-clock time in the rule's zone
  // ("2020-06-01T17:00:00"), "" when no rule has one.
  std::string Until() const;
  // Occurrences strictly after `after` (UTC), at most `n`.
  std::vector<Occurrence> After(Micros after, size_t n) const;
  // The first occurrence (AWX's dtstart); nullopt when the set is empty.
  std::optional<Micros> First() const;
  // The last occurrence when every RRULE ends (COUNT or UNTIL; AWX's dtend), else nullopt.
  std::optional<Micros> Last() const;

  struct Rule {
    std::string value;            // "FREQ=...;..." with UNTIL in UTC form
    std::optional<Micros> until;  // UNTIL instant
    bool has_count = false;
    std::string freq;
    int64_t interval = 1;
  };

 private:
  std::string tzid_;
  bool utc_ = true;
  // DTSTART as a wall-clock time in the zone, seconds since 1970 as if it were UTC.
  int64_t dtstart_wall_ = 0;
  std::vector<Rule> rrules_, exrules_;
  friend class Streams;
};

// What a schedule shows and fires on, computed as AWX's update_computed_fields does at `now`:
// dtstart = first occurrence, dtend = last occurrence (null when unbounded), next_run = first
// occurrence strictly after `now` (null when disabled or exhausted), timezone, until.
struct Computed {
  std::optional<Micros> dtstart, dtend, next_run;
  std::string timezone, until;
};
Computed Compute(const RuleSet& rules, Micros now, bool enabled);

// The zone names AWX's /schedules/zoneinfo/ lists (zones and links of the system tz database,
// sorted) and its links ({alias: target}).
std::vector<std::string> ZoneNames();
std::map<std::string, std::string> ZoneLinks();

// AWX's timestamp form for schedule instants: "2025-03-10T13:00:00Z" (microseconds only when
// not zero).
std::string FormatUtc(Micros t);

}  // namespace baton::domain::rrule
