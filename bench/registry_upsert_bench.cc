// Capability upserts into a fresh SQLite database (the import's inner loop), and re-upserts of
// unchanged rows (a re-import): rows per second.
//
//   build-bench/bench/registry_upsert_bench --benchmark_min_time=2
//   ZJ_BENCH_PG_URL=postgresql://... build-bench/bench/registry_upsert_bench  (adds PostgreSQL)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/registry/registry.h"
#include "zhijian/store/db.h"

namespace zhijian::registry {
namespace {

constexpr int kRows = 100'000;

struct Fixture {
  std::string dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<Registry> registry;
  int64_t institution_id = 0;
  int64_t certificate_id = 0;

  // url empty: a fresh SQLite file; else that database (e.g. ZJ_BENCH_PG_URL, an empty one).
  explicit Fixture(std::string url = {}) {
    if (url.empty()) {
      char tmpl[] = "/tmp/zj-bench-XXXXXX";
      dir = mkdtemp(tmpl);
      url = "sqlite:" + dir + "/bench.db";
    }
    auto opened = store::Database::Open(url);
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
      std::abort();
    }
    db = std::move(*opened);
    registry = std::make_unique<Registry>(*db, SystemClock::Instance());
    auto conn = db->Acquire();
    (void)store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      Institution inst;
      inst.uscc = "91370102163000010X";
      inst.name = "基准测试检测有限公司";
      inst.region_code = "370102";
      ZJ_ASSIGN_OR_RETURN(auto i, registry->UpsertInstitution(tx, inst));
      institution_id = i.id;
      Certificate cert;
      cert.institution_id = institution_id;
      cert.number = "231501050123";
      ZJ_ASSIGN_OR_RETURN(auto c, registry->UpsertCertificate(tx, cert));
      certificate_id = c.id;
      return Ok();
    });
  }
  ~Fixture() {
    registry.reset();
    db.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  // batch_rows 0: UpsertCapability row by row; else UpsertCapabilities in batches of that size.
  void UpsertAll(int generation, size_t batch_rows = 0) {
    auto conn = db->Acquire();
    if (const char* pragmas = std::getenv("ZJ_BENCH_PRAGMAS")) {
      (void)conn->get().ExecScript(pragmas);  // e.g. "PRAGMA cache_size=-262144"
    }
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      Capability cap;
      cap.certificate_id = certificate_id;
      cap.institution_id = institution_id;
      cap.category = "食品";
      cap.object = "食品";
      cap.standard_name = "食品安全国家标准 食品中铅的测定";
      cap.approved_on = "2024-05-01";
      std::vector<Capability> batch;
      batch.reserve(batch_rows);
      for (int i = 0; i < kRows; ++i) {
        cap.item = "项目" + std::to_string(generation) + "-" + std::to_string(i / 10);
        cap.standard_no = "GB 5009." + std::to_string(i % 10 + 1) + "-2017";
        if (batch_rows == 0) {
          ZJ_TRY(registry->UpsertCapability(tx, cap));
          continue;
        }
        batch.push_back(cap);
        if (batch.size() == batch_rows || i + 1 == kRows) {
          ZJ_ASSIGN_OR_RETURN(auto results, registry->UpsertCapabilities(tx, batch));
          for (const auto& u : results) {
            if (!u) return u.error();
          }
          batch.clear();
        }
      }
      return Ok();
    });
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().ToString().c_str());
      std::abort();
    }
  }
};

void BM_CapabilityInsert(benchmark::State& state) {
  Fixture f;
  int generation = 0;
  for (auto _ : state) f.UpsertAll(++generation);  // new rows every iteration
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_CapabilityInsert)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CapabilityReimportUnchanged(benchmark::State& state) {
  Fixture f;
  f.UpsertAll(1);
  for (auto _ : state) f.UpsertAll(1);  // the same rows again: all unchanged
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_CapabilityReimportUnchanged)->Unit(benchmark::kMillisecond)->UseRealTime();

// Batches of state.range(0) rows through UpsertCapabilities.
void BM_CapabilityInsertBatch(benchmark::State& state) {
  Fixture f;
  int generation = 0;
  for (auto _ : state) f.UpsertAll(++generation, static_cast<size_t>(state.range(0)));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_CapabilityInsertBatch)
    ->Arg(100)
    ->Arg(500)
    ->Arg(2000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_CapabilityReimportUnchangedBatch(benchmark::State& state) {
  Fixture f;
  f.UpsertAll(1, static_cast<size_t>(state.range(0)));
  for (auto _ : state) f.UpsertAll(1, static_cast<size_t>(state.range(0)));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_CapabilityReimportUnchangedBatch)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same on PostgreSQL when ZJ_BENCH_PG_URL names a database (its registry tables are
// written to: use a throw-away one). Row by row, then in batches of 500.
void BM_PgCapabilityInsert(benchmark::State& state) {
  const char* url = std::getenv("ZJ_BENCH_PG_URL");
  if (!url) {
    state.SkipWithError("ZJ_BENCH_PG_URL not set");
    return;
  }
  Fixture f(url);
  static int generation = 1000;  // new rows on every run, also across runs on one database
  for (auto _ : state) f.UpsertAll(++generation, static_cast<size_t>(state.range(0)));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_PgCapabilityInsert)
    ->Arg(0)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

void BM_PgCapabilityReimportUnchanged(benchmark::State& state) {
  const char* url = std::getenv("ZJ_BENCH_PG_URL");
  if (!url) {
    state.SkipWithError("ZJ_BENCH_PG_URL not set");
    return;
  }
  Fixture f(url);
  f.UpsertAll(1, 500);
  for (auto _ : state) f.UpsertAll(1, static_cast<size_t>(state.range(0)));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_PgCapabilityReimportUnchanged)
    ->Arg(0)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace zhijian::registry

BENCHMARK_MAIN();
