// The registry's records (一库尽览): plain values, as stored (store/migrations/0003_registry.sql).
//
// Dates are "YYYY-MM-DD" strings (empty optional = unknown / open); ids are database ids (0 =
// not stored yet). Business keys, by which imports upsert: institution → USCC; certificate →
// number; standard → canonical number; capability → (certificate, category, object, item,
// parameter, standard_no); person → (institution, id_hash); signatory field → (person, field);
// equipment → (institution, name, serial); credit flag → (institution, kind, listed_on);
// penalty → decision_no.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhijian::registry {

using Date = std::string;  // "YYYY-MM-DD"

struct Institution {
  int64_t id = 0;
  std::string
      uscc;  // canonical (base/uscc.h); a failed check digit is kept and flagged, not refused
  std::string name;
  std::string region_code;  // 6 digits (GB/T 2260)
  std::string address;
  std::string legal_rep;   // 法定代表人
  std::string legal_form;  // 机构性质 (企业法人, 事业单位法人, ...)
  std::vector<std::string> domains;  // 检验检测领域 (食品, 机动车, 生态环境, 建设工程, ...)
  bool national_centre = false;  // 是否国家质检中心
};

enum class CertStatus { kValid, kSuspended, kRevoked, kCancelled, kExpired };
// "valid", "suspended", "revoked", "cancelled", "expired".
const char* CertStatusName(CertStatus s);
// Accepts those names and the Chinese terms 有效/暂停/撤销/注销/过期 (also 正常 = valid).
std::optional<CertStatus> ParseCertStatus(std::string_view text);

struct CertStatusChange {
  CertStatus status = CertStatus::kValid;
  Date effective_on;
  std::string reason;
};

struct Certificate {
  int64_t id = 0;
  int64_t institution_id = 0;
  std::string number;  // 12 digits (base/cma.h) or a legacy form
  std::string issuer;  // 发证机关
  std::optional<Date> issued_on;
  std::optional<Date> expires_on;
  CertStatus status = CertStatus::kValid;  // the status recorded now
  std::vector<CertStatusChange> history;   // oldest first
};

struct Capability {
  int64_t id = 0;
  int64_t certificate_id = 0;
  int64_t institution_id = 0;
  std::string category;       // 类别
  std::string object;         // 产品/对象
  std::string item;           // 项目/参数
  std::string parameter;      // 参数
  std::string standard_no;    // canonical when it parses
  std::string standard_name;  // 标准名称
  std::string limitation;     // 限制范围
  std::optional<Date> approved_on;
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
};

struct SignatoryField {
  std::string field;  // 授权签字领域
  std::optional<Date> authorized_from;
  std::optional<Date> authorized_to;
};

struct Person {
  int64_t id = 0;
  int64_t institution_id = 0;
  std::string name;
  std::string id_hash;             // registry/identity.h; the ID number itself is never stored
  std::string title;               // 职称
  std::vector<std::string> roles;  // 技术负责人, 质量负责人, 授权签字人, 检测人员, ...
  std::vector<SignatoryField> signatory_fields;
};

struct Equipment {
  int64_t id = 0;
  int64_t institution_id = 0;
  std::string name;
  std::string model;                    // 型号规格
  std::string serial;                   // 出厂编号
  std::optional<Date> calibration_due;  // 检定/校准有效期至
};

enum class StandardStatus { kCurrent, kUpcoming, kAbolished };
// "current", "upcoming", "abolished".
const char* StandardStatusName(StandardStatus s);
// Accepts those names and 现行 / 即将实施 / 废止 (also 作废, 被代替 = abolished).
std::optional<StandardStatus> ParseStandardStatus(std::string_view text);

struct Standard {
  int64_t id = 0;
  std::string number;  // canonical (base/standard_no.h)
  std::string name;
  StandardStatus status = StandardStatus::kCurrent;
  std::optional<Date> published_on;
  std::optional<Date> effective_on;
  std::optional<Date> abolished_on;
  std::vector<std::string> replaces;     // canonical numbers this one replaces (代替标准)
  std::vector<std::string> replaced_by;  // canonical numbers replacing this one (被代替标准)
};

enum class CreditKind { kSeriousDishonesty, kAbnormalOperation };
// "serious-dishonesty" (严重违法失信名单), "abnormal-operation" (经营异常名录).
const char* CreditKindName(CreditKind k);
std::optional<CreditKind> ParseCreditKind(std::string_view text);

struct CreditFlag {
  int64_t id = 0;
  int64_t institution_id = 0;
  CreditKind kind = CreditKind::kAbnormalOperation;
  Date listed_on;
  std::optional<Date> removed_on;
  std::string authority;
  std::string reason;
};

struct Penalty {
  int64_t id = 0;
  int64_t institution_id = 0;
  std::string decision_no;  // 行政处罚决定书文号
  Date decided_on;
  std::string authority;
  std::string violation;
  std::string legal_basis;
  std::optional<double> amount_yuan;
};

// `s` without ASCII whitespace and the ideographic space (U+3000) at both ends.
std::string_view TrimText(std::string_view s);

// The stored form of multi-valued columns (institutions.domains, people.roles): "|a|b|" —
// items trimmed, '|' removed from them, empty ones dropped, sorted and deduplicated (so order
// never counts as a change); "" for none. The bars at both ends let SQL match a whole item with
// LIKE '%|食品|%'.
std::string EncodeBarList(const std::vector<std::string>& items);
std::vector<std::string> DecodeBarList(std::string_view stored);

}  // namespace zhijian::registry
