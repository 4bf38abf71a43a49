// What the report compliance checks (智识, issue 5) know about one test report, whichever way it
// arrived: registered as JSON/CSV through the ledger (registration.h), or read from a PDF or a
// scan by the intake module.
//
// Purpose: the one input type of the compliance rules (compliance.h) and the one output type of
// intake (intake.h), so that both paths feed the same checks. `report` holds the fields every
// registration carries; the rest are facts only a document shows (what is printed on it), left
// empty/unknown for registrations.
// Ownership: a plain value. Thread-safety: none needed (a value).
#pragma once

#include <optional>
#include <string>

#include "zhijian/ledger/registration.h"

namespace zhijian::checks {

// Where the facts came from; intake sets a confidence per field for documents.
enum class FactsSource { kRegistration, kTextPdf, kScan };

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
};

}  // namespace zhijian::checks
