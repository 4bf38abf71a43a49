// Tests of the column mapping and row validation (mapping.h): header matching, value parsing,
// and every row error class with its location.
#include "zhijian/registry/import/mapping.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "zhijian/base/uscc.h"
#include "zhijian/registry/identity.h"

namespace zhijian::registry::import {
namespace {

// A valid USCC built from a body (check character computed).
std::string ValidUscc(const std::string& first16) {
  auto org = Uscc::ComputeOrgCheckChar(first16.substr(8, 8));
  EXPECT_TRUE(org.ok());
  std::string first17 = first16 + *org;
  auto check = Uscc::ComputeCheckChar(first17);
  EXPECT_TRUE(check.ok());
  return first17 + *check;
}

// A valid ID number for a birth date.
std::string ValidId(const std::string& first17) {
  auto c = IdCheckChar(first17);
  EXPECT_TRUE(c.ok());
  return first17 + *c;
}

// A CSV-like row: cell i in column i, all on `line`.
Row MakeRow(int64_t line, const std::vector<std::string>& texts, std::vector<CellType> types = {}) {
  Row r;
  r.line = line;
  for (size_t i = 0; i < texts.size(); ++i) {
    Cell c;
    c.column = static_cast<int32_t>(i);
    c.line = line;
    c.text = texts[i];
    if (i < types.size()) c.type = types[i];
    r.cells.push_back(c);
  }
  return r;
}

const Issue* Find(const std::vector<Issue>& issues, const std::string& code) {
  for (const auto& i : issues) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

TEST(Headers, NormalisationAndMatching) {
  EXPECT_EQ(NormalizeHeader("  ＵＳＣＣ　"), "uscc");
  EXPECT_EQ(NormalizeHeader("产品／对象"), "产品/对象");
  EXPECT_EQ(NormalizeHeader("\xC2\xA0Region_Code "), "region_code");
  auto m = ColumnMap::Make(Kind::kCapabilities,
                           {" 证书编号 ", "ITEM", "产品／对象", "Standard_No", "备注", "item"});
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(m->ColumnOf(Field::kCertificateNo), 0);
  EXPECT_EQ(m->ColumnOf(Field::kItem), 1);
  EXPECT_EQ(m->ColumnOf(Field::kObject), 2);
  EXPECT_EQ(m->ColumnOf(Field::kStandardNo), 3);
  EXPECT_EQ(m->ColumnOf(Field::kParameter), -1);
  // "备注" is unknown; the second "item" column is a duplicate, ignored.
  EXPECT_EQ(m->unknown_columns(), (std::vector<int32_t>{4, 5}));
}

TEST(Headers, MissingRequiredColumnsRefuseTheFile) {
  auto m = ColumnMap::Make(Kind::kCertificates, {"证书编号", "发证机关"});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), "import.missing-columns");
  EXPECT_NE(m.error().message_zh().find("统一社会信用代码"), std::string::npos);
  EXPECT_NE(m.error().message_en().find("[uscc]"), std::string::npos);
  // Every kind's generator header is accepted, in Chinese and in English.
  for (Kind k : {Kind::kStandards, Kind::kInstitutions, Kind::kCertificates, Kind::kCapabilities,
                 Kind::kPeople, Kind::kEquipment, Kind::kCredit, Kind::kPenalties}) {
    std::vector<std::string> zh, en;
    for (const auto& s : Columns(k)) {
      zh.push_back(s.zh);
      en.push_back(s.en);
    }
    auto a = ColumnMap::Make(k, zh);
    auto b = ColumnMap::Make(k, en);
    ASSERT_TRUE(a.ok() && b.ok()) << KindName(k);
    EXPECT_TRUE(a->unknown_columns().empty());
    EXPECT_TRUE(b->unknown_columns().empty());
    EXPECT_EQ(*ParseKind(KindName(k)), k);
  }
  EXPECT_FALSE(ParseKind("labs").ok());
}

TEST(Values, Dates) {
  EXPECT_EQ(ParseDate("2024-03-05"), "2024-03-05");
  EXPECT_EQ(ParseDate("2024/3/5"), "2024-03-05");
  EXPECT_EQ(ParseDate("2024.03.05"), "2024-03-05");
  EXPECT_EQ(ParseDate("2024年3月5日"), "2024-03-05");
  EXPECT_EQ(ParseDate("２０２４年０３月０５日"), "2024-03-05");
  EXPECT_EQ(ParseDate(" 2024-3-5 00:00:00 "), "2024-03-05");
  EXPECT_EQ(ParseDate("20240229"), "2024-02-29");
  EXPECT_EQ(ParseDate("45356", CellType::kNumber), "2024-03-05");  // an XLSX serial
  EXPECT_EQ(ParseDate("61", CellType::kNumber), "1900-03-01");
  EXPECT_EQ(ParseDate("45356"), std::nullopt);  // not from a spreadsheet
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024/03-05", "24-3-5",
                          "2024年3月", "March 5", "2024-03-05x", "1899-12-31", ""}) {
    EXPECT_EQ(ParseDate(bad), std::nullopt) << bad;
  }
}

TEST(Values, BoolsMultiAndAmounts) {
  EXPECT_EQ(ParseBool("是"), true);
  EXPECT_EQ(ParseBool(" Y "), true);
  EXPECT_EQ(ParseBool("FALSE"), false);
  EXPECT_EQ(ParseBool("0"), false);
  EXPECT_EQ(ParseBool("也许"), std::nullopt);
  EXPECT_EQ(SplitMulti("食品；机动车、 生态环境,食品，建设工程;;"),
            (std::vector<std::string>{"食品", "机动车", "生态环境", "建设工程"}));
  EXPECT_TRUE(SplitMulti("  ").empty());
  EXPECT_EQ(ParseAmount("12,500.50"), 12500.5);
  EXPECT_EQ(ParseAmount("3万元"), 30000);
  EXPECT_EQ(ParseAmount("￥800元"), 800);
  EXPECT_EQ(ParseAmount("-5"), std::nullopt);
  EXPECT_EQ(ParseAmount("五千元"), std::nullopt);
}

class MapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = IdHasher::FromKey(std::string(IdHasher::kKeySize, 'k'));
    ASSERT_TRUE(h.ok());
    hasher_.emplace(*h);
  }
  // Maps one row of `kind` with the generator's Chinese header.
  bool MapOne(Kind kind, const std::vector<std::string>& cells, MappedRow* out,
              std::vector<Issue>* issues, std::vector<CellType> types = {}) {
    std::vector<std::string> header;
    for (const auto& s : Columns(kind)) header.push_back(s.zh);
    auto m = ColumnMap::Make(kind, header);
    EXPECT_TRUE(m.ok());
    map_.emplace(*m);
    RowMapper mapper(*map_, {&*hasher_, "2025-06-01"});
    return mapper.Map(MakeRow(7, cells, std::move(types)), out, issues);
  }
  std::optional<IdHasher> hasher_;
  std::optional<ColumnMap> map_;
};

TEST_F(MapperTest, InstitutionValidAndSuspect) {
  const std::string uscc = ValidUscc(
      "1237000049"
      "300012");
  MappedRow m;
  std::vector<Issue> issues;
  ASSERT_TRUE(MapOne(Kind::kInstitutions,
                     {" 山东省食品药品检验研究院 ", uscc, "370102", "济南市", "张三",
                      "事业单位法人", "食品；药品", "是"},
                     &m, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(m.institution.name, "山东省食品药品检验研究院");
  EXPECT_EQ(m.institution.uscc, uscc);
  EXPECT_EQ(m.institution.region_code, "370102");
  EXPECT_EQ(m.institution.domains, (std::vector<std::string>{"食品", "药品"}));
  EXPECT_TRUE(m.institution.national_centre);

  // A failed check character: kept, with a warning on the USCC column. No region column
  // value: taken from the USCC, with a warning.
  std::string suspect = uscc;
  suspect[17] = suspect[17] == '0' ? '1' : '0';
  issues.clear();
  ASSERT_TRUE(
      MapOne(Kind::kInstitutions, {"某机构", suspect, "", "", "", "", "", ""}, &m, &issues));
  EXPECT_EQ(m.institution.uscc, suspect);
  const Issue* w = Find(issues, "uscc.check-mismatch");
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(w->error);
  EXPECT_EQ(w->line, 7);
  EXPECT_EQ(w->column, 1);
  EXPECT_NE(w->message_en.find("suspect"), std::string::npos);
  ASSERT_NE(Find(issues, "import.region-from-uscc"), nullptr);
  EXPECT_EQ(m.institution.region_code, "370000");
}

struct ErrorCase {
  Kind kind;
  std::vector<std::string> cells;
  std::string code;
  int32_t column;
};

TEST_F(MapperTest, EveryRowErrorClassIsLocated) {
  const std::string uscc = ValidUscc(
      "9137010072"
      "616251");
  const std::string id = ValidId("37010219900307123");
  std::string bad_id = id;
  bad_id[17] = bad_id[17] == '1' ? '2' : '1';
  const std::vector<ErrorCase> cases = {
      {Kind::kInstitutions, {"", uscc, "370102"}, "import.missing-value", 0},
      {Kind::kInstitutions, {"甲", "91370100ABC"}, "uscc.bad-length", 1},
      {Kind::kInstitutions, {"甲", uscc, "37010"}, "import.bad-region", 2},
      {Kind::kInstitutions, {"甲", uscc, "379999"}, "import.unknown-region", 2},
      {Kind::kInstitutions, {"甲", uscc, "370102", "", "", "", "", "也许"}, "import.bad-bool", 7},
      {Kind::kCertificates, {uscc, "99AB00000001"}, "cma.bad-char", 1},
      {Kind::kCertificates, {uscc, "230000000001", "", "2024-13-01"}, "import.bad-date", 3},
      {Kind::kCertificates,
       {uscc, "230000000001", "", "2024-01-01", "2023-01-01"},
       "import.bad-period",
       4},
      {Kind::kCertificates, {uscc, "230000000001", "", "", "", "作废了"}, "import.bad-status", 5},
      {Kind::kCapabilities,
       {"230000000001", "食品", "", "", "", "GB 5009.12-2017"},
       "import.missing-value",
       3},
      {Kind::kCapabilities,
       {"230000000001", "食品", "大米", "铅", "", "GB 5009.12-2017", "", "", "", "2025-01-01",
        "2024-01-01"},
       "import.bad-period",
       10},
      {Kind::kPeople, {uscc, "李四", bad_id}, "identity.bad-check", 2},
      {Kind::kPeople, {uscc, "李四", "12345"}, "identity.bad-length", 2},
      {Kind::kEquipment, {uscc, "", "X1", "SN1"}, "import.missing-value", 1},
      {Kind::kEquipment, {uscc, "天平", "X1", "SN1", "明年"}, "import.bad-date", 4},
      {Kind::kStandards, {"ISO 9001"}, "standard.bad-prefix", 0},
      {Kind::kStandards, {"GB 5009.12-2017", "", "修订中"}, "import.bad-standard-status", 2},
      {Kind::kCredit, {uscc, "黑名单", "2024-01-01"}, "import.bad-credit-kind", 1},
      {Kind::kCredit, {uscc, "经营异常名录", ""}, "import.missing-value", 2},
      {Kind::kPenalties, {uscc, "鲁市监罚〔2024〕1号", "2024-02-30"}, "import.bad-date", 2},
      {Kind::kPenalties,
       {uscc, "鲁市监罚〔2024〕1号", "2024-02-01", "", "", "", "五万"},
       "import.bad-amount",
       6},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(KindName(c.kind)) + " " + c.code);
    std::vector<std::string> cells = c.cells;
    cells.resize(Columns(c.kind).size());
    MappedRow m;
    std::vector<Issue> issues;
    EXPECT_FALSE(MapOne(c.kind, cells, &m, &issues));
    const Issue* is = Find(issues, c.code);
    ASSERT_NE(is, nullptr) << (issues.empty() ? "no issues" : issues[0].code);
    EXPECT_TRUE(is->error);
    EXPECT_EQ(is->line, 7);
    EXPECT_EQ(is->column, c.column);
    EXPECT_FALSE(is->message_zh.empty());
    EXPECT_FALSE(is->message_en.empty());
    // An ID number is never echoed.
    for (const auto& i : issues) EXPECT_EQ(i.detail.find(bad_id.substr(0, 17)), std::string::npos);
  }
}

TEST_F(MapperTest, WarningsKeepTheRow) {
  const std::string uscc = ValidUscc(
      "9137010072"
      "616251");
  MappedRow m;
  std::vector<Issue> issues;
  // A legacy certificate number and a CMA year that differs from the issue date.
  ASSERT_TRUE(MapOne(Kind::kCertificates, {uscc, "（2017）（陕）质监认字002号"}, &m, &issues));
  EXPECT_EQ(m.certificate.number, "（2017）（陕）质监认字002号");
  EXPECT_EQ(m.ref_uscc, uscc);
  ASSERT_NE(Find(issues, "cma.legacy-format"), nullptr);
  issues.clear();
  ASSERT_TRUE(MapOne(Kind::kCertificates,
                     {uscc, "２３００００００００１２", "山东省市场监督管理局", "2022-01-05",
                      "2028-01-04", "有效"},
                     &m, &issues));
  EXPECT_EQ(m.certificate.number, "230000000012");
  EXPECT_EQ(m.certificate.status, CertStatus::kValid);
  ASSERT_NE(Find(issues, "import.cma-year-mismatch"), nullptr);
  // A standard number that does not parse is kept as written, with a warning; spellings are
  // canonicalised.
  issues.clear();
  ASSERT_TRUE(MapOne(Kind::kCapabilities,
                     {"230000000012", "食品", "大米", "铅", "", "ＧＢ／Ｔ5009.12—2017",
                      "食品中铅的测定", "", "2023/6/1"},
                     &m, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(m.capability.standard_no, "GB/T 5009.12-2017");
  EXPECT_EQ(m.ref_certificate_no, "230000000012");
  EXPECT_EQ(m.capability.approved_on, "2023-06-01");
  ASSERT_TRUE(MapOne(Kind::kCapabilities,
                     {"230000000012", "食品", "大米", "铅", "", "企业内部方法A", ""}, &m, &issues));
  ASSERT_NE(Find(issues, "import.standard-unparsed"), nullptr);
  EXPECT_EQ(m.capability.standard_no, "企业内部方法A");
}

TEST_F(MapperTest, PeopleAreHashedNeverStored) {
  const std::string uscc = ValidUscc(
      "9137010072"
      "616251");
  const std::string id = ValidId("37010219900307123");
  MappedRow m;
  std::vector<Issue> issues;
  ASSERT_TRUE(MapOne(Kind::kPeople,
                     {uscc, "王五", id, "高级工程师", "技术负责人、授权签字人", "食品;水质",
                      "2024-01-01", "2026-12-31"},
                     &m, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(m.person.id_hash, hasher_->Hash(*ValidateIdNumber(id)));
  EXPECT_EQ(m.person.id_hash.size(), 64u);
  EXPECT_EQ(m.person.id_hash.find(id), std::string::npos);
  EXPECT_EQ(m.person.roles, (std::vector<std::string>{"技术负责人", "授权签字人"}));
  ASSERT_EQ(m.person.signatory_fields.size(), 2u);
  EXPECT_EQ(m.person.signatory_fields[1].field, "水质");
  EXPECT_EQ(m.person.signatory_fields[1].authorized_to, "2026-12-31");
  // A birth date after "today" is refused.
  issues.clear();
  EXPECT_FALSE(MapOne(Kind::kPeople, {uscc, "赵六", ValidId("37010220300101123")}, &m, &issues));
  ASSERT_NE(Find(issues, "identity.bad-birth-date"), nullptr);
}

TEST_F(MapperTest, ExtraCellsAndUnsupportedValues) {
  const std::string uscc = ValidUscc(
      "9137010072"
      "616251");
  MappedRow m;
  std::vector<Issue> issues;
  // 9 cells for 8 columns: the ninth is warned about.
  std::vector<std::string> cells = {"甲", uscc, "370102", "", "", "", "", "", "多余"};
  ASSERT_TRUE(MapOne(Kind::kInstitutions, cells, &m, &issues));
  const Issue* extra = Find(issues, "import.extra-cell");
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(extra->column, 8);
  issues.clear();
  EXPECT_FALSE(MapOne(Kind::kInstitutions, {"甲", uscc, "370102", "", "", "", "x"}, &m, &issues,
                      {CellType::kText, CellType::kText, CellType::kText, CellType::kText,
                       CellType::kText, CellType::kText, CellType::kUnsupported}));
  ASSERT_NE(Find(issues, "import.unsupported-value"), nullptr);
}

}  // namespace
}  // namespace zhijian::registry::import
