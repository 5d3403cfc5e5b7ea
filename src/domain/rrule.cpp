#include "domain/rrule.hpp"

#include "domain/civil_time.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

namespace baton::domain::rrule {
namespace {

using civil::Civil;
using civil::CivilFromSecs;
using civil::CompactUtc;
using civil::ParseStamp;
using civil::SecsFromCivil;
using civil::Stamp;
using civil::Two;
using civil::WallIso;

constexpr int64_t kUs = 1000000;
// Guard against rules that never produce (or produce endlessly before the wanted instant):
// iterator steps per operation.
constexpr int64_t kMaxSteps = 2000000;

std::mutex& IcalMutex() {
  static std::mutex m;
  return m;
}

std::string Upper(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::vector<std::string> SplitWs(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string part;
  while (in >> part) out.push_back(part);
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t n = s.find(sep, pos);
    out.emplace_back(s.substr(pos, n == std::string_view::npos ? std::string_view::npos : n - pos));
    if (n == std::string_view::npos) break;
    pos = n + 1;
  }
  return out;
}

// ---- Zones (callers hold IcalMutex) ----

bool IsUtcName(std::string_view name) {
  return name == "UTC" || name == "GMT" || name == "Z" || name == "z";
}

icaltimezone* FindZone(const std::string& name) {
  if (name.empty()) return nullptr;
  return icaltimezone_get_builtin_timezone(name.c_str());
}

int OffsetAtUtc(icaltimezone* zone, int64_t utc_secs) {
  struct icaltimetype tt = icaltime_from_timet_with_zone(static_cast<time_t>(utc_secs), 0,
                                                         icaltimezone_get_utc_timezone());
  int dl = 0;
  return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &dl);
}

// The UTC instant of a wall-clock time in `zone` (null zone = UTC): the earlier instant of an
// ambiguous time, nullopt for a time the zone skips.
std::optional<int64_t> WallToUtc(icaltimezone* zone, int64_t wall) {
  if (!zone) return wall;
  int candidates[2] = {OffsetAtUtc(zone, wall - 43200), OffsetAtUtc(zone, wall + 43200)};
  std::optional<int64_t> best;
  for (int o : candidates) {
    int64_t u = wall - o;
    if (OffsetAtUtc(zone, u) == o && (!best || u < *best)) best = u;
  }
  return best;
}

std::string LocalIso(icaltimezone* zone, int64_t utc) {
  if (!zone) return WallIso(utc) + "Z";
  int off = OffsetAtUtc(zone, utc);
  if (off == 0) return WallIso(utc) + "Z";
  int a = off < 0 ? -off : off;
  return WallIso(utc + off) + (off < 0 ? "-" : "+") + Two(a / 3600) + ":" + Two(a % 3600 / 60);
}

// ---- Parsing ----

struct Parts {
  std::optional<std::string> dtstart_value;
  std::vector<std::string> dtstart_parms;
  std::vector<std::string> rrules, exrules;
};

const std::set<std::string, std::less<>>& KnownRuleNames() {
  static const std::set<std::string, std::less<>> k = {
      "FREQ",       "INTERVAL",  "COUNT",    "UNTIL",    "BYSETPOS", "BYMONTH",
      "BYMONTHDAY", "BYYEARDAY", "BYEASTER", "BYWEEKNO", "BYDAY",    "BYWEEKDAY",
      "BYHOUR",     "BYMINUTE",  "BYSECOND", "WKST"};
  return k;
}

// dateutil's rrulestr on AWX's text: one error message, or the parts.
Result<Parts> SplitParts(std::string_view text) {
  Parts p;
  std::string upper = Upper(text);
  auto lines = SplitWs(upper);
  if (lines.empty()) return Error::Msg("empty string");
  for (const auto& line : lines) {
    std::string name = "RRULE", value = line;
    if (auto colon = line.find(':'); colon != std::string::npos) {
      name = line.substr(0, colon);
      value = line.substr(colon + 1);
    }
    auto parms = Split(name, ';');
    name = parms[0];
    parms.erase(parms.begin());
    if (name == "RRULE" || name == "EXRULE") {
      if (!parms.empty()) return Error::Msg("unsupported " + name + " parm: " + parms[0]);
      (name == "RRULE" ? p.rrules : p.exrules).push_back(value);
    } else if (name == "DTSTART") {
      p.dtstart_value = value;
      p.dtstart_parms = parms;
    } else if (name == "RDATE" || name == "EXDATE") {
      return Error::Msg(name + " not allowed in rrule.");
    } else {
      return Error::Msg("unsupported property: " + name);
    }
  }
  return p;
}

// The TZID as written (dateutil upper-cases the text but keeps TZID names as given).
std::string OriginalTzid(std::string_view text, const std::string& upper_name) {
  static const std::regex re("TZID=([^:]+):");
  std::string s(text);
  for (std::sregex_iterator it(s.begin(), s.end(), re), end; it != end; ++it)
    if (Upper((*it)[1].str()) == upper_name) return (*it)[1].str();
  return upper_name;
}

}  // namespace

// ---- Validation (AWX's validate_rrule) ----

std::vector<std::string> Validate(std::string_view text) {
  std::string value(text);
  std::string lower = Lower(value);
  std::vector<std::string> errors;
  static const std::regex dtstart_re("DTSTART(;[^:]+)?\\:[0-9]+T[0-9]+Z?");
  static const std::regex naive_re("DTSTART:[0-9]+T[0-9]+ ");
  static const std::regex rule_re("RULE\\:[^\\s]*");
  static const std::regex byday_re("^.*?BYDAY[\\:\\=][0-9]+[a-zA-Z]{2}");
  static const std::regex count_re("COUNT\\=([0-9]+)");
  auto count = [&](const std::regex& re) {
    return std::distance(std::sregex_iterator(value.begin(), value.end(), re),
                         std::sregex_iterator());
  };
  auto dtstarts = count(dtstart_re);
  if (dtstarts == 0)
    errors.push_back(
        "Valid DTSTART required in rrule. Value should start with: DTSTART:YYYYMMDDTHHMMSSZ");
  if (count(naive_re) > 0)
    errors.push_back("DTSTART cannot be a naive datetime.  Specify ;TZINFO= or YYYYMMDDTHHMMSSZZ.");
  if (dtstarts > 1) errors.push_back("Multiple DTSTART is not supported.");
  if (lower.find("rrule:") == std::string::npos)
    errors.push_back("One or more rule required in rrule.");
  if (lower.find("exdate:") != std::string::npos) return {"EXDATE not allowed in rrule."};
  if (lower.find("rdate:") != std::string::npos) return {"RDATE not allowed in rrule."};
  for (std::sregex_iterator it(value.begin(), value.end(), rule_re), end; it != end; ++it) {
    std::string rule = it->str();
    std::string rl = Lower(rule);
    if (rl.find("interval") == std::string::npos)
      errors.push_back("INTERVAL required in rrule: " + rule);
    else if (rl.find("secondly") != std::string::npos)
      errors.push_back("SECONDLY is not supported: " + rule);
    if (std::regex_search(rule, byday_re))
      errors.push_back("BYDAY with numeric prefix not supported: " + rule);
    if (rule.find("COUNT") != std::string::npos && rule.find("UNTIL") != std::string::npos)
      errors.push_back("RRULE may not contain both COUNT and UNTIL: " + rule);
    std::smatch m;
    if (std::regex_search(rule, m, count_re)) {
      std::string digits = m[1].str();
      while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
      if (digits.size() > 3) errors.push_back("COUNT > 999 is unsupported: " + rule);
    }
  }
  auto parsed = RuleSet::Parse(value);
  if (!parsed.ok()) {
    const auto& body = parsed.error().body;
    std::string msg;
    if (body.is_object())
      if (auto* r = body.as_object().if_contains("rrule");
          r && r->is_array() && !r->as_array().empty())
        msg = std::string(r->as_array()[0].as_string());
    errors.push_back("rrule parsing failed validation: " + msg);
  }
  return errors;
}

// ---- Naive UNTIL ----

std::string CoerceNaiveUntil(std::string_view text) {
  auto parts = SplitWs(text);
  std::string dtstart;
  for (const auto& p : parts)
    if (Upper(p).rfind("DTSTART", 0) == 0) dtstart = p;
  static const std::regex until_re("UNTIL=([0-9]+T[0-9]+)(Z?)", std::regex::icase);
  bool changed = false;
  for (auto& rule : parts) {
    std::smatch m;
    if (!std::regex_search(rule, m, until_re) || m[2].length() > 0) continue;
    // The zone of DTSTART: UTC or its TZID.
    std::string upper = Upper(dtstart);
    auto colon = upper.find(':');
    if (colon == std::string::npos) continue;
    std::string tz;
    for (const auto& parm : Split(upper.substr(0, colon), ';'))
      if (parm.rfind("TZID=", 0) == 0) tz = OriginalTzid(dtstart, parm.substr(5));
    auto stamp = ParseStamp(m[1].str());
    if (!stamp) continue;
    int64_t utc = stamp->secs;
    if (!tz.empty() && !IsUtcName(tz)) {
      std::lock_guard<std::mutex> lock(IcalMutex());
      icaltimezone* zone = FindZone(tz);
      if (!zone) continue;
      auto u = WallToUtc(zone, stamp->secs);
      // A wall time the zone skips: pytz's make_aware takes the standard-time offset.
      utc = u ? *u : stamp->secs - OffsetAtUtc(zone, stamp->secs - 43200);
    }
    rule = rule.substr(0, static_cast<size_t>(m.position(0))) + "UNTIL=" + CompactUtc(utc) +
           rule.substr(static_cast<size_t>(m.position(0) + m.length(0)));
    changed = true;
  }
  if (!changed) return std::string(text);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// ---- Streams of occurrences ----

// One rule's occurrences as UTC instants, in order, skipping wall-clock times that do not
// exist, ending at UNTIL. Callers hold IcalMutex.
class RuleStream {
 public:
  // Occurrences whose wall-clock time is before `skip_before` are skipped unconverted (callers
  // that only want later instants; zone offsets stay within a day).
  RuleStream(const RuleSet::Rule& r, int64_t start_wall, icaltimezone* zone, int64_t* steps,
             std::optional<int64_t> skip_before)
      : zone_(zone), until_(r.until), steps_(steps), skip_before_(skip_before) {
    struct icalrecurrencetype rec = icalrecurrencetype_from_string(r.value.c_str());
    Civil c = CivilFromSecs(start_wall);
    struct icaltimetype t = icaltime_null_time();
    t.year = c.year;
    t.month = c.month;
    t.day = c.day;
    t.hour = c.hour;
    t.minute = c.minute;
    t.second = c.second;
    t.is_date = 0;
    it_ = icalrecur_iterator_new(rec, t);
  }
  ~RuleStream() {
    if (it_) icalrecur_iterator_free(it_);
  }
  RuleStream(const RuleStream&) = delete;
  RuleStream& operator=(const RuleStream&) = delete;

  // The next occurrence (UTC seconds), nullopt when the rule is exhausted.
  std::optional<int64_t> Next() {
    while (it_ && !done_) {
      if (++*steps_ > kMaxSteps) break;
      struct icaltimetype t = icalrecur_iterator_next(it_);
      if (icaltime_is_null_time(t)) break;
      int64_t wall = SecsFromCivil(Civil{t.year, t.month, t.day, t.hour, t.minute, t.second});
      if (skip_before_ && wall < *skip_before_) continue;
      auto utc = WallToUtc(zone_, wall);
      if (!utc) continue;
      if (until_ && *utc * kUs > *until_) break;
      return utc;
    }
    done_ = true;
    return std::nullopt;
  }

 private:
  icalrecur_iterator* it_ = nullptr;
  icaltimezone* zone_;
  std::optional<Micros> until_;
  int64_t* steps_;
  std::optional<int64_t> skip_before_;
  bool done_ = false;
};

class Streams {
 public:
  // `ref`: fast-forward HOURLY/MINUTELY rules without COUNT to the grid instant at or before
  // it, as AWX's _fast_forward_rrule does (the same occurrences, fewer steps).
  Streams(const RuleSet& s, std::optional<int64_t> ref, std::optional<int64_t> skip_before = {})
      : set_(s), skip_before_(skip_before) {
    zone_ = s.utc_ ? nullptr : FindZone(s.tzid_);
    for (const auto& r : s.rrules_) rr_.push_back(Make(r, ref));
    for (const auto& r : s.exrules_) ex_.push_back(Make(r, ref));
    peek_.resize(rr_.size());
    expeek_.resize(ex_.size());
    for (size_t i = 0; i < rr_.size(); ++i) peek_[i] = rr_[i]->Next();
    for (size_t i = 0; i < ex_.size(); ++i) expeek_[i] = ex_[i]->Next();
  }

  // The next occurrence of the set (UTC seconds).
  std::optional<int64_t> Next() {
    while (true) {
      std::optional<int64_t> best;
      for (auto& p : peek_)
        if (p && (!best || *p < *best)) best = p;
      if (!best) return std::nullopt;
      for (size_t i = 0; i < rr_.size(); ++i)
        while (peek_[i] && *peek_[i] <= *best) peek_[i] = rr_[i]->Next();
      bool excluded = false;
      for (size_t i = 0; i < ex_.size(); ++i) {
        while (expeek_[i] && *expeek_[i] < *best) expeek_[i] = ex_[i]->Next();
        excluded = excluded || (expeek_[i] && *expeek_[i] == *best);
      }
      if (!excluded) return best;
    }
  }
  icaltimezone* zone() const { return zone_; }

 private:
  std::unique_ptr<RuleStream> Make(const RuleSet::Rule& r, std::optional<int64_t> ref) {
    int64_t start = set_.dtstart_wall_;
    // DAILY and WEEKLY rules without COUNT: whole periods of wall-clock days before the
    // reference hold nothing the caller wants, and skipping them keeps the day grid (and the
    // weekday), so the later occurrences are the same (baton's addition: AWX walks them).
    if (ref && !r.has_count && (r.freq == "DAILY" || r.freq == "WEEKLY")) {
      int64_t step = r.interval * (r.freq == "DAILY" ? 1 : 7) * 86400;
      int64_t gap = *ref - 2 * 86400 - start;
      if (step > 0 && gap > step) start += gap / step * step;
    }
    if (ref && !r.has_count && (r.freq == "HOURLY" || r.freq == "MINUTELY")) {
      int64_t step = r.interval * (r.freq == "HOURLY" ? 3600 : 60);
      auto start_utc = WallToUtc(zone_, start);
      if (start_utc && step > 0 && *start_utc <= *ref) {
        int64_t moved = *start_utc + (*ref - *start_utc) / step * step;
        start = zone_ ? moved + OffsetAtUtc(zone_, moved) : moved;
      }
    }
    return std::make_unique<RuleStream>(r, start, zone_, &steps_, skip_before_);
  }

  const RuleSet& set_;
  std::optional<int64_t> skip_before_;
  icaltimezone* zone_ = nullptr;
  int64_t steps_ = 0;
  std::vector<std::unique_ptr<RuleStream>> rr_, ex_;
  std::vector<std::optional<int64_t>> peek_, expeek_;
};

// ---- RuleSet ----

Result<RuleSet> RuleSet::Parse(std::string_view raw) {
  auto fail = [](std::string msg) { return Error::Field("rrule", msg); };
  std::string text = CoerceNaiveUntil(raw);
  auto parts = SplitParts(text);
  if (!parts.ok()) return fail(std::string(parts.error().body.as_object().at("msg").as_string()));
  RuleSet s;
  const std::string kTzid = "A valid TZID must be provided (e.g., America/New_York)";
  if (!parts->dtstart_value) return fail(kTzid);
  std::string tzid;
  for (const auto& parm : parts->dtstart_parms) {
    if (parm.rfind("TZID=", 0) != 0) return fail("unsupported DTSTART parm: " + parm);
    tzid = OriginalTzid(text, parm.substr(5));
  }
  auto stamp = ParseStamp(*parts->dtstart_value);
  if (!stamp) return fail("Unknown string format: " + *parts->dtstart_value);
  if (stamp->utc && !tzid.empty()) return fail("DTSTART specifies multiple timezones.");
  if (!stamp->utc && (tzid.empty())) return fail(kTzid);
  std::lock_guard<std::mutex> lock(IcalMutex());
  if (stamp->utc || IsUtcName(tzid)) {
    s.utc_ = true;
    s.tzid_ = "UTC";
  } else {
    if (!FindZone(tzid)) return fail(kTzid);
    s.utc_ = false;
    s.tzid_ = tzid;
  }
  s.dtstart_wall_ = stamp->secs;
  auto rule_of = [&](const std::string& value) -> Result<Rule> {
    Rule r;
    std::string kept;
    for (const auto& pair : Split(value, ';')) {
      if (pair.empty()) continue;
      auto eq = pair.find('=');
      if (eq == std::string::npos) return fail("unknown parameter name");
      std::string name = pair.substr(0, eq), v = pair.substr(eq + 1);
      if (!KnownRuleNames().count(name)) return fail("unknown parameter name");
      if (name == "UNTIL") {
        auto u = ParseStamp(v);
        if (!u) return fail("Unknown string format: " + v);
        if (!u->utc)
          return fail("RRULE UNTIL values must be specified in UTC when DTSTART is timezone-aware");
        r.until = u->secs * kUs;
        continue;
      }
      if (name == "FREQ") {
        static const std::set<std::string, std::less<>> kFreqs = {
            "YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"};
        if (!kFreqs.count(v)) return fail("invalid 'FREQ': " + v);
        r.freq = v;
      }
      if (name == "INTERVAL") {
        if (v.empty() || v.size() > 6 || !std::all_of(v.begin(), v.end(), ::isdigit))
          return fail("invalid literal for int() with base 10: '" + v + "'");
        r.interval = std::stoll(v);
      }
      if (name == "COUNT") r.has_count = true;
      if (name == "BYWEEKDAY") name = "BYDAY";
      kept += (kept.empty() ? "" : ";") + name + "=" + v;
    }
    if (r.freq.empty()) return fail("Missing FREQ in RRULE");
    icalerror_clear_errno();
    struct icalrecurrencetype rec = icalrecurrencetype_from_string(kept.c_str());
    if (icalerrno != ICAL_NO_ERROR || rec.freq == ICAL_NO_RECURRENCE) {
      icalerror_clear_errno();
      return fail("invalid rule: " + value);
    }
    r.value = kept;
    return r;
  };
  for (const auto& v : parts->rrules) {
    BATON_ASSIGN(Rule r, rule_of(v));
    s.rrules_.push_back(std::move(r));
  }
  for (const auto& v : parts->exrules) {
    BATON_ASSIGN(Rule r, rule_of(v));
    s.exrules_.push_back(std::move(r));
  }
  if (s.rrules_.empty()) return fail("One or more rule required in rrule.");
  return s;
}

std::string RuleSet::Until() const {
  for (const auto& r : rrules_) {
    if (!r.until) continue;
    int64_t secs = *r.until / kUs;
    if (utc_) return WallIso(secs);
    std::lock_guard<std::mutex> lock(IcalMutex());
    return WallIso(secs + OffsetAtUtc(FindZone(tzid_), secs));
  }
  return "";
}

std::vector<Occurrence> RuleSet::After(Micros after, size_t n) const {
  std::vector<Occurrence> out;
  if (n == 0) return out;
  std::lock_guard<std::mutex> lock(IcalMutex());
  int64_t after_secs = after >= 0 ? after / kUs : -((-after + kUs - 1) / kUs);
  Streams st(*this, after_secs, after_secs - 2 * 86400);
  while (out.size() < n) {
    auto t = st.Next();
    if (!t) break;
    if (*t * kUs <= after) continue;
    out.push_back(Occurrence{*t * kUs, LocalIso(st.zone(), *t)});
  }
  return out;
}

std::optional<Micros> RuleSet::First() const {
  std::lock_guard<std::mutex> lock(IcalMutex());
  Streams st(*this, std::nullopt);
  auto t = st.Next();
  if (!t) return std::nullopt;
  return *t * kUs;
}

std::optional<Micros> RuleSet::Last() const {
  std::optional<Micros> latest_until;
  for (const auto& r : rrules_) {
    if (!r.until && !r.has_count) return std::nullopt;
    if (r.until && (!latest_until || *r.until > *latest_until)) latest_until = r.until;
  }
  bool fast = false;
  for (const auto* rules : {&rrules_, &exrules_})
    for (const auto& r : *rules)
      fast = fast || (!r.has_count && r.freq != "MONTHLY" && r.freq != "YEARLY");
  std::lock_guard<std::mutex> lock(IcalMutex());
  // Long HOURLY/MINUTELY rules ending at UNTIL start near the end (a wider window when it
  // holds no occurrence); everything else walks from the start.
  for (int64_t window = 7 * 86400;; window *= 4) {
    std::optional<int64_t> ref;
    if (fast && latest_until) ref = *latest_until / kUs - window;
    Streams st(*this, ref);
    std::optional<int64_t> last;
    while (auto t = st.Next()) last = t;
    if (last) return *last * kUs;
    int64_t start = dtstart_wall_ - 86400;
    if (!ref || *ref <= start) return std::nullopt;
  }
}

Computed Compute(const RuleSet& rules, Micros now, bool enabled) {
  Computed c;
  c.timezone = rules.Timezone();
  c.until = rules.Until();
  c.dtstart = rules.First();
  c.dtend = rules.Last();
  if (enabled) {
    auto next = rules.After(now, 1);
    if (!next.empty()) c.next_run = next[0].utc;
  }
  return c;
}

std::vector<std::string> ZoneNames() {
  static const std::vector<std::string> names = [] {
    std::set<std::string> s;
    std::ifstream in("/usr/share/zoneinfo/tzdata.zi");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string kind, a, b;
      ls >> kind >> a >> b;
      if (kind == "Z") s.insert(a);
      if (kind == "L") s.insert(b);
    }
    if (s.empty()) {
      std::lock_guard<std::mutex> lock(IcalMutex());
      icalarray* zones = icaltimezone_get_builtin_timezones();
      for (size_t i = 0; zones && i < zones->num_elements; ++i)
        if (auto* z = static_cast<icaltimezone*>(icalarray_element_at(zones, i)))
          s.insert(icaltimezone_get_location(z));
    }
    return std::vector<std::string>(s.begin(), s.end());
  }();
  return names;
}

std::map<std::string, std::string> ZoneLinks() {
  static const std::map<std::string, std::string> links = [] {
    std::map<std::string, std::string> m;
    std::ifstream in("/usr/share/zoneinfo/tzdata.zi");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string kind, target, alias;
      ls >> kind >> target >> alias;
      if (kind == "L") m[alias] = target;
    }
    return m;
  }();
  return links;
}

std::string FormatUtc(Micros t) {
  int64_t secs = t >= 0 ? t / kUs : -((-t + kUs - 1) / kUs);
  int64_t us = t - secs * kUs;
  std::string out = WallIso(secs);
  if (us != 0) {
    char b[16];
    std::snprintf(b, sizeof b, ".%06lld", static_cast<long long>(us));
    out += b;
  }
  return out + "Z";
}

}  // namespace baton::domain::rrule
