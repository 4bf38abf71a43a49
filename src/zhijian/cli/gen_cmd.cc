// `zhijian gen registry --scale demo|province|national --seed N --out DIR [--load]`: writes the
// registry import files and labels.jsonl (registry/gen/generator.h); with --load imports them in
// load order through the importer (registry/import/importer.h) into --db.
// `zhijian gen reports --pdf|--scan [--registry-dir DIR | --db URL] --out DIR --count N --seed S
// [--defects SHARE]`: test reports drawn from a registry with labels (intake/gen/report_gen.h).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"
#include "zhijian/checks/snapshot.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/cli/progress.h"
#include "zhijian/cli/registry_load.h"
#include "zhijian/intake/gen/report_gen.h"
#include "zhijian/registry/gen/generator.h"
#include "zhijian/registry/import/importer.h"
#include "zhijian/registry/registry.h"
#include "zhijian/store/db.h"

namespace zhijian::cli {
namespace {

struct GenArgs {
  std::string scale = "demo";
  uint64_t seed = 1;
  std::string out = "var/gen";
  std::string today;  // default: today in China (base/date.h)
  double defect_rate = 0.02;
  bool load = false;
  bool quiet = false;
  std::string id_key_file = "var/keys/id-hash.key";
};

int Load(const std::string& db_url, const GenArgs& a) {
  auto db = OpenDatabase(db_url, /*bulk=*/true);
  if (!db) return Fail(db.error());
  auto totals = LoadRegistryDirectory(**db, a.out, a.id_key_file, std::cout);
  if (!totals) return Fail(totals.error());
  std::cout << "loaded into " << (*db)->redacted_url() << " (" << totals->rejected
            << " rows rejected, " << totals->warnings
            << " warnings; the injected defects are listed in " << a.out << "/labels.jsonl)\n";
  return 0;
}

int Run(const std::string& db_url, const GenArgs& a) {
  auto scale = registry::gen::ScaleByName(a.scale);
  if (!scale) return Fail(scale.error());
  registry::gen::Options o;
  o.scale = *scale;
  o.seed = a.seed;
  o.today = a.today.empty() ? ChinaDate(SystemClock::Instance().Now()) : a.today;
  o.defect_rate = a.defect_rate;
  o.out_dir = a.out;
  ProgressBar::Options bar_options;
  if (a.quiet) bar_options.tty = 0;
  ProgressBar bar("generate", bar_options);
  const auto start = std::chrono::steady_clock::now();
  auto summary = registry::gen::Generate(o, [&](const registry::gen::Progress& p) {
    bar.Update(static_cast<uint64_t>(p.done), static_cast<uint64_t>(p.total), p.rows);
  });
  bar.Finish();
  if (!summary) return Fail(summary.error());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int64_t bytes = 0;
  for (const auto& f : summary->files) {
    std::printf("%-18s %10lld rows %12lld bytes\n", f.file.c_str(), static_cast<long long>(f.rows),
                static_cast<long long>(f.bytes));
    bytes += f.bytes;
  }
  std::printf("defects:");
  for (const auto& [k, n] : summary->defects) std::printf(" %s=%lld", k.c_str(), (long long)n);
  std::printf(
      "\ngenerated %s scale (seed %llu, today %s) into %s: %lld rows, %.1f MB in %.1f s "
      "(%.0f rows/s)\n",
      o.scale.name.c_str(), static_cast<unsigned long long>(o.seed), o.today.c_str(), a.out.c_str(),
      static_cast<long long>(summary->rows), bytes / 1e6, secs,
      secs > 0 ? summary->rows / secs : 0.0);
  if (!a.load) return 0;
  return Load(db_url, a);
}

struct ReportArgs {
  bool pdf = false;
  bool scan = false;
  std::string registry_dir;
  std::string out = "var/reports";
  int count = 20;
  uint64_t seed = 1;
  double defects = 0.3;
  int dpi = 0;
  std::string today;
  bool quiet = false;
  std::string id_key_file = "var/keys/id-hash.key";
};

// The registry: --registry-dir is imported into OUT/registry.db (kept, so that checks can run
// against the same registry); otherwise --db is read.
int RunReports(const std::string& db_url, const ReportArgs& a) {
  std::string url = db_url;
  if (!a.registry_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.out, ec);
    const std::string path = (std::filesystem::path(a.out) / "registry.db").string();
    std::filesystem::remove(path, ec);
    std::filesystem::remove(path + "-wal", ec);
    std::filesystem::remove(path + "-shm", ec);
    url = "sqlite:" + path;
    auto db = OpenDatabase(url, /*bulk=*/true);
    if (!db) return Fail(db.error());
    auto totals = LoadRegistryDirectory(**db, a.registry_dir, a.id_key_file, std::cout);
    if (!totals) return Fail(totals.error());
    std::cout << "registry loaded into " << url << "\n";
  }
  auto db = OpenDatabase(url);
  if (!db) return Fail(db.error());
  auto conn = (*db)->Acquire();
  if (!conn) return Fail(conn.error());
  ProgressBar::Options load_bar_options;
  if (a.quiet) load_bar_options.tty = 0;
  ProgressBar load_bar("read registry", load_bar_options);
  checks::LoadOptions lo;
  lo.progress = [&](const checks::LoadProgress& p) {
    load_bar.Update(static_cast<uint64_t>(p.done), static_cast<uint64_t>(p.total), p.done);
  };
  auto snap = checks::LoadSnapshot(conn->get(), lo);
  load_bar.Finish();
  if (!snap) return Fail(snap.error());
  intake::gen::Options o;
  o.seed = a.seed;
  o.count = a.count;
  o.today = a.today.empty() ? ChinaDate(SystemClock::Instance().Now()) : a.today;
  o.defect_share = a.defects;
  o.pdf = a.pdf || !a.scan;
  o.scan = a.scan;
  o.scan_dpi = a.dpi;
  o.out_dir = a.out;
  ProgressBar::Options bar_options;
  bar_options.unit = "reports";
  if (a.quiet) bar_options.tty = 0;
  ProgressBar bar("draw reports", bar_options);
  const auto start = std::chrono::steady_clock::now();
  auto sum = intake::gen::Generate(*snap, o, [&](const intake::gen::Progress& p) {
    bar.Update(static_cast<uint64_t>(p.done), static_cast<uint64_t>(p.total), p.done);
  });
  bar.Finish();
  if (!sum) return Fail(sum.error());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("layouts:");
  for (const auto& [k, n] : sum->layouts) std::printf(" %s=%d", k.c_str(), n);
  std::printf("\ndefects:");
  for (const auto& [k, n] : sum->defects) std::printf(" %s=%d", k.c_str(), n);
  std::printf(
      "\ngenerated %d reports (seed %llu, today %s) into %s: %d files, %.1f MB in %.1f s; "
      "labels in %s/labels.jsonl\n",
      sum->reports, static_cast<unsigned long long>(o.seed), o.today.c_str(), a.out.c_str(),
      sum->files, sum->bytes / 1e6, secs, a.out.c_str());
  return 0;
}

}  // namespace

void AddGenCommand(CLI::App& app, const std::string& db_url, int* exit_code) {
  auto* gen = app.add_subcommand("gen", "generate data sets");
  gen->require_subcommand(1);
  auto* reg = gen->add_subcommand("registry", "realistic registry import files (+ labels.jsonl)");
  auto args = std::make_shared<GenArgs>();
  reg->add_option("--scale", args->scale, "demo | province | national")
      ->check(CLI::IsMember({"demo", "province", "national"}))
      ->capture_default_str();
  reg->add_option("--seed", args->seed, "random seed")->capture_default_str();
  reg->add_option("--out", args->out, "output directory")->capture_default_str();
  reg->add_option("--today", args->today, "reference date YYYY-MM-DD (default: today in China)");
  reg->add_option("--defect-rate", args->defect_rate,
                  "share of eligible records given a labelled defect, per kind")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  reg->add_option("--id-key", args->id_key_file, "ID-number hash key file (with --load)")
      ->capture_default_str();
  reg->add_flag("--load", args->load, "import the files into --db after writing them");
  reg->add_flag("--quiet", args->quiet, "no progress display");
  reg->callback([&db_url, exit_code, args] { *exit_code = Run(db_url, *args); });

  auto* rep = gen->add_subcommand(
      "reports", "test reports as text PDFs and/or scans, with labels.jsonl (from a registry)");
  auto r = std::make_shared<ReportArgs>();
  rep->add_flag("--pdf", r->pdf, "write text PDFs (the default)");
  rep->add_flag("--scan", r->scan, "write scans: PNG pages and image-only PDFs");
  rep->add_option("--registry-dir", r->registry_dir,
                  "registry import files (from gen registry), loaded into OUT/registry.db; "
                  "default: read --db");
  rep->add_option("--out", r->out, "output directory")->capture_default_str();
  rep->add_option("--count", r->count, "number of reports")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  rep->add_option("--seed", r->seed, "random seed")->capture_default_str();
  rep->add_option("--defects", r->defects, "share of reports with one labelled defect")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  rep->add_option("--dpi", r->dpi, "scan resolution (0: 200, 250 or 300 per report)")
      ->check(CLI::Range(0, 400))
      ->capture_default_str();
  rep->add_option("--today", r->today, "reference date YYYY-MM-DD (default: today in China)");
  rep->add_option("--id-key", r->id_key_file, "ID-number hash key file (with --registry-dir)")
      ->capture_default_str();
  rep->add_flag("--quiet", r->quiet, "no progress display");
  rep->callback([&db_url, exit_code, r] { *exit_code = RunReports(db_url, *r); });
}

}  // namespace zhijian::cli
