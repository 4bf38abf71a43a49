// Capability upserts into a fresh SQLite database (the import's inner loop), and re-upserts of
// unchanged rows (a re-import): rows per second.
//
//   build-bench/bench/registry_upsert_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

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

  Fixture() {
    char tmpl[] = "/tmp/zj-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    db = std::move(*store::Database::Open("sqlite:" + dir + "/bench.db"));
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
    std::filesystem::remove_all(dir);
  }

  void UpsertAll(int generation) {
    auto conn = db->Acquire();
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      Capability cap;
      cap.certificate_id = certificate_id;
      cap.institution_id = institution_id;
      cap.category = "食品";
      cap.object = "食品";
      cap.standard_name = "食品安全国家标准 食品中铅的测定";
      cap.approved_on = "2024-05-01";
      for (int i = 0; i < kRows; ++i) {
        cap.item = "项目" + std::to_string(generation) + "-" + std::to_string(i / 10);
        cap.standard_no = "GB 5009." + std::to_string(i % 10 + 1) + "-2017";
        ZJ_TRY(registry->UpsertCapability(tx, cap));
      }
      return Ok();
    });
    if (!r) std::abort();
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

}  // namespace
}  // namespace zhijian::registry

BENCHMARK_MAIN();
