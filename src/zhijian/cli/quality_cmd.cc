// `zhijian quality run [--region R] [--today D] [--json] [--stale-days N] [--expiring-days N]
//  [--fail-on SEVERITY] [--quiet]`: runs the registry data-quality checks (智查,
// checks/quality_store.h) as the local administrator and stores the run.
//
// A progress line per phase (snapshot loading by table, evaluation, saving) goes to stderr (a bar
// when it is a terminal). stdout gets a summary: per entity the records and the completeness,
// correctness and timeliness rates (docs/data-quality.md), the findings per rule, what changed
// since the previous run, the timings and the memory used; or, with --json, one JSON object
// with the same content.
//
// Exit codes: 0 the run was stored (whatever it found); 1 failure (database, bad region or date:
// nothing stored); 2 usage error (CLI11); 3 the run was stored and --fail-on was given and some
// finding has that severity or a graver one (error > warning > suspect > info).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "zhijian/base/clock.h"
#include "zhijian/base/region.h"
#include "zhijian/checks/quality_store.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/cli/progress.h"

namespace zhijian::cli {
namespace {

struct QualityArgs {
  std::string region;
  std::string today;
  bool json = false;
  bool quiet = false;
  int64_t stale_days = -1;
  int64_t expiring_days = -1;
  std::string fail_on;
};

// Peak resident memory of this process in bytes (Linux VmHWM), 0 when unknown.
int64_t PeakRss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

double Rate(int64_t good, int64_t total) {
  return total > 0 ? 100.0 * static_cast<double>(good) / static_cast<double>(total) : 100.0;
}

int SeverityRank(std::string_view s) {
  return s == "error" ? 3 : s == "warning" ? 2 : s == "suspect" ? 1 : 0;
}

// Per-entity totals over the county cells (field "") of the run.
std::map<std::string, checks::RateCounts> EntityTotals(const checks::QualityResult& r) {
  std::map<std::string, checks::RateCounts> out;
  for (const auto& [k, c] : r.rates) {
    if (k.institution_id != 0 || !k.field.empty()) continue;
    auto& t = out[k.entity];
    t.records += c.records;
    t.incomplete += c.incomplete;
    t.incorrect += c.incorrect;
    t.untimely += c.untimely;
    t.findings += c.findings;
  }
  return out;
}

int Run(const QualityArgs& a, const std::string& db_url) {
  checks::RunRequest req;
  if (!a.region.empty()) {
    auto scope = RegionTable::Get().ValidateScope(a.region);
    if (!scope) return Fail(scope.error(), "quality run");
    req.region_prefix = *scope;
  }
  req.today = a.today;
  if (a.stale_days >= 0)
    req.overrides.push_back({"timeliness.institution.stale", "days", a.stale_days});
  if (a.expiring_days >= 0) {
    req.overrides.push_back({"timeliness.certificate.expiring-soon", "days", a.expiring_days});
  }
  auto db = OpenDatabase(db_url);
  if (!db) return Fail(db.error(), "quality run");

  std::unique_ptr<ProgressBar> bar;
  std::string phase;
  auto finish = [&] {
    if (bar) bar->Finish();
    bar.reset();
  };
  auto progress = [&](const checks::RunProgress& p) {
    if (a.quiet) return;
    if (p.phase != phase) {
      finish();
      phase = std::string(p.phase);
      ProgressBar::Options o;
      o.unit = phase == "save" ? "findings" : phase == "evaluate" ? "steps" : "rows";
      bar = std::make_unique<ProgressBar>(phase, o);
    }
    bar->Update(static_cast<uint64_t>(p.done), static_cast<uint64_t>(p.total), p.done);
  };
  auto out =
      checks::RunQuality(**db, SystemClock::Instance(), Principal::Cli(), "local", req, progress);
  finish();
  if (!out) return Fail(out.error(), "quality run");
  const checks::QualityResult& r = out->result;
  const checks::SavedRun& s = out->saved;
  const auto totals = EntityTotals(r);
  const int64_t peak = PeakRss();

  int worst = -1;
  for (const auto& [sev, n] : r.by_severity) {
    if (n > 0) worst = std::max(worst, SeverityRank(sev));
  }
  const bool fail = !a.fail_on.empty() && worst >= SeverityRank(a.fail_on);

  if (a.json) {
    boost::json::object o;
    o["run_id"] = s.run_id;
    o["region"] = r.region_prefix;
    o["today"] = r.today;
    o["rules_version"] = r.rules_version;
    o["institutions"] = r.institutions;
    o["findings"] = static_cast<int64_t>(r.findings.size());
    o["new_findings"] = s.new_findings;
    o["resolved_findings"] = s.resolved_findings;
    if (s.previous_run_id) o["previous_run_id"] = *s.previous_run_id;
    o["marks_confirmed"] = s.marks_confirmed;
    o["marks_reopened"] = s.marks_reopened;
    boost::json::object entities;
    for (const auto& [entity, c] : totals) {
      boost::json::object e;
      e["records"] = c.records;
      e["incomplete"] = c.incomplete;
      e["incorrect"] = c.incorrect;
      e["untimely"] = c.untimely;
      e["findings"] = c.findings;
      e["completeness"] = Rate(c.records - c.incomplete, c.records) / 100.0;
      e["correctness"] = Rate(c.records - c.incorrect, c.records) / 100.0;
      e["timeliness"] = Rate(c.records - c.untimely, c.records) / 100.0;
      entities[entity] = std::move(e);
    }
    o["entities"] = std::move(entities);
    boost::json::object rules, categories, severities;
    for (const auto& [k, v] : r.by_rule) rules[k] = v;
    for (const auto& [k, v] : r.by_category) categories[k] = v;
    for (const auto& [k, v] : r.by_severity) severities[k] = v;
    o["rules"] = std::move(rules);
    o["categories"] = std::move(categories);
    o["severities"] = std::move(severities);
    o["seconds"] = boost::json::object{{"load", out->load_seconds},
                                       {"evaluate", out->evaluate_seconds},
                                       {"save", out->save_seconds}};
    o["snapshot_bytes"] = static_cast<int64_t>(out->snapshot_bytes);
    o["peak_rss_bytes"] = peak;
    o["exit_code"] = fail ? 3 : 0;
    std::cout << boost::json::serialize(o) << "\n";
    return fail ? 3 : 0;
  }

  std::printf("智查 data-quality run #%lld: region %s, today %s, rules %.12s\n",
              static_cast<long long>(s.run_id),
              r.region_prefix.empty() ? "(all)" : r.region_prefix.c_str(), r.today.c_str(),
              r.rules_version.c_str());
  std::printf("%-12s %12s %10s %10s %10s %10s\n", "entity", "records", "complete%", "correct%",
              "timely%", "findings");
  for (int e = 0; e < checks::kEntityCount; ++e) {
    const std::string name = checks::EntityName(static_cast<checks::Entity>(e));
    auto it = totals.find(name);
    if (it == totals.end()) continue;
    const auto& c = it->second;
    std::printf("%-12s %12s %10.2f %10.2f %10.2f %10s\n", name.c_str(),
                ProgressBar::Grouped(c.records).c_str(), Rate(c.records - c.incomplete, c.records),
                Rate(c.records - c.incorrect, c.records), Rate(c.records - c.untimely, c.records),
                ProgressBar::Grouped(c.findings).c_str());
  }
  std::printf("\n%-48s %-8s %10s\n", "rule", "severity", "findings");
  for (const auto& rule : checks::RuleCatalogue::Quality().rules()) {
    auto it = r.by_rule.find(rule.id);
    if (it == r.by_rule.end() || it->second == 0) continue;
    std::printf("%-48s %-8s %10s\n", rule.id.c_str(), checks::SeverityName(rule.severity),
                ProgressBar::Grouped(it->second).c_str());
  }
  std::printf("\n%s findings (",
              ProgressBar::Grouped(static_cast<int64_t>(r.findings.size())).c_str());
  bool first = true;
  for (const auto& [k, v] : r.by_category) {
    std::printf("%s%s %s", first ? "" : ", ", k.c_str(), ProgressBar::Grouped(v).c_str());
    first = false;
  }
  std::printf(")");
  if (s.previous_run_id) {
    std::printf("; since run #%lld: %s new, %s resolved",
                static_cast<long long>(*s.previous_run_id),
                ProgressBar::Grouped(s.new_findings).c_str(),
                ProgressBar::Grouped(s.resolved_findings).c_str());
  }
  if (s.marks_confirmed || s.marks_reopened) {
    std::printf("; fixed marks: %lld confirmed, %lld reopened",
                static_cast<long long>(s.marks_confirmed),
                static_cast<long long>(s.marks_reopened));
  }
  std::printf(
      "\ntime: load %.1f s, evaluate %.1f s, save %.1f s; snapshot ≈ %.0f MB, peak RSS %.0f MB\n",
      out->load_seconds, out->evaluate_seconds, out->save_seconds,
      static_cast<double>(out->snapshot_bytes) / 1e6, static_cast<double>(peak) / 1e6);
  std::printf("检查批次 #%lld 已保存：问题 %zu 条%s\n", static_cast<long long>(s.run_id),
              r.findings.size(), fail ? "（存在达到 --fail-on 级别的问题，退出码 3）" : "");
  return fail ? 3 : 0;
}

}  // namespace

void AddQualityCommand(CLI::App& app, const std::string& db_url, int* exit_code) {
  auto* quality = app.add_subcommand("quality", "registry data-quality checks (智查)");
  quality->require_subcommand(1);
  auto* run = quality->add_subcommand("run", "check the registry and store the run");
  auto args = std::make_shared<QualityArgs>();
  run->add_option("--region", args->region, "region scope (37, 3701, 370102; default: all)");
  run->add_option("--today", args->today, "reference date YYYY-MM-DD (default: today in China)");
  run->add_flag("--json", args->json, "print the summary as one JSON object");
  run->add_option("--stale-days", args->stale_days,
                  "records not updated for this many days are stale (default: rule file)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--expiring-days", args->expiring_days,
                  "certificates expiring within this many days without renewal (default: rule "
                  "file)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--fail-on", args->fail_on, "exit with code 3 if a finding is this grave")
      ->check(CLI::IsMember({"error", "warning", "suspect", "info"}));
  run->add_flag("--quiet", args->quiet, "no progress display");
  run->callback([args, &db_url, exit_code] { *exit_code = Run(*args, db_url); });
}

}  // namespace zhijian::cli
