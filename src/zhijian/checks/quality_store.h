// Data-quality runs: running the quality rules against the database, storing each run with its
// findings and rate counts (store/migrations/0007_quality.sql), scoped reads, and "fixed" marks.
//
// Purpose: the I/O half of 智查. `RunQuality` loads a snapshot (snapshot.h), evaluates the rules
// (quality.h) and calls `SaveRun`, which writes in ONE transaction: the run row, its findings,
// its rate counts, the outcome of pending "fixed" marks, and one audit event ("quality.run",
// target_type "quality_run", region_code = the run's region prefix). Then:
//   - previous run: the latest finished run whose region contains this run's region. A finding
//     whose fingerprint that run had (within this run's region) keeps its first_run_id; others
//     start a series here ("new"); fingerprints it had that this run has not are "resolved".
//   - marks: a pending mark in this run's region is 'reopened' when the run has its fingerprint
//     again, else 'confirmed' (the run no longer finds the defect).
// `MarkFixed` lets an institution (its own findings) or an admin mark the current finding of a
// fingerprint fixed: one mark row plus an audit event ("quality.mark-fixed", target_type
// "quality_finding", target_id = the fingerprint) in one transaction.
//
// Scope (store::ScopeFor over region_code / institution_id of the stored rows): admin all;
// regulator and inspector their region subtree; institution user only its own institution's
// findings and rate rows; the public nothing. Runs are listed when the viewer sees at least one
// of their rate rows; the totals of a RunInfo are summed over the rows the viewer sees (county
// rows for regulators and admin, the institution's own rows for an institution user), and the
// run-wide counts (findings, new, resolved, summary) are given only to viewers whose scope
// contains the whole run.
// Who may run: admin (any region), regulator (within its region). Who may mark: institution
// users (own institution) and admin.
//
// Ownership: functions borrow the Database / Connection and Clock for the call.
// Thread-safety: stateless; runs and marks serialise on the database's write lock.
// Errors: kPermissionDenied "auth.forbidden"; kInvalidArgument "quality.bad-scope",
// "quality.bad-date", "quality.bad-param", "quality.bad-query"; kNotFound
// "quality.run-not-found", "quality.finding-not-found" (also outside the caller's scope);
// kConflict "quality.already-marked" (a mark awaits the next run), "quality.not-current" (a
// later run covering the record no longer has the finding); store errors pass through.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/checks/quality.h"
#include "zhijian/store/db.h"

namespace zhijian::checks {

struct RunRequest {
  std::string region_prefix;  // "" whole registry, else 2/4/6 digits (base/region.h prefix)
  std::string today;          // "YYYY-MM-DD"; "" = the clock's date in China
  std::vector<ParamOverride> overrides;
};

struct RunProgress {
  std::string_view phase;  // "load: capabilities", "evaluate", "save"
  int64_t done = 0;
  int64_t total = 0;
};
using RunProgressFn = std::function<void(const RunProgress&)>;

struct SavedRun {
  int64_t run_id = 0;
  std::optional<int64_t> previous_run_id;
  int64_t new_findings = 0;
  int64_t resolved_findings = 0;
  int64_t marks_confirmed = 0;
  int64_t marks_reopened = 0;
  int64_t audit_seq = 0;
};

struct RunOutcome {
  SavedRun saved;
  QualityResult result;
  double load_seconds = 0, evaluate_seconds = 0, save_seconds = 0;
  size_t snapshot_bytes = 0;  // Snapshot::ApproxBytes
};

// Load + Evaluate + SaveRun (see the top comment).
Result<RunOutcome> RunQuality(store::Database& db, const Clock& clock, const Principal& actor,
                              const std::string& ip, const RunRequest& request,
                              const RunProgressFn& progress = nullptr);

// Stores an evaluated result as a finished run started at `started` (finished now).
Result<SavedRun> SaveRun(store::Database& db, const Clock& clock, const Principal& actor,
                         const std::string& ip, const QualityResult& result, TimePoint started,
                         const RunProgressFn& progress = nullptr);

// ---- scoped reads ----

struct EntityTotals {
  std::string entity;
  RateCounts counts;  // field "" cells summed over the viewer's rows
};

struct RunInfo {
  int64_t id = 0;
  std::string region_prefix;
  std::string today;
  std::string rules_version;
  std::string status;
  std::string started_at;
  std::string finished_at;
  std::string actor;
  std::optional<int64_t> previous_run_id;
  std::vector<EntityTotals> totals;  // in the viewer's scope, entity order of quality.h
  int64_t findings_in_scope = 0;
  bool whole_run_visible = false;  // the fields below are set only then
  int64_t institutions = 0;
  int64_t findings = 0;
  int64_t new_findings = 0;
  int64_t resolved_findings = 0;
  std::string summary;  // JSON text
  std::string params;   // JSON text
};

// The latest runs the viewer may see, newest first (limit clamped to [1, 200]).
Result<std::vector<RunInfo>> ListRuns(store::Connection& conn, const Principal& viewer,
                                      int limit = 20);

struct RateRow {
  std::string region_code;
  int64_t institution_id = 0;
  std::string entity;
  std::string field;
  RateCounts counts;
};
enum class RateLevel {
  kRegion,       // county rows (institution 0), every field; not for institution users
  kInstitution,  // per-institution rows (field "")
};
// Rate rows of a run in the viewer's scope (ordered by region, institution, entity, field).
Result<std::vector<RateRow>> ListRates(store::Connection& conn, const Principal& viewer,
                                       int64_t run_id, RateLevel level);

struct StoredFinding {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string fingerprint;
  std::string rule_id;
  std::string category;
  std::string severity;
  std::string entity;
  int64_t record_id = 0;
  std::string record_key;
  std::string field;
  std::string evidence;  // JSON object text
  std::optional<int64_t> institution_id;
  std::string region_code;
  int64_t first_run_id = 0;  // == run_id: new in this run
  // "open"; "fixed" (a mark awaits the next run); "reopened" (marked fixed, found again).
  std::string state;
};

struct FindingFilter {
  int64_t run_id = 0;  // required
  std::string rule_id, category, severity, entity;
  std::optional<int64_t> institution_id;
  std::string region_prefix;  // 2/4/6 digits or ""
  int64_t after_id = 0;       // page cursor
  int limit = 50;             // clamped to [1, 1000]
};
struct FindingPage {
  std::vector<StoredFinding> findings;  // by id
  std::optional<int64_t> next_after_id;
};
Result<FindingPage> ListFindings(store::Connection& conn, const Principal& viewer,
                                 const FindingFilter& filter);

struct RuleCount {
  std::string rule_id, category, severity;
  int64_t findings = 0;
};
// Findings of a run per rule, in the viewer's scope.
Result<std::vector<RuleCount>> CountFindings(store::Connection& conn, const Principal& viewer,
                                             int64_t run_id);

struct Mark {
  int64_t id = 0;
  std::string fingerprint;
  int64_t run_id = 0;
  std::string marked_at;
  std::string marked_by;
  std::string note;
  std::string outcome;  // "" pending, "confirmed", "reopened"
  std::optional<int64_t> outcome_run_id;
};
Result<Mark> MarkFixed(store::Database& db, const Clock& clock, const Principal& actor,
                       const std::string& ip, const std::string& fingerprint,
                       const std::string& note);
// The marks of a fingerprint the viewer may see, oldest first.
Result<std::vector<Mark>> ListMarks(store::Connection& conn, const Principal& viewer,
                                    const std::string& fingerprint);

}  // namespace zhijian::checks
