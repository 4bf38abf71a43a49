// Calendar dates: the one implementation of "YYYY-MM-DD" parsing, validation, formatting and
// day arithmetic for the project (proleptic Gregorian calendar; day numbers count from
// 1970-01-01 = 0).
//
// Registry and report dates are civil dates in China; `ChinaDate` gives the date in China
// (UTC+8, no daylight saving) of an instant, for "today" in domain rules (time is injected:
// callers pass the instant from their Clock).
//
// Thread-safety: pure functions. Errors: std::nullopt for malformed or impossible dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zhijian/base/clock.h"

namespace zhijian {

struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);  // 0 for a month outside 1..12
bool IsValidDate(int year, int month, int day);

int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);

// Strict "YYYY-MM-DD" of a real calendar date (2023-02-29 is refused).
std::optional<CivilDate> ParseIsoDate(std::string_view text);
std::optional<int64_t> ParseIsoDay(std::string_view text);  // as a day number
std::string FormatIsoDate(const CivilDate& date);
std::string FormatIsoDay(int64_t days);

// The date `days` after (or before, when negative) an ISO date; std::nullopt if malformed.
std::optional<std::string> AddDays(std::string_view iso_date, int64_t days);
// The same month and day `years` later; 29 February becomes 28 February in common years.
CivilDate AddYears(const CivilDate& date, int years);

// The calendar date in China (UTC+8) at instant `t`, as "YYYY-MM-DD".
std::string ChinaDate(TimePoint t);

}  // namespace zhijian
