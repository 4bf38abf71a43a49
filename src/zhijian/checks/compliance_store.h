// Report compliance checks over the database: the registry facts of one report (the small query
// layer of compliance.h), stored checks and findings (store/migrations/0010_report_checks.sql),
// and the checks of registered reports on arrival.
//
// Purpose: the I/O half of 智识's rules.
//   - `LoadRegistryFacts` reads, for one report, exactly the facts compliance.h lists: the
//     institution by USCC (width-folded, upper case) and by printed name (as printed, and with
//     ASCII/full-width brackets swapped; names that differ otherwise are not found), the cited
//     certificate, the institution's certificates with status history, capability rows, people
//     with signatory fields and their registrations elsewhere (by ID hash), the cited standards
//     and their replacements, and its registered reports with the same number (as given,
//     width-folded, upper and lower case). About ten indexed queries; with a FactsCache the
//     institution's part is read once per batch (RunChecks: per call; CheckArrivals: per batch).
//   - `RunChecks` loads the facts, runs the rules (compliance.h) with today = the clock's date
//     in China, and stores every check with its findings in ONE transaction with one audit
//     event ("report.check", target_type "report_check", target_id = the first check id,
//     detail: counts and up to 20 report numbers/codes). With `store` false nothing is written.
//   - Arrival: `CheckArrivals` checks the registered reports after the cursor
//     (report_check_cursor) in id order, stores them and advances the cursor in one
//     transaction (audit "report.check-arrivals" by the system principal, region ""). The
//     `ArrivalChecker` runs it on a background thread: woken by `Notify` (the ledger's
//     on_append) and every `poll`, at a lowered CPU priority (nice); while registrations stream
//     in it waits for them to pause (`settle`, at most `max_defer`), so that registration —
//     which only notifies — is not slowed by the checks (docs/compliance-checks.md has the
//     measurement). Reports registered while no checker runs (CLI bulk registration) are
//     checked when one runs next, or by `zhijian check --pending`.
//
// Scope (store::ScopeFor): LoadRegistryFacts refuses a report whose institution exists outside
// the viewer's scope ("checks.out-of-scope"; admin all, regulator/inspector the region subtree,
// institution users their own); the facts themselves are read whole (a signatory's registration
// at an institution in another region is evidence). Stored checks are read through ScopeFor
// over their institution and region: a check of an unknown institution (NULL) is seen by admin
// and national-scope regulators only. The public sees nothing.
// Who may run checks: admin and regulators (RunChecks); the arrival checker runs as the system.
//
// Ownership: functions borrow the Database/Connection and Clock for the call; ArrivalChecker
// borrows them for its lifetime.
// Thread-safety: functions are stateless (writers serialise on the database); ArrivalChecker's
// methods are thread-safe.
// Errors: kPermissionDenied "auth.forbidden"; kNotFound "checks.out-of-scope" (per item);
// store errors pass through (a store error fails the whole call and writes nothing).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/store/db.h"

namespace zhijian::checks {

// The facts of one institution that do not depend on the report (certificates with history,
// capability rows, people and their registrations elsewhere), shared by the checks of one batch
// so that an institution's reports load them once. Keep one for a batch only (the registry
// changes); it forgets everything when it holds `max_institutions`. Not thread-safe.
class FactsCache {
 public:
  explicit FactsCache(size_t max_institutions = 256);
  const RegistryFacts* Find(int64_t institution_id) const;
  const RegistryFacts* Put(int64_t institution_id, RegistryFacts part);

 private:
  std::unordered_map<int64_t, RegistryFacts> parts_;
  size_t max_;
};

Result<RegistryFacts> LoadRegistryFacts(store::Connection& conn, const Principal& viewer,
                                        const ReportFacts& report, FactsCache* cache = nullptr);
// One set of facts valid for every report of `reports` (the union: Check ignores what a report
// does not need). The arrival checks load the reports of one institution this way. Fails as a
// whole when one report's institution is outside the viewer's scope.
Result<RegistryFacts> LoadRegistryFacts(store::Connection& conn, const Principal& viewer,
                                        std::span<const ReportFacts> reports,
                                        FactsCache* cache = nullptr);

enum class CheckOrigin { kArrival, kRequest };
const char* CheckOriginName(CheckOrigin o);  // "arrival", "request"

struct CheckInput {
  ReportFacts report;
  int64_t report_id = 0;  // reports.id of a registered report; 0 = not registered
};

struct CheckOutcome {
  int64_t check_id = 0;  // 0 when not stored
  ReportFacts report;
  std::optional<FactsInstitution> institution;  // the report's institution, when known
  std::vector<ComplianceFinding> findings;
  std::string as_of;  // YYYY-MM-DD
  std::string rules_version;
};

struct RunChecksOptions {
  bool store = true;
  // Overrides the day of the check (tests, `zhijian check --today`); "" = the clock's date in
  // China.
  std::string today;
};

// One result per input, in order (an item fails alone: "checks.out-of-scope"). The outer
// Result fails on permission and store errors.
Result<std::vector<Result<CheckOutcome>>> RunChecks(store::Database& db, const Clock& clock,
                                                    const Principal& actor, const std::string& ip,
                                                    std::span<const CheckInput> inputs,
                                                    const RunChecksOptions& options = {});

// The facts of a registered report from its row (reports, 0008_ledger.sql), by code; nullopt
// when no report has the code. Unscoped: callers check the viewer first (the ledger's Get).
Result<std::optional<CheckInput>> RegisteredReport(store::Connection& conn, std::string_view code);

struct ArrivalBatch {
  int64_t checked = 0;   // reports checked and stored
  int64_t findings = 0;  // their findings
  int64_t last_report_id = 0;
  bool more = false;  // reports remain after this batch
};
// Checks up to `limit` registered reports after the cursor (see the top comment).
Result<ArrivalBatch> CheckArrivals(store::Database& db, const Clock& clock, int limit = 200);
// Registered reports after the cursor (awaiting their arrival check).
Result<int64_t> PendingArrivals(store::Connection& conn);

class ArrivalChecker {
 public:
  struct Options {
    int batch = 200;                       // reports per transaction
    std::chrono::milliseconds poll{1000};  // look for new reports at least this often
    // A batch runs only after `settle` without a Notify (registrations paused), or when pending
    // reports have waited `max_defer` (under a steady stream: one batch per max_defer).
    std::chrono::milliseconds settle{200};
    std::chrono::milliseconds max_defer{5000};
    int nice = 10;                               // the worker thread's nice value (0 = unchanged)
    std::function<void(const Error&)> on_error;  // store errors (the worker retries next poll)
  };
  ArrivalChecker(store::Database& db, const Clock& clock, Options options);
  ~ArrivalChecker();  // Stop()
  ArrivalChecker(const ArrivalChecker&) = delete;
  ArrivalChecker& operator=(const ArrivalChecker&) = delete;

  void Start();
  void Stop();
  // Wakes the worker (cheap; call after every registration).
  void Notify();
  // Reports checked since Start.
  int64_t checked() const { return checked_.load(); }

 private:
  void Loop();

  store::Database& db_;
  const Clock& clock_;
  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::chrono::steady_clock::time_point last_notify_{};
  std::atomic<int64_t> checked_{0};
  std::thread thread_;
};

// ---- stored checks ----

struct StoredReportFinding {
  std::string rule_id;
  std::string category;
  std::string severity;
  std::string field;
  int line = 0;
  std::string value;
  std::string evidence;  // JSON object text (compliance_json.h EvidenceJson)
  std::string basis;     // JSON array text (BasisJson)
  std::string basis_date;
};

struct StoredCheck {
  int64_t id = 0;
  std::optional<int64_t> report_id;
  std::string report_code;
  std::string document_sha256;
  std::string report_no;
  std::optional<int64_t> institution_id;
  std::string region_code;
  std::string source;
  std::string origin;
  std::string as_of;
  std::string rules_version;
  int64_t findings_count = 0;
  int64_t errors = 0;
  std::string checked_at;
  std::string actor;
  std::vector<StoredReportFinding> findings;  // by id
};

// The latest stored check of the registered report `code` the viewer may see; nullopt when
// there is none (not checked yet, or outside the viewer's scope).
Result<std::optional<StoredCheck>> LatestCheckOfReport(store::Connection& conn,
                                                       const Principal& viewer,
                                                       std::string_view code);
// A stored check by id; "checks.not-found" (kNotFound) when absent or outside the scope.
Result<StoredCheck> GetCheck(store::Connection& conn, const Principal& viewer, int64_t id);

// ---- the findings of one institution (the "合规检查" section of its portrait) ----

struct InstitutionFinding {
  int64_t check_id = 0;
  std::string report_code;  // "" for a submitted document or JSON report
  std::string report_no;
  std::string source;  // registration, text-pdf, scan
  std::string checked_at;
  StoredReportFinding finding;
};

struct InstitutionFindings {
  int64_t reports = 0;   // reports (registered, or submitted documents) with a stored check
  int64_t findings = 0;  // findings of their latest checks
  std::vector<std::pair<std::string, int64_t>> by_category;  // category -> findings, most first
  std::map<std::string, int64_t> by_severity;                // severity -> findings
  std::vector<InstitutionFinding> latest;                    // newest check first, up to `limit`
};

// What the latest stored check of each of the institution's reports found (a report is its
// code; a submitted document its SHA-256). Only admin and regulators see it (nullopt for every
// other role: institution users see findings on their own reports, the public never); scoped by
// the checks' region (store::ScopeFor), so a regulator outside the institution's region gets
// nothing (reports == 0).
Result<std::optional<InstitutionFindings>> GetInstitutionFindings(store::Connection& conn,
                                                                  const Principal& viewer,
                                                                  int64_t institution_id,
                                                                  int limit = 10);

}  // namespace zhijian::checks
