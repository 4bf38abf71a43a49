// `zhijian gen registry --scale demo|province|national --seed N --out DIR [--load]`: writes the
// registry import files and labels.jsonl (registry/gen/generator.h); with --load imports them in
// load order through the importer (registry/import/importer.h) into --db.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "zhijian/base/clock.h"
#include "zhijian/base/date.h"
#include "zhijian/cli/cli_util.h"
#include "zhijian/cli/commands.h"
#include "zhijian/cli/progress.h"
#include "zhijian/cli/registry_load.h"
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
}

}  // namespace zhijian::cli
