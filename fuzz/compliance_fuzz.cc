// Fuzzes what the compliance checks read from outside (checks/limits.h, compliance_json.h,
// compliance.h): the texts of a result table, the JSON of a report to check, and the rules over
// whatever a report says.
//
// Invariants: NormalizeReportText gives valid UTF-8, is idempotent, and IsNormalReportText(x)
// implies it returns x; a parsed range has low <= high and finite bounds; a numeric result
// against a <=/</>=/>/range limit is always decided, and agrees with plain comparison; a report
// the JSON reader accepts writes back (ReportFactsToJson) to a report it reads again to the same
// facts; Check never fails on any report against a fixed registry, and every finding names one
// of its rule's fields, a test line that exists (or 0), a value and a basis cited on a date.
// Rejections carry documented codes.
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/checks/compliance_json.h"
#include "zhijian/checks/limits.h"

namespace {

namespace json = boost::json;
using namespace zhijian::checks;
using zhijian::fuzz::AsText;

void FuzzTexts(std::string_view text) {
  const std::string n = NormalizeReportText(text);
  ZJ_FUZZ_CHECK(zhijian::fuzz::IsCleanUtf8(n) || n.find('\0') != std::string::npos, n);
  ZJ_FUZZ_CHECK(NormalizeReportText(n) == n, "idempotent");
  if (IsNormalReportText(text)) ZJ_FUZZ_CHECK(n == text, "normal text unchanged");
  if (auto limit = ParseLimit(text)) {
    ZJ_FUZZ_CHECK(std::isfinite(limit->low) && std::isfinite(limit->high), "finite");
    if (limit->kind == LimitKind::kRange) ZJ_FUZZ_CHECK(limit->low <= limit->high, "range");
    // Plain values are always decided, as plain comparison decides them.
    for (double v : {-1.0, 0.0, limit->low, limit->high, limit->high * 2 + 1}) {
      auto ok = Satisfies(*limit, Measured{ResultKind::kValue, v, false});
      ZJ_FUZZ_CHECK(ok.has_value(), "decided");
      bool want = true;
      switch (limit->kind) {
        case LimitKind::kAtMost:
          want = v <= limit->high;
          break;
        case LimitKind::kLess:
          want = v < limit->high;
          break;
        case LimitKind::kAtLeast:
          want = v >= limit->low;
          break;
        case LimitKind::kGreater:
          want = v > limit->low;
          break;
        case LimitKind::kRange:
          want = limit->low <= v && v <= limit->high;
          break;
        case LimitKind::kNotDetected:
          want = v <= 0;
          break;
      }
      // Values within the documented tolerance (1e-9 relative) of a bound may fall either way.
      auto near = [v](double b) { return std::abs(v - b) <= std::abs(b) * 1e-9 + 1e-300; };
      if (!near(limit->low) && !near(limit->high)) ZJ_FUZZ_CHECK(*ok == want, "agrees");
    }
  }
  if (auto r = ParseResult(text)) ZJ_FUZZ_CHECK(std::isfinite(r->value), "finite result");
  (void)ParseVerdict(text);
  (void)ParseConclusion(text);
  (void)CitedStandard(text);
}

const std::set<std::string>& Codes() {
  static const std::set<std::string> kCodes = {
      "registration.missing-field", "registration.bad-field", "registration.unknown-field",
      "registration.not-object", "checks.bad-field"};
  return kCodes;
}

// A small registry: one institution with a certificate, a scope row, a signatory and standards.
const RegistryFacts& Registry() {
  static const RegistryFacts f = [] {
    RegistryFacts r;
    r.institutions.push_back({1, "91370102MA3C4Q5X8T", "济南正信检测技术有限公司", "370102"});
    SnapCertificate c;
    c.number = "191500110123";
    c.issued = ToDay("2019-05-10");
    c.expires = ToDay("2025-05-09");
    c.history = {{zhijian::registry::CertStatus::kSuspended, ToDay("2023-06-01")},
                 {zhijian::registry::CertStatus::kValid, ToDay("2023-09-01")}};
    r.certificates.push_back(c);
    r.capabilities.push_back({0, "食品", "蔬菜", "铅", "", "GB 5009.12-2017", "不测婴幼儿食品",
                              ToDay("2019-05-10"), kNoDay});
    SnapPerson p;
    p.name = "张明";
    p.id_hash = "h";
    p.roles = {"授权签字人"};
    p.signatory_fields = {{"食品", ToDay("2019-05-10"), kNoDay}};
    r.people.push_back(p);
    SnapStandard s;
    s.number = "GB 5009.12-2010";
    s.replaced_by = {"GB 5009.12-2017"};
    r.standards.push_back(s);
    s = SnapStandard{};
    s.number = "GB 5009.12-2017";
    s.effective = ToDay("2017-10-06");
    r.standards.push_back(s);
    r.reports.push_back({0, "CODE", "ZX-1", "2024-03-20", std::string(64, '0'), "valid"});
    return r;
  }();
  return f;
}

void CheckFindings(const ReportFacts& report) {
  CheckOptions o;
  o.today = ToDay("2025-06-01");
  for (const ComplianceFinding& f : Check(report, Registry(), o)) {
    ZJ_FUZZ_CHECK(f.rule != nullptr && f.rule->HasField(f.field), f.field);
    ZJ_FUZZ_CHECK(f.line >= 0 && static_cast<size_t>(f.line) <= report.report.test_lines.size(),
                  "line");
    ZJ_FUZZ_CHECK(!f.basis.empty() && ToDay(f.basis_date) != kNoDay, f.rule->id);
  }
}

void FuzzReport(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return;
  auto facts = ReportFactsFromJson(v, text);
  if (!facts) {
    ZJ_FUZZ_CHECK(Codes().count(facts.error().code()), facts.error().ToString());
    return;
  }
  auto again = ReportFactsFromJson(ReportFactsToJson(*facts));
  ZJ_FUZZ_CHECK(again.ok(), again.ok() ? "" : again.error().ToString());
  ZJ_FUZZ_CHECK(again->report == facts->report &&
                    again->institution_name == facts->institution_name &&
                    again->cma_mark == facts->cma_mark && again->approver == facts->approver &&
                    again->source == facts->source && again->code == facts->code &&
                    again->page_count == facts->page_count,
                "JSON round trip");
  CheckFindings(*facts);
}

// The input as the lines of a report: the fields in a fixed order, then test lines of 7 cells.
void FuzzLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size() && lines.size() < 64) {
    size_t p = text.find('\n', start);
    if (p == std::string_view::npos) p = text.size();
    lines.emplace_back(text.substr(start, p - start));
    start = p + 1;
  }
  ReportFacts r;
  r.source = FactsSource::kTextPdf;
  auto& in = r.report;
  std::string* fields[] = {
      &in.institution,  &r.institution_name, &in.report_no,     &in.issue_date,  &in.sampling_date,
      &in.receipt_date, &in.test_start_date, &in.test_end_date, &in.certificate, &in.client,
      &in.sample,       &in.conclusion,      &r.approver,       &r.test_category};
  size_t k = 0;
  for (; k < lines.size() && k < std::size(fields); ++k) *fields[k] = lines[k];
  for (; k < lines.size(); ++k) {
    std::vector<std::string> cells;
    size_t s = 0;
    while (cells.size() < 7) {
      size_t bar = lines[k].find('|', s);
      cells.emplace_back(
          lines[k].substr(s, bar == std::string::npos ? std::string::npos : bar - s));
      if (bar == std::string::npos) break;
      s = bar + 1;
    }
    cells.resize(7);
    in.test_lines.push_back({cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]});
    FuzzTexts(cells[5]);
    FuzzTexts(cells[3]);
  }
  r.cma_mark = !text.empty() && (static_cast<unsigned char>(text[0]) & 1);
  CheckFindings(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  FuzzTexts(text);
  FuzzReport(text);
  FuzzLines(text);
  return 0;
}
