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

// Whether `actor` may run the checks over `region_prefix` (see "Who may run" above): admin any
// region, regulator within its own. Errors "quality.bad-scope", "auth.forbidden".
Result<void> MayRunQuality(const Principal& actor, const std::string& region_prefix);

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
// One run as ListRuns gives it; "quality.run-not-found" when the viewer sees none of its rows.
Result<RunInfo> GetRun(store::Connection& conn, const Principal& viewer, int64_t run_id);

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
  std::string institution_name;  // of institution_id ("" for none)
  std::string institution_uscc;
  std::string region_code;
  int64_t first_run_id = 0;  // == run_id: new in this run
  // From the latest mark of the fingerprint: "open" (none, or a mark that does not concern this
  // occurrence); "fixed" (a mark awaits the next run); "confirmed" (marked, and a later run than
  // this one confirmed it gone); "reopened" (marked, and this run or an earlier one found it
  // again).
  std::string state;
};

// The states of StoredFinding::state.
bool IsFindingState(std::string_view s);

struct FindingFilter {
  int64_t run_id = 0;  // required
  std::string rule_id, category, severity, entity;
  std::optional<int64_t> institution_id;
  std::string region_prefix;  // 2/4/6 digits or ""
  std::string state;          // "" any, else one of StoredFinding::state
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

// ---- aggregated rates and trends (the HTTP report routes and the printable report) ----
//
// Sums of stored rate counts over what the viewer sees: county rows (and the catalogue row) for
// admin, regulators and inspectors; the institution's own rows for an institution user. Stored
// rows have no per-field counts per institution, so an institution user's per-field counts are
// computed from its findings with the same definition (distinct records per field and class).

enum class RateGroup {
  kEntity,       // per entity (whole records, field "")
  kField,        // per entity and field, and field "" (whole records)
  kRegion,       // per region one level down and entity (field ""); not for institution users
  kInstitution,  // per institution and entity (field "")
};

struct RateQuery {
  int64_t run_id = 0;
  RateGroup group = RateGroup::kEntity;
  std::string region_prefix;  // rows of this region only (2/4/6 digits; "" all)
  std::string entity;         // one entity ("" all)
  // kRegion: the digits of the group codes (2, 4 or 6); 0 = two more than the longer of
  // region_prefix and the viewer's region, at most 6.
  int child_digits = 0;
  int limit = 100;  // kInstitution: institutions with the most findings first, [1, 1000]
};

struct RateGroupRow {
  std::string region_code;     // kRegion: the group's code prefix; kInstitution: the institution's
  int64_t institution_id = 0;  // kInstitution
  std::string institution_name;  // kInstitution
  std::string institution_uscc;  // kInstitution
  std::string entity;
  std::string field;  // kField ("" = the whole record)
  RateCounts counts;
};

// Rows ordered by (region | institution rank), entity order of quality.h, then field order of
// EntityFields. Errors: run not visible ("quality.run-not-found"); kRegion for an institution
// user ("auth.forbidden"); a bad region or entity ("quality.bad-query").
Result<std::vector<RateGroupRow>> AggregateRates(store::Connection& conn, const Principal& viewer,
                                                 const RateQuery& query);

struct TrendQuery {
  // Runs covering this region (their region prefix is a prefix of it), rows of it only; ignored
  // for institution users (the runs covering their institution, its own rows).
  std::string region_prefix;
  std::string entity;  // "" all
  int limit = 30;      // the latest runs, [1, 200]
};

struct TrendPoint {
  int64_t run_id = 0;
  std::string today;        // the run's reference date
  std::string finished_at;  // RFC 3339
  std::string run_region;   // the run's region prefix
  std::string entity;
  RateCounts counts;  // field "" sums
};

// Oldest run first, entities in quality.h order; runs without rows in the viewer's scope are
// left out. Errors: a bad region or entity ("quality.bad-query").
Result<std::vector<TrendPoint>> RateTrend(store::Connection& conn, const Principal& viewer,
                                          const TrendQuery& query);

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
