// The report corpus generator and intake, end to end: a small registry is generated
// (registry/gen) and imported (registry/import) into a throw-away SQLite database, reports are
// planned from its snapshot and drawn as text PDFs and scans, and intake reads them back.
//   - text PDFs: every labelled field must come back exactly;
//   - scans (300 dpi, degraded): OCR must get at least kScanFieldShare of the fields right
//     (measured on the bench corpus: docs/performance.md; this sample is smaller);
//   - the plan is deterministic, its truths are fixed points of intake's normalisation, and every
//     injected defect is what its label says;
//   - bad files get their error codes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"
#include "zhijian/base/uscc.h"
#include "zhijian/checks/snapshot.h"
#include "zhijian/cli/registry_load.h"
#include "zhijian/intake/gen/report_gen.h"
#include "zhijian/intake/intake.h"
#include "zhijian/intake/normalize.h"
#include "zhijian/registry/gen/generator.h"
#include "zhijian/store/db.h"

namespace zhijian::intake::gen {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kToday = "2025-06-01";
constexpr double kScanFieldShare = 0.94;

class CorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/zj-intake-corpus-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    registry::gen::Options o;
    o.scale = {"tiny", 40, 1600, 100, 400, 12000, 400, "37"};
    o.seed = 11;
    o.today = kToday;
    o.defect_rate = 0.05;
    o.out_dir = dir_ + "/registry";
    auto sum = registry::gen::Generate(o);
    ASSERT_TRUE(sum.ok()) << sum.error().ToString();
    auto db = store::Database::Open("sqlite:" + dir_ + "/registry.db", {});
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    std::ostringstream load_log;
    auto loaded = cli::LoadRegistryDirectory(**db, o.out_dir, dir_ + "/id.key", load_log);
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    auto conn = (*db)->Acquire();
    ASSERT_TRUE(conn.ok());
    auto snap = checks::LoadSnapshot(conn->get(), {});
    ASSERT_TRUE(snap.ok()) << snap.error().ToString();
    snapshot_ = new checks::Snapshot(std::move(*snap));
  }
  static void TearDownTestSuite() {
    delete snapshot_;
    snapshot_ = nullptr;
    // ZJ_KEEP_CORPUS=1 keeps the generated files for a look.
    if (std::getenv("ZJ_KEEP_CORPUS") == nullptr) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    } else {
      std::printf("corpus kept in %s\n", dir_.c_str());
    }
  }

  static std::vector<json::object> Labels(const std::string& out) {
    std::vector<json::object> v;
    std::ifstream in(out + "/labels.jsonl");
    std::string line;
    while (std::getline(in, line)) v.push_back(json::parse(line).as_object());
    return v;
  }

  // Compares the label's true fields with what intake read: (right, total); mismatches are
  // reported through `mismatch`.
  static std::pair<int, int> Compare(const json::object& truth, const json::object& read,
                                     const std::function<void(const std::string&)>& mismatch) {
    int right = 0, total = 0;
    for (const auto& kv : truth) {
      const std::string key(kv.key());
      const json::value* got = read.if_contains(key);
      if (key == "test_lines") {
        // Lines are matched in order by the most equal cells (a row OCR lost or merged costs
        // its own cells, not those of every row after it); cells of unmatched lines are wrong.
        const auto& want = kv.value().as_array();
        const json::array empty;
        const auto& have = got && got->is_array() ? got->as_array() : empty;
        auto same = [&](size_t i, size_t j) {
          int n = 0;
          for (const auto& cell : want[i].as_object()) {
            const json::value* g = have[j].as_object().if_contains(cell.key());
            n += g && *g == cell.value();
          }
          return n;
        };
        const size_t a = want.size(), b = have.size();
        std::vector<std::vector<int>> best(a + 1, std::vector<int>(b + 1, 0));
        for (size_t i = a; i-- > 0;) {
          for (size_t j = b; j-- > 0;) {
            best[i][j] =
                std::max({best[i + 1][j], best[i][j + 1], same(i, j) + best[i + 1][j + 1]});
          }
        }
        size_t i = 0, j = 0;
        std::vector<int> matched(a, -1);
        while (i < a && j < b) {
          if (best[i][j] == same(i, j) + best[i + 1][j + 1] && same(i, j) > 0) {
            matched[i] = static_cast<int>(j);
            ++i;
            ++j;
          } else if (best[i][j] == best[i + 1][j]) {
            ++i;
          } else {
            ++j;
          }
        }
        for (size_t k = 0; k < a; ++k) {
          for (const auto& cell : want[k].as_object()) {
            ++total;
            const json::value* g =
                matched[k] >= 0 ? have[matched[k]].as_object().if_contains(cell.key()) : nullptr;
            if (g && *g == cell.value()) {
              ++right;
            } else {
              mismatch("test_lines[" + std::to_string(k) + "]." + std::string(cell.key()) +
                       ": want " + json::serialize(cell.value()) + ", read " +
                       (g ? json::serialize(*g) : "nothing"));
            }
          }
        }
        continue;
      }
      ++total;
      if (got && *got == kv.value()) {
        ++right;
      } else {
        mismatch(key + ": want " + json::serialize(kv.value()) + ", read " +
                 (got ? json::serialize(*got) : "nothing"));
      }
    }
    return {right, total};
  }

  static std::string dir_;
  static checks::Snapshot* snapshot_;
};
std::string CorpusTest::dir_;
checks::Snapshot* CorpusTest::snapshot_ = nullptr;

TEST_F(CorpusTest, TextPdfsReadBackExactly) {
  Options o;
  o.seed = 3;
  o.count = 12;
  o.today = kToday;
  o.defect_share = 0.5;
  o.out_dir = dir_ + "/text";
  auto sum = Generate(*snapshot_, o);
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ(sum->reports, 12);
  EXPECT_EQ(sum->layouts.size(), 3u);  // general, vehicle, construction
  int right = 0, total = 0;
  for (const json::object& label : Labels(o.out_dir)) {
    const std::string file = o.out_dir + "/" + std::string(label.at("pdf").as_string());
    auto ex = ReadFile(file);
    ASSERT_TRUE(ex.ok()) << file << ": " << ex.error().ToString();
    EXPECT_EQ(ex->facts.source, checks::FactsSource::kTextPdf);
    const auto [r, t] = Compare(label.at("fields").as_object(), ExtractionToJson(*ex),
                                [&](const std::string& m) { ADD_FAILURE() << file << " " << m; });
    right += r;
    total += t;
    // Fields found on a text PDF are sure: 1, or 0.95 for the mark and 0.9 for an unlabelled
    // institution name (fields.h); a USCC whose check character fails (the registry has some)
    // is doubted (0.5).
    auto uscc = Uscc::Parse(ex->facts.report.institution);
    const bool bad_uscc = !uscc || uscc->suspect();
    for (const auto& [field, c] : ex->confidence) {
      if (field == "institution" && bad_uscc) {
        EXPECT_DOUBLE_EQ(c, 0.5);
      } else if (c > 0 && field != "page_count") {
        EXPECT_GE(c, 0.9) << file << " " << field;
      }
    }
  }
  EXPECT_EQ(right, total);
  EXPECT_GT(total, 12 * 30);
}

TEST_F(CorpusTest, PlanIsDeterministicAndTruthsAreCanonical) {
  Options o;
  o.seed = 5;
  o.count = 15;
  o.today = kToday;
  o.defect_share = 0.4;
  auto a = Plan(*snapshot_, o);
  auto b = Plan(*snapshot_, o);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].facts.report, (*b)[i].facts.report);
    EXPECT_EQ(TruthJson((*a)[i].facts), TruthJson((*b)[i].facts));
    const auto& r = (*a)[i].facts.report;
    for (const std::string* s : {&r.client, &r.sample, &r.conclusion}) {
      EXPECT_EQ(NormalizeText(*s), *s);
    }
    for (const auto& l : r.test_lines) {
      EXPECT_EQ(NormalizeUnit(l.unit), l.unit);
      EXPECT_EQ(NormalizeNumber(l.limit), l.limit);
      EXPECT_EQ(NormalizeNumber(l.result), l.result);
      EXPECT_FALSE(l.item.empty());
    }
  }
  // The same plan draws the same PDF bytes.
  PlannedReport r1 = (*a)[0], r2 = (*b)[0];
  const std::string p1 = dir_ + "/det1.pdf", p2 = dir_ + "/det2.pdf";
  ASSERT_TRUE(RenderPdf(&r1, p1).ok());
  ASSERT_TRUE(RenderPdf(&r2, p2).ok());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(slurp(p1), slurp(p2));
  EXPECT_GT(r1.facts.page_count, 0);
}

TEST_F(CorpusTest, EveryDefectIsWhatItsLabelSays) {
  Options o;
  o.seed = 9;
  o.count = 60;
  o.today = kToday;
  o.defect_share = 1.0;
  auto plan = Plan(*snapshot_, o);
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  std::map<std::string, const PlannedReport*> by_id;
  std::set<std::string> kinds;
  std::map<std::string, std::string> uscc_of_name;
  for (const auto& in : snapshot_->institutions) uscc_of_name[in.name] = in.uscc;
  const std::set<std::string> categories = {
      "institution-mismatch", "no-valid-certificate",   "out-of-scope",
      "standard-obsolete",    "signatory-unauthorized", "date-order",
      "implausible-duration", "verdict-inconsistent",   "mark-misuse",
      "missing-content",      "duplicate-report-number"};
  for (const PlannedReport& r : *plan) {
    by_id[r.id] = &r;
    ASSERT_EQ(r.defects.size(), 1u) << r.id;
    const Defect& d = r.defects[0];
    kinds.insert(d.kind);
    ASSERT_FALSE(r.expected.empty());
    EXPECT_EQ(r.expected.front(), d.category);
    for (const auto& c : r.expected) EXPECT_TRUE(categories.count(c)) << c;
    const auto& f = r.facts;
    const auto& rep = f.report;
    if (d.kind == "date-order-swapped") {
      std::vector<std::string> seq;
      for (const std::string* s : {&rep.sampling_date, &rep.receipt_date, &rep.test_start_date,
                                   &rep.test_end_date, &rep.issue_date}) {
        if (!s->empty()) seq.push_back(*s);
      }
      EXPECT_FALSE(std::is_sorted(seq.begin(), seq.end())) << r.id;
    } else if (d.kind == "date-future") {
      EXPECT_GT(rep.issue_date, kToday);
    } else if (d.kind == "missing-cma-mark") {
      EXPECT_FALSE(*f.cma_mark);
      EXPECT_EQ(rep.certificate, "");
    } else if (d.kind == "missing-content") {
      // One content of RB/T 214 §4.5.20 left out, and its label names it.
      const int absent = rep.client.empty() + rep.sample.empty() + (f.seal == false) +
                         (f.page_numbering == false) + (f.end_mark == false) +
                         (f.sample_statement == false) + (f.copy_statement == false) +
                         (f.test_category == "现场检测" && f.test_site.empty());
      EXPECT_EQ(absent, 1) << r.id;
      ASSERT_EQ(r.expected_findings.size(), 1u) << r.id;
      EXPECT_EQ(r.expected_findings[0].category, "missing-content");
    } else if (d.kind == "wrong-uscc") {
      EXPECT_NE(uscc_of_name.at(f.institution_name), rep.institution);
    } else if (d.kind == "too-short-test") {
      EXPECT_EQ(rep.test_start_date, rep.test_end_date);
    } else if (d.kind == "duplicate-report-number") {
      ASSERT_TRUE(by_id.count(r.duplicate_of));
      EXPECT_EQ(by_id[r.duplicate_of]->facts.report.report_no, rep.report_no);
      EXPECT_EQ(by_id[r.duplicate_of]->facts.institution_name, f.institution_name);
    } else if (d.kind == "unauthorised-signatory") {
      EXPECT_EQ(rep.signatories, std::vector<std::string>{f.approver});
    }
    if (d.kind != "missing-cma-mark") {
      EXPECT_TRUE(*f.cma_mark) << r.id;
    }
    // Every expected category has a located finding (field, line) in the label.
    std::set<std::string> located;
    for (const auto& e : r.expected_findings) {
      located.insert(e.category);
      EXPECT_FALSE(e.field.empty()) << r.id;
      EXPECT_LE(e.line, static_cast<int>(rep.test_lines.size())) << r.id;
    }
    EXPECT_EQ(located, std::set<std::string>(r.expected.begin(), r.expected.end())) << r.id;
  }
  // With 60 reports most kinds occur.
  EXPECT_GE(kinds.size(), 9u);
}

TEST_F(CorpusTest, ScansReadBackByOcr) {
  Options o;
  o.seed = 3;
  o.count = 3;  // one report of each layout
  o.today = kToday;
  o.defect_share = 0;
  o.pdf = false;
  o.scan = true;
  o.scan_dpi = 300;
  o.out_dir = dir_ + "/scan";
  auto sum = Generate(*snapshot_, o);
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  int right = 0, total = 0;
  std::vector<std::string> misses;
  for (const json::object& label : Labels(o.out_dir)) {
    const std::string file = o.out_dir + "/" + std::string(label.at("scan").as_string());
    auto ex = ReadFile(file);
    ASSERT_TRUE(ex.ok()) << file << ": " << ex.error().ToString();
    EXPECT_EQ(ex->facts.source, checks::FactsSource::kScan);
    const auto [r, t] = Compare(label.at("fields").as_object(), ExtractionToJson(*ex),
                                [&](const std::string& m) { misses.push_back(file + " " + m); });
    right += r;
    total += t;
  }
  const double share = static_cast<double>(right) / total;
  std::string list;
  for (const auto& m : misses) list += "\n  " + m;
  EXPECT_GE(share, kScanFieldShare) << right << "/" << total << list;
  std::printf("scan fields right: %d/%d = %.3f\n", right, total, share);

  // A PNG page of a one-page report reads too.
  for (const json::object& label : Labels(o.out_dir)) {
    const auto& pngs = label.at("scan_png").as_array();
    if (pngs.size() != 1) continue;
    auto ex = ReadFile(o.out_dir + "/" + std::string(pngs[0].as_string()));
    ASSERT_TRUE(ex.ok()) << ex.error().ToString();
    EXPECT_EQ(ex->facts.report.report_no,
              std::string(label.at("fields").at("report_no").as_string()));
    break;
  }
}

TEST_F(CorpusTest, BadFilesGetClearErrors) {
  const std::string dir = dir_ + "/bad";
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return dir + "/" + name;
  };
  auto code = [](const Result<Extraction>& r) { return r.ok() ? "ok" : r.error().code(); };
  EXPECT_EQ(code(ReadFile(dir + "/missing.pdf")), "intake.io");
  EXPECT_EQ(ReadFile(dir + "/missing.pdf").error().kind(), Error::Kind::kNotFound);
  EXPECT_EQ(code(ReadFile(write("empty.pdf", ""))), "intake.empty");
  EXPECT_EQ(code(ReadFile(write("text.pdf", "委托单位：某某公司\n报告编号：1\n"))),
            "intake.unknown-format");
  EXPECT_EQ(code(ReadFile(write("junk.pdf", "%PDF-1.7\n\x01\x02 garbage without objects"))),
            "intake.damaged");
  // A real report cut short.
  PlannedReport r;
  {
    Options o;
    o.seed = 1;
    o.count = 1;
    o.today = kToday;
    o.defect_share = 0;
    auto plan = Plan(*snapshot_, o);
    ASSERT_TRUE(plan.ok());
    r = (*plan)[0];
  }
  ASSERT_TRUE(RenderPdf(&r, dir + "/whole.pdf").ok());
  std::ifstream in(dir + "/whole.pdf", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(code(ReadFile(write("cut.pdf", bytes.substr(0, bytes.size() / 3)))), "intake.damaged");
  // A PDF that needs a password (testdata/README.md).
  const auto enc_result = ReadFile(std::string(ZJ_INTAKE_TESTDATA) + "/encrypted.pdf");
  EXPECT_EQ(code(enc_result), "intake.encrypted");
  EXPECT_EQ(enc_result.error().message_en(), "the document is encrypted and needs a password");
  EXPECT_EQ(enc_result.error().message_zh(), "文件已加密，需要密码");
  // A document that is not a report: one blank page (no text layer, so it is OCR'd: nothing).
  const std::string blank =
      "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
      "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
      "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
      "trailer << /Root 1 0 R >>\n%%EOF\n";
  const auto not_report = ReadFile(write("blank.pdf", blank));
  EXPECT_EQ(code(not_report), "intake.not-a-report");
  EXPECT_EQ(not_report.error().kind(), Error::Kind::kUnprocessable);
  EXPECT_EQ(code(ReadFile(write("truncated.png", std::string("\x89PNG\r\n\x1a\n", 8)))),
            "intake.damaged");
}

}  // namespace
}  // namespace zhijian::intake::gen

int main(int argc, char** argv) {
  // Tesseract's OpenMP runtime reads OMP_THREAD_LIMIT at load time only.
  zhijian::intake::EnsureOmpThreadLimit(argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
