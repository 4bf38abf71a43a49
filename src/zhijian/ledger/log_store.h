// The transparency log in the database: leaves, tiles, the head, and signed checkpoints.
//
// Purpose: the storage of the Merkle log of report events (docs/transparency-log.md), on
// SQLite and PostgreSQL, one layout for both (store/migrations/0008_ledger.sql,
// 0013_log_bundles.sql and 0014_log_tail.sql). Writers append entries inside the
// caller's write transaction — the same one that writes the report rows, so an acknowledged
// report is always in the log. Readers serve C2SP tlog-tiles resources, inclusion and
// consistency proofs and checkpoints without ever rescanning leaves.
//
// What is stored (all derived from the entries except the checkpoints' signatures):
//   log_bundles (idx, entries)                   the full entry bundles (256 entries), exactly
//                                                as served at tile/entries/N: bundle N holds
//                                                entries N·256 … (2-byte length ‖ bytes each);
//                                                written once, by the append that fills it
//   log_tail (leaf_index, entry)                 the entries of the partial last bundle, one
//                                                row each (so a one-entry transaction writes
//                                                one entry, not the partial bundle); the append
//                                                that fills the bundle moves them into
//                                                log_bundles. A partial bundle is served from
//                                                these rows, byte for byte as a bundle
//   log_leaf_prefixes (leaf_index, prefix)       the first 4 bytes of each leaf hash (big-endian
//                                                integer, `LeafPrefix`), indexed by prefix: the
//                                                look-up of a leaf by hash reads the few leaves
//                                                with that prefix and compares their recomputed
//                                                hashes; never updated
//   log_tiles (level, idx, hashes, mids)         the C2SP tile of that level and index with the
//                                                hashes known so far (width = bytes / 32), and
//                                                its "mid" hashes: the complete tree-level
//                                                8·level + 4 nodes under it (one per 16 hashes);
//                                                a full tile (256 hashes, 16 mids) is never
//                                                written again, the one partial tile per level
//                                                grows in place
//   log_head (size, compact, hash_alg)           the tree size and its compact range (hex of
//                                                CompactRangeNodes(size) hashes), the one row
//                                                every appender locks
//   log_checkpoints (size, root, note, at)       every published checkpoint (signed note)
// Old layout: databases made before migration 0013 kept one log_entries row (entry, leaf hash)
// per leaf; `Open` moves them into bundles, log_tail and prefixes once, in one transaction (the
// prefixes from the stored hashes, so a changed entry stays visible to the auditor), and refuses
// a gap. Databases made before migration 0014 kept the partial bundle in log_bundles; `Open`
// moves its entries into log_tail once (one transaction).
// Appending is O(entries): leaf hashes, the compact range carried in the head, and the tile
// and mid hashes completed on the way (CompactRange's node sink, levels 0, 4, 8, 12, …).
// Proofs: with the mids, any perfect subtree's hash is the root of at most 8 stored hashes of
// one tile (`StoredSpanForNode`), so a proof costs a few dozen hash operations and one read of
// the (cached, when full) tiles on its path — never a scan of leaves.
//
// Concurrency: `LockHead` takes the head row's lock (an UPDATE, as audit.h does), so appenders
// on any number of connections or processes serialise; on SQLite the write transaction itself
// does (BEGIN IMMEDIATE). Readers need no lock: they read a consistent snapshot of committed
// rows and ask for sizes ≤ the committed head.
//
// Hash: the tree hash is a fixed parameter of a log (merkle.h): log_head.hash_alg, "sha256" by
// default; `Open` may set it to another (e.g. "sm3") only while the log is empty.
//
// Ownership: borrows the Database (must outlive it). Thread-safety: thread-safe; the tile cache
// is internally synchronised.
// Errors: "ledger.bad-proof-request" / "ledger.tile-not-in-tree" / "ledger.bad-tile-path"
// (from merkle.h) for requests beyond the tree, "ledger.leaf-not-found" (kNotFound),
// "ledger.hash-mismatch" (kInvalidArgument: a log of another hash), "ledger.corrupt"
// (kInternal: stored data that contradicts itself, detail says where), store errors.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zhijian/base/clock.h"
#include "zhijian/base/result.h"
#include "zhijian/ledger/merkle.h"
#include "zhijian/ledger/note.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger {

struct LogHead {
  uint64_t size = 0;
  std::vector<Hash> compact;  // hashes of CompactRangeNodes(size)
};

struct StoredCheckpoint {
  int64_t id = 0;
  uint64_t size = 0;
  Hash root{};
  std::string note;          // the signed note as served at <prefix>/checkpoint
  std::string published_at;  // RFC 3339 UTC
};

// A stored tile: its hashes and mids (see above).
struct StoredTile {
  std::string hashes;
  std::string mids;
};
// The stored tile that holds a node: tree-level-8L hashes ("hashes") or tree-level-8L+4 mids,
// [offset, offset + count) of them (count = 1, 2, 4 or 8), whose root is the node's hash.
struct StoredSpan {
  uint8_t tile_level = 0;
  uint64_t tile_index = 0;
  bool mid = false;
  uint16_t offset = 0;
  uint16_t count = 1;
};
StoredSpan StoredSpanForNode(NodeId node);
// The first 4 bytes of a leaf hash as a big-endian integer (log_leaf_prefixes.prefix).
int64_t LeafPrefix(const Hash& leaf_hash);
// Fetches stored tiles by (level, index): exactly one per key, in order, or an error.
using StoredTileFetcher = std::function<Result<std::vector<StoredTile>>(
    std::span<const std::pair<uint8_t, uint64_t>> keys)>;
// A HashReader over stored tiles and mids (one fetch per call). Error "ledger.corrupt" when a
// fetched tile lacks a hash the node needs.
HashReader StoredTileReader(StoredTileFetcher fetch, const TreeHasher& hasher);

class LogStore {
 public:
  // Opens the log of `db`: reads (and, on an empty log, sets) its hash algorithm.
  // `hash_name`: "sha256" or "sm3" ("" = the stored one); an existing non-empty log of another
  // hash is an error.
  static Result<std::unique_ptr<LogStore>> Open(store::Database& db,
                                                std::string_view hash_name = "sha256");

  const TreeHasher& hasher() const { return *hasher_; }
  store::Database& db() { return db_; }

  // ---- appending (inside the caller's write transaction on `tx`) ----
  // Locks the head row and returns the head.
  Result<LogHead> LockHead(store::Connection& tx) const;
  // Appends `entries` as leaves head.size, head.size+1, …: bundles, leaf-hash prefixes, tiles,
  // head. "ledger.entry-too-large" (kInvalidArgument) for an entry over 65,535 bytes.
  // `head` must be what LockHead returned in this transaction. Returns the new head.
  Result<LogHead> Append(store::Connection& tx, const LogHead& head,
                         std::span<const std::string> entries) const;

  // ---- reading ----
  Result<LogHead> ReadHead(store::Connection& conn) const;
  Result<Hash> Root(store::Connection& conn, uint64_t size) const;
  // The content of tile `tile` (hashes) as published at tree `size` (TileAt rules): kNotFound
  // "ledger.tile-not-in-tree" when the tree of that size has no such tile.
  Result<std::string> TileContent(store::Connection& conn, const TileId& tile) const;
  // Entry bundle `index` of width `width` (≤ 256): kNotFound when the log has fewer entries.
  Result<std::string> EntryBundle(store::Connection& conn, uint64_t index, uint16_t width) const;
  Result<std::string> Entry(store::Connection& conn, uint64_t leaf_index) const;
  // The entries of stored bundle `index` (1 … 256 of them; fewer when it is the partial last
  // one): kNotFound "ledger.tile-not-in-tree" when it is not stored, "ledger.corrupt" when its
  // bytes do not decode.
  Result<std::vector<std::string>> BundleEntries(store::Connection& conn, uint64_t index) const;
  // The lowest leaf index whose leaf hash is `leaf_hash`; kNotFound "ledger.leaf-not-found".
  Result<uint64_t> LeafIndexByHash(store::Connection& conn, const Hash& leaf_hash) const;
  // Proofs from the stored tiles. `cached`: full tiles may come from the in-process cache (the
  // auditor reads the database only, so that it sees what is stored now).
  Result<std::vector<Hash>> InclusionProof(store::Connection& conn, uint64_t index, uint64_t size,
                                           bool cached = true) const;
  Result<std::vector<Hash>> ConsistencyProof(store::Connection& conn, uint64_t size1,
                                             uint64_t size2, bool cached = true) const;
  // A HashReader over the stored tiles for a tree of `size` (≤ the head).
  HashReader Reader(store::Connection& conn, uint64_t size, bool cached = true) const;

  // ---- checkpoints ----
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint(store::Connection& conn) const;
  // Checkpoints with id > after_id in id order, at most `limit`.
  Result<std::vector<StoredCheckpoint>> Checkpoints(store::Connection& conn, int64_t after_id,
                                                    int limit) const;
  // In its own write transaction: signs a checkpoint of the current head with `signer` (whose
  // key name is the origin) and stores it, unless the latest stored checkpoint already has that
  // size; returns what was stored (nullopt: nothing new). So a checkpoint of size 0 is
  // published only when none exists, and sizes of stored checkpoints strictly increase.
  Result<std::optional<StoredCheckpoint>> Publish(const NoteSigner& signer, TimePoint now);

 private:
  LogStore(store::Database& db, const TreeHasher& hasher) : db_(db), hasher_(&hasher) {}
  // Tiles as stored (hashes and mids known so far), exactly one per key; kNotFound
  // "ledger.tile-not-in-tree" for a key that is not stored.
  Result<std::vector<StoredTile>> FetchTiles(store::Connection& conn,
                                             std::span<const std::pair<uint8_t, uint64_t>> keys,
                                             bool cached = true) const;
  // The log_tail entries `first` … `first` + count − 1 (the partial bundle so far) in the
  // bundle form; "ledger.corrupt" unless exactly those are stored.
  Result<std::string> ReadTail(store::Connection& tx, uint64_t first, size_t count) const;

  store::Database& db_;
  const TreeHasher* hasher_;
  // Full tiles are immutable: a small cache of them saves database reads for proofs.
  mutable std::mutex cache_mu_;
  mutable std::map<std::pair<uint8_t, uint64_t>, StoredTile> full_tiles_;
  mutable std::list<std::pair<uint8_t, uint64_t>> lru_;
};

}  // namespace zhijian::ledger
