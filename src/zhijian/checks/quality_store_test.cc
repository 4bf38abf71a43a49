#include "zhijian/checks/quality_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>

#include "tests/support/backend_fixture.h"
#include "tests/support/principals.h"
#include "zhijian/audit/audit.h"
#include "zhijian/checks/test_registry_internal.h"

namespace zhijian::checks {
namespace {

using zhijian::testing::Admin;
using zhijian::testing::InstitutionUser;
using zhijian::testing::Regulator;

using store::Value;

const TimePoint kSeedTime = FromUnixMillis(1'781'913'600'000);  // 2026-06-20T00:00:00Z

class QualityStoreTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    zhijian::testing::BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    reg_ = std::make_unique<registry::Registry>(*db_, clock_);
    t_ = testing::SeedRegistry(*db_, *reg_);
  }

  RunOutcome RunOnce(const Principal& who = Admin(), const std::string& prefix = "") {
    clock_.Advance(std::chrono::hours(1));
    RunRequest req;
    req.region_prefix = prefix;
    req.today = testing::kRegistryToday;
    auto r = RunQuality(*db_, clock_, who, "127.0.0.1", req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? std::move(*r) : RunOutcome{};
  }

  std::vector<StoredFinding> Findings(const Principal& who, int64_t run_id,
                                      const std::string& rule = "") {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    FindingFilter f;
    f.run_id = run_id;
    f.rule_id = rule;
    f.limit = 2;  // pages of two
    std::vector<StoredFinding> out;
    while (true) {
      auto page = ListFindings(conn->get(), who, f);
      EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().ToString());
      if (!page.ok()) return out;
      out.insert(out.end(), page->findings.begin(), page->findings.end());
      if (!page->next_after_id) return out;
      f.after_id = *page->next_after_id;
    }
  }

  // Moves the overdue instrument's calibration date (fixing or breaking it).
  void SetCalibrationDue(const char* serial, const char* due) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      registry::Equipment e;
      e.institution_id = t_.a;
      e.name = "原子吸收光谱仪";
      e.model = "AA-7000";
      e.serial = serial;
      e.calibration_due = due;
      ZJ_TRY(reg_->UpsertEquipment(tx, e));
      return Ok();
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }

  Error RunError(const Principal& who, const std::string& prefix, const std::string& today = "") {
    RunRequest req;
    req.region_prefix = prefix;
    req.today = today.empty() ? std::string(testing::kRegistryToday) : today;
    auto r = RunQuality(*db_, clock_, who, "127.0.0.1", req);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error::Internal("test", "expected an error") : r.error();
  }

  FakeClock clock_{kSeedTime};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<registry::Registry> reg_;
  testing::TestRegistry t_;
};

TEST_P(QualityStoreTest, RunStoresFindingsRatesAndAudit) {
  const RunOutcome out = RunOnce();
  ASSERT_GT(out.saved.run_id, 0);
  EXPECT_FALSE(out.saved.previous_run_id);
  EXPECT_EQ(out.saved.new_findings, 8);
  EXPECT_EQ(out.saved.resolved_findings, 0);
  EXPECT_GT(out.snapshot_bytes, 0u);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(Count(conn->get(), "quality_findings"), 8);
  EXPECT_EQ(Count(conn->get(), "quality_runs"), 1);
  EXPECT_EQ(Count(conn->get(), "quality_rates"), static_cast<int64_t>(out.result.rates.size()));

  auto abolished = Findings(Admin(), out.saved.run_id, "consistency.capability.abolished-standard");
  ASSERT_EQ(abolished.size(), 1u);
  const StoredFinding& f = abolished[0];
  EXPECT_EQ(f.record_id, t_.cap_a_abolished);
  EXPECT_EQ(f.entity, "capability");
  EXPECT_EQ(f.category, "consistency");
  EXPECT_EQ(f.severity, "error");
  EXPECT_EQ(f.field, "standard_no");
  EXPECT_EQ(f.institution_id, t_.a);
  EXPECT_EQ(f.region_code, "370102");
  EXPECT_EQ(f.first_run_id, out.saved.run_id);
  EXPECT_EQ(f.state, "open");
  EXPECT_EQ(f.record_key, "211500000001 · 镉 · GB 5009.12-2010");
  EXPECT_EQ(f.fingerprint, Fingerprint("consistency.capability.abolished-standard",
                                       Entity::kCapability, t_.cap_a_abolished, "standard_no"));
  const auto evidence = boost::json::parse(f.evidence).as_object();
  EXPECT_EQ(evidence.at("standard_no").as_string(), "GB 5009.12-2010");
  EXPECT_EQ(evidence.at("state").as_string(), "abolished");

  auto counts = CountFindings(conn->get(), Admin(), out.saved.run_id);
  ASSERT_TRUE(counts.ok());
  std::map<std::string, int> by_rule;
  for (const auto& c : *counts) by_rule[c.rule_id] = static_cast<int>(c.findings);
  EXPECT_EQ(by_rule, testing::ExpectedFindings());

  // One audit record, in the chain.
  audit::ListFilter af;
  af.action_prefix = "quality.";
  auto page = audit::List(conn->get(), Admin(), af);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  const audit::AuditRecord& a = page->records[0];
  EXPECT_EQ(a.action, "quality.run");
  EXPECT_EQ(a.target_id, std::to_string(out.saved.run_id));
  EXPECT_EQ(a.seq, out.saved.audit_seq);
  EXPECT_EQ(a.DetailObject().at("findings").as_int64(), 8);
  EXPECT_EQ(a.DetailObject().at("today").as_string(), testing::kRegistryToday);
  auto verify = audit::Verify(conn->get());
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok);

  auto runs = ListRuns(conn->get(), Admin());
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  const RunInfo& info = (*runs)[0];
  EXPECT_EQ(info.id, out.saved.run_id);
  EXPECT_EQ(info.today, testing::kRegistryToday);
  EXPECT_EQ(info.rules_version, RuleCatalogue::Quality().version());
  EXPECT_TRUE(info.whole_run_visible);
  EXPECT_EQ(info.findings, 8);
  EXPECT_EQ(info.findings_in_scope, 8);
  EXPECT_EQ(info.institutions, 3);
  std::map<std::string, RateCounts> totals;
  for (const auto& t : info.totals) totals[t.entity] = t.counts;
  EXPECT_EQ(totals["capability"], (RateCounts{4, 0, 2, 0, 2}));
  EXPECT_EQ(totals["institution"], (RateCounts{3, 1, 1, 0, 2}));
  EXPECT_EQ(totals["person"], (RateCounts{6, 0, 2, 0, 2}));
  EXPECT_EQ(totals["standard"], (RateCounts{2, 0, 0, 0, 0}));
  EXPECT_NE(info.summary.find("\"consistency.person.two-institutions\":2"), std::string::npos);
  EXPECT_NE(info.params.find("timeliness.certificate.expiring-soon"), std::string::npos);
}

TEST_P(QualityStoreTest, LaterRunsRecogniseNewPersistingAndResolvedFindings) {
  const RunOutcome first = RunOnce();
  SetCalibrationDue("AA21001", "2027-06-01");  // fixes one finding
  const RunOutcome second = RunOnce();
  EXPECT_EQ(second.saved.previous_run_id, first.saved.run_id);
  EXPECT_EQ(second.saved.new_findings, 0);
  EXPECT_EQ(second.saved.resolved_findings, 1);
  EXPECT_EQ(second.result.findings.size(), 7u);
  for (const auto& f : Findings(Admin(), second.saved.run_id)) {
    EXPECT_EQ(f.first_run_id, first.saved.run_id) << f.rule_id;  // persisting since run 1
  }
  SetCalibrationDue("AA21002", "2026-01-01");  // a new defect
  const RunOutcome third = RunOnce();
  EXPECT_EQ(third.saved.new_findings, 1);
  EXPECT_EQ(third.saved.resolved_findings, 0);
  auto overdue = Findings(Admin(), third.saved.run_id, "consistency.equipment.calibration-overdue");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].first_run_id, third.saved.run_id);
  EXPECT_EQ(overdue[0].record_key, "原子吸收光谱仪 · AA21002");
}

TEST_P(QualityStoreTest, MarkFixedIsConfirmedOrReopenedByTheNextRun) {
  const RunOutcome first = RunOnce();
  auto overdue = Findings(Admin(), first.saved.run_id, "consistency.equipment.calibration-overdue");
  ASSERT_EQ(overdue.size(), 1u);
  const std::string fp = overdue[0].fingerprint;

  // Only the institution itself (or an admin) may mark; others do not even see the finding.
  auto other = MarkFixed(*db_, clock_, InstitutionUser(t_.b), "ip", fp, "");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), "quality.finding-not-found");
  auto regulator = MarkFixed(*db_, clock_, Regulator("37"), "ip", fp, "");
  ASSERT_FALSE(regulator.ok());
  EXPECT_EQ(regulator.error().code(), "auth.forbidden");
  auto mark = MarkFixed(*db_, clock_, InstitutionUser(t_.a), "ip", fp, "已送检");
  ASSERT_TRUE(mark.ok()) << mark.error().ToString();
  EXPECT_EQ(mark->run_id, first.saved.run_id);
  EXPECT_EQ(mark->note, "已送检");
  auto again = MarkFixed(*db_, clock_, InstitutionUser(t_.a), "ip", fp, "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "quality.already-marked");
  auto mine = Findings(InstitutionUser(t_.a), first.saved.run_id,
                       "consistency.equipment.calibration-overdue");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].state, "fixed");

  // Not actually fixed: the next run reopens the mark.
  const RunOutcome second = RunOnce();
  EXPECT_EQ(second.saved.marks_reopened, 1);
  EXPECT_EQ(second.saved.marks_confirmed, 0);
  auto reopened = Findings(InstitutionUser(t_.a), second.saved.run_id,
                           "consistency.equipment.calibration-overdue");
  ASSERT_EQ(reopened.size(), 1u);
  EXPECT_EQ(reopened[0].state, "reopened");

  // Fixed and marked: the next run confirms it; the finding is gone and cannot be marked again.
  ASSERT_TRUE(MarkFixed(*db_, clock_, Admin(), "ip", fp, "").ok());
  SetCalibrationDue("AA21001", "2027-06-01");
  const RunOutcome third = RunOnce();
  EXPECT_EQ(third.saved.marks_confirmed, 1);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto marks = ListMarks(conn->get(), InstitutionUser(t_.a), fp);
  ASSERT_TRUE(marks.ok());
  ASSERT_EQ(marks->size(), 2u);
  EXPECT_EQ((*marks)[0].outcome, "reopened");
  EXPECT_EQ((*marks)[0].outcome_run_id, second.saved.run_id);
  EXPECT_EQ((*marks)[1].outcome, "confirmed");
  EXPECT_EQ((*marks)[1].outcome_run_id, third.saved.run_id);
  auto theirs = ListMarks(conn->get(), InstitutionUser(t_.b), fp);
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(theirs->empty());
  auto late = MarkFixed(*db_, clock_, Admin(), "ip", fp, "");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), "quality.not-current");

  // Each mark is audited with the institution, so the institution sees its own events.
  audit::ListFilter af;
  af.action_prefix = "quality.mark";
  auto page = audit::List(conn->get(), InstitutionUser(t_.a), af);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_EQ(page->records[0].target_id, fp);
  EXPECT_EQ(page->records[1].institution_id, t_.a);
}

TEST_P(QualityStoreTest, ReadsAreScoped) {
  const RunOutcome run = RunOnce();
  const int64_t id = run.saved.run_id;
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());

  // A city regulator: its part of the run, not the run-wide counts.
  auto jinan = ListRuns(conn->get(), Regulator("3701"));
  ASSERT_TRUE(jinan.ok());
  ASSERT_EQ(jinan->size(), 1u);
  EXPECT_FALSE((*jinan)[0].whole_run_visible);
  EXPECT_EQ((*jinan)[0].findings, 0);
  EXPECT_EQ((*jinan)[0].findings_in_scope, 6);
  auto jinan_findings = Findings(Regulator("3701"), id);
  EXPECT_EQ(jinan_findings.size(), 6u);
  for (const auto& f : jinan_findings) EXPECT_TRUE(f.region_code.starts_with("3701"));
  auto rates = ListRates(conn->get(), Regulator("3701"), id, RateLevel::kRegion);
  ASSERT_TRUE(rates.ok());
  ASSERT_FALSE(rates->empty());
  for (const auto& r : *rates) EXPECT_EQ(r.region_code, "370102");
  EXPECT_EQ(Findings(Regulator("3702", Role::kInspector), id).size(), 2u);
  auto counts = CountFindings(conn->get(), Regulator("3701"), id);
  ASSERT_TRUE(counts.ok());
  int64_t n = 0;
  for (const auto& c : *counts) n += c.findings;
  EXPECT_EQ(n, 6);

  // A province regulator sees the whole of a run over its province only.
  auto province = ListRuns(conn->get(), Regulator("37"));
  ASSERT_TRUE(province.ok());
  EXPECT_FALSE((*province)[0].whole_run_visible);  // the run covered the whole registry

  // Another province: nothing, and the run does not exist for it.
  auto beijing = ListRuns(conn->get(), Regulator("11"));
  ASSERT_TRUE(beijing.ok());
  EXPECT_TRUE(beijing->empty());
  FindingFilter f;
  f.run_id = id;
  auto none = ListFindings(conn->get(), Regulator("11"), f);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), "quality.run-not-found");

  // An institution: its own findings and rows only.
  auto lab = ListRuns(conn->get(), InstitutionUser(t_.a));
  ASSERT_TRUE(lab.ok());
  ASSERT_EQ(lab->size(), 1u);
  std::map<std::string, RateCounts> totals;
  for (const auto& t : (*lab)[0].totals) totals[t.entity] = t.counts;
  EXPECT_EQ(totals["capability"].records, 2);
  EXPECT_EQ(totals["institution"].records, 1);
  EXPECT_EQ(totals.count("standard"), 0u);
  EXPECT_EQ((*lab)[0].findings_in_scope, 3);
  for (const auto& g : Findings(InstitutionUser(t_.a), id)) EXPECT_EQ(g.institution_id, t_.a);
  EXPECT_EQ(Findings(InstitutionUser(t_.a), id).size(), 3u);
  auto lab_region = ListRates(conn->get(), InstitutionUser(t_.a), id, RateLevel::kRegion);
  ASSERT_FALSE(lab_region.ok());
  EXPECT_EQ(lab_region.error().code(), "auth.forbidden");
  auto lab_rows = ListRates(conn->get(), InstitutionUser(t_.a), id, RateLevel::kInstitution);
  ASSERT_TRUE(lab_rows.ok());
  ASSERT_FALSE(lab_rows->empty());
  for (const auto& r : *lab_rows) EXPECT_EQ(r.institution_id, t_.a);

  // The public: nothing.
  auto pub = ListRuns(conn->get(), Principal());
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.error().code(), "auth.forbidden");
}

TEST_P(QualityStoreTest, WhoMayRun) {
  EXPECT_EQ(RunError(Regulator("3701"), "3702").code(), "auth.forbidden");
  EXPECT_EQ(RunError(Regulator("3701"), "").code(), "auth.forbidden");
  EXPECT_EQ(RunError(Regulator("37", Role::kInspector), "37").code(), "auth.forbidden");
  EXPECT_EQ(RunError(InstitutionUser(t_.a), "").code(), "auth.forbidden");
  EXPECT_EQ(RunError(Principal(), "").code(), "auth.forbidden");
  EXPECT_EQ(RunError(Admin(), "3x").code(), "quality.bad-scope");
  EXPECT_EQ(RunError(Admin(), "", "2026-13-01").code(), "quality.bad-date");

  // A city regulator's run over its city compares with the last run covering the city.
  const RunOutcome whole = RunOnce();
  const RunOutcome city = RunOnce(Regulator("3701"), "3701");
  EXPECT_EQ(city.saved.previous_run_id, whole.saved.run_id);
  EXPECT_EQ(city.saved.new_findings, 0);
  EXPECT_EQ(city.saved.resolved_findings, 0);
  EXPECT_EQ(city.result.findings.size(), 6u);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto runs = ListRuns(conn->get(), Regulator("3701"));
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_TRUE((*runs)[0].whole_run_visible);  // its own city run
  EXPECT_EQ((*runs)[0].findings, 6);
}

TEST_P(QualityStoreTest, FindingStatesFollowTheMarksAndFilter) {
  const RunOutcome first = RunOnce();
  auto overdue = Findings(Admin(), first.saved.run_id, "consistency.equipment.calibration-overdue");
  ASSERT_EQ(overdue.size(), 1u);
  const std::string fp = overdue[0].fingerprint;
  EXPECT_EQ(overdue[0].institution_name, "济南甲检测有限公司");
  EXPECT_EQ(overdue[0].institution_uscc, t_.uscc_a);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto in_state = [&](int64_t run, const std::string& state) {
    FindingFilter f;
    f.run_id = run;
    f.state = state;
    auto page = ListFindings(conn->get(), Admin(), f);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().ToString());
    std::vector<std::string> fps;
    if (page.ok()) {
      for (const auto& g : page->findings) fps.push_back(g.fingerprint);
    }
    return fps;
  };
  using V = std::vector<std::string>;
  ASSERT_TRUE(MarkFixed(*db_, clock_, InstitutionUser(t_.a), "ip", fp, "").ok());
  EXPECT_EQ(in_state(first.saved.run_id, "fixed"), V{fp});
  EXPECT_EQ(in_state(first.saved.run_id, "open").size(), 7u);
  const RunOutcome second = RunOnce();  // still overdue: reopened
  EXPECT_EQ(in_state(second.saved.run_id, "reopened"), V{fp});
  EXPECT_EQ(in_state(first.saved.run_id, "reopened"), V{});
  ASSERT_TRUE(MarkFixed(*db_, clock_, InstitutionUser(t_.a), "ip", fp, "").ok());
  SetCalibrationDue("AA21001", "2027-06-01");
  const RunOutcome third = RunOnce();  // fixed: confirmed
  EXPECT_EQ(in_state(second.saved.run_id, "confirmed"), V{fp});
  EXPECT_EQ(in_state(second.saved.run_id, "open").size(), 7u);
  EXPECT_EQ(in_state(third.saved.run_id, "open").size(), 7u);
  EXPECT_EQ(in_state(third.saved.run_id, "confirmed"), V{});
  FindingFilter bad;
  bad.run_id = third.saved.run_id;
  bad.state = "closed";
  auto refused = ListFindings(conn->get(), Admin(), bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "quality.bad-query");
}

std::map<std::string, RateCounts> ByKey(const std::vector<RateGroupRow>& rows) {
  std::map<std::string, RateCounts> out;
  for (const auto& r : rows) {
    out[r.region_code + "|" + std::to_string(r.institution_id) + "|" + r.entity + "|" + r.field] =
        r.counts;
  }
  return out;
}

TEST_P(QualityStoreTest, AggregatedRatesPerEntityFieldRegionAndInstitution) {
  const RunOutcome run = RunOnce();
  const int64_t id = run.saved.run_id;
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto agg = [&](const Principal& who, RateGroup g, const std::string& region = "",
                 int digits = 0) {
    RateQuery q;
    q.run_id = id;
    q.group = g;
    q.region_prefix = region;
    q.child_digits = digits;
    auto r = AggregateRates(conn->get(), who, q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? *r : std::vector<RateGroupRow>{};
  };

  // Per entity: the run's totals.
  auto entities = ByKey(agg(Admin(), RateGroup::kEntity));
  EXPECT_EQ(entities["|0|capability|"], (RateCounts{4, 0, 2, 0, 2}));
  EXPECT_EQ(entities["|0|institution|"], (RateCounts{3, 1, 1, 0, 2}));
  EXPECT_EQ(entities["|0|standard|"], (RateCounts{2, 0, 0, 0, 0}));
  auto jinan = ByKey(agg(Regulator("3701"), RateGroup::kEntity));
  EXPECT_EQ(jinan["|0|institution|"], (RateCounts{2, 1, 0, 0, 1}));
  EXPECT_EQ(jinan.count("|0|standard|"), 0u);

  // Per field: an institution's counts computed from its findings equal the stored county
  // counts of a county where it is the only institution (C in 370202).
  auto county = agg(Regulator("3702"), RateGroup::kField);
  auto own = agg(InstitutionUser(t_.c), RateGroup::kField);
  ASSERT_FALSE(county.empty());
  EXPECT_EQ(ByKey(own), ByKey(county));
  std::map<std::string, RateCounts> fields = ByKey(agg(Admin(), RateGroup::kField));
  EXPECT_EQ(fields["|0|equipment|calibration_due"], (RateCounts{4, 0, 1, 0, 0}));
  EXPECT_EQ(fields["|0|institution|address"], (RateCounts{3, 1, 0, 0, 0}));
  EXPECT_EQ(fields["|0|institution|uscc"], (RateCounts{3, 0, 1, 0, 0}));
  EXPECT_EQ(fields["|0|institution|legal_rep"].records, 3);  // no finding: still a row

  // Per region one level down from the caller's region, or at the digits asked for.
  auto provinces = ByKey(agg(Admin(), RateGroup::kRegion));
  EXPECT_EQ(provinces["37|0|institution|"], (RateCounts{3, 1, 1, 0, 2}));
  EXPECT_EQ(provinces.size(), 5u);  // 37 × institution, certificate, capability, person, equipment
  auto counties = ByKey(agg(Regulator("37"), RateGroup::kRegion, "", 6));
  EXPECT_EQ(counties["370102|0|institution|"], (RateCounts{2, 1, 0, 0, 1}));
  EXPECT_EQ(counties["370202|0|institution|"], (RateCounts{1, 0, 1, 0, 1}));
  auto cities = ByKey(agg(Regulator("37"), RateGroup::kRegion));
  EXPECT_EQ(cities.count("3701|0|institution|"), 1u);
  RateQuery q;
  q.run_id = id;
  q.group = RateGroup::kRegion;
  auto refused = AggregateRates(conn->get(), InstitutionUser(t_.a), q);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "auth.forbidden");
  q.region_prefix = "3x";
  refused = AggregateRates(conn->get(), Admin(), q);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "quality.bad-query");

  // Per institution: the most findings first (A and B 3 each, by id; then C), with names.
  auto insts = agg(Admin(), RateGroup::kInstitution);
  std::vector<int64_t> order;
  for (const auto& r : insts) {
    if (order.empty() || order.back() != r.institution_id) order.push_back(r.institution_id);
  }
  EXPECT_EQ(order, (std::vector<int64_t>{t_.a, t_.b, t_.c}));
  EXPECT_EQ(insts.front().institution_name, "济南甲检测有限公司");
  EXPECT_EQ(insts.front().entity, "institution");
  auto mine = agg(InstitutionUser(t_.b), RateGroup::kInstitution);
  ASSERT_FALSE(mine.empty());
  for (const auto& r : mine) EXPECT_EQ(r.institution_id, t_.b);
}

TEST_P(QualityStoreTest, TrendOverTheRunsCoveringARegion) {
  const RunOutcome first = RunOnce();
  SetCalibrationDue("AA21001", "2027-06-01");
  const RunOutcome city = RunOnce(Admin(), "3702");
  const RunOutcome second = RunOnce();
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto trend = [&](const Principal& who, const std::string& region, const std::string& entity) {
    TrendQuery q;
    q.region_prefix = region;
    q.entity = entity;
    auto r = RateTrend(conn->get(), who, q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
    std::vector<std::pair<int64_t, RateCounts>> out;
    if (r.ok()) {
      for (const auto& p : *r) out.emplace_back(p.run_id, p.counts);
    }
    return out;
  };
  using P = std::vector<std::pair<int64_t, RateCounts>>;
  EXPECT_EQ(trend(Admin(), "", "equipment"),
            (P{{first.saved.run_id, {4, 0, 1, 0, 1}}, {second.saved.run_id, {4, 0, 0, 0, 0}}}));
  // Qingdao: the whole runs and its own city run.
  auto qingdao = trend(Regulator("3702"), "3702", "institution");
  ASSERT_EQ(qingdao.size(), 3u);
  EXPECT_EQ(qingdao[1].first, city.saved.run_id);
  EXPECT_EQ(qingdao[1].second, (RateCounts{1, 0, 1, 0, 1}));
  // Jinan: only the whole runs cover it.
  EXPECT_EQ(trend(Regulator("3701"), "3701", "institution").size(), 2u);
  // An institution: the runs covering it, its own rows.
  auto lab = trend(InstitutionUser(t_.c), "", "institution");
  ASSERT_EQ(lab.size(), 3u);
  for (const auto& [run, c] : lab) EXPECT_EQ(c.records, 1);
  TrendQuery bad;
  bad.entity = "lab";
  auto refused = RateTrend(conn->get(), Admin(), bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "quality.bad-query");
}

ZJ_INSTANTIATE_BACKENDS(QualityStoreTest);

}  // namespace
}  // namespace zhijian::checks
