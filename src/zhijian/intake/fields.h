// Field extraction of report intake (智识): positioned text of a test report → the report's
// fields, each with a confidence.
//
// Purpose: the pure core of intake. It reads pages of lines and cells (layout.h), whichever
// source made them (PDF text layer or OCR), and fills a checks::ReportFacts (report_facts.h, the
// one input of the compliance checks) plus a confidence in [0, 1] per field. How it reads:
//
//   labelled values   a cell that starts with a known label (报告编号, 委托单位, 样品名称,
//   规格型号,
//                     生产日期/批号, 检验类别, 抽样日期, 收样日期, 检验日期, 签发日期,
//                     统一社会信用代码, 资质认定证书编号, 批准, 审核, 主检, 检验结论, … and their
//                     synonyms, longest first; OCR text may differ from a label of 4+ characters in
//                     one character when a colon follows) holds its value after the label, or in
//                     the next cell of the line. A value seen several times (the report number in
//                     every page footer) is decided by a vote weighted by confidence.
//   result table      a line with at least three column headings (序号, 检验项目, 参数/工况, 单位,
//                     标准要求/限值, 检验结果/实测值, 单项判定, 检验依据/方法, and synonyms) starts
//                     a table; its cells set the column boundaries; following lines are rows (a
//                     line without a number or item continues the previous row) until 以下空白, a
//                     labelled line, a page footer or a wide vertical gap. Tables on several pages
//                     are concatenated.
//   conclusion        the value of 检验结论/检测结论 plus the continuation lines under it.
//   institution name  the value of 检验检测机构/检测单位, else the largest line of page 1 that ends
//   in
//                     有限公司, 中心, 研究院, … and is not a labelled value.
//   CMA mark          the word "CMA" in the upper half of page 1, printed at least 1.3 times as
//                     large as the page's body text, the 12-digit number under it being the
//                     certificate number; or (OCR cannot read letters inside the mark's graphic)
//                     a certificate number without label in the top 30% of page 1
//                     (docs/intake.md "CMA mark").
//   page count        "第 x 页 共 y 页" (and "第x页/共y页", "Page x of y"); else the document's.
//
// On OCR pages values are also repaired where the error is typical and the repair unambiguous
// (a USCC by its check characters, a VIN's O/I, "/T" of standard numbers, lost "≤"/"≥" and
// decimal points, units, items and verdicts snapped to closed vocabularies; docs/intake.md
// "OCR repairs"). Values are normalised (normalize.h): dates to YYYY-MM-DD, standard numbers to
// their canonical form (base/standard_no.h), USCC and certificate numbers to their canonical
// digits, units and measured values with NormalizeUnit / NormalizeNumber, other text with
// NormalizeText; "/" and "—" alone mean "not stated" (""). report.signatories is {approver} (the
// authorised signatory who signs the report); report.document_sha256 is left for the caller
// (intake.h).
//
// Confidence: 1 for a text layer, the OCR confidence of the value's words otherwise; times 0.9
// for a fuzzily matched label, times 0.5 when the value fails its check (a date that does not
// parse, a USCC whose check character is wrong, a certificate number that does not decode), 0
// for a field not found. Fields: FieldNames().
//
// Ownership: values. Thread-safety: pure functions.
// Errors: none; a document with no report fields gives an Extraction with found() == 0.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "zhijian/checks/report_facts.h"
#include "zhijian/intake/layout.h"

namespace zhijian::intake {

struct Extraction {
  checks::ReportFacts facts;
  // Field name (FieldNames()) -> confidence in [0, 1].
  std::map<std::string, double> confidence;
  // Per test line (parallel to facts.report.test_lines): the lowest confidence of its cells.
  std::vector<double> line_confidence;
  // Per test line: each cell's confidence by column (item, parameter, standard, unit, limit,
  // result, verdict): its words' lowest, times the line's repairs; an empty cell has no entry.
  // For the checks' certainty (a finding on a line's item rests on that cell).
  std::vector<std::map<std::string, double>> cell_confidence;
  int pages = 0;                      // pages read
  std::vector<std::string> warnings;  // "page 2: no text layer, read by OCR", ...
  // Fields found (confidence > 0).
  int found() const;
};

// The names of the extracted fields, as in ledger::ReportInputToJson plus the printed-only facts:
// report_no, institution, institution_name, certificate, cma_mark, client, sample, sample_model,
// sample_batch, test_category, sampling_date, receipt_date, test_start_date, test_end_date,
// issue_date, test_lines, approver, reviewer, chief_tester, signatories, conclusion, page_count.
const std::vector<std::string>& FieldNames();

Extraction ExtractFields(const std::vector<PageLayout>& pages);

}  // namespace zhijian::intake
