#include "zhijian/checks/quality_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "tests/support/backend_fixture.h"
#include "tests/support/principals.h"
#include "zhijian/checks/test_registry_internal.h"

namespace zhijian::checks {
namespace {

using zhijian::testing::Admin;
using zhijian::testing::Regulator;

using namespace std::chrono_literals;

const TimePoint kStart = FromUnixMillis(1'782'777'600'000);  // 2026-06-30T00:00:00Z

// Waits (real time) until `done` holds; false after 30 s.
template <typename F>
bool WaitFor(F done) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A settable clock that may be read from the runner thread while the test moves it.
class SharedClock final : public Clock {
 public:
  explicit SharedClock(TimePoint t) : ms_(ToUnixMillis(t)) {}
  TimePoint Now() const override { return FromUnixMillis(ms_.load()); }
  void Advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  std::atomic<int64_t> ms_;
};

class QualityRunnerTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    zhijian::testing::BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    registry::Registry reg(*db_, clock_);
    t_ = testing::SeedRegistry(*db_, reg);
    // A fourth institution in another province, so that a sweep has two regions.
    registry::Institution v;
    v.uscc = testing::TestUscc("110105", "MA000009");
    v.name = "北京丁检测有限公司";
    v.region_code = "110105";
    v.address = "北京市朝阳区1号";
    v.legal_rep = "丁某";
    auto saved = reg.SaveInstitution(Principal::Cli(), v, "local");
    ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  }

  // Events recorded from the runner thread; a gate that holds a run at its start.
  RunnerOptions Options() {
    RunnerOptions o;
    o.poll = 5ms;
    o.on_event = [this](const RunnerEvent& e) {
      std::optional<std::shared_future<void>> gate;
      {
        std::lock_guard lock(mu_);
        events_.push_back(e);
        gate = gate_;
      }
      if (e.kind == RunnerEvent::Kind::kRunStarted && gate) gate->wait();
    };
    return o;
  }
  std::vector<RunnerEvent> Events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  int64_t Runs() {
    auto conn = db_->Acquire();
    auto rows = (*conn)->Query("SELECT COUNT(*) FROM quality_runs");
    return rows.ok() ? rows->at(0).Int(0) : -1;
  }

  SharedClock clock_{kStart};
  std::unique_ptr<store::Database> db_;
  testing::TestRegistry t_;
  std::mutex mu_;
  std::vector<RunnerEvent> events_;
  std::optional<std::shared_future<void>> gate_;  // set before the runner starts
};

TEST_P(QualityRunnerTest, ManualRunsOneAtATimeOffTheCallersThread) {
  std::promise<void> open;
  gate_ = open.get_future().share();
  QualityRunner runner(*db_, clock_, Options());
  RunRequest req;
  req.region_prefix = "37";
  auto refused = runner.Submit(Admin(), "ip", req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "quality.runner-stopped");
  runner.Start();

  auto queued = runner.Submit(Regulator("37"), "ip", req);
  ASSERT_TRUE(queued.ok()) << queued.error().ToString();
  EXPECT_TRUE(queued->busy);
  ASSERT_TRUE(queued->current);
  EXPECT_EQ(queued->current->kind, "manual");
  EXPECT_EQ(queued->current->actor, "reg37");
  EXPECT_EQ(queued->current->regions, std::vector<std::string>{"37"});
  // Held at its start: another run is refused, by anyone.
  ASSERT_TRUE(WaitFor([&] { return !Events().empty(); }));
  auto busy = runner.Submit(Admin(), "ip", RunRequest{});
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code(), "quality.run-in-progress");
  EXPECT_EQ(busy.error().kind(), Error::Kind::kConflict);
  // Scope is checked before queueing.
  RunRequest other;
  other.region_prefix = "11";
  auto forbidden = runner.Submit(Regulator("37"), "ip", other);
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error().code(), "auth.forbidden");

  open.set_value();
  ASSERT_TRUE(WaitFor([&] { return !runner.Status().busy; }));
  const RunnerStatus s = runner.Status();
  ASSERT_TRUE(s.last);
  EXPECT_FALSE(s.current);
  EXPECT_EQ(s.last->regions_done, 1u);
  ASSERT_EQ(s.last->run_ids.size(), 1u);
  EXPECT_TRUE(s.last->errors.empty());
  EXPECT_FALSE(s.next_sweep_at);  // no schedule
  auto conn = db_->Acquire();
  auto run = (*conn)->QueryOne("SELECT region_prefix, actor, today FROM quality_runs WHERE id = ?",
                               std::vector<store::Value>{s.last->run_ids[0]});
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->Text(0), "37");
  EXPECT_EQ((*run)->Text(1), "reg37");
  EXPECT_EQ((*run)->Text(2), "2026-06-30");  // the injected clock's date in China
  const auto events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, RunnerEvent::Kind::kRunFinished);
  EXPECT_EQ(events[1].findings, 8);  // the Shandong findings of the test registry

  // Free again.
  ASSERT_TRUE(runner.Submit(Admin(), "ip", RunRequest{}).ok());
  ASSERT_TRUE(WaitFor([&] { return !runner.Status().busy; }));
  EXPECT_EQ(Runs(), 2);
}

TEST_P(QualityRunnerTest, ScheduledSweepsRunProvinceByProvinceOnTheInjectedClock) {
  RunnerOptions o = Options();
  o.every = 24h;
  o.first_delay = 10min;
  QualityRunner runner(*db_, clock_, o);
  runner.Start();
  EXPECT_EQ(runner.Status().next_sweep_at, FormatInstant(kStart + 10min));
  std::this_thread::sleep_for(60ms);  // many polls: nothing is due yet
  EXPECT_EQ(Runs(), 0);

  clock_.Advance(10min);
  ASSERT_TRUE(WaitFor([&] { return Events().size() == 6; }));
  RunnerStatus s = runner.Status();
  EXPECT_EQ(s.last->kind, "scheduled");
  EXPECT_EQ(s.last->actor, "quality-scheduler");
  EXPECT_EQ(s.last->regions, (std::vector<std::string>{"11", "37"}));
  EXPECT_EQ(s.last->run_ids.size(), 2u);
  EXPECT_EQ(s.next_sweep_at, FormatInstant(kStart + 10min + 24h));
  auto conn = db_->Acquire();
  auto rows = (*conn)->Query("SELECT region_prefix, actor FROM quality_runs ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "11");
  EXPECT_EQ((*rows)[1].Text(0), "37");
  EXPECT_EQ((*rows)[1].Text(1), "quality-scheduler");
  // Sweep events bracket the two runs.
  auto events = Events();
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events.front().kind, RunnerEvent::Kind::kSweepStarted);
  EXPECT_EQ(events.front().regions, 2u);
  EXPECT_EQ(events.back().kind, RunnerEvent::Kind::kSweepFinished);
  EXPECT_EQ(events.back().failures, 0u);

  // Not again before the period is over; a late look does not shift the schedule.
  clock_.Advance(23h);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(Runs(), 2);
  clock_.Advance(26h);  // two periods later than the first sweep: one sweep, not two
  ASSERT_TRUE(WaitFor([&] { return Runs() == 4; }));
  ASSERT_TRUE(WaitFor([&] { return !runner.Status().busy; }));
  EXPECT_EQ(runner.Status().next_sweep_at, FormatInstant(kStart + 10min + 72h));
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(Runs(), 4);
}

TEST_P(QualityRunnerTest, ASweepDueDuringAManualRunWaitsForIt) {
  std::promise<void> open;
  gate_ = open.get_future().share();
  RunnerOptions o = Options();
  o.every = 1h;
  o.first_delay = 1min;
  QualityRunner runner(*db_, clock_, o);
  runner.Start();
  ASSERT_TRUE(runner.Submit(Admin(), "ip", RunRequest{}).ok());
  ASSERT_TRUE(WaitFor([&] { return !Events().empty(); }));
  clock_.Advance(2min);  // the sweep falls due while the manual run is held
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(Events().size(), 1u);
  open.set_value();
  ASSERT_TRUE(WaitFor([&] {
    auto s = runner.Status();
    return s.last && s.last->kind == "scheduled";
  }));
  // Never two runs at once: every start is followed by its end before the next start.
  int open_runs = 0;
  for (const auto& e : Events()) {
    if (e.kind == RunnerEvent::Kind::kRunStarted) {
      EXPECT_EQ(++open_runs, 1);
    }
    if (e.kind == RunnerEvent::Kind::kRunFinished || e.kind == RunnerEvent::Kind::kRunFailed) {
      --open_runs;
    }
  }
  EXPECT_EQ(open_runs, 0);
  EXPECT_EQ(Runs(), 3);  // the manual whole-registry run, then 11 and 37
}

TEST_P(QualityRunnerTest, FailuresAreReportedAndStopDropsTheRestOfASweep) {
  std::promise<void> open;
  gate_ = open.get_future().share();
  RunnerOptions o = Options();
  o.every = 24h;
  o.first_delay = 0min;
  auto runner = std::make_unique<QualityRunner>(*db_, clock_, o);
  runner->Start();
  ASSERT_TRUE(WaitFor([&] { return Events().size() >= 2; }));  // sweep start, first run start
  EXPECT_EQ(Events()[1].region_prefix, "11");
  std::thread stopper([&] { runner->Stop(); });
  std::this_thread::sleep_for(30ms);
  open.set_value();
  stopper.join();
  EXPECT_EQ(Runs(), 1);  // "11" finished; "37" was dropped
  auto s = runner->Status();
  EXPECT_FALSE(s.busy);
  ASSERT_TRUE(s.last);
  EXPECT_EQ(s.last->regions_done, 1u);
  auto stopped = runner->Submit(Admin(), "ip", RunRequest{});
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().code(), "quality.runner-stopped");

  // A failing run (a bad date) is reported, not thrown (the gate is open now).
  runner = std::make_unique<QualityRunner>(*db_, clock_, Options());
  runner->Start();
  RunRequest bad;
  bad.today = "2026-02-30";
  ASSERT_TRUE(runner->Submit(Admin(), "ip", bad).ok());
  ASSERT_TRUE(WaitFor([&] { return !runner->Status().busy; }));
  s = runner->Status();
  ASSERT_TRUE(s.last);
  ASSERT_EQ(s.last->errors.size(), 1u);
  EXPECT_EQ(s.last->errors[0].code(), "quality.bad-date");
  EXPECT_EQ(Events().back().kind, RunnerEvent::Kind::kRunFailed);
}

ZJ_INSTANTIATE_BACKENDS(QualityRunnerTest);

}  // namespace
}  // namespace zhijian::checks
