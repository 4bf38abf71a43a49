#include "zhijian/checks/quality_runner.h"

#include <utility>

namespace zhijian::checks {

namespace {

using Steady = std::chrono::steady_clock;

double SecondsSince(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

bool TwoDigits(std::string_view s) {
  return s.size() == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9';
}

}  // namespace

QualityRunner::QualityRunner(store::Database& db, const Clock& clock, RunnerOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {}

QualityRunner::~QualityRunner() { Stop(); }

void QualityRunner::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  stop_ = false;
  if (options_.every.count() > 0) {
    next_sweep_ = clock_.Now() + options_.first_delay;
    status_.next_sweep_at = FormatInstant(*next_sweep_);
  }
  thread_ = std::thread([this] { Loop(); });
}

void QualityRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_) return;
    stop_ = true;
    pending_.reset();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  started_ = false;
  status_.busy = false;
  status_.current.reset();
  status_.next_sweep_at.reset();
  next_sweep_.reset();
}

Result<RunnerStatus> QualityRunner::Submit(const Principal& actor, const std::string& ip,
                                           RunRequest request) {
  ZJ_TRY(MayRunQuality(actor, request.region_prefix));
  RunnerStatus copy;
  {
    std::lock_guard lock(mu_);
    if (!started_ || stop_) {
      return Error(Error::Kind::kUnavailable, "quality.runner-stopped", "数据质量检查服务未运行",
                   "the data-quality runner is not running");
    }
    if (status_.busy) {
      return Error(Error::Kind::kConflict, "quality.run-in-progress",
                   "已有数据质量检查正在进行，请稍后再试",
                   "a data-quality run is already in progress; try again later");
    }
    RunnerJob job;
    job.kind = "manual";
    job.actor = actor.username;
    job.regions = {request.region_prefix};
    job.queued_at = FormatInstant(clock_.Now());
    status_.busy = true;
    status_.current = std::move(job);
    pending_ = Pending{actor, ip, std::move(request), false};
    copy = status_;
  }
  cv_.notify_all();
  return copy;
}

RunnerStatus QualityRunner::Status() const {
  std::lock_guard lock(mu_);
  return status_;
}

Result<std::vector<std::string>> QualityRunner::SweepRegions(store::Database& db) {
  ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT DISTINCT substr(region_code, 1, 2) FROM "
                                             "institutions WHERE region_code <> '' ORDER BY 1"));
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string p = r.Text(0);
    if (TwoDigits(p)) out.push_back(std::move(p));
  }
  return out;
}

void QualityRunner::Emit(RunnerEvent e) const {
  if (options_.on_event) options_.on_event(e);
}

void QualityRunner::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    std::optional<Pending> job;
    if (pending_) {
      job = std::move(pending_);
      pending_.reset();
    } else if (next_sweep_ && clock_.Now() >= *next_sweep_) {
      const TimePoint now = clock_.Now();
      while (*next_sweep_ <= now) *next_sweep_ += options_.every;
      status_.next_sweep_at = FormatInstant(*next_sweep_);
      RunnerJob j;
      j.kind = "scheduled";
      j.actor = options_.scheduled_actor.username;
      j.queued_at = FormatInstant(now);
      status_.busy = true;
      status_.current = std::move(j);
      job = Pending{options_.scheduled_actor, "local", RunRequest{}, true};
    }
    if (job) {
      lock.unlock();
      Execute(std::move(*job));
      lock.lock();
      continue;
    }
    cv_.wait_for(lock, options_.poll);
  }
}

void QualityRunner::Execute(Pending job) {
  const char* kind = job.sweep ? "scheduled" : "manual";
  const auto sweep_start = Steady::now();
  std::vector<std::string> regions{job.request.region_prefix};
  std::optional<Error> failed;
  if (job.sweep) {
    auto r = SweepRegions(db_);
    if (r) {
      regions = std::move(*r);
    } else {
      regions.clear();
      failed = r.error();
    }
  }
  {
    std::lock_guard lock(mu_);
    status_.current->regions = regions;
    status_.current->started_at = FormatInstant(clock_.Now());
    if (failed) status_.current->errors.push_back(*failed);
  }
  if (job.sweep) {
    RunnerEvent e;
    e.kind = RunnerEvent::Kind::kSweepStarted;
    e.job = kind;
    e.actor = job.actor.username;
    e.regions = regions.size();
    e.failures = failed ? 1 : 0;
    if (failed) e.error = failed;
    Emit(std::move(e));
  }
  size_t failures = failed ? 1 : 0;
  for (const std::string& region : regions) {
    {
      std::lock_guard lock(mu_);
      if (stop_) break;
    }
    RunnerEvent started;
    started.kind = RunnerEvent::Kind::kRunStarted;
    started.job = kind;
    started.region_prefix = region;
    started.actor = job.actor.username;
    Emit(started);
    RunnerEvent done = started;
    {
      RunRequest request = job.request;
      request.region_prefix = region;
      const auto t0 = Steady::now();
      auto outcome = RunQuality(db_, clock_, job.actor, job.ip, request);
      done.seconds = SecondsSince(t0);
      std::lock_guard lock(mu_);
      ++status_.current->regions_done;
      if (outcome) {
        status_.current->run_ids.push_back(outcome->saved.run_id);
        done.kind = RunnerEvent::Kind::kRunFinished;
        done.saved = outcome->saved;
        done.findings = static_cast<int64_t>(outcome->result.findings.size());
      } else {
        status_.current->errors.push_back(outcome.error());
        ++failures;
        done.kind = RunnerEvent::Kind::kRunFailed;
        done.error = outcome.error();
      }
    }  // the run's findings are freed before the next region
    Emit(std::move(done));
  }
  {
    std::lock_guard lock(mu_);
    status_.current->finished_at = FormatInstant(clock_.Now());
    status_.last = std::move(status_.current);
    status_.current.reset();
    status_.busy = false;
  }
  if (job.sweep) {
    RunnerEvent e;
    e.kind = RunnerEvent::Kind::kSweepFinished;
    e.job = kind;
    e.actor = job.actor.username;
    e.regions = regions.size();
    e.failures = failures;
    e.seconds = SecondsSince(sweep_start);
    Emit(std::move(e));
  }
}

}  // namespace zhijian::checks
