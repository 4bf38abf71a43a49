#include "zhijian/intake/hints.h"

#include <algorithm>

#include "zhijian/base/standard_no.h"
#include "zhijian/base/utf8.h"
#include "zhijian/intake/normalize.h"

namespace zhijian::intake {
namespace {

// Whether a and b are at most two edits (a character replaced, added or dropped) apart: the
// Levenshtein distance over a band of width 2.
bool WithinTwoEdits(std::u32string_view a, std::u32string_view b) {
  if (a.size() > b.size() + 2 || b.size() > a.size() + 2) return false;
  constexpr size_t kFar = 3;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t best = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      best = std::min(best, cur[j]);
    }
    if (best >= kFar) return false;
    std::swap(prev, cur);
  }
  return prev[b.size()] < kFar;
}

// A name as compared: without spaces, ASCII brackets as full-width ones.
std::u32string NameKey(const std::string& s) {
  std::u32string k = DecodeUtf8Lossy(RemoveAllSpaces(s));
  for (char32_t& c : k) {
    if (c == U'(') c = U'（';
    if (c == U')') c = U'）';
  }
  return k;
}

// The one candidate `reading` is one edit away from (two with `two_edits`); "" when it is a
// candidate, or near none or several. `same` says whether a candidate may stand for the reading.
template <typename Same>
std::string Nearest(const std::string& reading, const std::vector<std::string>& candidates,
                    Same same, bool two_edits = false) {
  const std::u32string r = NameKey(reading);
  if (r.size() < 2) return {};
  const std::string* found = nullptr;
  for (const std::string& c : candidates) {
    const std::u32string k = NameKey(c);
    if (k == r) return {};
    if (!(two_edits ? WithinTwoEdits(r, k) : WithinOneEdit(r, k)) || !same(c)) continue;
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
  if (NameKey(f.institution_name).size() >= 6) {
    // Intake's canonical form of the registered name ("（临沂）" -> "(临沂)").
    const std::string near =
        NormalizeText(Nearest(f.institution_name, hints.institutions, any, true));
    if (!near.empty() && near != f.institution_name) {
      ex->warnings.push_back("institution_name: " + f.institution_name + " -> " + near +
                             " (registry)");
      f.corrections.push_back({"institution_name", 0, f.institution_name, near});
      f.institution_name = near;
      ex->confidence["institution_name"] *= 0.8;
      ++corrected;
    }
  }
  for (auto [field, value] : {std::pair<const char*, std::string*>{"approver", &f.approver},
                              {"reviewer", &f.reviewer},
                              {"chief_tester", &f.chief_tester}}) {
    const std::string near = Nearest(*value, hints.names, any);
    if (near.empty()) continue;
    ex->warnings.push_back(std::string(field) + ": " + *value + " -> " + near + " (registry)");
    f.corrections.push_back({field, 0, *value, near});
    *value = near;
    ex->confidence[field] *= 0.8;
    ++corrected;
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
    f.corrections.push_back({"standard", static_cast<int>(i) + 1, standard, near});
    standard = near;
    if (i < ex->cell_confidence.size()) ex->cell_confidence[i]["standard"] *= 0.8;
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
