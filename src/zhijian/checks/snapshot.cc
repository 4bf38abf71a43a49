#include "zhijian/checks/snapshot.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"

namespace zhijian::checks {

using store::Row;
using store::Value;

Day ToDay(std::string_view iso_date) {
  if (iso_date.empty()) return kNoDay;
  auto d = ParseIsoDay(iso_date);
  return d ? static_cast<Day>(*d) : kNoDay;
}

std::string DayText(Day day) { return day == kNoDay ? std::string() : FormatIsoDay(day); }

StringPool::StringPool() { Intern(""); }

uint32_t StringPool::Intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  bytes_ += s.size() + sizeof(std::string) + 32;  // string, deque slot, map node (approx.)
  index_.emplace(strings_.back(), id);
  return id;
}

// The compact rows the header promises (the province-scale memory figures depend on them).
static_assert(sizeof(SnapCapability) == 40);
static_assert(sizeof(SnapEquipment) == 32);

TextRef TextArena::Add(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > 0xFFFF) s = s.substr(0, 0xFFFF);
  if (chunks_.empty() || chunks_.back().size() + s.size() > kChunk) {
    chunks_.emplace_back();
    chunks_.back().reserve(kChunk);
  }
  std::string& c = chunks_.back();
  TextRef r{static_cast<uint32_t>(c.size()), static_cast<uint16_t>(chunks_.size() - 1),
            static_cast<uint16_t>(s.size())};
  c.append(s);
  return r;
}

std::optional<uint32_t> StringPool::Find(std::string_view s) const {
  auto it = index_.find(s);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void Snapshot::Finish() {
  standard_index.clear();
  standard_index.reserve(standards.size());
  for (size_t i = 0; i < standards.size(); ++i) {
    standard_index.emplace(standards[i].number, static_cast<int32_t>(i));
  }
  standard_of_string.assign(strings.size(), -1);
  for (uint32_t s = 0; s < strings.size(); ++s) {
    standard_of_string[s] = StandardIndex(strings[s]);
  }
}

int32_t Snapshot::StandardIndex(std::string_view number) const {
  auto it = standard_index.find(number);
  return it == standard_index.end() ? -1 : it->second;
}

int32_t Snapshot::StandardOfString(uint32_t string_index) const {
  return string_index < standard_of_string.size() ? standard_of_string[string_index] : -1;
}

int64_t Snapshot::InScopeInstitutions() const {
  return std::count_if(institutions.begin(), institutions.end(),
                       [](const SnapInstitution& i) { return i.in_scope; });
}

namespace {

size_t StrBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

}  // namespace

size_t Snapshot::ApproxBytes() const {
  size_t n = strings.bytes();
  n += institutions.capacity() * sizeof(SnapInstitution);
  for (const auto& i : institutions) {
    n += StrBytes(i.uscc) + StrBytes(i.name) + StrBytes(i.region_code) + StrBytes(i.address) +
         StrBytes(i.legal_rep) + StrBytes(i.legal_form) + i.domains.capacity() * 32;
  }
  n += certificates.capacity() * sizeof(SnapCertificate);
  for (const auto& c : certificates) {
    n += StrBytes(c.issuer) + c.history.capacity() * sizeof(SnapStatusChange);
  }
  n += capabilities.capacity() * sizeof(SnapCapability);
  n += people.capacity() * sizeof(SnapPerson);
  for (const auto& p : people) {
    n += StrBytes(p.name) + StrBytes(p.id_hash) + StrBytes(p.title) + p.roles.capacity() * 32 +
         p.signatory_fields.capacity() * sizeof(SnapSignatoryField);
  }
  n += external_people.capacity() * sizeof(ExternalPerson) + external_people.size() * 65;
  n += equipment.capacity() * sizeof(SnapEquipment);
  n += texts.bytes();
  n += standards.capacity() * sizeof(SnapStandard);
  for (const auto& s : standards) n += StrBytes(s.number) + StrBytes(s.name);
  n += credit.capacity() * sizeof(SnapCredit);
  n += standard_index.size() * 48 + standard_of_string.capacity() * sizeof(int32_t);
  return n;
}

namespace {

class Loader {
 public:
  Loader(store::Connection& conn, const LoadOptions& o) : conn_(conn), o_(o) {}

  Result<Snapshot> Run() {
    const std::string& p = o_.region_prefix;
    const bool digits =
        std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || !(p.empty() || p.size() == 2 || p.size() == 4 || p.size() == 6)) {
      return Error::Invalid("quality.bad-scope", "地区范围无效（2、4或6位数字）",
                            "bad region scope (2, 4 or 6 digits)", p);
    }
    snap_.region_prefix = p;
    if (!p.empty()) {
      scope_sql_ = " AND institution_id IN (SELECT id FROM institutions WHERE region_code LIKE ?)";
      scope_param_ = p + "%";
    }
    ZJ_TRY(conn_.Begin(false));
    Result<void> r = LoadAll();
    (void)conn_.Rollback();  // read-only: nothing to commit
    if (!r) return std::move(r).error();
    // Latest update per institution, as a China date.
    for (size_t i = 0; i < snap_.institutions.size(); ++i) {
      TimePoint t;
      if (!last_updated_[i].empty() && ParseInstant(last_updated_[i], &t)) {
        snap_.institutions[i].last_updated = ToDay(ChinaDate(t));
      }
    }
    snap_.Finish();
    return std::move(snap_);
  }

 private:
  Result<void> LoadAll() {
    ZJ_TRY(LoadInstitutions());
    ZJ_TRY(LoadStandards());
    ZJ_TRY(LoadCertificates());
    ZJ_TRY(LoadCapabilities());
    ZJ_TRY(LoadPeople());
    ZJ_TRY(LoadEquipment());
    ZJ_TRY(LoadCredit());
    return Ok();
  }

  void Progress(std::string_view phase, int64_t done, int64_t total) {
    if (o_.progress) o_.progress(LoadProgress{phase, done, total});
  }

  // Parameters: the scope's LIKE pattern (if any) followed by `extra`.
  std::vector<Value> Params(std::initializer_list<Value> extra = {}) const {
    std::vector<Value> v;
    if (!scope_param_.empty()) v.emplace_back(scope_param_);
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  }

  Result<int64_t> Count(const std::string& table) {
    ZJ_ASSIGN_OR_RETURN(
        auto row,
        conn_.QueryOne("SELECT COUNT(*) FROM " + table + " WHERE 1=1" + scope_sql_, Params()));
    return row ? row->Int(0) : 0;
  }

  // Runs `select` (a SELECT whose first column is the id, ending in "WHERE 1=1") page by page
  // in id order, calling `fn` for every row.
  Result<void> Paged(std::string_view phase, const std::string& select, const std::string& scope,
                     int64_t total, const std::function<void(const Row&)>& fn) {
    const std::string sql = select + scope + " AND id > ? ORDER BY id LIMIT ?";
    int64_t after = 0, done = 0;
    Progress(phase, 0, total);
    while (true) {
      // Every scope fragment holds exactly one placeholder: the LIKE pattern.
      std::vector<Value> params;
      if (!scope.empty()) params.emplace_back(scope_param_);
      params.emplace_back(after);
      params.emplace_back(int64_t{o_.page_rows});
      ZJ_ASSIGN_OR_RETURN(auto rows, conn_.Query(sql, params));
      for (const Row& r : rows) fn(r);
      done += static_cast<int64_t>(rows.size());
      Progress(phase, done, total);
      if (static_cast<int>(rows.size()) < o_.page_rows) break;
      after = rows.back().Int(0);
    }
    return Ok();
  }

  // Keeps the latest updated_at text per institution (RFC 3339 UTC sorts as text).
  void Touch(uint32_t inst, const Row& r, size_t column) {
    const auto* t = std::get_if<std::string>(&r.at(column));
    if (t && *t > last_updated_[inst]) last_updated_[inst] = *t;
  }

  Result<void> LoadInstitutions() {
    ZJ_ASSIGN_OR_RETURN(
        auto rows,
        conn_.Query("SELECT id, uscc, name, region_code, COALESCE(address, ''), "
                    "COALESCE(legal_rep, ''), COALESCE(legal_form, ''), domains, national_centre, "
                    "updated_at FROM institutions ORDER BY id"));
    snap_.institutions.reserve(rows.size());
    last_updated_.resize(rows.size());
    for (const Row& r : rows) {
      SnapInstitution i;
      i.id = r.Int(0);
      i.uscc = r.Text(1);
      i.name = r.Text(2);
      i.region_code = r.Text(3);
      i.address = r.Text(4);
      i.legal_rep = r.Text(5);
      i.legal_form = r.Text(6);
      i.domains = registry::DecodeBarList(r.Text(7));
      i.national_centre = r.Int(8) != 0;
      i.in_scope = i.region_code.starts_with(snap_.region_prefix);
      const auto idx = static_cast<uint32_t>(snap_.institutions.size());
      inst_index_.emplace(i.id, idx);
      snap_.institutions.push_back(std::move(i));
      Touch(idx, r, 9);
    }
    Progress("institutions", static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows.size()));
    return Ok();
  }

  // Index of an institution id, or -1 (a row of an unknown institution: skipped).
  int64_t Inst(int64_t id) const {
    auto it = inst_index_.find(id);
    return it == inst_index_.end() ? -1 : it->second;
  }

  Result<void> LoadStandards() {
    ZJ_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT id, number, name, status, published_on, "
                                               "effective_on, abolished_on FROM standards ORDER "
                                               "BY id"));
    snap_.standards.reserve(rows.size());
    std::unordered_map<std::string, size_t> by_number;
    for (const Row& r : rows) {
      SnapStandard s;
      s.id = r.Int(0);
      s.number = r.Text(1);
      s.name = r.Text(2);
      s.status =
          registry::ParseStandardStatus(r.Text(3)).value_or(registry::StandardStatus::kCurrent);
      s.published = ToDay(r.Text(4));
      s.effective = ToDay(r.Text(5));
      s.abolished = ToDay(r.Text(6));
      by_number.emplace(s.number, snap_.standards.size());
      snap_.standards.push_back(std::move(s));
    }
    ZJ_ASSIGN_OR_RETURN(auto links, conn_.Query("SELECT replaced, replacement FROM "
                                                "standard_replacements ORDER BY replaced, "
                                                "replacement"));
    for (const Row& r : links) {
      auto it = by_number.find(r.Text(0));
      if (it != by_number.end()) snap_.standards[it->second].replaced_by.push_back(r.Text(1));
    }
    Progress("standards", static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows.size()));
    return Ok();
  }

  Result<void> LoadCertificates() {
    ZJ_ASSIGN_OR_RETURN(
        auto rows, conn_.Query("SELECT id, institution_id, number, issuer, issued_on, expires_on, "
                               "status, updated_at FROM certificates WHERE 1=1" +
                                   scope_sql_ + " ORDER BY id",
                               Params()));
    snap_.certificates.reserve(rows.size());
    for (const Row& r : rows) {
      const int64_t inst = Inst(r.Int(1));
      if (inst < 0) continue;
      SnapCertificate c;
      c.id = r.Int(0);
      c.inst = static_cast<uint32_t>(inst);
      c.number = r.Text(2);
      c.issuer = r.Text(3);
      c.issued = ToDay(r.Text(4));
      c.expires = ToDay(r.Text(5));
      c.status = registry::ParseCertStatus(r.Text(6)).value_or(registry::CertStatus::kValid);
      cert_index_.emplace(c.id, static_cast<uint32_t>(snap_.certificates.size()));
      snap_.certificates.push_back(std::move(c));
      Touch(static_cast<uint32_t>(inst), r, 7);
    }
    const std::string hist_scope =
        scope_sql_.empty()
            ? std::string()
            : " AND certificate_id IN (SELECT id FROM certificates WHERE 1=1" + scope_sql_ + ")";
    ZJ_ASSIGN_OR_RETURN(auto hist,
                        conn_.Query("SELECT certificate_id, status, effective_on FROM "
                                    "certificate_status_history WHERE 1=1" +
                                        hist_scope + " ORDER BY certificate_id, effective_on, id",
                                    Params()));
    for (const Row& r : hist) {
      auto it = cert_index_.find(r.Int(0));
      if (it == cert_index_.end()) continue;
      snap_.certificates[it->second].history.push_back(SnapStatusChange{
          registry::ParseCertStatus(r.Text(1)).value_or(registry::CertStatus::kValid),
          ToDay(r.Text(2))});
    }
    Progress("certificates", static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows.size()));
    return Ok();
  }

  Result<void> LoadCapabilities() {
    ZJ_ASSIGN_OR_RETURN(const int64_t total, Count("capabilities"));
    snap_.capabilities.reserve(static_cast<size_t>(total));
    StringPool& pool = snap_.strings;
    return Paged(
        "capabilities",
        "SELECT id, certificate_id, institution_id, category, object, item, standard_no, CASE "
        "WHEN standard_name = '' THEN 0 ELSE 1 END, CASE WHEN approved_on IS NULL THEN 0 ELSE 1 "
        "END, COALESCE(valid_from, approved_on), valid_to, updated_at FROM capabilities WHERE 1=1",
        scope_sql_, total, [&](const Row& r) {
          auto cert = cert_index_.find(r.Int(1));
          if (cert == cert_index_.end()) return;
          SnapCapability c;
          c.id = r.Int(0);
          c.cert = cert->second;
          const auto& cell = [&](size_t i) -> std::string_view {
            const auto* s = std::get_if<std::string>(&r.at(i));
            return s ? std::string_view(*s) : std::string_view();
          };
          c.category = pool.Intern(cell(3));
          c.object = pool.Intern(cell(4));
          c.item = pool.Intern(cell(5));
          c.standard_no = pool.Intern(cell(6));
          c.flags = static_cast<uint8_t>((r.Int(7) ? SnapCapability::kHasStandardName : 0) |
                                         (r.Int(8) ? SnapCapability::kHasApprovedOn : 0));
          c.valid_from = ToDay(cell(9));
          c.valid_to = ToDay(cell(10));
          snap_.capabilities.push_back(c);
          Touch(snap_.certificates[c.cert].inst, r, 11);
        });
  }

  Result<void> LoadPeople() {
    ZJ_ASSIGN_OR_RETURN(const int64_t total, Count("people"));
    snap_.people.reserve(static_cast<size_t>(total));
    std::unordered_map<int64_t, uint32_t> person_index;
    person_index.reserve(static_cast<size_t>(total));
    ZJ_TRY(Paged("people",
                 "SELECT id, institution_id, name, id_hash, title, roles, updated_at FROM people "
                 "WHERE 1=1",
                 scope_sql_, total, [&](const Row& r) {
                   const int64_t inst = Inst(r.Int(1));
                   if (inst < 0) return;
                   SnapPerson p;
                   p.id = r.Int(0);
                   p.inst = static_cast<uint32_t>(inst);
                   p.name = r.Text(2);
                   p.id_hash = r.Text(3);
                   p.title = r.Text(4);
                   p.roles = registry::DecodeBarList(r.Text(5));
                   person_index.emplace(p.id, static_cast<uint32_t>(snap_.people.size()));
                   snap_.people.push_back(std::move(p));
                   Touch(static_cast<uint32_t>(inst), r, 6);
                 }));
    const std::string field_scope =
        scope_sql_.empty()
            ? std::string()
            : " AND person_id IN (SELECT id FROM people WHERE 1=1" + scope_sql_ + ")";
    ZJ_TRY(Paged("signatory fields",
                 "SELECT id, person_id, field, authorized_from, authorized_to FROM "
                 "signatory_fields WHERE 1=1",
                 field_scope, 0, [&](const Row& r) {
                   auto it = person_index.find(r.Int(1));
                   if (it == person_index.end()) return;
                   snap_.people[it->second].signatory_fields.push_back(
                       SnapSignatoryField{r.Text(2), ToDay(r.Text(3)), ToDay(r.Text(4))});
                 }));
    if (!scope_sql_.empty()) {
      // People elsewhere sharing an ID hash with someone here.
      ZJ_ASSIGN_OR_RETURN(
          auto rows,
          conn_.Query("SELECT id_hash, institution_id FROM people WHERE id_hash IN (SELECT "
                      "id_hash FROM people WHERE 1=1" +
                          scope_sql_ +
                          ") AND institution_id NOT IN (SELECT id FROM institutions WHERE "
                          "region_code LIKE ?) ORDER BY id",
                      Params({Value(scope_param_)})));
      for (const Row& r : rows) {
        const int64_t inst = Inst(r.Int(1));
        if (inst >= 0) {
          snap_.external_people.push_back(ExternalPerson{r.Text(0), static_cast<uint32_t>(inst)});
        }
      }
    }
    return Ok();
  }

  Result<void> LoadEquipment() {
    ZJ_ASSIGN_OR_RETURN(const int64_t total, Count("equipment"));
    snap_.equipment.reserve(static_cast<size_t>(total));
    StringPool& pool = snap_.strings;
    return Paged("equipment",
                 "SELECT id, institution_id, name, model, serial, calibration_due, updated_at "
                 "FROM equipment WHERE 1=1",
                 scope_sql_, total, [&](const Row& r) {
                   const int64_t inst = Inst(r.Int(1));
                   if (inst < 0) return;
                   SnapEquipment e;
                   e.id = r.Int(0);
                   e.inst = static_cast<uint32_t>(inst);
                   e.name = pool.Intern(r.Text(2));
                   e.model = pool.Intern(r.Text(3));
                   const auto* serial = std::get_if<std::string>(&r.at(4));
                   e.serial = snap_.texts.Add(serial ? std::string_view(*serial) : "");
                   e.calibration_due = ToDay(r.Text(5));
                   snap_.equipment.push_back(std::move(e));
                   Touch(static_cast<uint32_t>(inst), r, 6);
                 });
  }

  Result<void> LoadCredit() {
    ZJ_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT institution_id, kind, listed_on, "
                                               "removed_on FROM credit_flags ORDER BY id"));
    for (const Row& r : rows) {
      const int64_t inst = Inst(r.Int(0));
      auto kind = registry::ParseCreditKind(r.Text(1));
      if (inst < 0 || !kind) continue;
      snap_.credit.push_back(
          SnapCredit{static_cast<uint32_t>(inst), *kind, ToDay(r.Text(2)), ToDay(r.Text(3))});
    }
    return Ok();
  }

  store::Connection& conn_;
  const LoadOptions& o_;
  Snapshot snap_;
  std::string scope_sql_;    // " AND institution_id IN (...)" or ""
  std::string scope_param_;  // "37%" or ""
  std::unordered_map<int64_t, uint32_t> inst_index_;
  std::unordered_map<int64_t, uint32_t> cert_index_;
  std::vector<std::string> last_updated_;  // per institution: max updated_at text
};

}  // namespace

Result<Snapshot> LoadSnapshot(store::Connection& conn, const LoadOptions& options) {
  Loader loader(conn, options);
  return loader.Run();
}

}  // namespace zhijian::checks
