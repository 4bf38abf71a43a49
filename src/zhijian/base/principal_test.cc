#include "zhijian/base/principal.h"

#include <gtest/gtest.h>

#include "zhijian/base/clock.h"

namespace zhijian {
namespace {

TEST(PrincipalTest, RoleNamesRoundTrip) {
  for (Role r :
       {Role::kPublic, Role::kAdmin, Role::kRegulator, Role::kInstitution, Role::kInspector}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_FALSE(ParseRole("root").has_value());
}

TEST(PrincipalTest, RegulatorScopeIsARegionPrefix) {
  Principal p;
  p.role = Role::kRegulator;
  p.region_prefix = "3701";
  EXPECT_TRUE(p.RegionInScope("370102"));
  EXPECT_FALSE(p.RegionInScope("370202"));
  EXPECT_FALSE(p.RegionInScope("110101"));
  p.region_prefix = "";  // national
  EXPECT_TRUE(p.RegionInScope("110101"));
}

TEST(PrincipalTest, InstitutionAndPublicHaveNoRegionScope) {
  Principal p;
  EXPECT_FALSE(p.RegionInScope("370102"));
  p.role = Role::kInstitution;
  p.institution_id = 7;
  EXPECT_FALSE(p.RegionInScope("370102"));
  EXPECT_TRUE(Principal::Cli().RegionInScope("370102"));
}

TEST(ClockTest, InstantRoundTrip) {
  TimePoint t = FromUnixMillis(1763719380123);
  std::string s = FormatInstant(t);
  EXPECT_EQ(s, "2025-11-21T10:03:00.123Z");
  TimePoint back;
  ASSERT_TRUE(ParseInstant(s, &back));
  EXPECT_EQ(back, t);
  EXPECT_FALSE(ParseInstant("2025-11-21 10:03:00Z", &back));
  EXPECT_FALSE(ParseInstant("2025-13-21T10:03:00Z", &back));
}

}  // namespace
}  // namespace zhijian
