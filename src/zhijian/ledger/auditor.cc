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
constexpr int64_t kBundlesPerPage = 8;

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
  // One leaf: its hash into the tree, its prefix row, its event and report rows.
  struct LeafRows {
    std::optional<int64_t> prefix;
    std::optional<store::Row> event;  // the event and report columns of the query below
    bool implied = false;             // an issue event implied by the report row
  };
  auto check_leaf = [&](uint64_t leaf, const std::string& entry, const LeafRows& rows) {
    ++report.entries;
    const Hash leaf_hash = hasher.HashLeaf(entry);
    if (rows.prefix != LeafPrefix(leaf_hash)) {
      findings.Add("log.leaf-hash-mismatch",
                   rows.prefix ? "the stored leaf-hash prefix is not that of H(0x00 ‖ entry)"
                               : "the entry has no leaf-hash prefix row",
                   leaf);
    }
    range.Append(leaf_hash, sink);
    tiles.Flush();
    check_checkpoints();
    Result<ReportEvent> decoded = DecodeEvent(entry);
    if (!decoded) {
      findings.Add("log.entry-malformed", decoded.error().ToString(), leaf);
      return;
    }
    if (!rows.event) {
      if (decoded->type == EventType::kIssue) {  // the report row is the event
        findings.Add("log.report-missing", "the report row of this issue entry is missing", leaf,
                     decoded->code);
      } else {
        findings.Add("log.event-missing", "the entry has no event row in the database", leaf,
                     decoded->code);
      }
      return;
    }
    const store::Row& row = *rows.event;
    if (row.IsNull(4) || (!row.IsNull(16) && row.IsNull(15))) {
      findings.Add("log.report-missing", "the report row of this entry is missing", leaf,
                   decoded->code);
      return;
    }
    ReportRecord r;
    r.code = row.Text(5);
    r.input.institution = row.Text(6);
    r.input.report_no = row.Text(7);
    r.input.certificate = row.Text(8);
    r.input.issue_date = row.Text(9);
    r.input.document_sha256 = DigestFrom(row.Bytes(10));
    r.salt = row.Bytes(11);
    r.input.client = row.Text(12);
    r.input.sample = row.Text(13);
    r.results_text = row.Text(14);
    EventRecord ev;
    ev.type = ParseType(row.Text(1)).value_or(EventType::kIssue);
    ev.leaf_index = leaf;
    ev.reason = row.Text(2);
    ev.registered_at_ms = row.Int(3);
    ev.code = r.code;
    ev.original_code = row.OptText(15).value_or("");
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
  };
  // The prefix and event rows of leaves [first_leaf, end_leaf).
  auto load_rows = [&](int64_t first_leaf,
                       int64_t end_leaf) -> Result<std::map<uint64_t, LeafRows>> {
    std::map<uint64_t, LeafRows> leaves;
    std::vector<Value> q{first_leaf, end_leaf};
    ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT leaf_index, prefix FROM "
                                               "log_leaf_prefixes WHERE leaf_index >= ? AND "
                                               "leaf_index < ?",
                                               q));
    for (const auto& row : rows) leaves[static_cast<uint64_t>(row.Int(0))].prefix = row.Int(1);
    ZJ_ASSIGN_OR_RETURN(
        auto events,
        conn->Query("SELECT e.leaf_index, e.type, e.reason, e.registered_at_ms, a.id, a.code, "
                    "a.institution_uscc, a.report_no, a.certificate_no, a.issue_date, "
                    "a.document_sha256, a.salt, a.client, a.sample, a.results, o.code, "
                    "e.original_report_id FROM report_events e LEFT JOIN reports a ON a.id = "
                    "e.report_id LEFT JOIN reports o ON o.id = e.original_report_id WHERE "
                    "e.leaf_index >= ? AND e.leaf_index < ?",
                    q));
    for (auto& row : events) {
      const auto leaf = static_cast<uint64_t>(row.Int(0));
      leaves[leaf].event = std::move(row);
    }
    // Issue events have no row (migration 0014): the report row whose leaf has no event row
    // implies one, in the columns of the query above.
    ZJ_ASSIGN_OR_RETURN(
        auto reports,
        conn->Query("SELECT r.leaf_index, r.registered_at, r.id, r.code, r.institution_uscc, "
                    "r.report_no, r.certificate_no, r.issue_date, r.document_sha256, r.salt, "
                    "r.client, r.sample, r.results FROM reports r WHERE r.leaf_index >= ? AND "
                    "r.leaf_index < ? ORDER BY r.id",
                    q));
    for (const auto& row : reports) {
      const auto leaf = static_cast<uint64_t>(row.Int(0));
      LeafRows& slot = leaves[leaf];
      if (slot.event && !slot.implied) continue;  // an event row: checked below
      if (slot.event) {
        findings.Add(
            "log.report-not-logged",
            "another report claims this issue entry already (report " + slot.event->Text(5) + ")",
            leaf, row.Text(3));
        continue;
      }
      ReportRecord r;
      r.leaf_index = leaf;
      r.registered_at = row.Text(1);
      std::vector<Value> cells{row.at(0), std::string("issue"), std::string(),
                               ReportLedger::ImpliedIssueEvent(r).registered_at_ms};
      for (size_t c = 2; c < row.size(); ++c) cells.push_back(row.at(c));
      cells.emplace_back(store::Null());
      cells.emplace_back(store::Null());
      slot.event = store::Row(std::move(cells));
      slot.implied = true;
    }
    return leaves;
  };
  // The bundles in order, a page at a time, with the rows of their leaves.
  uint64_t expected_bundle = 0;
  bool ended = false;  // a bundle with fewer than 256 entries was read: it must be the last
  for (int64_t after = -1;;) {
    std::vector<Value> p{after, kBundlesPerPage};
    ZJ_ASSIGN_OR_RETURN(auto bundles, conn->Query("SELECT idx, entries FROM log_bundles WHERE "
                                                  "idx > ? ORDER BY idx LIMIT ?",
                                                  p));
    if (bundles.empty()) break;
    after = bundles.back().Int(0);
    const auto first_leaf =
        static_cast<int64_t>(static_cast<uint64_t>(bundles.front().Int(0)) << kTileHeight);
    const auto end_leaf = static_cast<int64_t>((static_cast<uint64_t>(after) + 1) << kTileHeight);
    ZJ_ASSIGN_OR_RETURN(auto leaves, load_rows(first_leaf, end_leaf));
    for (const auto& b : bundles) {
      const auto idx = static_cast<uint64_t>(b.Int(0));
      const uint64_t base = idx << kTileHeight;
      if (ended || idx != expected_bundle) {
        const uint64_t from = ended ? range.size() : expected_bundle << kTileHeight;
        findings.Add("log.entry-missing",
                     idx > expected_bundle
                         ? "entries " + std::to_string(from) + ".." + std::to_string(base - 1) +
                               " are missing"
                         : "entry bundle " + std::to_string(idx) + " follows a partial one",
                     from);
      }
      expected_bundle = idx + 1;
      const std::string bytes = b.Bytes(1);
      Result<std::vector<std::string>> entries = DecodeEntryBundle(bytes);
      std::vector<std::string> good;
      if (entries) {
        good = std::move(*entries);
      } else {
        // Keep the entries before the damage; name the first that does not decode.
        size_t pos = 0;
        while (bytes.size() - pos >= 2) {
          const size_t len = (size_t{static_cast<uint8_t>(bytes[pos])} << 8) |
                             static_cast<uint8_t>(bytes[pos + 1]);
          if (bytes.size() - pos - 2 < len) break;
          good.push_back(bytes.substr(pos + 2, len));
          pos += 2 + len;
        }
        findings.Add("log.entry-malformed",
                     "entry bundle " + std::to_string(idx) +
                         " is cut off in this entry (its length prefix runs past the bundle)",
                     base + good.size());
      }
      if (good.size() > kTileWidth) {
        findings.Add("log.entry-malformed",
                     "entry bundle " + std::to_string(idx) + " holds more than 256 entries",
                     base + kTileWidth);
        good.resize(kTileWidth);
      }
      static const LeafRows kNone;
      for (size_t i = 0; i < good.size(); ++i) {
        auto it = leaves.find(base + i);
        check_leaf(base + i, good[i], it == leaves.end() ? kNone : it->second);
      }
      if (good.size() < kTileWidth) ended = true;
    }
    if (options.progress) options.progress(report.entries, head.size);
  }
  // The partial last bundle: its entries in log_tail, continuing the full bundles.
  for (int64_t after = -1;;) {
    std::vector<Value> p{after, static_cast<int64_t>(kTileWidth)};
    ZJ_ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT leaf_index, entry FROM log_tail WHERE "
                                               "leaf_index > ? ORDER BY leaf_index LIMIT ?",
                                               p));
    if (rows.empty()) break;
    after = rows.back().Int(0);
    ZJ_ASSIGN_OR_RETURN(auto leaves, load_rows(rows.front().Int(0), after + 1));
    static const LeafRows kNone;
    for (const auto& row : rows) {
      const auto leaf = static_cast<uint64_t>(row.Int(0));
      if (leaf != range.size() || ended) {
        findings.Add("log.entry-missing",
                     leaf > range.size()
                         ? "entries " + std::to_string(range.size()) + ".." +
                               std::to_string(leaf - 1) + " are missing"
                         : "log_tail holds an entry that a bundle holds already, or follows a "
                           "partial bundle",
                     leaf > range.size() ? range.size() : leaf);
        if (leaf < range.size() || ended) continue;
      }
      auto it = leaves.find(leaf);
      check_leaf(leaf, row.Bytes(1), it == leaves.end() ? kNone : it->second);
    }
  }
  {
    // Prefix rows beyond the entries.
    std::vector<Value> p{static_cast<int64_t>(range.size())};
    ZJ_ASSIGN_OR_RETURN(auto row, conn->QueryOne("SELECT MIN(leaf_index) FROM log_leaf_prefixes "
                                                 "WHERE leaf_index >= ?",
                                                 p));
    if (row && !row->IsNull(0)) {
      findings.Add("log.entry-missing", "a leaf-hash prefix is stored for a missing entry",
                   static_cast<uint64_t>(row->Int(0)));
    }
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
                               "reports r ON r.id = e.report_id WHERE e.leaf_index >= ? ORDER BY "
                               "e.leaf_index LIMIT 1000",
                               std::vector<Value>{static_cast<int64_t>(range.size())}));
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
        // No event row at its leaf: the issue entry there is its event (checked with the
        // entries above), if the log has that leaf.
        const bool implied =
            row.IsNull(4) && row.Int(3) >= 0 && static_cast<uint64_t>(row.Int(3)) < range.size();
        if (!implied && (row.IsNull(4) || row.Int(4) != row.Int(0))) {
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
