// Time: an injectable clock and AWX's timestamp format ("2024-10-23T15:30:00.123456Z").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baton {

// Microseconds since the Unix epoch, UTC.
using Micros = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros Now() const = 0;
};

class SystemClock : public Clock {
 public:
  Micros Now() const override;
};

// A clock tests move by hand. Thread-compatible, not thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(Micros start) : now_(start) {}
  Micros Now() const override { return now_; }
  void Advance(Micros d) { now_ += d; }
  void Set(Micros t) { now_ = t; }

 private:
  Micros now_;
};

std::string FormatIso(Micros t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" with optional "Z" or "+HH:MM".
std::optional<Micros> ParseIso(std::string_view s);

}  // namespace baton
