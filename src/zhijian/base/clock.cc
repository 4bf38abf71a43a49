#include "zhijian/base/clock.h"

#include <cstdio>
#include <ctime>

namespace zhijian {

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

std::string FormatInstant(TimePoint t) {
  int64_t ms = ToUnixMillis(t);
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int millis = static_cast<int>(ms - secs * 1000);
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

bool ParseInstant(const std::string& text, TimePoint* out) {
  int y, mo, d, h, mi, s, ms = 0;
  int n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6) {
    return false;
  }
  const char* rest = text.c_str() + n;
  if (*rest == '.') {
    int m = 0;
    if (std::sscanf(rest, ".%3d%n", &ms, &m) != 1 || m != 4) return false;
    rest += m;
  }
  if (std::string(rest) != "Z") return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t secs = timegm(&tm);
  *out = FromUnixMillis(static_cast<int64_t>(secs) * 1000 + ms);
  return true;
}

}  // namespace zhijian
