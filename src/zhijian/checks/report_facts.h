// What the report compliance checks (智识, issue 5) know about one test report, whichever way it
// arrived: registered as JSON/CSV through the ledger (registration.h), or read from a PDF or a
// scan by the intake module.
//
// Purpose: the one input type of the compliance rules (compliance.h) and the one output type of
// intake (intake.h), so that both paths feed the same checks. `report` holds the fields every
// registration carries; the rest are facts only a document shows (what is printed on it), left
// empty/unknown for registrations. The report contents of the RB/T 214-2017 §4.5.20 /
// CNAS-CL01:2018 §7.8.2.1 list that the registration form has no place for (seal, page marks,
// end mark, statements, test site, subcontracting) are optional in the check JSON
// (compliance_json.h) and never enter the ledger's canonical entry.
// Ownership: a plain value. Thread-safety: none needed (a value).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zhijian/ledger/registration.h"

namespace zhijian::checks {

// Where the facts came from; intake sets a confidence per field for documents.
enum class FactsSource { kRegistration, kTextPdf, kScan };

// A reading intake corrected against the registry (intake/hints.h): the field (and test line)
// corrected, the text as OCR read it and the registry's text that replaced it.
struct Correction {
  std::string field;  // approver, reviewer, chief_tester, institution_name, standard
  int line = 0;       // 1-based test line for "standard"; 0 otherwise
  std::string read;
  std::string corrected;
};

struct ReportFacts {
  FactsSource source = FactsSource::kRegistration;
  // Report number, institution USCC, certificate number, dates, client, sample, conclusion,
  // signatories and test lines. For documents: as printed ("" where not found).
  ledger::ReportInput report;
  std::string institution_name;  // 机构名称 as printed ("" = not printed / registration)
  std::optional<bool> cma_mark;  // CMA mark on the cover; nullopt = unknown (registrations)
  std::string test_category;  // 检验类别: 委托检验, 监督抽查, 型式检验, ... ("" = not stated)
  std::string sample_model;                      // 规格型号
  std::string sample_batch;                      // 批号 / 生产日期
  std::string approver, reviewer, chief_tester;  // 批准 / 审核 / 主检 as printed
  int page_count = 0;                            // 0 = unknown
  std::string code;  // national report code when registered ("" otherwise)

  // Report contents (RB/T 214 §4.5.20, CNAS-CL01 §7.8.2.1); nullopt = unknown (registrations
  // that do not state them). Intake sets each from what the document prints (docs/intake.md
  // "Report contents"); the missing-content rules judge only what is known.
  std::optional<bool> seal;            // 检验检测专用章 / 公章 shown (its caption or text)
  std::optional<bool> page_numbering;  // every page carries "第 x 页 共 y 页" (or Page x of y)
  std::optional<bool> end_mark;  // 以下空白 / 以下无正文 / 报告结束 after the results
  std::optional<bool> sample_statement;  // "结果仅对所检样品负责" (results apply to the sample)
  std::optional<bool> copy_statement;  // "未经…不得部分复制" (no partial copying)
  std::string test_site;       // 检测地点 when printed ("" = not printed: at the institution)
  std::string subcontracting;  // 分包 statement as printed ("" = none printed)

  // How sure the reading is (documents read by OCR: intake::FactsForChecks). Field name
  // (intake::FieldNames) -> confidence in [0, 1]; a field absent from the map is certain (1):
  // registrations and text layers leave both empty. `line_confidence` parallels
  // report.test_lines (the lowest confidence of a line's cells); lines past its end are certain.
  // The checks report a finding that rests on a field below their threshold as suspect
  // (compliance.h "Certainty").
  std::map<std::string, double> confidence;
  std::vector<double> line_confidence;
  // Per test line, per cell (item, parameter, standard, unit, limit, result, verdict; empty
  // cells have none): finer than line_confidence, which a finding on a line uses where none of
  // the cells it rests on has an entry.
  std::vector<std::map<std::string, double>> cell_confidence;
  std::vector<Correction> corrections;  // readings corrected against the registry
};

}  // namespace zhijian::checks
