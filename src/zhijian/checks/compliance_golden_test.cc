// Runs every golden file of the compliance rules (tests/golden/compliance/*.txt; format in
// compliance_golden.h and docs/compliance-checks.md) and checks the coverage the files promise:
// one file per category, each with a case that finds that category and a case that does not,
// and every rule found by some case.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "zhijian/checks/compliance_golden.h"

namespace zhijian::checks {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<GoldenCase> AllCases() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(ZJ_GOLDEN_DIR)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<GoldenCase> out;
  for (const auto& f : files) {
    auto cases = ParseGolden(ReadFile(f), f.filename().string());
    EXPECT_TRUE(cases.ok()) << (cases.ok() ? "" : cases.error().ToString());
    if (!cases.ok()) continue;
    EXPECT_FALSE(cases->empty()) << f << " has no check";
    for (auto& c : *cases) out.push_back(std::move(c));
  }
  return out;
}

TEST(ComplianceGoldenTest, EveryFileAgrees) {
  const auto cases = AllCases();
  ASSERT_FALSE(cases.empty());
  for (const GoldenCase& c : cases) {
    CheckOptions o;
    o.today = ToDay(c.today);
    const auto findings = Check(c.report, FactsOf(c.registry), o);
    const std::string diff = CompareFindings(c, findings);
    EXPECT_TRUE(diff.empty()) << c.file << ":" << c.line << " (" << c.label << ")\n" << diff;
  }
}

TEST(ComplianceGoldenTest, CoverEveryCategoryBothWaysAndEveryRule) {
  const auto cases = AllCases();
  std::map<std::string, std::pair<int, int>> by_file;  // file -> (finding cases, clean cases)
  std::set<std::string> rules_found;
  for (const GoldenCase& c : cases) {
    const std::string category = fs::path(c.file).stem().string();
    bool finds = false;
    for (const auto& e : c.expected) {
      rules_found.insert(e.rule);
      finds = finds || e.category == category;
    }
    auto& [pos, neg] = by_file[category];
    (finds ? pos : neg)++;
  }
  for (const auto& category : ComplianceRuleSet().categories) {
    auto it = by_file.find(category);
    ASSERT_NE(it, by_file.end()) << "no golden file " << category << ".txt";
    EXPECT_GT(it->second.first, 0) << category << ".txt: no case finds " << category;
    EXPECT_GT(it->second.second, 0) << category << ".txt: no case without " << category;
  }
  for (const auto& r : RuleCatalogue::Compliance().rules()) {
    EXPECT_TRUE(rules_found.count(r.id)) << "no golden case finds " << r.id;
  }
}

TEST(ComplianceGoldenTest, ParserNamesTheBadLine) {
  auto r = ParseGolden("registry\ninstitution uscc=X name=Y\nbogus fact=1\n", "t.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "golden.bad-line");
  EXPECT_NE(r.error().detail().find("t.txt:3"), std::string::npos) << r.error().detail();
  auto no_sep = ParseGolden(
      "registry\ninstitution uscc=X name=Y\n\nreport\nreport_no 1\n\ncheck 2025-01-01\n", "u.txt");
  ASSERT_FALSE(no_sep.ok());
  EXPECT_NE(no_sep.error().detail().find("u.txt:7"), std::string::npos);
}

}  // namespace
}  // namespace zhijian::checks
