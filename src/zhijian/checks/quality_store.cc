#include "zhijian/checks/quality_store.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "zhijian/audit/audit.h"
#include "zhijian/base/date.h"
#include "zhijian/store/scope.h"

namespace zhijian::checks {

using store::Connection;
using store::Row;
using store::Value;

namespace {

Error Forbidden(const std::string& detail = {}) {
  return Error(Error::Kind::kPermissionDenied, "auth.forbidden", "无权执行此操作", "not allowed",
               detail);
}

Error RunNotFound(int64_t id) {
  return Error::NotFound("quality.run-not-found", "未找到该数据质量检查批次",
                         "no such data-quality run", std::to_string(id));
}

bool IsPrefix(std::string_view p) {
  return (p.empty() || p.size() == 2 || p.size() == 4 || p.size() == 6) &&
         std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<void> MayRead(const Principal& viewer) {
  if (!viewer.IsAuthenticated()) return Forbidden();
  return Ok();
}

// Whether the viewer's scope contains a run's whole region.
bool SeesWholeRun(const Principal& viewer, const std::string& run_prefix) {
  if (viewer.role == Role::kAdmin) return true;
  if (viewer.role != Role::kRegulator && viewer.role != Role::kInspector) return false;
  return run_prefix.starts_with(viewer.region_prefix);
}

std::string Like(const std::string& prefix) { return prefix + "%"; }

// A multi-row INSERT of `columns` for `rows` rows (placeholders).
std::string InsertSql(std::string_view table, std::initializer_list<std::string_view> columns,
                      size_t rows) {
  std::string sql = "INSERT INTO ";
  sql += table;
  sql += " (";
  std::string one = "(";
  bool first = true;
  for (auto c : columns) {
    if (!first) {
      sql += ", ";
      one += ", ";
    }
    first = false;
    sql += c;
    one += "?";
  }
  sql += ") VALUES ";
  one += ")";
  for (size_t i = 0; i < rows; ++i) {
    if (i) sql += ", ";
    sql += one;
  }
  return sql;
}

std::string EvidenceJson(const Finding& f) {
  boost::json::object o;
  for (const auto& [k, v] : f.evidence) o[k] = v;
  return boost::json::serialize(o);
}

std::string ParamsJson(const QualityResult& r) {
  boost::json::object o;
  for (const auto& p : r.params) {
    auto& rule = o[p.rule_id];
    if (!rule.is_object()) rule = boost::json::object();
    rule.as_object()[p.name] = p.value;
  }
  return boost::json::serialize(o);
}

std::string SummaryJson(const QualityResult& r) {
  boost::json::object o;
  boost::json::object records, rules, categories, severities;
  for (const auto& [k, v] : r.records) records[k] = v;
  for (const auto& [k, v] : r.by_rule) {
    if (v) rules[k] = v;
  }
  for (const auto& [k, v] : r.by_category) categories[k] = v;
  for (const auto& [k, v] : r.by_severity) severities[k] = v;
  o["records"] = std::move(records);
  o["rules"] = std::move(rules);
  o["categories"] = std::move(categories);
  o["severities"] = std::move(severities);
  return boost::json::serialize(o);
}

constexpr size_t kBatch = 500;

// The latest finished run whose region contains `prefix`, or none.
Result<std::optional<int64_t>> PreviousRun(Connection& tx, const std::string& prefix) {
  ZJ_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, region_prefix FROM quality_runs WHERE "
                                          "status = 'finished' ORDER BY id DESC LIMIT 500"));
  for (const Row& r : rows) {
    if (prefix.starts_with(r.Text(1))) return std::optional<int64_t>(r.Int(0));
  }
  return std::optional<int64_t>();
}

}  // namespace

Result<void> MayRunQuality(const Principal& actor, const std::string& prefix) {
  if (!IsPrefix(prefix)) {
    return Error::Invalid("quality.bad-scope", "地区范围无效（2、4或6位数字）",
                          "bad region scope (2, 4 or 6 digits)", prefix);
  }
  if (actor.role == Role::kAdmin) return Ok();
  if (actor.role == Role::kRegulator && prefix.starts_with(actor.region_prefix)) return Ok();
  return Forbidden("running data-quality checks over region '" + prefix + "'");
}

Result<SavedRun> SaveRun(store::Database& db, const Clock& clock, const Principal& actor,
                         const std::string& ip, const QualityResult& result, TimePoint started,
                         const RunProgressFn& progress) {
  ZJ_TRY(MayRunQuality(actor, result.region_prefix));
  auto report = [&](int64_t done, int64_t total) {
    if (progress) progress(RunProgress{"save", done, total});
  };
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db.Acquire());
  return store::WithTransaction<SavedRun>(conn.get(), [&](Connection& tx) -> Result<SavedRun> {
    SavedRun saved;
    const std::string like = Like(result.region_prefix);
    // Previous run and its fingerprints within this run's region.
    ZJ_ASSIGN_OR_RETURN(saved.previous_run_id, PreviousRun(tx, result.region_prefix));
    std::unordered_map<std::string, int64_t> previous;  // fingerprint -> first_run_id
    if (saved.previous_run_id) {
      int64_t after = 0;
      while (true) {
        ZJ_ASSIGN_OR_RETURN(
            auto rows,
            tx.Query("SELECT id, fingerprint, first_run_id FROM quality_findings WHERE run_id = ? "
                     "AND region_code LIKE ? AND id > ? ORDER BY id LIMIT 50000",
                     std::vector<Value>{*saved.previous_run_id, like, after}));
        for (const Row& r : rows) previous.emplace(r.Text(1), r.Int(2));
        if (rows.size() < 50000) break;
        after = rows.back().Int(0);
      }
    }
    std::unordered_set<std::string_view> current;
    current.reserve(result.findings.size());
    for (const Finding& f : result.findings) {
      current.insert(f.fingerprint);
      if (!previous.count(f.fingerprint)) ++saved.new_findings;
    }
    for (const auto& [fp, first] : previous) {
      if (!current.count(fp)) ++saved.resolved_findings;
    }

    const std::string now = FormatInstant(clock.Now());
    ZJ_ASSIGN_OR_RETURN(
        auto run_row,
        tx.QueryOne(
            "INSERT INTO quality_runs (region_prefix, today, rules_version, params, status, "
            "started_at, finished_at, actor, previous_run_id, institutions, findings, "
            "new_findings, resolved_findings, summary) VALUES (?, ?, ?, ?, 'finished', ?, ?, ?, "
            "?, ?, ?, ?, ?, ?) RETURNING id",
            std::vector<Value>{
                result.region_prefix, result.today, result.rules_version, ParamsJson(result),
                FormatInstant(started), now, actor.username,
                saved.previous_run_id ? Value(*saved.previous_run_id) : store::Null(),
                result.institutions, static_cast<int64_t>(result.findings.size()),
                saved.new_findings, saved.resolved_findings, SummaryJson(result)}));
    if (!run_row) return Error::Internal("quality.insert-run", "no id returned");
    saved.run_id = run_row->Int(0);

    // Findings.
    const auto total = static_cast<int64_t>(result.findings.size());
    std::vector<Value> params;
    for (size_t lo = 0; lo < result.findings.size(); lo += kBatch) {
      const size_t hi = std::min(result.findings.size(), lo + kBatch);
      params.clear();
      params.reserve((hi - lo) * 13);
      for (size_t i = lo; i < hi; ++i) {
        const Finding& f = result.findings[i];
        auto prev = previous.find(f.fingerprint);
        params.emplace_back(saved.run_id);
        params.emplace_back(f.fingerprint);
        params.emplace_back(f.rule->id);
        params.emplace_back(f.rule->category);
        params.emplace_back(std::string(SeverityName(f.rule->severity)));
        params.emplace_back(std::string(EntityName(f.entity)));
        params.emplace_back(f.record_id);
        params.emplace_back(f.record_key);
        params.emplace_back(f.field);
        params.emplace_back(EvidenceJson(f));
        params.emplace_back(f.institution_id ? Value(f.institution_id) : store::Null());
        params.emplace_back(f.region_code);
        params.emplace_back(prev != previous.end() ? prev->second : saved.run_id);
      }
      ZJ_TRY(tx.Exec(InsertSql("quality_findings",
                               {"run_id", "fingerprint", "rule_id", "category", "severity",
                                "entity", "record_id", "record_key", "field", "evidence",
                                "institution_id", "region_code", "first_run_id"},
                               hi - lo),
                     params));
      report(static_cast<int64_t>(hi), total);
    }

    // Rates.
    std::vector<std::pair<RateKey, RateCounts>> rates(result.rates.begin(), result.rates.end());
    for (size_t lo = 0; lo < rates.size(); lo += kBatch) {
      const size_t hi = std::min(rates.size(), lo + kBatch);
      params.clear();
      for (size_t i = lo; i < hi; ++i) {
        const auto& [k, c] = rates[i];
        params.emplace_back(saved.run_id);
        params.emplace_back(k.region_code);
        params.emplace_back(k.institution_id);
        params.emplace_back(k.entity);
        params.emplace_back(k.field);
        params.emplace_back(c.records);
        params.emplace_back(c.incomplete);
        params.emplace_back(c.incorrect);
        params.emplace_back(c.untimely);
        params.emplace_back(c.findings);
      }
      ZJ_TRY(tx.Exec(InsertSql("quality_rates",
                               {"run_id", "region_code", "institution_id", "entity", "field",
                                "records", "incomplete", "incorrect", "untimely", "findings"},
                               hi - lo),
                     params));
    }

    // Pending marks in this run's region.
    ZJ_ASSIGN_OR_RETURN(auto pending,
                        tx.Query("SELECT id, fingerprint FROM quality_marks WHERE outcome IS NULL "
                                 "AND region_code LIKE ? ORDER BY id",
                                 std::vector<Value>{like}));
    for (const Row& m : pending) {
      const bool still = current.count(m.Text(1)) > 0;
      (still ? saved.marks_reopened : saved.marks_confirmed)++;
      ZJ_TRY(tx.Exec("UPDATE quality_marks SET outcome = ?, outcome_run_id = ? WHERE id = ?",
                     std::vector<Value>{std::string(still ? "reopened" : "confirmed"), saved.run_id,
                                        m.Int(0)}));
    }

    audit::AuditEvent e;
    e.action = "quality.run";
    e.target_type = "quality_run";
    e.target_id = std::to_string(saved.run_id);
    e.region_code = result.region_prefix;
    e.detail["today"] = result.today;
    e.detail["rules_version"] = result.rules_version;
    e.detail["institutions"] = result.institutions;
    e.detail["findings"] = total;
    e.detail["new_findings"] = saved.new_findings;
    e.detail["resolved_findings"] = saved.resolved_findings;
    e.detail["marks_confirmed"] = saved.marks_confirmed;
    e.detail["marks_reopened"] = saved.marks_reopened;
    if (saved.previous_run_id) e.detail["previous_run_id"] = *saved.previous_run_id;
    ZJ_ASSIGN_OR_RETURN(saved.audit_seq, audit::Append(tx, actor, ip, e, clock.Now()));
    return saved;
  });
}

Result<RunOutcome> RunQuality(store::Database& db, const Clock& clock, const Principal& actor,
                              const std::string& ip, const RunRequest& request,
                              const RunProgressFn& progress) {
  ZJ_TRY(MayRunQuality(actor, request.region_prefix));
  const TimePoint started = clock.Now();
  using Steady = std::chrono::steady_clock;
  auto seconds = [](Steady::time_point a, Steady::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  };
  RunOutcome out;
  QualityOptions options;
  options.today = request.today.empty() ? ChinaDate(started) : request.today;
  options.overrides = request.overrides;
  if (!ParseIsoDay(options.today)) {
    return Error::Invalid("quality.bad-date", "日期无效（应为 YYYY-MM-DD）",
                          "invalid date (expected YYYY-MM-DD)", options.today);
  }
  const auto t0 = Steady::now();
  Result<Snapshot> snap = [&]() -> Result<Snapshot> {
    ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db.Acquire());
    LoadOptions lo;
    lo.region_prefix = request.region_prefix;
    std::string phase;
    lo.progress = [&](const LoadProgress& p) {
      if (!progress) return;
      phase = "load: " + std::string(p.phase);
      progress(RunProgress{phase, p.done, p.total});
    };
    return LoadSnapshot(conn.get(), lo);
  }();  // the connection goes back to the pool before SaveRun takes one
  if (!snap) return std::move(snap).error();
  out.snapshot_bytes = snap->ApproxBytes();
  const auto t1 = Steady::now();
  if (progress) progress(RunProgress{"evaluate", 0, 1});
  ZJ_ASSIGN_OR_RETURN(out.result, Evaluate(*snap, RuleCatalogue::Quality(), options));
  if (progress) progress(RunProgress{"evaluate", 1, 1});
  const auto t2 = Steady::now();
  *snap = Snapshot();  // free the snapshot before writing
  ZJ_ASSIGN_OR_RETURN(out.saved, SaveRun(db, clock, actor, ip, out.result, started, progress));
  const auto t3 = Steady::now();
  out.load_seconds = seconds(t0, t1);
  out.evaluate_seconds = seconds(t1, t2);
  out.save_seconds = seconds(t2, t3);
  return out;
}

// ---- reads ----

namespace {

store::ScopePredicate Scope(const Principal& viewer, const std::string& alias) {
  return store::ScopeFor(viewer, {.region_column = alias + ".region_code",
                                  .institution_column = alias + ".institution_id"});
}

// The rate rows a viewer's totals are summed over: institution rows for institution users,
// county rows for everyone else.
std::string LevelSql(const Principal& viewer, const std::string& alias) {
  return viewer.role == Role::kInstitution ? alias + ".institution_id <> 0"
                                           : alias + ".institution_id = 0";
}

Result<void> RunVisible(Connection& conn, const Principal& viewer, int64_t run_id) {
  std::string sql =
      "SELECT 1 FROM quality_runs r WHERE r.id = ? AND r.status = 'finished' AND EXISTS (SELECT 1 "
      "FROM quality_rates q WHERE q.run_id = r.id";
  std::vector<Value> params{run_id};
  store::AppendScope(Scope(viewer, "q"), &sql, &params);
  sql += ")";
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne(sql, params));
  if (!row) return RunNotFound(run_id);
  return Ok();
}

RateCounts CountsOf(const Row& r, size_t first) {
  return RateCounts{r.Int(first), r.Int(first + 1), r.Int(first + 2), r.Int(first + 3),
                    r.Int(first + 4)};
}

}  // namespace

namespace {

constexpr const char* kRunColumns =
    "r.id, r.region_prefix, r.today, r.rules_version, r.status, r.started_at, r.finished_at, "
    "r.actor, r.previous_run_id, r.institutions, r.findings, r.new_findings, r.resolved_findings, "
    "r.summary, r.params";

// A run row (kRunColumns) with the totals the viewer sees.
Result<RunInfo> RunInfoOf(Connection& conn, const Principal& viewer, const Row& r) {
  RunInfo i;
  i.id = r.Int(0);
  i.region_prefix = r.Text(1);
  i.today = r.Text(2);
  i.rules_version = r.Text(3);
  i.status = r.Text(4);
  i.started_at = r.Text(5);
  i.finished_at = r.Text(6);
  i.actor = r.Text(7);
  i.previous_run_id = r.OptInt(8);
  i.whole_run_visible = SeesWholeRun(viewer, i.region_prefix);
  if (i.whole_run_visible) {
    i.institutions = r.Int(9);
    i.findings = r.Int(10);
    i.new_findings = r.Int(11);
    i.resolved_findings = r.Int(12);
    i.summary = r.Text(13);
    i.params = r.Text(14);
  }
  std::string tsql =
      "SELECT q.entity, SUM(q.records), SUM(q.incomplete), SUM(q.incorrect), SUM(q.untimely), "
      "SUM(q.findings) FROM quality_rates q WHERE q.run_id = ? AND q.field = '' AND " +
      LevelSql(viewer, "q");
  std::vector<Value> tparams{i.id};
  store::AppendScope(Scope(viewer, "q"), &tsql, &tparams);
  tsql += " GROUP BY q.entity";
  ZJ_ASSIGN_OR_RETURN(auto totals, conn.Query(tsql, tparams));
  for (int e = 0; e < kEntityCount; ++e) {
    const std::string name = EntityName(static_cast<Entity>(e));
    for (const Row& t : totals) {
      if (t.Text(0) != name) continue;
      i.totals.push_back(EntityTotals{name, CountsOf(t, 1)});
      i.findings_in_scope += t.Int(5);
    }
  }
  return i;
}

// The runs the viewer sees (`where` narrows them), newest first.
Result<std::vector<RunInfo>> QueryRuns(Connection& conn, const Principal& viewer,
                                       const std::string& where, std::vector<Value> params,
                                       int limit) {
  std::string sql = std::string("SELECT ") + kRunColumns +
                    " FROM quality_runs r WHERE r.status = 'finished'" + where +
                    " AND EXISTS (SELECT 1 FROM quality_rates q WHERE q.run_id = r.id";
  store::AppendScope(Scope(viewer, "q"), &sql, &params);
  sql += ") ORDER BY r.id DESC LIMIT ?";
  params.emplace_back(int64_t{limit});
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<RunInfo> out;
  for (const Row& r : rows) {
    ZJ_ASSIGN_OR_RETURN(RunInfo i, RunInfoOf(conn, viewer, r));
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace

Result<std::vector<RunInfo>> ListRuns(Connection& conn, const Principal& viewer, int limit) {
  ZJ_TRY(MayRead(viewer));
  return QueryRuns(conn, viewer, "", {}, std::clamp(limit, 1, 200));
}

Result<RunInfo> GetRun(Connection& conn, const Principal& viewer, int64_t run_id) {
  ZJ_TRY(MayRead(viewer));
  ZJ_ASSIGN_OR_RETURN(auto runs, QueryRuns(conn, viewer, " AND r.id = ?", {run_id}, 1));
  if (runs.empty()) return RunNotFound(run_id);
  return std::move(runs.front());
}

Result<std::vector<RateRow>> ListRates(Connection& conn, const Principal& viewer, int64_t run_id,
                                       RateLevel level) {
  ZJ_TRY(MayRead(viewer));
  if (level == RateLevel::kRegion && viewer.role == Role::kInstitution) return Forbidden();
  ZJ_TRY(RunVisible(conn, viewer, run_id));
  std::string sql =
      "SELECT q.region_code, q.institution_id, q.entity, q.field, q.records, q.incomplete, "
      "q.incorrect, q.untimely, q.findings FROM quality_rates q WHERE q.run_id = ? AND ";
  sql += level == RateLevel::kRegion ? "q.institution_id = 0" : "q.institution_id <> 0";
  std::vector<Value> params{run_id};
  store::AppendScope(Scope(viewer, "q"), &sql, &params);
  sql += " ORDER BY q.region_code, q.institution_id, q.entity, q.field";
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<RateRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    out.push_back(RateRow{r.Text(0), r.Int(1), r.Text(2), r.Text(3), CountsOf(r, 4)});
  }
  return out;
}

namespace {

// The state of a finding (alias `f`) from the latest mark of its fingerprint (alias `lm`, joined by
// kLatestMarkJoin), as StoredFinding::state defines it.
std::string StateSql(const std::string& f) {
  return "CASE WHEN lm.id IS NULL THEN 'open' WHEN lm.outcome IS NULL THEN 'fixed' "
         "WHEN lm.outcome = 'confirmed' AND lm.outcome_run_id > " +
         f + ".run_id THEN 'confirmed' WHEN lm.outcome = 'reopened' AND lm.outcome_run_id <= " + f +
         ".run_id THEN 'reopened' ELSE 'open' END";
}
std::string LatestMarkJoin(const std::string& f) {
  return " LEFT JOIN quality_marks lm ON lm.id = (SELECT MAX(m.id) FROM quality_marks m WHERE "
         "m.fingerprint = " +
         f + ".fingerprint)";
}

Error BadQuery(const std::string& detail) {
  return Error::Invalid("quality.bad-query", "查询条件无效", "invalid query", detail);
}

}  // namespace

bool IsFindingState(std::string_view s) {
  return s == "open" || s == "fixed" || s == "confirmed" || s == "reopened";
}

Result<FindingPage> ListFindings(Connection& conn, const Principal& viewer,
                                 const FindingFilter& filter) {
  ZJ_TRY(MayRead(viewer));
  if (!IsPrefix(filter.region_prefix)) return BadQuery("region " + filter.region_prefix);
  if (!filter.state.empty() && !IsFindingState(filter.state)) {
    return BadQuery("state " + filter.state);
  }
  ZJ_TRY(RunVisible(conn, viewer, filter.run_id));
  const int limit = std::clamp(filter.limit, 1, 1000);
  // The page's findings first (marks are joined only to filter by state), then their states and
  // institutions: joining every finding of a large run before the LIMIT would cost a second.
  std::string sql =
      "SELECT f.id, f.run_id, f.fingerprint, f.rule_id, f.category, f.severity, f.entity, "
      "f.record_id, f.record_key, f.field, f.evidence, f.institution_id, f.region_code, "
      "f.first_run_id FROM quality_findings f";
  if (!filter.state.empty()) sql += LatestMarkJoin("f");
  sql += " WHERE f.run_id = ? AND f.id > ?";
  std::vector<Value> params{filter.run_id, filter.after_id};
  auto eq = [&](const char* column, const std::string& v) {
    if (v.empty()) return;
    sql += std::string(" AND f.") + column + " = ?";
    params.emplace_back(v);
  };
  eq("rule_id", filter.rule_id);
  eq("category", filter.category);
  eq("severity", filter.severity);
  eq("entity", filter.entity);
  if (filter.institution_id) {
    sql += " AND f.institution_id = ?";
    params.emplace_back(*filter.institution_id);
  }
  if (!filter.region_prefix.empty()) {
    sql += " AND f.region_code LIKE ?";
    params.emplace_back(Like(filter.region_prefix));
  }
  if (!filter.state.empty()) {
    sql += " AND " + StateSql("f") + " = ?";
    params.emplace_back(filter.state);
  }
  store::AppendScope(Scope(viewer, "f"), &sql, &params);
  sql += " ORDER BY f.id LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  sql = "SELECT p.*, " + StateSql("p") + ", i.name, i.uscc FROM (" + sql + ") p" +
        LatestMarkJoin("p") + " LEFT JOIN institutions i ON i.id = p.institution_id ORDER BY p.id";
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  FindingPage page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.findings.size()) == limit) {
      page.next_after_id = page.findings.back().id;
      break;
    }
    StoredFinding f;
    f.id = r.Int(0);
    f.run_id = r.Int(1);
    f.fingerprint = r.Text(2);
    f.rule_id = r.Text(3);
    f.category = r.Text(4);
    f.severity = r.Text(5);
    f.entity = r.Text(6);
    f.record_id = r.Int(7);
    f.record_key = r.Text(8);
    f.field = r.Text(9);
    f.evidence = r.Text(10);
    f.institution_id = r.OptInt(11);
    f.region_code = r.Text(12);
    f.first_run_id = r.Int(13);
    f.state = r.Text(14);
    f.institution_name = r.Text(15);
    f.institution_uscc = r.Text(16);
    page.findings.push_back(std::move(f));
  }
  return page;
}

Result<std::vector<RuleCount>> CountFindings(Connection& conn, const Principal& viewer,
                                             int64_t run_id) {
  ZJ_TRY(MayRead(viewer));
  ZJ_TRY(RunVisible(conn, viewer, run_id));
  std::string sql =
      "SELECT f.rule_id, f.category, f.severity, COUNT(*) FROM quality_findings f WHERE f.run_id "
      "= ?";
  std::vector<Value> params{run_id};
  store::AppendScope(Scope(viewer, "f"), &sql, &params);
  sql += " GROUP BY f.rule_id, f.category, f.severity ORDER BY f.rule_id";
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<RuleCount> out;
  for (const Row& r : rows) out.push_back(RuleCount{r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
  return out;
}

// ---- aggregated rates and trends ----

namespace {

constexpr const char* kSums =
    "SUM(q.records), SUM(q.incomplete), SUM(q.incorrect), SUM(q.untimely), SUM(q.findings)";

int EntityRank(const std::string& name) {
  auto e = ParseEntity(name);
  return e ? static_cast<int>(*e) : kEntityCount;
}

// Index of `field` among its entity's fields ("" first, unknown last).
int FieldRank(const std::string& entity, const std::string& field) {
  if (field.empty()) return -1;
  auto e = ParseEntity(entity);
  if (!e) return 1 << 20;
  const auto fields = EntityFields(RuleCatalogue::Quality(), *e);
  const auto it = std::find(fields.begin(), fields.end(), field);
  return it == fields.end() ? 1 << 20 : static_cast<int>(it - fields.begin());
}

Result<void> CheckRateFilters(const std::string& region_prefix, const std::string& entity) {
  if (!IsPrefix(region_prefix)) return BadQuery("region " + region_prefix);
  if (!entity.empty() && !ParseEntity(entity)) return BadQuery("entity " + entity);
  return Ok();
}

// " AND q.region_code LIKE ? AND q.entity = ?" for the filters that are set.
void AppendRateFilters(const std::string& region_prefix, const std::string& entity,
                       std::string* sql, std::vector<Value>* params) {
  if (!region_prefix.empty()) {
    *sql += " AND q.region_code LIKE ?";
    params->emplace_back(Like(region_prefix));
  }
  if (!entity.empty()) {
    *sql += " AND q.entity = ?";
    params->emplace_back(entity);
  }
}

// An institution user's per-field counts, from its findings (see the header).
Result<std::vector<RateGroupRow>> InstitutionFieldRates(Connection& conn, const Principal& viewer,
                                                        const RateQuery& q) {
  // Whole records per entity: the institution's own rows.
  std::string sql = std::string("SELECT q.entity, ") + kSums +
                    " FROM quality_rates q WHERE q.run_id = ? AND q.institution_id <> 0 AND "
                    "q.field = ''";
  std::vector<Value> params{q.run_id};
  AppendRateFilters(q.region_prefix, q.entity, &sql, &params);
  store::AppendScope(Scope(viewer, "q"), &sql, &params);
  sql += " GROUP BY q.entity";
  ZJ_ASSIGN_OR_RETURN(auto wholes, conn.Query(sql, params));
  // Distinct records per (entity, field, class) among its findings.
  std::string fsql =
      "SELECT f.entity, f.field, CASE f.category WHEN 'completeness' THEN 0 WHEN 'timeliness' "
      "THEN 2 ELSE 1 END, COUNT(DISTINCT f.record_id) FROM quality_findings f WHERE f.run_id = ?";
  std::vector<Value> fparams{q.run_id};
  if (!q.region_prefix.empty()) {
    fsql += " AND f.region_code LIKE ?";
    fparams.emplace_back(Like(q.region_prefix));
  }
  if (!q.entity.empty()) {
    fsql += " AND f.entity = ?";
    fparams.emplace_back(q.entity);
  }
  store::AppendScope(Scope(viewer, "f"), &fsql, &fparams);
  fsql += " GROUP BY 1, 2, 3";
  ZJ_ASSIGN_OR_RETURN(auto marks, conn.Query(fsql, fparams));
  std::vector<RateGroupRow> out;
  for (const Row& w : wholes) {
    const std::string entity = w.Text(0);
    RateGroupRow whole;
    whole.entity = entity;
    whole.counts = CountsOf(w, 1);
    out.push_back(whole);
    auto e = ParseEntity(entity);
    if (!e) continue;
    for (const std::string& field : EntityFields(RuleCatalogue::Quality(), *e)) {
      RateGroupRow row;
      row.entity = entity;
      row.field = field;
      row.counts.records = whole.counts.records;
      for (const Row& m : marks) {
        if (m.Text(0) != entity || m.Text(1) != field) continue;
        const int64_t cls = m.Int(2);
        (cls == 0   ? row.counts.incomplete
         : cls == 2 ? row.counts.untimely
                    : row.counts.incorrect) += m.Int(3);
      }
      out.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace

Result<std::vector<RateGroupRow>> AggregateRates(Connection& conn, const Principal& viewer,
                                                 const RateQuery& q) {
  ZJ_TRY(MayRead(viewer));
  ZJ_TRY(CheckRateFilters(q.region_prefix, q.entity));
  const bool own = viewer.role == Role::kInstitution;
  if (q.group == RateGroup::kRegion && own) return Forbidden();
  ZJ_TRY(RunVisible(conn, viewer, q.run_id));
  std::vector<RateGroupRow> out;
  if (q.group == RateGroup::kField && own) {
    ZJ_ASSIGN_OR_RETURN(out, InstitutionFieldRates(conn, viewer, q));
  } else if (q.group == RateGroup::kInstitution) {
    const int limit = std::clamp(q.limit, 1, 1000);
    std::string sql =
        "SELECT q.institution_id, SUM(q.findings) FROM quality_rates q WHERE q.run_id = ? AND "
        "q.institution_id <> 0";
    std::vector<Value> params{q.run_id};
    AppendRateFilters(q.region_prefix, q.entity, &sql, &params);
    store::AppendScope(Scope(viewer, "q"), &sql, &params);
    sql += " GROUP BY q.institution_id ORDER BY SUM(q.findings) DESC, q.institution_id LIMIT ?";
    params.emplace_back(int64_t{limit});
    ZJ_ASSIGN_OR_RETURN(auto ranked, conn.Query(sql, params));
    if (ranked.empty()) return out;
    std::unordered_map<int64_t, size_t> rank;
    std::string rsql =
        "SELECT q.institution_id, q.region_code, q.entity, q.records, q.incomplete, q.incorrect, "
        "q.untimely, q.findings, i.name, i.uscc FROM quality_rates q LEFT JOIN institutions i ON "
        "i.id = q.institution_id WHERE q.run_id = ? AND q.field = '' AND q.institution_id IN (";
    std::vector<Value> rparams{q.run_id};
    for (const Row& r : ranked) {
      rsql += rank.empty() ? "?" : ", ?";
      rank.emplace(r.Int(0), rank.size());
      rparams.emplace_back(r.Int(0));
    }
    rsql += ")";
    AppendRateFilters("", q.entity, &rsql, &rparams);
    store::AppendScope(Scope(viewer, "q"), &rsql, &rparams);
    ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(rsql, rparams));
    for (const Row& r : rows) {
      RateGroupRow g;
      g.institution_id = r.Int(0);
      g.region_code = r.Text(1);
      g.entity = r.Text(2);
      g.counts = CountsOf(r, 3);
      g.institution_name = r.Text(8);
      g.institution_uscc = r.Text(9);
      out.push_back(std::move(g));
    }
    std::sort(out.begin(), out.end(), [&](const RateGroupRow& a, const RateGroupRow& b) {
      return std::pair(rank[a.institution_id], EntityRank(a.entity)) <
             std::pair(rank[b.institution_id], EntityRank(b.entity));
    });
    return out;
  } else {
    // Entity, field or region sums over the viewer's level rows.
    std::string select, group;
    std::vector<Value> params;
    if (q.group == RateGroup::kRegion) {
      int digits = q.child_digits;
      if (digits == 0) {
        const size_t base =
            std::max(q.region_prefix.size(),
                     viewer.role == Role::kAdmin ? size_t{0} : viewer.region_prefix.size());
        digits = static_cast<int>(std::min<size_t>(base + 2, 6));
      }
      if (digits != 2 && digits != 4 && digits != 6) {
        return BadQuery("child_digits " + std::to_string(digits));
      }
      select = "SELECT substr(q.region_code, 1, " + std::to_string(digits) + "), q.entity, '', ";
      group = " AND q.field = '' AND q.region_code <> '' GROUP BY 1, 2";
    } else if (q.group == RateGroup::kField) {
      select = "SELECT '', q.entity, q.field, ";
      group = " GROUP BY q.entity, q.field";
    } else {
      select = "SELECT '', q.entity, '', ";
      group = " AND q.field = '' GROUP BY q.entity";
    }
    std::string sql =
        select + kSums + " FROM quality_rates q WHERE q.run_id = ? AND " + LevelSql(viewer, "q");
    params.emplace_back(q.run_id);
    AppendRateFilters(q.region_prefix, q.entity, &sql, &params);
    store::AppendScope(Scope(viewer, "q"), &sql, &params);
    sql += group;
    ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
    for (const Row& r : rows) {
      RateGroupRow g;
      g.region_code = r.Text(0);
      g.entity = r.Text(1);
      g.field = r.Text(2);
      g.counts = CountsOf(r, 3);
      out.push_back(std::move(g));
    }
  }
  std::sort(out.begin(), out.end(), [](const RateGroupRow& a, const RateGroupRow& b) {
    return std::tuple(a.region_code, EntityRank(a.entity), FieldRank(a.entity, a.field)) <
           std::tuple(b.region_code, EntityRank(b.entity), FieldRank(b.entity, b.field));
  });
  return out;
}

Result<std::vector<TrendPoint>> RateTrend(Connection& conn, const Principal& viewer,
                                          const TrendQuery& query) {
  ZJ_TRY(MayRead(viewer));
  ZJ_TRY(CheckRateFilters(query.region_prefix, query.entity));
  const bool own = viewer.role == Role::kInstitution;
  std::string region = query.region_prefix;
  if (own) {
    if (!viewer.institution_id) return Forbidden();
    ZJ_ASSIGN_OR_RETURN(auto inst,
                        conn.QueryOne("SELECT region_code FROM institutions WHERE id = ?",
                                      std::vector<Value>{*viewer.institution_id}));
    region = inst ? inst->Text(0) : std::string();
  }
  const int limit = std::clamp(query.limit, 1, 200);
  // The latest runs covering the region.
  ZJ_ASSIGN_OR_RETURN(auto runs, conn.Query("SELECT id, region_prefix, today, finished_at FROM "
                                            "quality_runs WHERE status = 'finished' ORDER BY id "
                                            "DESC LIMIT 5000"));
  std::map<int64_t, const Row*> covering;
  for (const Row& r : runs) {
    if (static_cast<int>(covering.size()) == limit) break;
    if (region.starts_with(r.Text(1))) covering.emplace(r.Int(0), &r);
  }
  std::vector<TrendPoint> out;
  if (covering.empty()) return out;
  std::string sql = std::string("SELECT q.run_id, q.entity, ") + kSums +
                    " FROM quality_rates q WHERE q.field = '' AND " + LevelSql(viewer, "q") +
                    " AND q.run_id IN (";
  std::vector<Value> params;
  for (const auto& [id, row] : covering) {
    sql += params.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  sql += ")";
  AppendRateFilters(own ? std::string() : region, query.entity, &sql, &params);
  store::AppendScope(Scope(viewer, "q"), &sql, &params);
  sql += " GROUP BY q.run_id, q.entity";
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  for (const Row& r : rows) {
    const Row& run = *covering.at(r.Int(0));
    TrendPoint p;
    p.run_id = r.Int(0);
    p.run_region = run.Text(1);
    p.today = run.Text(2);
    p.finished_at = run.Text(3);
    p.entity = r.Text(1);
    p.counts = CountsOf(r, 2);
    if (p.counts.records > 0) out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const TrendPoint& a, const TrendPoint& b) {
    return std::tuple(a.today, a.run_id, EntityRank(a.entity)) <
           std::tuple(b.today, b.run_id, EntityRank(b.entity));
  });
  return out;
}

namespace {

Mark MarkOf(const Row& r) {
  Mark m;
  m.id = r.Int(0);
  m.fingerprint = r.Text(1);
  m.run_id = r.Int(2);
  m.marked_at = r.Text(3);
  m.marked_by = r.Text(4);
  m.note = r.Text(5);
  m.outcome = r.Text(6);
  m.outcome_run_id = r.OptInt(7);
  return m;
}

constexpr const char* kMarkColumns =
    "m.id, m.fingerprint, m.run_id, m.marked_at, m.marked_by, m.note, m.outcome, "
    "m.outcome_run_id";

}  // namespace

Result<Mark> MarkFixed(store::Database& db, const Clock& clock, const Principal& actor,
                       const std::string& ip, const std::string& fingerprint,
                       const std::string& note) {
  if (actor.role != Role::kInstitution && actor.role != Role::kAdmin) return Forbidden();
  if (note.size() > 2000) {
    return BadQuery("note longer than 2000 bytes");
  }
  ZJ_ASSIGN_OR_RETURN(store::PooledConnection conn, db.Acquire());
  return store::WithTransaction<Mark>(conn.get(), [&](Connection& tx) -> Result<Mark> {
    std::string sql =
        "SELECT f.run_id, f.institution_id, f.region_code, f.rule_id, f.record_key FROM "
        "quality_findings f WHERE f.fingerprint = ?";
    std::vector<Value> params{fingerprint};
    store::AppendScope(Scope(actor, "f"), &sql, &params);
    sql += " ORDER BY f.run_id DESC LIMIT 1";
    ZJ_ASSIGN_OR_RETURN(auto found, tx.QueryOne(sql, params));
    if (!found) {
      return Error::NotFound("quality.finding-not-found", "未找到该数据质量问题",
                             "no such data-quality finding", fingerprint);
    }
    const int64_t run_id = found->Int(0);
    const std::optional<int64_t> inst = found->OptInt(1);
    const std::string region = found->Text(2);
    // A later run covering the record that no longer has the finding: nothing to mark.
    ZJ_ASSIGN_OR_RETURN(auto later,
                        tx.Query("SELECT id, region_prefix FROM quality_runs WHERE status = "
                                 "'finished' AND id > ? ORDER BY id",
                                 std::vector<Value>{run_id}));
    for (const Row& r : later) {
      const std::string p = r.Text(1);
      if (region.starts_with(p) && (!region.empty() || p.empty())) {
        return Error(Error::Kind::kConflict, "quality.not-current",
                     "该问题在最新一次检查中已不存在", "the latest run no longer has this finding",
                     fingerprint);
      }
    }
    ZJ_ASSIGN_OR_RETURN(auto pending, tx.QueryOne("SELECT id FROM quality_marks WHERE "
                                                  "fingerprint = ? AND outcome IS NULL",
                                                  std::vector<Value>{fingerprint}));
    if (pending) {
      return Error(Error::Kind::kConflict, "quality.already-marked",
                   "该问题已标记为已整改，等待下次检查确认",
                   "already marked fixed; awaiting the next run", fingerprint);
    }
    const std::string now = FormatInstant(clock.Now());
    ZJ_ASSIGN_OR_RETURN(
        auto id_row,
        tx.QueryOne("INSERT INTO quality_marks (fingerprint, run_id, institution_id, region_code, "
                    "marked_at, marked_by, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    std::vector<Value>{fingerprint, run_id, inst ? Value(*inst) : store::Null(),
                                       region, now, actor.username, note}));
    if (!id_row) return Error::Internal("quality.insert-mark", "no id returned");
    audit::AuditEvent e;
    e.action = "quality.mark-fixed";
    e.target_type = "quality_finding";
    e.target_id = fingerprint;
    e.region_code = region;
    e.institution_id = inst;
    e.detail["run_id"] = run_id;
    e.detail["rule_id"] = found->Text(3);
    e.detail["record"] = found->Text(4);
    if (!note.empty()) e.detail["note"] = note;
    ZJ_TRY(audit::Append(tx, actor, ip, e, clock.Now()));
    Mark m;
    m.id = id_row->Int(0);
    m.fingerprint = fingerprint;
    m.run_id = run_id;
    m.marked_at = now;
    m.marked_by = actor.username;
    m.note = note;
    return m;
  });
}

Result<std::vector<Mark>> ListMarks(Connection& conn, const Principal& viewer,
                                    const std::string& fingerprint) {
  ZJ_TRY(MayRead(viewer));
  std::string sql =
      std::string("SELECT ") + kMarkColumns + " FROM quality_marks m WHERE m.fingerprint = ?";
  std::vector<Value> params{fingerprint};
  store::AppendScope(Scope(viewer, "m"), &sql, &params);
  sql += " ORDER BY m.id";
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<Mark> out;
  for (const Row& r : rows) out.push_back(MarkOf(r));
  return out;
}

}  // namespace zhijian::checks
