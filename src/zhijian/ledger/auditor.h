// The log auditor (`zhijian log audit`): recomputes the Merkle tree from the entries and checks
// everything stored or served against it.
//
// Purpose: show that the platform did not rewrite or drop history. Two forms:
//   - `AuditDatabase` reads the platform's own database and checks that
//       * the entry bundles are numbered 0, 1, 2, … without gaps, every one but the last
//         holds 256 entries, the entries of the partial last bundle (log_tail rows) continue
//         them without gaps, each entry decodes (entry.h) and the stored prefix of its leaf
//         hash (log_store.h) is that of H(0x00 ‖ entry); a bundle whose bytes do not split
//         into entries names the entry where they break;
//       * every stored tile equals the tile recomputed from the entries, and the head's size
//         and compact range equal the recomputed ones;
//       * every stored checkpoint is signed by the log key (origin = key name), its stored
//         size and root match its note, its root equals the recomputed root at its size, and
//         it is consistent with the next one (a consistency proof served from the stored tiles
//         verifies);
//       * every entry has its event row, and the event's report row rebuilds exactly the entry
//         (ReportLedger::EventOf); every report row is created by an event of the log; every
//         status agrees with the events.
//     Each failure is a finding that names the leaf index and the report code.
//   - `AuditRemote` audits a served log through C2SP tlog-tiles: fetches the checkpoint
//     (verified with the given key), every entry bundle and hash tile of its tree, recomputes
//     the tree and compares; optionally checks consistency with an earlier checkpoint the
//     caller kept (a monitor's state).
//
// Ownership: borrows everything for the call. Thread-safety: pure functions of their inputs.
// Errors: store or fetch failures are Errors; what the audit finds is in AuditReport.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zhijian/base/result.h"
#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/note.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger {

struct AuditFinding {
  // "log.entry-missing", "log.entry-malformed", "log.leaf-hash-mismatch", "log.tile-mismatch",
  // "log.head-mismatch", "log.checkpoint-signature", "log.checkpoint-mismatch",
  // "log.checkpoint-root", "log.checkpoint-beyond-log", "log.consistency",
  // "log.event-missing", "log.report-missing", "log.report-differs", "log.report-not-logged",
  // "log.status-mismatch", "log.remote-root".
  std::string code;
  std::string message;  // English, names what differs
  std::optional<uint64_t> leaf_index;
  std::string report_code;
  // "entry 17 (report 3701…): message" — the line the CLI prints.
  std::string ToString() const;
};

struct AuditReport {
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  uint64_t reports = 0;
  uint64_t tiles = 0;
  uint64_t size = 0;  // recomputed tree size
  Hash root{};        // recomputed root
  bool signatures_checked = false;
  std::vector<AuditFinding> findings;  // the first 1,000
  uint64_t finding_count = 0;
  bool ok() const { return finding_count == 0; }
};

struct AuditOptions {
  const NoteVerifier* key = nullptr;  // null: checkpoint signatures are not checked
  // Progress: entries done of the total.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

Result<AuditReport> AuditDatabase(store::Database& db, const LogStore& log,
                                  const AuditOptions& options);

// Fetches a resource of the served log by its path relative to the log prefix ("checkpoint",
// "tile/0/000", "tile/entries/x001/002.p/7").
using LogFetcher = std::function<Result<std::string>(const std::string& path)>;

struct RemoteAuditOptions {
  const NoteVerifier* key = nullptr;   // required
  const TreeHasher* hasher = nullptr;  // default SHA-256
  bool check_tiles = true;             // also fetch and compare every hash tile
  // An earlier checkpoint note of this log to check consistency with (empty: none).
  std::string previous_checkpoint;
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// On success `checkpoint_note` receives the verified checkpoint (for the next run's
// previous_checkpoint).
Result<AuditReport> AuditRemote(const LogFetcher& fetch, const RemoteAuditOptions& options,
                                std::string* checkpoint_note = nullptr);

}  // namespace zhijian::ledger
