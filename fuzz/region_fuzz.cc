// Fuzzes the region-code entry points of base/region.h: NormalizeScope, RegionPrefix,
// RegionContains, and RegionTable::Get().Lookup / IsValid / IsKnown / FullName / Children /
// ValidateScope on arbitrary text, plus RegionTable::FromTsv on the whole input (the table
// format tools and tests load).
//
// Invariants: a normalized scope is "" or 2/4/6 digits, is a fixed point of NormalizeScope and
// RegionPrefix, and contains itself; ValidateScope agrees with NormalizeScope and only adds
// "region.unknown-scope"; a looked-up row has the code asked for, a full name, and sits among
// its parent's children; a table FromTsv accepts is sorted, resolves each of its rows, and
// gives every row a full name.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "zhijian/base/region.h"

namespace {

using zhijian::Region;
using zhijian::RegionTable;

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void CheckScope(const RegionTable& table, std::string_view text) {
  auto scope = zhijian::NormalizeScope(text);
  auto validated = table.ValidateScope(text);
  if (!scope.ok()) {
    const std::string& code = scope.error().code();
    ZJ_FUZZ_CHECK(code == "region.empty-scope" || code == "region.bad-scope", code);
    ZJ_FUZZ_CHECK(!validated.ok() && validated.error().code() == code,
                  "ValidateScope disagrees with NormalizeScope: " + code);
    return;
  }
  const std::string& s = *scope;
  ZJ_FUZZ_CHECK(s.empty() || ((s.size() == 2 || s.size() == 4 || s.size() == 6) && IsDigits(s)), s);
  if (!s.empty()) {
    auto again = zhijian::NormalizeScope(s);
    ZJ_FUZZ_CHECK(again.ok() && *again == s, "NormalizeScope is not idempotent on " + s);
    std::string padded = s;
    padded.resize(6, '0');
    ZJ_FUZZ_CHECK(zhijian::RegionPrefix(padded) == s, "RegionPrefix(" + padded + ") != " + s);
    ZJ_FUZZ_CHECK(zhijian::RegionContains(s, s) && zhijian::RegionContains(s, padded), s);
    ZJ_FUZZ_CHECK(zhijian::RegionContains("", s), s);
    ZJ_FUZZ_CHECK(s.substr(0, 2) != "00", "a province-less scope: " + s);
  }
  if (validated.ok()) {
    ZJ_FUZZ_CHECK(*validated == s, "ValidateScope gives " + *validated + ", Normalize " + s);
    if (!s.empty()) {
      // Some current region lies within the scope.
      bool found = false;
      for (const Region& r : table.rows()) {
        if (r.current && zhijian::RegionContains(s, r.code)) {
          found = true;
          break;
        }
      }
      ZJ_FUZZ_CHECK(found, "ValidateScope accepted a scope without current regions: " + s);
    }
  } else {
    ZJ_FUZZ_CHECK(validated.error().code() == "region.unknown-scope" && !s.empty(),
                  validated.error().code());
  }
}

void CheckLookup(const RegionTable& table, std::string_view code) {
  const Region* r = table.Lookup(code);
  auto full = table.FullName(code);
  ZJ_FUZZ_CHECK(table.IsKnown(code) == (r != nullptr), "IsKnown");
  ZJ_FUZZ_CHECK(table.IsValid(code) == (r != nullptr && r->current), "IsValid");
  ZJ_FUZZ_CHECK(full.ok() == (r != nullptr), "FullName and Lookup disagree");
  if (r == nullptr) {
    ZJ_FUZZ_CHECK(full.error().code() == "region.not-found", full.error().code());
    ZJ_FUZZ_CHECK(table.Children(code, true).empty() || code.empty(), "children of nothing");
    return;
  }
  ZJ_FUZZ_CHECK(r->code == code && code.size() == 6 && IsDigits(code), r->code);
  ZJ_FUZZ_CHECK(!r->name.empty() && !full->empty(), r->code);
  ZJ_FUZZ_CHECK(r->summary() || full->ends_with(r->name), "full name " + *full + " of " + r->code);
  ZJ_FUZZ_CHECK(zhijian::RegionContains(r->code, r->code), r->code);
  if (!r->parent.empty()) {
    const Region* p = table.Lookup(r->parent);
    ZJ_FUZZ_CHECK(p != nullptr && static_cast<int>(p->level) < static_cast<int>(r->level), r->code);
    const auto siblings = table.Children(r->parent, true);
    ZJ_FUZZ_CHECK(std::find(siblings.begin(), siblings.end(), r) != siblings.end(),
                  r->code + " is not among its parent's children");
  } else {
    ZJ_FUZZ_CHECK(r->level == zhijian::RegionLevel::kProvince, r->code);
  }
}

void CheckTable(const RegionTable& t) {
  const auto& rows = t.rows();
  ZJ_FUZZ_CHECK(rows.size() == t.size(), "size");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) ZJ_FUZZ_CHECK(rows[i - 1].code < rows[i].code, "rows not sorted");
    ZJ_FUZZ_CHECK(t.Lookup(rows[i].code) == &rows[i], "row not found: " + rows[i].code);
    CheckLookup(t, rows[i].code);
  }
  size_t provinces = 0;
  for (const Region& r : rows) provinces += r.parent.empty();
  ZJ_FUZZ_CHECK(t.Children("", true).size() == provinces, "province count");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = zhijian::fuzz::AsText(data, size);
  const RegionTable& table = RegionTable::Get();
  CheckScope(table, text);
  CheckLookup(table, text);
  (void)zhijian::RegionPrefix(text);
  (void)zhijian::RegionContains(text, "370102");
  (void)zhijian::RegionContains("37", text);
  // Two halves: containment is consistent with prefixes.
  const size_t nl = text.find('\n');
  if (nl != std::string_view::npos) {
    const std::string_view a = text.substr(0, nl);
    const std::string_view b = text.substr(nl + 1);
    if (zhijian::RegionContains(a, b) && zhijian::RegionContains(b, a)) {
      ZJ_FUZZ_CHECK(zhijian::RegionPrefix(a) == zhijian::RegionPrefix(b) || a.empty() || b.empty(),
                    "mutual containment of different scopes");
    }
  }

  if (size <= 4096) {
    auto parsed = RegionTable::FromTsv(text);
    if (parsed.ok()) {
      CheckTable(*parsed);
    } else {
      ZJ_FUZZ_CHECK(parsed.error().code() == "region.bad-table", parsed.error().code());
    }
  }
  return 0;
}
