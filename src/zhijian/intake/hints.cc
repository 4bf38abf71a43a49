#include "zhijian/intake/hints.h"

#include <algorithm>

#include "zhijian/base/standard_no.h"
#include "zhijian/base/utf8.h"
#include "zhijian/intake/normalize.h"

namespace zhijian::intake {
namespace {

// The one candidate `reading` is one edit away from; "" when it is a candidate, or near none or
// several. `same` says whether a candidate may stand for the reading at all.
template <typename Same>
std::string Nearest(const std::string& reading, const std::vector<std::string>& candidates,
                    Same same) {
  const std::u32string r = DecodeUtf8Lossy(RemoveAllSpaces(reading));
  if (r.size() < 2) return {};
  const std::string* found = nullptr;
  for (const std::string& c : candidates) {
    const std::u32string k = DecodeUtf8Lossy(RemoveAllSpaces(c));
    if (k == r) return {};
    if (!WithinOneEdit(r, k) || !same(c)) continue;
    if (found && *found != c) return {};
    found = &c;
  }
  return found ? *found : std::string();
}

}  // namespace

int ApplyHints(const RegistryHints& hints, Extraction* ex) {
  if (ex->facts.source != checks::FactsSource::kScan) return 0;
  int corrected = 0;
  checks::ReportFacts& f = ex->facts;
  const auto any = [](const std::string&) { return true; };
  for (auto [field, value] : {std::pair<const char*, std::string*>{"approver", &f.approver},
                              {"reviewer", &f.reviewer},
                              {"chief_tester", &f.chief_tester}}) {
    const std::string near = Nearest(*value, hints.names, any);
    if (near.empty()) continue;
    ex->warnings.push_back(std::string(field) + ": " + *value + " -> " + near + " (registry)");
    *value = near;
    ex->confidence[field] *= 0.8;
    ++corrected;
  }
  // Intake's canonical form of the registered name ("（临沂）" -> "(临沂)").
  const std::string registered = NormalizeText(hints.institution_name);
  if (!registered.empty() && !f.institution_name.empty() && f.institution_name != registered) {
    const std::u32string r = DecodeUtf8Lossy(RemoveAllSpaces(f.institution_name));
    const std::u32string k = DecodeUtf8Lossy(RemoveAllSpaces(registered));
    int replaced = 0;
    if (r.size() == k.size()) {
      for (size_t i = 0; i < r.size(); ++i) replaced += r[i] != k[i];
    }
    if (WithinOneEdit(r, k) || (r.size() >= 10 && r.size() == k.size() && replaced <= 2)) {
      ex->warnings.push_back("institution_name: " + f.institution_name + " -> " + registered +
                             " (registry)");
      f.institution_name = registered;
      ex->confidence["institution_name"] *= 0.8;
      ++corrected;
    }
  }
  if (!f.approver.empty() && !f.report.signatories.empty()) {
    f.report.signatories = {f.approver};
    ex->confidence["signatories"] = ex->confidence["approver"];
  }
  auto& lines = f.report.test_lines;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string& standard = lines[i].standard;
    if (standard.empty()) continue;
    const auto read = StandardNo::Parse(standard);
    // A reading that is an edition of a candidate stays as read.
    bool edition = false;
    if (read) {
      for (const std::string& c : hints.standards) {
        auto s = StandardNo::Parse(c);
        if (s && s->WithoutYear() == read->WithoutYear()) edition = true;
      }
    }
    if (edition) continue;
    const std::string near = Nearest(standard, hints.standards, [&](const std::string& c) {
      // Not when only the year differs (another edition).
      auto s = StandardNo::Parse(c);
      return !(read && s && s->WithoutYear() == read->WithoutYear());
    });
    if (near.empty()) continue;
    ex->warnings.push_back("test line " + std::to_string(i + 1) + " standard: " + standard +
                           " -> " + near + " (registry)");
    standard = near;
    if (i < ex->line_confidence.size()) {
      ex->line_confidence[i] *= 0.8;
      auto& tl = ex->confidence["test_lines"];
      tl = std::min(tl, ex->line_confidence[i]);
    }
    ++corrected;
  }
  return corrected;
}

}  // namespace zhijian::intake
