// The checkpoint publisher: signs and stores a checkpoint of the log every N new entries or T
// milliseconds after the first unpublished entry was seen, whichever comes first.
//
// Purpose: the server runs one on a background thread (`Start`); registrations call `Notify`
// after they commit, so that N entries are published promptly, and the thread polls so that
// T is honoured even when nobody notifies (entries appended by another process, e.g. the CLI).
// `Tick` is the whole decision and may be called directly (tests, the CLI at the end of a
// registration run uses LogStore::Publish directly). The first Tick publishes at once when the
// log has no checkpoint at all (also for an empty log: a size-0 checkpoint), so the log always
// has one to serve.
//
// Time: decisions use the injected Clock; only the thread's sleeping uses real time.
// Ownership: borrows the LogStore, signer and Clock (must outlive it).
// Thread-safety: Notify, Tick, Start and Stop are thread-safe; Tick calls are serialised.
// Errors: Tick returns store and signing errors; the thread hands them to `on_error`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "zhijian/base/clock.h"
#include "zhijian/base/result.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/note.h"

namespace zhijian::ledger {

struct PublisherOptions {
  uint64_t every_entries = 1000;               // N
  std::chrono::milliseconds every{1000};       // T
  std::chrono::milliseconds poll{50};          // how often the thread looks without Notify
  std::function<void(const Error&)> on_error;  // errors of the thread's Ticks
  std::function<void(const StoredCheckpoint&)> on_publish;  // after each publication
};

class CheckpointPublisher {
 public:
  CheckpointPublisher(LogStore& log, const NoteSigner& signer, const Clock& clock,
                      PublisherOptions options = {});
  ~CheckpointPublisher();  // Stop()
  CheckpointPublisher(const CheckpointPublisher&) = delete;
  CheckpointPublisher& operator=(const CheckpointPublisher&) = delete;

  // Publishes if due; returns the checkpoint stored now, if any.
  Result<std::optional<StoredCheckpoint>> Tick();
  // The log grew to `size` (wakes the thread when N entries are pending).
  void Notify(uint64_t size);

  void Start();
  void Stop();

 private:
  void Run();

  LogStore& log_;
  const NoteSigner& signer_;
  const Clock& clock_;
  PublisherOptions options_;

  std::mutex tick_mu_;                      // serialises Tick
  std::optional<uint64_t> published_size_;  // latest stored checkpoint size, once known
  std::optional<TimePoint> pending_since_;  // when unpublished entries were first seen

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace zhijian::ledger
