#include "core/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace baton {

Micros SystemClock::Now() const {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatIso(Micros t) {
  time_t secs = static_cast<time_t>(t / 1000000);
  int64_t us = t % 1000000;
  if (us < 0) {
    us += 1000000;
    secs -= 1;
  }
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us));
  return buf;
}

std::optional<Micros> ParseIso(std::string_view s) {
  int Y = 0, M = 0, D = 0, h = 0, m = 0, sec = 0;
  if (s.size() < 10) return std::nullopt;
  auto num = [&](size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  if (!num(0, 4, Y) || s[4] != '-' || !num(5, 2, M) || s[7] != '-' || !num(8, 2, D))
    return std::nullopt;
  size_t i = 10;
  int64_t us = 0;
  int tz = 0;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    if (!num(i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' || !num(i + 4, 2, m))
      return std::nullopt;
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!num(i + 1, 2, sec)) return std::nullopt;
      i += 3;
      if (i < s.size() && s[i] == '.') {
        ++i;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          if (digits < 6) us = us * 10 + (s[i] - '0');
          ++digits;
          ++i;
        }
        for (; digits < 6; ++digits) us *= 10;
      }
    }
    if (i < s.size()) {
      if (s[i] == 'Z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        int th = 0, tm2 = 0;
        if (!num(i + 1, 2, th)) return std::nullopt;
        size_t j = i + 3;
        if (j < s.size() && s[j] == ':') ++j;
        if (j < s.size() && !num(j, 2, tm2)) return std::nullopt;
        tz = (th * 60 + tm2) * (s[i] == '+' ? 1 : -1);
        i = s.size();
      }
    }
  }
  if (i != s.size()) return std::nullopt;
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return std::nullopt;
  struct tm tm {};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  time_t t = timegm(&tm);
  return (static_cast<int64_t>(t) - tz * 60) * 1000000 + us;
}

}  // namespace baton
