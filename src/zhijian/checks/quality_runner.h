// Data-quality runs inside the server: one at a time, off the request threads, and on a schedule.
//
// Purpose: "run now" (HTTP) and the scheduled runs (`serve --quality-every HOURS`) go through one
// QualityRunner, so runs never overlap: a run takes seconds to minutes (a province ≈ 15 s) and
// holds a snapshot of hundreds of MB, so two at once would double the memory and queue on the
// write lock. The runner owns one thread that executes jobs one after the other:
//   - manual: `Submit` queues a run of one region for a caller who may run there
//     (MayRunQuality: admin anywhere, regulator within its region) and returns at once. While a
//     job is queued or running, Submit fails with kConflict "quality.run-in-progress".
//   - scheduled (a "sweep"): with `every` > 0, the first sweep is due `first_delay` after Start,
//     then every `every`; due times advance by whole periods from the first, so a late sweep does
//     not shift the schedule and missed periods are not made up. A sweep runs region by region:
//     one stored run per province (the two-digit prefixes of the institutions' region codes, in
//     code order), so the memory is bounded by the largest province, not by the registry. A sweep
//     that falls due while a manual run is under way starts after it. Institutions whose region
//     code does not start with two digits, and the rules of the standards catalogue, are checked
//     only by whole-registry runs (`zhijian quality run`, or an administrator's run over "").
//     Scheduled runs act as `scheduled_actor` (an administrator named "quality-scheduler").
// Time: due times come from the injected Clock (tests use FakeClock); only the thread's sleeping
// between looks at the clock (`poll`) uses real time.
// Events: `on_event` is called on the runner thread for every start, finish and failure of a run
// and for the start and end of a sweep (the server logs them at info).
//
// Ownership: borrows the Database and the Clock (they must outlive the runner).
// Thread-safety: every member is thread-safe. Stop() lets the run under way finish (a run cannot
// be cut half-way: it is stored in one transaction at its end), drops the rest of a sweep and a
// queued job, and joins the thread; the destructor stops.
// Errors: Submit: those of MayRunQuality; kConflict "quality.run-in-progress"; kUnavailable
// "quality.runner-stopped" (not started, or stopping). Failed runs are reported in the status
// and to on_event, never thrown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/principal.h"
#include "zhijian/base/result.h"
#include "zhijian/checks/quality_store.h"
#include "zhijian/store/db.h"

namespace zhijian::checks {

struct RunnerEvent {
  enum class Kind { kSweepStarted, kRunStarted, kRunFinished, kRunFailed, kSweepFinished };
  Kind kind = Kind::kRunStarted;
  std::string job;            // "manual" or "scheduled"
  std::string region_prefix;  // of the run ("" for sweep events)
  std::string actor;
  std::optional<SavedRun> saved;     // kRunFinished
  std::optional<Error> error;        // kRunFailed
  int64_t findings = 0;              // kRunFinished
  double seconds = 0;                // kRunFinished / kRunFailed / kSweepFinished
  size_t regions = 0, failures = 0;  // kSweepStarted (regions) / kSweepFinished
};

struct RunnerOptions {
  std::chrono::hours every{0};           // scheduled sweeps; 0 = none
  std::chrono::minutes first_delay{10};  // the first sweep after Start
  std::chrono::milliseconds poll{1000};  // how often the thread looks at the clock
  Principal scheduled_actor = [] {
    Principal p = Principal::Cli();
    p.username = "quality-scheduler";
    return p;
  }();
  std::function<void(const RunnerEvent&)> on_event;
};

// A job as the status shows it.
struct RunnerJob {
  std::string kind;  // "manual" or "scheduled"
  std::string actor;
  std::vector<std::string> regions;  // region prefixes in run order; a sweep's are known once
                                     // it starts
  std::string queued_at, started_at, finished_at;  // RFC 3339; "" until then
  size_t regions_done = 0;
  std::vector<int64_t> run_ids;  // the runs stored so far
  std::vector<Error> errors;     // the regions that failed
};

struct RunnerStatus {
  bool busy = false;                         // a job is queued or running
  std::optional<RunnerJob> current;          // queued or running
  std::optional<RunnerJob> last;             // the latest job that ended
  std::optional<std::string> next_sweep_at;  // RFC 3339, with a schedule
};

class QualityRunner {
 public:
  QualityRunner(store::Database& db, const Clock& clock, RunnerOptions options = {});
  ~QualityRunner();
  QualityRunner(const QualityRunner&) = delete;
  QualityRunner& operator=(const QualityRunner&) = delete;

  // Starts the thread; with a schedule, the first sweep is due first_delay from now.
  void Start();
  void Stop();

  // Queues a run of `request.region_prefix` ("" = the whole registry) for `actor`; returns the
  // status with the queued job. `request.today` "" = the clock's date in China when it runs.
  Result<RunnerStatus> Submit(const Principal& actor, const std::string& ip, RunRequest request);
  RunnerStatus Status() const;

  // The regions a sweep runs over now: the distinct two-digit prefixes of the institutions'
  // region codes, in code order.
  static Result<std::vector<std::string>> SweepRegions(store::Database& db);

 private:
  struct Pending {
    Principal actor;
    std::string ip;
    RunRequest request;
    bool sweep = false;
  };
  void Loop();
  void Execute(Pending job);
  void Emit(RunnerEvent e) const;

  store::Database& db_;
  const Clock& clock_;
  RunnerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stop_ = false;
  std::optional<Pending> pending_;  // a manual job waiting for the thread
  RunnerStatus status_;
  std::optional<TimePoint> next_sweep_;
  std::thread thread_;
};

}  // namespace zhijian::checks
