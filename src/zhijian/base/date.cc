#include "zhijian/base/date.h"

#include <chrono>
#include <cstdio>

namespace zhijian {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
}

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && day >= 1 && day <= DaysInMonth(year, month);
}

// Howard Hinnant's public-domain civil-date algorithms, restated.
int64_t DaysFromCivil(const CivilDate& date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = date.month + (date.month > 2 ? -3 : 9);
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilDate c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2 ? 1 : 0));
  return c;
}

std::optional<CivilDate> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  static constexpr int kPos[3][2] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < kPos[i][1]; ++k) {
      const char c = s[kPos[i][0] + k];
      if (c < '0' || c > '9') return std::nullopt;
      v[i] = v[i] * 10 + (c - '0');
    }
  }
  if (!IsValidDate(v[0], v[1], v[2])) return std::nullopt;
  return CivilDate{v[0], v[1], v[2]};
}

std::optional<int64_t> ParseIsoDay(std::string_view text) {
  auto d = ParseIsoDate(text);
  if (!d) return std::nullopt;
  return DaysFromCivil(*d);
}

std::string FormatIsoDate(const CivilDate& date) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

std::string FormatIsoDay(int64_t days) { return FormatIsoDate(CivilFromDays(days)); }

std::optional<std::string> AddDays(std::string_view iso_date, int64_t days) {
  auto d = ParseIsoDay(iso_date);
  if (!d) return std::nullopt;
  return FormatIsoDay(*d + days);
}

CivilDate AddYears(const CivilDate& date, int years) {
  CivilDate c = date;
  c.year += years;
  if (c.month == 2 && c.day == 29 && !IsLeapYear(c.year)) c.day = 28;
  return c;
}

std::string ChinaDate(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8));
  return FormatIsoDay(day.time_since_epoch().count());
}

}  // namespace zhijian
