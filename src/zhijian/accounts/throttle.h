// Sign-in throttling: slows down password guessing per username and per client IP.
//
// Purpose: `Accounts::Login` asks `Check` before it looks at a password and reports each
// outcome. Each key ("u:" + username, "ip:" + address) keeps its recent failure times and a
// lockout level:
//   - a failure at time t forgets failures older than t - window (15 min); when `max_failures`
//     (5) remain, the key is locked for base_lockout · 2^level (1 min, 2, 4, ... capped at
//     max_lockout = 1 h) and its level grows. While the failures are still within the window,
//     the next failure after the lock ends locks again, twice as long.
//   - the level falls back to 0 after a quiet window (no failure for `window` after the end of
//     the last lock); a successful sign-in clears the username key (not the IP key, so one
//     valid account cannot be used to reset an address that guesses at others).
// Memory is bounded: at most `max_entries` keys; when full, quiet entries are dropped first,
// then the least recently active one.
//
// Pure apart from its injected clock. Thread-safety: all methods are safe to call concurrently
// (one mutex). Errors: none; `Check` returns the wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zhijian/base/clock.h"

namespace zhijian::accounts {

struct ThrottleOptions {
  int max_failures = 5;
  std::chrono::seconds window{15 * 60};
  std::chrono::seconds base_lockout{60};
  std::chrono::seconds max_lockout{60 * 60};
  size_t max_entries = 100000;
};

class LoginThrottle {
 public:
  // `clock` is borrowed and must outlive the throttle.
  explicit LoginThrottle(const Clock& clock, ThrottleOptions options = {});

  // Seconds the caller must wait before trying `username` from `ip` (the longer of the two
  // locks, rounded up); 0 when an attempt is allowed. An empty `ip` is not tracked.
  int64_t Check(std::string_view username, std::string_view ip) const;
  // Records a failed attempt; returns true when it started a lockout of either key.
  bool RecordFailure(std::string_view username, std::string_view ip);
  // Records a successful sign-in: clears the username's failures and lockout level.
  void RecordSuccess(std::string_view username);

  // Number of tracked keys (for tests of the memory bound).
  size_t size() const;

 private:
  struct Entry {
    std::vector<TimePoint> failures;  // within the window, oldest first; at most max_failures
    int level = 0;
    TimePoint locked_until{};
    TimePoint last_activity{};
  };

  bool FailKey(const std::string& key, TimePoint now);
  int64_t WaitFor(const std::string& key, TimePoint now) const;
  void MakeRoom(TimePoint now);
  bool IsQuiet(const Entry& e, TimePoint now) const;

  const Clock& clock_;
  ThrottleOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace zhijian::accounts
