// Column mapping and row validation (mapping.h).
#include "zhijian/registry/import/mapping.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "zhijian/base/cma.h"
#include "zhijian/base/region.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/base/uscc.h"

namespace zhijian::registry::import {
namespace {

using F = Field;

const std::vector<ColumnSpec>& Specs(Kind k) {
  static const std::vector<ColumnSpec> kInstitutions = {
      {F::kName, "机构名称", "name", true},
      {F::kUscc, "统一社会信用代码", "uscc", true},
      {F::kRegionCode, "所在地区代码", "region_code", false},
      {F::kAddress, "地址", "address", false},
      {F::kLegalRep, "法定代表人", "legal_rep", false},
      {F::kLegalForm, "机构性质", "legal_form", false},
      {F::kDomains, "检验检测领域", "domains", false},
      {F::kNationalCentre, "是否国家质检中心", "national_centre", false},
  };
  static const std::vector<ColumnSpec> kCertificates = {
      {F::kUscc, "统一社会信用代码", "uscc", true},
      {F::kNumber, "证书编号", "number", true},
      {F::kIssuer, "发证机关", "issuer", false},
      {F::kIssuedOn, "发证日期", "issued_on", false},
      {F::kExpiresOn, "有效期至", "expires_on", false},
      {F::kStatus, "证书状态", "status", false},
  };
  static const std::vector<ColumnSpec> kCapabilities = {
      {F::kCertificateNo, "证书编号", "certificate_no", true},
      {F::kCategory, "类别", "category", false},
      {F::kObject, "产品/对象", "object", false},
      {F::kItem, "项目/参数", "item", true},
      {F::kParameter, "参数", "parameter", false},
      {F::kStandardNo, "标准编号", "standard_no", true},
      {F::kStandardName, "标准名称", "standard_name", false},
      {F::kLimitation, "限制范围", "limitation", false},
      {F::kApprovedOn, "批准日期", "approved_on", false},
      {F::kValidFrom, "有效起始", "valid_from", false},
      {F::kValidTo, "有效截止", "valid_to", false},
  };
  static const std::vector<ColumnSpec> kPeople = {
      {F::kUscc, "统一社会信用代码", "uscc", true},
      {F::kName, "姓名", "name", true},
      {F::kIdNumber, "身份证号", "id_number", true},
      {F::kTitle, "职称", "title", false},
      {F::kRoles, "岗位/角色", "roles", false},
      {F::kSignatoryFields, "授权签字领域", "signatory_fields", false},
      {F::kAuthorizedFrom, "授权日期", "authorized_from", false},
      {F::kAuthorizedTo, "授权截止", "authorized_to", false},
  };
  static const std::vector<ColumnSpec> kEquipment = {
      {F::kUscc, "统一社会信用代码", "uscc", true},
      {F::kName, "设备名称", "name", true},
      {F::kModel, "型号规格", "model", false},
      {F::kSerial, "出厂编号", "serial", false},
      {F::kCalibrationDue, "检定/校准有效期至", "calibration_due", false},
  };
  static const std::vector<ColumnSpec> kStandards = {
      {F::kNumber, "标准编号", "number", true},
      {F::kName, "标准名称", "name", false},
      {F::kStatus, "状态", "status", false},
      {F::kPublishedOn, "发布日期", "published_on", false},
      {F::kEffectiveOn, "实施日期", "effective_on", false},
      {F::kAbolishedOn, "废止日期", "abolished_on", false},
      {F::kReplaces, "代替标准", "replaces", false},
      {F::kReplacedBy, "被代替标准", "replaced_by", false},
  };
  static const std::vector<ColumnSpec> kCredit = {
      {F::kUscc, "统一社会信用代码", "uscc", true},
      {F::kCreditKind, "名单类型", "kind", true},
      {F::kListedOn, "列入日期", "listed_on", true},
      {F::kRemovedOn, "移出日期", "removed_on", false},
      {F::kAuthority, "决定机关", "authority", false},
      {F::kReason, "列入原因", "reason", false},
  };
  static const std::vector<ColumnSpec> kPenalties = {
      {F::kUscc, "统一社会信用代码", "uscc", true},
      {F::kDecisionNo, "处罚决定书文号", "decision_no", true},
      {F::kDecidedOn, "处罚日期", "decided_on", true},
      {F::kAuthority, "处罚机关", "authority", false},
      {F::kViolation, "违法行为", "violation", false},
      {F::kLegalBasis, "处罚依据", "legal_basis", false},
      {F::kAmountYuan, "罚款金额", "amount_yuan", false},
  };
  switch (k) {
    case Kind::kInstitutions:
      return kInstitutions;
    case Kind::kCertificates:
      return kCertificates;
    case Kind::kCapabilities:
      return kCapabilities;
    case Kind::kPeople:
      return kPeople;
    case Kind::kEquipment:
      return kEquipment;
    case Kind::kStandards:
      return kStandards;
    case Kind::kCredit:
      return kCredit;
    case Kind::kPenalties:
      return kPenalties;
  }
  return kInstitutions;
}

// Decodes one UTF-8 code point at s[i] (s is valid UTF-8); returns its length.
size_t DecodeAt(std::string_view s, size_t i, uint32_t* cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() ? static_cast<uint32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F)
                            : 0u;
  };
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c < 0xE0) {
    *cp = ((c & 0x1Fu) << 6) | cont(1);
    return std::min<size_t>(2, s.size() - i);
  }
  if (c < 0xF0) {
    *cp = ((c & 0x0Fu) << 12) | (cont(1) << 6) | cont(2);
    return std::min<size_t>(3, s.size() - i);
  }
  *cp = ((c & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
  return std::min<size_t>(4, s.size() - i);
}

// Full-width ASCII forms and U+3000 folded to ASCII.
std::string FoldWidth(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out.push_back(s[i++]);
      continue;
    }
    uint32_t cp = 0;
    size_t n = DecodeAt(s, i, &cp);
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out.push_back(static_cast<char>(cp - 0xFEE0));
    } else if (cp == 0x3000) {
      out.push_back(' ');
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<std::string> MakeDate(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (d > kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0)) return std::nullopt;
  std::string out = std::to_string(y) + "-00-00";
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

// Days since 1970-01-01 -> y, m, d.
void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2 ? 1 : 0));
}

// Reads 1..max_digits ASCII digits at s[*i].
bool ReadNumber(std::string_view s, size_t* i, size_t max_digits, int* out) {
  size_t start = *i;
  int v = 0;
  while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9' && *i - start < max_digits) {
    v = v * 10 + (s[*i] - '0');
    ++*i;
  }
  if (*i == start || (*i < s.size() && s[*i] >= '0' && s[*i] <= '9')) return false;
  *out = v;
  return true;
}

bool Consume(std::string_view s, size_t* i, std::string_view token) {
  if (s.substr(*i, token.size()) == token) {
    *i += token.size();
    return true;
  }
  return false;
}

}  // namespace

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kStandards:
      return "standards";
    case Kind::kInstitutions:
      return "institutions";
    case Kind::kCertificates:
      return "certificates";
    case Kind::kCapabilities:
      return "capabilities";
    case Kind::kPeople:
      return "people";
    case Kind::kEquipment:
      return "equipment";
    case Kind::kCredit:
      return "credit";
    case Kind::kPenalties:
      return "penalties";
  }
  return "institutions";
}

Result<Kind> ParseKind(std::string_view name) {
  static const std::pair<std::string_view, Kind> kNames[] = {
      {"standards", Kind::kStandards},
      {"standard", Kind::kStandards},
      {"institutions", Kind::kInstitutions},
      {"institution", Kind::kInstitutions},
      {"certificates", Kind::kCertificates},
      {"certificate", Kind::kCertificates},
      {"capabilities", Kind::kCapabilities},
      {"capability", Kind::kCapabilities},
      {"people", Kind::kPeople},
      {"person", Kind::kPeople},
      {"equipment", Kind::kEquipment},
      {"credit", Kind::kCredit},
      {"penalties", Kind::kPenalties},
      {"penalty", Kind::kPenalties},
  };
  for (const auto& [n, k] : kNames) {
    if (n == name) return k;
  }
  return Error::Invalid("import.bad-kind",
                        "未知的导入类型（standards, institutions, certificates, capabilities, "
                        "people, equipment, credit, penalties）",
                        "unknown import kind (standards, institutions, certificates, "
                        "capabilities, people, equipment, credit, penalties)",
                        std::string(name));
}

const std::vector<ColumnSpec>& Columns(Kind k) { return Specs(k); }

std::string_view Trim(std::string_view s) {
  while (!s.empty()) {
    if (IsAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (s.substr(0, 3) == "\xE3\x80\x80" || s.substr(0, 3) == "\xEF\xBB\xBF") {
      s.remove_prefix(3);
    } else if (s.substr(0, 2) == "\xC2\xA0") {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") {
      s.remove_suffix(3);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

std::string NormalizeHeader(std::string_view text) {
  std::string s(Trim(FoldWidth(Trim(text))));
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::optional<std::string> ParseDate(std::string_view text, CellType type) {
  const std::string folded = FoldWidth(Trim(text));
  std::string_view s = Trim(folded);
  if (s.empty()) return std::nullopt;
  if (type == CellType::kNumber || type == CellType::kDate) {
    // An XLSX serial number (1900 date system).
    double serial = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), serial);
    if (ec == std::errc() && p == s.data() + s.size()) {
      if (!std::isfinite(serial) || serial < 1 || serial > 200000) return std::nullopt;
      const auto whole = static_cast<int64_t>(std::floor(serial));
      if (whole == 60) return std::nullopt;  // 1900-02-29 does not exist
      int y, m, d;
      CivilFromDays(whole + (whole < 60 ? -25568 : -25569), &y, &m, &d);
      return MakeDate(y, m, d);
    }
  }
  if (s.size() == 8 && AllDigits(s)) {  // 20240305
    return MakeDate(std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(4, 2))),
                    std::stoi(std::string(s.substr(6, 2))));
  }
  size_t i = 0;
  int y = 0, m = 0, d = 0;
  if (!ReadNumber(s, &i, 4, &y) || i != 4) return std::nullopt;
  bool chinese = false;
  char sep = 0;
  if (Consume(s, &i, "年")) {
    chinese = true;
  } else if (i < s.size() && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
    sep = s[i++];
  } else {
    return std::nullopt;
  }
  if (!ReadNumber(s, &i, 2, &m)) return std::nullopt;
  if (chinese) {
    if (!Consume(s, &i, "月")) return std::nullopt;
  } else if (i >= s.size() || s[i++] != sep) {
    return std::nullopt;
  }
  if (!ReadNumber(s, &i, 2, &d)) return std::nullopt;
  if (chinese) Consume(s, &i, "日");
  if (i < s.size()) {
    // A time of day may follow: " 00:00:00" or "T00:00:00Z".
    if (s[i] != ' ' && s[i] != 'T') return std::nullopt;
    for (size_t k = i + 1; k < s.size(); ++k) {
      char c = s[k];
      if (!((c >= '0' && c <= '9') || c == ':' || c == '.' || c == 'Z' || c == '+' || c == '-' ||
            c == ' ')) {
        return std::nullopt;
      }
    }
  }
  return MakeDate(y, m, d);
}

std::optional<bool> ParseBool(std::string_view text) {
  std::string s = NormalizeHeader(text);
  if (s == "是" || s == "true" || s == "1" || s == "y" || s == "yes") return true;
  if (s == "否" || s == "false" || s == "0" || s == "n" || s == "no") return false;
  return std::nullopt;
}

std::vector<std::string> SplitMulti(std::string_view text) {
  std::string s = FoldWidth(text);  // "；" -> ";", "，" -> ","
  std::vector<std::string> out;
  size_t start = 0;
  auto flush = [&](size_t end) {
    std::string_view part = Trim(std::string_view(s).substr(start, end - start));
    if (!part.empty() && std::find(out.begin(), out.end(), part) == out.end()) {
      out.emplace_back(part);
    }
  };
  for (size_t i = 0; i < s.size();) {
    if (s[i] == ';' || s[i] == ',') {
      flush(i);
      start = ++i;
    } else if (s.compare(i, 3, "、") == 0) {
      flush(i);
      i += 3;
      start = i;
    } else {
      ++i;
    }
  }
  flush(s.size());
  return out;
}

std::optional<double> ParseAmount(std::string_view text) {
  std::string s(Trim(FoldWidth(Trim(text))));
  double scale = 1;
  auto strip_suffix = [&](std::string_view suffix) {
    if (s.size() >= suffix.size() &&
        s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
      s.erase(s.size() - suffix.size());
      return true;
    }
    return false;
  };
  if (strip_suffix("万元") || strip_suffix("万")) {
    scale = 10000;
  } else {
    strip_suffix("元");
  }
  if (s.rfind("¥", 0) == 0) s.erase(0, std::string_view("¥").size());
  if (s.rfind("￥", 0) == 0) s.erase(0, std::string_view("￥").size());
  std::string digits;
  for (char c : Trim(s)) {
    if (c != ',') digits.push_back(c);
  }
  if (digits.empty() || digits[0] == '-' || digits[0] == '+') return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v * scale;
}

// ---- ColumnMap ------------------------------------------------------------------------------

Result<ColumnMap> ColumnMap::Make(Kind kind, const std::vector<std::string>& columns) {
  ColumnMap m;
  m.kind_ = kind;
  m.Extend(columns);
  std::string missing_zh, missing_en;
  for (const auto& spec : Specs(kind)) {
    if (spec.required && m.ColumnOf(spec.field) < 0) {
      missing_zh += std::string(missing_zh.empty() ? "" : "、") + spec.zh;
      missing_en += std::string(missing_en.empty() ? "" : ", ") + spec.zh + " [" + spec.en + "]";
    }
  }
  if (!missing_en.empty()) {
    return Error::Invalid("import.missing-columns", "缺少必需的列：" + missing_zh,
                          "required columns are missing: " + missing_en, missing_en);
  }
  return m;
}

std::vector<int32_t> ColumnMap::Extend(const std::vector<std::string>& columns) {
  std::vector<int32_t> fresh_unknown;
  const auto& specs = Specs(kind_);
  for (size_t c = field_of_column_.size(); c < columns.size(); ++c) {
    const std::string name = NormalizeHeader(columns[c]);
    int field = -1;
    for (const auto& spec : specs) {
      if (name == NormalizeHeader(spec.zh) || name == spec.en) {
        field = static_cast<int>(spec.field);
        break;
      }
    }
    // The first column of a field wins; a repeated one is unknown (ignored, warned).
    if (field >= 0 && column_of_field_[field] >= 0) field = -1;
    field_of_column_.push_back(field);
    if (field >= 0) {
      column_of_field_[field] = static_cast<int32_t>(c);
    } else if (!name.empty()) {
      unknown_.push_back(static_cast<int32_t>(c));
      fresh_unknown.push_back(static_cast<int32_t>(c));
    }
  }
  return fresh_unknown;
}

// ---- RowMapper ------------------------------------------------------------------------------

RowMapper::RowMapper(const ColumnMap& columns, MapperOptions options)
    : map_(columns), options_(std::move(options)) {}

namespace {

// The state of mapping one row.
class RowContext {
 public:
  RowContext(const ColumnMap& map, const Row& row, std::vector<Issue>* issues)
      : map_(map), row_(row), issues_(issues) {
    cells_.fill(nullptr);
    for (const auto& c : row.cells) {
      const int f = map.FieldOf(c.column);
      if (f >= 0) {
        if (!cells_[f]) cells_[f] = &c;
      } else if (static_cast<size_t>(c.column) >= map.size() && !Trim(c.text).empty()) {
        Add(false, c.column, c.line, "import.extra-cell", "多余的单元格（该列没有表头），已忽略",
            "extra cell beyond the header, ignored", std::string(Trim(c.text)).substr(0, 60));
      }
    }
  }

  bool ok() const { return ok_; }

  std::string_view Text(Field f) const {
    const Cell* c = cells_[static_cast<int>(f)];
    return c ? Trim(c->text) : std::string_view();
  }
  std::string Str(Field f) const { return std::string(Text(f)); }
  const Cell* cell(Field f) const { return cells_[static_cast<int>(f)]; }

  void Add(bool error, int32_t column, int64_t line, std::string code, std::string zh,
           std::string en, std::string detail = {}) {
    Issue is;
    is.error = error;
    is.code = std::move(code);
    is.message_zh = std::move(zh);
    is.message_en = std::move(en);
    is.detail = std::move(detail);
    is.line = line;
    is.column = column;
    issues_->push_back(std::move(is));
    if (error) ok_ = false;
  }
  void AddIssue(bool error, Field f, std::string code, std::string zh, std::string en,
                std::string detail = {}) {
    const Cell* c = cell(f);
    Add(error, map_.ColumnOf(f), c ? c->line : row_.line, std::move(code), std::move(zh),
        std::move(en), std::move(detail));
  }
  void Fail(Field f, std::string code, std::string zh, std::string en, std::string detail = {}) {
    AddIssue(true, f, std::move(code), std::move(zh), std::move(en), std::move(detail));
  }
  void Warn(Field f, std::string code, std::string zh, std::string en, std::string detail = {}) {
    AddIssue(false, f, std::move(code), std::move(zh), std::move(en), std::move(detail));
  }
  void FailWith(Field f, const Error& e, bool echo_detail = true) {
    Fail(f, e.code(), e.message_zh(), e.message_en(), echo_detail ? e.detail() : std::string());
  }

  // Required values, unsupported (nested JSON) values.
  void CheckCells() {
    for (const auto& spec : Specs(map_.kind())) {
      const Cell* c = cell(spec.field);
      if (c && c->type == CellType::kUnsupported) {
        Fail(spec.field, "import.unsupported-value", "不支持的值（嵌套的对象或数组）",
             "unsupported value (a nested object or array)", spec.en);
      } else if (spec.required && Text(spec.field).empty()) {
        Fail(spec.field, "import.missing-value", std::string("必填项为空：") + spec.zh,
             std::string("a required value is empty: ") + spec.en);
      }
    }
  }

  std::optional<Date> DateOf(Field f) {
    std::string_view t = Text(f);
    if (t.empty()) return std::nullopt;
    auto d = ParseDate(t, cell(f)->type);
    if (!d) {
      Fail(f, "import.bad-date",
           "日期无效（应为 2024-03-05、2024/3/5、2024.03.05 或 2024年3月5日）",
           "invalid date (expected 2024-03-05, 2024/3/5, 2024.03.05 or 2024年3月5日)",
           std::string(t).substr(0, 60));
    }
    return d;
  }

  // `from` must not be after `to`.
  void CheckPeriod(const std::optional<Date>& from, const std::optional<Date>& to, Field to_field) {
    if (from && to && *from > *to) {
      Fail(to_field, "import.bad-period", "截止日期早于起始日期",
           "the end date is before the start date", *from + " > " + *to);
    }
  }

  // A USCC referring to an institution (canonical), or "" after reporting an error.
  std::string UsccRef(Field f) {
    std::string_view t = Text(f);
    if (t.empty()) return {};
    auto u = Uscc::Parse(t);
    if (!u) {
      FailWith(f, u.error());
      return {};
    }
    return u->str();
  }

  // A CMA certificate number: canonical, or a legacy form kept as written (warned when
  // `warn_legacy`), or "" after reporting an error.
  std::string CertNo(Field f, bool warn_legacy) {
    std::string_view t = Text(f);
    if (t.empty()) return {};
    auto n = CmaCertNo::Parse(t);
    if (n) return n->str();
    if (n.error().code() == "cma.legacy-format") {
      if (warn_legacy) {
        Warn(f, n.error().code(), n.error().message_zh() + "（按原文保存）",
             n.error().message_en() + " (kept as written)", std::string(t));
      }
      return std::string(t);
    }
    FailWith(f, n.error());
    return {};
  }

 private:
  const ColumnMap& map_;
  const Row& row_;
  std::vector<Issue>* issues_;
  std::array<const Cell*, kFieldCount> cells_;
  bool ok_ = true;
};

void MapInstitution(RowContext& x, Institution* v) {
  v->name = x.Str(F::kName);
  if (!x.Text(F::kUscc).empty()) {
    auto u = Uscc::Parse(x.Text(F::kUscc));
    if (!u) {
      x.FailWith(F::kUscc, u.error());
    } else {
      v->uscc = u->str();
      for (const auto& w : u->checks().warnings) {
        x.Warn(F::kUscc, w.code, w.message_zh + "（可疑代码，仍予导入）",
               w.message_en + " (suspect code, imported)", v->uscc);
      }
    }
  }
  const std::string region(Trim(FoldWidth(x.Text(F::kRegionCode))));
  const RegionTable& regions = RegionTable::Get();
  if (!region.empty()) {
    if (region.size() != 6 || !AllDigits(region)) {
      x.Fail(F::kRegionCode, "import.bad-region", "地区代码应为6位数字（GB/T 2260）",
             "a region code must be 6 digits (GB/T 2260)", region.substr(0, 20));
    } else if (!regions.IsKnown(region) && region != "100000") {
      x.Fail(F::kRegionCode, "import.unknown-region", "地区代码不在 GB/T 2260 区划表中",
             "unknown region code (GB/T 2260)", region);
    } else {
      v->region_code = region;
    }
  } else if (!v->uscc.empty()) {
    const std::string from_uscc(v->uscc.substr(2, 6));
    if (regions.IsKnown(from_uscc)) {
      v->region_code = from_uscc;
      x.Warn(F::kRegionCode, "import.region-from-uscc",
             "未给出地区代码，已取统一社会信用代码中的地区码",
             "no region code given; taken from the USCC", from_uscc);
    } else {
      x.Fail(F::kRegionCode, "import.missing-value", "必填项为空：所在地区代码",
             "a required value is empty: region_code");
    }
  }
  v->address = x.Str(F::kAddress);
  v->legal_rep = x.Str(F::kLegalRep);
  v->legal_form = x.Str(F::kLegalForm);
  v->domains = SplitMulti(x.Text(F::kDomains));
  if (!x.Text(F::kNationalCentre).empty()) {
    auto b = ParseBool(x.Text(F::kNationalCentre));
    if (!b) {
      x.Fail(F::kNationalCentre, "import.bad-bool", "应为 是 或 否", "expected yes or no (是/否)",
             x.Str(F::kNationalCentre).substr(0, 20));
    } else {
      v->national_centre = *b;
    }
  }
}

void MapCertificate(RowContext& x, MappedRow* out) {
  Certificate* v = &out->certificate;
  out->ref_uscc = x.UsccRef(F::kUscc);
  v->number = x.CertNo(F::kNumber, true);
  v->issuer = x.Str(F::kIssuer);
  v->issued_on = x.DateOf(F::kIssuedOn);
  v->expires_on = x.DateOf(F::kExpiresOn);
  x.CheckPeriod(v->issued_on, v->expires_on, F::kExpiresOn);
  if (!x.Text(F::kStatus).empty()) {
    auto s = ParseCertStatus(x.Text(F::kStatus));
    if (!s) {
      x.Fail(F::kStatus, "import.bad-status", "证书状态无效（有效/暂停/撤销/注销/过期）",
             "invalid certificate status (有效/暂停/撤销/注销/过期 or valid/suspended/revoked/"
             "cancelled/expired)",
             x.Str(F::kStatus).substr(0, 30));
    } else {
      v->status = *s;
    }
  }
  if (v->number.size() == 12 && v->issued_on) {
    auto n = CmaCertNo::Parse(v->number);
    if (n && std::to_string(n->year()) != v->issued_on->substr(0, 4)) {
      x.Warn(F::kNumber, "import.cma-year-mismatch", "证书编号中的年份与发证日期不一致",
             "the year in the certificate number differs from the issue date",
             v->number + " / " + *v->issued_on);
    }
  }
}

void MapCapability(RowContext& x, MappedRow* out) {
  Capability* v = &out->capability;
  out->ref_certificate_no = x.CertNo(F::kCertificateNo, false);
  v->category = x.Str(F::kCategory);
  v->object = x.Str(F::kObject);
  v->item = x.Str(F::kItem);
  v->parameter = x.Str(F::kParameter);
  const std::string_view std_no = x.Text(F::kStandardNo);
  if (!std_no.empty()) {
    auto n = StandardNo::Parse(std_no);
    if (n) {
      v->standard_no = n->str();
    } else {
      v->standard_no = std::string(std_no);
      x.Warn(F::kStandardNo, "import.standard-unparsed",
             "标准编号无法识别，按原文保存（" + n.error().message_zh() + "）",
             "standard number not recognised, kept as written (" + n.error().message_en() + ")",
             v->standard_no.substr(0, 60));
    }
  }
  v->standard_name = x.Str(F::kStandardName);
  v->limitation = x.Str(F::kLimitation);
  v->approved_on = x.DateOf(F::kApprovedOn);
  v->valid_from = x.DateOf(F::kValidFrom);
  v->valid_to = x.DateOf(F::kValidTo);
  x.CheckPeriod(v->valid_from, v->valid_to, F::kValidTo);
}

void MapPerson(RowContext& x, MappedRow* out, const MapperOptions& options) {
  Person* v = &out->person;
  out->ref_uscc = x.UsccRef(F::kUscc);
  v->name = x.Str(F::kName);
  if (!x.Text(F::kIdNumber).empty()) {
    auto id = ValidateIdNumber(x.Text(F::kIdNumber), options.today);
    if (!id) {
      x.FailWith(F::kIdNumber, id.error());  // detail: a position or check character only
    } else if (options.hasher) {
      v->id_hash = options.hasher->Hash(*id);
    } else {
      x.Fail(F::kIdNumber, "import.no-id-key", "缺少身份证号哈希密钥", "no ID hash key configured");
    }
  }
  v->title = x.Str(F::kTitle);
  v->roles = SplitMulti(x.Text(F::kRoles));
  const auto from = x.DateOf(F::kAuthorizedFrom);
  const auto to = x.DateOf(F::kAuthorizedTo);
  x.CheckPeriod(from, to, F::kAuthorizedTo);
  for (auto& f : SplitMulti(x.Text(F::kSignatoryFields))) {
    v->signatory_fields.push_back(SignatoryField{std::move(f), from, to});
  }
}

void MapEquipment(RowContext& x, MappedRow* out) {
  Equipment* v = &out->equipment;
  out->ref_uscc = x.UsccRef(F::kUscc);
  v->name = x.Str(F::kName);
  v->model = x.Str(F::kModel);
  v->serial = x.Str(F::kSerial);
  v->calibration_due = x.DateOf(F::kCalibrationDue);
}

std::vector<std::string> StandardList(RowContext& x, Field f) {
  std::vector<std::string> out;
  for (auto& s : SplitMulti(x.Text(f))) {
    auto n = StandardNo::Parse(s);
    if (n) {
      out.push_back(n->str());
    } else {
      x.Warn(f, "import.standard-unparsed", "标准编号无法识别，按原文保存",
             "standard number not recognised, kept as written", s.substr(0, 60));
      out.push_back(std::move(s));
    }
  }
  return out;
}

void MapStandard(RowContext& x, Standard* v) {
  if (!x.Text(F::kNumber).empty()) {
    auto n = StandardNo::Parse(x.Text(F::kNumber));
    if (!n) {
      x.FailWith(F::kNumber, n.error());
    } else {
      v->number = n->str();
    }
  }
  v->name = x.Str(F::kName);
  if (!x.Text(F::kStatus).empty()) {
    auto s = ParseStandardStatus(x.Text(F::kStatus));
    if (!s) {
      x.Fail(F::kStatus, "import.bad-standard-status", "标准状态无效（现行/即将实施/废止）",
             "invalid standard status (现行/即将实施/废止 or current/upcoming/abolished)",
             x.Str(F::kStatus).substr(0, 30));
    } else {
      v->status = *s;
    }
  }
  v->published_on = x.DateOf(F::kPublishedOn);
  v->effective_on = x.DateOf(F::kEffectiveOn);
  v->abolished_on = x.DateOf(F::kAbolishedOn);
  x.CheckPeriod(v->published_on, v->effective_on, F::kEffectiveOn);
  v->replaces = StandardList(x, F::kReplaces);
  v->replaced_by = StandardList(x, F::kReplacedBy);
}

void MapCredit(RowContext& x, MappedRow* out) {
  CreditFlag* v = &out->credit;
  out->ref_uscc = x.UsccRef(F::kUscc);
  if (!x.Text(F::kCreditKind).empty()) {
    auto k = ParseCreditKind(x.Text(F::kCreditKind));
    if (!k) {
      x.Fail(F::kCreditKind, "import.bad-credit-kind",
             "名单类型无效（严重违法失信名单/经营异常名录）",
             "invalid list kind (严重违法失信名单/经营异常名录 or serious-dishonesty/"
             "abnormal-operation)",
             x.Str(F::kCreditKind).substr(0, 30));
    } else {
      v->kind = *k;
    }
  }
  v->listed_on = x.DateOf(F::kListedOn).value_or("");
  v->removed_on = x.DateOf(F::kRemovedOn);
  if (!v->listed_on.empty()) x.CheckPeriod(v->listed_on, v->removed_on, F::kRemovedOn);
  v->authority = x.Str(F::kAuthority);
  v->reason = x.Str(F::kReason);
}

void MapPenalty(RowContext& x, MappedRow* out) {
  Penalty* v = &out->penalty;
  out->ref_uscc = x.UsccRef(F::kUscc);
  v->decision_no = x.Str(F::kDecisionNo);
  v->decided_on = x.DateOf(F::kDecidedOn).value_or("");
  v->authority = x.Str(F::kAuthority);
  v->violation = x.Str(F::kViolation);
  v->legal_basis = x.Str(F::kLegalBasis);
  if (!x.Text(F::kAmountYuan).empty()) {
    auto a = ParseAmount(x.Text(F::kAmountYuan));
    if (!a) {
      x.Fail(F::kAmountYuan, "import.bad-amount", "罚款金额无效（应为非负数，可带“元”或“万元”）",
             "invalid amount (a non-negative number, optionally with 元 or 万元)",
             x.Str(F::kAmountYuan).substr(0, 30));
    } else {
      v->amount_yuan = *a;
    }
  }
}

}  // namespace

bool RowMapper::Map(const Row& row, MappedRow* out, std::vector<Issue>* issues) {
  *out = MappedRow();
  out->kind = map_.kind();
  out->line = row.line;
  RowContext x(map_, row, issues);
  x.CheckCells();
  switch (map_.kind()) {
    case Kind::kInstitutions:
      MapInstitution(x, &out->institution);
      break;
    case Kind::kCertificates:
      MapCertificate(x, out);
      break;
    case Kind::kCapabilities:
      MapCapability(x, out);
      break;
    case Kind::kPeople:
      MapPerson(x, out, options_);
      break;
    case Kind::kEquipment:
      MapEquipment(x, out);
      break;
    case Kind::kStandards:
      MapStandard(x, &out->standard);
      break;
    case Kind::kCredit:
      MapCredit(x, out);
      break;
    case Kind::kPenalties:
      MapPenalty(x, out);
      break;
  }
  const Field ref_field = map_.kind() == Kind::kCapabilities ? Field::kCertificateNo : Field::kUscc;
  out->ref_column = map_.ColumnOf(ref_field);
  out->ref_line = x.cell(ref_field) ? x.cell(ref_field)->line : row.line;
  return x.ok();
}

}  // namespace zhijian::registry::import
