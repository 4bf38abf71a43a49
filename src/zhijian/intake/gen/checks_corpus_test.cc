// The compliance checks on a generated corpus, end to end: a small registry is generated
// (registry/gen) and imported into a throw-away SQLite database; `gen reports` draws text PDFs
// from it with labelled defects (report_gen.h); intake reads each PDF; the facts query layer
// (compliance_store.h) loads what the registry knew and the rules (compliance.h) judge it.
//   - every expected finding of a label is found, in its category, field and line;
//   - no category is found that the label does not expect (clean reports give no finding).
// The reports a duplicate-report-number defect repeats are given to the checks as registered
// reports of the institution (RegistryFacts::reports, with their PDF's SHA-256), as the ledger
// would hold them; bench/checks_bench.sh goes through the ledger's registration instead.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/principal.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/checks/snapshot.h"
#include "zhijian/cli/registry_load.h"
#include "zhijian/intake/gen/report_gen.h"
#include "zhijian/intake/intake.h"
#include "zhijian/registry/gen/generator.h"
#include "zhijian/store/db.h"

namespace zhijian::intake::gen {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kToday = "2025-06-01";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ChecksCorpusTest, EveryInjectedFindingIsFoundAndCleanReportsAreClean) {
  char tmpl[] = "/tmp/zj-checks-corpus-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  registry::gen::Options ro;
  ro.scale = {"tiny", 40, 1600, 100, 400, 12000, 400, "37"};
  ro.seed = 11;
  ro.today = kToday;
  ro.defect_rate = 0.05;
  ro.out_dir = dir + "/registry";
  ASSERT_TRUE(registry::gen::Generate(ro).ok());
  auto db = store::Database::Open("sqlite:" + dir + "/registry.db", {});
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  std::ostringstream load_log;
  auto loaded = cli::LoadRegistryDirectory(**db, ro.out_dir, dir + "/id.key", load_log);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  auto conn = (*db)->Acquire();
  ASSERT_TRUE(conn.ok());
  auto snap = checks::LoadSnapshot(conn->get(), {});
  ASSERT_TRUE(snap.ok()) << snap.error().ToString();

  Options o;
  o.seed = 5;
  o.count = 20;
  o.today = kToday;
  o.defect_share = 0.75;
  o.out_dir = dir + "/corpus";
  auto sum = Generate(*snap, o);
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();

  std::vector<json::object> labels;
  {
    std::ifstream in(o.out_dir + "/labels.jsonl");
    std::string line;
    while (std::getline(in, line)) labels.push_back(json::parse(line).as_object());
  }
  ASSERT_EQ(labels.size(), 20u);
  std::map<std::string, const json::object*> by_id;
  for (const auto& l : labels) by_id[std::string(l.at("id").as_string())] = &l;

  checks::CheckOptions co;
  co.today = static_cast<checks::Day>(*ParseIsoDay(kToday));
  std::set<std::string> injected;
  int clean = 0;
  for (const json::object& lab : labels) {
    const std::string id(lab.at("id").as_string());
    const std::string pdf = o.out_dir + "/" + std::string(lab.at("pdf").as_string());
    auto ex = ReadFile(pdf);
    ASSERT_TRUE(ex.ok()) << id << ": " << ex.error().ToString();
    const checks::ReportFacts& facts = ex->facts;
    auto as_of = checks::LoadRegistryFacts(conn->get(), Principal::Cli(), facts);
    ASSERT_TRUE(as_of.ok()) << id << ": " << as_of.error().ToString();
    if (const json::value* dup = lab.if_contains("duplicate_of")) {
      const json::object& orig = *by_id.at(std::string(dup->as_string()));
      const auto subject = checks::SubjectOf(facts, *as_of);
      ASSERT_TRUE(subject.has_value()) << id;
      checks::FactsReport registered;
      registered.inst = *subject;
      registered.code = "registered-" + std::string(orig.at("id").as_string());
      registered.report_no = std::string(orig.at("fields").at("report_no").as_string());
      registered.issue_date = std::string(orig.at("fields").at("issue_date").as_string());
      registered.document_sha256 =
          Sha256Hex(ReadAll(o.out_dir + "/" + std::string(orig.at("pdf").as_string())));
      registered.status = "valid";
      as_of->reports.push_back(registered);
    }
    const auto findings = checks::Check(facts, *as_of, co);
    std::string found_text;
    std::set<std::string> found;
    for (const auto& f : findings) {
      found.insert(f.rule->category);
      found_text += "\n    " + f.rule->id + " " + f.field + " line " + std::to_string(f.line) +
                    " value " + f.value;
    }
    std::set<std::string> expected;
    for (const auto& e : lab.at("expected").as_array()) {
      expected.insert(std::string(e.as_string()));
    }
    const std::string defects = json::serialize(lab.at("defects"));
    if (expected.empty()) ++clean;
    injected.insert(expected.begin(), expected.end());
    // Each expected finding at its place.
    for (const auto& ev : lab.at("expected_findings").as_array()) {
      const json::object& e = ev.as_object();
      const std::string cat(e.at("category").as_string());
      const std::string fields = "," + std::string(e.at("field").as_string()) + ",";
      const int64_t line = e.at("line").as_int64();
      bool hit = false;
      for (const auto& f : findings) {
        hit = hit ||
              (f.rule->category == cat && fields.find("," + f.field + ",") != std::string::npos &&
               (line == 0 || f.line == line));
      }
      EXPECT_TRUE(hit) << id << " " << defects << ": no " << cat << " finding at "
                       << e.at("field").as_string() << " line " << line << "; found:" << found_text;
    }
    // Nothing beyond the expected categories.
    for (const std::string& cat : found) {
      EXPECT_TRUE(expected.count(cat))
          << id << " " << defects << ": unexpected " << cat << ":" << found_text;
    }
  }
  // The sample covers clean reports and most categories (seed 5: 20 reports).
  EXPECT_GE(clean, 3);
  EXPECT_GE(injected.size(), 7u);
  if (std::getenv("ZJ_KEEP_CORPUS") == nullptr) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
}

}  // namespace
}  // namespace zhijian::intake::gen
