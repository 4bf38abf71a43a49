// Report registration (issue 4): bulk registration into a fresh SQLite database through
// ReportLedger::RegisterBatch — codes, salts, entries, report rows (which imply their issue
// events, migration 0014), log leaves and tiles in one transaction per batch — in reports per
// second; and the stages without the database (reading a JSON line, building an entry).
//
//   build-bench/bench/ledger_register_bench --benchmark_filter=Register
//   ZJ_BENCH_REPORTS=1000000 ...      (reports per run, default 200,000)
//   ZJ_BENCH_PG_URL=postgresql://... (also into that PostgreSQL database, which must be empty)
//   ZJ_BENCH_SQL="PRAGMA ..."         (run on the fresh database first; for experiments)
//   ZJ_BENCH_DIR=/dev/shm             (where the SQLite file goes; default /tmp)
//   ZJ_BENCH_THREADS=1                (threads of a batch's CPU-only work; default 2)
//   ZJ_BENCH_WAL=1                    (SQLite in WAL mode; default: the rollback journal of
//                                      `zhijian reports register`, store::OpenOptions)
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/uscc.h"
#include "zhijian/ledger/entry.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/registration.h"
#include "zhijian/ledger/report_ledger.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger {
namespace {

int64_t Reports() {
  const char* env = std::getenv("ZJ_BENCH_REPORTS");
  return env ? std::atoll(env) : 200'000;
}

std::string MakeUscc(int serial) {
  std::string digits = std::to_string(serial);
  const std::string body = "MA" + std::string(6 - digits.size(), '0') + digits;
  const char org = *Uscc::ComputeOrgCheckChar(body);
  const std::string first17 = "91370102" + body + org;
  return first17 + *Uscc::ComputeCheckChar(first17);
}

// A realistic registration: 200-300 bytes of fields, two test lines.
ReportInput Report(const std::string& uscc, int64_t i) {
  ReportInput in;
  in.institution = uscc;
  in.report_no = "SD-2025-" + std::to_string(1'000'000 + i);
  in.issue_date = "2025-" + std::string(i % 12 < 9 ? "0" : "") + std::to_string(i % 12 + 1) + "-" +
                  std::string(i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1);
  in.document_sha256 = Sha256(in.report_no);
  in.client = "济南某食品有限公司" + std::to_string(i % 977);
  in.sample = "小麦粉 批号 " + std::to_string(20250000 + i % 10000);
  in.conclusion = "所检项目符合 GB 2762-2022 要求";
  in.test_lines = {TestLine{"铅", "Pb", "GB 5009.12-2017", "0.05", "mg/kg", "≤0.2", "合格"},
                   TestLine{"镉", "Cd", "GB 5009.15-2014", "未检出", "mg/kg", "≤0.1", "合格"}};
  in.signatories = {"张三"};
  return in;
}

struct Fixture {
  std::string dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<LogStore> log;
  std::unique_ptr<ReportLedger> ledger;
  std::vector<std::string> usccs;

  explicit Fixture(std::string url = {}) {
    if (url.empty()) {
      const char* base = std::getenv("ZJ_BENCH_DIR");  // e.g. /dev/shm: without the disk
      std::string tmpl = std::string(base ? base : "/tmp") + "/zj-bench-XXXXXX";
      dir = mkdtemp(tmpl.data());
      url = "sqlite:" + dir + "/bench.db";
    }
    store::OpenOptions o;
    o.sqlite_cache_mib = 1024;  // as `zhijian reports register` (cli OpenDatabase bulk)
    o.sqlite_bulk_journal = std::getenv("ZJ_BENCH_WAL") == nullptr;
    auto opened = store::Database::Open(url, o);
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
      std::abort();
    }
    db = std::move(*opened);
    auto conn = db->Acquire();
    for (int k = 0; k < 20; ++k) {  // 20 institutions, each with a valid certificate
      usccs.push_back(MakeUscc(k + 1));
      std::vector<store::Value> p{usccs.back()};
      auto inst = conn->get().QueryOne(
          "INSERT INTO institutions (uscc, name, region_code, created_at, updated_at) VALUES (?, "
          "'基准测试检测有限公司', '370102', 'x', 'x') RETURNING id",
          p);
      std::vector<store::Value> c{(*inst)->Int(0), "2315010501" + std::to_string(10 + k)};
      auto cert = conn->get().QueryOne(
          "INSERT INTO certificates (institution_id, number, issued_on, expires_on, status, "
          "created_at, updated_at) VALUES (?, ?, '2021-01-01', '2030-12-31', 'valid', 'x', 'x') "
          "RETURNING id",
          c);
      std::vector<store::Value> h{(*cert)->Int(0)};
      (void)conn->get().Exec(
          "INSERT INTO certificate_status_history (certificate_id, status, effective_on, "
          "recorded_at) VALUES (?, 'valid', '2021-01-01', 'x')",
          h);
    }
    if (const char* sql = std::getenv("ZJ_BENCH_SQL")) {  // experiments, e.g. pragmas
      auto r = conn->get().ExecScript(sql);
      if (!r) std::fprintf(stderr, "ZJ_BENCH_SQL: %s\n", r.error().ToString().c_str());
    }
    log = std::move(*LogStore::Open(*db));
    LedgerOptions lo;
    lo.code_secret = std::string(32, 'b');
    const char* threads = std::getenv("ZJ_BENCH_THREADS");  // default 2, as the CLI
    lo.threads = threads ? std::atoi(threads) : 2;
    ledger = std::move(*ReportLedger::Open(*db, *log, SystemClock::Instance(), lo));
  }
  ~Fixture() {
    ledger.reset();
    log.reset();
    db.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

void Register(benchmark::State& state, const std::string& url) {
  const int64_t total = Reports();
  const auto batch = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto f = std::make_unique<Fixture>(url);
    std::vector<ReportInput> inputs;
    inputs.reserve(batch);
    state.ResumeTiming();
    for (int64_t i = 0; i < total;) {
      inputs.clear();
      state.PauseTiming();
      for (; inputs.size() < batch && i < total; ++i) {
        inputs.push_back(Report(f->usccs[static_cast<size_t>(i) % f->usccs.size()], i));
      }
      state.ResumeTiming();
      auto r = f->ledger->RegisterBatch(Principal::Cli(), inputs, "bench");
      if (!r || !(*r)[0]) {
        state.SkipWithError(r ? (*r)[0].error().ToString().c_str() : r.error().ToString().c_str());
        return;
      }
    }
    state.PauseTiming();
    f.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * total);
}

void BM_RegisterSqlite(benchmark::State& state) { Register(state, ""); }
BENCHMARK(BM_RegisterSqlite)
    ->Arg(5'000)
    ->Arg(50'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

void BM_RegisterPostgres(benchmark::State& state) {
  const char* url = std::getenv("ZJ_BENCH_PG_URL");
  if (url == nullptr) {
    state.SkipWithError("set ZJ_BENCH_PG_URL");
    return;
  }
  Register(state, url);
}
BENCHMARK(BM_RegisterPostgres)
    ->Arg(5'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

// Reading one JSON line into a registration (the CLI's and the API's parsing).
void BM_ReadJsonLine(benchmark::State& state) {
  const std::string line = boost::json::serialize(ReportInputToJson(Report(MakeUscc(1), 42)));
  for (auto _ : state) {
    boost::json::value v = boost::json::parse(line);
    auto in = ReportInputFromJson(v);
    benchmark::DoNotOptimize(in);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadJsonLine);

// The entry of a registration: canonical results, three salted digests, the bytes.
void BM_BuildEntry(benchmark::State& state) {
  const ReportInput in = Report(MakeUscc(1), 42);
  const std::string salt(16, 's');
  for (auto _ : state) {
    ReportEvent e;
    e.registered_at_ms = 1'764'000'000'000;
    e.code = "3701022025K7MXQ3TA92";
    e.institution_uscc = in.institution;
    e.report_number = in.report_no;
    e.issue_date = in.issue_date;
    e.certificate_number = "231501050110";
    e.document_sha256 = in.document_sha256;
    e.client_digest = *SaltedDigest(salt, in.client);
    e.sample_digest = *SaltedDigest(salt, in.sample);
    e.results_digest = *SaltedDigest(salt, CanonicalResults(in));
    auto bytes = EncodeEvent(e);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildEntry);

}  // namespace
}  // namespace zhijian::ledger

BENCHMARK_MAIN();
