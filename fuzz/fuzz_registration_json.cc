// Fuzzes the registration reader (ledger/registration.h): ReportInputFromJson on the input
// parsed as JSON, ReportInputFromCells on the input split into CSV-like cells, and the canonical
// results text.
//
// Invariants: an accepted registration has a report number of 1-255 bytes without control
// characters or outer spaces, a real issue date, optional dates that are real dates, trimmed
// texts within their limits; written back as JSON (ReportInputToJson) it reads to the same
// value; its canonical results text is JSON that ApplyCanonicalResults reads back to the same
// conclusion, dates, signatories and test lines, and that any other spelling (a space added)
// is refused. Rejections carry documented codes. The same for the cell reader, whose accepted
// values obey the same limits.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/date.h"
#include "zhijian/ledger/registration.h"

namespace {

namespace json = boost::json;
using zhijian::fuzz::AsText;
using zhijian::ledger::ReportInput;

const std::set<std::string>& Codes() {
  static const std::set<std::string> kCodes = {
      "registration.missing-field", "registration.bad-field", "registration.unknown-field",
      "registration.not-object"};
  return kCodes;
}

bool Trimmed(const std::string& s) {
  return s.empty() || (s.front() != ' ' && s.back() != ' ' && s.front() != '\t' &&
                       s.back() != '\t' && s.front() != '\n' && s.back() != '\n');
}

void CheckAccepted(const ReportInput& in) {
  ZJ_FUZZ_CHECK(!in.report_no.empty() && in.report_no.size() <= 255, in.report_no);
  for (unsigned char c : in.report_no) ZJ_FUZZ_CHECK(c >= 0x20 && c != 0x7f, in.report_no);
  ZJ_FUZZ_CHECK(Trimmed(in.report_no) && Trimmed(in.client) && Trimmed(in.sample), "trim");
  ZJ_FUZZ_CHECK(zhijian::ParseIsoDate(in.issue_date).has_value(), in.issue_date);
  for (const std::string* d :
       {&in.sampling_date, &in.receipt_date, &in.test_start_date, &in.test_end_date}) {
    ZJ_FUZZ_CHECK(d->empty() || zhijian::ParseIsoDate(*d).has_value(), *d);
  }
  ZJ_FUZZ_CHECK(in.client.size() <= 1000 && in.sample.size() <= 1000, "limits");
  ZJ_FUZZ_CHECK(in.test_lines.size() <= 1000 && in.signatories.size() <= 50, "limits");
  for (const auto& s : in.signatories) ZJ_FUZZ_CHECK(!s.empty() && s.size() <= 100, s);
  // JSON round trip.
  auto again = zhijian::ledger::ReportInputFromJson(zhijian::ledger::ReportInputToJson(in));
  ZJ_FUZZ_CHECK(again.ok(), again.ok() ? "" : again.error().ToString());
  ZJ_FUZZ_CHECK(*again == in, "JSON round trip");
  // Canonical results: JSON, read back exactly, and only in its own spelling.
  const std::string text = zhijian::ledger::CanonicalResults(in);
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  ZJ_FUZZ_CHECK(!ec && v.is_object(), text);
  ReportInput back;
  ZJ_FUZZ_CHECK(zhijian::ledger::ApplyCanonicalResults(text, &back).ok(), text);
  ZJ_FUZZ_CHECK(back.conclusion == in.conclusion && back.signatories == in.signatories &&
                    back.test_lines == in.test_lines && back.sampling_date == in.sampling_date &&
                    back.test_end_date == in.test_end_date,
                text);
  ZJ_FUZZ_CHECK(zhijian::ledger::CanonicalResults(back) == text, text);
  ZJ_FUZZ_CHECK(!zhijian::ledger::ApplyCanonicalResults(text + " ", &back).ok(), text);
  ZJ_FUZZ_CHECK(v.at("conclusion").as_string() == in.conclusion, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec) {
    auto in = zhijian::ledger::ReportInputFromJson(v);
    if (in) {
      CheckAccepted(*in);
    } else {
      ZJ_FUZZ_CHECK(Codes().count(in.error().code()), in.error().code());
    }
  }
  // Cells: "name=value" lines.
  std::map<std::string, std::string> cells;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    const size_t eq = line.find('=');
    if (eq != std::string_view::npos) cells[std::string(line.substr(0, eq))] = line.substr(eq + 1);
    pos = end + 1;
  }
  auto in =
      zhijian::ledger::ReportInputFromCells([&cells](std::string_view n) -> const std::string* {
        auto it = cells.find(std::string(n));
        return it == cells.end() ? nullptr : &it->second;
      });
  if (in) {
    CheckAccepted(*in);
  } else {
    ZJ_FUZZ_CHECK(Codes().count(in.error().code()), in.error().code());
  }
  return 0;
}
