#include "zhijian/api/rate_limit.h"

#include <gtest/gtest.h>

namespace zhijian::api {
namespace {

TEST(RateLimiterTest, BurstThenRefill) {
  FakeClock clock(FromUnixMillis(1'700'000'000'000));
  RateLimiter limiter({.per_second = 2, .burst = 3, .max_keys = 10}, clock);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("a"));
  double retry = 0;
  EXPECT_FALSE(limiter.Allow("a", &retry));
  EXPECT_NEAR(retry, 0.5, 1e-9);
  // Another key has its own bucket.
  EXPECT_TRUE(limiter.Allow("b"));
  clock.Advance(std::chrono::milliseconds(500));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
  // Refill never exceeds the burst.
  clock.Advance(std::chrono::seconds(100));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
}

TEST(RateLimiterTest, MemoryIsBoundedByDroppingTheLeastRecentKey) {
  FakeClock clock(FromUnixMillis(0));
  RateLimiter limiter({.per_second = 1, .burst = 1, .max_keys = 2}, clock);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));
  EXPECT_FALSE(limiter.Allow("a"));  // a is now the most recent
  EXPECT_TRUE(limiter.Allow("c"));   // evicts b
  EXPECT_TRUE(limiter.Allow("b"));   // b starts afresh (evicts a)
  EXPECT_TRUE(limiter.Allow("a"));   // so does a
}

TEST(RateLimiterTest, ZeroRateMeansNoLimit) {
  FakeClock clock(FromUnixMillis(0));
  RateLimiter limiter({.per_second = 0, .burst = 1, .max_keys = 2}, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Allow("a"));
}

}  // namespace
}  // namespace zhijian::api
