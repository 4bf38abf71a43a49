#include "zhijian/registry/registry.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <span>
#include <unordered_map>
#include <utility>

#include "zhijian/audit/audit.h"
#include "zhijian/base/cma.h"
#include "zhijian/base/date.h"
#include "zhijian/base/region.h"
#include "zhijian/base/standard_no.h"
#include "zhijian/base/uscc.h"
#include "zhijian/store/scope.h"

namespace zhijian::registry {
namespace {

using store::Connection;
using store::OptText;
using store::Row;
using store::Value;

// ---------------------------------------------------------------- text and dates

std::string Trim(std::string_view s) { return std::string(TrimText(s)); }

std::optional<std::string> TrimOpt(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  std::string t = Trim(*s);
  if (t.empty()) return std::nullopt;
  return t;
}

bool IsDate(std::string_view s) {
  auto d = ParseIsoDate(s);
  return d && d->year >= 1900;
}

bool IsSixDigits(std::string_view s) {
  return s.size() == 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// ---------------------------------------------------------------- errors

Error Missing(const std::string& field) {
  return Error::Invalid("registry.missing-field", "缺少必填字段", "a required field is missing",
                        field);
}

Error BadDate(const std::string& field, const std::string& value) {
  return Error::Invalid("registry.bad-date", "日期格式应为 YYYY-MM-DD 且为有效日期",
                        "a date must be a valid YYYY-MM-DD date", field + ": " + value);
}

Error Forbidden(const std::string& detail = {}) {
  return Error(Error::Kind::kPermissionDenied, "auth.forbidden", "无权执行此操作", "not allowed",
               detail);
}

Error NotFound(const std::string& code, const std::string& what) {
  return Error::NotFound(code, "记录不存在或不在您的权限范围内", "no such record within your scope",
                         what);
}

Error Duplicate(const std::string& detail) {
  return Error(Error::Kind::kConflict, "registry.duplicate", "已存在相同业务键的记录",
               "a record with the same business key exists", detail);
}

Result<void> CheckDate(const std::optional<Date>& d, const std::string& field) {
  if (d && !IsDate(*d)) return BadDate(field, *d);
  return Ok();
}

Result<void> CheckRequiredDate(const Date& d, const std::string& field) {
  if (d.empty()) return Missing(field);
  if (!IsDate(d)) return BadDate(field, d);
  return Ok();
}

// ---------------------------------------------------------------- generic upsert

// The statements of one upsert kind; built once, so their text is constant and the SQLite
// adapter's statement cache reuses them.
//   insert: INSERT ... ON CONFLICT (keys) DO NOTHING   (a row inserted = kInserted)
//   update: UPDATE ... SET vals WHERE keys AND (some val differs)  (a row changed = kUpdated)
//   select: SELECT id WHERE keys  (the id of an existing row)
// PostgreSQL: insert and update end in RETURNING id (one round trip each). SQLite: no RETURNING,
// which would make SQLite keep a statement journal for every row (about 5x slower); the
// outcome comes from the change count and the id from last_insert_rowid() or the select.
struct UpsertSql {
  std::string insert;
  std::string update;
  std::string insert_returning;
  std::string update_returning;
  std::string select;
  bool has_updated_at = true;
};

UpsertSql MakeUpsertSql(const std::string& table, const std::vector<std::string>& keys,
                        const std::vector<std::string>& vals, bool has_updated_at) {
  UpsertSql q;
  q.has_updated_at = has_updated_at;
  std::string cols, marks;
  auto add = [&](const std::string& c) {
    if (!cols.empty()) {
      cols += ", ";
      marks += ", ";
    }
    cols += c;
    marks += "?";
  };
  for (const auto& k : keys) add(k);
  for (const auto& v : vals) add(v);
  add("created_at");
  if (has_updated_at) add("updated_at");
  std::string key_list, key_where;
  for (const auto& k : keys) {
    key_list += (key_list.empty() ? "" : ", ") + k;
    key_where += (key_where.empty() ? "" : " AND ") + k + " = ?";
  }
  q.insert = "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ") ON CONFLICT (" +
             key_list + ") DO NOTHING";
  std::string set, differs;
  for (const auto& v : vals) {
    set += (set.empty() ? "" : ", ") + v + " = ?";
    differs += (differs.empty() ? "" : " OR ") + v + " IS DISTINCT FROM ?";
  }
  if (has_updated_at) set += ", updated_at = ?";
  q.update = "UPDATE " + table + " SET " + set + " WHERE " + key_where + " AND (" + differs + ")";
  q.insert_returning = q.insert + " RETURNING id";
  q.update_returning = q.update + " RETURNING id";
  q.select = "SELECT id FROM " + table + " WHERE " + key_where;
  return q;
}

// `keys` and `vals` are moved into the insert's parameters (the common path of a fresh
// import copies no strings); the other paths copy them back out.
Result<Upserted> RunUpsert(Connection& tx, const UpsertSql& q, std::vector<Value> keys,
                           std::vector<Value> vals, const std::string& now) {
  const bool pg = tx.backend() == store::Backend::kPostgres;
  const size_t nk = keys.size(), nv = vals.size();
  std::vector<Value> params = std::move(keys);
  params.reserve(nk + nv + 2);
  std::move(vals.begin(), vals.end(), std::back_inserter(params));
  params.emplace_back(now);
  if (q.has_updated_at) params.emplace_back(now);
  if (pg) {
    ZJ_ASSIGN_OR_RETURN(std::vector<Row> inserted, tx.Query(q.insert_returning, params));
    if (!inserted.empty()) return Upserted{inserted[0].Int(0), Outcome::kInserted};
  } else {
    ZJ_ASSIGN_OR_RETURN(int64_t inserted, tx.Exec(q.insert, params));
    if (inserted > 0) {
      ZJ_ASSIGN_OR_RETURN(std::optional<Row> id, tx.QueryOne("SELECT last_insert_rowid()"));
      if (!id) return Error::Internal("registry.upsert", "no last_insert_rowid");
      return Upserted{id->Int(0), Outcome::kInserted};
    }
  }

  const auto key_begin = params.begin();
  const auto val_begin = params.begin() + static_cast<std::ptrdiff_t>(nk);
  const auto val_end = val_begin + static_cast<std::ptrdiff_t>(nv);
  std::vector<Value> update;
  update.reserve(nk + 2 * nv + 1);
  update.insert(update.end(), val_begin, val_end);
  if (q.has_updated_at) update.emplace_back(now);
  update.insert(update.end(), key_begin, val_begin);
  update.insert(update.end(), val_begin, val_end);
  Outcome outcome = Outcome::kUnchanged;
  if (pg) {
    ZJ_ASSIGN_OR_RETURN(std::vector<Row> updated, tx.Query(q.update_returning, update));
    if (!updated.empty()) return Upserted{updated[0].Int(0), Outcome::kUpdated};
  } else {
    ZJ_ASSIGN_OR_RETURN(int64_t updated, tx.Exec(q.update, update));
    if (updated > 0) outcome = Outcome::kUpdated;
  }
  ZJ_ASSIGN_OR_RETURN(std::optional<Row> existing,
                      tx.QueryOne(q.select, std::span<const Value>(params.data(), nk)));
  if (!existing) {
    return Error::Internal("registry.upsert", "row neither inserted nor found: " + q.select);
  }
  return Upserted{existing->Int(0), outcome};
}

// FormatInstant, remembered per thread: a bulk load stamps many rows with the same instant.
const std::string& NowText(TimePoint t) {
  thread_local TimePoint last{};
  thread_local std::string text;
  if (text.empty() || t != last) {
    text = FormatInstant(t);
    last = t;
  }
  return text;
}

// Marks `u` updated when something attached to the row (history, links, fields) changed.
void MarkChanged(Upserted& u) {
  if (u.outcome == Outcome::kUnchanged) u.outcome = Outcome::kUpdated;
}

const UpsertSql& InstitutionSql() {
  static const UpsertSql q = MakeUpsertSql(
      "institutions", {"uscc"},
      {"name", "region_code", "address", "legal_rep", "legal_form", "national_centre", "domains"},
      true);
  return q;
}
const UpsertSql& CertificateSql() {
  static const UpsertSql q =
      MakeUpsertSql("certificates", {"number"},
                    {"institution_id", "issuer", "issued_on", "expires_on", "status"}, true);
  return q;
}
const UpsertSql& CapabilitySql() {
  static const UpsertSql q = MakeUpsertSql(
      "capabilities", {"certificate_id", "category", "object", "item", "parameter", "standard_no"},
      {"institution_id", "standard_key", "standard_name", "limitation", "approved_on", "valid_from",
       "valid_to"},
      true);
  return q;
}
const UpsertSql& PersonSql() {
  static const UpsertSql q =
      MakeUpsertSql("people", {"institution_id", "id_hash"}, {"name", "title", "roles"}, true);
  return q;
}
const UpsertSql& EquipmentSql() {
  static const UpsertSql q = MakeUpsertSql("equipment", {"institution_id", "name", "serial"},
                                           {"model", "calibration_due"}, true);
  return q;
}
const UpsertSql& StandardSql() {
  static const UpsertSql q = MakeUpsertSql(
      "standards", {"number"},
      {"number_key", "name", "status", "published_on", "effective_on", "abolished_on"}, true);
  return q;
}
const UpsertSql& CreditFlagSql() {
  static const UpsertSql q = MakeUpsertSql("credit_flags", {"institution_id", "kind", "listed_on"},
                                           {"removed_on", "authority", "reason"}, false);
  return q;
}
const UpsertSql& PenaltySql() {
  static const UpsertSql q = MakeUpsertSql(
      "penalties", {"decision_no"},
      {"institution_id", "decided_on", "authority", "violation", "legal_basis", "amount_yuan"},
      false);
  return q;
}

// ---------------------------------------------------------------- canonical forms

// Canonical standard number and its edition-independent key; the trimmed text twice when it
// does not parse. Results are remembered per thread (capability files cite a few thousand
// standards over millions of rows); the memo is cleared when it grows past 16k entries.
std::pair<std::string, std::string> CanonicalStandard(const std::string& text) {
  thread_local std::unordered_map<std::string, std::pair<std::string, std::string>> memo;
  if (auto it = memo.find(text); it != memo.end()) return it->second;
  std::string trimmed = Trim(text);
  std::pair<std::string, std::string> result;
  if (Result<StandardNo> no = StandardNo::Parse(trimmed)) {
    result = {no->str(), no->WithoutYear()};
  } else {
    result = {trimmed, trimmed};
  }
  if (memo.size() >= 16384) memo.clear();
  memo.emplace(text, result);
  return result;
}

std::string CanonicalCertificateNo(const std::string& text) {
  std::string trimmed = Trim(text);
  if (Result<CmaCertNo> no = CmaCertNo::Parse(trimmed)) return no->str();
  return trimmed;
}

// The USCC as stored: canonical when it parses structurally; other inputs are refused.
Result<Uscc> ParseUscc(const std::string& text) {
  Result<Uscc> uscc = Uscc::Parse(text);
  if (!uscc) return uscc.error().WithDetail("uscc");
  return uscc;
}

std::vector<SignatoryField> NormaliseFields(const std::vector<SignatoryField>& fields) {
  std::map<std::string, SignatoryField> by_field;  // first occurrence of a field wins
  for (const SignatoryField& f : fields) {
    SignatoryField t{Trim(f.field), TrimOpt(f.authorized_from), TrimOpt(f.authorized_to)};
    if (t.field.empty()) continue;
    by_field.emplace(t.field, std::move(t));
  }
  std::vector<SignatoryField> out;
  for (auto& [k, f] : by_field) out.push_back(std::move(f));
  return out;  // sorted by field
}

Result<void> CheckFields(const std::vector<SignatoryField>& fields) {
  for (const SignatoryField& f : fields) {
    ZJ_TRY(CheckDate(f.authorized_from, "signatory_fields.authorized_from"));
    ZJ_TRY(CheckDate(f.authorized_to, "signatory_fields.authorized_to"));
  }
  return Ok();
}

// ---------------------------------------------------------------- row readers

constexpr const char* kInstitutionColumns =
    "i.id, i.uscc, i.name, i.region_code, i.address, i.legal_rep, i.legal_form, i.domains, "
    "i.national_centre";

Institution InstitutionFromRow(const Row& r) {
  Institution v;
  v.id = r.Int(0);
  v.uscc = r.Text(1);
  v.name = r.Text(2);
  v.region_code = r.Text(3);
  v.address = r.Text(4);
  v.legal_rep = r.Text(5);
  v.legal_form = r.Text(6);
  v.domains = DecodeBarList(r.Text(7));
  v.national_centre = r.Int(8) != 0;
  return v;
}

Result<std::optional<Institution>> ReadInstitution(Connection& conn, int64_t id) {
  ZJ_ASSIGN_OR_RETURN(std::optional<Row> row,
                      conn.QueryOne(std::string("SELECT ") + kInstitutionColumns +
                                        " FROM institutions i WHERE i.id = ?",
                                    std::vector<Value>{Value(id)}));
  if (!row) return std::optional<Institution>();
  return std::optional<Institution>(InstitutionFromRow(*row));
}

Result<std::vector<SignatoryField>> ReadFields(Connection& conn, int64_t person_id) {
  ZJ_ASSIGN_OR_RETURN(std::vector<Row> rows,
                      conn.Query("SELECT field, authorized_from, authorized_to FROM "
                                 "signatory_fields WHERE person_id = ? ORDER BY field",
                                 std::vector<Value>{person_id}));
  std::vector<SignatoryField> out;
  for (const Row& r : rows) out.push_back({r.Text(0), r.OptText(1), r.OptText(2)});
  // ORDER BY collation may differ between backends; the canonical order is byte order.
  std::sort(out.begin(), out.end(),
            [](const SignatoryField& a, const SignatoryField& b) { return a.field < b.field; });
  return out;
}

bool SameFields(const std::vector<SignatoryField>& a, const std::vector<SignatoryField>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].field != b[i].field || a[i].authorized_from != b[i].authorized_from ||
        a[i].authorized_to != b[i].authorized_to) {
      return false;
    }
  }
  return true;
}

Result<void> ReplaceFields(Connection& tx, int64_t person_id,
                           const std::vector<SignatoryField>& fields) {
  ZJ_TRY(
      tx.Exec("DELETE FROM signatory_fields WHERE person_id = ?", std::vector<Value>{person_id}));
  for (const SignatoryField& f : fields) {
    ZJ_TRY(
        tx.Exec("INSERT INTO signatory_fields (person_id, field, authorized_from, "
                "authorized_to) VALUES (?, ?, ?, ?)",
                std::vector<Value>{person_id, f.field, OptText(f.authorized_from),
                                   OptText(f.authorized_to)}));
  }
  return Ok();
}

constexpr const char* kPersonColumns = "id, institution_id, name, id_hash, title, roles";

Person PersonFromRow(const Row& r) {
  Person p;
  p.id = r.Int(0);
  p.institution_id = r.Int(1);
  p.name = r.Text(2);
  p.id_hash = r.Text(3);
  p.title = r.Text(4);
  p.roles = DecodeBarList(r.Text(5));
  return p;
}

Result<std::optional<Person>> ReadPerson(Connection& conn, int64_t id) {
  ZJ_ASSIGN_OR_RETURN(
      std::optional<Row> row,
      conn.QueryOne(std::string("SELECT ") + kPersonColumns + " FROM people WHERE id = ?",
                    std::vector<Value>{Value(id)}));
  if (!row) return std::optional<Person>();
  Person p = PersonFromRow(*row);
  ZJ_ASSIGN_OR_RETURN(p.signatory_fields, ReadFields(conn, p.id));
  return std::optional<Person>(std::move(p));
}

constexpr const char* kEquipmentColumns =
    "id, institution_id, name, model, serial, calibration_due";

Equipment EquipmentFromRow(const Row& r) {
  Equipment e;
  e.id = r.Int(0);
  e.institution_id = r.Int(1);
  e.name = r.Text(2);
  e.model = r.Text(3);
  e.serial = r.Text(4);
  e.calibration_due = r.OptText(5);
  return e;
}

Result<std::optional<Equipment>> ReadEquipment(Connection& conn, int64_t id) {
  ZJ_ASSIGN_OR_RETURN(
      std::optional<Row> row,
      conn.QueryOne(std::string("SELECT ") + kEquipmentColumns + " FROM equipment WHERE id = ?",
                    std::vector<Value>{Value(id)}));
  if (!row) return std::optional<Equipment>();
  return std::optional<Equipment>(EquipmentFromRow(*row));
}

// ---------------------------------------------------------------- authorization

struct InstRef {
  int64_t id = 0;
  std::string region_code;
};

Result<std::optional<InstRef>> LoadInstRef(Connection& conn, int64_t id) {
  ZJ_ASSIGN_OR_RETURN(std::optional<Row> row,
                      conn.QueryOne("SELECT id, region_code FROM institutions WHERE id = ?",
                                    std::vector<Value>{Value(id)}));
  if (!row) return std::optional<InstRef>();
  return std::optional<InstRef>(InstRef{row->Int(0), row->Text(1)});
}

// Whether `p` may read the institution (mirrors store::ScopeFor).
bool CanSee(const Principal& p, const InstRef& r) {
  switch (p.role) {
    case Role::kAdmin:
      return true;
    case Role::kRegulator:
    case Role::kInspector:
      return p.RegionInScope(r.region_code);
    case Role::kInstitution:
      return p.institution_id && *p.institution_id == r.id;
    case Role::kPublic:
      return false;
  }
  return false;
}

bool CanEditInstitution(const Principal& p, const InstRef& r) {
  return p.role == Role::kAdmin || (p.role == Role::kRegulator && p.RegionInScope(r.region_code));
}

// People and equipment of the institution.
bool CanEditMembers(const Principal& p, const InstRef& r) {
  return CanEditInstitution(p, r) ||
         (p.role == Role::kInstitution && p.institution_id && *p.institution_id == r.id);
}

bool MayWriteRegistry(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kRegulator || p.role == Role::kInstitution;
}

// The institution a member record belongs to, checked for `actor`: kNotFound when missing or
// outside the actor's scope, kPermissionDenied when visible but not editable.
Result<InstRef> MemberInstitution(Connection& tx, const Principal& actor, int64_t institution_id) {
  ZJ_ASSIGN_OR_RETURN(std::optional<InstRef> ref, LoadInstRef(tx, institution_id));
  if (!ref || !CanSee(actor, *ref)) {
    return NotFound("institution.not-found", "institution " + std::to_string(institution_id));
  }
  if (!CanEditMembers(actor, *ref)) return Forbidden("institution " + std::to_string(ref->id));
  return *ref;
}

std::string Uint(int64_t v) { return std::to_string(v); }

// MemberInstitution for an existing member record (a person, an instrument): an institution
// outside the actor's scope makes the record itself "not found", so its existence does not leak.
Result<InstRef> ExistingMemberInstitution(Connection& tx, const Principal& actor,
                                          int64_t institution_id, const std::string& not_found_code,
                                          const std::string& what) {
  Result<InstRef> inst = MemberInstitution(tx, actor, institution_id);
  if (!inst && inst.error().kind() == Error::Kind::kNotFound) return NotFound(not_found_code, what);
  return inst;
}

// The audit event of a write to a member record of institution `inst`.
audit::AuditEvent MemberEvent(std::string action, std::string type, int64_t id,
                              const InstRef& inst) {
  audit::AuditEvent e;
  e.action = std::move(action);
  e.target_type = std::move(type);
  e.target_id = Uint(id);
  e.region_code = inst.region_code;
  e.institution_id = inst.id;
  return e;
}

// What differs between the member records (people, equipment) that Save*/Delete* share.
template <typename T>
struct MemberKind {
  const char* type;       // "person": audit target type and action prefix
  const char* table;      // "people"
  const char* not_found;  // "registry.person-not-found"
  Result<std::optional<T>> (*read)(Connection&, int64_t);
  void (*describe)(const T&, audit::AuditEvent&);  // the audit detail naming the record
  const char* delete_children;  // a statement deleting dependent rows by id, or nullptr
};

void DescribePerson(const Person& p, audit::AuditEvent& e) { e.detail["name"] = p.name; }
void DescribeEquipment(const Equipment& q, audit::AuditEvent& e) {
  e.detail["name"] = q.name;
  e.detail["serial"] = q.serial;
}
const MemberKind<Person> kPersonKind{
    "person",    "people",        "registry.person-not-found",
    &ReadPerson, &DescribePerson, "DELETE FROM signatory_fields WHERE person_id = ?"};
const MemberKind<Equipment> kEquipmentKind{
    "equipment",    "equipment",        "registry.equipment-not-found",
    &ReadEquipment, &DescribeEquipment, nullptr};

// The end of every member save: its audit record (in the same transaction), then the stored
// record as read back.
template <typename T>
Result<T> FinishMemberSave(Connection& tx, const MemberKind<T>& kind, const Principal& actor,
                           const std::string& ip, TimePoint at, const T& saving,
                           const std::optional<T>& existing, int64_t id, const InstRef& inst,
                           bool changed, const boost::json::object& extra_detail = {}) {
  audit::AuditEvent e = MemberEvent(std::string(kind.type) + ".save", kind.type, id, inst);
  e.detail["op"] = saving.id == 0 ? "create" : "update";
  e.detail["changed"] = changed;
  kind.describe(saving, e);
  for (const auto& [k, v] : extra_detail) e.detail[k] = v;
  if (existing && existing->institution_id != saving.institution_id) {
    e.detail["moved_from_institution"] = existing->institution_id;
  }
  ZJ_TRY(audit::Append(tx, actor, ip, e, at));
  ZJ_ASSIGN_OR_RETURN(std::optional<T> saved, kind.read(tx, id));
  if (!saved) return Error::Internal("registry.read-back", std::string(kind.type) + " " + Uint(id));
  return std::move(*saved);
}

// Delete* of a member record: found and in the actor's scope, dependent rows first, audited.
template <typename T>
Result<void> DeleteMember(store::Database& db, const Clock& clock, const MemberKind<T>& kind,
                          const Principal& actor, int64_t id, const std::string& ip) {
  if (!MayWriteRegistry(actor)) return Forbidden();
  const std::string what = std::string(kind.type) + " " + Uint(id);
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db.Acquire());
  return store::WithTransaction(conn.get(), [&](Connection& tx) -> Result<void> {
    ZJ_ASSIGN_OR_RETURN(std::optional<T> existing, kind.read(tx, id));
    if (!existing) return NotFound(kind.not_found, what);
    ZJ_ASSIGN_OR_RETURN(InstRef inst, ExistingMemberInstitution(tx, actor, existing->institution_id,
                                                                kind.not_found, what));
    if (kind.delete_children) ZJ_TRY(tx.Exec(kind.delete_children, std::vector<Value>{Value(id)}));
    ZJ_TRY(tx.Exec(std::string("DELETE FROM ") + kind.table + " WHERE id = ?",
                   std::vector<Value>{Value(id)}));
    audit::AuditEvent e = MemberEvent(std::string(kind.type) + ".delete", kind.type, id, inst);
    kind.describe(*existing, e);
    ZJ_TRY(audit::Append(tx, actor, ip, e, clock.Now()));
    return Ok();
  });
}

}  // namespace

Registry::Registry(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

// ================================================================ bulk upserts

Result<Upserted> Registry::UpsertInstitution(Connection& tx, const Institution& v) {
  ZJ_ASSIGN_OR_RETURN(Uscc uscc, ParseUscc(v.uscc));
  std::string name = Trim(v.name);
  if (name.empty()) return Missing("name");
  std::string region = Trim(v.region_code);
  if (!IsSixDigits(region)) {
    return Error::Invalid("registry.bad-region", "地区代码应为6位数字（GB/T 2260）",
                          "a region code has 6 digits (GB/T 2260)", "region_code: " + region);
  }
  std::vector<Value> keys{uscc.str()};
  std::vector<Value> vals{std::move(name),         std::move(region),
                          Trim(v.address),         Trim(v.legal_rep),
                          Trim(v.legal_form),      int64_t{v.national_centre ? 1 : 0},
                          EncodeBarList(v.domains)};
  return RunUpsert(tx, InstitutionSql(), std::move(keys), std::move(vals), NowText(clock_.Now()));
}

Result<Upserted> Registry::UpsertCertificate(Connection& tx, const Certificate& v) {
  const std::string number = CanonicalCertificateNo(v.number);
  if (number.empty()) return Missing("number");
  if (v.institution_id <= 0) return Missing("institution_id");
  const std::optional<Date> issued_on = TrimOpt(v.issued_on);
  const std::optional<Date> expires_on = TrimOpt(v.expires_on);
  ZJ_TRY(CheckDate(issued_on, "issued_on"));
  ZJ_TRY(CheckDate(expires_on, "expires_on"));
  for (const CertStatusChange& h : v.history) {
    ZJ_TRY(CheckRequiredDate(Trim(h.effective_on), "history.effective_on"));
  }

  ZJ_ASSIGN_OR_RETURN(
      std::optional<Row> before,
      tx.QueryOne("SELECT status FROM certificates WHERE number = ?", std::vector<Value>{number}));
  const TimePoint now_tp = clock_.Now();
  const std::string now = FormatInstant(now_tp);
  std::vector<Value> keys{number};
  std::vector<Value> vals{v.institution_id, Trim(v.issuer), OptText(issued_on), OptText(expires_on),
                          std::string(CertStatusName(v.status))};
  ZJ_ASSIGN_OR_RETURN(Upserted u,
                      RunUpsert(tx, CertificateSql(), std::move(keys), std::move(vals), now));

  // History: the given entries are added when missing (a differing reason is updated).
  // Without any, a new certificate is valid from its issue date (or today) and a status change
  // is recorded effective today, except that "expired" takes effect the day after the expiry
  // date when that is known and past: a certificate imported as 过期 was valid while it ran.
  std::vector<CertStatusChange> wanted = v.history;
  if (wanted.empty()) {
    const std::string today = ChinaDate(now_tp);
    std::string changed_on = today;
    if (v.status == CertStatus::kExpired && expires_on) {
      if (std::optional<std::string> after = AddDays(*expires_on, 1); after && *after < today) {
        changed_on = *after;
      }
    }
    if (!before) {
      const std::string from = issued_on.value_or(today);
      if (v.status == CertStatus::kValid || changed_on <= from) {
        wanted.push_back({v.status, from, ""});
      } else {
        wanted.push_back({CertStatus::kValid, from, ""});
        wanted.push_back({v.status, changed_on, ""});
      }
    } else if (before->Text(0) != CertStatusName(v.status)) {
      wanted.push_back({v.status, changed_on, ""});
    }
  }
  if (wanted.empty()) return u;
  std::map<std::pair<std::string, std::string>, std::string> stored;  // (status, date) → reason
  if (before) {
    ZJ_ASSIGN_OR_RETURN(std::vector<Row> rows,
                        tx.Query("SELECT status, effective_on, reason FROM "
                                 "certificate_status_history WHERE certificate_id = ?",
                                 std::vector<Value>{u.id}));
    for (const Row& r : rows) stored[{r.Text(0), r.Text(1)}] = r.Text(2);
  }
  for (const CertStatusChange& h : wanted) {
    const std::string status = CertStatusName(h.status);
    const std::string date = Trim(h.effective_on);
    const std::string reason = Trim(h.reason);
    auto it = stored.find({status, date});
    if (it == stored.end()) {
      ZJ_TRY(
          tx.Exec("INSERT INTO certificate_status_history (certificate_id, status, "
                  "effective_on, reason, recorded_at) VALUES (?, ?, ?, ?, ?)",
                  std::vector<Value>{u.id, status, date, reason, now}));
      stored[{status, date}] = reason;
      MarkChanged(u);
    } else if (it->second != reason) {
      ZJ_TRY(
          tx.Exec("UPDATE certificate_status_history SET reason = ? WHERE certificate_id = ? "
                  "AND status = ? AND effective_on = ?",
                  std::vector<Value>{reason, u.id, status, date}));
      it->second = reason;
      MarkChanged(u);
    }
  }
  return u;
}

namespace {

// A capability row as stored: its business key and its other columns, normalised.
struct CapabilityRow {
  int64_t certificate_id = 0;
  std::string category, object, item, parameter, standard_no;  // the key with certificate_id
  int64_t institution_id = 0;
  std::string standard_key, standard_name, limitation;
  std::optional<std::string> approved_on, valid_from, valid_to;

  bool SameValues(const CapabilityRow& o) const {
    return institution_id == o.institution_id && standard_key == o.standard_key &&
           standard_name == o.standard_name && limitation == o.limitation &&
           approved_on == o.approved_on && valid_from == o.valid_from && valid_to == o.valid_to;
  }
  // The business key as one string (length-prefixed parts, so no two keys collide).
  std::string Key() const {
    std::string k = std::to_string(certificate_id);
    for (const std::string* part : {&category, &object, &item, &parameter, &standard_no}) {
      k += '|';
      k += std::to_string(part->size());
      k += ':';
      k += *part;
    }
    return k;
  }
};

// Validates and normalises `v` (institution_id already resolved).
Result<CapabilityRow> NormaliseCapability(const Capability& v, int64_t institution_id) {
  CapabilityRow r;
  r.approved_on = TrimOpt(v.approved_on);
  r.valid_from = TrimOpt(v.valid_from);
  r.valid_to = TrimOpt(v.valid_to);
  ZJ_TRY(CheckDate(r.approved_on, "approved_on"));
  ZJ_TRY(CheckDate(r.valid_from, "valid_from"));
  ZJ_TRY(CheckDate(r.valid_to, "valid_to"));
  if (!r.valid_from) r.valid_from = r.approved_on;
  std::tie(r.standard_no, r.standard_key) = CanonicalStandard(v.standard_no);
  r.certificate_id = v.certificate_id;
  r.category = Trim(v.category);
  r.object = Trim(v.object);
  r.item = Trim(v.item);
  r.parameter = Trim(v.parameter);
  r.institution_id = institution_id;
  r.standard_name = Trim(v.standard_name);
  r.limitation = Trim(v.limitation);
  return r;
}

Result<int64_t> InstitutionOfCertificate(Connection& tx, int64_t certificate_id) {
  ZJ_ASSIGN_OR_RETURN(std::optional<Row> cert,
                      tx.QueryOne("SELECT institution_id FROM certificates WHERE id = ?",
                                  std::vector<Value>{certificate_id}));
  if (!cert) {
    return NotFound("registry.certificate-not-found",
                    "certificate " + std::to_string(certificate_id));
  }
  return cert->Int(0);
}

// Statement text of `rows` copies of "(" + `tuple` + ")" joined by commas.
std::string Tuples(size_t rows, std::string_view tuple) {
  std::string s;
  s.reserve(rows * (tuple.size() + 3));
  for (size_t i = 0; i < rows; ++i) {
    if (i) s += ", ";
    s += '(';
    s += tuple;
    s += ')';
  }
  return s;
}

// Statements of the batch upsert for `rows` rows, cached per size (batches mostly share one
// size, so the SQLite adapter's statement cache reuses the text).
const std::string& CapabilityBatchSql(int which, size_t rows) {
  thread_local std::unordered_map<size_t, std::array<std::string, 3>> cache;
  auto [it, fresh] = cache.try_emplace(rows);
  if (fresh) {
    // 0: stored rows of the given keys. VALUES columns are column1..column6 on both backends.
    it->second[0] =
        "SELECT c.id, c.certificate_id, c.category, c.object, c.item, c.parameter, "
        "c.standard_no, c.institution_id, c.standard_key, c.standard_name, c.limitation, "
        "c.approved_on, c.valid_from, c.valid_to FROM (VALUES " +
        Tuples(rows, "CAST(? AS BIGINT), ?, ?, ?, ?, ?") +
        ") AS k JOIN capabilities c ON c.certificate_id = k.column1 AND c.category = k.column2 "
        "AND c.object = k.column3 AND c.item = k.column4 AND c.parameter = k.column5 AND "
        "c.standard_no = k.column6";
    // 1: new rows.
    it->second[1] =
        "INSERT INTO capabilities (certificate_id, category, object, item, parameter, "
        "standard_no, institution_id, standard_key, standard_name, limitation, approved_on, "
        "valid_from, valid_to, created_at, updated_at) VALUES " +
        Tuples(rows, "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?") +
        " ON CONFLICT (certificate_id, category, object, item, parameter, standard_no) DO "
        "NOTHING";
    // 2: the same, with the ids of the rows inserted (PostgreSQL; matched by key: RETURNING
    // has no defined order).
    it->second[2] = it->second[1] +
                    " RETURNING id, certificate_id, category, object, item, parameter, "
                    "standard_no";
  }
  return it->second[static_cast<size_t>(which)];
}

CapabilityRow CapabilityFromStored(const Row& r) {
  CapabilityRow c;
  c.certificate_id = r.Int(1);
  c.category = r.Text(2);
  c.object = r.Text(3);
  c.item = r.Text(4);
  c.parameter = r.Text(5);
  c.standard_no = r.Text(6);
  c.institution_id = r.Int(7);
  c.standard_key = r.Text(8);
  c.standard_name = r.Text(9);
  c.limitation = r.Text(10);
  c.approved_on = r.OptText(11);
  c.valid_from = r.OptText(12);
  c.valid_to = r.OptText(13);
  return c;
}

void AppendKey(std::vector<Value>& p, const CapabilityRow& c) {
  p.emplace_back(c.certificate_id);
  p.emplace_back(c.category);
  p.emplace_back(c.object);
  p.emplace_back(c.item);
  p.emplace_back(c.parameter);
  p.emplace_back(c.standard_no);
}
void AppendValues(std::vector<Value>& p, const CapabilityRow& c) {
  p.emplace_back(c.institution_id);
  p.emplace_back(c.standard_key);
  p.emplace_back(c.standard_name);
  p.emplace_back(c.limitation);
  p.emplace_back(OptText(c.approved_on));
  p.emplace_back(OptText(c.valid_from));
  p.emplace_back(OptText(c.valid_to));
}

// Rows per statement: 15 parameters per inserted row stay far below SQLite's 32,766.
constexpr size_t kBatchRows = 1000;

// institution_standards.retired (0012) of standard number `n` (an SQL expression): the catalogue
// marks it abolished, or a replacement link names it as replaced.
std::string RetiredExpr(const std::string& n) {
  return "CASE WHEN EXISTS (SELECT 1 FROM standards s WHERE s.number = " + n +
         " AND s.status = 'abolished') OR EXISTS (SELECT 1 FROM standard_replacements r WHERE "
         "r.replaced = " +
         n + ") THEN 1 ELSE 0 END";
}

// Changes of capability rows per (institution, standard number).
using CitedDelta = std::map<std::pair<int64_t, std::string>, int64_t>;

// Applies `delta` to institution_standards (0012): additions in multi-row upserts, removals one
// by one (moves and deletes are rare), dropping pairs no row cites any more.
Result<void> ApplyCitedDelta(Connection& tx, const CitedDelta& delta) {
  std::vector<std::pair<const std::pair<int64_t, std::string>*, int64_t>> added;
  for (const auto& [key, d] : delta) {
    if (d > 0) {
      added.emplace_back(&key, d);
    } else if (d < 0) {
      ZJ_TRY(
          tx.Exec("UPDATE institution_standards SET capability_rows = capability_rows + ? WHERE "
                  "institution_id = ? AND standard_no = ?",
                  std::vector<Value>{d, key.first, key.second}));
      ZJ_TRY(
          tx.Exec("DELETE FROM institution_standards WHERE institution_id = ? AND standard_no "
                  "= ? AND capability_rows <= 0",
                  std::vector<Value>{key.first, key.second}));
    }
  }
  // Statements of a few fixed sizes (the largest that fits, then smaller), so that the SQLite
  // adapter's statement cache reuses them: a batch's number of pairs varies, and preparing a
  // new multi-row statement per batch took a tenth of an import.
  std::vector<Value> params;
  for (size_t from = 0; from < added.size();) {
    size_t n = 1;
    for (size_t size : {512, 128, 32, 8}) {
      if (added.size() - from >= size) {
        n = size;
        break;
      }
    }
    params.clear();
    params.reserve(n * 3);
    for (size_t j = from; j < from + n; ++j) {
      params.emplace_back(added[j].first->first);
      params.emplace_back(added[j].first->second);
      params.emplace_back(added[j].second);
    }
    // "WHERE true": SQLite's parser needs it between INSERT ... SELECT and ON CONFLICT.
    ZJ_TRY(
        tx.Exec("INSERT INTO institution_standards (institution_id, standard_no, "
                "capability_rows, retired) SELECT v.column1, v.column2, v.column3, " +
                    RetiredExpr("v.column2") + " FROM (VALUES " +
                    Tuples(n, "CAST(? AS BIGINT), ?, CAST(? AS BIGINT)") +
                    ") AS v WHERE true ON CONFLICT (institution_id, standard_no) DO UPDATE SET "
                    "capability_rows = institution_standards.capability_rows + "
                    "excluded.capability_rows",
                params));
    from += n;
  }
  return Ok();
}

}  // namespace

// One path for single rows and batches, so that the stored per-institution counts are kept in
// one place.
Result<Upserted> Registry::UpsertCapability(Connection& tx, const Capability& v) {
  ZJ_ASSIGN_OR_RETURN(auto results, UpsertCapabilities(tx, std::span<const Capability>(&v, 1)));
  return std::move(results.at(0));
}

Result<std::vector<Result<Upserted>>> Registry::UpsertCapabilities(Connection& tx,
                                                                   std::span<const Capability> rows,
                                                                   Cited cited_upkeep) {
  const bool pg = tx.backend() == store::Backend::kPostgres;
  const std::string now = NowText(clock_.Now());
  std::vector<Result<Upserted>> out;
  out.reserve(rows.size());

  // One state per distinct key. `row` holds the first occurrence's values (what the INSERT
  // writes), then the values the rows seen so far leave behind.
  struct State {
    CapabilityRow row;
    std::optional<CapabilityRow> stored;  // the row as stored before the batch
    int64_t id = 0;                       // 0: not known yet
    int64_t fresh_above = -1;             // SQLite: ids above this were inserted by the batch
    bool dirty = false;                   // the stored row must be updated
  };
  std::vector<State> states;
  std::unordered_map<std::string, size_t> state_of;  // key -> index in states
  struct Later {                                     // a repeated key
    size_t state;
    CapabilityRow row;
  };
  std::vector<std::pair<size_t, size_t>> first_of;      // (index in rows, state)
  std::vector<std::pair<size_t, Later>> later;          // (index in rows, the repeat)
  std::vector<std::pair<size_t, bool>> order;           // (index in first_of or later, is later)
  std::unordered_map<int64_t, int64_t> institution_of;  // certificate -> institution

  // 1. Validate and normalise.
  for (size_t i = 0; i < rows.size(); ++i) {
    const Capability& v = rows[i];
    out.emplace_back(Upserted{});
    if (v.certificate_id <= 0) {
      out[i] = Missing("certificate_id");
      continue;
    }
    int64_t institution_id = v.institution_id;
    if (institution_id <= 0) {
      auto it = institution_of.find(v.certificate_id);
      if (it == institution_of.end()) {
        Result<int64_t> inst = InstitutionOfCertificate(tx, v.certificate_id);
        if (!inst && inst.error().kind() != Error::Kind::kNotFound) return inst.error();
        it = institution_of.emplace(v.certificate_id, inst ? *inst : 0).first;
      }
      if (it->second == 0) {
        out[i] = NotFound("registry.certificate-not-found",
                          "certificate " + std::to_string(v.certificate_id));
        continue;
      }
      institution_id = it->second;
    }
    Result<CapabilityRow> c = NormaliseCapability(v, institution_id);
    if (!c) {
      out[i] = c.error();
      continue;
    }
    auto [it, fresh] = state_of.try_emplace(c->Key(), states.size());
    if (fresh) {
      order.emplace_back(first_of.size(), false);
      first_of.emplace_back(i, states.size());
      states.push_back(State{std::move(*c), std::nullopt, 0, -1, false});
    } else {
      order.emplace_back(later.size(), true);
      later.emplace_back(i, Later{it->second, std::move(*c)});
    }
  }

  // Reads the stored rows of the states `which` (by key), chunked.
  std::vector<Value> params;
  auto look_up = [&](const std::vector<size_t>& which) -> Result<void> {
    for (size_t from = 0; from < which.size(); from += kBatchRows) {
      const size_t n = std::min(kBatchRows, which.size() - from);
      params.clear();
      params.reserve(n * 6);
      for (size_t j = from; j < from + n; ++j) AppendKey(params, states[which[j]].row);
      ZJ_ASSIGN_OR_RETURN(std::vector<Row> found, tx.Query(CapabilityBatchSql(0, n), params));
      for (const Row& r : found) {
        CapabilityRow stored = CapabilityFromStored(r);
        auto it = state_of.find(stored.Key());
        if (it == state_of.end()) continue;  // cannot happen: the join matched one of our keys
        State& s = states[it->second];
        s.id = r.Int(0);
        if (pg || s.id <= s.fresh_above) s.stored = std::move(stored);
      }
    }
    return Ok();
  };

  // 2. When the first key is stored already (a re-import, probably), the stored rows of all
  // keys first, so that the INSERT below only gets the new ones. A fresh import skips this.
  if (!states.empty()) {
    std::vector<Value> key;
    AppendKey(key, states[0].row);
    ZJ_ASSIGN_OR_RETURN(std::optional<Row> probe, tx.QueryOne(CapabilitySql().select, key));
    if (probe) {
      std::vector<size_t> all(states.size());
      for (size_t j = 0; j < all.size(); ++j) all[j] = j;
      for (State& s : states) s.fresh_above = INT64_MAX;
      ZJ_TRY(look_up(all));
    }
  }

  // 3. Insert the other keys with their first values; a key stored meanwhile is left alone (DO
  // NOTHING). A fresh import ends here: one statement per kBatchRows rows.
  std::vector<size_t> pending, unknown;  // states to insert; whose id the INSERT did not tell
  for (size_t j = 0; j < states.size(); ++j) {
    if (states[j].id == 0) pending.push_back(j);
  }
  for (size_t from = 0; from < pending.size(); from += kBatchRows) {
    const size_t n = std::min(kBatchRows, pending.size() - from);
    params.clear();
    params.reserve(n * 15);
    for (size_t j = from; j < from + n; ++j) {
      const CapabilityRow& c = states[pending[j]].row;
      AppendKey(params, c);
      AppendValues(params, c);
      params.emplace_back(now);
      params.emplace_back(now);
    }
    if (pg) {
      ZJ_ASSIGN_OR_RETURN(std::vector<Row> ids, tx.Query(CapabilityBatchSql(2, n), params));
      for (const Row& r : ids) {
        CapabilityRow k;
        k.certificate_id = r.Int(1);
        k.category = r.Text(2);
        k.object = r.Text(3);
        k.item = r.Text(4);
        k.parameter = r.Text(5);
        k.standard_no = r.Text(6);
        auto it = state_of.find(k.Key());
        if (it != state_of.end()) states[it->second].id = r.Int(0);
      }
      for (size_t j = from; j < from + n; ++j) {
        if (states[pending[j]].id == 0) unknown.push_back(pending[j]);
      }
      continue;
    }
    // SQLite, without RETURNING (which would keep a statement journal): the rows one INSERT
    // writes get consecutive rowids in VALUES order, ending at last_insert_rowid()
    // (AUTOINCREMENT: above every earlier id; the write transaction holds the lock).
    ZJ_ASSIGN_OR_RETURN(int64_t inserted, tx.Exec(CapabilityBatchSql(1, n), params));
    ZJ_ASSIGN_OR_RETURN(std::optional<Row> last, tx.QueryOne("SELECT last_insert_rowid()"));
    if (!last) return Error::Internal("registry.upsert", "no last_insert_rowid");
    if (inserted == static_cast<int64_t>(n)) {
      const int64_t first = last->Int(0) - static_cast<int64_t>(n) + 1;
      for (size_t j = 0; j < n; ++j) {
        states[pending[from + j]].id = first + static_cast<int64_t>(j);
      }
      continue;
    }
    // Some keys were stored already: the look-up below tells which, by id.
    const int64_t fresh_above = inserted > 0 ? last->Int(0) - inserted : INT64_MAX;
    for (size_t j = from; j < from + n; ++j) {
      states[pending[j]].fresh_above = fresh_above;
      unknown.push_back(pending[j]);
    }
  }

  // 4. The rows of the keys the INSERT did not resolve: stored before, or (SQLite) inserted
  // just now.
  ZJ_TRY(look_up(unknown));

  // 5. Outcomes in input order, each against the state the earlier rows left.
  for (const auto& [index, is_later] : order) {
    if (!is_later) {
      const auto [i, si] = first_of[index];
      State& s = states[si];
      if (s.id <= 0) {
        return Error::Internal("registry.upsert", "capability neither inserted nor found");
      }
      Outcome outcome = Outcome::kInserted;
      if (s.stored) {
        outcome = s.stored->SameValues(s.row) ? Outcome::kUnchanged : Outcome::kUpdated;
        s.dirty = outcome == Outcome::kUpdated;
      }
      out[i] = Upserted{s.id, outcome};
    } else {
      auto& [i, repeat] = later[index];
      State& s = states[repeat.state];
      if (s.row.SameValues(repeat.row)) {
        out[i] = Upserted{s.id, Outcome::kUnchanged};
      } else {
        out[i] = Upserted{s.id, Outcome::kUpdated};
        s.row = std::move(repeat.row);
        s.dirty = true;
      }
    }
  }

  // 6. Write the changed values (rare in a re-import), by id.
  static const std::string kUpdate =
      "UPDATE capabilities SET institution_id = ?, standard_key = ?, standard_name = ?, "
      "limitation = ?, approved_on = ?, valid_from = ?, valid_to = ?, updated_at = ? WHERE id = ?";
  std::map<int64_t, int64_t> count_delta;  // institutions.capability_count (0009)
  CitedDelta cited;                        // institution_standards (0012)
  for (const State& s : states) {
    if (s.id <= 0) continue;
    if (!s.stored) {
      ++count_delta[s.row.institution_id];
      ++cited[{s.row.institution_id, s.row.standard_no}];
    } else if (s.dirty && s.stored->institution_id != s.row.institution_id) {
      --count_delta[s.stored->institution_id];
      ++count_delta[s.row.institution_id];
      --cited[{s.stored->institution_id, s.row.standard_no}];
      ++cited[{s.row.institution_id, s.row.standard_no}];
    }
    if (!s.dirty) continue;
    params.clear();
    AppendValues(params, s.row);
    params.emplace_back(now);
    params.emplace_back(s.id);
    ZJ_TRY(tx.Exec(kUpdate, params));
  }
  for (const auto& [institution_id, delta] : count_delta) {
    if (delta == 0) continue;
    ZJ_TRY(tx.Exec("UPDATE institutions SET capability_count = capability_count + ? WHERE id = ?",
                   std::vector<Value>{delta, institution_id}));
  }
  if (cited_upkeep == Cited::kKeep) ZJ_TRY(ApplyCitedDelta(tx, cited));
  return out;
}

Result<void> Registry::RecountCitedStandards(Connection& tx) {
  ZJ_TRY(tx.Exec("DELETE FROM institution_standards"));
  ZJ_TRY(tx.Exec(
      "INSERT INTO institution_standards (institution_id, standard_no, capability_rows, retired) "
      "SELECT k.institution_id, k.standard_no, COUNT(*), CASE WHEN k.standard_no IN (SELECT "
      "s.number FROM standards s WHERE s.status = 'abolished' UNION SELECT r.replaced FROM "
      "standard_replacements r) THEN 1 ELSE 0 END FROM capabilities k GROUP BY k.institution_id, "
      "k.standard_no"));
  return Ok();
}

Result<Upserted> Registry::UpsertPerson(Connection& tx, const Person& v) {
  if (v.institution_id <= 0) return Missing("institution_id");
  std::string name = Trim(v.name);
  if (name.empty()) return Missing("name");
  std::string id_hash = Trim(v.id_hash);
  if (id_hash.empty()) return Missing("id_hash");
  const std::vector<SignatoryField> fields = NormaliseFields(v.signatory_fields);
  ZJ_TRY(CheckFields(fields));
  const std::string now = NowText(clock_.Now());
  std::vector<Value> keys{v.institution_id, std::move(id_hash)};
  std::vector<Value> vals{std::move(name), Trim(v.title), EncodeBarList(v.roles)};
  ZJ_ASSIGN_OR_RETURN(Upserted u,
                      RunUpsert(tx, PersonSql(), std::move(keys), std::move(vals), now));
  if (u.outcome == Outcome::kInserted) {
    if (!fields.empty()) ZJ_TRY(ReplaceFields(tx, u.id, fields));
    return u;
  }
  ZJ_ASSIGN_OR_RETURN(std::vector<SignatoryField> stored, ReadFields(tx, u.id));
  if (!SameFields(stored, fields)) {
    ZJ_TRY(ReplaceFields(tx, u.id, fields));
    if (u.outcome == Outcome::kUnchanged) {
      ZJ_TRY(
          tx.Exec("UPDATE people SET updated_at = ? WHERE id = ?", std::vector<Value>{now, u.id}));
    }
    MarkChanged(u);
  }
  return u;
}

Result<Upserted> Registry::UpsertEquipment(Connection& tx, const Equipment& v) {
  if (v.institution_id <= 0) return Missing("institution_id");
  std::string name = Trim(v.name);
  if (name.empty()) return Missing("name");
  std::optional<Date> due = TrimOpt(v.calibration_due);
  ZJ_TRY(CheckDate(due, "calibration_due"));
  std::vector<Value> keys{v.institution_id, std::move(name), Trim(v.serial)};
  std::vector<Value> vals{Trim(v.model), OptText(due)};
  return RunUpsert(tx, EquipmentSql(), std::move(keys), std::move(vals), NowText(clock_.Now()));
}

Result<Upserted> Registry::UpsertStandard(Connection& tx, const Standard& v) {
  auto [number, number_key] = CanonicalStandard(v.number);
  if (number.empty()) return Missing("number");
  const std::optional<Date> published_on = TrimOpt(v.published_on);
  const std::optional<Date> effective_on = TrimOpt(v.effective_on);
  const std::optional<Date> abolished_on = TrimOpt(v.abolished_on);
  ZJ_TRY(CheckDate(published_on, "published_on"));
  ZJ_TRY(CheckDate(effective_on, "effective_on"));
  ZJ_TRY(CheckDate(abolished_on, "abolished_on"));
  std::vector<Value> keys{number};
  std::vector<Value> vals{
      std::move(number_key), Trim(v.name),          std::string(StandardStatusName(v.status)),
      OptText(published_on), OptText(effective_on), OptText(abolished_on)};
  ZJ_ASSIGN_OR_RETURN(Upserted u, RunUpsert(tx, StandardSql(), std::move(keys), std::move(vals),
                                            NowText(clock_.Now())));
  // institution_standards.retired (0012) can change only for this number when it is updated or
  // inserted as abolished (a new current standard leaves the value its links gave), and for a
  // number named as replaced by a link added now.
  const Outcome row_outcome = u.outcome;
  std::vector<std::string> retire;
  if (row_outcome == Outcome::kUpdated ||
      (row_outcome == Outcome::kInserted && v.status == StandardStatus::kAbolished)) {
    retire.push_back(number);
  }
  auto link = [&](const std::string& replaced, const std::string& replacement) -> Result<void> {
    if (replaced.empty() || replacement.empty() || replaced == replacement) return Ok();
    ZJ_ASSIGN_OR_RETURN(
        int64_t added,
        tx.Exec("INSERT INTO standard_replacements (replaced, replacement) VALUES (?, ?) "
                "ON CONFLICT (replaced, replacement) DO NOTHING",
                std::vector<Value>{replaced, replacement}));
    if (added > 0) {
      MarkChanged(u);
      retire.push_back(replaced);
    }
    return Ok();
  };
  for (const std::string& old : v.replaces) ZJ_TRY(link(CanonicalStandard(old).first, number));
  for (const std::string& next : v.replaced_by) {
    ZJ_TRY(link(number, CanonicalStandard(next).first));
  }
  static const std::string kRetire =
      "UPDATE institution_standards SET retired = " + RetiredExpr("?") + " WHERE standard_no = ?";
  for (const std::string& n : retire) ZJ_TRY(tx.Exec(kRetire, std::vector<Value>{n, n, n}));
  return u;
}

Result<Upserted> Registry::UpsertCreditFlag(Connection& tx, const CreditFlag& v) {
  if (v.institution_id <= 0) return Missing("institution_id");
  const std::string listed_on = Trim(v.listed_on);
  ZJ_TRY(CheckRequiredDate(listed_on, "listed_on"));
  const std::optional<Date> removed_on = TrimOpt(v.removed_on);
  ZJ_TRY(CheckDate(removed_on, "removed_on"));
  std::vector<Value> keys{v.institution_id, std::string(CreditKindName(v.kind)), listed_on};
  std::vector<Value> vals{OptText(removed_on), Trim(v.authority), Trim(v.reason)};
  return RunUpsert(tx, CreditFlagSql(), std::move(keys), std::move(vals), NowText(clock_.Now()));
}

Result<Upserted> Registry::UpsertPenalty(Connection& tx, const Penalty& v) {
  if (v.institution_id <= 0) return Missing("institution_id");
  std::string decision_no = Trim(v.decision_no);
  if (decision_no.empty()) return Missing("decision_no");
  const std::string decided_on = Trim(v.decided_on);
  ZJ_TRY(CheckRequiredDate(decided_on, "decided_on"));
  std::vector<Value> keys{std::move(decision_no)};
  std::vector<Value> vals{
      v.institution_id,    decided_on,
      Trim(v.authority),   Trim(v.violation),
      Trim(v.legal_basis), v.amount_yuan ? Value(*v.amount_yuan) : store::Null()};
  return RunUpsert(tx, PenaltySql(), std::move(keys), std::move(vals), NowText(clock_.Now()));
}

Result<std::optional<int64_t>> Registry::InstitutionIdByUscc(Connection& conn,
                                                             const std::string& uscc) {
  Result<Uscc> parsed = Uscc::Parse(uscc);
  const std::string key = parsed ? parsed->str() : Trim(uscc);
  ZJ_ASSIGN_OR_RETURN(
      std::optional<Row> row,
      conn.QueryOne("SELECT id FROM institutions WHERE uscc = ?", std::vector<Value>{key}));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->Int(0));
}

Result<std::optional<std::pair<int64_t, int64_t>>> Registry::CertificateIdsByNumber(
    Connection& conn, const std::string& number) {
  ZJ_ASSIGN_OR_RETURN(std::optional<Row> row,
                      conn.QueryOne("SELECT id, institution_id FROM certificates WHERE number = ?",
                                    std::vector<Value>{CanonicalCertificateNo(number)}));
  if (!row) return std::optional<std::pair<int64_t, int64_t>>();
  return std::optional<std::pair<int64_t, int64_t>>(std::make_pair(row->Int(0), row->Int(1)));
}

// ================================================================ scoped reads

namespace {

Result<std::optional<Institution>> ReadScopedInstitution(Connection& conn, const Principal& viewer,
                                                         int64_t id) {
  std::string sql =
      std::string("SELECT ") + kInstitutionColumns + " FROM institutions i WHERE i.id = ?";
  std::vector<Value> params{id};
  store::AppendScope(
      store::ScopeFor(viewer, {.region_column = "i.region_code", .institution_column = "i.id"}),
      &sql, &params);
  ZJ_ASSIGN_OR_RETURN(std::optional<Row> row, conn.QueryOne(sql, params));
  if (!row) return std::optional<Institution>();
  return std::optional<Institution>(InstitutionFromRow(*row));
}

Error InstitutionNotFound(int64_t id) {
  return NotFound("institution.not-found", "institution " + std::to_string(id));
}

}  // namespace

Result<Institution> Registry::GetInstitution(const Principal& viewer, int64_t id) {
  if (viewer.role == Role::kPublic) return InstitutionNotFound(id);
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(std::optional<Institution> inst,
                      ReadScopedInstitution(conn.get(), viewer, id));
  if (!inst) return InstitutionNotFound(id);
  return std::move(*inst);
}

// ================================================================ audited edits

Result<Institution> Registry::SaveInstitution(const Principal& actor, const Institution& v,
                                              const std::string& ip) {
  if (actor.role != Role::kAdmin && actor.role != Role::kRegulator) {
    return Forbidden("institution records are edited by regulators");
  }
  ZJ_ASSIGN_OR_RETURN(Uscc uscc, ParseUscc(v.uscc));
  Institution w;
  w.id = v.id;
  w.uscc = uscc.str();
  w.name = Trim(v.name);
  if (w.name.empty()) return Missing("name");
  w.region_code = Trim(v.region_code);
  if (!IsSixDigits(w.region_code) || !RegionTable::Get().IsKnown(w.region_code)) {
    return Error::Invalid("registry.bad-region", "地区代码不存在（GB/T 2260）",
                          "no such region code (GB/T 2260)", "region_code: " + w.region_code);
  }
  w.address = Trim(v.address);
  w.legal_rep = Trim(v.legal_rep);
  w.legal_form = Trim(v.legal_form);
  w.national_centre = v.national_centre;
  const std::string domains = EncodeBarList(v.domains);

  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Institution>(
      conn.get(), [&](Connection& tx) -> Result<Institution> {
        const TimePoint at = clock_.Now();
        const std::string now = FormatInstant(at);
        if (w.id != 0) {  // an existing one out of scope is not found, whatever the new values
          ZJ_ASSIGN_OR_RETURN(std::optional<InstRef> ref, LoadInstRef(tx, w.id));
          if (!ref || !CanSee(actor, *ref)) return InstitutionNotFound(w.id);
          if (!CanEditInstitution(actor, *ref)) return Forbidden("institution " + Uint(w.id));
        }
        if (!actor.RegionInScope(w.region_code)) return Forbidden("region_code " + w.region_code);
        ZJ_ASSIGN_OR_RETURN(
            std::optional<Row> same_uscc,
            tx.QueryOne("SELECT id FROM institutions WHERE uscc = ?", std::vector<Value>{w.uscc}));
        if (same_uscc && same_uscc->Int(0) != w.id) return Duplicate("uscc " + w.uscc);
        int64_t id = w.id;
        bool changed = true;
        if (id == 0) {
          ZJ_ASSIGN_OR_RETURN(
              std::vector<Row> rows,
              tx.Query("INSERT INTO institutions (uscc, name, region_code, address, legal_rep, "
                       "legal_form, national_centre, domains, created_at, updated_at) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       std::vector<Value>{w.uscc, w.name, w.region_code, w.address, w.legal_rep,
                                          w.legal_form, int64_t{w.national_centre ? 1 : 0}, domains,
                                          now, now}));
          if (rows.empty()) return Error::Internal("registry.insert", "no id returned");
          id = rows[0].Int(0);
        } else {
          const std::vector<Value> vals{w.uscc,
                                        w.name,
                                        w.region_code,
                                        w.address,
                                        w.legal_rep,
                                        w.legal_form,
                                        int64_t{w.national_centre ? 1 : 0},
                                        domains};
          std::vector<Value> params = vals;
          params.emplace_back(now);
          params.emplace_back(id);
          params.insert(params.end(), vals.begin(), vals.end());
          ZJ_ASSIGN_OR_RETURN(
              int64_t n,
              tx.Exec("UPDATE institutions SET uscc = ?, name = ?, region_code = ?, address = ?, "
                      "legal_rep = ?, legal_form = ?, national_centre = ?, domains = ?, "
                      "updated_at = ? WHERE id = ? AND (uscc IS DISTINCT FROM ? OR name IS "
                      "DISTINCT FROM ? OR region_code IS DISTINCT FROM ? OR address IS DISTINCT "
                      "FROM ? OR legal_rep IS DISTINCT FROM ? OR legal_form IS DISTINCT FROM ? "
                      "OR national_centre IS DISTINCT FROM ? OR domains IS DISTINCT FROM ?)",
                      params));
          changed = n > 0;
        }
        audit::AuditEvent e;
        e.action = "institution.save";
        e.target_type = "institution";
        e.target_id = Uint(id);
        e.region_code = w.region_code;
        e.institution_id = id;
        e.detail["op"] = w.id == 0 ? "create" : "update";
        e.detail["changed"] = changed;
        e.detail["uscc"] = w.uscc;
        e.detail["name"] = w.name;
        if (uscc.suspect()) {
          // A failed check character is allowed (pilot-era codes) but flagged for review.
          e.detail["uscc_suspect"] = true;
          boost::json::array warnings;
          for (const UsccWarning& warning : uscc.checks().warnings)
            warnings.push_back(boost::json::string(warning.code));
          e.detail["uscc_warnings"] = std::move(warnings);
        }
        ZJ_TRY(audit::Append(tx, actor, ip, e, at));
        ZJ_ASSIGN_OR_RETURN(std::optional<Institution> saved, ReadInstitution(tx, id));
        if (!saved) return Error::Internal("registry.read-back", "institution " + Uint(id));
        return std::move(*saved);
      });
}

Result<Person> Registry::SavePerson(const Principal& actor, const Person& v,
                                    const std::string& ip) {
  if (!MayWriteRegistry(actor)) return Forbidden();
  Person w;
  w.id = v.id;
  w.institution_id = v.institution_id;
  if (w.id == 0 && w.institution_id <= 0) return Missing("institution_id");
  w.name = Trim(v.name);
  if (w.name.empty()) return Missing("name");
  w.id_hash = Trim(v.id_hash);
  if (w.id == 0 && w.id_hash.empty()) return Missing("id_hash");
  if (!w.id_hash.empty() && !IsLowerHex64(w.id_hash)) {
    return Error::Invalid(
        "registry.bad-id-hash", "身份证号哈希应为64位小写十六进制（registry/identity.h）",
        "id_hash must be 64 lowercase hex digits (registry/identity.h)", "id_hash");
  }
  w.title = Trim(v.title);
  const std::string roles = EncodeBarList(v.roles);
  w.signatory_fields = NormaliseFields(v.signatory_fields);
  ZJ_TRY(CheckFields(w.signatory_fields));

  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Person>(conn.get(), [&](Connection& tx) -> Result<Person> {
    const TimePoint at = clock_.Now();
    const std::string now = FormatInstant(at);
    std::optional<Person> existing;
    if (w.id != 0) {
      ZJ_ASSIGN_OR_RETURN(existing, ReadPerson(tx, w.id));
      if (!existing) return NotFound("registry.person-not-found", "person " + Uint(w.id));
      ZJ_TRY(ExistingMemberInstitution(tx, actor, existing->institution_id,
                                       "registry.person-not-found", "person " + Uint(w.id)));
      if (w.id_hash.empty()) w.id_hash = existing->id_hash;
      if (w.institution_id <= 0) w.institution_id = existing->institution_id;
    }
    ZJ_ASSIGN_OR_RETURN(InstRef inst, MemberInstitution(tx, actor, w.institution_id));
    ZJ_ASSIGN_OR_RETURN(std::optional<Row> same_key,
                        tx.QueryOne("SELECT id FROM people WHERE institution_id = ? AND "
                                    "id_hash = ?",
                                    std::vector<Value>{w.institution_id, w.id_hash}));
    if (same_key && same_key->Int(0) != w.id) {
      return Duplicate("a person with this identity number at institution " +
                       Uint(w.institution_id));
    }
    int64_t id = w.id;
    bool changed = true;
    if (id == 0) {
      ZJ_ASSIGN_OR_RETURN(
          std::vector<Row> rows,
          tx.Query(
              "INSERT INTO people (institution_id, name, id_hash, title, roles, created_at, "
              "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              std::vector<Value>{w.institution_id, w.name, w.id_hash, w.title, roles, now, now}));
      if (rows.empty()) return Error::Internal("registry.insert", "no id returned");
      id = rows[0].Int(0);
      ZJ_TRY(ReplaceFields(tx, id, w.signatory_fields));
    } else {
      const std::vector<Value> vals{w.institution_id, w.name, w.id_hash, w.title, roles};
      std::vector<Value> params = vals;
      params.emplace_back(now);
      params.emplace_back(id);
      params.insert(params.end(), vals.begin(), vals.end());
      ZJ_ASSIGN_OR_RETURN(
          int64_t n,
          tx.Exec("UPDATE people SET institution_id = ?, name = ?, id_hash = ?, title = ?, "
                  "roles = ?, updated_at = ? WHERE id = ? AND (institution_id IS DISTINCT FROM ? "
                  "OR name IS DISTINCT FROM ? OR id_hash IS DISTINCT FROM ? OR title IS "
                  "DISTINCT FROM ? OR roles IS DISTINCT FROM ?)",
                  params));
      changed = n > 0;
      if (!SameFields(existing->signatory_fields, w.signatory_fields)) {
        ZJ_TRY(ReplaceFields(tx, id, w.signatory_fields));
        if (!changed) {
          ZJ_TRY(tx.Exec("UPDATE people SET updated_at = ? WHERE id = ?",
                         std::vector<Value>{now, id}));
        }
        changed = true;
      }
    }
    return FinishMemberSave(
        tx, kPersonKind, actor, ip, at, w, existing, id, inst, changed,
        {{"signatory_fields", static_cast<int64_t>(w.signatory_fields.size())}});
  });
}

Result<void> Registry::DeletePerson(const Principal& actor, int64_t id, const std::string& ip) {
  return DeleteMember(db_, clock_, kPersonKind, actor, id, ip);
}

Result<Equipment> Registry::SaveEquipment(const Principal& actor, const Equipment& v,
                                          const std::string& ip) {
  if (!MayWriteRegistry(actor)) return Forbidden();
  Equipment w;
  w.id = v.id;
  w.institution_id = v.institution_id;
  if (w.id == 0 && w.institution_id <= 0) return Missing("institution_id");
  w.name = Trim(v.name);
  if (w.name.empty()) return Missing("name");
  w.model = Trim(v.model);
  w.serial = Trim(v.serial);
  w.calibration_due = TrimOpt(v.calibration_due);
  ZJ_TRY(CheckDate(w.calibration_due, "calibration_due"));

  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Equipment>(conn.get(), [&](Connection& tx) -> Result<Equipment> {
    const TimePoint at = clock_.Now();
    const std::string now = FormatInstant(at);
    std::optional<Equipment> existing;
    if (w.id != 0) {
      ZJ_ASSIGN_OR_RETURN(existing, ReadEquipment(tx, w.id));
      if (!existing) return NotFound("registry.equipment-not-found", "equipment " + Uint(w.id));
      ZJ_TRY(ExistingMemberInstitution(tx, actor, existing->institution_id,
                                       "registry.equipment-not-found", "equipment " + Uint(w.id)));
      if (w.institution_id <= 0) w.institution_id = existing->institution_id;
    }
    ZJ_ASSIGN_OR_RETURN(InstRef inst, MemberInstitution(tx, actor, w.institution_id));
    ZJ_ASSIGN_OR_RETURN(std::optional<Row> same_key,
                        tx.QueryOne("SELECT id FROM equipment WHERE institution_id = ? AND "
                                    "name = ? AND serial = ?",
                                    std::vector<Value>{w.institution_id, w.name, w.serial}));
    if (same_key && same_key->Int(0) != w.id) {
      return Duplicate("equipment " + w.name + " " + w.serial + " at institution " +
                       Uint(w.institution_id));
    }
    int64_t id = w.id;
    bool changed = true;
    if (id == 0) {
      ZJ_ASSIGN_OR_RETURN(
          std::vector<Row> rows,
          tx.Query("INSERT INTO equipment (institution_id, name, model, serial, calibration_due, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   std::vector<Value>{w.institution_id, w.name, w.model, w.serial,
                                      OptText(w.calibration_due), now, now}));
      if (rows.empty()) return Error::Internal("registry.insert", "no id returned");
      id = rows[0].Int(0);
    } else {
      const std::vector<Value> vals{w.institution_id, w.name, w.model, w.serial,
                                    OptText(w.calibration_due)};
      std::vector<Value> params = vals;
      params.emplace_back(now);
      params.emplace_back(id);
      params.insert(params.end(), vals.begin(), vals.end());
      ZJ_ASSIGN_OR_RETURN(
          int64_t n,
          tx.Exec("UPDATE equipment SET institution_id = ?, name = ?, model = ?, serial = ?, "
                  "calibration_due = ?, updated_at = ? WHERE id = ? AND (institution_id IS "
                  "DISTINCT FROM ? OR name IS DISTINCT FROM ? OR model IS DISTINCT FROM ? OR "
                  "serial IS DISTINCT FROM ? OR calibration_due IS DISTINCT FROM ?)",
                  params));
      changed = n > 0;
    }
    return FinishMemberSave(tx, kEquipmentKind, actor, ip, at, w, existing, id, inst, changed);
  });
}

Result<void> Registry::DeleteEquipment(const Principal& actor, int64_t id, const std::string& ip) {
  return DeleteMember(db_, clock_, kEquipmentKind, actor, id, ip);
}

// ================================================================ records regulators keep

namespace {

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kInserted:
      return "inserted";
    case Outcome::kUpdated:
      return "updated";
    case Outcome::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

bool IsRegulatorOrAdmin(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kRegulator;
}

// The institution of a record regulators keep, checked for `actor`: kNotFound when missing or
// outside the scope, kPermissionDenied when visible but not editable.
Result<InstRef> KeptInstitution(Connection& tx, const Principal& actor, int64_t institution_id) {
  ZJ_ASSIGN_OR_RETURN(std::optional<InstRef> ref, LoadInstRef(tx, institution_id));
  if (!ref || !CanSee(actor, *ref)) {
    return NotFound("institution.not-found", "institution " + Uint(institution_id));
  }
  if (!CanEditInstitution(actor, *ref)) return Forbidden("institution " + Uint(ref->id));
  return *ref;
}

// A business key held by a record of another institution refuses the save (it would move the
// record, possibly out of the actor's scope).
Result<void> KeyHeldElsewhere(Connection& tx, const char* sql, const std::string& key,
                              int64_t institution_id, const std::string& what) {
  ZJ_ASSIGN_OR_RETURN(std::optional<Row> row, tx.QueryOne(sql, std::vector<Value>{key}));
  if (row && row->Int(0) != institution_id) {
    return Duplicate(what + " belongs to another institution");
  }
  return Ok();
}

// The end of every keyed save: its audit record in the same transaction.
Result<Upserted> AuditKeyedSave(Connection& tx, const Principal& actor, const std::string& ip,
                                TimePoint at, const std::string& type, const Upserted& u,
                                const InstRef* inst, boost::json::object detail) {
  audit::AuditEvent e;
  e.action = type + ".save";
  e.target_type = type;
  e.target_id = Uint(u.id);
  if (inst) {
    e.region_code = inst->region_code;
    e.institution_id = inst->id;
  }
  e.detail = std::move(detail);
  e.detail["outcome"] = OutcomeName(u.outcome);
  ZJ_TRY(audit::Append(tx, actor, ip, e, at));
  return u;
}

// What differs between the deletable rows regulators keep.
struct KeptKind {
  const char* type;       // audit target type and action prefix
  const char* table;      // rows with `id` and `institution_id`
  const char* not_found;  // error code
  const char* columns;    // read before the delete, the institution id first
  // Kept counts after the delete, given the row's `columns`, or nullptr.
  Result<void> (*on_delete)(Connection& tx, const Row& deleted);
};

Result<void> DeleteKept(store::Database& db, const Clock& clock, const KeptKind& kind,
                        const Principal& actor, int64_t id, const std::string& ip) {
  if (!IsRegulatorOrAdmin(actor)) return Forbidden();
  const std::string what = std::string(kind.type) + " " + Uint(id);
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db.Acquire());
  return store::WithTransaction(conn.get(), [&](Connection& tx) -> Result<void> {
    ZJ_ASSIGN_OR_RETURN(
        std::optional<Row> row,
        tx.QueryOne(std::string("SELECT ") + kind.columns + " FROM " + kind.table + " WHERE id = ?",
                    std::vector<Value>{Value(id)}));
    if (!row) return NotFound(kind.not_found, what);
    Result<InstRef> inst = KeptInstitution(tx, actor, row->Int(0));
    if (!inst && inst.error().kind() == Error::Kind::kNotFound) {
      return NotFound(kind.not_found, what);
    }
    if (!inst) return std::move(inst).error();
    ZJ_TRY(tx.Exec(std::string("DELETE FROM ") + kind.table + " WHERE id = ?",
                   std::vector<Value>{Value(id)}));
    if (kind.on_delete) ZJ_TRY(kind.on_delete(tx, *row));
    audit::AuditEvent e = MemberEvent(std::string(kind.type) + ".delete", kind.type, id, *inst);
    ZJ_TRY(audit::Append(tx, actor, ip, e, clock.Now()));
    return Ok();
  });
}

// institutions.capability_count (0009) and institution_standards (0012) are kept by every write
// of capability rows.
Result<void> CapabilityDeleted(Connection& tx, const Row& deleted) {
  ZJ_TRY(tx.Exec("UPDATE institutions SET capability_count = capability_count - 1 WHERE id = ?",
                 std::vector<Value>{deleted.Int(0)}));
  return ApplyCitedDelta(tx, CitedDelta{{{deleted.Int(0), deleted.Text(1)}, -1}});
}
const KeptKind kCapabilityKind{"capability", "capabilities", "registry.capability-not-found",
                               "institution_id, standard_no", CapabilityDeleted};
const KeptKind kCreditFlagKind{"credit_flag", "credit_flags", "registry.credit-flag-not-found",
                               "institution_id", nullptr};
const KeptKind kPenaltyKind{"penalty", "penalties", "registry.penalty-not-found", "institution_id",
                            nullptr};

}  // namespace

Result<Upserted> Registry::SaveCertificate(const Principal& actor, const Certificate& v,
                                           const std::string& ip) {
  if (!IsRegulatorOrAdmin(actor)) return Forbidden();
  const std::string number = CanonicalCertificateNo(v.number);
  if (number.empty()) return Missing("number");
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Upserted>(conn.get(), [&](Connection& tx) -> Result<Upserted> {
    ZJ_ASSIGN_OR_RETURN(InstRef inst, KeptInstitution(tx, actor, v.institution_id));
    ZJ_TRY(KeyHeldElsewhere(tx, "SELECT institution_id FROM certificates WHERE number = ?", number,
                            inst.id, "certificate " + number));
    ZJ_ASSIGN_OR_RETURN(Upserted u, UpsertCertificate(tx, v));
    return AuditKeyedSave(tx, actor, ip, clock_.Now(), "certificate", u, &inst,
                          {{"number", number}, {"status", CertStatusName(v.status)}});
  });
}

Result<Upserted> Registry::SaveCapability(const Principal& actor, const Capability& v,
                                          const std::string& certificate_number,
                                          const std::string& ip) {
  if (!IsRegulatorOrAdmin(actor)) return Forbidden();
  const std::string number = CanonicalCertificateNo(certificate_number);
  if (number.empty()) return Missing("certificate_number");
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Upserted>(conn.get(), [&](Connection& tx) -> Result<Upserted> {
    ZJ_ASSIGN_OR_RETURN(InstRef inst, KeptInstitution(tx, actor, v.institution_id));
    ZJ_ASSIGN_OR_RETURN(std::optional<Row> cert,
                        tx.QueryOne("SELECT id FROM certificates WHERE number = ? AND "
                                    "institution_id = ?",
                                    std::vector<Value>{number, inst.id}));
    if (!cert) {
      return NotFound("registry.certificate-not-found",
                      "certificate " + number + " of institution " + Uint(inst.id));
    }
    Capability w = v;
    w.certificate_id = cert->Int(0);
    w.institution_id = inst.id;
    ZJ_ASSIGN_OR_RETURN(Upserted u, UpsertCapability(tx, w));
    return AuditKeyedSave(
        tx, actor, ip, clock_.Now(), "capability", u, &inst,
        {{"certificate", number}, {"item", Trim(w.item)}, {"standard_no", Trim(w.standard_no)}});
  });
}

Result<Upserted> Registry::SaveCreditFlag(const Principal& actor, const CreditFlag& v,
                                          const std::string& ip) {
  if (!IsRegulatorOrAdmin(actor)) return Forbidden();
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Upserted>(conn.get(), [&](Connection& tx) -> Result<Upserted> {
    ZJ_ASSIGN_OR_RETURN(InstRef inst, KeptInstitution(tx, actor, v.institution_id));
    ZJ_ASSIGN_OR_RETURN(Upserted u, UpsertCreditFlag(tx, v));
    return AuditKeyedSave(tx, actor, ip, clock_.Now(), "credit_flag", u, &inst,
                          {{"kind", CreditKindName(v.kind)}, {"listed_on", Trim(v.listed_on)}});
  });
}

Result<Upserted> Registry::SavePenalty(const Principal& actor, const Penalty& v,
                                       const std::string& ip) {
  if (!IsRegulatorOrAdmin(actor)) return Forbidden();
  const std::string decision_no = Trim(v.decision_no);
  if (decision_no.empty()) return Missing("decision_no");
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Upserted>(conn.get(), [&](Connection& tx) -> Result<Upserted> {
    ZJ_ASSIGN_OR_RETURN(InstRef inst, KeptInstitution(tx, actor, v.institution_id));
    ZJ_TRY(KeyHeldElsewhere(tx, "SELECT institution_id FROM penalties WHERE decision_no = ?",
                            decision_no, inst.id, "penalty " + decision_no));
    ZJ_ASSIGN_OR_RETURN(Upserted u, UpsertPenalty(tx, v));
    return AuditKeyedSave(tx, actor, ip, clock_.Now(), "penalty", u, &inst,
                          {{"decision_no", decision_no}});
  });
}

Result<void> Registry::DeleteCapability(const Principal& actor, int64_t id, const std::string& ip) {
  return DeleteKept(db_, clock_, kCapabilityKind, actor, id, ip);
}

Result<void> Registry::DeleteCreditFlag(const Principal& actor, int64_t id, const std::string& ip) {
  return DeleteKept(db_, clock_, kCreditFlagKind, actor, id, ip);
}

Result<void> Registry::DeletePenalty(const Principal& actor, int64_t id, const std::string& ip) {
  return DeleteKept(db_, clock_, kPenaltyKind, actor, id, ip);
}

Result<Upserted> Registry::SaveStandard(const Principal& actor, const Standard& v,
                                        const std::string& ip) {
  if (actor.role != Role::kAdmin) return Forbidden("the standards catalogue: administrators");
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db_.Acquire());
  return store::WithTransaction<Upserted>(conn.get(), [&](Connection& tx) -> Result<Upserted> {
    ZJ_ASSIGN_OR_RETURN(Upserted u, UpsertStandard(tx, v));
    return AuditKeyedSave(tx, actor, ip, clock_.Now(), "standard", u, nullptr,
                          {{"number", Trim(v.number)}, {"status", StandardStatusName(v.status)}});
  });
}

}  // namespace zhijian::registry
