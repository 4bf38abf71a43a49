// Test-report corpus generator (`zhijian gen reports`): realistic Chinese test reports drawn
// from a registry, as text PDFs and as degraded scans, with ground-truth labels.
//
// Purpose: the corpus on which intake (and the compliance checks) are tested and measured. Each
// report is planned from the registry (checks::Snapshot, loaded from a database that `gen
// registry` filled): an institution with a certificate valid on the issue date, capability rows
// of one testing domain whose method standards are current, authorised signatories of that
// domain, plausible dates, units, limits and results. Three layouts (docs/intake.md "Layouts"):
//   general        食品, 水质, 生态环境 and the other domains: cover with the CMA mark, a bordered
//                  information grid with the conclusion and signatures, the result table (三线表)
//                  on the following pages;
//   vehicle        机动车: one page with the vehicle data, a bordered table with 工况 (parameter);
//   construction   建设工程: "label：value" lines, dot dates, a table without 序号 in another
//                  column order, footer with address and USCC.
// Every page carries "报告编号" and "第 x 页 共 y 页". Fonts: Noto Sans/Serif CJK SC
// (fonts-noto-cjk) through pango + cairo.
//
// Defects: a share `defect_share` of the reports carries one labelled defect, chosen among the
// kinds applicable to that report (DefectKinds()); `expected` lists the finding categories
// (issue 5 §3) a correct checker reports for it, root cause only (docs/intake.md "Defects").
//
// Output (in out_dir): text PDFs `pdf/rNNNN.pdf`; scans `scan/rNNNN.pdf` (image-only, JPEG
// pages) and `scan/rNNNN-P.png` (page P, 8-bit gray); `labels.jsonl`, one line per report:
//   {"id": "r0001", "pdf": "pdf/r0001.pdf", "scan": "scan/r0001.pdf",
//    "scan_png": ["scan/r0001-1.png", ...], "layout": "general", "domain": "食品",
//    "scan_dpi": 300, "today": "YYYY-MM-DD",
//    "fields": {<intake's JSON field names and true values>},
//    "defects": [{"kind": "...", "category": "...", "detail": "..."}],
//    "expected": ["date-order", ...],
//    "expected_findings": [{"category": "date-order", "field": "issue_date", "line": 0}, ...],
//    "duplicate_of": "r0003" (duplicate-report-number only)}
// A clean report (no defect) is clean against the registry it was drawn from: `zhijian check`
// finds nothing on it; a report with a defect gives the expected findings and no others
// (docs/intake.md "Defects"; measured by bench/checks_bench.sh).
//
// Determinism: the plan and every drawn page are a pure function of (registry, options); PDFs
// carry the issue date as their creation date, so equal inputs give equal files.
// Ownership: writes into options.out_dir (created if missing; files replaced).
// Thread-safety: reentrant (no global mutable state; fontconfig/pango are initialised once).
// Errors: "gen.bad-option" (kInvalidArgument: count < 1, dpi outside 150..400, share outside
// [0, 1], bad today), "gen.no-institution" (kUnprocessable: the registry has no institution
// with a valid certificate, current capabilities and a signatory), "gen.io" (kUnavailable),
// "gen.render" (kInternal: cairo/pango failed).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/checks/report_facts.h"
#include "zhijian/checks/snapshot.h"

namespace zhijian::intake::gen {

enum class Layout { kGeneral, kVehicle, kConstruction };
const char* LayoutName(Layout layout);  // "general", "vehicle", "construction"

struct Options {
  uint64_t seed = 1;
  int count = 10;
  std::string today;          // "YYYY-MM-DD": reports are issued before it
  double defect_share = 0.3;  // share of reports with one defect
  bool pdf = true;            // write text PDFs
  bool scan = false;          // write scans (PNG pages + image-only PDF)
  int scan_dpi = 0;           // 0: 200..300 chosen per report; else this resolution
  std::string out_dir;
};

// A finding a correct checker reports for a defect: its category and where it points (the
// finding's field, or one of several comma-separated fields; the 1-based test line, 0 = the
// report as a whole).
struct ExpectedFinding {
  std::string category;
  std::string field;
  int line = 0;
};

struct Defect {
  std::string kind;      // DefectKinds()
  std::string category;  // the finding category of the root cause
  std::string detail;    // what was changed, for people reading the labels
};

// A report as planned: the true values and how to draw them.
struct PlannedReport {
  std::string id;  // "r0001"
  Layout layout = Layout::kGeneral;
  std::string domain;         // 食品, 机动车, ...
  checks::ReportFacts facts;  // the truth (page_count set when drawn)
  std::string institution_address, institution_phone;
  std::string title;            // 检验报告, 机动车排放检验报告, ...
  std::string judgement_basis;  // 判定依据 ("" when not printed)
  std::string project;          // 工程名称 (construction)
  std::string plate;            // 号牌号码 (vehicle)
  std::vector<Defect> defects;
  std::vector<std::string> expected;               // finding categories
  std::vector<ExpectedFinding> expected_findings;  // the same, with field and line
  std::string duplicate_of;                        // id of the report whose number this one repeats
  bool print_client = true;                        // false: the 委托单位 cell is left empty
  int date_style = 0;  // 0 "2024年03月05日", 1 "2024-03-05", 2 "2024.03.05", 3 "2024年3月5日"
};

// The defect kinds and their categories:
//   date-order-swapped      date-order               test end after issue / receipt before
//                                                    sampling / test start before receipt
//   date-future             date-order               issue date after `today`
//   out-of-scope-item       out-of-scope + mark-misuse   a line whose item/standard is not in
//                                                    the institution's capability scope
//   obsolete-standard       standard-obsolete (+ out-of-scope when the scope has the
//                                                    replacing standard only; + mark-misuse when
//                                                    that is another standard, not an edition)
//   unauthorised-signatory  signatory-unauthorized   the approver is not an authorised signatory
//                                                    of the domain on the issue date
//   verdict-inconsistent    verdict-inconsistent     a result outside its limit judged 合格
//   missing-cma-mark        mark-misuse              no CMA mark (nor its number) on the cover
//   missing-content         missing-content          no client, sample name, seal, page numbers,
//                                                    end mark, "sample only" or "no partial
//                                                    copying" statement, or (on-site tests) no
//                                                    test site printed
//   duplicate-report-number duplicate-report-number  an earlier clean report's number, same
//                                                    institution (register that one first)
//   wrong-uscc              institution-mismatch     another institution's USCC printed
//   expired-certificate     no-valid-certificate + mark-misuse   issued after the certificate
//                                                    expired (the mark used without one)
//   too-short-test          implausible-duration     a test with a line whose minimum period
//                                                    data/rules/durations.tsv states, started
//                                                    and ended on one day
const std::vector<std::string>& DefectKinds();

// The pure planning step (exposed for tests).
Result<std::vector<PlannedReport>> Plan(const checks::Snapshot& registry, const Options& options);

// Draws a planned report as a text PDF; sets report->facts.page_count.
Result<void> RenderPdf(PlannedReport* report, const std::string& path);
// Draws it as a scan at `dpi` (skew, noise, blur, contrast from `seed`): PNG files
// "<png_prefix>-P.png" and an image-only PDF at `pdf_path`; sets page_count. Returns the PNG
// paths.
Result<std::vector<std::string>> RenderScan(PlannedReport* report, int dpi, uint64_t seed,
                                            const std::string& png_prefix,
                                            const std::string& pdf_path);

// The "fields" object of a label: the true values under intake's JSON names.
boost::json::object TruthJson(const checks::ReportFacts& facts);

struct Summary {
  int reports = 0;
  int files = 0;
  int64_t bytes = 0;
  std::map<std::string, int> layouts;  // layout -> reports
  std::map<std::string, int> defects;  // kind -> reports
};
struct Progress {
  int done = 0, total = 0;
};
Result<Summary> Generate(const checks::Snapshot& registry, const Options& options,
                         const std::function<void(const Progress&)>& progress = nullptr);

}  // namespace zhijian::intake::gen
