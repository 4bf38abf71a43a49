// Registered reports (一码通查): registration, corrections and revocations as log events, scoped
// reads, and the public verification of a code.
//
// Purpose: the one place that writes the report tables of 0008_ledger.sql. Every accepted
// event is appended to the transparency log (log_store.h) in the SAME transaction as its rows,
// with one audit record (audit.h) per call — for a batch, one record for the whole batch
// (action "report.register", detail: counts, leaf range, codes of up to 20 reports).
//
// Registration (`RegisterBatch`, `Register`): each item is refused, with a clear reason, only
// where the report cannot legally exist:
//   - malformed fields (registration.h; the caller parses them),
//   - "report.unknown-institution" (kUnprocessable): no institution with that USCC,
//   - "report.other-institution" (kPermissionDenied): an institution user registering for
//     another institution (administrators may register for any; other roles for none,
//     "auth.forbidden"),
//   - "report.no-valid-certificate" / "report.certificate-not-found" /
//     "report.certificate-not-valid" (kUnprocessable): no CMA certificate of the institution
//     valid on the issue date (the registry's rule, registry/query/query.h: the status of the
//     certificate's latest history entry effective on or before the date — else its recorded
//     status — is "valid", and issued_on ≤ date ≤ expires_on); without `certificate` the valid
//     one issued last is taken,
//   - "report.future-issue-date" (kUnprocessable): after today in China,
//   - "report.bad-region" (kUnprocessable): the institution's region code cannot start a code,
//   - "report.not-loggable" (kUnprocessable): a registry value the entry format refuses (e.g. a
//     legacy certificate number with a control character).
// Everything else is accepted. Idempotent on (institution, report number): a repeat with the
// same content returns the same code (`created` = false); the same number with another document
// digest, issue date, certificate, client, sample or results is "report.conflict" (kConflict,
// detail names the field). Items are independent: one refused item does not stop the others.
//
// The code: ReportCode::Make(institution region, issue year, entropy) with entropy =
// ReportCodeEntropy(secret, USCC ‖ 0x00 ‖ report number ‖ 0x00 ‖ attempt) (attempt "0", then
// "1", … on the astronomically rare collision with a stored code). The salt (the report's
// verification secret, registration.h): the first 16 bytes of HMAC-SHA256(secret, "salt" ‖
// 0x00 ‖ USCC ‖ 0x00 ‖ report number). `secret` is the deployment's code secret (32 random
// bytes in ledger_settings, created on first use; LedgerOptions::code_secret overrides it in
// tests). Both are reproducible for the platform and unpredictable for everyone else.
//
// Corrections (`Correct`): a new report (own number, own code) that replaces a valid one of the
// same institution; event "correct" with code = the new report, original = the replaced one,
// whose status becomes "corrected". Revocations (`Revoke`): event "revoke" repeating the
// report's fields; status "revoked". Both are idempotent: repeating the same correction (same
// new report number and content) or revoking a revoked report returns the existing event
// (`created` = false). Refusals: "report.not-found" (kNotFound; also outside the writer's
// scope), "report.not-current" (kConflict: correcting a corrected or revoked report),
// "report.superseded" (kConflict: revoking a corrected report — revoke its replacement),
// "report.correction-other-institution" (kUnprocessable), "report.bad-reason"
// (kInvalidArgument: reasons are codes [a-z0-9.-]{1,64}, e.g. "data-error").
//
// Reads: `Get` and `List` are scoped through store::ScopeFor (admin all; regulator and inspector
// the institution's region subtree; institution users their own; the public nothing) —
// "report.not-found" outside the scope. `Verify` is the public verification (no scope: a code
// is its own capability): existence, institution, status, the certificate check, every event
// with its entry and an inclusion proof against the latest checkpoint; client, sample and
// results only to the holder of the verification secret.
//
// Status: "valid" (shown to the public as "authentic"), "corrected", "revoked"; stored in
// reports.status and derived from the events (the auditor checks it).
//
// Events as stored: corrections and revocations are report_events rows; an issue event has no
// row — the report row implies it (`ImpliedIssueEvent`, migration 0014), so a registration
// writes one report row and its log entry. Reads and the auditor give the same EventRecord as
// the old explicit row did.
//
// Ownership: borrows the Database, LogStore and Clock (must outlive it).
// Thread-safety: thread-safe; concurrent writers serialise on the log head.
// Errors: as above; kInvalidArgument "report-code.*" for a code that does not parse;
// "registration.bad-secret"; store errors pass through (a store error fails the whole call and
// writes nothing).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/ledger/entry.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/registration.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger {

struct LedgerOptions {
  // HMAC key of codes and salts; empty: the deployment secret in ledger_settings.
  std::string code_secret;
  // Random bytes for creating the deployment secret; default libsodium randombytes_buf.
  std::function<std::string(size_t)> random;
  // Called after a committed call appended entries, with the new tree size (the checkpoint
  // publisher listens). Must be cheap and thread-safe.
  std::function<void(uint64_t)> on_append;
  // Threads for the CPU-only work of a batch (canonical results, salts, entries), this one
  // included: 1 = none other. Codes, entries and log order do not depend on it.
  int threads = 1;
};

enum class ReportStatus { kValid, kCorrected, kRevoked };
// "valid", "corrected", "revoked".
std::string_view ReportStatusName(ReportStatus status);
std::optional<ReportStatus> ParseReportStatus(std::string_view name);

// The outcome of a registration, correction or revocation.
struct Registered {
  std::string code;
  bool created = false;     // false: it existed (an idempotent repeat)
  uint64_t leaf_index = 0;  // the log entry of the event
  std::string secret;       // the report's verification secret (registration.h)
  ReportStatus status = ReportStatus::kValid;
  int64_t institution_id = 0;
};

// One event about a report, as stored.
struct EventRecord {
  EventType type = EventType::kIssue;
  uint64_t leaf_index = 0;
  int64_t registered_at_ms = 0;
  std::string code;           // the report the entry is about
  std::string original_code;  // correct: the replaced report; revoke: = code; issue: ""
  std::string reason;
};

// The certificate a report was registered under, judged on the report's issue date now (the
// registry's history may have changed since).
struct CertificateCheck {
  std::string number;
  bool found = false;                // the certificate is still in the registry
  std::string status_on_issue_date;  // "valid", "suspended", …, "not-yet-issued", "expired"
  bool valid_on_issue_date = false;
};

struct ReportRecord {
  int64_t id = 0;
  std::string code;
  int64_t institution_id = 0;
  std::string institution_name;
  std::string region_code;   // the institution's region now
  ReportInput input;         // as registered: institution = USCC, certificate = its number
  std::string results_text;  // the canonical results (registration.h)
  std::string salt;          // 16 bytes
  uint64_t leaf_index = 0;   // the event that created it
  std::string registered_at;
  ReportStatus status = ReportStatus::kValid;
  std::optional<std::string> replaces;     // the report this one corrects
  std::optional<std::string> replaced_by;  // the report correcting this one
  std::vector<EventRecord> events;         // every event about it, in log order
  CertificateCheck certificate;
};

// An event with what a verifier needs to check it against a checkpoint.
struct EventProof {
  EventRecord event;
  std::string entry;  // the canonical entry bytes
  Hash leaf_hash{};
  // PATH(leaf, checkpoint size); nullopt when the entry is newer than the checkpoint.
  std::optional<std::vector<Hash>> inclusion;
};

struct Verification {
  std::string code;                    // canonical
  std::optional<ReportRecord> report;  // nullopt: no such report ("unknown")
  bool secret_given = false;
  bool secret_valid = false;                   // client, sample and results may be shown
  std::optional<StoredCheckpoint> checkpoint;  // the latest; nullopt when none is published
  std::vector<EventProof> events;              // of report->events
};

// A row of a report list.
struct ReportSummary {
  int64_t id = 0;
  std::string code;
  std::string report_no;
  std::string issue_date;
  std::string registered_at;
  ReportStatus status = ReportStatus::kValid;
  int64_t institution_id = 0;
  std::string institution_name;
  std::string region_code;
  uint64_t leaf_index = 0;
};

struct ReportListFilter {
  std::optional<int64_t> institution_id;
  std::optional<ReportStatus> status;
  std::string report_no;             // exact
  std::optional<int64_t> before_id;  // page cursor: rows with id < this
  int limit = 50;                    // clamped to [1, 200]
};

struct ReportPage {
  std::vector<ReportSummary> items;    // newest first
  std::optional<int64_t> next_before;  // cursor of the next page; none = end
};

class CodeMac;  // internal (report_ledger.cc)

class ReportLedger {
 public:
  // Loads (or, on first use, creates) the deployment secret unless options.code_secret is set.
  static Result<std::unique_ptr<ReportLedger>> Open(store::Database& db, LogStore& log,
                                                    const Clock& clock, LedgerOptions options = {});

  // One result per input, in order. The outer Result fails only on store errors.
  Result<std::vector<Result<Registered>>> RegisterBatch(const Principal& actor,
                                                        std::span<const ReportInput> inputs,
                                                        const std::string& ip);
  Result<Registered> Register(const Principal& actor, const ReportInput& input,
                              const std::string& ip);
  Result<Registered> Correct(const Principal& actor, std::string_view code,
                             const ReportInput& replacement, const std::string& reason,
                             const std::string& ip);
  Result<Registered> Revoke(const Principal& actor, std::string_view code,
                            const std::string& reason, const std::string& ip);

  Result<ReportRecord> Get(const Principal& viewer, std::string_view code);
  // The reports `viewer` may see (scoped like Get), newest first.
  Result<ReportPage> List(const Principal& viewer, const ReportListFilter& filter);
  // Without scope (public verification, auditor, CLI): nullopt for an unknown code.
  Result<std::optional<ReportRecord>> Find(std::string_view code);
  // `secret`: the verification secret text, if the caller gave one.
  Result<Verification> Verify(std::string_view code, const std::optional<std::string>& secret);

  // The issue event of a report that no correction created: it has no report_events row
  // (migration 0014); the report row implies it — at the report's leaf, registered at its
  // registered_at instant (0 when that does not parse), no original, no reason.
  static EventRecord ImpliedIssueEvent(const ReportRecord& report);
  // The canonical event of a stored report and event (for the auditor and tests).
  static Result<ReportEvent> EventOf(const ReportRecord& report, const EventRecord& event);

  LogStore& log() { return log_; }

 private:
  ReportLedger(store::Database& db, LogStore& log, const Clock& clock, LedgerOptions options)
      : db_(db), log_(log), clock_(clock), options_(std::move(options)) {}
  struct Impl;

  store::Database& db_;
  LogStore& log_;
  const Clock& clock_;
  LedgerOptions options_;
  std::shared_ptr<const CodeMac> mac_;  // HMAC-SHA256 keyed once with the code secret
};

}  // namespace zhijian::ledger
