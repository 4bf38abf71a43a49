#include "zhijian/checks/rules.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "zhijian/base/digest.h"
#include "zhijian/base/standard_no.h"

namespace zhijian::checks {

namespace rules_data {
extern const unsigned char kQualityTsv[];
extern const std::size_t kQualityTsvSize;
extern const unsigned char kComplianceTsv[];
extern const std::size_t kComplianceTsvSize;
extern const unsigned char kDurationsTsv[];
extern const std::size_t kDurationsTsvSize;
extern const unsigned char kRegulationsTsv[];
extern const std::size_t kRegulationsTsvSize;
}  // namespace rules_data

namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A table: header + rows of cells, with their 1-based line numbers.
struct Table {
  std::vector<std::string> header;
  std::vector<std::pair<int, std::vector<std::string_view>>> rows;
};

Error BadFile(std::string_view file, int line, const std::string& what) {
  return Error::Invalid("rules.bad-file", "规则文件格式错误", "malformed rule file",
                        std::string(file) + ":" + std::to_string(line) + ": " + what);
}
Error BadRow(std::string_view file, int line, const std::string& what) {
  return Error::Invalid("rules.bad-row", "规则文件中的行无效", "invalid rule file row",
                        std::string(file) + ":" + std::to_string(line) + ": " + what);
}

Result<Table> ParseTable(std::string_view text, std::string_view file,
                         const std::vector<std::string>& columns) {
  Table t;
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto cells = Split(line, '\t');
    if (t.header.empty()) {
      for (auto c : cells) t.header.emplace_back(TrimSpaces(c));
      for (const auto& h : t.header) {
        if (std::find(columns.begin(), columns.end(), h) == columns.end()) {
          return BadFile(file, line_no, "unknown column '" + h + "'");
        }
        if (std::count(t.header.begin(), t.header.end(), h) > 1) {
          return BadFile(file, line_no, "column '" + h + "' given twice");
        }
      }
      for (const auto& c : columns) {
        if (std::find(t.header.begin(), t.header.end(), c) == t.header.end()) {
          return BadFile(file, line_no, "missing column '" + c + "'");
        }
      }
      continue;
    }
    if (cells.size() != t.header.size()) {
      return BadFile(file, line_no,
                     "expected " + std::to_string(t.header.size()) + " cells, found " +
                         std::to_string(cells.size()));
    }
    for (auto& c : cells) c = TrimSpaces(c);
    t.rows.emplace_back(line_no, std::move(cells));
  }
  if (t.header.empty()) return BadFile(file, line_no, "no header line");
  return t;
}

// Cell accessor by column name.
class Cells {
 public:
  Cells(const Table& t, const std::vector<std::string_view>& row) : t_(t), row_(row) {}
  std::string operator[](std::string_view column) const {
    for (size_t i = 0; i < t_.header.size(); ++i) {
      if (t_.header[i] == column) return std::string(row_[i]);
    }
    return {};
  }

 private:
  const Table& t_;
  const std::vector<std::string_view>& row_;
};

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}
bool IsFieldName(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const std::vector<std::string> kRuleColumns = {"id",       "category",   "severity",  "entity",
                                               "fields",   "params",     "basis",     "confidence",
                                               "taxonomy", "message_zh", "message_en"};
const std::vector<std::string> kRegulationColumns = {
    "key", "version", "title_zh", "title_en", "instrument", "date", "confidence", "source"};
const std::vector<std::string> kConfidences = {"S", "S3", "M", "I"};

}  // namespace

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kSuspect:
      return "suspect";
    case Severity::kInfo:
      return "info";
  }
  return "warning";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  for (Severity s : {Severity::kError, Severity::kWarning, Severity::kSuspect, Severity::kInfo}) {
    if (text == SeverityName(s)) return s;
  }
  return std::nullopt;
}

std::string LegalBasis::ToString() const {
  std::string s = regulation + "@" + version;
  if (!article.empty()) s += ":" + article;
  return s;
}

int64_t RuleDef::Param(std::string_view name, int64_t fallback) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return fallback;
}

bool RuleDef::HasField(std::string_view field) const { return Contains(fields, field); }

const RuleSetSpec& QualityRuleSet() {
  static const RuleSetSpec spec{
      "quality",
      {"completeness", "format", "consistency", "timeliness"},
      {"institution", "certificate", "capability", "person", "equipment", "standard"}};
  return spec;
}

const RuleSetSpec& ComplianceRuleSet() {
  static const RuleSetSpec spec{
      "compliance",
      {"institution-mismatch", "no-valid-certificate", "out-of-scope", "standard-obsolete",
       "signatory-unauthorized", "date-order", "implausible-duration", "verdict-inconsistent",
       "mark-misuse", "missing-content", "duplicate-report-number"},
      {"report", "test_line", "signatory"}};
  return spec;
}

Result<RuleCatalogue> RuleCatalogue::FromTsv(std::string_view rules_tsv,
                                             std::string_view regulations_tsv,
                                             const RuleSetSpec& spec, std::string_view file_name) {
  RuleCatalogue cat;
  cat.set_name_ = spec.name;
  const std::string_view reg_file = "regulations.tsv";
  ZJ_ASSIGN_OR_RETURN(Table regs, ParseTable(regulations_tsv, reg_file, kRegulationColumns));
  for (const auto& [line, row] : regs.rows) {
    Cells c(regs, row);
    Regulation r{c["key"],        c["version"], c["title_zh"],   c["title_en"],
                 c["instrument"], c["date"],    c["confidence"], c["source"]};
    if (r.key.empty() || r.version.empty() || r.title_zh.empty() || r.title_en.empty()) {
      return BadRow(reg_file, line, "key, version and titles are required");
    }
    if (!Contains(kConfidences, r.confidence)) {
      return BadRow(reg_file, line, "confidence must be S, S3, M or I");
    }
    if (cat.FindRegulation(r.key, r.version)) {
      return Error::Invalid(
          "rules.duplicate", "规则文件中有重复项", "duplicate entry in a rule file",
          std::string(reg_file) + ":" + std::to_string(line) + ": " + r.key + "@" + r.version);
    }
    cat.regulations_.push_back(std::move(r));
  }

  ZJ_ASSIGN_OR_RETURN(Table rules, ParseTable(rules_tsv, file_name, kRuleColumns));
  std::set<std::string> ids;
  for (const auto& [line, row] : rules.rows) {
    Cells c(rules, row);
    RuleDef d;
    d.id = c["id"];
    d.category = c["category"];
    d.entity = c["entity"];
    d.confidence = c["confidence"];
    d.taxonomy = c["taxonomy"];
    d.message_zh = c["message_zh"];
    d.message_en = c["message_en"];
    if (d.id.empty() || !std::all_of(d.id.begin(), d.id.end(), IsIdChar)) {
      return BadRow(file_name, line, "id must be [a-z0-9.-]+: '" + d.id + "'");
    }
    if (!Contains(spec.categories, d.category)) {
      return BadRow(file_name, line, "unknown category '" + d.category + "' of " + d.id);
    }
    if (!d.id.starts_with(d.category + ".")) {
      return BadRow(file_name, line, "id " + d.id + " must start with its category");
    }
    auto sev = ParseSeverity(c["severity"]);
    if (!sev) return BadRow(file_name, line, "unknown severity '" + c["severity"] + "'");
    d.severity = *sev;
    if (!Contains(spec.entities, d.entity)) {
      return BadRow(file_name, line, "unknown entity '" + d.entity + "' of " + d.id);
    }
    const std::string fields = c["fields"];
    for (auto f : Split(fields, ',')) {
      f = TrimSpaces(f);
      if (!IsFieldName(f) || d.HasField(f)) {
        return BadRow(file_name, line, "bad or repeated field '" + std::string(f) + "'");
      }
      d.fields.emplace_back(f);
    }
    const std::string params = c["params"];
    if (!params.empty()) {
      for (auto p : Split(params, ';')) {
        const size_t eq = p.find('=');
        int64_t v = 0;
        const std::string_view name = eq == std::string_view::npos ? p : p.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view() : p.substr(eq + 1);
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (!IsFieldName(name) || value.empty() || ec != std::errc() ||
            ptr != value.data() + value.size()) {
          return BadRow(file_name, line,
                        "parameter must be NAME=INTEGER: '" + std::string(p) + "'");
        }
        d.params.emplace_back(std::string(name), v);
      }
    }
    const std::string basis = c["basis"];
    if (!basis.empty()) {
      for (auto b : Split(basis, ';')) {
        const size_t at = b.find('@');
        if (at == std::string_view::npos || at == 0) {
          return BadRow(file_name, line,
                        "basis must be KEY@VERSION[:ARTICLE]: '" + std::string(b) + "'");
        }
        LegalBasis lb;
        lb.regulation = std::string(b.substr(0, at));
        std::string_view rest = b.substr(at + 1);
        const size_t colon = rest.find(':');
        lb.version = std::string(rest.substr(0, colon));
        if (colon != std::string_view::npos) {
          lb.article = std::string(rest.substr(colon + 1));
          if (lb.article.empty()) return BadRow(file_name, line, "empty article in " + d.id);
        }
        if (!cat.FindRegulation(lb.regulation, lb.version)) {
          return Error::Invalid(
              "rules.unknown-regulation", "规则依据引用了未登记的法规或标准",
              "a rule's basis names an unknown regulation",
              std::string(file_name) + ":" + std::to_string(line) + ": " + lb.ToString());
        }
        d.basis.push_back(std::move(lb));
      }
    }
    if (!Contains(kConfidences, d.confidence)) {
      return BadRow(file_name, line, "confidence must be S, S3, M or I");
    }
    if (d.message_zh.empty() || d.message_en.empty()) {
      return BadRow(file_name, line, "messages are required");
    }
    if (!ids.insert(d.id).second) {
      return Error::Invalid("rules.duplicate", "规则文件中有重复项",
                            "duplicate entry in a rule file",
                            std::string(file_name) + ":" + std::to_string(line) + ": " + d.id);
    }
    cat.rules_.push_back(std::move(d));
  }
  std::string bytes(rules_tsv);
  bytes += "\n";
  bytes += regulations_tsv;
  cat.version_ = Sha256Hex(bytes);
  return cat;
}

namespace {

RuleCatalogue Embedded(const unsigned char* rules, size_t rules_size, const RuleSetSpec& spec,
                       std::string_view file_name) {
  auto r = RuleCatalogue::FromTsv(
      std::string_view(reinterpret_cast<const char*>(rules), rules_size),
      std::string_view(reinterpret_cast<const char*>(rules_data::kRegulationsTsv),
                       rules_data::kRegulationsTsvSize),
      spec, file_name);
  if (!r) {
    // The embedded files are checked by checks_test; this is a build defect.
    std::fprintf(stderr, "embedded rule file is corrupt: %s\n", r.error().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

}  // namespace

const RuleCatalogue& RuleCatalogue::Quality() {
  static const RuleCatalogue cat = Embedded(rules_data::kQualityTsv, rules_data::kQualityTsvSize,
                                            QualityRuleSet(), "data/rules/quality.tsv");
  return cat;
}

const RuleCatalogue& RuleCatalogue::Compliance() {
  static const RuleCatalogue cat =
      Embedded(rules_data::kComplianceTsv, rules_data::kComplianceTsvSize, ComplianceRuleSet(),
               "data/rules/compliance.tsv");
  return cat;
}

Result<DurationTable> DurationTable::FromTsv(std::string_view tsv, std::string_view file_name) {
  static const std::vector<std::string> kColumns = {"standard", "item", "min_days", "confidence",
                                                    "source"};
  ZJ_ASSIGN_OR_RETURN(Table t, ParseTable(tsv, file_name, kColumns));
  DurationTable out;
  for (const auto& [line, row] : t.rows) {
    Cells c(t, row);
    DurationRow d;
    d.standard = c["standard"];
    d.item = c["item"];
    d.confidence = c["confidence"];
    d.source = c["source"];
    if (!d.standard.empty()) {
      auto no = StandardNo::Parse(d.standard);
      if (!no || no->year()) {
        return BadRow(file_name, line,
                      "standard must be a number without its year: '" + d.standard + "'");
      }
      d.standard = no->str();
    }
    if (d.standard.empty() && d.item.empty()) {
      return BadRow(file_name, line, "give a standard, an item or both");
    }
    const std::string days = c["min_days"];
    auto [ptr, ec] = std::from_chars(days.data(), days.data() + days.size(), d.min_days);
    if (days.empty() || ec != std::errc() || ptr != days.data() + days.size() || d.min_days < 1) {
      return BadRow(file_name, line, "min_days must be a positive integer: '" + days + "'");
    }
    if (!Contains(kConfidences, d.confidence)) {
      return BadRow(file_name, line, "confidence must be S, S3, M or I");
    }
    if (d.source.empty()) return BadRow(file_name, line, "source is required");
    out.rows_.push_back(std::move(d));
  }
  out.version_ = Sha256Hex(tsv);
  return out;
}

const DurationTable& DurationTable::Embedded() {
  static const DurationTable table = [] {
    auto r = FromTsv(std::string_view(reinterpret_cast<const char*>(rules_data::kDurationsTsv),
                                      rules_data::kDurationsTsvSize),
                     "data/rules/durations.tsv");
    if (!r) {
      std::fprintf(stderr, "embedded durations file is corrupt: %s\n",
                   r.error().ToString().c_str());
      std::abort();
    }
    return std::move(r).value();
  }();
  return table;
}

const RuleDef* RuleCatalogue::Find(std::string_view id) const {
  for (const auto& r : rules_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const Regulation* RuleCatalogue::FindRegulation(std::string_view key,
                                                std::string_view version) const {
  for (const auto& r : regulations_) {
    if (r.key == key && r.version == version) return &r;
  }
  return nullptr;
}

}  // namespace zhijian::checks
