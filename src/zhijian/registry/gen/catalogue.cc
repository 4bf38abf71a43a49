// The embedded real standards catalogue (data/standards/catalogue.tsv).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/registry/gen/generator.h"

namespace zhijian::registry::gen {
namespace catalogue_data {
extern const unsigned char kCatalogueTsv[];
extern const std::size_t kCatalogueTsvSize;
}  // namespace catalogue_data

namespace {

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

std::vector<std::string> SplitList(std::string_view s) {
  if (s.empty()) return {};
  return Split(s, ';');
}

std::string_view Text() {
  return std::string_view(reinterpret_cast<const char*>(catalogue_data::kCatalogueTsv),
                          catalogue_data::kCatalogueTsvSize);
}

}  // namespace

std::string CatalogueSource() {
  const std::string_view t = Text();
  if (t.empty() || t[0] != '#') return {};
  const size_t end = t.find('\n');
  std::string_view line = t.substr(1, end == std::string_view::npos ? end : end - 1);
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return std::string(line);
}

Result<std::vector<CatalogueEntry>> RealCatalogue() {
  std::vector<CatalogueEntry> out;
  bool header_seen = false;
  int line_no = 0;
  for (const std::string& raw : Split(Text(), '\n')) {
    ++line_no;
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    auto f = Split(line, '\t');
    if (f.size() != 8) {
      return Error::Internal("gen.catalogue", "catalogue.tsv line " + std::to_string(line_no) +
                                                  ": expected 8 columns");
    }
    CatalogueEntry e;
    e.number = f[0];
    e.name = f[1];
    e.published_on = f[2];
    e.effective_on = f[3];
    e.abolished_on = f[4];
    e.replaced_by = SplitList(f[5]);
    e.domain = f[6];
    e.items = SplitList(f[7]);
    if (e.number.empty() || e.name.empty() || e.domain.empty() || e.items.empty()) {
      return Error::Internal("gen.catalogue", "catalogue.tsv line " + std::to_string(line_no) +
                                                  ": empty required column");
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace zhijian::registry::gen
