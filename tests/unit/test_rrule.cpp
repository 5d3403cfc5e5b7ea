// Schedule rules (domain/rrule.hpp, api-resources.md §20): AWX's validation messages, and the
// occurrences of rule sets in UTC and in zones with DST changes. Expected instants were taken
// from python-dateutil's rruleset, which AWX uses, on the same text.
#include <gtest/gtest.h>

#include "domain/rrule.hpp"

namespace baton::domain::rrule {
namespace {

Micros At(const char* iso) {
  return *ParseIso(iso);
}

std::vector<std::string> Utc(const std::vector<Occurrence>& occ) {
  std::vector<std::string> out;
  for (const auto& o : occ) out.push_back(FormatUtc(o.utc));
  return out;
}

struct ExpansionCase {
  const char* name;
  const char* rule;
  std::vector<std::string> utc;    // every occurrence, in order
  std::vector<std::string> local;  // the same in the rule's zone ("" = not checked)
};

class Expansion : public ::testing::TestWithParam<ExpansionCase> {};

TEST_P(Expansion, OccurrencesAreDateutilsInstants) {
  const auto& c = GetParam();
  EXPECT_TRUE(Validate(c.rule).empty()) << c.rule;
  auto set = RuleSet::Parse(c.rule);
  ASSERT_TRUE(set.ok()) << c.rule;
  auto occ = set->After(At("2000-01-01T00:00:00Z"), 100);
  EXPECT_EQ(Utc(occ), c.utc) << c.name;
  for (size_t i = 0; i < c.local.size() && i < occ.size(); ++i)
    if (!c.local[i].empty()) {
      EXPECT_EQ(occ[i].local, c.local[i]) << c.name << " #" << i;
    }
  ASSERT_FALSE(c.utc.empty());
  EXPECT_EQ(FormatUtc(*set->First()), c.utc.front());
  EXPECT_EQ(FormatUtc(*set->Last()), c.utc.back());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, Expansion,
    ::testing::Values(
        // Monday and Wednesday 09:00 New York across the 2025-03-09 spring-forward; the EXRULE
        // drops every other Wednesday counted from DTSTART's week (so 03-12).
        ExpansionCase{
            "weekly_two_days_dst_exrule",
            "DTSTART;TZID=America/New_York:20250301T090000 "
            "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=6 "
            "EXRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
            {"2025-03-03T14:00:00Z", "2025-03-05T14:00:00Z", "2025-03-10T13:00:00Z",
             "2025-03-17T13:00:00Z", "2025-03-19T13:00:00Z"},
            {"2025-03-03T09:00:00-05:00", "2025-03-05T09:00:00-05:00", "2025-03-10T09:00:00-04:00",
             "2025-03-17T09:00:00-04:00", "2025-03-19T09:00:00-04:00"}},
        ExpansionCase{"berlin_fall_back",
                      "DTSTART;TZID=Europe/Berlin:20251020T083000 "
                      "RRULE:FREQ=DAILY;INTERVAL=3;COUNT=4",
                      {"2025-10-20T06:30:00Z", "2025-10-23T06:30:00Z", "2025-10-26T07:30:00Z",
                       "2025-10-29T07:30:00Z"},
                      {"2025-10-20T08:30:00+02:00", "", "2025-10-26T08:30:00+01:00", ""}},
        // 01:30 on 2025-11-02 happens twice in New York: the first one counts (fold=0).
        ExpansionCase{"ambiguous_wall_time",
                      "DTSTART;TZID=America/New_York:20251101T013000 "
                      "RRULE:FREQ=DAILY;INTERVAL=1;COUNT=3",
                      {"2025-11-01T05:30:00Z", "2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"},
                      {"2025-11-01T01:30:00-04:00", "2025-11-02T01:30:00-04:00",
                       "2025-11-03T01:30:00-05:00"}},
        // 02:30 on 2025-03-09 does not exist in New York: skipped, as AWX skips it.
        ExpansionCase{"nonexistent_wall_time",
                      "DTSTART;TZID=America/New_York:20250308T023000 "
                      "RRULE:FREQ=DAILY;INTERVAL=1;COUNT=3",
                      {"2025-03-08T07:30:00Z", "2025-03-10T06:30:00Z"},
                      {}},
        ExpansionCase{
            "monthly_31st_skips_short_months",
            "DTSTART:20250131T100000Z RRULE:FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=31;COUNT=3",
            {"2025-01-31T10:00:00Z", "2025-03-31T10:00:00Z", "2025-05-31T10:00:00Z"},
            {"2025-01-31T10:00:00Z"}},
        ExpansionCase{"union_of_rrules",
                      "DTSTART:20250101T000000Z RRULE:FREQ=DAILY;INTERVAL=2;COUNT=4 "
                      "RRULE:FREQ=DAILY;INTERVAL=3;COUNT=3",
                      {"2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z", "2025-01-04T00:00:00Z",
                       "2025-01-05T00:00:00Z", "2025-01-07T00:00:00Z"},
                      {}},
        // A naive UNTIL is New York time (AWX's coerce_naive_until).
        ExpansionCase{"naive_until_is_local",
                      "DTSTART;TZID=America/New_York:20200601T120000 "
                      "RRULE:FREQ=HOURLY;INTERVAL=1;UNTIL=20200601T170000",
                      {"2020-06-01T16:00:00Z", "2020-06-01T17:00:00Z", "2020-06-01T18:00:00Z",
                       "2020-06-01T19:00:00Z", "2020-06-01T20:00:00Z", "2020-06-01T21:00:00Z"},
                      {}},
        ExpansionCase{"last_weekday_of_month_sydney",
                      "DTSTART;TZID=Australia/Sydney:20250401T100000 "
                      "RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4",
                      {"2025-04-30T00:00:00Z", "2025-05-30T00:00:00Z", "2025-06-30T00:00:00Z",
                       "2025-07-31T00:00:00Z"},
                      {"2025-04-30T10:00:00+10:00"}},
        ExpansionCase{"biweekly_two_hours_with_monthly_exrule",
                      "DTSTART;TZID=America/Chicago:20240101T060000 "
                      "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;BYHOUR=6,18;UNTIL=20240131T235959Z "
                      "EXRULE:FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=16,18;BYHOUR=18",
                      {"2024-01-02T12:00:00Z", "2024-01-03T00:00:00Z", "2024-01-04T12:00:00Z",
                       "2024-01-05T00:00:00Z", "2024-01-16T12:00:00Z", "2024-01-18T12:00:00Z",
                       "2024-01-30T12:00:00Z", "2024-01-31T00:00:00Z"},
                      {}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RRule, AfterIsStrictAndFastForwardsMinutelyRules) {
  auto set = RuleSet::Parse("DTSTART:20200101T000000Z RRULE:FREQ=MINUTELY;INTERVAL=7");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(Utc(set->After(At("2026-01-01T00:00:00Z"), 3)),
            (std::vector<std::string>{"2026-01-01T00:02:00Z", "2026-01-01T00:09:00Z",
                                      "2026-01-01T00:16:00Z"}));
  EXPECT_EQ(Utc(set->After(At("2026-01-01T00:02:00Z"), 1)),
            (std::vector<std::string>{"2026-01-01T00:09:00Z"}));
  EXPECT_FALSE(set->Last().has_value());  // unbounded: dtend null
}

// Long after DTSTART (rules walked from a skipped-ahead start): still dateutil's instants.
TEST(RRule, AfterFarFromDtstartMatchesDateutil) {
  struct Case {
    const char* rule;
    const char* after;
    std::vector<std::string> next;
  };
  const Case cases[] = {
      {"DTSTART;TZID=America/New_York:20010104T093000 RRULE:FREQ=DAILY;INTERVAL=3;BYHOUR=9,17",
       "2026-11-01T00:00:00Z",
       {"2026-11-01T14:30:00Z", "2026-11-01T22:30:00Z", "2026-11-04T14:30:00Z",
        "2026-11-04T22:30:00Z"}},
      {"DTSTART;TZID=Europe/Berlin:20100105T061500 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR",
       "2026-03-20T00:00:00Z",
       {"2026-03-24T05:15:00Z", "2026-03-27T05:15:00Z", "2026-04-07T04:15:00Z",
        "2026-04-10T04:15:00Z"}},
      {"DTSTART;TZID=America/New_York:20110317T080000 RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=MO,TH "
       "EXRULE:FREQ=DAILY;INTERVAL=9",
       "2026-12-01T00:00:00Z",
       {"2026-12-03T13:00:00Z", "2026-12-28T13:00:00Z", "2026-12-31T13:00:00Z",
        "2027-01-25T13:00:00Z"}},
      {"DTSTART:20150101T000000Z RRULE:FREQ=DAILY;INTERVAL=7;UNTIL=20270101T000000Z "
       "RRULE:FREQ=HOURLY;INTERVAL=13;BYMINUTE=0;UNTIL=20270101T000000Z",
       "2026-12-20T00:00:00Z",
       {"2026-12-20T06:00:00Z", "2026-12-20T19:00:00Z", "2026-12-21T08:00:00Z",
        "2026-12-21T21:00:00Z"}},
  };
  for (const auto& c : cases) {
    auto set = RuleSet::Parse(c.rule);
    ASSERT_TRUE(set.ok()) << c.rule;
    EXPECT_EQ(Utc(set->After(At(c.after), 4)), c.next) << c.rule;
  }
}

TEST(RRule, DailyAcrossSpringForwardKeepsWallClock) {
  auto set =
      RuleSet::Parse("DTSTART;TZID=America/New_York:20250101T090000 RRULE:FREQ=DAILY;INTERVAL=1");
  ASSERT_TRUE(set.ok());
  auto occ = set->After(At("2025-03-08T20:00:00Z"), 3);
  EXPECT_EQ(Utc(occ), (std::vector<std::string>{"2025-03-09T13:00:00Z", "2025-03-10T13:00:00Z",
                                                "2025-03-11T13:00:00Z"}));
  EXPECT_EQ(occ[0].local, "2025-03-09T09:00:00-04:00");
}

TEST(RRule, ComputedFields) {
  auto set = RuleSet::Parse(
      "DTSTART;TZID=America/New_York:20200601T120000 "
      "RRULE:FREQ=HOURLY;INTERVAL=1;UNTIL=20200601T170000");
  ASSERT_TRUE(set.ok());
  Computed c = Compute(*set, At("2020-06-01T18:30:00Z"), true);
  EXPECT_EQ(c.timezone, "America/New_York");
  EXPECT_EQ(c.until, "2020-06-01T17:00:00");
  EXPECT_EQ(FormatUtc(*c.dtstart), "2020-06-01T16:00:00Z");
  EXPECT_EQ(FormatUtc(*c.dtend), "2020-06-01T21:00:00Z");
  EXPECT_EQ(FormatUtc(*c.next_run), "2020-06-01T19:00:00Z");
  EXPECT_FALSE(Compute(*set, At("2020-06-01T18:30:00Z"), false).next_run);
  EXPECT_FALSE(Compute(*set, At("2021-01-01T00:00:00Z"), true).next_run);  // exhausted

  auto utc = RuleSet::Parse("DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1");
  ASSERT_TRUE(utc.ok());
  Computed u = Compute(*utc, At("2025-01-01T00:00:00Z"), true);
  EXPECT_EQ(u.timezone, "UTC");
  EXPECT_EQ(u.until, "");
  EXPECT_FALSE(u.dtend);
  EXPECT_EQ(FormatUtc(*u.next_run), "2030-01-01T00:00:00Z");
}

TEST(RRule, CoerceNaiveUntilRewritesToUtc) {
  EXPECT_EQ(CoerceNaiveUntil("DTSTART;TZID=America/New_York:20200601T120000 "
                             "RRULE:FREQ=HOURLY;INTERVAL=1;UNTIL=20200601T170000"),
            "DTSTART;TZID=America/New_York:20200601T120000 "
            "RRULE:FREQ=HOURLY;INTERVAL=1;UNTIL=20200601T210000Z");
  std::string kept = "DTSTART:20200601T120000Z RRULE:FREQ=HOURLY;INTERVAL=1;UNTIL=20200601T170000Z";
  EXPECT_EQ(CoerceNaiveUntil(kept), kept);
}

struct ValidationCase {
  const char* rule;
  const char* first_error;  // prefix of the first message
  size_t count = 0;         // number of messages when not 0
};

class Validation : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(Validation, AwxMessages) {
  const auto& c = GetParam();
  auto errors = Validate(c.rule);
  ASSERT_FALSE(errors.empty()) << c.rule;
  EXPECT_EQ(errors[0].rfind(c.first_error, 0), 0u) << c.rule << " -> " << errors[0];
  if (c.count) {
    EXPECT_EQ(errors.size(), c.count) << c.rule;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, Validation,
    ::testing::Values(
        ValidationCase{"DTSTART:NONSENSE",
                       "Valid DTSTART required in rrule. Value should start "
                       "with: DTSTART:YYYYMMDDTHHMMSSZ"},
        ValidationCase{"RRULE:asdf asdf", "Valid DTSTART required in rrule"},
        ValidationCase{"DTSTART:20300308T050000 RRULE:FREQ=DAILY;INTERVAL=1",
                       "DTSTART cannot be a naive datetime.  Specify ;TZINFO= or "
                       "YYYYMMDDTHHMMSSZZ."},
        ValidationCase{"DTSTART:20300308T050000Z DTSTART:20310308T050000",
                       "Multiple DTSTART is not supported"},
        ValidationCase{"DTSTART:20300308T050000Z", "One or more rule required in rrule."},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:FREQ=MONTHLY;INTERVAL=1; EXDATE:20220401",
                       "EXDATE not allowed in rrule.", 1},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:FREQ=MONTHLY;INTERVAL=1; RDATE:20220401",
                       "RDATE not allowed in rrule.", 1},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:FREQ=SECONDLY;INTERVAL=5;COUNT=6",
                       "SECONDLY is not supported: RULE:FREQ=SECONDLY;INTERVAL=5;COUNT=6"},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:NONSENSE",
                       "INTERVAL required in rrule: RULE:NONSENSE"},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=5MO",
                       "BYDAY with numeric prefix not supported"},
        ValidationCase{"DTSTART:20030925T104941Z "
                       "RRULE:FREQ=DAILY;INTERVAL=10;COUNT=500;UNTIL=20040925T104941Z",
                       "RRULE may not contain both COUNT and UNTIL"},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:FREQ=DAILY;INTERVAL=1;COUNT=2000",
                       "COUNT > 999 is unsupported"},
        ValidationCase{"DTSTART;TZID=US-Eastern:19961105T090000 "
                       "RRULE:FREQ=MINUTELY;INTERVAL=10;COUNT=5",
                       "rrule parsing failed validation: A valid TZID must be provided (e.g., "
                       "America/New_York)"},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:FREQ=REGULARLY;INTERVAL=1",
                       "rrule parsing failed validation: invalid 'FREQ': REGULARLY"},
        ValidationCase{"DTSTART;TZID=America/New_York:20300308T050000Z "
                       "RRULE:FREQ=DAILY;INTERVAL=1",
                       "rrule parsing failed validation"},
        ValidationCase{"DTSTART:20300308T050000Z RRULE:FREQ=DAILY;INTERVAL=1 "
                       "EXRULE:FREQ=WEEKLY;BYDAY=MO",
                       "INTERVAL required in rrule: RULE:FREQ=WEEKLY;BYDAY=MO"}));

TEST(RRule, ValidRulesHaveNoErrors) {
  for (const char* r :
       {"DTSTART:20300115T120000Z RRULE:FREQ=DAILY;INTERVAL=1;COUNT=7",
        "DTSTART;TZID=America/New_York:20300115T120000 RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,FR",
        "DTSTART;TZID=US/Eastern:20300115T120000 RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR",
        "DTSTART:20300115T120000Z RRULE:FREQ=HOURLY;INTERVAL=2;COUNT=999 "
        "RRULE:FREQ=DAILY;INTERVAL=1;UNTIL=20300301T000000Z EXRULE:FREQ=DAILY;INTERVAL=5"})
    EXPECT_TRUE(Validate(r).empty()) << r << ": " << (Validate(r).empty() ? "" : Validate(r)[0]);
}

TEST(RRule, ZoneInfo) {
  auto zones = ZoneNames();
  EXPECT_TRUE(std::is_sorted(zones.begin(), zones.end()));
  EXPECT_TRUE(std::binary_search(zones.begin(), zones.end(), "America/New_York"));
  EXPECT_TRUE(std::binary_search(zones.begin(), zones.end(), "US/Eastern"));
  EXPECT_EQ(ZoneLinks().at("US/Eastern"), "America/New_York");
}

}  // namespace
}  // namespace baton::domain::rrule
