// Accuracy of the data-quality rules against the generator's ground truth (issue 6): a
// demo-scale registry with injected, labelled defects (registry/gen/generator.h) is generated,
// imported through the real importer, checked with RunQuality, and every defect kind of
// labels.jsonl is compared with the findings of the rule that detects it:
//   recall    = labelled records found / labelled records,
//   precision = findings on labelled records / findings of that rule,
// both required ≥ 0.99 per kind. Records are matched by business key: the label names a file
// and line; that CSV row gives the key (USCC, certificate number, capability key, USCC + ID
// number hash, USCC + equipment name + serial), which the database maps to the record id a
// finding carries.
//
// "missing-required-field" rows never reach the database: the importer rejects a row whose
// required value is empty. For that kind recall and precision are measured on the import's
// error report instead (issue code "import.missing-value" at the labelled file, line and column).
//
// The one justified exception to "a finding on an unlabelled record is a false positive": the
// generator labels only the COPY of a person registered at a second institution; the person's
// original record (at the institution named by the label's other_uscc) is the same person at two
// institutions too, so the rule reports both records. Such a finding counts as correct only if
// a label of the kind names this record's institution as other_uscc, carries this record's
// name, and the labelled record has the same ID hash (checked in the database).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "tests/support/backend_fixture.h"
#include "zhijian/checks/quality_store.h"
#include "zhijian/registry/gen/generator.h"
#include "zhijian/registry/identity.h"
#include "zhijian/registry/import/importer.h"
#include "zhijian/registry/import/reader.h"

namespace zhijian::checks {
namespace {

using store::Row;
using store::Value;

constexpr const char* kToday = "2026-06-30";
constexpr uint64_t kSeed = 20260630;
constexpr double kDefectRate = 0.05;
const TimePoint kLoadTime = FromUnixMillis(1'782'777'600'000);  // 2026-06-30T00:00:00Z

// The rule that detects each labelled kind (missing-required-field: the import).
const std::map<std::string, std::string>& RuleOfKind() {
  static const std::map<std::string, std::string> m = {
      {"cert-expired-but-valid", "consistency.certificate.expired-but-valid"},
      {"cert-expiring-soon", "timeliness.certificate.expiring-soon"},
      {"capability-abolished-standard", "consistency.capability.abolished-standard"},
      {"person-two-institutions", "consistency.person.two-institutions"},
      {"calibration-overdue", "consistency.equipment.calibration-overdue"},
      {"uscc-bad-check", "format.institution.uscc-check"},
      {"signatory-field-not-covered", "consistency.person.signatory-field-not-covered"},
      {"key-position-unfilled", "consistency.institution.key-position"},
  };
  return m;
}

struct Label {
  std::string kind, entity, file;
  int64_t line = 0;
  boost::json::object obj;
  std::string Get(const char* key) const {
    auto it = obj.find(key);
    return it != obj.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                      : std::string();
  }
};

// A CSV file of the generated set: header and rows by line.
struct Csv {
  std::vector<std::string> columns;
  std::map<int64_t, std::vector<std::string>> rows;
  std::string At(int64_t line, const std::string& column) const {
    auto it = rows.find(line);
    if (it == rows.end()) return "<no row>";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == column) return i < it->second.size() ? it->second[i] : "";
    }
    return "<no column " + column + ">";
  }
};

Csv ReadCsv(const std::string& path) {
  Csv csv;
  auto reader = registry::import::OpenReader(path, {});
  EXPECT_TRUE(reader.ok()) << path;
  if (!reader.ok()) return csv;
  csv.columns = (*reader)->columns();
  registry::import::Row row;
  while (true) {
    auto more = (*reader)->Next(&row);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    std::vector<std::string> cells(csv.columns.size());
    for (const auto& c : row.cells) {
      if (c.column >= 0 && static_cast<size_t>(c.column) < cells.size()) cells[c.column] = c.text;
    }
    csv.rows[row.line] = std::move(cells);
  }
  return csv;
}

struct Issue {
  std::string file;
  int64_t line = 0;
  std::string column;  // header name
  std::string code;
  bool error = false;
};

struct Measure {
  int64_t labels = 0, findings = 0, found = 0, correct = 0, justified = 0;
  double recall() const { return labels ? static_cast<double>(found) / labels : 1.0; }
  double precision() const {
    return findings ? static_cast<double>(correct + justified) / findings : 1.0;
  }
};

class QualityAccuracyTest : public zhijian::testing::BackendTest {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/zj-quality-accuracy-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    data_dir_ = tmpl;
    auto scale = registry::gen::ScaleByName("demo");
    ASSERT_TRUE(scale.ok());
    registry::gen::Options o;
    o.scale = *scale;
    o.seed = kSeed;
    o.today = kToday;
    o.defect_rate = kDefectRate;
    o.out_dir = data_dir_ + "/gen";
    auto summary = registry::gen::Generate(o);
    ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }

  std::string GenPath(const std::string& file) const { return data_dir_ + "/gen/" + file; }

  static std::string data_dir_;
};
std::string QualityAccuracyTest::data_dir_;

TEST_P(QualityAccuracyTest, RecallAndPrecisionPerDefectKind) {
  auto db = OpenDb();
  ASSERT_TRUE(db);
  FakeClock clock(kLoadTime);
  registry::Registry reg(*db, clock);
  const std::string key_file = data_dir_ + "/id-hash.key";

  // 1. Import every file, keeping every issue with its column name.
  std::vector<Issue> issues;
  std::map<std::string, Csv> csv;
  for (const std::string& file : registry::gen::ImportFiles()) {
    csv[file] = ReadCsv(GenPath(file));
    auto kind = registry::import::ParseKind(file.substr(0, file.find('.')));
    ASSERT_TRUE(kind.ok());
    registry::import::ImportOptions opt;
    opt.id_key_file = key_file;
    opt.keep_issues = 0;
    const Csv& c = csv[file];
    opt.on_issue = [&](const registry::import::LocatedIssue& li) {
      Issue i;
      i.file = file;
      i.line = li.issue.line;
      i.column = li.issue.column >= 0 && static_cast<size_t>(li.issue.column) < c.columns.size()
                     ? c.columns[li.issue.column]
                     : "";
      i.code = li.issue.code;
      i.error = li.issue.error;
      issues.push_back(std::move(i));
    };
    auto report = registry::import::ImportFile(*db, reg, clock, *kind, GenPath(file), opt);
    ASSERT_TRUE(report.ok()) << file << ": " << report.error().ToString();
  }

  // 2. Run the checks as the generator's "today".
  RunRequest req;
  req.today = kToday;
  auto run = RunQuality(*db, clock, Principal::Cli(), "test", req);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  const QualityResult& result = run->result;

  // 3. Business keys -> record ids.
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  auto query = [&](const std::string& sql) {
    auto rows = conn->get().Query(sql);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? std::move(*rows) : std::vector<Row>{};
  };
  std::map<std::string, int64_t> inst_by_uscc, cert_by_no, cap_by_key, person_by_key, eq_by_key;
  std::map<int64_t, std::string> uscc_of_inst;
  for (const Row& r : query("SELECT id, uscc FROM institutions")) {
    inst_by_uscc[r.Text(1)] = r.Int(0);
    uscc_of_inst[r.Int(0)] = r.Text(1);
  }
  for (const Row& r : query("SELECT id, number FROM certificates"))
    cert_by_no[r.Text(1)] = r.Int(0);
  for (const Row& r :
       query("SELECT k.id, c.number, k.category, k.object, k.item, k.parameter, k.standard_no "
             "FROM capabilities k JOIN certificates c ON c.id = k.certificate_id")) {
    cap_by_key[r.Text(1) + "|" + r.Text(2) + "|" + r.Text(3) + "|" + r.Text(4) + "|" + r.Text(5) +
               "|" + r.Text(6)] = r.Int(0);
  }
  std::map<int64_t, std::tuple<int64_t, std::string, std::string>> person_row;  // inst, name, hash
  for (const Row& r : query("SELECT id, institution_id, id_hash, name FROM people")) {
    person_by_key[std::to_string(r.Int(1)) + "|" + r.Text(2)] = r.Int(0);
    person_row[r.Int(0)] = {r.Int(1), r.Text(3), r.Text(2)};
  }
  for (const Row& r : query("SELECT id, institution_id, name, serial FROM equipment")) {
    eq_by_key[std::to_string(r.Int(1)) + "|" + r.Text(2) + "|" + r.Text(3)] = r.Int(0);
  }
  auto hasher = registry::IdHasher::LoadOrCreate(key_file);
  ASSERT_TRUE(hasher.ok());

  // 4. Labels -> (entity, record id, field) per kind.
  std::vector<Label> labels;
  {
    std::ifstream in(GenPath(std::string(registry::gen::kLabelsFile)));
    std::string line;
    while (std::getline(in, line)) {
      auto v = boost::json::parse(line).as_object();
      Label l;
      l.kind = std::string(v.at("kind").as_string());
      l.entity = std::string(v.at("entity").as_string());
      l.file = std::string(v.at("file").as_string());
      l.line = v.at("line").as_int64();
      l.obj = std::move(v);
      labels.push_back(std::move(l));
    }
  }
  ASSERT_FALSE(labels.empty());
  using Key = std::tuple<std::string, int64_t, std::string>;  // entity, record id, field
  std::map<std::string, std::set<Key>> expected;
  for (const Label& l : labels) {
    if (l.kind == "missing-required-field") continue;
    const Csv& c = csv[l.file];
    const std::string uscc = c.At(l.line, "统一社会信用代码");
    int64_t id = -1;
    std::string field;
    if (l.entity == "institution") {
      id = inst_by_uscc.count(uscc) ? inst_by_uscc[uscc] : -1;
      if (l.kind == "key-position-unfilled") {
        field = l.Get("field") == "技术负责人" ? "technical_manager" : "quality_manager";
      }
    } else if (l.entity == "certificate") {
      const std::string no = c.At(l.line, "证书编号");
      id = cert_by_no.count(no) ? cert_by_no[no] : -1;
    } else if (l.entity == "capability") {
      const std::string k = c.At(l.line, "证书编号") + "|" + c.At(l.line, "类别") + "|" +
                            c.At(l.line, "产品/对象") + "|" + c.At(l.line, "项目/参数") + "|" +
                            c.At(l.line, "参数") + "|" + c.At(l.line, "标准编号");
      id = cap_by_key.count(k) ? cap_by_key[k] : -1;
    } else if (l.entity == "person") {
      auto h = hasher->HashText(c.At(l.line, "身份证号"));
      ASSERT_TRUE(h.ok());
      const std::string k = std::to_string(inst_by_uscc[uscc]) + "|" + *h;
      id = person_by_key.count(k) ? person_by_key[k] : -1;
    } else if (l.entity == "equipment") {
      const std::string k = std::to_string(inst_by_uscc[uscc]) + "|" + c.At(l.line, "设备名称") +
                            "|" + c.At(l.line, "出厂编号");
      id = eq_by_key.count(k) ? eq_by_key[k] : -1;
    }
    ASSERT_GE(id, 0) << "labelled record not in the database: " << l.kind << " " << l.file << ":"
                     << l.line;
    expected[l.kind].insert({l.entity, id, field});
  }

  // 5. Findings per rule.
  std::map<std::string, std::set<Key>> found;
  for (const Finding& f : result.findings) {
    const bool by_field = f.rule->id == "consistency.institution.key-position";
    found[f.rule->id].insert({EntityName(f.entity), f.record_id, by_field ? f.field : ""});
  }

  std::map<std::string, Measure> m;
  for (const auto& [kind, rule] : RuleOfKind()) {
    Measure& x = m[kind];
    const auto& want = expected[kind];
    const auto& got = found[rule];
    x.labels = static_cast<int64_t>(want.size());
    x.findings = static_cast<int64_t>(got.size());
    for (const Key& k : want) x.found += got.count(k);
    for (const Key& k : got) {
      if (want.count(k)) {
        ++x.correct;
        continue;
      }
      if (kind != "person-two-institutions") continue;
      // The original record of a copied person: see the top comment.
      const auto& [inst, name, hash] = person_row[std::get<1>(k)];
      for (const Label& l : labels) {
        if (l.kind != kind || l.Get("other_uscc") != uscc_of_inst[inst] || l.Get("name") != name) {
          continue;
        }
        const int64_t copy_inst = inst_by_uscc[l.Get("uscc")];
        if (person_by_key.count(std::to_string(copy_inst) + "|" + hash)) {
          ++x.justified;
          break;
        }
      }
    }
  }

  // 6. missing-required-field: the import's error report.
  {
    Measure& x = m["missing-required-field"];
    std::set<std::tuple<std::string, int64_t, std::string>> want, got;
    for (const Label& l : labels) {
      if (l.kind == "missing-required-field") want.insert({l.file, l.line, l.Get("field")});
    }
    for (const Issue& i : issues) {
      if (i.error && i.code == "import.missing-value") got.insert({i.file, i.line, i.column});
    }
    x.labels = static_cast<int64_t>(want.size());
    x.findings = static_cast<int64_t>(got.size());
    for (const auto& k : want) x.found += got.count(k);
    for (const auto& k : got) x.correct += want.count(k);
  }

  std::printf("%-31s %7s %8s %6s %6s %9s %7s %9s\n", "kind", "labels", "findings", "found", "miss",
              "justified", "recall", "precision");
  for (const auto& [kind, x] : m) {
    std::printf("%-31s %7lld %8lld %6lld %6lld %9lld %7.4f %9.4f\n", kind.c_str(),
                static_cast<long long>(x.labels), static_cast<long long>(x.findings),
                static_cast<long long>(x.found), static_cast<long long>(x.labels - x.found),
                static_cast<long long>(x.justified), x.recall(), x.precision());
  }
  std::printf("other rules:");
  for (const auto& [rule, n] : result.by_rule) {
    bool mapped = false;
    for (const auto& [k, r] : RuleOfKind()) mapped |= r == rule;
    if (!mapped && n) std::printf(" %s=%lld", rule.c_str(), static_cast<long long>(n));
  }
  std::printf("\nrun: %lld findings; load %.2f s, evaluate %.2f s, save %.2f s\n",
              static_cast<long long>(result.findings.size()), run->load_seconds,
              run->evaluate_seconds, run->save_seconds);

  for (const std::string& kind : registry::gen::DefectKinds()) {
    ASSERT_TRUE(m.count(kind)) << "no measurement for " << kind;
    const Measure& x = m[kind];
    EXPECT_GT(x.labels, 0) << kind << ": the generated set has no such defect";
    EXPECT_GE(x.recall(), 0.99) << kind;
    EXPECT_GE(x.precision(), 0.99) << kind;
    EXPECT_LE(x.justified, x.labels) << kind;
  }
  EXPECT_EQ(Count(conn->get(), "quality_findings"), static_cast<int64_t>(result.findings.size()));
}

ZJ_INSTANTIATE_BACKENDS(QualityAccuracyTest);

}  // namespace
}  // namespace zhijian::checks
