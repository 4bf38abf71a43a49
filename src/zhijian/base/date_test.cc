#include "zhijian/base/date.h"

#include <gtest/gtest.h>

namespace zhijian {
namespace {

TEST(DateTest, ParseAndFormat) {
  auto d = ParseIsoDate("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (CivilDate{2024, 2, 29}));
  EXPECT_EQ(FormatIsoDate(*d), "2024-02-29");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-4-01",
                          "20240401", "2024/04/01", "", "abcd-ef-gh", "2024-04-01 "}) {
    EXPECT_FALSE(ParseIsoDate(bad)) << bad;
  }
  EXPECT_TRUE(ParseIsoDate("2000-02-29"));   // divisible by 400
  EXPECT_FALSE(ParseIsoDate("1900-02-29"));  // divisible by 100 only
}

TEST(DateTest, DayNumbersRoundTripAcrossCenturies) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}), 11017);
  EXPECT_EQ(DaysFromCivil({1969, 12, 31}), -1);
  for (int64_t day = -700000; day <= 700000; day += 997) {  // years 53..3886
    const CivilDate c = CivilFromDays(day);
    ASSERT_TRUE(IsValidDate(c.year, c.month, c.day)) << day;
    ASSERT_EQ(DaysFromCivil(c), day);
  }
  // Consecutive days are consecutive dates.
  for (int64_t day = DaysFromCivil({2023, 12, 25}); day < DaysFromCivil({2024, 3, 5}); ++day) {
    const CivilDate a = CivilFromDays(day), b = CivilFromDays(day + 1);
    const bool next_in_month = b.day == a.day + 1 && b.month == a.month;
    const bool next_month = b.day == 1 && a.day == DaysInMonth(a.year, a.month);
    EXPECT_TRUE(next_in_month || next_month) << FormatIsoDate(a);
  }
}

TEST(DateTest, Arithmetic) {
  EXPECT_EQ(AddDays("2024-02-28", 1), "2024-02-29");
  EXPECT_EQ(AddDays("2023-02-28", 1), "2023-03-01");
  EXPECT_EQ(AddDays("2024-01-01", -1), "2023-12-31");
  EXPECT_EQ(AddDays("2025-06-01", 90), "2025-08-30");
  EXPECT_FALSE(AddDays("2025-02-30", 1));
  EXPECT_EQ(AddYears({2024, 2, 29}, 6), (CivilDate{2030, 2, 28}));
  EXPECT_EQ(AddYears({2015, 10, 8}, 6), (CivilDate{2021, 10, 8}));
}

TEST(DateTest, ChinaDateIsUtcPlusEight) {
  // 2026-01-01T15:59:59Z is 23:59:59 in Beijing; one second later it is the next day there.
  const TimePoint t = FromUnixMillis(1767283199000);
  EXPECT_EQ(FormatInstant(t), "2026-01-01T15:59:59.000Z");
  EXPECT_EQ(ChinaDate(t), "2026-01-01");
  EXPECT_EQ(ChinaDate(t + std::chrono::seconds(1)), "2026-01-02");
}

}  // namespace
}  // namespace zhijian
