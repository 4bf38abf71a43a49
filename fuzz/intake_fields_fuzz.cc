// Fuzzes report intake's pure core (intake/normalize.h, layout.h, fields.h): the text that a PDF
// text layer or OCR delivers, laid out as words on pages, through line building and field
// extraction.
//
// Input: pages separated by '\f', lines by '\n', cells by '\t' (cell k of line n at x = 40 + 110k,
// y = 30 + 14n, 10 pt; a cell's words split at spaces). The first byte chooses OCR (odd) or a
// text layer and the words' confidence.
// Invariants: every extracted string is valid UTF-8; every confidence is within [0, 1]; a field
// with confidence 0 is empty; a non-empty issue date read with full confidence is a real ISO date;
// the report contents (seal, page numbers, end mark, statements) are judged on a report and only
// on one; the normalisations are idempotent (NormalizeText, NormalizeNumber, NormalizeUnit on each
// line, NormalizeDate on its own output).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/date.h"
#include "zhijian/intake/fields.h"
#include "zhijian/intake/layout.h"
#include "zhijian/intake/normalize.h"

namespace {

using namespace zhijian::intake;

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

void CheckIdempotent(const std::string& line) {
  const std::string t = NormalizeText(line);
  ZJ_FUZZ_CHECK(NormalizeText(t) == t, "NormalizeText: " + line);
  const std::string n = NormalizeNumber(line);
  ZJ_FUZZ_CHECK(NormalizeNumber(n) == n, "NormalizeNumber: " + line);
  const std::string u = NormalizeUnit(line);
  ZJ_FUZZ_CHECK(NormalizeUnit(u) == u, "NormalizeUnit: " + line);
  if (auto d = NormalizeDate(line)) {
    ZJ_FUZZ_CHECK(zhijian::ParseIsoDate(*d).has_value(), *d);
    ZJ_FUZZ_CHECK(NormalizeDate(*d) == *d, *d);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 20000) return 0;
  const bool ocr = data[0] & 1;
  const double conf = ocr ? 0.3 + (data[0] >> 1) / 200.0 : 1.0;
  const std::string_view text = zhijian::fuzz::AsText(data + 1, size - 1);
  std::vector<PageLayout> pages;
  for (const std::string& page_text : Split(text, '\f')) {
    PageText page;
    page.width = 595;
    page.height = 842;
    page.ocr = ocr;
    const auto lines = Split(page_text, '\n');
    for (size_t n = 0; n < lines.size() && n < 60; ++n) {
      if (n < 8) CheckIdempotent(lines[n]);
      const auto cells = Split(lines[n], '\t');
      for (size_t k = 0; k < cells.size() && k < 8; ++k) {
        double x = 40 + 110.0 * static_cast<double>(k);
        for (const std::string& w : Split(cells[k], ' ')) {
          if (w.empty()) continue;
          const double width = 5.5 * static_cast<double>(w.size());
          page.words.push_back({w, {x, 30 + 14.0 * n, x + width, 40 + 14.0 * n}, conf, -1});
          x += width + 2.5;
        }
      }
    }
    pages.push_back(BuildLayout(page));
  }
  const Extraction ex = ExtractFields(pages);
  const auto& f = ex.facts;
  const auto& r = f.report;
  for (const std::string* s :
       {&r.report_no,     &r.institution,     &r.certificate,   &r.client,
        &r.sample,        &r.conclusion,      &r.issue_date,    &r.sampling_date,
        &r.receipt_date,  &r.test_start_date, &r.test_end_date, &f.institution_name,
        &f.test_category, &f.sample_model,    &f.sample_batch,  &f.approver,
        &f.reviewer,      &f.chief_tester,    &f.test_site,     &f.subcontracting}) {
    ZJ_FUZZ_CHECK(zhijian::fuzz::IsCleanUtf8(*s), "bad UTF-8 in a field");
  }
  for (const auto& l : r.test_lines) {
    for (const std::string* s :
         {&l.item, &l.parameter, &l.standard, &l.unit, &l.limit, &l.result, &l.verdict}) {
      ZJ_FUZZ_CHECK(zhijian::fuzz::IsCleanUtf8(*s), "bad UTF-8 in a test line");
    }
  }
  for (const auto& [name, c] : ex.confidence) {
    ZJ_FUZZ_CHECK(c >= 0 && c <= 1, name);
  }
  for (double c : ex.line_confidence) ZJ_FUZZ_CHECK(c >= 0 && c <= 1, "line confidence");
  ZJ_FUZZ_CHECK(ex.line_confidence.size() == r.test_lines.size(), "line confidences");
  if (ex.confidence.at("report_no") == 0) ZJ_FUZZ_CHECK(r.report_no.empty(), r.report_no);
  if (ex.confidence.at("test_site") == 0) ZJ_FUZZ_CHECK(f.test_site.empty(), f.test_site);
  // The report contents: judged on a document with a report number or results (on a text layer
  // always; on OCR pages the seal and page numbers may stay unknown), unknown otherwise.
  const bool report_like = !r.report_no.empty() || !r.test_lines.empty();
  for (const auto* flag :
       {&f.seal, &f.page_numbering, &f.end_mark, &f.sample_statement, &f.copy_statement}) {
    if (!report_like) ZJ_FUZZ_CHECK(!flag->has_value(), "a content judged on no report");
  }
  if (report_like) {
    for (const auto* flag : {&f.end_mark, &f.sample_statement, &f.copy_statement}) {
      ZJ_FUZZ_CHECK(flag->has_value(), "a content left unknown on a report");
    }
    if (!ocr) ZJ_FUZZ_CHECK(f.seal.has_value() && f.page_numbering.has_value(), "text layer");
  }
  if (ex.confidence.at("issue_date") >= 0.99 && !ocr && !r.issue_date.empty()) {
    ZJ_FUZZ_CHECK(zhijian::ParseIsoDate(r.issue_date).has_value(), r.issue_date);
  }
  return 0;
}
