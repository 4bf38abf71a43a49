// Report compliance checks (issue 5): the rules alone over one report (target ≤ 1 ms), the facts
// query layer on SQLite (cold and with the batch cache), and arrival checks of registered
// reports per second. Synthetic data shaped like the province registry (an institution has
// 1,260 capability rows on average, 42 people; docs/performance.md).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/digest.h"
#include "zhijian/base/uscc.h"
#include "zhijian/checks/compliance.h"
#include "zhijian/checks/compliance_store.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/report_ledger.h"
#include "zhijian/registry/registry.h"

namespace zhijian::checks {
namespace {

const char* const kItems[] = {"铅",     "镉",       "总汞",         "总砷",     "铬",
                              "苯甲酸", "山梨酸",   "菌落总数",     "大肠菌群", "霉菌",
                              "酵母",   "二氧化硫", "亚硝酸盐",     "蛋白质",   "脂肪",
                              "水分",   "灰分",     "黄曲霉毒素B1", "溶解氧",   "pH值"};

std::string Std(size_t k) { return "GB 5009." + std::to_string(100 + k % 400) + "-2016"; }

std::string UsccOf(int n) {
  const std::string body = "MA" + std::to_string(100000 + n);
  const std::string first17 = "91370102" + body + *Uscc::ComputeOrgCheckChar(body);
  return first17 + *Uscc::ComputeCheckChar(first17);
}

// One institution's facts: `rows` capability rows on two certificates (one expired), 42 people
// of whom 3 signatories, and the standards of the report's lines.
RegistryFacts Facts(size_t rows) {
  RegistryFacts f;
  f.institutions.push_back(FactsInstitution{1, UsccOf(1), "济南基准检测有限公司", "370102"});
  f.institutions.push_back(FactsInstitution{2, UsccOf(2), "青岛基准检测有限公司", "370202"});
  SnapCertificate old_cert;
  old_cert.inst = 0;
  old_cert.number = "181500110001";
  old_cert.issued = ToDay("2018-01-01");
  old_cert.expires = ToDay("2023-12-31");
  SnapCertificate cert;
  cert.inst = 0;
  cert.number = "241500110002";
  cert.issued = ToDay("2024-01-01");
  cert.expires = ToDay("2029-12-31");
  cert.history = {{registry::CertStatus::kSuspended, ToDay("2024-06-01")},
                  {registry::CertStatus::kValid, ToDay("2024-07-01")}};
  f.certificates = {old_cert, cert};
  for (size_t k = 0; k < rows; ++k) {
    const std::string item = k < 20 ? kItems[k] : "项目" + std::to_string(k);
    f.capabilities.push_back(FactsCapability{static_cast<uint32_t>(k % 2), k % 3 ? "食品" : "水质",
                                             "对象" + std::to_string(k % 37), item, "", Std(k),
                                             k % 50 == 0 ? "不测婴幼儿配方食品" : "",
                                             ToDay(k % 2 ? "2024-01-01" : "2018-01-01"), kNoDay});
  }
  for (int p = 0; p < 42; ++p) {
    SnapPerson person;
    person.inst = 0;
    person.name = "人员" + std::to_string(p);
    person.id_hash = Sha256Hex("p" + std::to_string(p));
    person.roles = {p < 3 ? "授权签字人" : "检测人员"};
    if (p < 3) person.signatory_fields = {{"食品", ToDay("2024-01-01"), kNoDay}};
    f.people.push_back(std::move(person));
  }
  SnapPerson elsewhere = f.people[2];
  elsewhere.inst = 1;
  f.people.push_back(elsewhere);
  for (size_t k = 0; k < 20; ++k) {
    SnapStandard s;
    s.number = Std(k);
    s.effective = ToDay("2017-01-01");
    f.standards.push_back(std::move(s));
  }
  return f;
}

ReportFacts Report(size_t lines) {
  ReportFacts r;
  ledger::ReportInput& in = r.report;
  in.institution = UsccOf(1);
  in.report_no = "BENCH-0001";
  in.certificate = "241500110002";
  in.issue_date = "2025-03-20";
  in.sampling_date = "2025-03-01";
  in.receipt_date = "2025-03-02";
  in.test_start_date = "2025-03-04";
  in.test_end_date = "2025-03-15";
  in.client = "济南某食品有限公司";
  in.sample = "菠菜";
  in.conclusion = "所检项目符合GB 2762-2022的要求。";
  in.signatories = {"人员0", "人员2"};
  in.document_sha256 = Sha256("bench");
  for (size_t k = 0; k < lines; ++k) {
    in.test_lines.push_back(
        ledger::TestLine{kItems[k % 20], "", Std(k % 20), "0.05", "mg/kg", "≤0.3", "合格"});
  }
  return r;
}

void BM_RulesAlone(benchmark::State& state) {
  const RegistryFacts facts = Facts(static_cast<size_t>(state.range(0)));
  const ReportFacts report = Report(static_cast<size_t>(state.range(1)));
  CheckOptions o;
  o.today = ToDay("2026-01-01");
  size_t findings = 0;
  for (auto _ : state) {
    auto f = Check(report, facts, o);
    findings = f.size();
    benchmark::DoNotOptimize(f);
  }
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_RulesAlone)
    ->ArgNames({"rows", "lines"})
    ->Args({100, 5})
    ->Args({1260, 20})
    ->Args({20000, 20})
    ->Unit(benchmark::kMicrosecond);

// A SQLite registry of 20 institutions like Facts(1260), and registered reports.
class Db {
 public:
  static Db& Get() {
    static Db db;
    return db;
  }
  store::Database& db() { return *db_; }
  std::vector<std::string> usccs;

 private:
  Db() {
    dir_ = std::filesystem::temp_directory_path() /
           ("zj-compliance-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    db_ = std::move(*store::Database::Open("sqlite:" + (dir_ / "b.db").string()));
    registry::Registry reg(*db_, clock_);
    auto conn = db_->Acquire();
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      const RegistryFacts f = Facts(1260);
      for (const auto& s : f.standards) {
        registry::Standard v;
        v.number = s.number;
        v.effective_on = "2017-01-01";
        ZJ_TRY(reg.UpsertStandard(tx, v));
      }
      for (int i = 0; i < 20; ++i) {
        registry::Institution inst;
        inst.uscc = UsccOf(10 + i);
        inst.name = "基准检测" + std::to_string(i);
        inst.region_code = "370102";
        ZJ_ASSIGN_OR_RETURN(auto iu, reg.UpsertInstitution(tx, inst));
        usccs.push_back(inst.uscc);
        registry::Certificate c;
        c.institution_id = iu.id;
        c.number = "2415001" + std::to_string(10000 + i);
        c.issued_on = "2024-01-01";
        c.expires_on = "2029-12-31";
        ZJ_ASSIGN_OR_RETURN(auto cu, reg.UpsertCertificate(tx, c));
        std::vector<registry::Capability> caps;
        for (const auto& k : f.capabilities) {
          registry::Capability v;
          v.certificate_id = cu.id;
          v.category = k.category;
          v.object = k.object;
          v.item = k.item;
          v.standard_no = k.standard_no;
          v.limitation = k.limitation;
          v.valid_from = "2024-01-01";
          caps.push_back(std::move(v));
        }
        ZJ_TRY(reg.UpsertCapabilities(tx, caps));
        for (const auto& p : f.people) {
          if (p.inst != 0) continue;
          registry::Person v;
          v.institution_id = iu.id;
          v.name = p.name;
          v.id_hash = Sha256Hex(inst.uscc + p.name);
          v.roles = p.roles;
          for (const auto& fld : p.signatory_fields)
            v.signatory_fields.push_back({fld.field, "2024-01-01", {}});
          ZJ_TRY(reg.UpsertPerson(tx, v));
        }
      }
      return Ok();
    });
    if (!r) std::fprintf(stderr, "seed: %s\n", r.error().ToString().c_str());
  }
  ~Db() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  FakeClock clock_{FromUnixMillis(1'764'000'000'000)};
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
};

void BM_LoadFactsSqlite(benchmark::State& state) {
  Db& d = Db::Get();
  const bool cached = state.range(0) != 0;
  ReportFacts r = Report(20);
  auto conn = d.db().Acquire();
  FactsCache cache;
  size_t i = 0;
  for (auto _ : state) {
    r.report.institution = d.usccs[i++ % d.usccs.size()];
    r.report.certificate.clear();
    auto f = LoadRegistryFacts(conn->get(), Principal::Cli(), r, cached ? &cache : nullptr);
    if (!f) state.SkipWithError(f.error().ToString().c_str());
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_LoadFactsSqlite)->ArgName("cached")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Arrival checks: reports registered across the 20 institutions, checked and stored in batches
// of 200; items = reports checked.
void BM_ArrivalChecksSqlite(benchmark::State& state) {
  Db& d = Db::Get();
  FakeClock clock(FromUnixMillis(1'764'000'000'000));
  auto log = ledger::LogStore::Open(d.db());
  ledger::LedgerOptions lo;
  lo.code_secret = std::string(32, 'b');
  auto ledger = ledger::ReportLedger::Open(d.db(), **log, clock, lo);
  static int64_t serial = 0;
  int64_t checked = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<ledger::ReportInput> inputs;
    for (int k = 0; k < 2000; ++k) {
      ReportFacts r = Report(5);
      r.report.institution = d.usccs[static_cast<size_t>(k) % d.usccs.size()];
      r.report.certificate.clear();
      r.report.report_no = "A-" + std::to_string(++serial);
      r.report.document_sha256 = Sha256(r.report.report_no);
      inputs.push_back(r.report);
    }
    auto reg = (*ledger)->RegisterBatch(Principal::Cli(), inputs, "");
    if (!reg) state.SkipWithError(reg.error().ToString().c_str());
    state.ResumeTiming();
    while (true) {
      auto b = CheckArrivals(d.db(), clock, 200);
      if (!b) {
        state.SkipWithError(b.error().ToString().c_str());
        break;
      }
      checked += b->checked;
      if (!b->more) break;
    }
  }
  state.SetItemsProcessed(checked);
}
BENCHMARK(BM_ArrivalChecksSqlite)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zhijian::checks

BENCHMARK_MAIN();
