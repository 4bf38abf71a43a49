// Column mapping and row validation of registry imports: reader rows -> model records.
//
// Purpose: the pure half of `zhijian import` (no database). For each import kind it knows the
// columns (Chinese headers with English aliases, registry-brief / issue 3), matches a file's
// header to them, and turns each row into the model struct of registry/model.h, collecting
// located issues:
//   - header matching ignores surrounding spaces (ASCII, U+3000, NBSP), full-width vs
//     half-width forms ("ＵＳＣＣ", "产品／对象") and ASCII case. A column that matches nothing
//     is a warning; a required column that is absent refuses the whole file
//     ("import.missing-columns", before anything is written).
//   - values are trimmed; identifiers are canonicalised through base/ (USCC, CMA number,
//     standard number, region code) and registry/identity.h (身份证号, hashed: the number is
//     never kept nor echoed in messages). Dates accept 2024-03-05, 2024-3-5, 2024/3/5,
//     2024.03.05, 2024年3月5日 (full-width digits too, a trailing time is ignored) and XLSX
//     serial numbers; booleans 是/否, true/false, 1/0, Y/N, yes/no; multi-valued cells split on
//     ";", "；", "、", ",", "，".
//   - an issue is an error (the row is rejected and skipped) or a warning (the row is kept):
//     a USCC with a failed check character and a legacy CMA number are warnings ("suspect"),
//     a standard number that does not parse is kept as written with a warning.
// References to other records (USCC -> institution, certificate number -> certificate) are
// resolved by the loader (importer.h), which owns the database.
//
// Ownership: ColumnMap and RowMapper are values; RowMapper borrows the IdHasher, which must
// outlive it. Thread-safety: RowMapper is immutable after construction apart from its scratch
// space; use one per thread.
// Errors: "import.bad-kind", "import.missing-columns" (detail: the missing columns).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/registry/identity.h"
#include "zhijian/registry/import/reader.h"
#include "zhijian/registry/model.h"

namespace zhijian::registry::import {

// In load order.
enum class Kind {
  kStandards,
  kInstitutions,
  kCertificates,
  kCapabilities,
  kPeople,
  kEquipment,
  kCredit,
  kPenalties
};
// "standards", "institutions", "certificates", "capabilities", "people", "equipment", "credit",
// "penalties". ParseKind also accepts the singular forms.
const char* KindName(Kind k);
Result<Kind> ParseKind(std::string_view name);

// Every field of every kind (a kind uses some of them).
enum class Field {
  kName,
  kUscc,
  kRegionCode,
  kAddress,
  kLegalRep,
  kLegalForm,
  kDomains,
  kNationalCentre,
  kNumber,
  kIssuer,
  kIssuedOn,
  kExpiresOn,
  kStatus,
  kCertificateNo,
  kCategory,
  kObject,
  kItem,
  kParameter,
  kStandardNo,
  kStandardName,
  kLimitation,
  kApprovedOn,
  kValidFrom,
  kValidTo,
  kIdNumber,
  kTitle,
  kRoles,
  kSignatoryFields,
  kAuthorizedFrom,
  kAuthorizedTo,
  kModel,
  kSerial,
  kCalibrationDue,
  kPublishedOn,
  kEffectiveOn,
  kAbolishedOn,
  kReplaces,
  kReplacedBy,
  kCreditKind,
  kListedOn,
  kRemovedOn,
  kAuthority,
  kReason,
  kDecisionNo,
  kDecidedOn,
  kViolation,
  kLegalBasis,
  kAmountYuan,
  kCount_
};
inline constexpr int kFieldCount = static_cast<int>(Field::kCount_);

struct ColumnSpec {
  Field field;
  const char* zh;  // the header the generator writes
  const char* en;  // the English alias (also the JSON key)
  bool required;   // the column must be present and its cells non-empty
};
// The columns of a kind, in the generator's order.
const std::vector<ColumnSpec>& Columns(Kind k);

// Trims surrounding whitespace (ASCII, U+3000, U+00A0), folds full-width ASCII forms
// (U+FF01-U+FF5E) and U+3000 to ASCII, lower-cases ASCII.
std::string NormalizeHeader(std::string_view text);

// A located problem. `column` -1: the row as a whole.
struct Issue {
  bool error = true;  // false: a warning
  std::string code;   // "import.bad-date", "uscc.bad-length", ...
  std::string message_zh;
  std::string message_en;
  std::string detail;  // the offending value or context (never an ID number)
  int64_t line = 0;
  int32_t column = -1;
};

// Which file column feeds which field.
class ColumnMap {
 public:
  // Matches `columns` (a reader's header). Error "import.missing-columns" when a required
  // column is absent. Unknown columns are listed in unknown_columns().
  static Result<ColumnMap> Make(Kind kind, const std::vector<std::string>& columns);
  // Maps columns appended since (JSON keys first seen later); returns the new unknown ones.
  std::vector<int32_t> Extend(const std::vector<std::string>& columns);

  Kind kind() const { return kind_; }
  // -1 when the column feeds no field.
  int FieldOf(int32_t column) const {
    return column >= 0 && static_cast<size_t>(column) < field_of_column_.size()
               ? field_of_column_[column]
               : -1;
  }
  // -1 when no column feeds the field.
  int32_t ColumnOf(Field f) const { return column_of_field_[static_cast<int>(f)]; }
  const std::vector<int32_t>& unknown_columns() const { return unknown_; }
  size_t size() const { return field_of_column_.size(); }

 private:
  Kind kind_ = Kind::kInstitutions;
  std::vector<int> field_of_column_;
  std::vector<int32_t> column_of_field_ = std::vector<int32_t>(kFieldCount, -1);
  std::vector<int32_t> unknown_;
};

// One validated row. The references are business keys (canonical), resolved by the loader.
struct MappedRow {
  Kind kind = Kind::kInstitutions;
  int64_t line = 0;
  std::string ref_uscc;            // certificates, people, equipment, credit, penalties
  std::string ref_certificate_no;  // capabilities
  int32_t ref_column = -1;         // where an unknown reference is reported
  int64_t ref_line = 0;
  Institution institution;
  Certificate certificate;
  Capability capability;
  Person person;
  Equipment equipment;
  Standard standard;
  CreditFlag credit;
  Penalty penalty;
};

struct MapperOptions {
  const IdHasher* hasher = nullptr;  // required for people
  std::string today;                 // "YYYY-MM-DD": birth dates after it are refused
};

class RowMapper {
 public:
  RowMapper(const ColumnMap& columns, MapperOptions options);
  // Validates `row`; appends its issues to *issues. True when the row is accepted (it may have
  // warnings); *out is then filled.
  bool Map(const Row& row, MappedRow* out, std::vector<Issue>* issues);

 private:
  const ColumnMap& map_;
  MapperOptions options_;
};

// ---- value parsing (exposed for tests and other loaders) ----

// Trims ASCII whitespace, U+3000 and U+00A0 at both ends.
std::string_view Trim(std::string_view s);
// "YYYY-MM-DD" of a date in an accepted spelling; a kNumber/kDate cell may be an XLSX serial
// number (1900 date system). nullopt when not a valid calendar date in 1900-2199.
std::optional<std::string> ParseDate(std::string_view text, CellType type = CellType::kText);
std::optional<bool> ParseBool(std::string_view text);
// Split, trimmed, empties dropped, duplicates removed (first kept).
std::vector<std::string> SplitMulti(std::string_view text);
// Yuan: "12500", "12,500.50", "12500元", "1.25万元", "¥12500". nullopt when malformed or < 0.
std::optional<double> ParseAmount(std::string_view text);

}  // namespace zhijian::registry::import
