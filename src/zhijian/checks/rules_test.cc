#include "zhijian/checks/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "zhijian/base/digest.h"
#include "zhijian/checks/quality.h"

namespace zhijian::checks {
namespace {

constexpr std::string_view kRegs =
    "# comment\n"
    "key\tversion\ttitle_zh\ttitle_en\tinstrument\tdate\tconfidence\tsource\n"
    "SAMR-39\t2021\t办法\tMeasures\t令第39号\t2021-06-01\tS\tgov.cn\n"
    "SAMR-39\t2025\t办法（修订）\tMeasures (amended)\t令第101号\t2025-03-18\tS3\tcopy\n";

constexpr std::string_view kHeader =
    "id\tcategory\tseverity\tentity\tfields\tparams\tbasis\tconfidence\ttaxonomy\tmessage_zh\t"
    "message_en\n";

std::string Row(std::string id, std::string category = "consistency",
                std::string severity = "error", std::string entity = "person",
                std::string fields = "id_hash", std::string params = "",
                std::string basis = "SAMR-39@2021:7;SAMR-39@2025:8", std::string confidence = "S") {
  return id + "\t" + category + "\t" + severity + "\t" + entity + "\t" + fields + "\t" + params +
         "\t" + basis + "\t" + confidence + "\tD3\t同一人员\tsame person\n";
}

Result<RuleCatalogue> Parse(const std::string& rows) {
  return RuleCatalogue::FromTsv(std::string(kHeader) + rows, kRegs, QualityRuleSet(), "t.tsv");
}

TEST(RuleCatalogueTest, ParsesRowsWithBasisAndParams) {
  auto cat =
      Parse(Row("consistency.person.two", "consistency", "error", "person", "id_hash,name",
                "days=90;years=-6") +
            Row("timeliness.x.y", "timeliness", "suspect", "certificate", "expires_on", "", ""));
  ASSERT_TRUE(cat.ok()) << cat.error().ToString();
  ASSERT_EQ(cat->rules().size(), 2u);
  const RuleDef* r = cat->Find("consistency.person.two");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->severity, Severity::kError);
  EXPECT_EQ(r->fields, (std::vector<std::string>{"id_hash", "name"}));
  EXPECT_EQ(r->Param("days", 0), 90);
  EXPECT_EQ(r->Param("years", 0), -6);
  EXPECT_EQ(r->Param("absent", 17), 17);
  ASSERT_EQ(r->basis.size(), 2u);
  EXPECT_EQ(r->basis[1].ToString(), "SAMR-39@2025:8");
  EXPECT_EQ(r->basis[1].article, "8");
  EXPECT_EQ(cat->FindRegulation("SAMR-39", "2025")->instrument, "令第101号");
  EXPECT_EQ(cat->Find("timeliness.x.y")->severity, Severity::kSuspect);
  EXPECT_TRUE(cat->Find("timeliness.x.y")->basis.empty());
  EXPECT_EQ(cat->Find("nope"), nullptr);
  // The version is the SHA-256 of both files' bytes.
  const std::string rules =
      std::string(kHeader) +
      Row("consistency.person.two", "consistency", "error", "person", "id_hash,name",
          "days=90;years=-6") +
      Row("timeliness.x.y", "timeliness", "suspect", "certificate", "expires_on", "", "");
  EXPECT_EQ(cat->version(), Sha256Hex(rules + "\n" + std::string(kRegs)));
}

TEST(RuleCatalogueTest, ColumnsMayComeInAnyOrder) {
  const std::string tsv =
      "message_en\tid\tcategory\tseverity\tentity\tfields\tparams\tbasis\tconfidence\ttaxonomy\t"
      "message_zh\n"
      "expired\tconsistency.c.x\tconsistency\twarning\tcertificate\tstatus\t\t\tI\t\t过期\n";
  auto cat = RuleCatalogue::FromTsv(tsv, kRegs, QualityRuleSet());
  ASSERT_TRUE(cat.ok()) << cat.error().ToString();
  EXPECT_EQ(cat->rules()[0].message_en, "expired");
  EXPECT_EQ(cat->rules()[0].message_zh, "过期");
}

TEST(RuleCatalogueTest, RefusesMalformedRows) {
  struct Case {
    std::string rows;
    std::string code;
    std::string detail_part;
  };
  const std::vector<Case> cases = {
      {Row("Consistency.bad"), "rules.bad-row", "t.tsv:2"},
      {Row("consistency.a", "style"), "rules.bad-row", "category"},
      {Row("format.a", "consistency"), "rules.bad-row", "start with its category"},
      {Row("consistency.a", "consistency", "fatal"), "rules.bad-row", "severity"},
      {Row("consistency.a", "consistency", "error", "report"), "rules.bad-row", "entity"},
      {Row("consistency.a", "consistency", "error", "person", ""), "rules.bad-row", "field"},
      {Row("consistency.a", "consistency", "error", "person", "a,a"), "rules.bad-row", "field"},
      {Row("consistency.a", "consistency", "error", "person", "a", "days"), "rules.bad-row",
       "NAME=INTEGER"},
      {Row("consistency.a", "consistency", "error", "person", "a", "days=9x"), "rules.bad-row",
       "NAME=INTEGER"},
      {Row("consistency.a", "consistency", "error", "person", "a", "", "SAMR-39"), "rules.bad-row",
       "KEY@VERSION"},
      {Row("consistency.a", "consistency", "error", "person", "a", "", "SAMR-39@2021:"),
       "rules.bad-row", "empty article"},
      {Row("consistency.a", "consistency", "error", "person", "a", "", "SAMR-39@2019:7"),
       "rules.unknown-regulation", "SAMR-39@2019:7"},
      {Row("consistency.a", "consistency", "error", "person", "a", "", "", "X"), "rules.bad-row",
       "confidence"},
      {Row("consistency.a") + Row("consistency.a"), "rules.duplicate", "t.tsv:3"},
      {"consistency.a\tconsistency\n", "rules.bad-file", "expected 11 cells"},
  };
  for (const auto& c : cases) {
    auto r = Parse(c.rows);
    ASSERT_FALSE(r.ok()) << c.rows;
    EXPECT_EQ(r.error().code(), c.code) << c.rows;
    EXPECT_NE(r.error().detail().find(c.detail_part), std::string::npos)
        << r.error().detail() << " / " << c.rows;
  }
  // Header problems.
  auto no_header = RuleCatalogue::FromTsv("# only a comment\n", kRegs, QualityRuleSet());
  ASSERT_FALSE(no_header.ok());
  EXPECT_EQ(no_header.error().code(), "rules.bad-file");
  auto unknown = RuleCatalogue::FromTsv("id\textra\n", kRegs, QualityRuleSet());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().detail().find("unknown column 'extra'"), std::string::npos);
  auto missing = RuleCatalogue::FromTsv("id\tcategory\n", kRegs, QualityRuleSet());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().detail().find("missing column"), std::string::npos);
  auto dup_reg = RuleCatalogue::FromTsv(
      std::string(kHeader), std::string(kRegs) + "SAMR-39\t2021\t办法\tMeasures\t令\t2021\tS\tx\n",
      QualityRuleSet());
  ASSERT_FALSE(dup_reg.ok());
  EXPECT_EQ(dup_reg.error().code(), "rules.duplicate");
}

// The embedded quality catalogue: loads, and every row is bound to code and every binding to
// a row (the contract of rules.h).
TEST(QualityCatalogueTest, EveryRowHasCodeAndEveryCodeHasARow) {
  const RuleCatalogue& cat = RuleCatalogue::Quality();
  ASSERT_GE(cat.rules().size(), 40u);
  const auto bound = QualityRuleIdsWithCode();
  const std::set<std::string> bound_set(bound.begin(), bound.end());
  EXPECT_EQ(bound_set.size(), bound.size()) << "an id is bound twice";
  for (const auto& r : cat.rules()) {
    EXPECT_TRUE(bound_set.count(r.id)) << "rule without code: " << r.id;
  }
  for (const auto& id : bound) EXPECT_NE(cat.Find(id), nullptr) << "code without a row: " << id;
  EXPECT_EQ(cat.version().size(), 64u);
}

TEST(QualityCatalogueTest, RowsAreComplete) {
  const RuleCatalogue& cat = RuleCatalogue::Quality();
  for (const auto& r : cat.rules()) {
    EXPECT_TRUE(r.id.starts_with(r.category + "." + r.entity + ".")) << r.id;
    EXPECT_FALSE(r.message_zh.empty()) << r.id;
    EXPECT_FALSE(r.message_en.empty()) << r.id;
    for (const auto& b : r.basis) {
      const Regulation* reg = cat.FindRegulation(b.regulation, b.version);
      ASSERT_NE(reg, nullptr) << r.id;
      EXPECT_FALSE(reg->title_zh.empty());
    }
  }
  // The renumbered Order 39 is cited under both versions wherever it is cited.
  for (const auto& r : cat.rules()) {
    std::set<std::string> versions;
    for (const auto& b : r.basis) {
      if (b.regulation == "SAMR-39") versions.insert(b.version);
    }
    // (Art. 6 of the 2025 version is new: it has no 2021 counterpart.)
    if (!versions.empty() && r.id != "consistency.institution.key-position") {
      EXPECT_EQ(versions.size(), 2u) << r.id;
    }
  }
  // The severities the issue names: a failed USCC check is suspect, not an error.
  EXPECT_EQ(cat.Find("format.institution.uscc-check")->severity, Severity::kSuspect);
  EXPECT_EQ(cat.Find("timeliness.certificate.expiring-soon")->Param("days", 0), 90);
}

}  // namespace
}  // namespace zhijian::checks
