// Golden files of the compliance checks (tests/golden/compliance/*.txt), in the manner of DuckDB's
// sqllogictest: registry facts + a report → the expected findings, as readable text.
//
// Purpose: the test data format of the compliance rules (compliance.h). A file is a sequence of
// records separated by blank lines; '#' starts a comment line. Each record starts with a
// directive line:
//
//   registry            a new registry (forgets the previous one); one fact per line (below)
//   registry+           more facts for the current registry
//   report [SOURCE]     a new report (SOURCE: registration (default), text-pdf, scan); one field
//                       per line (below)
//   report+             changes to the current report (the same lines; a field line replaces
//                       the field, "line@N …" replaces test line N)
//   check DATE [LABEL]  runs the rules on DATE (today) over the current registry and report;
//                       then a line "----" and the expected findings, one per line, until the
//                       blank line that ends the record (none: the rules must find nothing)
//
// Registry facts: KIND key=value …; a value with spaces is written in double quotes ("GB
// 5009.12-2017"); dates YYYY-MM-DD; lists comma-separated.
//   institution uscc=… name=… region=…
//   certificate number=… uscc=… issued=… expires=… status=valid|suspended|revoked|cancelled|expired
//   history number=… on=DATE status=…                  a status change of a certificate
//   capability cert=… category=… object=… item=… parameter=… standard=… limitation=… from=… to=…
//   person uscc=… name=… roles=授权签字人,… title=… hash=LABEL   (same LABEL = same person;
//                                                             default: one per institution+name)
//   field uscc=… name=… field=… from=… to=…             a signatory field of that person
//   standard number=… name=… status=current|upcoming|abolished effective=… abolished=…
//            replaced_by=NUMBER,…
//   registered uscc=… report_no=… code=… issue=… digest=TEXT status=valid
//                                                       a report in the ledger (digest: 64 hex
//                                                       digits, or any text = its SHA-256)
// Report fields: NAME VALUE (the rest of the line; nothing = empty):
//   institution institution_name certificate report_no issue_date sampling_date receipt_date
//   test_start_date test_end_date client sample conclusion test_category sample_model
//   sample_batch approver reviewer chief_tester code page_count test_site subcontracting
//   cma_mark, seal, page_numbering, end_mark, sample_statement, copy_statement: yes|no|unknown
//   document TEXT (document_sha256 = SHA-256 of TEXT)
//   document_sha256 HEX           signatories NAME; NAME; …
//   line ITEM | PARAMETER | STANDARD | RESULT | UNIT | LIMIT | VERDICT     (appends a test line)
//   confidence FIELD VALUE        the OCR confidence of a field (0..1; absent fields: 1)
//   line_confidence V,V,…         the confidences of the test lines, in order (clears the
//                                 cell confidences)
//   cell_confidence N COLUMN V    the confidence of one cell of test line N (item, parameter,
//                                 standard, unit, limit, result, verdict); finer than the line's
// Expected findings: CATEGORY RULE FIELD [line=N] [value=TEXT] [basis=KEY@VERSION:ARTICLE;…]
//                    [certainty=confirmed|unconfirmed]
//   line defaults to 0 (the report as a whole); value and basis are compared only when given
//   (basis: exactly the resolved entries, in rule order); certainty always (default confirmed;
//   the threshold is compliance.h kDefaultMinConfidence). Findings are compared as a multiset.
//
// Ownership: plain values. Thread-safety: pure functions.
// Errors (kInvalidArgument, detail "FILE:LINE: what"): "golden.bad-line".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/registry/model.h"

namespace zhijian::checks {

// The registry of a golden record, as registry model values (so a test can also store it).
struct GoldenRegistry {
  struct Cert {
    std::string uscc;
    registry::Certificate certificate;
  };
  struct Cap {
    std::string certificate;  // number
    registry::Capability capability;
  };
  struct Member {
    std::string uscc;
    registry::Person person;
  };
  struct Registered {
    std::string uscc;
    std::string report_no;
    std::string code;
    std::string issue_date;
    std::string document_sha256;  // 64 hex digits
    std::string status = "valid";
  };
  std::vector<registry::Institution> institutions;
  std::vector<Cert> certificates;
  std::vector<Cap> capabilities;
  std::vector<Member> people;
  std::vector<registry::Standard> standards;
  std::vector<Registered> reports;
};

struct GoldenFinding {
  std::string category;
  std::string rule;
  std::string field;
  int line = 0;
  std::optional<std::string> value;
  std::optional<std::string> basis;  // "A;B" as in the file
  bool confirmed = true;             // certainty=
  int file_line = 0;
};

struct GoldenCase {
  std::string file;
  int line = 0;  // of the check directive
  std::string label;
  std::string today;
  int registry_index = 0;  // cases with equal indexes share one registry
  GoldenRegistry registry;
  ReportFacts report;
  std::vector<GoldenFinding> expected;
};

// Parses a golden file's text (`file` names it in errors and cases).
Result<std::vector<GoldenCase>> ParseGolden(std::string_view text, const std::string& file);

// The facts of a golden registry (every fact; Check picks what it needs).
RegistryFacts FactsOf(const GoldenRegistry& registry);

// "CATEGORY RULE FIELD line=N" of a finding, and of an expected finding (for diffs).
std::string FindingKey(const ComplianceFinding& f);
std::string FindingKey(const GoldenFinding& f);
// The resolved basis as "KEY@VERSION:ARTICLE;…".
std::string BasisText(const ComplianceFinding& f);

// Compares the findings of a case with its expectations; "" when they agree, else a
// description of every difference (missing, unexpected, wrong value or basis).
std::string CompareFindings(const GoldenCase& c, const std::vector<ComplianceFinding>& actual);

}  // namespace zhijian::checks
