#include "zhijian/ledger/registration.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>

#include "zhijian/ledger/entry.h"

namespace zhijian::ledger {
namespace {

namespace json = boost::json;

const char* kDigest = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

json::object Minimal() {
  return json::object{{"institution", "91370102163000016C"},
                      {"report_no", " SH-2025-001 "},
                      {"issue_date", "2025-11-20"},
                      {"document_sha256", kDigest}};
}

std::string CodeOf(const json::value& v) {
  Result<ReportInput> r = ReportInputFromJson(v);
  return r ? "" : r.error().code() + " " + r.error().detail();
}

TEST(RegistrationTest, MinimalJsonIsTrimmedAndDigestParsed) {
  Result<ReportInput> r = ReportInputFromJson(Minimal());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->report_no, "SH-2025-001");
  EXPECT_EQ(r->issue_date, "2025-11-20");
  EXPECT_EQ(r->document_sha256[0], 0x00);
  EXPECT_EQ(r->document_sha256[1], 0x11);
  EXPECT_EQ(r->document_sha256[31], 0xff);  // upper-case hex accepted
  EXPECT_TRUE(r->client.empty());
  EXPECT_TRUE(r->test_lines.empty());
}

TEST(RegistrationTest, FullJsonRoundTrips) {
  json::object o = Minimal();
  o["certificate"] = "230912340567";
  o["client"] = "济南某食品有限公司";
  o["sample"] = "小麦粉 批号 20251101";
  o["conclusion"] = "所检项目符合 GB 2762-2022 要求";
  o["sampling_date"] = "2025-11-01";
  o["receipt_date"] = "2025-11-02";
  o["test_start_date"] = "2025-11-03";
  o["test_end_date"] = "2025-11-10";
  o["signatories"] = json::array{"张三", "李四"};
  o["test_lines"] = json::array{json::object{{"item", "铅"},
                                             {"parameter", "Pb"},
                                             {"standard", "GB 5009.12-2017"},
                                             {"result", "0.05"},
                                             {"unit", "mg/kg"},
                                             {"limit", "≤0.2"},
                                             {"verdict", "合格"}}};
  Result<ReportInput> r = ReportInputFromJson(o);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->test_lines.size(), 1u);
  EXPECT_EQ(r->test_lines[0].limit, "≤0.2");
  EXPECT_EQ(r->signatories, (std::vector<std::string>{"张三", "李四"}));
  Result<ReportInput> again = ReportInputFromJson(ReportInputToJson(*r));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*again, *r);
}

TEST(RegistrationTest, MalformedFieldsAreRefusedNamingTheField) {
  EXPECT_EQ(CodeOf(json::array{}), "registration.not-object ");
  json::object o = Minimal();
  o.erase("report_no");
  EXPECT_EQ(CodeOf(o), "registration.missing-field report_no");
  o = Minimal();
  o["report_no"] = "   ";
  EXPECT_EQ(CodeOf(o), "registration.missing-field report_no");
  o = Minimal();
  o.erase("document_sha256");
  EXPECT_EQ(CodeOf(o), "registration.missing-field document_sha256");
  o = Minimal();
  o["document_sha256"] = "abc";
  EXPECT_EQ(CodeOf(o), "registration.bad-field document_sha256: not 64 hexadecimal digits");
  o["document_sha256"] = std::string(63, 'a') + "g";
  EXPECT_EQ(CodeOf(o), "registration.bad-field document_sha256: not 64 hexadecimal digits");
  o = Minimal();
  o["issue_date"] = "2023-02-29";
  EXPECT_EQ(CodeOf(o), "registration.bad-field issue_date: not a date YYYY-MM-DD");
  o = Minimal();
  o["issue_date"] = 20251120;
  EXPECT_EQ(CodeOf(o), "registration.bad-field issue_date: not a string");
  o = Minimal();
  o["reportno"] = "x";
  EXPECT_EQ(CodeOf(o), "registration.unknown-field reportno");
  o = Minimal();
  o["report_no"] = "A\tB";
  EXPECT_EQ(CodeOf(o), "registration.bad-field report_no: control character");
  o = Minimal();
  o["report_no"] = std::string(256, 'x');
  EXPECT_EQ(CodeOf(o), "registration.bad-field report_no: longer than 255 bytes");
  o = Minimal();
  o["test_lines"] = json::array{json::object{{"item", "铅"}, {"colour", "red"}}};
  EXPECT_EQ(CodeOf(o), "registration.unknown-field test_lines[0].colour");
  o["test_lines"] = json::array{"铅"};
  EXPECT_EQ(CodeOf(o), "registration.bad-field test_lines[0]: not an object");
  o["test_lines"] = json::object{};
  EXPECT_EQ(CodeOf(o), "registration.bad-field test_lines: not an array of objects");
  o = Minimal();
  o["signatories"] = json::array{"张三", 3};
  EXPECT_EQ(CodeOf(o), "registration.bad-field signatories: not an array of strings");
  o = Minimal();
  o["client"] = nullptr;  // null = absent
  EXPECT_EQ(CodeOf(o), "");
}

TEST(RegistrationTest, CellsReadLikeJson) {
  std::map<std::string, std::string> cells{{"institution", "91370102163000016C"},
                                           {"report_no", "SH-2025-002"},
                                           {"issue_date", "2025-11-21"},
                                           {"document_sha256", kDigest},
                                           {"client", "某公司"},
                                           {"signatories", "张三; 李四;"},
                                           {"test_lines", R"([{"item":"镉","result":"未检出"}])"}};
  auto cell = [&cells](std::string_view name) -> const std::string* {
    auto it = cells.find(std::string(name));
    return it == cells.end() ? nullptr : &it->second;
  };
  Result<ReportInput> r = ReportInputFromCells(cell);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->signatories, (std::vector<std::string>{"张三", "李四"}));
  ASSERT_EQ(r->test_lines.size(), 1u);
  EXPECT_EQ(r->test_lines[0].result, "未检出");
  cells["test_lines"] = "[{";
  EXPECT_EQ(ReportInputFromCells(cell).error().detail(), "test_lines: not a JSON array of objects");
  cells["test_lines"] = "";
  cells["client"] = std::string("\xff\xfe");
  EXPECT_EQ(ReportInputFromCells(cell).error().detail(), "client: invalid UTF-8");
}

TEST(RegistrationTest, CanonicalResultsIsFixedJcsAndReadsBack) {
  ReportInput in;
  in.conclusion = "合格 \"A\"\n";
  in.sampling_date = "2025-11-01";
  in.signatories = {"张三"};
  in.test_lines = {TestLine{"铅", "", "GB 5009.12-2017", "0.05", "mg/kg", "≤0.2", "合格"}};
  const std::string text = CanonicalResults(in);
  EXPECT_EQ(text,
            "{\"conclusion\":\"合格 \\\"A\\\"\\n\",\"dates\":{\"receipt\":\"\",\"sampling\":"
            "\"2025-11-01\",\"test_end\":\"\",\"test_start\":\"\"},\"signatories\":[\"张三\"],"
            "\"test_lines\":[{\"item\":\"铅\",\"limit\":\"≤0.2\",\"parameter\":\"\",\"result\":"
            "\"0.05\",\"standard\":\"GB 5009.12-2017\",\"unit\":\"mg/kg\",\"verdict\":\"合格\"}]}");
  // It is JSON, and Boost.JSON reads the same values back.
  json::value v = json::parse(text);
  EXPECT_EQ(v.at("test_lines").at(0).at("limit").as_string(), "≤0.2");
  ReportInput back;
  ASSERT_TRUE(ApplyCanonicalResults(text, &back).ok());
  EXPECT_EQ(back.conclusion, in.conclusion);
  EXPECT_EQ(back.sampling_date, in.sampling_date);
  EXPECT_EQ(back.signatories, in.signatories);
  EXPECT_EQ(back.test_lines, in.test_lines);
  // Not canonical: other key order, whitespace, an escaped non-ASCII character.
  EXPECT_FALSE(ApplyCanonicalResults(" " + text, &back).ok());
  EXPECT_FALSE(ApplyCanonicalResults(text + " ", &back).ok());
  std::string escaped = text;
  escaped.replace(escaped.find("张三"), std::string("张三").size(), "\\u5f20三");
  EXPECT_FALSE(ApplyCanonicalResults(escaped, &back).ok());
  EXPECT_FALSE(ApplyCanonicalResults("{}", &back).ok());
}

TEST(RegistrationTest, CanonicalJsonStringEscapesLikeJsonStringify) {
  EXPECT_EQ(CanonicalJsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(CanonicalJsonString(std::string("\x01\x1f\b\f\t\r\n\x7f", 8)),
            "\"\\u0001\\u001f\\b\\f\\t\\r\\n\x7f\"");
  EXPECT_EQ(CanonicalJsonString("/é\u2028"), "\"/é\u2028\"");
}

TEST(RegistrationTest, SecretIsBase32OfTheSaltAndParsesLeniently) {
  const std::string salt = "0123456789abcdef";
  const std::string text = SecretText(salt);
  EXPECT_EQ(text.size(), 26u);
  EXPECT_EQ(text, "GAYTEMZUGU3DOOBZMFRGGZDFMY");
  EXPECT_EQ(*ParseSecret(text), salt);
  std::string lower = "gayt-emzu gu3d-oobz-mfrg-gzdf-my";
  EXPECT_EQ(*ParseSecret(lower), salt);
  EXPECT_EQ(ParseSecret("GAYTEMZUGU3DOOBZMFRGGZDFM").error().code(), "registration.bad-secret");
  EXPECT_EQ(ParseSecret("GAYTEMZUGU3DOOBZMFRGGZDFM1").error().code(), "registration.bad-secret");
}

}  // namespace
}  // namespace zhijian::ledger
