// JSON forms of the compliance checks: a report to check (input of `zhijian check` and
// POST /api/v1/checks) and a finding (output of both, and the stored evidence and basis).
//
// Report JSON: the registration object of ledger/registration.h (same field names, same strict
// types, unknown fields refused) plus what only a document shows (report_facts.h):
//   institution_name, test_category, sample_model, sample_batch, approver, reviewer,
//   chief_tester, code, test_site, subcontracting  (strings)      page_count (integer ≥ 0)
//   cma_mark, seal, page_numbering, end_mark, sample_statement, copy_statement (true/false/null)
//   source ("registration" (default), "text-pdf", "scan")
// These document fields are optional and never enter the ledger (a report registered with them
// is registered without them: its canonical entry does not change).
// Unlike a registration, `document_sha256` may be left out: the check then keys its stored
// findings on the SHA-256 of the JSON text of the object as received (ReportFactsFromJson's
// `json_text`). The other fields a registration requires (institution, report_no, issue_date)
// stay required: a report without them is refused, not judged (documents, which may lack them,
// come through intake as ReportFacts).
//
// Finding JSON:
//   {"rule": "out-of-scope.item", "category": "out-of-scope", "severity": "error",
//    "field": "item", "line": 3, "value": "汞", "message_zh": "…", "message_en": "…",
//    "certainty": "confirmed" | "unconfirmed", "confidence": 0.93,
//    "evidence": {"report": [{"name": "item", "value": "汞"}, …],
//                 "registry": [{"name": "capability", "value": "…"}, …]},
//    "basis_date": "2024-03-20",
//    "basis": [{"regulation": "AQSIQ-163", "version": "2021", "article": "19",
//               "citation_zh": "《检验检测机构资质认定管理办法》（…）第19条",
//               "citation_en": "… [2021], Art. 19", "confidence": "S3"}, …]}
// Evidence entries are name/value pairs in order (a name may repeat: several capability rows).
// certainty/confidence: compliance.h "Certainty" (an OCR reading below the threshold makes the
// finding "unconfirmed": verify by eye); EvidenceJson, the stored form, carries them as
// "certainty" (only when unconfirmed) and "confidence" (only when below 1), which
// StoredFindingJson lifts back to the finding (a stored check needs no column for them).
//
// Thread-safety: pure functions.
// Errors (kInvalidArgument): those of ReportInputFromJson ("registration.*"), and
// "checks.bad-field" (detail names the field) for the document fields.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "zhijian/base/result.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/checks/compliance_store.h"

namespace zhijian::checks {

// `json_text`: the text the value was parsed from ("" = serialize the value), hashed when
// document_sha256 is absent.
Result<ReportFacts> ReportFactsFromJson(const boost::json::value& value,
                                        std::string_view json_text = {});
// The inverse for valid facts (document fields only when set).
boost::json::object ReportFactsToJson(const ReportFacts& facts);

// "registration", "text-pdf", "scan".
const char* FactsSourceName(FactsSource s);

boost::json::object FindingJson(const ComplianceFinding& finding, const RuleCatalogue& rules);
// The two parts stored separately (report_findings.evidence, .basis).
boost::json::object EvidenceJson(const ComplianceFinding& finding);
boost::json::array BasisJson(const ComplianceFinding& finding, const RuleCatalogue& rules);

// A stored check (compliance_store.h): {id, report_code, document_sha256, report_no,
// institution_id, region_code, source, origin, as_of, rules_version, checked_at, actor,
// counts: {findings, errors}, findings: [finding JSON as above, evidence and basis as stored,
// messages from the current catalogue]}.
boost::json::object StoredCheckJson(const StoredCheck& check);
// One stored finding, as in StoredCheckJson's "findings".
boost::json::object StoredFindingJson(const StoredReportFinding& finding);
// The findings of an institution (compliance_store.h GetInstitutionFindings): {reports,
// findings, by_category: [{category, count}], by_severity: {error, warning, suspect, info},
// latest: [{check_id, report_code, report_no, source, checked_at, <StoredFindingJson>}]}.
boost::json::object InstitutionFindingsJson(const InstitutionFindings& findings);

}  // namespace zhijian::checks
