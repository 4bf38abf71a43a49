#include "zhijian/checks/compliance_store.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "zhijian/audit/audit.h"
#include "zhijian/base/date.h"
#include "zhijian/base/digest.h"
#include "zhijian/checks/compliance_json.h"
#include "zhijian/checks/limits.h"
#include "zhijian/ledger/registration.h"
#include "zhijian/registry/model.h"
#include "zhijian/store/scope.h"

namespace zhijian::checks {

using store::Connection;
using store::Row;
using store::Value;
namespace json = boost::json;

namespace {

Error Forbidden(const std::string& detail = {}) {
  return Error(Error::Kind::kPermissionDenied, "auth.forbidden", "无权执行此操作", "not allowed",
               detail);
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

// Distinct non-empty values, in order.
std::vector<Value> Distinct(std::initializer_list<std::string> values) {
  std::vector<Value> out;
  std::set<std::string> seen;
  for (const auto& v : values) {
    if (!v.empty() && seen.insert(v).second) out.emplace_back(v);
  }
  return out;
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
    s.replace(p, from.size(), to);
  }
  return s;
}

Result<std::vector<Row>> InstitutionRows(Connection& conn, const std::string& where,
                                         const std::vector<Value>& params) {
  return conn.Query("SELECT id, uscc, name, region_code FROM institutions WHERE " + where +
                        " ORDER BY id LIMIT 50",
                    params);
}

// Appends certificates (rows: id, institution_id, number, issuer, issued_on, expires_on,
// status) with their status history; `inst_of` maps an institution id to its index.
Result<void> AddCertificates(Connection& conn, const std::vector<Row>& rows,
                             const std::function<Result<uint32_t>(int64_t)>& inst_of,
                             RegistryFacts* f, std::unordered_map<int64_t, uint32_t>* cert_index) {
  std::vector<Value> ids;
  for (const Row& row : rows) {
    ZJ_ASSIGN_OR_RETURN(uint32_t inst, inst_of(row.Int(1)));
    SnapCertificate c;
    c.id = row.Int(0);
    c.inst = inst;
    c.number = row.Text(2);
    c.issuer = row.Text(3);
    c.issued = ToDay(row.Text(4));
    c.expires = ToDay(row.Text(5));
    c.status = registry::ParseCertStatus(row.Text(6)).value_or(registry::CertStatus::kValid);
    cert_index->emplace(c.id, static_cast<uint32_t>(f->certificates.size()));
    ids.emplace_back(c.id);
    f->certificates.push_back(std::move(c));
  }
  if (ids.empty()) return Ok();
  ZJ_ASSIGN_OR_RETURN(auto hist, conn.Query("SELECT certificate_id, status, effective_on FROM "
                                            "certificate_status_history WHERE certificate_id IN (" +
                                                Placeholders(ids.size()) +
                                                ") ORDER BY certificate_id, effective_on, id",
                                            ids));
  for (const Row& row : hist) {
    auto it = cert_index->find(row.Int(0));
    if (it == cert_index->end()) continue;
    f->certificates[it->second].history.push_back(SnapStatusChange{
        registry::ParseCertStatus(row.Text(1)).value_or(registry::CertStatus::kValid),
        ToDay(row.Text(2))});
  }
  return Ok();
}

constexpr const char* kCertificateColumns =
    "SELECT id, institution_id, number, issuer, issued_on, expires_on, status FROM certificates ";

// The facts of one institution that do not depend on the report: its certificates with history,
// capability rows, people with signatory fields and every registration of their ID hashes
// elsewhere. Institution 0 is the institution itself.
Result<RegistryFacts> LoadInstitutionPart(Connection& conn, const FactsInstitution& self) {
  RegistryFacts f;
  std::unordered_map<int64_t, uint32_t> inst{{self.id, 0}};
  f.institutions.push_back(self);
  auto inst_of = [&](int64_t id) -> Result<uint32_t> {
    if (auto it = inst.find(id); it != inst.end()) return it->second;
    ZJ_ASSIGN_OR_RETURN(auto rows, InstitutionRows(conn, "id = ?", {Value(id)}));
    if (rows.empty())
      return Error::Internal("checks.dangling", "institution " + std::to_string(id));
    const auto idx = static_cast<uint32_t>(f.institutions.size());
    f.institutions.push_back(
        FactsInstitution{id, rows[0].Text(1), rows[0].Text(2), rows[0].Text(3)});
    inst.emplace(id, idx);
    return idx;
  };
  std::unordered_map<int64_t, uint32_t> cert;
  ZJ_ASSIGN_OR_RETURN(auto certs, conn.Query(std::string(kCertificateColumns) +
                                                 "WHERE institution_id = ? ORDER BY id",
                                             std::vector<Value>{self.id}));
  ZJ_TRY(AddCertificates(conn, certs, inst_of, &f, &cert));

  ZJ_ASSIGN_OR_RETURN(
      auto caps,
      conn.Query("SELECT certificate_id, category, object, item, parameter, standard_no, "
                 "limitation, COALESCE(valid_from, approved_on), valid_to FROM capabilities "
                 "WHERE institution_id = ? ORDER BY id",
                 std::vector<Value>{self.id}));
  f.capabilities.reserve(caps.size());
  for (const Row& row : caps) {
    auto it = cert.find(row.Int(0));
    if (it == cert.end()) continue;
    f.capabilities.push_back(FactsCapability{it->second, row.Text(1), row.Text(2), row.Text(3),
                                             row.Text(4), row.Text(5), row.Text(6),
                                             ToDay(row.Text(7)), ToDay(row.Text(8))});
  }

  ZJ_ASSIGN_OR_RETURN(auto people, conn.Query("SELECT id, institution_id, name, id_hash, title, "
                                              "roles FROM people WHERE institution_id = ? "
                                              "ORDER BY id",
                                              std::vector<Value>{self.id}));
  std::unordered_map<int64_t, size_t> person;
  std::vector<std::string> hashes;
  for (const Row& row : people) {
    person.emplace(row.Int(0), f.people.size());
    f.people.push_back(SnapPerson{row.Int(0),
                                  0,
                                  row.Text(2),
                                  row.Text(3),
                                  row.Text(4),
                                  registry::DecodeBarList(row.Text(5)),
                                  {}});
    if (!row.Text(3).empty()) hashes.push_back(row.Text(3));
  }
  if (people.empty()) return f;
  ZJ_ASSIGN_OR_RETURN(
      auto fields,
      conn.Query("SELECT person_id, field, authorized_from, authorized_to FROM signatory_fields "
                 "WHERE person_id IN (SELECT id FROM people WHERE institution_id = ?) ORDER BY id",
                 std::vector<Value>{self.id}));
  for (const Row& row : fields) {
    auto it = person.find(row.Int(0));
    if (it == person.end()) continue;
    f.people[it->second].signatory_fields.push_back(
        SnapSignatoryField{row.Text(1), ToDay(row.Text(2)), ToDay(row.Text(3))});
  }
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < hashes.size(); start += kChunk) {
    const size_t n = std::min(kChunk, hashes.size() - start);
    std::vector<Value> params;
    for (size_t i = 0; i < n; ++i) params.emplace_back(hashes[start + i]);
    params.emplace_back(self.id);
    ZJ_ASSIGN_OR_RETURN(auto others,
                        conn.Query("SELECT id, institution_id, name, id_hash, title, roles FROM "
                                   "people WHERE id_hash IN (" +
                                       Placeholders(n) + ") AND institution_id <> ? ORDER BY id",
                                   params));
    for (const Row& row : others) {
      ZJ_ASSIGN_OR_RETURN(uint32_t i, inst_of(row.Int(1)));
      f.people.push_back(SnapPerson{row.Int(0),
                                    i,
                                    row.Text(2),
                                    row.Text(3),
                                    row.Text(4),
                                    registry::DecodeBarList(row.Text(5)),
                                    {}});
    }
  }
  return f;
}

// Loads the facts of reports (compliance.h's list): one set valid for every report given (a
// superset for each, which Check allows).
class FactsLoader {
 public:
  FactsLoader(Connection& conn, const Principal& viewer, std::span<const ReportFacts> reports,
              FactsCache* cache)
      : conn_(conn), viewer_(viewer), reports_(reports), cache_(cache) {}

  Result<RegistryFacts> Run() {
    std::set<std::string> usccs, names;
    for (const ReportFacts& r : reports_) {
      const std::string uscc = Upper(NormalizeReportText(r.report.institution));
      if (!uscc.empty()) usccs.insert(uscc);
      const std::string name(registry::TrimText(r.institution_name));
      if (name.empty()) continue;
      names.insert(name);
      names.insert(name.find("（") != std::string::npos
                       ? Replace(Replace(name, "（", "("), "）", ")")
                       : Replace(Replace(name, "(", "（"), ")", "）"));
    }
    for (const auto& u : usccs) ZJ_TRY(Institutions("uscc = ?", {Value(u)}));
    if (!names.empty()) {
      std::vector<Value> params(names.begin(), names.end());
      ZJ_TRY(Institutions("name IN (" + Placeholders(params.size()) + ")", params));
    }
    // The cited certificates with their holders first: they take part in choosing a report's
    // institution (SubjectOf).
    for (const ReportFacts& r : reports_) ZJ_TRY(CitedCertificate(r));
    // The reports' institutions, each with its part (certificates, capabilities, people).
    std::vector<std::optional<uint32_t>> subjects;
    std::set<int64_t> merged;
    for (const ReportFacts& r : reports_) {
      const std::optional<uint32_t> subject = SubjectOf(r, f_);
      subjects.push_back(subject);
      if (!subject) continue;
      const FactsInstitution self = f_.institutions[*subject];
      if (!merged.insert(self.id).second) continue;
      ZJ_TRY(RequireInScope(self.id, r));
      const RegistryFacts* part = cache_ ? cache_->Find(self.id) : nullptr;
      RegistryFacts loaded;
      if (part == nullptr) {
        ZJ_ASSIGN_OR_RETURN(loaded, LoadInstitutionPart(conn_, self));
        part = cache_ ? cache_->Put(self.id, std::move(loaded)) : &loaded;
      }
      Merge(*part);
    }
    ZJ_TRY(Standards());
    for (size_t i = 0; i < reports_.size(); ++i) {
      if (subjects[i]) ZJ_TRY(Reports(reports_[i], *subjects[i]));
    }
    return std::move(f_);
  }

 private:
  Result<void> Institutions(const std::string& where, const std::vector<Value>& params) {
    ZJ_ASSIGN_OR_RETURN(auto rows, InstitutionRows(conn_, where, params));
    for (const Row& row : rows)
      Add(FactsInstitution{row.Int(0), row.Text(1), row.Text(2), row.Text(3)});
    return Ok();
  }

  uint32_t Add(const FactsInstitution& i) {
    auto it = inst_.find(i.id);
    if (it != inst_.end()) return it->second;
    const auto idx = static_cast<uint32_t>(f_.institutions.size());
    f_.institutions.push_back(i);
    inst_.emplace(i.id, idx);
    return idx;
  }

  Result<uint32_t> InstitutionById(int64_t id) {
    if (auto it = inst_.find(id); it != inst_.end()) return it->second;
    ZJ_ASSIGN_OR_RETURN(auto rows, InstitutionRows(conn_, "id = ?", {Value(id)}));
    if (rows.empty())
      return Error::Internal("checks.dangling", "institution " + std::to_string(id));
    return Add(FactsInstitution{rows[0].Int(0), rows[0].Text(1), rows[0].Text(2), rows[0].Text(3)});
  }

  // Appends an institution part, mapping its institution and certificate indexes.
  void Merge(const RegistryFacts& part) {
    std::vector<uint32_t> inst(part.institutions.size());
    for (size_t i = 0; i < part.institutions.size(); ++i) inst[i] = Add(part.institutions[i]);
    // A certificate already there (a report's cited one, loaded first) is not added twice.
    std::vector<uint32_t> cert_at(part.certificates.size());
    for (size_t k = 0; k < part.certificates.size(); ++k) {
      const SnapCertificate& c = part.certificates[k];
      if (auto it = cert_.find(c.id); it != cert_.end()) {
        cert_at[k] = it->second;
        continue;
      }
      f_.certificates.push_back(c);
      f_.certificates.back().inst = inst[c.inst];
      cert_at[k] = static_cast<uint32_t>(f_.certificates.size() - 1);
      cert_.emplace(c.id, cert_at[k]);
    }
    f_.capabilities.reserve(f_.capabilities.size() + part.capabilities.size());
    for (const FactsCapability& k : part.capabilities) {
      f_.capabilities.push_back(k);
      f_.capabilities.back().cert = cert_at[k.cert];
    }
    for (const SnapPerson& p : part.people) {
      f_.people.push_back(p);
      f_.people.back().inst = inst[p.inst];
    }
  }

  Result<void> RequireInScope(int64_t id, const ReportFacts& r) {
    std::string sql = "SELECT 1 FROM institutions i WHERE i.id = ?";
    std::vector<Value> params{id};
    store::AppendScope(
        store::ScopeFor(viewer_, {.region_column = "i.region_code", .institution_column = "i.id"}),
        &sql, &params);
    ZJ_ASSIGN_OR_RETURN(auto row, conn_.QueryOne(sql, params));
    if (!row) {
      return Error::NotFound(
          "checks.out-of-scope", "报告所署机构不在您的管辖范围内",
          "the report's institution is outside your scope",
          r.report.institution.empty() ? r.institution_name : r.report.institution);
    }
    return Ok();
  }

  // The cited certificate, when it is not one of the institution's.
  Result<void> CitedCertificate(const ReportFacts& r) {
    const std::string cited(registry::TrimText(r.report.certificate));
    if (cited.empty()) return Ok();
    const std::string key = NormalizeReportText(cited);
    for (const SnapCertificate& c : f_.certificates) {
      if (NormalizeReportText(c.number) == key) return Ok();
    }
    auto numbers = Distinct({cited, Upper(key)});
    ZJ_ASSIGN_OR_RETURN(auto rows,
                        conn_.Query(std::string(kCertificateColumns) + "WHERE number IN (" +
                                        Placeholders(numbers.size()) + ") ORDER BY id",
                                    numbers));
    return AddCertificates(
        conn_, rows, [this](int64_t id) { return InstitutionById(id); }, &f_, &cert_);
  }

  Result<void> LoadStandards(const std::vector<std::string>& numbers,
                             std::set<std::string>* loaded) {
    std::vector<Value> params;
    for (const auto& n : numbers) {
      if (loaded->insert(n).second) params.emplace_back(n);
    }
    if (params.empty()) return Ok();
    ZJ_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT number, name, status, published_on, "
                                               "effective_on, abolished_on, id FROM standards "
                                               "WHERE number IN (" +
                                                   Placeholders(params.size()) + ") ORDER BY id",
                                               params));
    for (const Row& row : rows) {
      SnapStandard s;
      s.id = row.Int(6);
      s.number = row.Text(0);
      s.name = row.Text(1);
      s.status =
          registry::ParseStandardStatus(row.Text(2)).value_or(registry::StandardStatus::kCurrent);
      s.published = ToDay(row.Text(3));
      s.effective = ToDay(row.Text(4));
      s.abolished = ToDay(row.Text(5));
      f_.standards.push_back(std::move(s));
    }
    return Ok();
  }

  Result<void> Standards() {
    std::set<std::string> cited_set;
    for (const ReportFacts& r : reports_) {
      for (const auto& t : r.report.test_lines) {
        if (auto no = CitedStandard(t.standard); no && no->year()) cited_set.insert(no->str());
      }
    }
    if (cited_set.empty()) return Ok();
    const std::vector<std::string> cited(cited_set.begin(), cited_set.end());
    std::set<std::string> loaded;
    ZJ_TRY(LoadStandards(cited, &loaded));
    std::vector<Value> params(cited.begin(), cited.end());
    ZJ_ASSIGN_OR_RETURN(auto links, conn_.Query("SELECT replaced, replacement FROM "
                                                "standard_replacements WHERE replaced IN (" +
                                                    Placeholders(params.size()) +
                                                    ") ORDER BY replaced, replacement",
                                                params));
    std::vector<std::string> replacements;
    for (const Row& row : links) {
      for (SnapStandard& s : f_.standards) {
        if (s.number == row.Text(0)) s.replaced_by.push_back(row.Text(1));
      }
      replacements.push_back(row.Text(1));
    }
    return LoadStandards(replacements, &loaded);
  }

  // The subject's registered reports with the report's number (each number once).
  Result<void> Reports(const ReportFacts& r, uint32_t subject) {
    const std::string no(registry::TrimText(r.report.report_no));
    if (no.empty()) return Ok();
    const int64_t subject_id = f_.institutions[subject].id;
    const std::string folded = NormalizeReportText(no);
    if (!numbers_done_.insert(std::to_string(subject_id) + "\x1f" + folded).second) return Ok();
    auto numbers = Distinct({no, folded, Upper(folded), Lower(folded)});
    std::vector<Value> params{subject_id};
    params.insert(params.end(), numbers.begin(), numbers.end());
    ZJ_ASSIGN_OR_RETURN(auto rows, conn_.Query("SELECT code, report_no, issue_date, "
                                               "document_sha256, status FROM reports WHERE "
                                               "institution_id = ? AND report_no IN (" +
                                                   Placeholders(numbers.size()) + ") ORDER BY id",
                                               params));
    for (const Row& row : rows) {
      f_.reports.push_back(FactsReport{subject, row.Text(0), row.Text(1), row.Text(2),
                                       HexEncode(row.Bytes(3)), row.Text(4)});
    }
    return Ok();
  }

  Connection& conn_;
  const Principal& viewer_;
  std::span<const ReportFacts> reports_;
  FactsCache* cache_;
  RegistryFacts f_;
  std::set<std::string> numbers_done_;
  std::unordered_map<int64_t, uint32_t> inst_;
  std::unordered_map<int64_t, uint32_t> cert_;
};

const Principal& System() {
  static const Principal p{Role::kAdmin, 0, "checks", "", std::nullopt, "system"};
  return p;
}

std::string DigestHex(const ReportFacts& r) {
  const auto& d = r.report.document_sha256;
  if (d == Sha256Digest{}) return {};
  return HexEncode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

// Inserts a check and its findings; returns the check id.
Result<int64_t> InsertCheck(Connection& tx, const CheckOutcome& o, int64_t report_id,
                            CheckOrigin origin, const std::string& actor, const std::string& now) {
  const RuleCatalogue& rules = RuleCatalogue::Compliance();
  int64_t errors = 0;
  for (const auto& f : o.findings) errors += f.rule->severity == Severity::kError ? 1 : 0;
  const std::string digest = DigestHex(o.report);
  const Value inst_id = o.institution && o.institution->id ? Value(o.institution->id) : Value();
  const std::string region = o.institution ? o.institution->region_code : std::string();
  ZJ_ASSIGN_OR_RETURN(
      auto row,
      tx.QueryOne("INSERT INTO report_checks (report_id, report_code, document_sha256, report_no, "
                  "institution_id, region_code, source, origin, as_of, rules_version, findings, "
                  "errors, checked_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "RETURNING id",
                  std::vector<Value>{report_id ? Value(report_id) : Value(), o.report.code, digest,
                                     o.report.report.report_no, inst_id, region,
                                     std::string(FactsSourceName(o.report.source)),
                                     std::string(CheckOriginName(origin)), o.as_of, o.rules_version,
                                     static_cast<int64_t>(o.findings.size()), errors, now, actor}));
  if (!row) return Error::Internal("checks.insert", "no id returned");
  const int64_t id = row->Int(0);
  constexpr size_t kBatch = 100;
  for (size_t start = 0; start < o.findings.size(); start += kBatch) {
    const size_t n = std::min(kBatch, o.findings.size() - start);
    std::string sql =
        "INSERT INTO report_findings (check_id, report_code, document_sha256, institution_id, "
        "region_code, rule_id, category, severity, field, line, value, evidence, basis, "
        "basis_date, created_at) VALUES ";
    std::vector<Value> params;
    for (size_t i = 0; i < n; ++i) {
      const ComplianceFinding& f = o.findings[start + i];
      sql += i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
               : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      params.insert(
          params.end(),
          {Value(id), Value(o.report.code), Value(digest), inst_id, Value(region),
           Value(f.rule->id), Value(f.rule->category),
           Value(std::string(SeverityName(f.rule->severity))), Value(f.field),
           Value(int64_t{f.line}), Value(f.value), Value(json::serialize(EvidenceJson(f))),
           Value(json::serialize(BasisJson(f, rules))), Value(f.basis_date), Value(now)});
    }
    ZJ_TRY(tx.Exec(sql, params));
  }
  return id;
}

Result<CheckOutcome> CheckOne(Connection& conn, const Principal& viewer, const CheckInput& in,
                              const std::string& today, const std::string& version,
                              FactsCache* cache) {
  ZJ_ASSIGN_OR_RETURN(RegistryFacts facts, LoadRegistryFacts(conn, viewer, in.report, cache));
  CheckOutcome o;
  o.report = in.report;
  o.as_of = today;
  o.rules_version = version;
  CheckOptions options;
  options.today = ToDay(today);
  o.findings = Check(in.report, facts, options);
  if (auto s = SubjectOf(in.report, facts)) o.institution = facts.institutions[*s];
  return o;
}

// The facts of a registered report from its row: id, code, institution_uscc, report_no,
// certificate_no, issue_date, document_sha256, client, sample, results.
Result<CheckInput> InputFromRow(const Row& row) {
  CheckInput in;
  in.report_id = row.Int(0);
  in.report.code = row.Text(1);
  ledger::ReportInput& r = in.report.report;
  r.institution = row.Text(2);
  r.report_no = row.Text(3);
  r.certificate = row.Text(4);
  r.issue_date = row.Text(5);
  const std::string digest = row.Bytes(6);
  if (digest.size() == r.document_sha256.size()) {
    std::copy(digest.begin(), digest.end(), r.document_sha256.begin());
  }
  r.client = row.Text(7);
  r.sample = row.Text(8);
  ZJ_TRY(ledger::ApplyCanonicalResults(row.Text(9), &r));
  return in;
}

constexpr const char* kReportColumns =
    "SELECT id, code, institution_uscc, report_no, certificate_no, issue_date, document_sha256, "
    "client, sample, results FROM reports ";

}  // namespace

const char* CheckOriginName(CheckOrigin o) {
  return o == CheckOrigin::kArrival ? "arrival" : "request";
}

FactsCache::FactsCache(size_t max_institutions) : max_(max_institutions) {}

const RegistryFacts* FactsCache::Find(int64_t institution_id) const {
  auto it = parts_.find(institution_id);
  return it == parts_.end() ? nullptr : &it->second;
}

const RegistryFacts* FactsCache::Put(int64_t institution_id, RegistryFacts part) {
  if (parts_.size() >= max_) parts_.clear();
  return &(parts_[institution_id] = std::move(part));
}

Result<RegistryFacts> LoadRegistryFacts(Connection& conn, const Principal& viewer,
                                        const ReportFacts& report, FactsCache* cache) {
  FactsLoader loader(conn, viewer, std::span<const ReportFacts>(&report, 1), cache);
  return loader.Run();
}

Result<RegistryFacts> LoadRegistryFacts(Connection& conn, const Principal& viewer,
                                        std::span<const ReportFacts> reports, FactsCache* cache) {
  FactsLoader loader(conn, viewer, reports, cache);
  return loader.Run();
}

Result<std::vector<Result<CheckOutcome>>> RunChecks(store::Database& db, const Clock& clock,
                                                    const Principal& actor, const std::string& ip,
                                                    std::span<const CheckInput> inputs,
                                                    const RunChecksOptions& options) {
  if (actor.role != Role::kAdmin && actor.role != Role::kRegulator) {
    return Forbidden("checking reports");
  }
  const std::string today = options.today.empty() ? ChinaDate(clock.Now()) : options.today;
  if (ToDay(today) == kNoDay) {
    return Error::Invalid("checks.bad-date", "日期无效（应为 YYYY-MM-DD）",
                          "invalid date (expected YYYY-MM-DD)", today);
  }
  const std::string version = ComplianceVersion(CheckOptions{});
  std::vector<Result<CheckOutcome>> out;
  out.reserve(inputs.size());
  {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    FactsCache cache;
    for (const CheckInput& in : inputs) {
      Result<CheckOutcome> o = CheckOne(conn.get(), actor, in, today, version, &cache);
      if (!o && o.error().code() != "checks.out-of-scope") return o.error();
      out.push_back(std::move(o));
    }
  }
  if (!options.store) return out;
  ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
  const std::string now = FormatInstant(clock.Now());
  ZJ_TRY(store::WithTransaction(conn.get(), [&](Connection& tx) -> Result<void> {
    int64_t first = 0, checked = 0, findings = 0;
    json::array reports;
    for (size_t i = 0; i < out.size(); ++i) {
      if (!out[i]) continue;
      CheckOutcome& o = *out[i];
      ZJ_ASSIGN_OR_RETURN(o.check_id, InsertCheck(tx, o, inputs[i].report_id, CheckOrigin::kRequest,
                                                  actor.username, now));
      if (first == 0) first = o.check_id;
      ++checked;
      findings += static_cast<int64_t>(o.findings.size());
      if (reports.size() < 20) {
        reports.push_back(
            json::value(o.report.code.empty() ? o.report.report.report_no : o.report.code));
      }
    }
    if (checked == 0) return Ok();
    audit::AuditEvent e;
    e.action = "report.check";
    e.target_type = "report_check";
    e.target_id = std::to_string(first);
    e.region_code = actor.role == Role::kRegulator ? actor.region_prefix : "";
    e.detail["checks"] = checked;
    e.detail["findings"] = findings;
    e.detail["reports"] = std::move(reports);
    ZJ_TRY(audit::Append(tx, actor, ip, e, clock.Now()));
    return Ok();
  }));
  return out;
}

Result<std::optional<CheckInput>> RegisteredReport(Connection& conn, std::string_view code) {
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne(std::string(kReportColumns) + "WHERE code = ?",
                                              std::vector<Value>{std::string(code)}));
  if (!row) return std::optional<CheckInput>();
  ZJ_ASSIGN_OR_RETURN(CheckInput in, InputFromRow(*row));
  return std::optional<CheckInput>(std::move(in));
}

Result<int64_t> PendingArrivals(Connection& conn) {
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT COUNT(*) FROM reports WHERE id > (SELECT "
                                              "last_report_id FROM report_check_cursor WHERE id = "
                                              "1)"));
  return row ? row->Int(0) : 0;
}

Result<ArrivalBatch> CheckArrivals(store::Database& db, const Clock& clock, int limit) {
  limit = std::clamp(limit, 1, 5000);
  ArrivalBatch batch;
  const std::string today = ChinaDate(clock.Now());
  const std::string version = ComplianceVersion(CheckOptions{});
  std::vector<CheckInput> inputs;
  std::vector<CheckOutcome> outcomes;
  int64_t cursor = 0;
  {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ZJ_ASSIGN_OR_RETURN(auto c, conn->QueryOne("SELECT last_report_id FROM report_check_cursor "
                                               "WHERE id = 1"));
    cursor = c ? c->Int(0) : 0;
    ZJ_ASSIGN_OR_RETURN(
        auto rows, conn->Query(std::string(kReportColumns) + "WHERE id > ? ORDER BY id LIMIT ?",
                               std::vector<Value>{cursor, int64_t{limit}}));
    batch.more = static_cast<int>(rows.size()) == limit;
    for (const Row& row : rows) {
      ZJ_ASSIGN_OR_RETURN(CheckInput in, InputFromRow(row));
      inputs.push_back(std::move(in));
    }
    // The reports of one institution share one set of facts (no copy per report).
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < inputs.size(); ++i) {
      groups[inputs[i].report.report.institution].push_back(i);
    }
    outcomes.resize(inputs.size());
    CheckOptions options;
    options.today = ToDay(today);
    for (const auto& [uscc, members] : groups) {
      std::vector<ReportFacts> reports;
      for (size_t i : members) reports.push_back(inputs[i].report);
      ZJ_ASSIGN_OR_RETURN(RegistryFacts facts,
                          LoadRegistryFacts(conn.get(), System(), reports, nullptr));
      for (size_t i : members) {
        CheckOutcome& o = outcomes[i];
        o.report = inputs[i].report;
        o.as_of = today;
        o.rules_version = version;
        o.findings = Check(o.report, facts, options);
        if (auto sub = SubjectOf(o.report, facts)) o.institution = facts.institutions[*sub];
      }
    }
  }
  if (inputs.empty()) {
    batch.last_report_id = cursor;
    return batch;
  }
  const int64_t last = inputs.back().report_id;
  ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
  const std::string now = FormatInstant(clock.Now());
  ZJ_TRY(store::WithTransaction(conn.get(), [&](Connection& tx) -> Result<void> {
    ZJ_ASSIGN_OR_RETURN(int64_t moved,
                        tx.Exec("UPDATE report_check_cursor SET last_report_id = ?, updated_at = ? "
                                "WHERE id = 1 AND last_report_id = ?",
                                std::vector<Value>{last, now, cursor}));
    if (moved != 1) {
      return Error(Error::Kind::kConflict, "checks.cursor-moved", "另一个检查进程已处理这些报告",
                   "another checker processed these reports");
    }
    int64_t first = 0;
    for (size_t i = 0; i < outcomes.size(); ++i) {
      ZJ_ASSIGN_OR_RETURN(int64_t id, InsertCheck(tx, outcomes[i], inputs[i].report_id,
                                                  CheckOrigin::kArrival, "", now));
      if (first == 0) first = id;
      batch.findings += static_cast<int64_t>(outcomes[i].findings.size());
    }
    audit::AuditEvent e;
    e.action = "report.check-arrivals";
    e.target_type = "report_check";
    e.target_id = std::to_string(first);
    e.detail["checks"] = static_cast<int64_t>(outcomes.size());
    e.detail["findings"] = batch.findings;
    e.detail["first_report_id"] = inputs.front().report_id;
    e.detail["last_report_id"] = last;
    ZJ_TRY(audit::Append(tx, System(), "", e, clock.Now()));
    return Ok();
  }));
  batch.checked = static_cast<int64_t>(outcomes.size());
  batch.last_report_id = last;
  return batch;
}

// ---- the arrival checker ----------------------------------------------------------------------

ArrivalChecker::ArrivalChecker(store::Database& db, const Clock& clock, Options options)
    : db_(db), clock_(clock), options_(std::move(options)) {}

ArrivalChecker::~ArrivalChecker() { Stop(); }

void ArrivalChecker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ArrivalChecker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ArrivalChecker::Notify() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
    last_notify_ = std::chrono::steady_clock::now();
  }
  cv_.notify_one();
}

void ArrivalChecker::Loop() {
  if (options_.nice != 0) {
    // Linux: the nice value of this thread only (threads are tasks with their own priority).
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), options_.nice);
  }
  using Steady = std::chrono::steady_clock;
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (stop_) return;
      // Registrations streaming in (the last Notify less than `settle` ago): wait for a pause,
      // but defer pending work no longer than max_defer.
      const auto since = Steady::now();
      while (!stop_) {
        const auto now = Steady::now();
        const auto quiet = now - last_notify_;
        if (quiet >= options_.settle || now - since >= options_.max_defer) break;
        cv_.wait_for(lock, options_.settle - quiet, [this] { return stop_; });
      }
      if (stop_) return;
      wake_ = false;
    }
    bool more = false;
    Result<ArrivalBatch> r = CheckArrivals(db_, clock_, options_.batch);
    if (r) {
      checked_ += r->checked;
      more = r->more;
    } else if (r.error().code() != "checks.cursor-moved" && options_.on_error) {
      options_.on_error(r.error());
    }
    std::unique_lock lock(mu_);
    if (stop_) return;
    if (more) continue;
    cv_.wait_for(lock, options_.poll, [this] { return stop_ || wake_; });
  }
}

// ---- stored checks ----------------------------------------------------------------------------

namespace {

constexpr const char* kCheckColumns =
    "SELECT c.id, c.report_id, c.report_code, c.document_sha256, c.report_no, c.institution_id, "
    "c.region_code, c.source, c.origin, c.as_of, c.rules_version, c.findings, c.errors, "
    "c.checked_at, c.actor FROM report_checks c ";

Result<StoredCheck> CheckFromRow(Connection& conn, const Row& row) {
  StoredCheck c;
  c.id = row.Int(0);
  c.report_id = row.OptInt(1);
  c.report_code = row.Text(2);
  c.document_sha256 = row.Text(3);
  c.report_no = row.Text(4);
  c.institution_id = row.OptInt(5);
  c.region_code = row.Text(6);
  c.source = row.Text(7);
  c.origin = row.Text(8);
  c.as_of = row.Text(9);
  c.rules_version = row.Text(10);
  c.findings_count = row.Int(11);
  c.errors = row.Int(12);
  c.checked_at = row.Text(13);
  c.actor = row.Text(14);
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT rule_id, category, severity, field, line, "
                                            "value, evidence, basis, basis_date FROM "
                                            "report_findings WHERE check_id = ? ORDER BY id",
                                            std::vector<Value>{c.id}));
  for (const Row& f : rows) {
    c.findings.push_back(StoredReportFinding{f.Text(0), f.Text(1), f.Text(2), f.Text(3),
                                             static_cast<int>(f.Int(4)), f.Text(5), f.Text(6),
                                             f.Text(7), f.Text(8)});
  }
  return c;
}

store::ScopePredicate CheckScope(const Principal& viewer) {
  return store::ScopeFor(
      viewer, {.region_column = "c.region_code", .institution_column = "c.institution_id"});
}

}  // namespace

Result<std::optional<StoredCheck>> LatestCheckOfReport(Connection& conn, const Principal& viewer,
                                                       std::string_view code) {
  std::string sql = std::string(kCheckColumns) + "WHERE c.report_code = ?";
  std::vector<Value> params{std::string(code)};
  store::AppendScope(CheckScope(viewer), &sql, &params);
  sql += " ORDER BY c.id DESC LIMIT 1";
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne(sql, params));
  if (!row) return std::optional<StoredCheck>();
  ZJ_ASSIGN_OR_RETURN(StoredCheck c, CheckFromRow(conn, *row));
  return std::optional<StoredCheck>(std::move(c));
}

Result<std::optional<InstitutionFindings>> GetInstitutionFindings(Connection& conn,
                                                                  const Principal& viewer,
                                                                  int64_t institution_id,
                                                                  int limit) {
  if (viewer.role != Role::kAdmin && viewer.role != Role::kRegulator) {
    return std::optional<InstitutionFindings>();
  }
  // The latest check of each report (by code) or submitted document (by digest).
  std::string latest =
      "SELECT c.id FROM report_checks c WHERE c.institution_id = ? AND c.id = (SELECT MAX(c2.id) "
      "FROM report_checks c2 WHERE c2.institution_id = c.institution_id AND c2.report_code = "
      "c.report_code AND c2.document_sha256 = c.document_sha256)";
  std::vector<Value> latest_params{institution_id};
  store::AppendScope(CheckScope(viewer), &latest, &latest_params);
  InstitutionFindings out;
  {
    ZJ_ASSIGN_OR_RETURN(auto rows,
                        conn.Query("SELECT COUNT(*) FROM (" + latest + ") l", latest_params));
    out.reports = rows.at(0).Int(0);
  }
  if (out.reports == 0) return std::optional<InstitutionFindings>(std::move(out));
  {
    ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT f.category, f.severity, COUNT(*) FROM "
                                              "report_findings f WHERE f.check_id IN (" +
                                                  latest + ") GROUP BY f.category, f.severity",
                                              latest_params));
    std::map<std::string, int64_t> by_category;
    for (const Row& r : rows) {
      by_category[r.Text(0)] += r.Int(2);
      out.by_severity[r.Text(1)] += r.Int(2);
      out.findings += r.Int(2);
    }
    out.by_category.assign(by_category.begin(), by_category.end());
    std::stable_sort(out.by_category.begin(), out.by_category.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  std::vector<Value> params = latest_params;
  params.emplace_back(static_cast<int64_t>(std::max(0, limit)));
  ZJ_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("SELECT f.check_id, c.report_code, c.report_no, c.source, c.checked_at, "
                 "f.rule_id, f.category, f.severity, f.field, f.line, f.value, f.evidence, "
                 "f.basis, f.basis_date FROM report_findings f JOIN report_checks c ON c.id = "
                 "f.check_id WHERE f.check_id IN (" +
                     latest + ") ORDER BY f.check_id DESC, f.id LIMIT ?",
                 params));
  for (const Row& r : rows) {
    out.latest.push_back(InstitutionFinding{
        r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
        StoredReportFinding{r.Text(5), r.Text(6), r.Text(7), r.Text(8), static_cast<int>(r.Int(9)),
                            r.Text(10), r.Text(11), r.Text(12), r.Text(13)}});
  }
  return std::optional<InstitutionFindings>(std::move(out));
}

Result<StoredCheck> GetCheck(Connection& conn, const Principal& viewer, int64_t id) {
  std::string sql = std::string(kCheckColumns) + "WHERE c.id = ?";
  std::vector<Value> params{id};
  store::AppendScope(CheckScope(viewer), &sql, &params);
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne(sql, params));
  if (!row) {
    return Error::NotFound("checks.not-found", "未找到该检查记录", "no such check",
                           std::to_string(id));
  }
  return CheckFromRow(conn, *row);
}

}  // namespace zhijian::checks
