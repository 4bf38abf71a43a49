#include "zhijian/ledger/report_ledger.h"

#include <openssl/crypto.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "zhijian/audit/audit.h"
#include "zhijian/base/cma.h"
#include "zhijian/base/date.h"
#include "zhijian/base/report_code.h"
#include "zhijian/base/uscc.h"
#include "zhijian/registry/model.h"
#include "zhijian/store/scope.h"

namespace zhijian::ledger {

// HMAC-SHA256 under the deployment secret with the key schedule done once (the MAC of
// base/report_code.h ReportCodeEntropy; the tests compare the codes with it).
class CodeMac {
 public:
  explicit CodeMac(std::string_view key) {
    crypto_auth_hmacsha256_init(&state_, reinterpret_cast<const unsigned char*>(key.data()),
                                key.size());
  }
  std::array<unsigned char, 32> Of(std::string_view message) const {
    crypto_auth_hmacsha256_state st = state_;
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
    std::array<unsigned char, 32> out{};
    crypto_auth_hmacsha256_final(&st, out.data());
    return out;
  }

 private:
  crypto_auth_hmacsha256_state state_;
};

namespace {

using store::Blob;
using store::Value;

constexpr size_t kRowsPerStatement = 400;
constexpr size_t kAuditCodes = 20;
constexpr int kMaxCodeAttempts = 16;

Error NotFound(std::string_view code) {
  return Error::NotFound("report.not-found", "报告不存在", "no such report", std::string(code));
}
Error Unprocessable(std::string code, std::string zh, std::string en, std::string detail = {}) {
  return Error(Error::Kind::kUnprocessable, std::move(code), std::move(zh), std::move(en),
               std::move(detail));
}
Error Forbidden() {
  return Error(Error::Kind::kPermissionDenied, "auth.forbidden", "无权执行此操作",
               "not allowed to do this");
}
Error Conflict(std::string code, std::string zh, std::string en, std::string detail) {
  return Error(Error::Kind::kConflict, std::move(code), std::move(zh), std::move(en),
               std::move(detail));
}

std::string DigestBytes(const Sha256Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}
Sha256Digest DigestFrom(std::string_view bytes) {
  Sha256Digest d{};
  if (bytes.size() == d.size()) std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

std::string Salt(const CodeMac& mac, std::string_view uscc, std::string_view report_no) {
  std::string m = "salt";
  m += '\0';
  m.append(uscc);
  m += '\0';
  m.append(report_no);
  const auto h = mac.Of(m);
  return std::string(reinterpret_cast<const char*>(h.data()), kSaltSize);
}

Result<ReportCode> MakeCode(const CodeMac& mac, std::string_view region, std::string_view uscc,
                            std::string_view report_no, std::string_view issue_date, int attempt) {
  std::string m(uscc);
  m += '\0';
  m.append(report_no);
  m += '\0';
  m += std::to_string(attempt);
  const auto date = ParseIsoDate(issue_date);
  if (!date) {
    return Error::Invalid("registration.bad-field", "字段无效", "invalid field",
                          "issue_date: not a date YYYY-MM-DD");
  }
  const auto h = mac.Of(m);
  uint64_t entropy = 0;
  for (int i = 0; i < 8; ++i) entropy = (entropy << 8) | h[i];
  Result<ReportCode> code = ReportCode::Make(region, date->year, entropy);
  if (!code) {
    return Unprocessable("report.bad-region", "机构的行政区划代码无法用于报告编码",
                         "the institution's region code cannot start a report code",
                         std::string(region));
  }
  return code;
}

// What an entry commits to, for a report.
struct Fields {
  std::string code;
  std::string uscc;
  std::string report_no;
  std::string issue_date;
  std::string certificate_no;
  Sha256Digest document{};
  std::string salt;
  std::string client;
  std::string sample;
  std::string results;
};

Result<ReportEvent> MakeEvent(EventType type, int64_t ms, const Fields& f,
                              const std::string& original_code, const std::string& reason) {
  ReportEvent e;
  e.type = type;
  e.registered_at_ms = ms;
  e.code = f.code;
  e.institution_uscc = f.uscc;
  e.report_number = f.report_no;
  e.issue_date = f.issue_date;
  e.certificate_number = f.certificate_no;
  e.document_sha256 = f.document;
  ZJ_ASSIGN_OR_RETURN(e.client_digest, SaltedDigest(f.salt, f.client));
  ZJ_ASSIGN_OR_RETURN(e.sample_digest, SaltedDigest(f.salt, f.sample));
  ZJ_ASSIGN_OR_RETURN(e.results_digest, SaltedDigest(f.salt, f.results));
  e.original_code = original_code;
  e.reason = reason;
  return e;
}

bool ValidReason(std::string_view r) {
  return !r.empty() && r.size() <= 64 && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// "(?, ?), (?, ?)".
std::string Placeholders(size_t rows, size_t cols) {
  std::string one = "(";
  for (size_t c = 0; c < cols; ++c) one += c ? ", ?" : "?";
  one += ")";
  std::string out;
  for (size_t r = 0; r < rows; ++r) {
    if (r) out += ", ";
    out += one;
  }
  return out;
}
std::string InList(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out + ")";
}

// fn(0), …, fn(n − 1) on up to `threads` threads (this one included), each a contiguous share
// (at least 256 items, so that small batches stay on this thread).
void ForEachIndex(size_t n, int threads, const std::function<void(size_t)>& fn) {
  const size_t t = std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1,
                                      std::max<size_t>(1, n / 256));
  std::vector<std::thread> others;
  for (size_t k = 1; k < t; ++k) {
    others.emplace_back([&fn, n, t, k] {
      for (size_t i = n * k / t; i < n * (k + 1) / t; ++i) fn(i);
    });
  }
  for (size_t i = 0; i < n / t; ++i) fn(i);
  for (auto& th : others) th.join();
}

// ---- registry reads ---------------------------------------------------------------------

struct Institution {
  int64_t id = 0;
  std::string uscc;
  std::string region_code;
  std::string name;
};

struct Certificate {
  int64_t id = 0;
  int64_t institution_id = 0;
  std::string number;
  std::string issued_on;
  std::string expires_on;
  std::string status;
  std::vector<std::pair<std::string, std::string>> history;  // (effective_on, status), in order
};

// The registry's rule (registry/query/query.h): the latest history entry effective on or
// before `date` (ties: the later entry), else the recorded status; valid also needs
// issued_on ≤ date ≤ expires_on.
std::string StatusOn(const Certificate& c, const std::string& date) {
  if (!c.issued_on.empty() && date < c.issued_on) return "not-yet-issued";
  if (!c.expires_on.empty() && date > c.expires_on) return "expired";
  std::string status = c.status;
  for (const auto& [effective, s] : c.history) {
    if (effective <= date) status = s;
  }
  return status;
}

Result<std::map<int64_t, std::vector<Certificate>>> LoadCertificates(
    store::Connection& conn, const std::vector<int64_t>& institution_ids) {
  std::map<int64_t, std::vector<Certificate>> out;
  std::map<int64_t, Certificate*> by_id;
  for (size_t start = 0; start < institution_ids.size(); start += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, institution_ids.size() - start);
    std::vector<Value> p;
    for (size_t i = start; i < start + n; ++i) p.emplace_back(institution_ids[i]);
    ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT id, institution_id, number, issued_on, "
                                              "expires_on, status FROM certificates WHERE "
                                              "institution_id IN " +
                                                  InList(n) + " ORDER BY id",
                                              p));
    for (const auto& r : rows) {
      Certificate c;
      c.id = r.Int(0);
      c.institution_id = r.Int(1);
      c.number = r.Text(2);
      c.issued_on = r.Text(3);
      c.expires_on = r.Text(4);
      c.status = r.Text(5);
      out[c.institution_id].push_back(std::move(c));
    }
  }
  for (auto& [inst, certs] : out) {
    for (auto& c : certs) by_id[c.id] = &c;
  }
  for (size_t start = 0; start < institution_ids.size(); start += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, institution_ids.size() - start);
    std::vector<Value> p;
    for (size_t i = start; i < start + n; ++i) p.emplace_back(institution_ids[i]);
    ZJ_ASSIGN_OR_RETURN(
        auto rows, conn.Query("SELECT h.certificate_id, h.effective_on, h.status FROM "
                              "certificate_status_history h JOIN certificates c ON c.id = "
                              "h.certificate_id WHERE c.institution_id IN " +
                                  InList(n) + " ORDER BY h.certificate_id, h.effective_on, h.id",
                              p));
    for (const auto& r : rows) {
      auto it = by_id.find(r.Int(0));
      if (it != by_id.end()) it->second->history.emplace_back(r.Text(1), r.Text(2));
    }
  }
  return out;
}

// The certificate an input is registered under, or why there is none.
Result<const Certificate*> ChooseCertificate(const std::vector<Certificate>* certs,
                                             const std::string& wanted, const std::string& date) {
  static const std::vector<Certificate> kNone;
  if (certs == nullptr) certs = &kNone;
  if (!wanted.empty()) {
    Result<CmaCertNo> parsed = CmaCertNo::Parse(wanted);
    const std::string number = parsed ? parsed->str() : std::string(registry::TrimText(wanted));
    for (const Certificate& c : *certs) {
      if (c.number != number) continue;
      const std::string status = StatusOn(c, date);
      if (status != "valid") {
        return Unprocessable("report.certificate-not-valid", "资质认定证书在签发日期无效",
                             "the CMA certificate was not valid on the issue date",
                             number + ": " + status + " on " + date);
      }
      return &c;
    }
    return Unprocessable("report.certificate-not-found", "该机构没有此资质认定证书",
                         "the institution holds no CMA certificate with this number", number);
  }
  const Certificate* best = nullptr;
  for (const Certificate& c : *certs) {
    if (StatusOn(c, date) != "valid") continue;
    if (best == nullptr || c.issued_on > best->issued_on ||
        (c.issued_on == best->issued_on && c.id > best->id)) {
      best = &c;
    }
  }
  if (best == nullptr) {
    return Unprocessable("report.no-valid-certificate", "机构在签发日期没有有效的资质认定证书",
                         "the institution had no valid CMA certificate on the issue date", date);
  }
  return best;
}

// ---- report rows ------------------------------------------------------------------------

constexpr const char* kReportColumns =
    "r.id, r.code, r.institution_id, r.institution_uscc, r.report_no, r.certificate_id, "
    "r.certificate_no, r.issue_date, r.document_sha256, r.salt, r.client, r.sample, r.results, "
    "r.leaf_index, r.registered_at, r.status, i.name, i.region_code";

struct StoredReport {
  ReportRecord record;
  std::optional<int64_t> certificate_id;
};

StoredReport ReportFromRow(const store::Row& r) {
  StoredReport s;
  ReportRecord& v = s.record;
  v.id = r.Int(0);
  v.code = r.Text(1);
  v.institution_id = r.Int(2);
  v.input.institution = r.Text(3);
  v.input.report_no = r.Text(4);
  s.certificate_id = r.OptInt(5);
  v.input.certificate = r.Text(6);
  v.input.issue_date = r.Text(7);
  v.input.document_sha256 = DigestFrom(r.Bytes(8));
  v.salt = r.Bytes(9);
  v.input.client = r.Text(10);
  v.input.sample = r.Text(11);
  v.results_text = r.Text(12);
  (void)ApplyCanonicalResults(v.results_text, &v.input);
  v.leaf_index = static_cast<uint64_t>(r.Int(13));
  v.registered_at = r.Text(14);
  v.status = ParseReportStatus(r.Text(15)).value_or(ReportStatus::kValid);
  v.institution_name = r.Text(16);
  v.region_code = r.Text(17);
  return s;
}

Fields FieldsOf(const ReportRecord& r) {
  Fields f;
  f.code = r.code;
  f.uscc = r.input.institution;
  f.report_no = r.input.report_no;
  f.issue_date = r.input.issue_date;
  f.certificate_no = r.input.certificate;
  f.document = r.input.document_sha256;
  f.salt = r.salt;
  f.client = r.input.client;
  f.sample = r.input.sample;
  f.results = r.results_text;
  return f;
}

std::optional<EventType> ParseEventType(std::string_view s) {
  if (s == "issue") return EventType::kIssue;
  if (s == "correct") return EventType::kCorrect;
  if (s == "revoke") return EventType::kRevoke;
  return std::nullopt;
}

Result<std::vector<EventRecord>> LoadEvents(store::Connection& conn, const ReportRecord& r) {
  std::vector<Value> p{static_cast<int64_t>(r.leaf_index), r.id};
  ZJ_ASSIGN_OR_RETURN(auto rows,
                      conn.Query("SELECT e.leaf_index, e.type, e.reason, e.registered_at_ms, "
                                 "a.code, o.code FROM report_events e JOIN reports a ON a.id = "
                                 "e.report_id LEFT JOIN reports o ON o.id = e.original_report_id "
                                 "WHERE e.leaf_index = ? OR e.original_report_id = ? ORDER BY "
                                 "e.leaf_index",
                                 p));
  std::vector<EventRecord> out;
  bool created = false;  // an event row at the report's own leaf (a correction)
  for (const auto& row : rows) {
    created = created || row.Int(0) == static_cast<int64_t>(r.leaf_index);
    EventRecord e;
    e.leaf_index = static_cast<uint64_t>(row.Int(0));
    e.type = ParseEventType(row.Text(1)).value_or(EventType::kIssue);
    e.reason = row.Text(2);
    e.registered_at_ms = row.Int(3);
    e.code = row.Text(4);
    e.original_code = row.OptText(5).value_or("");
    out.push_back(std::move(e));
  }
  if (!created) {
    EventRecord e = ReportLedger::ImpliedIssueEvent(r);
    out.insert(std::upper_bound(out.begin(), out.end(), e,
                                [](const EventRecord& a, const EventRecord& b) {
                                  return a.leaf_index < b.leaf_index;
                                }),
               std::move(e));
  }
  return out;
}

// Fills events, replaces / replaced_by and the certificate check.
Result<void> Complete(store::Connection& conn, StoredReport* s) {
  ReportRecord& r = s->record;
  ZJ_ASSIGN_OR_RETURN(r.events, LoadEvents(conn, r));
  for (const EventRecord& e : r.events) {
    if (e.type == EventType::kCorrect && e.code == r.code) r.replaces = e.original_code;
    if (e.type == EventType::kCorrect && e.original_code == r.code) r.replaced_by = e.code;
  }
  r.certificate.number = r.input.certificate;
  if (s->certificate_id) {
    std::vector<Value> p{*s->certificate_id};
    ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT issued_on, expires_on, status FROM "
                                                "certificates WHERE id = ?",
                                                p));
    if (row) {
      Certificate c;
      c.issued_on = row->Text(0);
      c.expires_on = row->Text(1);
      c.status = row->Text(2);
      ZJ_ASSIGN_OR_RETURN(auto history, conn.Query("SELECT effective_on, status FROM "
                                                   "certificate_status_history WHERE "
                                                   "certificate_id = ? ORDER BY effective_on, id",
                                                   p));
      for (const auto& h : history) c.history.emplace_back(h.Text(0), h.Text(1));
      r.certificate.found = true;
      r.certificate.status_on_issue_date = StatusOn(c, r.input.issue_date);
      r.certificate.valid_on_issue_date = r.certificate.status_on_issue_date == "valid";
    }
  }
  return Ok();
}

// The first field in which a stored report and a new input differ ("" when none does).
std::string DifferingField(const ReportRecord& stored, const ReportInput& in,
                           const std::string& results, const std::string& certificate) {
  if (stored.input.document_sha256 != in.document_sha256) return "document_sha256";
  if (stored.input.issue_date != in.issue_date) return "issue_date";
  if (!in.certificate.empty() && stored.input.certificate != certificate) return "certificate";
  if (stored.input.client != in.client) return "client";
  if (stored.input.sample != in.sample) return "sample";
  if (stored.results_text != results) return "results";
  return "";
}

Error ConflictError(const std::string& report_no, const std::string& code,
                    const std::string& field) {
  return Conflict("report.conflict", "该报告编号已登记，内容不同",
                  "this report number is registered already with other content",
                  report_no + " = " + code + ", differs in " + field);
}

// Hash of an (institution id, report number) key.
struct NumberKeyHash {
  size_t operator()(const std::pair<int64_t, std::string>& k) const {
    return std::hash<std::string>()(k.second) ^
           (std::hash<int64_t>()(k.first) * 0x9e3779b97f4a7c15);
  }
};

// A report about to be inserted, with its creating event.
struct NewReport {
  size_t item = 0;  // index of the input (batch) or 0
  const Institution* institution = nullptr;
  const Certificate* certificate = nullptr;
  Fields fields;  // code filled by AssignCodes
  EventType type = EventType::kIssue;
  std::optional<int64_t> original_id;
  std::string original_code;
  std::string reason;
  int attempt = 0;
  uint64_t leaf_index = 0;
  int64_t id = 0;
  std::string entry;  // the encoded entry; its code is written in when it is drawn
};

// Format 1 entries (entry.h) carry the code as str8 at byte 10: a length byte of 20 and the
// 20 characters. New reports' entries are encoded (and so validated) once with a placeholder
// code, and the drawn code is written over it.
constexpr size_t kEntryCodeOffset = 11;
constexpr std::string_view kPlaceholderCode = "3701022025K7MXQ3TA92";

// The entry of a new report with the placeholder code; refuses what the log format refuses.
Result<void> PrepareEvent(NewReport& n, int64_t now_ms) {
  const std::string code = std::move(n.fields.code);
  n.fields.code = kPlaceholderCode;
  Result<ReportEvent> event = MakeEvent(n.type, now_ms, n.fields, n.original_code, n.reason);
  n.fields.code = code;
  if (!event) return event.error();
  ZJ_ASSIGN_OR_RETURN(n.entry, EncodeEvent(*event));
  if (n.entry.size() < kEntryCodeOffset + ReportCode::kLength ||
      static_cast<uint8_t>(n.entry[kEntryCodeOffset - 1]) != ReportCode::kLength ||
      n.entry.compare(kEntryCodeOffset, ReportCode::kLength, kPlaceholderCode) != 0) {
    return Error::Internal("ledger.entry-layout", "the code is not at byte 10 of the entry");
  }
  return Ok();
}

}  // namespace

struct ReportLedger::Impl {
  // Codes and entries for `reports` (attempt as set), leaf indices from `first_leaf`, rows
  // inserted (retrying codes taken by stored reports), and their creating events.
  // The entries of `reports` are prepared (PrepareEvent).
  static Result<void> InsertReports(store::Connection& tx, const CodeMac& mac,
                                    std::vector<NewReport>& reports, uint64_t first_leaf,
                                    int64_t now_ms, const std::string& now_text) {
    std::unordered_set<std::string> batch_codes;
    batch_codes.reserve(reports.size());
    auto assign = [&](NewReport& n) -> Result<void> {
      for (; n.attempt < kMaxCodeAttempts; ++n.attempt) {
        ZJ_ASSIGN_OR_RETURN(ReportCode code,
                            MakeCode(mac, n.institution->region_code, n.fields.uscc,
                                     n.fields.report_no, n.fields.issue_date, n.attempt));
        if (batch_codes.insert(code.str()).second) {
          n.fields.code = code.str();
          break;
        }
      }
      if (n.fields.code.empty()) {
        return Error::Internal("report.code-exhausted",
                               "no free report code for " + n.fields.report_no);
      }
      n.entry.replace(kEntryCodeOffset, ReportCode::kLength, n.fields.code);
      return Ok();
    };
    for (size_t i = 0; i < reports.size(); ++i) {
      ZJ_TRY(assign(reports[i]));
      reports[i].leaf_index = first_leaf + i;
    }
    // Ids are assigned here, under the log head lock (nothing else inserts reports), so that no
    // RETURNING is needed; a code taken by a stored report (astronomically rare) leaves its row
    // out (ON CONFLICT DO NOTHING), and the row is inserted again with the next code.
    ZJ_ASSIGN_OR_RETURN(auto max_id, tx.QueryOne("SELECT COALESCE(MAX(id), 0) FROM reports"));
    const int64_t base_id = max_id ? max_id->Int(0) : 0;
    for (size_t i = 0; i < reports.size(); ++i)
      reports[i].id = base_id + 1 + static_cast<int64_t>(i);
    std::vector<NewReport*> todo;
    for (auto& n : reports) todo.push_back(&n);
    while (!todo.empty()) {
      std::vector<NewReport*> again;
      for (size_t start = 0; start < todo.size(); start += kRowsPerStatement) {
        const size_t n = std::min(kRowsPerStatement, todo.size() - start);
        std::vector<Value> p;
        p.reserve(n * 16);
        for (size_t i = start; i < start + n; ++i) {
          const NewReport& r = *todo[i];
          const Fields& f = r.fields;
          p.emplace_back(r.id);
          p.emplace_back(f.code);
          p.emplace_back(r.institution->id);
          p.emplace_back(f.uscc);
          p.emplace_back(f.report_no);
          p.emplace_back(r.certificate ? Value(r.certificate->id) : store::Null());
          p.emplace_back(f.certificate_no);
          p.emplace_back(f.issue_date);
          p.emplace_back(Blob{DigestBytes(f.document)});
          p.emplace_back(Blob{f.salt});
          p.emplace_back(f.client);
          p.emplace_back(f.sample);
          p.emplace_back(f.results);
          p.emplace_back(static_cast<int64_t>(r.leaf_index));
          p.emplace_back(now_text);
          p.emplace_back(std::string("valid"));
        }
        ZJ_ASSIGN_OR_RETURN(
            int64_t changed,
            tx.Exec("INSERT INTO reports (id, code, institution_id, institution_uscc, report_no, "
                    "certificate_id, certificate_no, issue_date, document_sha256, salt, client, "
                    "sample, results, leaf_index, registered_at, status) VALUES " +
                        Placeholders(n, 16) + " ON CONFLICT (code) DO NOTHING",
                    p));
        if (changed == static_cast<int64_t>(n)) continue;
        std::vector<Value> ids;
        for (size_t i = start; i < start + n; ++i) ids.emplace_back(todo[i]->id);
        ZJ_ASSIGN_OR_RETURN(auto rows,
                            tx.Query("SELECT id FROM reports WHERE id IN " + InList(n), ids));
        std::set<int64_t> inserted;
        for (const auto& row : rows) inserted.insert(row.Int(0));
        for (size_t i = start; i < start + n; ++i) {
          NewReport* r = todo[i];
          if (inserted.count(r->id)) continue;
          ++r->attempt;  // the code is taken by a stored report: draw the next one
          r->fields.code.clear();
          ZJ_TRY(assign(*r));
          again.push_back(r);
        }
      }
      todo = std::move(again);
    }
    // The creating events that are not implied by the report row: corrections (an issue
    // event is the report row itself, migration 0014).
    std::vector<const NewReport*> explicit_events;
    for (const NewReport& r : reports) {
      if (r.type != EventType::kIssue) explicit_events.push_back(&r);
    }
    for (size_t start = 0; start < explicit_events.size(); start += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, explicit_events.size() - start);
      std::vector<Value> p;
      p.reserve(n * 6);
      for (size_t i = start; i < start + n; ++i) {
        const NewReport& r = *explicit_events[i];
        p.emplace_back(static_cast<int64_t>(r.leaf_index));
        p.emplace_back(std::string(EventTypeName(r.type)));
        p.emplace_back(r.id);
        p.emplace_back(r.original_id ? Value(*r.original_id) : store::Null());
        p.emplace_back(r.reason);
        p.emplace_back(now_ms);
      }
      ZJ_TRY(
          tx.Exec("INSERT INTO report_events (leaf_index, type, report_id, "
                  "original_report_id, reason, registered_at_ms) VALUES " +
                      Placeholders(n, 6),
                  p));
    }
    return Ok();
  }

  // The stored report `code` that `actor` may write (admin: any; institution: its own).
  static Result<StoredReport> LoadForWrite(store::Connection& tx, const Principal& actor,
                                           const std::string& code) {
    if (actor.role != Role::kAdmin && actor.role != Role::kInstitution) return Forbidden();
    std::string sql = std::string("SELECT ") + kReportColumns +
                      " FROM reports r JOIN institutions i ON i.id = r.institution_id WHERE "
                      "r.code = ?";
    std::vector<Value> p{code};
    if (actor.role == Role::kInstitution) {
      sql += " AND r.institution_id = ?";
      p.emplace_back(actor.institution_id.value_or(-1));
    }
    ZJ_ASSIGN_OR_RETURN(auto row, tx.QueryOne(sql, p));
    if (!row) return NotFound(code);
    return ReportFromRow(*row);
  }

  static Result<std::optional<StoredReport>> LoadByNumber(store::Connection& tx,
                                                          int64_t institution_id,
                                                          const std::string& report_no) {
    std::vector<Value> p{institution_id, report_no};
    ZJ_ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string("SELECT ") + kReportColumns +
                                                  " FROM reports r JOIN institutions i ON i.id = "
                                                  "r.institution_id WHERE r.institution_id = ? "
                                                  "AND r.report_no = ?",
                                              p));
    if (!row) return std::optional<StoredReport>();
    return std::optional<StoredReport>(ReportFromRow(*row));
  }

  static Result<int64_t> AuditWrite(store::Connection& tx, const Principal& actor,
                                    const std::string& ip, const std::string& action,
                                    const std::string& target, const Institution* inst,
                                    boost::json::object detail, TimePoint now) {
    audit::AuditEvent e;
    e.action = action;
    e.target_type = "report";
    e.target_id = target;
    if (inst) {
      e.region_code = inst->region_code;
      e.institution_id = inst->id;
    }
    e.detail = std::move(detail);
    return audit::Append(tx, actor, ip, e, now);
  }
};

std::string_view ReportStatusName(ReportStatus status) {
  switch (status) {
    case ReportStatus::kValid:
      return "valid";
    case ReportStatus::kCorrected:
      return "corrected";
    case ReportStatus::kRevoked:
      return "revoked";
  }
  return "valid";
}

std::optional<ReportStatus> ParseReportStatus(std::string_view name) {
  if (name == "valid") return ReportStatus::kValid;
  if (name == "corrected") return ReportStatus::kCorrected;
  if (name == "revoked") return ReportStatus::kRevoked;
  return std::nullopt;
}

Result<std::unique_ptr<ReportLedger>> ReportLedger::Open(store::Database& db, LogStore& log,
                                                         const Clock& clock,
                                                         LedgerOptions options) {
  if (options.code_secret.empty()) {
    ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ZJ_ASSIGN_OR_RETURN(auto row,
                        conn->QueryOne("SELECT code_secret FROM ledger_settings WHERE id = 1"));
    if (!row) {
      std::string secret;
      if (options.random) {
        secret = options.random(32);
      } else {
        secret.resize(32);
        randombytes_buf(secret.data(), secret.size());
      }
      if (secret.size() != 32) {
        return Error::Internal("ledger.bad-random", "the random source gave no 32 bytes");
      }
      std::vector<Value> p{Blob{secret}, FormatInstant(clock.Now())};
      ZJ_TRY(
          conn->Exec("INSERT INTO ledger_settings (id, code_secret, created_at) VALUES (1, ?, "
                     "?) ON CONFLICT (id) DO NOTHING",
                     p));
      ZJ_ASSIGN_OR_RETURN(row,
                          conn->QueryOne("SELECT code_secret FROM ledger_settings WHERE id = 1"));
      if (!row) return Error::Internal("ledger.no-secret", "ledger_settings row is missing");
    }
    options.code_secret = row->Bytes(0);
  }
  std::unique_ptr<ReportLedger> ledger(new ReportLedger(db, log, clock, std::move(options)));
  ledger->mac_ = std::make_shared<const CodeMac>(ledger->options_.code_secret);
  return ledger;
}

Result<std::vector<Result<Registered>>> ReportLedger::RegisterBatch(
    const Principal& actor, std::span<const ReportInput> inputs, const std::string& ip) {
  const size_t count = inputs.size();
  std::vector<std::optional<Result<Registered>>> results(count);
  auto finish = [&]() {
    std::vector<Result<Registered>> out;
    out.reserve(count);
    for (auto& r : results) {
      out.push_back(r ? std::move(*r) : Result<Registered>(Error::Internal("report.lost", "")));
    }
    return out;
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kInstitution) {
    for (auto& r : results) r = Forbidden();
    return finish();
  }
  const TimePoint now = clock_.Now();
  const int64_t now_ms = ToUnixMillis(now);
  const std::string now_text = FormatInstant(now);
  const std::string today = ChinaDate(now);

  // Checks that need no database.
  std::vector<std::string> uscc(count);
  std::unordered_map<std::string_view, std::pair<bool, std::string>> parsed_uscc;
  for (size_t i = 0; i < count; ++i) {
    const ReportInput& in = inputs[i];
    if (in.report_no.empty()) {
      results[i] = Error::Invalid("registration.missing-field", "缺少必填字段",
                                  "a required field is missing", "report_no");
    } else if (!ParseIsoDate(in.issue_date)) {
      results[i] = Error::Invalid("registration.bad-field", "字段无效", "invalid field",
                                  "issue_date: not a date YYYY-MM-DD");
    } else if (in.issue_date > today) {
      results[i] = Unprocessable("report.future-issue-date", "签发日期晚于今天",
                                 "the issue date is in the future", in.issue_date + " > " + today);
    } else if (in.institution.empty()) {
      if (actor.role != Role::kInstitution) {
        results[i] = Error::Invalid("registration.missing-field", "缺少必填字段",
                                    "a required field is missing", "institution");
      }
    } else {
      // A batch repeats few institutions: each distinct text is parsed once.
      auto [it, fresh_text] = parsed_uscc.try_emplace(in.institution);
      if (fresh_text) {
        Result<Uscc> parsed = Uscc::Parse(in.institution);
        it->second = parsed ? std::make_pair(true, parsed->str())
                            : std::make_pair(false, parsed.error().code());
      }
      if (!it->second.first) {
        results[i] = Error::Invalid("registration.bad-field", "字段无效", "invalid field",
                                    "institution: " + it->second.second);
      } else {
        uscc[i] = it->second.second;
      }
    }
  }

  uint64_t appended_to = 0;
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  auto tx_result =
      store::WithTransaction<bool>(conn.get(), [&](store::Connection& tx) -> Result<bool> {
        ZJ_ASSIGN_OR_RETURN(LogHead head, log_.LockHead(tx));
        // Institutions: by USCC, and the actor's own.
        std::map<std::string, Institution> by_uscc;
        std::optional<Institution> own;
        {
          std::vector<std::string> wanted;
          for (size_t i = 0; i < count; ++i) {
            if (!results[i] && !uscc[i].empty()) wanted.push_back(uscc[i]);
          }
          std::sort(wanted.begin(), wanted.end());
          wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
          for (size_t start = 0; start < wanted.size(); start += kRowsPerStatement) {
            const size_t n = std::min(kRowsPerStatement, wanted.size() - start);
            std::vector<Value> p(wanted.begin() + start, wanted.begin() + start + n);
            ZJ_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, uscc, region_code, name FROM "
                                                    "institutions WHERE uscc IN " +
                                                        InList(n),
                                                    p));
            for (const auto& r : rows) {
              by_uscc[r.Text(1)] = Institution{r.Int(0), r.Text(1), r.Text(2), r.Text(3)};
            }
          }
          if (actor.role == Role::kInstitution && actor.institution_id) {
            std::vector<Value> p{*actor.institution_id};
            ZJ_ASSIGN_OR_RETURN(
                auto row,
                tx.QueryOne("SELECT id, uscc, region_code, name FROM institutions WHERE id = ?",
                            p));
            if (row) own = Institution{row->Int(0), row->Text(1), row->Text(2), row->Text(3)};
          }
        }
        std::vector<const Institution*> inst(count, nullptr);
        std::vector<int64_t> inst_ids;
        for (size_t i = 0; i < count; ++i) {
          if (results[i]) continue;
          const Institution* found = nullptr;
          if (uscc[i].empty()) {
            found = own ? &*own : nullptr;
          } else if (auto it = by_uscc.find(uscc[i]); it != by_uscc.end()) {
            found = &it->second;
          }
          if (actor.role == Role::kInstitution && (!own || (found && found->id != own->id))) {
            results[i] = Error(Error::Kind::kPermissionDenied, "report.other-institution",
                               "只能为本机构登记报告",
                               "you may register reports of your own "
                               "institution only",
                               uscc[i]);
            continue;
          }
          if (found == nullptr) {
            results[i] = Unprocessable("report.unknown-institution", "机构不存在",
                                       "no institution with this USCC", uscc[i]);
            continue;
          }
          inst[i] = found;
          inst_ids.push_back(found->id);
        }
        std::sort(inst_ids.begin(), inst_ids.end());
        inst_ids.erase(std::unique(inst_ids.begin(), inst_ids.end()), inst_ids.end());
        ZJ_ASSIGN_OR_RETURN(auto certs, LoadCertificates(tx, inst_ids));
        std::vector<const Certificate*> cert(count, nullptr);
        for (size_t i = 0; i < count; ++i) {
          if (results[i]) continue;
          auto it = certs.find(inst[i]->id);
          Result<const Certificate*> c =
              ChooseCertificate(it == certs.end() ? nullptr : &it->second, inputs[i].certificate,
                                inputs[i].issue_date);
          if (!c) {
            results[i] = std::move(c).error();
          } else {
            cert[i] = *c;
          }
        }

        // Stored registrations of the same numbers (idempotency).
        std::map<std::pair<int64_t, std::string>, StoredReport> stored;
        {
          std::map<int64_t, std::vector<std::string>> numbers;
          for (size_t i = 0; i < count; ++i) {
            if (!results[i]) numbers[inst[i]->id].push_back(inputs[i].report_no);
          }
          for (auto& [id, nos] : numbers) {
            std::sort(nos.begin(), nos.end());
            nos.erase(std::unique(nos.begin(), nos.end()), nos.end());
            for (size_t start = 0; start < nos.size(); start += kRowsPerStatement) {
              const size_t n = std::min(kRowsPerStatement, nos.size() - start);
              std::vector<Value> p{id};
              p.insert(p.end(), nos.begin() + start, nos.begin() + start + n);
              ZJ_ASSIGN_OR_RETURN(auto rows,
                                  tx.Query(std::string("SELECT ") + kReportColumns +
                                               " FROM reports r JOIN institutions i ON "
                                               "i.id = r.institution_id WHERE "
                                               "r.institution_id = ? AND r.report_no IN " +
                                               InList(n),
                                           p));
              for (const auto& row : rows) {
                StoredReport s = ReportFromRow(row);
                stored[{s.record.institution_id, s.record.input.report_no}] = std::move(s);
              }
            }
          }
        }

        // The CPU-only work (canonical results; for items that will be new also the salt
        // and the entry) on options_.threads threads; the outcome does not depend on it.
        std::vector<std::string> results_texts(count);
        std::vector<std::optional<NewReport>> prepared(count);
        std::vector<std::optional<Error>> unloggable(count);
        ForEachIndex(count, options_.threads, [&](size_t i) {
          if (results[i]) return;
          const ReportInput& in = inputs[i];
          results_texts[i] = CanonicalResults(in);
          if (stored.count({inst[i]->id, in.report_no}) != 0) return;
          NewReport n;
          n.item = i;
          n.institution = inst[i];
          n.certificate = cert[i];
          n.fields.uscc = inst[i]->uscc;
          n.fields.report_no = in.report_no;
          n.fields.issue_date = in.issue_date;
          n.fields.certificate_no = cert[i]->number;
          n.fields.document = in.document_sha256;
          n.fields.salt = Salt(*mac_, n.fields.uscc, in.report_no);
          n.fields.client = in.client;
          n.fields.sample = in.sample;
          n.fields.results = results_texts[i];
          if (Result<void> valid = PrepareEvent(n, now_ms); !valid) {
            unloggable[i] = std::move(valid).error();
          } else {
            prepared[i] = std::move(n);
          }
        });

        std::vector<NewReport> fresh;
        fresh.reserve(count);
        // -> index in `fresh`
        std::unordered_map<std::pair<int64_t, std::string>, size_t, NumberKeyHash> first_in_batch;
        first_in_batch.reserve(count);
        std::vector<std::pair<size_t, size_t>> repeats;  // (item, index in fresh)
        for (size_t i = 0; i < count; ++i) {
          if (results[i]) continue;
          const ReportInput& in = inputs[i];
          const std::string& results_text = results_texts[i];
          std::pair<int64_t, std::string> key{inst[i]->id, in.report_no};
          if (auto it = stored.find(key); it != stored.end()) {
            const ReportRecord& s = it->second.record;
            const std::string field = DifferingField(s, in, results_text, cert[i]->number);
            if (!field.empty()) {
              results[i] = ConflictError(in.report_no, s.code, field);
            } else {
              results[i] = Registered{s.code,   false,           s.leaf_index, SecretText(s.salt),
                                      s.status, s.institution_id};
            }
            continue;
          }
          if (auto it = first_in_batch.find(key); it != first_in_batch.end()) {
            const NewReport& f = fresh[it->second];
            const ReportInput& first = inputs[f.item];
            const bool same = first.document_sha256 == in.document_sha256 &&
                              first.issue_date == in.issue_date && f.certificate == cert[i] &&
                              first.client == in.client && first.sample == in.sample &&
                              f.fields.results == results_text;
            if (same) {
              repeats.emplace_back(i, it->second);
            } else {
              results[i] = ConflictError(in.report_no, "(earlier in this batch)", "content");
            }
            continue;
          }
          // An entry that the log format refuses (e.g. a certificate number the registry kept
          // in an odd legacy form) refuses its item rather than the batch.
          if (unloggable[i]) {
            results[i] =
                Unprocessable("report.not-loggable", "报告字段无法写入日志",
                              "a field cannot be written to the log", unloggable[i]->detail());
            continue;
          }
          fresh.push_back(std::move(*prepared[i]));
          first_in_batch.emplace(std::move(key), fresh.size() - 1);
        }
        if (fresh.empty()) return false;  // (then `repeats` is empty too)
        ZJ_TRY(Impl::InsertReports(tx, *mac_, fresh, head.size, now_ms, now_text));
        std::vector<std::string> entries;
        entries.reserve(fresh.size());
        for (auto& n : fresh) entries.push_back(std::move(n.entry));
        ZJ_ASSIGN_OR_RETURN(LogHead after, log_.Append(tx, head, entries));
        appended_to = after.size;

        boost::json::array codes;
        std::set<int64_t> institutions;
        for (const auto& n : fresh) {
          institutions.insert(n.institution->id);
          if (codes.size() < kAuditCodes) codes.push_back(boost::json::value(n.fields.code));
          results[n.item] = Registered{n.fields.code,        true,
                                       n.leaf_index,         SecretText(n.fields.salt),
                                       ReportStatus::kValid, n.institution->id};
        }
        for (auto [item, idx] : repeats) {
          Registered r = *results[fresh[idx].item].value();
          r.created = false;
          results[item] = r;
        }
        int64_t existing = 0, refused = 0;
        for (size_t i = 0; i < count; ++i) {
          if (!*results[i]) {
            ++refused;
          } else if (!results[i]->value().created) {
            ++existing;
          }
        }
        boost::json::object detail{{"created", static_cast<int64_t>(fresh.size())},
                                   {"existing", existing},
                                   {"refused", refused},
                                   {"first_leaf", static_cast<int64_t>(fresh.front().leaf_index)},
                                   {"last_leaf", static_cast<int64_t>(fresh.back().leaf_index)},
                                   {"codes", codes}};
        ZJ_TRY(Impl::AuditWrite(tx, actor, ip, "report.register",
                                fresh.size() == 1 ? fresh.front().fields.code : std::string(),
                                institutions.size() == 1 ? fresh.front().institution : nullptr,
                                std::move(detail), now));
        return true;
      });
  if (!tx_result) return std::move(tx_result).error();
  if (*tx_result && options_.on_append) options_.on_append(appended_to);
  return finish();
}

Result<Registered> ReportLedger::Register(const Principal& actor, const ReportInput& input,
                                          const std::string& ip) {
  ZJ_ASSIGN_OR_RETURN(auto results, RegisterBatch(actor, std::span(&input, 1), ip));
  return std::move(results.front());
}

Result<Registered> ReportLedger::Correct(const Principal& actor, std::string_view code_text,
                                         const ReportInput& replacement, const std::string& reason,
                                         const std::string& ip) {
  ZJ_ASSIGN_OR_RETURN(ReportCode code, ReportCode::Parse(code_text));
  if (!ValidReason(reason)) {
    return Error::Invalid("report.bad-reason", "更正或撤销原因代码无效",
                          "the reason must be a code of [a-z0-9.-], 1 to 64 characters", reason);
  }
  if (replacement.report_no.empty()) {
    return Error::Invalid("registration.missing-field", "缺少必填字段",
                          "a required field is missing", "report_no");
  }
  if (!ParseIsoDate(replacement.issue_date)) {
    return Error::Invalid("registration.bad-field", "字段无效", "invalid field",
                          "issue_date: not a date YYYY-MM-DD");
  }
  const TimePoint now = clock_.Now();
  const int64_t now_ms = ToUnixMillis(now);
  const std::string today = ChinaDate(now);
  if (replacement.issue_date > today) {
    return Unprocessable("report.future-issue-date", "签发日期晚于今天",
                         "the issue date is in the future", replacement.issue_date + " > " + today);
  }
  uint64_t appended_to = 0;
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(
      Registered out,
      store::WithTransaction<Registered>(
          conn.get(), [&](store::Connection& tx) -> Result<Registered> {
            ZJ_ASSIGN_OR_RETURN(LogHead head, log_.LockHead(tx));
            ZJ_ASSIGN_OR_RETURN(StoredReport original, Impl::LoadForWrite(tx, actor, code.str()));
            const ReportRecord& orig = original.record;
            if (!replacement.institution.empty()) {
              Result<Uscc> u = Uscc::Parse(replacement.institution);
              if (!u || u->str() != orig.input.institution) {
                return Unprocessable("report.correction-other-institution",
                                     "更正报告必须由原报告的机构出具",
                                     "a correction must come from the original's institution",
                                     replacement.institution);
              }
            }
            Institution inst{orig.institution_id, orig.input.institution, orig.region_code,
                             orig.institution_name};
            ZJ_ASSIGN_OR_RETURN(auto certs, LoadCertificates(tx, {inst.id}));
            ZJ_ASSIGN_OR_RETURN(const Certificate* cert,
                                ChooseCertificate(&certs[inst.id], replacement.certificate,
                                                  replacement.issue_date));
            const std::string results_text = CanonicalResults(replacement);
            ZJ_ASSIGN_OR_RETURN(auto existing,
                                Impl::LoadByNumber(tx, inst.id, replacement.report_no));
            if (existing) {
              StoredReport& s = *existing;
              ZJ_TRY(Complete(tx, &s));
              const std::string field =
                  DifferingField(s.record, replacement, results_text, cert->number);
              if (field.empty() && s.record.replaces == orig.code) {
                return Registered{s.record.code,       false,
                                  s.record.leaf_index, SecretText(s.record.salt),
                                  s.record.status,     inst.id};
              }
              return ConflictError(replacement.report_no, s.record.code,
                                   field.empty() ? "not a correction of " + orig.code : field);
            }
            if (orig.status != ReportStatus::kValid) {
              return Conflict("report.not-current", "只能更正有效的报告",
                              "only a valid report can be corrected",
                              orig.code + " is " + std::string(ReportStatusName(orig.status)));
            }
            std::vector<NewReport> fresh(1);
            NewReport& n = fresh[0];
            n.institution = &inst;
            n.certificate = cert;
            n.fields.uscc = inst.uscc;
            n.fields.report_no = replacement.report_no;
            n.fields.issue_date = replacement.issue_date;
            n.fields.certificate_no = cert->number;
            n.fields.document = replacement.document_sha256;
            n.fields.salt = Salt(*mac_, inst.uscc, replacement.report_no);
            n.fields.client = replacement.client;
            n.fields.sample = replacement.sample;
            n.fields.results = results_text;
            n.type = EventType::kCorrect;
            n.original_id = orig.id;
            n.original_code = orig.code;
            n.reason = reason;
            Result<void> ins = PrepareEvent(n, now_ms);
            if (ins) {
              ins = Impl::InsertReports(tx, *mac_, fresh, head.size, now_ms, FormatInstant(now));
            }
            if (!ins) {
              if (ins.error().code() == "entry.invalid-field") {
                return Unprocessable("report.not-loggable", "报告字段无法写入日志",
                                     "a field cannot be written to the log", ins.error().detail());
              }
              return std::move(ins).error();
            }
            std::vector<Value> p{orig.id};
            ZJ_TRY(tx.Exec("UPDATE reports SET status = 'corrected' WHERE id = ?", p));
            const std::string entries[] = {n.entry};
            ZJ_ASSIGN_OR_RETURN(LogHead after, log_.Append(tx, head, entries));
            appended_to = after.size;
            ZJ_TRY(Impl::AuditWrite(
                tx, actor, ip, "report.correct", n.fields.code, &inst,
                boost::json::object{{"original", orig.code},
                                    {"reason", reason},
                                    {"leaf_index", static_cast<int64_t>(n.leaf_index)}},
                now));
            return Registered{n.fields.code,        true,   n.leaf_index, SecretText(n.fields.salt),
                              ReportStatus::kValid, inst.id};
          }));
  if (out.created && options_.on_append) options_.on_append(appended_to);
  return out;
}

Result<Registered> ReportLedger::Revoke(const Principal& actor, std::string_view code_text,
                                        const std::string& reason, const std::string& ip) {
  ZJ_ASSIGN_OR_RETURN(ReportCode code, ReportCode::Parse(code_text));
  if (!ValidReason(reason)) {
    return Error::Invalid("report.bad-reason", "更正或撤销原因代码无效",
                          "the reason must be a code of [a-z0-9.-], 1 to 64 characters", reason);
  }
  const TimePoint now = clock_.Now();
  uint64_t appended_to = 0;
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(
      Registered out,
      store::WithTransaction<Registered>(
          conn.get(), [&](store::Connection& tx) -> Result<Registered> {
            ZJ_ASSIGN_OR_RETURN(LogHead head, log_.LockHead(tx));
            ZJ_ASSIGN_OR_RETURN(StoredReport original, Impl::LoadForWrite(tx, actor, code.str()));
            ZJ_TRY(Complete(tx, &original));
            const ReportRecord& orig = original.record;
            if (orig.status == ReportStatus::kRevoked) {
              for (const EventRecord& e : orig.events) {
                if (e.type == EventType::kRevoke) {
                  return Registered{orig.code,    false,
                                    e.leaf_index, SecretText(orig.salt),
                                    orig.status,  orig.institution_id};
                }
              }
              return Error(Error::Kind::kInternal, "ledger.corrupt", "日志数据不一致",
                           "a revoked report without a revocation event", orig.code);
            }
            if (orig.status == ReportStatus::kCorrected) {
              return Conflict("report.superseded", "报告已被更正，请撤销更正后的报告",
                              "the report was corrected: revoke its replacement",
                              orig.code + " replaced by " + orig.replaced_by.value_or("?"));
            }
            EventRecord ev{EventType::kRevoke, head.size, ToUnixMillis(now),
                           orig.code,          orig.code, reason};
            ZJ_ASSIGN_OR_RETURN(ReportEvent event, EventOf(orig, ev));
            ZJ_ASSIGN_OR_RETURN(std::string entry, EncodeEvent(event));
            std::vector<Value> p{static_cast<int64_t>(head.size), orig.id, orig.id, reason,
                                 ev.registered_at_ms};
            ZJ_TRY(
                tx.Exec("INSERT INTO report_events (leaf_index, type, report_id, "
                        "original_report_id, reason, registered_at_ms) VALUES (?, 'revoke', ?, ?, "
                        "?, ?)",
                        p));
            std::vector<Value> q{orig.id};
            ZJ_TRY(tx.Exec("UPDATE reports SET status = 'revoked' WHERE id = ?", q));
            const std::string entries[] = {entry};
            ZJ_ASSIGN_OR_RETURN(LogHead after, log_.Append(tx, head, entries));
            appended_to = after.size;
            Institution inst{orig.institution_id, orig.input.institution, orig.region_code,
                             orig.institution_name};
            ZJ_TRY(Impl::AuditWrite(
                tx, actor, ip, "report.revoke", orig.code, &inst,
                boost::json::object{{"reason", reason},
                                    {"leaf_index", static_cast<int64_t>(head.size)}},
                now));
            return Registered{
                orig.code,          true, head.size, SecretText(orig.salt), ReportStatus::kRevoked,
                orig.institution_id};
          }));
  if (out.created && options_.on_append) options_.on_append(appended_to);
  return out;
}

Result<ReportRecord> ReportLedger::Get(const Principal& viewer, std::string_view code_text) {
  ZJ_ASSIGN_OR_RETURN(ReportCode code, ReportCode::Parse(code_text));
  std::string sql = std::string("SELECT ") + kReportColumns +
                    " FROM reports r JOIN institutions i ON i.id = r.institution_id WHERE "
                    "r.code = ?";
  std::vector<Value> p{code.str()};
  store::AppendScope(store::ScopeFor(viewer, {.region_column = "i.region_code",
                                              .institution_column = "r.institution_id"}),
                     &sql, &p);
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto row, conn->QueryOne(sql, p));
  if (!row) return NotFound(code.str());
  StoredReport s = ReportFromRow(*row);
  ZJ_TRY(Complete(conn.get(), &s));
  return std::move(s.record);
}

Result<ReportPage> ReportLedger::List(const Principal& viewer, const ReportListFilter& f) {
  std::string sql =
      "SELECT r.id, r.code, r.report_no, r.issue_date, r.registered_at, r.status, "
      "r.institution_id, i.name, i.region_code, r.leaf_index FROM reports r JOIN institutions i "
      "ON i.id = r.institution_id WHERE 1=1";
  std::vector<Value> p;
  if (f.institution_id) {
    sql += " AND r.institution_id = ?";
    p.emplace_back(*f.institution_id);
  }
  if (f.status) {
    sql += " AND r.status = ?";
    p.emplace_back(std::string(ReportStatusName(*f.status)));
  }
  if (!f.report_no.empty()) {
    sql += " AND r.report_no = ?";
    p.emplace_back(f.report_no);
  }
  if (f.before_id) {
    sql += " AND r.id < ?";
    p.emplace_back(*f.before_id);
  }
  store::AppendScope(store::ScopeFor(viewer, {.region_column = "i.region_code",
                                              .institution_column = "r.institution_id"}),
                     &sql, &p);
  const int limit = std::clamp(f.limit, 1, 200);
  sql += " ORDER BY r.id DESC LIMIT ?";
  p.emplace_back(int64_t{limit + 1});
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query(sql, p));
  ReportPage page;
  for (const auto& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_before = page.items.back().id;
      break;
    }
    ReportSummary s;
    s.id = r.Int(0);
    s.code = r.Text(1);
    s.report_no = r.Text(2);
    s.issue_date = r.Text(3);
    s.registered_at = r.Text(4);
    s.status = ParseReportStatus(r.Text(5)).value_or(ReportStatus::kValid);
    s.institution_id = r.Int(6);
    s.institution_name = r.Text(7);
    s.region_code = r.Text(8);
    s.leaf_index = static_cast<uint64_t>(r.Int(9));
    page.items.push_back(std::move(s));
  }
  return page;
}

Result<std::optional<ReportRecord>> ReportLedger::Find(std::string_view code_text) {
  ZJ_ASSIGN_OR_RETURN(ReportCode code, ReportCode::Parse(code_text));
  std::vector<Value> p{code.str()};
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto row, conn->QueryOne(std::string("SELECT ") + kReportColumns +
                                                   " FROM reports r JOIN institutions i ON i.id "
                                                   "= r.institution_id WHERE r.code = ?",
                                               p));
  if (!row) return std::optional<ReportRecord>();
  StoredReport s = ReportFromRow(*row);
  ZJ_TRY(Complete(conn.get(), &s));
  return std::optional<ReportRecord>(std::move(s.record));
}

Result<Verification> ReportLedger::Verify(std::string_view code_text,
                                          const std::optional<std::string>& secret) {
  ZJ_ASSIGN_OR_RETURN(ReportCode code, ReportCode::Parse(code_text));
  Verification v;
  v.code = code.str();
  std::optional<std::string> salt;
  if (secret) {
    v.secret_given = true;
    ZJ_ASSIGN_OR_RETURN(salt, ParseSecret(*secret));
  }
  ZJ_ASSIGN_OR_RETURN(v.report, Find(v.code));
  if (!v.report) return v;
  v.secret_valid = salt && salt->size() == v.report->salt.size() &&
                   CRYPTO_memcmp(salt->data(), v.report->salt.data(), salt->size()) == 0;
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ZJ_ASSIGN_OR_RETURN(v.checkpoint, log_.LatestCheckpoint(conn.get()));
  for (const EventRecord& e : v.report->events) {
    EventProof p;
    p.event = e;
    ZJ_ASSIGN_OR_RETURN(p.entry, log_.Entry(conn.get(), e.leaf_index));
    p.leaf_hash = log_.hasher().HashLeaf(p.entry);
    if (v.checkpoint && e.leaf_index < v.checkpoint->size) {
      // The checkpoint's size is within the log: no need to read the head again.
      ZJ_ASSIGN_OR_RETURN(
          auto proof, InclusionProof(e.leaf_index, v.checkpoint->size,
                                     log_.Reader(conn.get(), v.checkpoint->size), log_.hasher()));
      p.inclusion = std::move(proof);
    }
    v.events.push_back(std::move(p));
  }
  return v;
}

EventRecord ReportLedger::ImpliedIssueEvent(const ReportRecord& report) {
  EventRecord e;
  e.type = EventType::kIssue;
  e.leaf_index = report.leaf_index;
  TimePoint at{};
  e.registered_at_ms = ParseInstant(report.registered_at, &at) ? ToUnixMillis(at) : 0;
  e.code = report.code;
  return e;
}

Result<ReportEvent> ReportLedger::EventOf(const ReportRecord& report, const EventRecord& event) {
  if (event.code != report.code) {
    return Error::Internal("ledger.event-of", "event " + std::to_string(event.leaf_index) +
                                                  " is not about report " + report.code);
  }
  return MakeEvent(event.type, event.registered_at_ms, FieldsOf(report), event.original_code,
                   event.reason);
}

}  // namespace zhijian::ledger
