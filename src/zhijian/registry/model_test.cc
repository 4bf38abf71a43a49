#include "zhijian/registry/model.h"

#include <gtest/gtest.h>

namespace zhijian::registry {
namespace {

TEST(ModelTest, CertStatusNamesRoundTrip) {
  for (CertStatus s : {CertStatus::kValid, CertStatus::kSuspended, CertStatus::kRevoked,
                       CertStatus::kCancelled, CertStatus::kExpired}) {
    EXPECT_EQ(ParseCertStatus(CertStatusName(s)), s) << CertStatusName(s);
  }
  EXPECT_STREQ(CertStatusName(CertStatus::kCancelled), "cancelled");
}

TEST(ModelTest, CertStatusChineseTermsAndSpaces) {
  EXPECT_EQ(ParseCertStatus("有效"), CertStatus::kValid);
  EXPECT_EQ(ParseCertStatus("正常"), CertStatus::kValid);
  EXPECT_EQ(ParseCertStatus("暂停"), CertStatus::kSuspended);
  EXPECT_EQ(ParseCertStatus("撤销"), CertStatus::kRevoked);
  EXPECT_EQ(ParseCertStatus("注销"), CertStatus::kCancelled);
  EXPECT_EQ(ParseCertStatus("过期"), CertStatus::kExpired);
  EXPECT_EQ(ParseCertStatus("  有效\t"), CertStatus::kValid);
  EXPECT_EQ(ParseCertStatus("\xE3\x80\x80注销\xE3\x80\x80"), CertStatus::kCancelled);  // U+3000
  EXPECT_EQ(ParseCertStatus(" Valid "), CertStatus::kValid);
  EXPECT_EQ(ParseCertStatus("EXPIRED"), CertStatus::kExpired);
  EXPECT_FALSE(ParseCertStatus(""));
  EXPECT_FALSE(ParseCertStatus("有 效"));
  EXPECT_FALSE(ParseCertStatus("valid!"));
  EXPECT_FALSE(ParseCertStatus("废止"));
}

TEST(ModelTest, StandardStatus) {
  for (StandardStatus s :
       {StandardStatus::kCurrent, StandardStatus::kUpcoming, StandardStatus::kAbolished}) {
    EXPECT_EQ(ParseStandardStatus(StandardStatusName(s)), s);
  }
  EXPECT_EQ(ParseStandardStatus("现行"), StandardStatus::kCurrent);
  EXPECT_EQ(ParseStandardStatus(" 即将实施 "), StandardStatus::kUpcoming);
  EXPECT_EQ(ParseStandardStatus("废止"), StandardStatus::kAbolished);
  EXPECT_EQ(ParseStandardStatus("作废"), StandardStatus::kAbolished);
  EXPECT_EQ(ParseStandardStatus("被代替"), StandardStatus::kAbolished);
  EXPECT_EQ(ParseStandardStatus("Abolished"), StandardStatus::kAbolished);
  EXPECT_FALSE(ParseStandardStatus("有效"));
  EXPECT_FALSE(ParseStandardStatus(""));
}

TEST(ModelTest, CreditKind) {
  for (CreditKind k : {CreditKind::kSeriousDishonesty, CreditKind::kAbnormalOperation}) {
    EXPECT_EQ(ParseCreditKind(CreditKindName(k)), k);
  }
  EXPECT_STREQ(CreditKindName(CreditKind::kSeriousDishonesty), "serious-dishonesty");
  EXPECT_EQ(ParseCreditKind("严重违法失信名单"), CreditKind::kSeriousDishonesty);
  EXPECT_EQ(ParseCreditKind(" 经营异常名录 "), CreditKind::kAbnormalOperation);
  EXPECT_EQ(ParseCreditKind("经营异常"), CreditKind::kAbnormalOperation);
  EXPECT_FALSE(ParseCreditKind("黑名单"));
  EXPECT_FALSE(ParseCreditKind(""));
}

}  // namespace
}  // namespace zhijian::registry
