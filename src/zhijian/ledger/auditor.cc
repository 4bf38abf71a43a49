#include "zhijian/ledger/auditor.h"

#include <algorithm>
#include <map>

#include "zhijian/base/digest.h"
#include "zhijian/ledger/entry.h"
#include "zhijian/ledger/report_ledger.h"

namespace zhijian::ledger {
namespace {

using store::Value;

constexpr size_t kKeptFindings = 1000;
constexpr int64_t kPage = 2000;

class Findings {
 public:
  explicit Findings(AuditReport* report) : report_(report) {}
  void Add(std::string code, std::string message, std::optional<uint64_t> leaf = std::nullopt,
           std::string report_code = {}) {
    ++report_->finding_count;
    if (report_->findings.size() < kKeptFindings) {
      report_->findings.push_back(
          {std::move(code), std::move(message), leaf, std::move(report_code)});
    }
  }

 private:
  AuditReport* report_;
};

// Collects the tile hashes and mids (log_store.h) a CompactRange emits and hands over each tile
// once it is complete (full), and the partial ones at the end.
class TileCollector {
 public:
  using Emit = std::function<void(const TileId&, const StoredTile&)>;
  explicit TileCollector(Emit emit) : emit_(std::move(emit)) {}

  void Node(NodeId node, const Hash& h) {
    const int within = node.level % kTileHeight;
    if (within != 0 && within != kTileHeight / 2) return;
    const auto level = static_cast<uint8_t>(node.level / kTileHeight);
    auto& [idx, tile] = open_[level];
    if (within != 0) {
      tile.mids.append(HashBytes(h));
      return;
    }
    tile.hashes.append(HashBytes(h));
    idx = node.index >> kTileHeight;
    if (tile.hashes.size() == size_t{kTileWidth} * kHashSize) {
      // Its last mid completes with its last hash: emitted by the same append, after it.
      pending_full_.emplace_back(level, idx);
    }
  }
  // Call after each CompactRange::Append: emits the tiles that became full.
  void Flush() {
    for (auto [level, idx] : pending_full_) {
      StoredTile& tile = open_[level].second;
      emit_(TileId{level, idx, kTileWidth}, tile);
      tile = StoredTile{};
    }
    pending_full_.clear();
  }
  void Finish() {
    Flush();
    for (auto& [level, open] : open_) {
      if (open.second.hashes.empty()) continue;
      emit_(TileId{level, open.first, static_cast<uint16_t>(open.second.hashes.size() / kHashSize)},
            open.second);
      open.second = StoredTile{};
    }
  }

 private:
  Emit emit_;
  std::map<uint8_t, std::pair<uint64_t, StoredTile>> open_;
  std::vector<std::pair<uint8_t, uint64_t>> pending_full_;
};

std::string FirstDifference(const ReportEvent& a, const ReportEvent& b) {
  if (a.type != b.type) return "event type";
  if (a.registered_at_ms != b.registered_at_ms) return "registration time";
  if (a.code != b.code) return "code";
  if (a.institution_uscc != b.institution_uscc) return "institution";
  if (a.report_number != b.report_number) return "report number";
  if (a.issue_date != b.issue_date) return "issue date";
  if (a.certificate_number != b.certificate_number) return "certificate";
  if (a.document_sha256 != b.document_sha256) return "document digest";
  if (a.client_digest != b.client_digest) return "client (or salt)";
  if (a.sample_digest != b.sample_digest) return "sample (or salt)";
  if (a.results_digest != b.results_digest) return "results (or salt)";
  if (a.original_code != b.original_code) return "original code";
  if (a.reason != b.reason) return "reason";
  return "encoding";
}

Sha256Digest DigestFrom(std::string_view bytes) {
  Sha256Digest d{};
  if (bytes.size() == d.size()) std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

std::optional<EventType> ParseType(std::string_view s) {
  if (s == "issue") return EventType::kIssue;
  if (s == "correct") return EventType::kCorrect;
  if (s == "revoke") return EventType::kRevoke;
  return std::nullopt;
}

}  // namespace

std::string AuditFinding::ToString() const {
  std::string s;
  if (leaf_index) s += "entry " + std::to_string(*leaf_index);
  if (!report_code.empty())
    s += (s.empty() ? "report " : " (report ") + report_code + (s.empty() ? "" : ")");
  if (!s.empty()) s += ": ";
  return s + code + ": " + message;
}

Result<AuditReport> AuditDatabase(store::Database& db, const LogStore& log,
                                  const AuditOptions& options) {
  AuditReport report;
  Findings findings(&report);
  const TreeHasher& hasher = log.hasher();
  ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
  ZJ_ASSIGN_OR_RETURN(LogHead head, log.ReadHead(conn.get()));

  // Checkpoints, by size.
  std::vector<StoredCheckpoint> checkpoints;
  for (int64_t after = 0;;) {
    ZJ_ASSIGN_OR_RETURN(auto page, log.Checkpoints(conn.get(), after, 1000));
    if (page.empty()) break;
    after = page.back().id;
    for (auto& c : page) checkpoints.push_back(std::move(c));
  }
  std::sort(checkpoints.begin(), checkpoints.end(),
            [](const auto& a, const auto& b) { return a.size < b.size; });
  report.checkpoints = checkpoints.size();
  // What each checkpoint's note says (after the signature check).
  std::vector<std::optional<Checkpoint>> published(checkpoints.size());
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    const StoredCheckpoint& c = checkpoints[i];
    Result<Checkpoint> cp = options.key
                                ? OpenCheckpoint(c.note, *options.key, options.key->KeyName())
                                : [&]() -> Result<Checkpoint> {
      ZJ_ASSIGN_OR_RETURN(Note note, ParseNote(c.note));
      return ParseCheckpoint(note.text);
    }();
    if (!cp) {
      findings.Add("log.checkpoint-signature", "checkpoint of size " + std::to_string(c.size) +
                                                   " does not verify: " + cp.error().ToString());
      continue;
    }
    if (cp->size != c.size || cp->root != c.root) {
      findings.Add(
          "log.checkpoint-mismatch",
          "checkpoint " + std::to_string(c.id) + ": the stored size or root differs from its note");
    }
    published[i] = *cp;
  }
  report.signatures_checked = options.key != nullptr;

  // The entries, recomputed.
  CompactRange range(hasher);
  uint64_t tiles_compared = 0;
  TileCollector tiles([&](const TileId& tile, const StoredTile& recomputed) {
    ++tiles_compared;
    std::vector<Value> p{int64_t{tile.level}, static_cast<int64_t>(tile.index)};
    auto row = conn->QueryOne("SELECT hashes, mids FROM log_tiles WHERE level = ? AND idx = ?", p);
    if (!row || !*row || (*row)->Bytes(0) != recomputed.hashes ||
        (*row)->Bytes(1) != recomputed.mids) {
      findings.Add("log.tile-mismatch", "stored tile " + TilePath(tile) +
                                            " differs from the tile recomputed from the entries");
    }
  });
  auto sink = [&tiles](NodeId node, const Hash& h) { tiles.Node(node, h); };
  size_t next_cp = 0;
  auto check_checkpoints = [&]() {
    while (next_cp < checkpoints.size() && checkpoints[next_cp].size <= range.size()) {
      const size_t i = next_cp++;
      if (checkpoints[i].size != range.size()) continue;  // a gap skipped over it: reported
      const Hash root = range.Root();
      const Hash claimed = published[i] ? published[i]->root : checkpoints[i].root;
      if (claimed != root) {
        findings.Add("log.checkpoint-root",
                     "checkpoint of size " + std::to_string(checkpoints[i].size) +
                         " has a root that the entries do not produce: history was rewritten");
      }
    }
  };
  check_checkpoints();
  uint64_t expected = 0;
  for (int64_t after = -1;;) {
    std::vector<Value> p{after, kPage};
    ZJ_ASSIGN_OR_RETURN(
        auto rows,
        conn->Query("SELECT l.leaf_index, l.entry, l.leaf_hash, e.leaf_index, e.type, e.reason, "
                    "e.registered_at_ms, a.id, a.code, a.institution_uscc, a.report_no, "
                    "a.certificate_no, a.issue_date, a.document_sha256, a.salt, a.client, "
                    "a.sample, a.results, o.code, e.original_report_id FROM log_entries l LEFT "
                    "JOIN report_events e ON e.leaf_index = l.leaf_index LEFT JOIN reports a ON "
                    "a.id = e.report_id LEFT JOIN reports o ON o.id = e.original_report_id WHERE "
                    "l.leaf_index > ? ORDER BY l.leaf_index LIMIT ?",
                    p));
    if (rows.empty()) break;
    for (const auto& row : rows) {
      const auto leaf = static_cast<uint64_t>(row.Int(0));
      after = row.Int(0);
      if (leaf != expected) {
        findings.Add("log.entry-missing",
                     leaf > expected ? "entries " + std::to_string(expected) + ".." +
                                           std::to_string(leaf - 1) + " are missing"
                                     : "entry numbered out of order",
                     expected);
        expected = leaf;
      }
      ++expected;
      ++report.entries;
      const std::string entry = row.Bytes(1);
      const Hash leaf_hash = hasher.HashLeaf(entry);
      if (row.Bytes(2) != HashBytes(leaf_hash)) {
        findings.Add("log.leaf-hash-mismatch", "the stored leaf hash is not H(0x00 ‖ entry)", leaf);
      }
      range.Append(leaf_hash, sink);
      tiles.Flush();
      check_checkpoints();
      Result<ReportEvent> decoded = DecodeEvent(entry);
      if (!decoded) {
        findings.Add("log.entry-malformed", decoded.error().ToString(), leaf);
        continue;
      }
      if (row.IsNull(3)) {
        findings.Add("log.event-missing", "the entry has no event row in the database", leaf,
                     decoded->code);
        continue;
      }
      if (row.IsNull(7) || (!row.IsNull(19) && row.IsNull(18))) {
        findings.Add("log.report-missing", "the report row of this entry is missing", leaf,
                     decoded->code);
        continue;
      }
      ReportRecord r;
      r.code = row.Text(8);
      r.input.institution = row.Text(9);
      r.input.report_no = row.Text(10);
      r.input.certificate = row.Text(11);
      r.input.issue_date = row.Text(12);
      r.input.document_sha256 = DigestFrom(row.Bytes(13));
      r.salt = row.Bytes(14);
      r.input.client = row.Text(15);
      r.input.sample = row.Text(16);
      r.results_text = row.Text(17);
      EventRecord ev;
      ev.type = ParseType(row.Text(4)).value_or(EventType::kIssue);
      ev.leaf_index = leaf;
      ev.reason = row.Text(5);
      ev.registered_at_ms = row.Int(6);
      ev.code = r.code;
      ev.original_code = row.OptText(18).value_or("");
      Result<ReportEvent> rebuilt = ReportLedger::EventOf(r, ev);
      Result<std::string> bytes =
          rebuilt ? EncodeEvent(*rebuilt) : Result<std::string>(rebuilt.error());
      if (!bytes || *bytes != entry) {
        const std::string what =
            rebuilt ? FirstDifference(*decoded, *rebuilt) : rebuilt.error().ToString();
        findings.Add("log.report-differs",
                     "the database's " + what +
                         " differs from the log entry (changed after "
                         "registration)",
                     leaf, decoded->code);
      }
    }
    if (options.progress) options.progress(report.entries, head.size);
  }
  tiles.Finish();
  report.tiles = tiles_compared;
  report.size = range.size();
  report.root = range.Root();
  {
    ZJ_ASSIGN_OR_RETURN(auto row, conn->QueryOne("SELECT COUNT(*) FROM log_tiles"));
    const auto stored = static_cast<uint64_t>(row ? row->Int(0) : 0);
    if (stored != tiles_compared) {
      findings.Add("log.tile-mismatch", std::to_string(stored) + " tiles are stored, " +
                                            std::to_string(tiles_compared) +
                                            " follow from the entries");
    }
  }
  if (head.size != range.size() || head.compact != range.hashes()) {
    findings.Add("log.head-mismatch", "the head says size " + std::to_string(head.size) +
                                          ", the entries make a tree of size " +
                                          std::to_string(range.size()) +
                                          (head.size == range.size() ? " with another root" : ""));
  }
  for (size_t i = next_cp; i < checkpoints.size(); ++i) {
    findings.Add("log.checkpoint-beyond-log", "checkpoint of size " +
                                                  std::to_string(checkpoints[i].size) +
                                                  " is beyond the entries: history was dropped");
  }
  // Consistency of each checkpoint with the next, from proofs served out of the stored tiles.
  for (size_t i = 0; i + 1 < checkpoints.size(); ++i) {
    if (!published[i] || !published[i + 1]) continue;
    const Checkpoint& a = *published[i];
    const Checkpoint& b = *published[i + 1];
    if (a.size == 0 || b.size > head.size) continue;
    Result<std::vector<Hash>> proof =
        log.ConsistencyProof(conn.get(), a.size, b.size, /*cached=*/false);
    Result<void> ok = proof ? VerifyConsistency(hasher, a.size, b.size, *proof, a.root, b.root)
                            : Result<void>(proof.error());
    if (!ok) {
      findings.Add("log.consistency", "checkpoints of sizes " + std::to_string(a.size) + " and " +
                                          std::to_string(b.size) +
                                          " are not consistent: " + ok.error().ToString());
    }
  }
  // Events whose entry is gone (e.g. the tail of log_entries deleted).
  {
    ZJ_ASSIGN_OR_RETURN(
        auto rows, conn->Query("SELECT e.leaf_index, r.code FROM report_events e LEFT JOIN "
                               "log_entries l ON l.leaf_index = e.leaf_index LEFT JOIN reports r "
                               "ON r.id = e.report_id WHERE l.leaf_index IS NULL ORDER BY "
                               "e.leaf_index LIMIT 1000"));
    for (const auto& row : rows) {
      findings.Add("log.entry-missing", "the event's log entry is missing",
                   static_cast<uint64_t>(row.Int(0)), row.OptText(1).value_or(""));
    }
  }
  // Reports that no event of the log created, and statuses that the events do not give.
  {
    std::map<int64_t, std::string> derived;  // report id -> status from its events
    ZJ_ASSIGN_OR_RETURN(auto events, conn->Query("SELECT original_report_id, type FROM "
                                                 "report_events WHERE original_report_id IS NOT "
                                                 "NULL"));
    for (const auto& e : events) {
      const std::string type = e.Text(1);
      derived[e.Int(0)] = type == "revoke" ? "revoked" : "corrected";
    }
    for (int64_t after = 0;;) {
      std::vector<Value> p{after, kPage};
      ZJ_ASSIGN_OR_RETURN(
          auto rows,
          conn->Query("SELECT r.id, r.code, r.status, r.leaf_index, e.report_id FROM reports r "
                      "LEFT JOIN report_events e ON e.leaf_index = r.leaf_index WHERE r.id > ? "
                      "ORDER BY r.id LIMIT ?",
                      p));
      if (rows.empty()) break;
      for (const auto& row : rows) {
        after = row.Int(0);
        ++report.reports;
        if (row.IsNull(4) || row.Int(4) != row.Int(0)) {
          findings.Add("log.report-not-logged", "no event of the log created this report",
                       static_cast<uint64_t>(row.Int(3)), row.Text(1));
        }
        auto it = derived.find(row.Int(0));
        const std::string want = it == derived.end() ? "valid" : it->second;
        if (row.Text(2) != want) {
          findings.Add("log.status-mismatch",
                       "status '" + row.Text(2) + "' but the events say '" + want + "'",
                       std::nullopt, row.Text(1));
        }
      }
    }
  }
  return report;
}

Result<AuditReport> AuditRemote(const LogFetcher& fetch, const RemoteAuditOptions& options,
                                std::string* checkpoint_note) {
  if (options.key == nullptr) {
    return Error::Invalid("ledger.no-key", "需要日志公钥", "the log's verifier key is required");
  }
  const TreeHasher& hasher = options.hasher ? *options.hasher : Sha256TreeHasher();
  AuditReport report;
  Findings findings(&report);
  report.signatures_checked = true;
  ZJ_ASSIGN_OR_RETURN(std::string note, fetch("checkpoint"));
  Result<Checkpoint> cp = OpenCheckpoint(note, *options.key, options.key->KeyName());
  if (!cp) {
    findings.Add("log.checkpoint-signature",
                 "the served checkpoint does not verify: " + cp.error().ToString());
    return report;
  }
  report.checkpoints = 1;
  std::optional<Checkpoint> previous;
  if (!options.previous_checkpoint.empty()) {
    Result<Checkpoint> p =
        OpenCheckpoint(options.previous_checkpoint, *options.key, options.key->KeyName());
    if (!p) {
      findings.Add("log.checkpoint-signature",
                   "the earlier checkpoint does not verify: " + p.error().ToString());
    } else if (p->size > cp->size) {
      findings.Add("log.consistency", "the log shrank from " + std::to_string(p->size) + " to " +
                                          std::to_string(cp->size) + " entries");
    } else {
      previous = *p;
      ++report.checkpoints;
    }
  }
  CompactRange range(hasher);
  TileCollector tiles([&](const TileId& tile, const StoredTile& recomputed) {
    if (!options.check_tiles) return;
    ++report.tiles;
    Result<std::string> served = fetch(TilePath(tile));
    if (!served || *served != recomputed.hashes) {
      findings.Add("log.tile-mismatch",
                   "served tile " + TilePath(tile) +
                       (served ? " differs from the entries" : ": " + served.error().ToString()));
    }
  });
  auto sink = [&tiles](NodeId node, const Hash& h) { tiles.Node(node, h); };
  auto check_previous = [&]() {
    if (previous && range.size() == previous->size && range.Root() != previous->root) {
      findings.Add("log.consistency", "the entries do not produce the earlier checkpoint of size " +
                                          std::to_string(previous->size) +
                                          ": history was rewritten");
    }
  };
  check_previous();
  const uint64_t bundles = (cp->size + kTileWidth - 1) / kTileWidth;
  for (uint64_t n = 0; n < bundles; ++n) {
    const auto width =
        static_cast<uint16_t>(std::min<uint64_t>(kTileWidth, cp->size - n * kTileWidth));
    const std::string path = EntryBundlePath(n, width);
    ZJ_ASSIGN_OR_RETURN(std::string bundle, fetch(path));
    Result<std::vector<std::string>> entries = DecodeEntryBundle(bundle);
    if (!entries || entries->size() != width) {
      findings.Add("log.entry-missing",
                   "entry bundle " + path + " does not hold " + std::to_string(width) + " entries",
                   n * kTileWidth);
      return report;
    }
    for (size_t i = 0; i < entries->size(); ++i) {
      const uint64_t leaf = n * kTileWidth + i;
      Result<ReportEvent> decoded = DecodeEvent((*entries)[i]);
      if (!decoded) findings.Add("log.entry-malformed", decoded.error().ToString(), leaf);
      range.Append(hasher.HashLeaf((*entries)[i]), sink);
      tiles.Flush();
      ++report.entries;
      check_previous();
    }
    if (options.progress) options.progress(report.entries, cp->size);
  }
  tiles.Finish();
  report.size = range.size();
  report.root = range.Root();
  if (report.root != cp->root) {
    findings.Add("log.remote-root",
                 "the entries do not produce the root of the served checkpoint (size " +
                     std::to_string(cp->size) + ")");
  }
  if (checkpoint_note != nullptr) *checkpoint_note = note;
  return report;
}

}  // namespace zhijian::ledger
