// The ledger as the server and the CLI run it: the log store, the report ledger, the log's
// signing key and the checkpoint publisher, opened together.
//
// Purpose: one object to hand to the HTTP routes (api::ApiContext::ledger) and the CLI, so that
// they agree on how the pieces are wired:
//   - the signing key is read from a key file made by `zhijian keys init` (ledger/key_file.h;
//     mode 0600, outside the database); its key name is the log's origin, its verifier key is
//     derived from it (no second file needed). Without a key the ledger still registers
//     reports — every event is logged — but publishes no checkpoints and makes no QR codes:
//     `RequireSigner` fails with "ledger.no-log-key" (kUnavailable, HTTP 503).
//   - the tree hash follows the key: Ed25519 → SHA-256, SM2 → SM3 (docs/transparency-log.md
//     §2); without a key, the log's stored hash.
//   - the publisher (publisher.h) runs on its own thread when `start_publisher` is set, and is
//     notified by every registration.
// QR codes: `QrFor` signs the report's claims (qr.h) and appends its verification secret
// (registration.h) to the URL: "<PREFIX>/V/<payload>/<secret>".
//
// Ownership: borrows the Database and Clock (must outlive it); owns the rest.
// Thread-safety: thread-safe.
// Errors: key-file errors ("key-file.*"), "note.bad-key", "ledger.hash-mismatch", store errors.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "zhijian/base/clock.h"
#include "zhijian/base/result.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/note.h"
#include "zhijian/ledger/publisher.h"
#include "zhijian/ledger/report_ledger.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger {

struct ServiceOptions {
  std::string log_key_file;  // the signer key file; "" = no key
  // The URL prefix printed in QR codes (http(s)://host[:port][/path], QR alphanumeric).
  std::string qr_url_prefix = "https://zhijian.example.cn";
  bool start_publisher = false;
  PublisherOptions publisher;
  LedgerOptions ledger;  // on_append is set by the service (chained to a given one)
  // How long CurrentLogSizes may go without reading the sizes from the database (to see writes
  // by other processes, e.g. `zhijian reports revoke`); by the injected Clock.
  std::chrono::milliseconds log_sizes_refresh{100};
};

class LedgerService {
 public:
  static Result<std::unique_ptr<LedgerService>> Open(store::Database& db, const Clock& clock,
                                                     ServiceOptions options);
  ~LedgerService();

  LogStore& log() { return *log_; }
  ReportLedger& reports() { return *reports_; }
  // Null without a key.
  const NoteSigner* signer() const { return signer_.get(); }
  const NoteVerifier* verifier() const { return verifier_.get(); }
  // The verifier key text ("name+id+base64"); "" without a key.
  const std::string& verifier_key() const { return verifier_key_; }
  // The URL prefix printed in QR codes; `SetQrUrlPrefix` replaces it (e.g. once `serve` knows
  // the port it bound). Thread-safe.
  std::string qr_url_prefix() const;
  void SetQrUrlPrefix(std::string prefix);
  CheckpointPublisher* publisher() { return publisher_.get(); }

  // "ledger.no-log-key" (kUnavailable) without a key.
  Result<void> RequireSigner() const;
  // The QR text of a report: signed claims + the verification secret.
  Result<std::string> QrFor(const ReportRecord& report) const;

  // The log's tree size and its latest checkpoint's size (-1: none), for the keys of the
  // verification cache. Kept in memory, without a database query on most calls:
  //   - appends and publications by THIS process (ReportLedger's on_append, the publisher's
  //     on_publish) raise them at once, before the registering call returns;
  //   - appends and publications by OTHER processes (the CLI, another server on the same
  //     database) are seen when the sizes are next read from the database, which the first call
  //     after `ServiceOptions::log_sizes_refresh` (100 ms) does (other calls meanwhile answer
  //     with the sizes known); the first call ever reads them.
  // So a cached answer outlives a write by this process not at all, and one by another process
  // by at most log_sizes_refresh. Sizes only grow. Errors: store errors of a read.
  struct LogSizes {
    int64_t tree = -1;
    int64_t checkpoint = -1;
  };
  Result<LogSizes> CurrentLogSizes() const;
  // The sizes as CurrentLogSizes would answer them without reading the database, or
  // std::nullopt when it would read them now. Never blocks on the database.
  std::optional<LogSizes> KnownLogSizes() const;

  // A small cache of rendered public verifications (api/ledger_routes.cc). Callers key entries
  // by the request AND CurrentLogSizes(), so every new log event or checkpoint makes new keys
  // (see there for other processes' writes); entries also expire after one second (so registry
  // changes, e.g. a certificate's history, show within a second). At most 20,000 entries.
  // Thread-safe.
  std::optional<std::string> CachedVerification(const std::string& key) const;
  void CacheVerification(const std::string& key, std::string body) const;

 private:
  LedgerService() = default;
  ServiceOptions options_;
  std::unique_ptr<NoteSigner> signer_;
  std::unique_ptr<NoteVerifier> verifier_;
  std::string verifier_key_;
  std::unique_ptr<LogStore> log_;
  std::unique_ptr<ReportLedger> reports_;
  std::unique_ptr<CheckpointPublisher> publisher_;
  const Clock* clock_ = nullptr;
  store::Database* db_ = nullptr;
  // CurrentLogSizes: known sizes, raised only; when last read from the database (Unix ms,
  // INT64_MIN: never); the mutex serialises the reads.
  void RaiseLogSizes(int64_t tree, int64_t checkpoint) const;
  mutable std::atomic<int64_t> tree_size_{-1};
  mutable std::atomic<int64_t> checkpoint_size_{-1};
  mutable std::atomic<int64_t> sizes_read_ms_{INT64_MIN};
  mutable std::mutex sizes_mu_;
  mutable std::mutex prefix_mu_;  // guards options_.qr_url_prefix
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, std::pair<TimePoint, std::string>> cache_;
};

// The verifier key text of a signer key text (Ed25519 or SM2), derived from the private key.
// Error "note.bad-key".
Result<std::string> VerifierKeyOf(std::string_view signer_key);

}  // namespace zhijian::ledger
