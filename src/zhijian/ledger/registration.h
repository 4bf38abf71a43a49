// Report registration input (一码通查): the fields an institution registers for a test report, how
// they are read from JSON (API, JSON Lines) and CSV rows, checked and put in canonical form, and
// the text form of a report's verification secret.
//
// Purpose: the pure front of registration. Storage and the rules that need the database
// (institution known, certificate valid on the issue date, idempotency) are in
// report_ledger.h; this header only decides whether the fields are well formed, and how the
// values that enter the log as salted digests are spelt (docs/transparency-log.md §1, "salted
// digests"). Fields (DESIGN.md §4 plus the document digest):
//
//   institution       USCC of the issuing institution (optional for institution users: their own)
//   report_no         the institution's own report number, 1..255 bytes      (required)
//   issue_date        "YYYY-MM-DD"                                           (required)
//   certificate       CMA certificate number (optional: the one valid on the issue date)
//   document_sha256   SHA-256 of the report document (PDF/OFD), 64 hex digits (required)
//   client            委托单位 (text, may be empty)
//   sample            样品 (text, may be empty)
//   conclusion        检验结论 (text)
//   sampling_date, receipt_date, test_start_date, test_end_date   optional "YYYY-MM-DD"
//   signatories       授权签字人 (array of names, in order)
//   test_lines        array of {item, parameter, standard, result, unit, limit, verdict} (text)
//
// Text is trimmed (registry/model.h TrimText) and must be valid UTF-8; report number and
// certificate are also free of control characters. Limits: client and sample 1,000 bytes,
// conclusion 4,000, each test-line field 500, 1,000 test lines, 50 signatories of 100 bytes.
// Unknown fields are refused (a typo must not silently drop data that is committed forever).
// Missing client, sample or results are accepted (the compliance checks of issue 5 judge them).
//
// Values committed by salted digests (entry.h: SHA-256(salt ‖ value)):
//   client    the trimmed client text, UTF-8
//   sample    the trimmed sample text, UTF-8
//   results   `CanonicalResults`: everything else the report states, as canonical JSON
//             (RFC 8785 for this subset: keys sorted, no whitespace, strings escaped as
//             ECMAScript JSON.stringify does), always with every key:
//             {"conclusion":"…","dates":{"receipt":"…","sampling":"…","test_end":"…",
//              "test_start":"…"},"signatories":["…"],"test_lines":[{"item":"…","limit":"…",
//              "parameter":"…","result":"…","standard":"…","unit":"…","verdict":"…"}]}
//             (absent dates and texts are "").
//
// Verification secret: the report's 16-byte salt, written as RFC 4648 Base32 without padding
// (26 characters, A-Z 2-7). It is printed on the report and carried in the QR URL (qr.h); with
// it, anyone holding the report can see client, sample and results and recompute their digests.
// Parsing accepts lower case, spaces and hyphens.
//
// Thread-safety: pure functions.
// Errors (kInvalidArgument, detail "field: why"): "registration.missing-field",
// "registration.bad-field", "registration.unknown-field", "registration.not-object",
// "registration.bad-secret".
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/digest.h"
#include "zhijian/base/result.h"

namespace zhijian::ledger {

struct TestLine {
  std::string item;       // 检验项目
  std::string parameter;  // 参数
  std::string standard;   // 检验依据 (method standard)
  std::string result;     // 检验结果
  std::string unit;       // 单位
  std::string limit;      // 标准要求 / 限值
  std::string verdict;    // 单项判定
  friend bool operator==(const TestLine&, const TestLine&) = default;
};

struct ReportInput {
  std::string institution;  // USCC as given; "" = the caller's own institution
  std::string report_no;
  std::string issue_date;
  std::string certificate;  // "" = the institution's certificate valid on the issue date
  Sha256Digest document_sha256{};
  std::string client;
  std::string sample;
  std::string conclusion;
  std::string sampling_date;
  std::string receipt_date;
  std::string test_start_date;
  std::string test_end_date;
  std::vector<std::string> signatories;
  std::vector<TestLine> test_lines;
  friend bool operator==(const ReportInput&, const ReportInput&) = default;
};

// The field names, in the order of the table above (CSV headers use them too).
const std::vector<std::string>& ReportFieldNames();

// One registration from a JSON object (strict types: strings; `signatories` an array of
// strings; `test_lines` an array of objects of strings; null = absent).
Result<ReportInput> ReportInputFromJson(const boost::json::value& value);

// One registration from named text cells (CSV): `cell(name)` returns the cell's text or
// nullptr when the file has no such column. `signatories` is ';'-separated; `test_lines` is the
// JSON text of the array. Unknown columns are the caller's concern (see ReportFieldNames).
Result<ReportInput> ReportInputFromCells(
    const std::function<const std::string*(std::string_view name)>& cell);

// The JSON object of an input (the inverse of ReportInputFromJson for valid inputs; empty
// optional fields are left out).
boost::json::object ReportInputToJson(const ReportInput& input);

// The canonical results text (see the top comment).
std::string CanonicalResults(const ReportInput& input);
// Restores conclusion, dates, signatories and test lines from a canonical results text into
// `input`. Error "registration.bad-field" (detail "results") when the text is not one.
Result<void> ApplyCanonicalResults(std::string_view text, ReportInput* input);

// The verification secret text of a 16-byte salt, and back.
std::string SecretText(std::string_view salt);
Result<std::string> ParseSecret(std::string_view text);

// RFC 8785 / ECMAScript JSON string literal of `s` (with the quotes).
std::string CanonicalJsonString(std::string_view s);

}  // namespace zhijian::ledger
