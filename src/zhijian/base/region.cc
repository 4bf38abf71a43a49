#include "zhijian/base/region.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "zhijian/base/id_text.h"

namespace zhijian {
namespace region_data {
// Generated at build time from data/regions/gb2260.tsv (see CMakeLists.txt).
extern const unsigned char kGb2260Tsv[];
extern const std::size_t kGb2260TsvSize;
}  // namespace region_data

namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return id_text::IsDigit(c); });
}

bool IsCode(std::string_view s) { return s.size() == 6 && AllDigits(s); }

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

Error BadTable(size_t line_no, std::string what) {
  return Error::Invalid("region.bad-table", "行政区划表格式错误", "malformed region table",
                        "line " + std::to_string(line_no) + ": " + what);
}

Error NotFound(std::string_view code) {
  return Error::NotFound("region.not-found", "行政区划代码不存在", "no such region code",
                         std::string(code));
}

Error BadScope(std::string_view text) {
  return Error::Invalid("region.bad-scope",
                        "辖区应为2位（省）、4位（市）或6位行政区划代码，如 37、3701、370102",
                        "a scope is a 2-, 4- or 6-digit GB/T 2260 prefix, e.g. 37, 3701, 370102",
                        std::string(text.substr(0, 64)));
}

}  // namespace

Result<RegionTable> RegionTable::FromTsv(std::string_view tsv) {
  RegionTable t;
  bool header_seen = false;
  size_t line_no = 0;
  while (!tsv.empty()) {
    const size_t nl = tsv.find('\n');
    std::string_view line = tsv.substr(0, nl);
    tsv = nl == std::string_view::npos ? std::string_view() : tsv.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (t.source_.empty()) t.source_ = std::string(id_text::Trim(line.substr(1)));
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      if (line != "code\tname\tlevel\tparent\tstatus") return BadTable(line_no, "bad header");
      continue;
    }
    const auto f = SplitTabs(line);
    if (f.size() != 5) return BadTable(line_no, "expected 5 fields");
    Region r;
    r.code = std::string(f[0]);
    r.name = std::string(f[1]);
    if (!IsCode(r.code) || r.name.empty()) return BadTable(line_no, "bad code or name");
    if (f[2] == "1") {
      r.level = RegionLevel::kProvince;
    } else if (f[2] == "2") {
      r.level = RegionLevel::kPrefecture;
    } else if (f[2] == "3") {
      r.level = RegionLevel::kCounty;
    } else {
      return BadTable(line_no, "bad level");
    }
    r.parent = std::string(f[3]);
    if ((r.level == RegionLevel::kProvince) != r.parent.empty()) {
      return BadTable(line_no, "provinces, and only they, have no parent");
    }
    if (!r.parent.empty() && (!IsCode(r.parent) || r.parent.substr(0, 2) != r.code.substr(0, 2))) {
      return BadTable(line_no, "bad parent");
    }
    if (f[4] == "current") {
      r.current = true;
    } else if (f[4] == "retired") {
      r.current = false;
    } else {
      return BadTable(line_no, "bad status");
    }
    if (!t.rows_.empty() && t.rows_.back().code >= r.code) {
      return BadTable(line_no, "codes not strictly ascending");
    }
    t.rows_.push_back(std::move(r));
  }
  if (!header_seen) return BadTable(line_no, "no header");
  t.children_.resize(t.rows_.size());
  for (size_t i = 0; i < t.rows_.size(); ++i) {
    const Region& r = t.rows_[i];
    if (r.parent.empty()) {
      t.provinces_.push_back(i);
      continue;
    }
    const size_t p = t.Find(r.parent);
    if (p == kNpos) return BadTable(0, r.code + ": unknown parent " + r.parent);
    if (static_cast<int>(t.rows_[p].level) >= static_cast<int>(r.level)) {
      return BadTable(0, r.code + ": parent is not above it");
    }
    t.children_[p].push_back(i);
  }
  return t;
}

const RegionTable& RegionTable::Get() {
  static const RegionTable table = [] {
    auto r = FromTsv(std::string_view(reinterpret_cast<const char*>(region_data::kGb2260Tsv),
                                      region_data::kGb2260TsvSize));
    if (!r) {
      // The embedded data is checked at build time by the tests; this is a build defect.
      std::fprintf(stderr, "embedded region table is corrupt: %s\n", r.error().ToString().c_str());
      std::abort();
    }
    return std::move(r).value();
  }();
  return table;
}

size_t RegionTable::Find(std::string_view code) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), code,
                             [](const Region& r, std::string_view c) { return r.code < c; });
  if (it == rows_.end() || it->code != code) return kNpos;
  return static_cast<size_t>(it - rows_.begin());
}

const Region* RegionTable::Lookup(std::string_view code) const {
  const size_t i = Find(code);
  return i == kNpos ? nullptr : &rows_[i];
}

bool RegionTable::IsValid(std::string_view code) const {
  const Region* r = Lookup(code);
  return r != nullptr && r->current;
}

bool RegionTable::IsKnown(std::string_view code) const { return Lookup(code) != nullptr; }

std::vector<const Region*> RegionTable::Children(std::string_view code,
                                                 bool include_retired) const {
  std::vector<const Region*> out;
  const std::vector<size_t>* list = nullptr;
  if (code.empty()) {
    list = &provinces_;
  } else {
    const size_t i = Find(code);
    if (i == kNpos) return out;
    list = &children_[i];
  }
  for (size_t c : *list) {
    if (include_retired || rows_[c].current) out.push_back(&rows_[c]);
  }
  return out;
}

Result<std::string> RegionTable::FullName(std::string_view code) const {
  size_t i = Find(code);
  if (i == kNpos) return NotFound(code);
  std::vector<size_t> chain;
  while (i != kNpos) {
    chain.push_back(i);
    i = rows_[i].parent.empty() ? kNpos : Find(rows_[i].parent);
  }
  std::string name;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!rows_[*it].summary()) name += rows_[*it].name;
  }
  return name;
}

Result<std::string> RegionTable::ValidateScope(std::string_view text) const {
  ZJ_ASSIGN_OR_RETURN(std::string prefix, NormalizeScope(text));
  if (prefix.empty()) return prefix;
  auto it = std::lower_bound(rows_.begin(), rows_.end(), prefix,
                             [](const Region& r, const std::string& p) { return r.code < p; });
  for (; it != rows_.end() && it->code.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (it->current) return prefix;
  }
  return Error::Invalid("region.unknown-scope", "辖区不对应任何现行行政区划",
                        "the scope matches no current region", prefix);
}

std::string RegionPrefix(std::string_view code) {
  if (!IsCode(code)) return std::string(code);
  if (code.substr(2) == "0000") return std::string(code.substr(0, 2));
  if (code.substr(4) == "00") return std::string(code.substr(0, 4));
  return std::string(code);
}

bool RegionContains(std::string_view prefix_or_code, std::string_view code) {
  const std::string p = RegionPrefix(prefix_or_code);
  const std::string c = RegionPrefix(code);
  const auto well_formed = [](const std::string& s) {
    return (s.size() == 2 || s.size() == 4 || s.size() == 6) && AllDigits(s);
  };
  if (!well_formed(c)) return false;
  if (p.empty()) return true;
  if (!well_formed(p)) return false;
  return c.size() >= p.size() && c.compare(0, p.size(), p) == 0;
}

Result<std::string> NormalizeScope(std::string_view text) {
  auto folded = id_text::FoldToAscii(text);
  if (!folded) return BadScope("");
  const std::string_view s = id_text::Trim(*folded);
  if (s.empty()) {
    return Error::Invalid("region.empty-scope", "辖区为空", "the scope is empty");
  }
  if (!AllDigits(s) || (s.size() != 2 && s.size() != 4 && s.size() != 6)) return BadScope(s);
  std::string code(s);
  code.resize(6, '0');
  if (code == "000000") return std::string();
  if (code[0] < '1' || code[0] > '8' || code[1] == '0') return BadScope(s);
  if (code.substr(2, 2) == "00" && code.substr(4, 2) != "00") return BadScope(s);
  return RegionPrefix(code);
}

}  // namespace zhijian
