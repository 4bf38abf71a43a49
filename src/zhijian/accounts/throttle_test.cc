#include "zhijian/accounts/throttle.h"

#include <gtest/gtest.h>

#include <string>

namespace zhijian::accounts {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class ThrottleTest : public ::testing::Test {
 protected:
  FakeClock clock_{FromUnixMillis(1'770'000'000'000)};
};

TEST_F(ThrottleTest, LocksAfterFiveFailuresForOneMinute) {
  LoginThrottle t(clock_);
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(t.RecordFailure("alice", "10.0.0.1"));
    EXPECT_EQ(t.Check("alice", "10.0.0.1"), 0);
    clock_.Advance(seconds(10));
  }
  EXPECT_TRUE(t.RecordFailure("alice", "10.0.0.1"));
  EXPECT_EQ(t.Check("alice", "10.0.0.1"), 60);
  clock_.Advance(seconds(59));
  EXPECT_EQ(t.Check("alice", "10.0.0.1"), 1);
  clock_.Advance(seconds(1));
  EXPECT_EQ(t.Check("alice", "10.0.0.1"), 0);
}

TEST_F(ThrottleTest, LockoutDoublesUpToOneHour) {
  LoginThrottle t(clock_);
  for (int i = 0; i < 4; ++i) t.RecordFailure("bob", "");
  int64_t expected = 60;
  for (int round = 0; round < 10; ++round) {
    EXPECT_TRUE(t.RecordFailure("bob", "")) << round;
    EXPECT_EQ(t.Check("bob", ""), expected) << round;
    clock_.Advance(seconds(expected));
    EXPECT_EQ(t.Check("bob", ""), 0);
    if (expected < 15 * 60) {
      expected *= 2;
    } else {
      // The lock outlasted the 15-minute window: the old failures are forgotten, so four more
      // failures pass; the fifth locks again at the next (capped) level.
      for (int i = 0; i < 4; ++i) EXPECT_FALSE(t.RecordFailure("bob", "")) << round;
      expected = std::min<int64_t>(expected * 2, 3600);
    }
  }
  EXPECT_EQ(expected, 3600);
}

TEST_F(ThrottleTest, FailuresOutsideTheWindowAreForgotten) {
  LoginThrottle t(clock_);
  for (int i = 0; i < 4; ++i) t.RecordFailure("carol", "");
  clock_.Advance(minutes(16));
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(t.RecordFailure("carol", ""));
  EXPECT_EQ(t.Check("carol", ""), 0);
}

TEST_F(ThrottleTest, LevelResetsAfterAQuietWindow) {
  LoginThrottle t(clock_);
  for (int i = 0; i < 5; ++i) t.RecordFailure("dave", "");
  clock_.Advance(seconds(60));
  EXPECT_TRUE(t.RecordFailure("dave", ""));
  EXPECT_EQ(t.Check("dave", ""), 120);
  clock_.Advance(seconds(120) + minutes(16));
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(t.RecordFailure("dave", ""));
  EXPECT_TRUE(t.RecordFailure("dave", ""));
  EXPECT_EQ(t.Check("dave", ""), 60);
}

TEST_F(ThrottleTest, SuccessResetsTheUsernameButNotTheAddress) {
  LoginThrottle t(clock_);
  for (int i = 0; i < 4; ++i) t.RecordFailure("erin", "10.0.0.2");
  t.RecordSuccess("erin");
  // The username starts over; the address has 4 failures and locks on its 5th.
  EXPECT_TRUE(t.RecordFailure("erin", "10.0.0.2"));
  EXPECT_EQ(t.Check("erin", "10.0.0.3"), 0);    // the username alone is not locked
  EXPECT_EQ(t.Check("frank", "10.0.0.2"), 60);  // the address is
}

TEST_F(ThrottleTest, AddressIsLockedAcrossUsernames) {
  LoginThrottle t(clock_);
  for (int i = 0; i < 5; ++i) t.RecordFailure("user" + std::to_string(i), "10.9.9.9");
  EXPECT_EQ(t.Check("someone-else", "10.9.9.9"), 60);
  EXPECT_EQ(t.Check("someone-else", "10.9.9.8"), 0);
  EXPECT_EQ(t.Check("user0", ""), 0);
}

TEST_F(ThrottleTest, MemoryIsBounded) {
  ThrottleOptions o;
  o.max_entries = 10;
  LoginThrottle t(clock_, o);
  for (int i = 0; i < 100; ++i) {
    t.RecordFailure("spray" + std::to_string(i), "");
    clock_.Advance(std::chrono::milliseconds(10));
    EXPECT_LE(t.size(), 10u);
  }
  EXPECT_EQ(t.size(), 10u);
  // The most recent keys are the ones kept.
  for (int i = 0; i < 4; ++i) t.RecordFailure("spray99", "");
  EXPECT_EQ(t.Check("spray99", ""), 60);
}

TEST_F(ThrottleTest, QuietEntriesAreDroppedBeforeALockedOne) {
  ThrottleOptions o;
  o.max_entries = 3;
  o.base_lockout = std::chrono::hours(1);
  LoginThrottle t(clock_, o);
  for (int i = 0; i < 5; ++i) t.RecordFailure("locked", "");  // the least recently active key
  clock_.Advance(minutes(1));
  t.RecordFailure("quiet1", "");
  t.RecordFailure("quiet2", "");
  clock_.Advance(minutes(17));  // quiet1/2 are now quiet; "locked" is still locked
  t.RecordFailure("new1", "");
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.Check("locked", ""), 60 * 60 - 18 * 60);
}

}  // namespace
}  // namespace zhijian::accounts
