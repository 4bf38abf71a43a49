#include "zhijian/ledger/publisher.h"

namespace zhijian::ledger {

CheckpointPublisher::CheckpointPublisher(LogStore& log, const NoteSigner& signer,
                                         const Clock& clock, PublisherOptions options)
    : log_(log), signer_(signer), clock_(clock), options_(std::move(options)) {}

CheckpointPublisher::~CheckpointPublisher() { Stop(); }

Result<std::optional<StoredCheckpoint>> CheckpointPublisher::Tick() {
  std::lock_guard<std::mutex> lock(tick_mu_);
  uint64_t size = 0;
  {
    ZJ_ASSIGN_OR_RETURN(auto conn, log_.db().Acquire());
    ZJ_ASSIGN_OR_RETURN(LogHead head, log_.ReadHead(conn.get()));
    size = head.size;
    // Another process may publish too: always start from what is stored.
    ZJ_ASSIGN_OR_RETURN(auto latest, log_.LatestCheckpoint(conn.get()));
    published_size_ = latest ? std::optional<uint64_t>(latest->size) : std::nullopt;
  }
  const TimePoint now = clock_.Now();
  bool due = !published_size_.has_value();
  if (published_size_ && size <= *published_size_) pending_since_.reset();
  if (published_size_ && size > *published_size_) {
    if (!pending_since_) pending_since_ = now;
    due = size - *published_size_ >= options_.every_entries ||
          now - *pending_since_ >= options_.every;
  }
  if (!due) return std::optional<StoredCheckpoint>();
  ZJ_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> stored, log_.Publish(signer_, now));
  if (stored) {
    published_size_ = stored->size;
    pending_since_.reset();
    if (options_.on_publish) options_.on_publish(*stored);
  }
  return stored;
}

void CheckpointPublisher::Notify(uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  (void)size;  // the thread reads the head itself; a notification only wakes it
  woken_ = true;
  cv_.notify_one();
}

void CheckpointPublisher::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void CheckpointPublisher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void CheckpointPublisher::Run() {
  for (;;) {
    Result<std::optional<StoredCheckpoint>> r = Tick();
    if (!r && options_.on_error) options_.on_error(r.error());
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, options_.poll, [this] { return stop_ || woken_; });
    woken_ = false;
    if (stop_) return;
  }
}

}  // namespace zhijian::ledger
