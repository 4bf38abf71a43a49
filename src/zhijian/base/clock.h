// Time, injected. Domain code takes a `const Clock&` (or a time value) and never reads the
// system clock itself, so tests are deterministic.
//
// Thread-safety: implementations must be safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace zhijian {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& Instance();
};

// A clock that returns what it is set to; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint t) : t_(t) {}
  TimePoint Now() const override { return t_; }
  void Set(TimePoint t) { t_ = t; }
  void Advance(std::chrono::milliseconds d) { t_ += d; }

 private:
  TimePoint t_;
};

// RFC 3339 UTC with milliseconds: "2026-11-21T10:03:00.123Z". Stored instants use this form,
// so they sort as text on both backends.
std::string FormatInstant(TimePoint t);
// Parses the form above (also accepts no fraction); false on malformed input.
bool ParseInstant(const std::string& text, TimePoint* out);
// Milliseconds since the Unix epoch.
int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(int64_t ms);

}  // namespace zhijian
