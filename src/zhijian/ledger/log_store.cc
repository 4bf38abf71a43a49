#include "zhijian/ledger/log_store.h"

#include <algorithm>
#include <array>
#include <bit>
#include <tuple>

#include "zhijian/base/digest.h"

namespace zhijian::ledger {
namespace {

using store::Blob;
using store::Value;

// Rows per multi-row INSERT (parameter limits: SQLite 32,766, PostgreSQL 65,535).
constexpr size_t kRowsPerStatement = 500;
constexpr size_t kBundlesPerStatement = 16;  // up to ~64 KiB each
constexpr uint64_t kLegacyPage = 25'600;     // old-layout rows moved per query (100 bundles)
constexpr size_t kTileCacheSize = 4096;      // full tiles (8 KiB each): 32 MiB at most

Error Corrupt(std::string detail) {
  return Error(Error::Kind::kInternal, "ledger.corrupt", "日志数据不一致",
               "the stored log contradicts itself", std::move(detail));
}

std::string HexOfHashes(std::span<const Hash> hashes) {
  std::string bytes;
  bytes.reserve(hashes.size() * kHashSize);
  for (const Hash& h : hashes) bytes.append(HashBytes(h));
  return HexEncode(bytes);
}

Result<std::vector<Hash>> HashesFromHex(std::string_view hex) {
  if (hex.size() % (2 * kHashSize) != 0) return Corrupt("log_head.compact length");
  std::vector<Hash> out;
  for (size_t i = 0; i < hex.size(); i += 2 * kHashSize) {
    Result<Hash> h = HashFromHex(hex.substr(i, 2 * kHashSize));
    if (!h) return Corrupt("log_head.compact");
    out.push_back(*h);
  }
  return out;
}

Result<LogHead> HeadFromRow(const store::Row& row) {
  LogHead head;
  const int64_t size = row.Int(0);
  if (size < 0) return Corrupt("log_head.size");
  head.size = static_cast<uint64_t>(size);
  ZJ_ASSIGN_OR_RETURN(head.compact, HashesFromHex(row.Text(1)));
  if (head.compact.size() != static_cast<size_t>(std::popcount(head.size))) {
    return Corrupt("log_head.compact does not match size " + std::to_string(head.size));
  }
  return head;
}

StoredCheckpoint CheckpointFromRow(const store::Row& row) {
  StoredCheckpoint c;
  c.id = row.Int(0);
  c.size = static_cast<uint64_t>(row.Int(1));
  const std::string root = row.Bytes(2);
  if (root.size() == kHashSize) std::copy(root.begin(), root.end(), c.root.begin());
  c.note = row.Text(3);
  c.published_at = row.Text(4);
  return c;
}

Error NoBundle(uint64_t index, uint16_t width) {
  return Error::NotFound("ledger.tile-not-in-tree", "日志中没有该条目包",
                         "no such entry bundle in the log", EntryBundlePath(index, width));
}

// "(?, ?, ?), (?, ?, ?)" for n rows of `cols` placeholders.
std::string Placeholders(size_t rows, size_t cols) {
  std::string one = "(";
  for (size_t c = 0; c < cols; ++c) one += c ? ", ?" : "?";
  one += ")";
  std::string out;
  out.reserve(rows * (one.size() + 2));
  for (size_t r = 0; r < rows; ++r) {
    if (r) out += ", ";
    out += one;
  }
  return out;
}

// An entry in the C2SP entry-bundle form: 2-byte big-endian length, bytes (≤ 65,535: checked
// by the caller).
void AppendToBundle(std::string_view entry, std::string* bundle) {
  bundle->push_back(static_cast<char>(entry.size() >> 8));
  bundle->push_back(static_cast<char>(entry.size() & 0xff));
  bundle->append(entry);
}

Result<void> InsertPrefixes(store::Connection& tx,
                            std::span<const std::pair<int64_t, int64_t>> prefixes) {
  std::vector<Value> params;
  for (size_t start = 0; start < prefixes.size(); start += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, prefixes.size() - start);
    params.clear();
    params.reserve(2 * n);
    for (size_t i = start; i < start + n; ++i) {
      params.emplace_back(prefixes[i].first);
      params.emplace_back(prefixes[i].second);
    }
    ZJ_TRY(tx.Exec(
        "INSERT INTO log_leaf_prefixes (leaf_index, prefix) VALUES " + Placeholders(n, 2), params));
  }
  return Ok();
}

// Writes full bundles (written once, never again).
Result<void> InsertBundles(store::Connection& tx,
                           std::vector<std::pair<uint64_t, std::string>>& bundles) {
  std::vector<Value> params;
  for (size_t start = 0; start < bundles.size(); start += kBundlesPerStatement) {
    const size_t n = std::min(kBundlesPerStatement, bundles.size() - start);
    params.clear();
    for (size_t i = start; i < start + n; ++i) {
      params.emplace_back(static_cast<int64_t>(bundles[i].first));
      params.emplace_back(Blob{std::move(bundles[i].second)});
    }
    ZJ_TRY(tx.Exec("INSERT INTO log_bundles (idx, entries) VALUES " + Placeholders(n, 2), params));
  }
  return Ok();
}

// Entries of the partial last bundle, one log_tail row each.
Result<void> InsertTail(store::Connection& tx,
                        std::span<const std::pair<int64_t, std::string_view>> tail) {
  if (tail.empty()) return Ok();
  std::vector<Value> params;
  params.reserve(2 * tail.size());
  for (const auto& [leaf, entry] : tail) {
    params.emplace_back(leaf);
    params.emplace_back(Blob{std::string(entry)});
  }
  ZJ_TRY(tx.Exec("INSERT INTO log_tail (leaf_index, entry) VALUES " + Placeholders(tail.size(), 2),
                 params));
  return Ok();
}

// Databases made before migration 0014 keep the partial last bundle in log_bundles: its
// entries are moved into log_tail rows (once, in one transaction). A partial bundle whose bytes
// do not decode is left where it is: the auditor names it, and appends refuse to continue it.
Result<void> MovePartialBundle(store::Connection& conn) {
  ZJ_ASSIGN_OR_RETURN(auto head, conn.QueryOne("SELECT size FROM log_head WHERE id = 1"));
  if (!head || (static_cast<uint64_t>(head->Int(0)) & (kTileWidth - 1)) == 0) return Ok();
  std::vector<Value> p{static_cast<int64_t>(static_cast<uint64_t>(head->Int(0)) >> kTileHeight)};
  ZJ_ASSIGN_OR_RETURN(auto any, conn.QueryOne("SELECT idx FROM log_bundles WHERE idx = ?", p));
  if (!any) return Ok();
  return store::WithTransaction(conn, [](store::Connection& tx) -> Result<void> {
    ZJ_TRY(tx.Exec("UPDATE log_head SET size = size WHERE id = 1"));  // the appenders' lock
    ZJ_ASSIGN_OR_RETURN(auto locked, tx.QueryOne("SELECT size FROM log_head WHERE id = 1"));
    const auto size = static_cast<uint64_t>(locked ? locked->Int(0) : 0);
    if ((size & (kTileWidth - 1)) == 0) return Ok();
    const auto idx = static_cast<int64_t>(size >> kTileHeight);
    std::vector<Value> key{idx};
    ZJ_ASSIGN_OR_RETURN(auto row,
                        tx.QueryOne("SELECT entries FROM log_bundles WHERE idx = ?", key));
    if (!row) return Ok();
    const std::string bytes = row->Bytes(0);
    Result<std::vector<std::string>> entries = DecodeEntryBundle(bytes);
    if (!entries || entries->size() >= kTileWidth) return Ok();
    std::vector<std::pair<int64_t, std::string_view>> tail;
    for (size_t i = 0; i < entries->size(); ++i) {
      tail.emplace_back((idx << kTileHeight) + static_cast<int64_t>(i), (*entries)[i]);
    }
    ZJ_TRY(InsertTail(tx, tail));
    ZJ_TRY(tx.Exec("DELETE FROM log_bundles WHERE idx = ?", key));
    return Ok();
  });
}

// Databases made before migration 0013 keep one row per leaf in log_entries: moved into
// bundles and prefixes (the stored leaf hashes' prefixes, so that a changed entry stays
// visible to the auditor) in one transaction, then deleted. A gap in the old rows is refused:
// the bundles could not say which entry is missing.
Result<void> MoveLegacyEntries(store::Connection& conn) {
  ZJ_ASSIGN_OR_RETURN(auto any, conn.QueryOne("SELECT leaf_index FROM log_entries LIMIT 1"));
  if (!any) return Ok();
  return store::WithTransaction(conn, [](store::Connection& tx) -> Result<void> {
    ZJ_TRY(tx.Exec("UPDATE log_head SET size = size WHERE id = 1"));  // the appenders' lock
    ZJ_ASSIGN_OR_RETURN(auto stored, tx.QueryOne("SELECT COUNT(*) FROM log_bundles"));
    if (stored && stored->Int(0) != 0) {
      return Corrupt("log_entries (old layout) and log_bundles both hold entries");
    }
    std::string bundle_bytes;
    uint64_t next = 0;
    for (;;) {
      std::vector<Value> p{static_cast<int64_t>(next) - 1, static_cast<int64_t>(kLegacyPage)};
      ZJ_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT leaf_index, entry, leaf_hash FROM "
                                              "log_entries WHERE leaf_index > ? ORDER BY "
                                              "leaf_index LIMIT ?",
                                              p));
      if (rows.empty()) break;
      std::vector<std::pair<uint64_t, std::string>> bundles;
      std::vector<std::pair<int64_t, int64_t>> prefixes;
      for (const auto& row : rows) {
        if (row.Int(0) != static_cast<int64_t>(next)) {
          return Corrupt("log_entries (old layout) lacks entry " + std::to_string(next) +
                         ": restore it before upgrading");
        }
        const std::string entry = row.Bytes(1);
        const std::string hash = row.Bytes(2);
        if (entry.size() > 0xffff || hash.size() != kHashSize) {
          return Corrupt("log_entries (old layout) entry " + std::to_string(next));
        }
        Hash leaf{};
        std::copy(hash.begin(), hash.end(), reinterpret_cast<char*>(leaf.data()));
        prefixes.emplace_back(static_cast<int64_t>(next), LeafPrefix(leaf));
        AppendToBundle(entry, &bundle_bytes);
        if ((++next & (kTileWidth - 1)) == 0) {
          bundles.emplace_back((next >> kTileHeight) - 1, std::move(bundle_bytes));
          bundle_bytes.clear();
        }
      }
      ZJ_TRY(InsertPrefixes(tx, prefixes));
      ZJ_TRY(InsertBundles(tx, bundles));
    }
    if (!bundle_bytes.empty()) {  // the partial last bundle: one log_tail row per entry
      ZJ_ASSIGN_OR_RETURN(std::vector<std::string> entries, DecodeEntryBundle(bundle_bytes));
      std::vector<std::pair<int64_t, std::string_view>> tail;
      const uint64_t first = next & ~uint64_t{kTileWidth - 1};
      for (size_t i = 0; i < entries.size(); ++i) {
        tail.emplace_back(static_cast<int64_t>(first + i), entries[i]);
      }
      ZJ_TRY(InsertTail(tx, tail));
    }
    ZJ_TRY(tx.Exec("DELETE FROM log_entries"));
    return Ok();
  });
}

}  // namespace

Result<std::unique_ptr<LogStore>> LogStore::Open(store::Database& db, std::string_view hash_name) {
  ZJ_ASSIGN_OR_RETURN(auto conn, db.Acquire());
  ZJ_ASSIGN_OR_RETURN(auto row, conn->QueryOne("SELECT size, hash_alg FROM log_head WHERE id = 1"));
  if (!row) return Corrupt("log_head row is missing");
  const std::string stored = row->Text(1);
  ZJ_ASSIGN_OR_RETURN(const TreeHasher* wanted,
                      TreeHasherByName(hash_name.empty() ? std::string_view(stored) : hash_name));
  if (stored != wanted->name()) {
    if (row->Int(0) != 0) {
      return Error::Invalid("ledger.hash-mismatch", "日志的哈希算法与配置不符",
                            "the log uses another hash algorithm",
                            "log: " + stored + ", wanted: " + std::string(wanted->name()));
    }
    std::vector<Value> p{std::string(wanted->name())};
    ZJ_TRY(conn->Exec("UPDATE log_head SET hash_alg = ? WHERE id = 1 AND size = 0", p));
  }
  ZJ_TRY(MoveLegacyEntries(conn.get()));
  ZJ_TRY(MovePartialBundle(conn.get()));
  return std::unique_ptr<LogStore>(new LogStore(db, *wanted));
}

Result<LogHead> LogStore::LockHead(store::Connection& tx) const {
  // A no-op update takes the row lock (PostgreSQL); SQLite's write transaction is the lock.
  ZJ_ASSIGN_OR_RETURN(int64_t changed, tx.Exec("UPDATE log_head SET size = size WHERE id = 1"));
  if (changed != 1) return Corrupt("log_head row is missing");
  return ReadHead(tx);
}

Result<LogHead> LogStore::ReadHead(store::Connection& conn) const {
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT size, compact FROM log_head WHERE id = 1"));
  if (!row) return Corrupt("log_head row is missing");
  return HeadFromRow(*row);
}

Result<LogHead> LogStore::Append(store::Connection& tx, const LogHead& head,
                                 std::span<const std::string> entries) const {
  if (entries.empty()) return head;
  ZJ_ASSIGN_OR_RETURN(CompactRange range,
                      CompactRange::FromHashes(*hasher_, head.size, head.compact));

  // The partial tile of each level that the new hashes continue: loaded once.
  struct Open {
    uint64_t index = 0;
    StoredTile tile;
  };
  std::map<uint8_t, Open> open;
  {
    std::vector<std::pair<uint8_t, uint64_t>> partial;
    std::vector<uint16_t> widths;
    for (const TileLevel& l : TileLevels(head.size)) {
      if (l.partial_width > 0) {
        partial.emplace_back(l.level, l.full_tiles);
        widths.push_back(l.partial_width);
      }
    }
    if (!partial.empty()) {
      ZJ_ASSIGN_OR_RETURN(std::vector<StoredTile> stored, FetchTiles(tx, partial));
      for (size_t i = 0; i < partial.size(); ++i) {
        if (stored[i].hashes.size() != widths[i] * kHashSize ||
            stored[i].mids.size() != widths[i] / 16 * kHashSize) {
          return Corrupt("partial tile " +
                         TilePath({partial[i].first, partial[i].second, widths[i]}) + " has " +
                         std::to_string(stored[i].hashes.size() / kHashSize) + " hashes and " +
                         std::to_string(stored[i].mids.size() / kHashSize) + " mids");
        }
        open[partial[i].first] = Open{partial[i].second, std::move(stored[i])};
      }
    }
  }
  std::vector<std::pair<std::pair<uint8_t, uint64_t>, StoredTile>> finished;  // to write
  auto sink = [&](NodeId node, const Hash& h) {
    const int within = node.level % kTileHeight;
    if (within != 0 && within != kTileHeight / 2) return;
    const auto level = static_cast<uint8_t>(node.level / kTileHeight);
    if (within != 0) {  // a mid: its 16 hashes are in the open tile of its level
      open[level].tile.mids.append(HashBytes(h));
      return;
    }
    const uint64_t tile = node.index >> kTileHeight;
    auto it = open.find(level);
    if (it != open.end() && it->second.index != tile) {
      finished.emplace_back(std::make_pair(level, it->second.index), std::move(it->second.tile));
      open.erase(it);
      it = open.end();
    }
    if (it == open.end()) it = open.emplace(level, Open{tile, {}}).first;
    it->second.tile.hashes.append(HashBytes(h));
  };

  // The entries: leaf hashes into the tree, the bytes into full bundles or, past the last
  // bundle boundary, into log_tail rows; the hash prefixes into the look-up table. When the
  // append fills the open bundle, its entries so far come out of log_tail.
  const uint64_t end = head.size + entries.size();
  const uint64_t full_end = end & ~uint64_t{kTileWidth - 1};  // leaves below go into bundles
  const uint64_t in_tail = head.size & (kTileWidth - 1);
  uint64_t bundle = head.size >> kTileHeight;
  std::string bundle_bytes;
  const bool fills_tail = in_tail != 0 && full_end > head.size;
  if (fills_tail) {
    ZJ_ASSIGN_OR_RETURN(bundle_bytes, ReadTail(tx, head.size - in_tail, in_tail));
  }
  std::vector<std::pair<uint64_t, std::string>> bundles;   // to write
  std::vector<std::pair<int64_t, std::string_view>> tail;  // to write
  std::vector<std::pair<int64_t, int64_t>> prefixes;       // (leaf index, prefix)
  prefixes.reserve(entries.size());
  uint64_t index = head.size;
  for (const std::string& entry : entries) {
    if (entry.size() > 0xffff) {
      return Error::Invalid("ledger.entry-too-large", "日志条目超过65535字节",
                            "a log entry is larger than 65,535 bytes",
                            "entry " + std::to_string(index));
    }
    const Hash leaf = hasher_->HashLeaf(entry);
    range.Append(leaf, sink);
    prefixes.emplace_back(static_cast<int64_t>(index), LeafPrefix(leaf));
    if (index >= full_end) {
      tail.emplace_back(static_cast<int64_t>(index), entry);
      ++index;
      continue;
    }
    AppendToBundle(entry, &bundle_bytes);
    if ((++index & (kTileWidth - 1)) == 0) {  // the bundle is full
      bundles.emplace_back(bundle++, std::move(bundle_bytes));
      bundle_bytes.clear();
    }
  }
  ZJ_TRY(InsertPrefixes(tx, prefixes));
  ZJ_TRY(InsertBundles(tx, bundles));
  if (fills_tail) {
    std::vector<Value> p{static_cast<int64_t>(head.size - in_tail),
                         static_cast<int64_t>(head.size)};
    ZJ_TRY(tx.Exec("DELETE FROM log_tail WHERE leaf_index >= ? AND leaf_index < ?", p));
  }
  ZJ_TRY(InsertTail(tx, tail));
  std::vector<Value> params;
  for (auto& [level, o] : open) {
    finished.emplace_back(std::make_pair(level, o.index), std::move(o.tile));
  }
  for (size_t start = 0; start < finished.size(); start += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, finished.size() - start);
    params.clear();
    for (size_t i = start; i < start + n; ++i) {
      auto& [key, tile] = finished[i];
      params.emplace_back(int64_t{key.first});
      params.emplace_back(static_cast<int64_t>(key.second));
      params.emplace_back(Blob{std::move(tile.hashes)});
      params.emplace_back(Blob{std::move(tile.mids)});
    }
    ZJ_TRY(tx.Exec("INSERT INTO log_tiles (level, idx, hashes, mids) VALUES " + Placeholders(n, 4) +
                       " ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes, mids = "
                       "excluded.mids",
                   params));
  }
  LogHead out{range.size(), range.hashes()};
  std::vector<Value> hp{static_cast<int64_t>(out.size), HexOfHashes(out.compact)};
  ZJ_ASSIGN_OR_RETURN(int64_t changed,
                      tx.Exec("UPDATE log_head SET size = ?, compact = ? WHERE id = 1", hp));
  if (changed != 1) return Corrupt("log_head row is missing");
  return out;
}

Result<std::vector<StoredTile>> LogStore::FetchTiles(
    store::Connection& conn, std::span<const std::pair<uint8_t, uint64_t>> keys,
    bool cached) const {
  std::vector<StoredTile> out(keys.size());
  std::vector<size_t> missing;
  if (!cached) {
    for (size_t i = 0; i < keys.size(); ++i) missing.push_back(i);
  } else {
    std::lock_guard<std::mutex> lock(cache_mu_);
    for (size_t i = 0; i < keys.size(); ++i) {
      auto it = full_tiles_.find(keys[i]);
      if (it != full_tiles_.end()) {
        out[i] = it->second;
      } else {
        missing.push_back(i);
      }
    }
  }
  if (missing.empty()) return out;
  std::string sql = "SELECT level, idx, hashes, mids FROM log_tiles WHERE ";
  std::vector<Value> params;
  for (size_t k = 0; k < missing.size(); ++k) {
    if (k) sql += " OR ";
    sql += "(level = ? AND idx = ?)";
    params.emplace_back(int64_t{keys[missing[k]].first});
    params.emplace_back(static_cast<int64_t>(keys[missing[k]].second));
  }
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<bool> found(keys.size(), false);
  for (const auto& row : rows) {
    const std::pair<uint8_t, uint64_t> key{static_cast<uint8_t>(row.Int(0)),
                                           static_cast<uint64_t>(row.Int(1))};
    StoredTile tile{row.Bytes(2), row.Bytes(3)};
    for (size_t i : missing) {
      if (keys[i] == key) {
        out[i] = tile;
        found[i] = true;
      }
    }
    if (cached && tile.hashes.size() == size_t{kTileWidth} * kHashSize) {
      std::lock_guard<std::mutex> lock(cache_mu_);
      if (full_tiles_.emplace(key, std::move(tile)).second) {
        lru_.push_back(key);
        if (lru_.size() > kTileCacheSize) {
          full_tiles_.erase(lru_.front());
          lru_.pop_front();
        }
      }
    }
  }
  for (size_t i : missing) {
    if (!found[i]) {
      return Error::NotFound("ledger.tile-not-in-tree", "日志中没有该瓦片",
                             "no such tile in the log",
                             TilePath({keys[i].first, keys[i].second, kTileWidth}));
    }
  }
  return out;
}

int64_t LeafPrefix(const Hash& leaf_hash) {
  return (int64_t{leaf_hash[0]} << 24) | (int64_t{leaf_hash[1]} << 16) |
         (int64_t{leaf_hash[2]} << 8) | int64_t{leaf_hash[3]};
}

StoredSpan StoredSpanForNode(NodeId node) {
  StoredSpan s;
  s.tile_level = static_cast<uint8_t>(node.level / kTileHeight);
  const int within = node.level % kTileHeight;
  s.mid = within >= kTileHeight / 2;
  const int up = s.mid ? within - kTileHeight / 2 : within;   // levels above the base: 0..3
  const uint64_t first = node.index << up;                    // index of the first base hash
  const int per_tile = s.mid ? kTileWidth / 16 : kTileWidth;  // base hashes per tile
  s.tile_index = first / per_tile;
  s.offset = static_cast<uint16_t>(first % per_tile);
  s.count = static_cast<uint16_t>(1u << up);
  return s;
}

HashReader StoredTileReader(StoredTileFetcher fetch, const TreeHasher& hasher) {
  return [fetch = std::move(fetch),
          hasher = &hasher](std::span<const NodeId> ids) -> Result<std::vector<Hash>> {
    std::vector<StoredSpan> spans;
    std::vector<std::pair<uint8_t, uint64_t>> keys;
    std::vector<size_t> key_of;
    spans.reserve(ids.size());
    for (const NodeId& id : ids) {
      spans.push_back(StoredSpanForNode(id));
      const std::pair<uint8_t, uint64_t> key{spans.back().tile_level, spans.back().tile_index};
      auto it = std::find(keys.begin(), keys.end(), key);
      key_of.push_back(static_cast<size_t>(it - keys.begin()));
      if (it == keys.end()) keys.push_back(key);
    }
    std::vector<StoredTile> tiles;
    if (!keys.empty()) {
      ZJ_ASSIGN_OR_RETURN(tiles, fetch(keys));
      if (tiles.size() != keys.size()) return Corrupt("the tile reader returned too few tiles");
    }
    std::vector<Hash> out;
    out.reserve(ids.size());
    std::array<Hash, 8> base;
    for (size_t k = 0; k < spans.size(); ++k) {
      const StoredSpan& s = spans[k];
      const std::string& bytes = s.mid ? tiles[key_of[k]].mids : tiles[key_of[k]].hashes;
      if (bytes.size() < (size_t{s.offset} + s.count) * kHashSize) {
        return Corrupt("tile " + TilePath({s.tile_level, s.tile_index, kTileWidth}) + " lacks " +
                       (s.mid ? "mid " : "hash ") + std::to_string(s.offset + s.count - 1));
      }
      for (uint16_t j = 0; j < s.count; ++j) {
        std::copy_n(bytes.data() + (size_t{s.offset} + j) * kHashSize, kHashSize,
                    reinterpret_cast<char*>(base[j].data()));
      }
      out.push_back(s.count == 1 ? base[0]
                                 : RootFromLeafHashes(*hasher, std::span(base.data(), s.count)));
    }
    return out;
  };
}

HashReader LogStore::Reader(store::Connection& conn, uint64_t size, bool cached) const {
  (void)size;  // nodes asked for are complete in the tree of `size`, so they are stored
  return StoredTileReader(
      [this, &conn, cached](std::span<const std::pair<uint8_t, uint64_t>> keys) {
        return FetchTiles(conn, keys, cached);
      },
      *hasher_);
}

Result<Hash> LogStore::Root(store::Connection& conn, uint64_t size) const {
  ZJ_ASSIGN_OR_RETURN(LogHead head, ReadHead(conn));
  if (size > head.size) {
    return Error::Invalid("ledger.bad-proof-request", "树大小超出日志",
                          "the tree size is beyond the log", std::to_string(size));
  }
  if (size == head.size) {
    ZJ_ASSIGN_OR_RETURN(CompactRange r,
                        CompactRange::FromHashes(*hasher_, head.size, head.compact));
    return r.Root();
  }
  return TreeRoot(size, Reader(conn, size), *hasher_);
}

Result<std::string> LogStore::TileContent(store::Connection& conn, const TileId& tile) const {
  ZJ_ASSIGN_OR_RETURN(LogHead head, ReadHead(conn));
  // The tile must lie inside the tree: its last hash complete at the current size.
  const uint64_t hashes_at_level =
      tile.level * kTileHeight >= 64 ? 0 : head.size >> (tile.level * kTileHeight);
  if (tile.index > (UINT64_MAX >> kTileHeight) ||
      (tile.index << kTileHeight) + tile.width > hashes_at_level) {
    return Error::NotFound("ledger.tile-not-in-tree", "日志中没有该瓦片", "no such tile in the log",
                           TilePath(tile));
  }
  const std::pair<uint8_t, uint64_t> one[] = {{tile.level, tile.index}};
  ZJ_ASSIGN_OR_RETURN(std::vector<StoredTile> contents, FetchTiles(conn, one));
  std::string& hashes = contents[0].hashes;
  if (hashes.size() < size_t{tile.width} * kHashSize)
    return Corrupt("short tile " + TilePath(tile));
  hashes.resize(size_t{tile.width} * kHashSize);
  return std::move(hashes);
}

Result<std::vector<std::string>> LogStore::BundleEntries(store::Connection& conn,
                                                         uint64_t index) const {
  std::vector<Value> p{static_cast<int64_t>(index)};
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT entries FROM log_bundles WHERE idx = ?", p));
  if (!row) {  // the partial last bundle: its log_tail rows
    if (index > (UINT64_MAX >> kTileHeight) - 1) return NoBundle(index, kTileWidth);
    const uint64_t first = index << kTileHeight;
    std::vector<Value> q{static_cast<int64_t>(first), static_cast<int64_t>(first + kTileWidth)};
    ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT leaf_index, entry FROM log_tail WHERE "
                                              "leaf_index >= ? AND leaf_index < ? ORDER BY "
                                              "leaf_index",
                                              q));
    if (rows.empty()) return NoBundle(index, kTileWidth);
    std::vector<std::string> tail;
    for (const auto& r : rows) {
      if (r.Int(0) != static_cast<int64_t>(first + tail.size())) {
        return Corrupt("log_tail lacks entry " + std::to_string(first + tail.size()));
      }
      tail.push_back(r.Bytes(1));
    }
    return tail;
  }
  Result<std::vector<std::string>> entries = DecodeEntryBundle(row->Bytes(0));
  if (!entries || entries->size() > kTileWidth) {
    return Corrupt("entry bundle " + std::to_string(index) + " does not decode" +
                   (entries ? std::string() : ": " + entries.error().detail()));
  }
  return entries;
}

Result<std::string> LogStore::ReadTail(store::Connection& tx, uint64_t first, size_t count) const {
  std::vector<Value> p{static_cast<int64_t>(first), static_cast<int64_t>(first + kTileWidth)};
  ZJ_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT leaf_index, entry FROM log_tail WHERE "
                                          "leaf_index >= ? AND leaf_index < ? ORDER BY "
                                          "leaf_index",
                                          p));
  std::string bytes;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string entry = rows[i].Bytes(1);
    if (rows[i].Int(0) != static_cast<int64_t>(first + i) || entry.size() > 0xffff) break;
    AppendToBundle(entry, &bytes);
    if (i + 1 == rows.size() && rows.size() == count) return bytes;
  }
  return Corrupt("the entries of the partial bundle " + std::to_string(first >> kTileHeight) +
                 " in log_tail are not the " + std::to_string(count) + " from leaf " +
                 std::to_string(first));
}

Result<std::string> LogStore::EntryBundle(store::Connection& conn, uint64_t index,
                                          uint16_t width) const {
  if (width == 0 || width > kTileWidth || index > (UINT64_MAX >> kTileHeight) - 1) {
    return NoBundle(index, width);
  }
  Result<std::vector<std::string>> entries = BundleEntries(conn, index);
  if (!entries && entries.error().kind() == Error::Kind::kNotFound) return NoBundle(index, width);
  if (!entries) return std::move(entries).error();
  if (entries->size() < width) return NoBundle(index, width);
  entries->resize(width);
  return EncodeEntryBundle(*entries);
}

Result<std::string> LogStore::Entry(store::Connection& conn, uint64_t leaf_index) const {
  // Walks the length prefixes to the entry (a proof of one event needs no other entry).
  std::vector<Value> p{static_cast<int64_t>(leaf_index >> kTileHeight)};
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT entries FROM log_bundles WHERE idx = ?", p));
  if (!row) {  // in the partial last bundle: its log_tail row
    std::vector<Value> q{static_cast<int64_t>(leaf_index)};
    ZJ_ASSIGN_OR_RETURN(auto t,
                        conn.QueryOne("SELECT entry FROM log_tail WHERE leaf_index = ?", q));
    if (!t) {
      return Error::NotFound("ledger.leaf-not-found", "日志中没有该条目", "no such log entry",
                             std::to_string(leaf_index));
    }
    return t->Bytes(0);
  }
  const std::string bytes = row->Bytes(0);
  size_t pos = 0;
  for (size_t i = 0;; ++i) {
    if (bytes.size() - pos < 2) {
      if (pos == bytes.size()) {
        return Error::NotFound("ledger.leaf-not-found", "日志中没有该条目", "no such log entry",
                               std::to_string(leaf_index));
      }
      return Corrupt("entry bundle " + std::to_string(leaf_index >> kTileHeight) +
                     " does not decode");
    }
    const size_t len =
        (size_t{static_cast<uint8_t>(bytes[pos])} << 8) | static_cast<uint8_t>(bytes[pos + 1]);
    pos += 2;
    if (bytes.size() - pos < len) {
      return Corrupt("entry bundle " + std::to_string(leaf_index >> kTileHeight) +
                     " does not decode");
    }
    if (i == (leaf_index & (kTileWidth - 1))) return bytes.substr(pos, len);
    pos += len;
  }
}

Result<uint64_t> LogStore::LeafIndexByHash(store::Connection& conn, const Hash& leaf_hash) const {
  // The prefix narrows the leaves down to a few; their entries decide.
  std::vector<Value> p{LeafPrefix(leaf_hash)};
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT leaf_index FROM log_leaf_prefixes WHERE "
                                            "prefix = ? ORDER BY leaf_index",
                                            p));
  for (const auto& row : rows) {
    Result<std::string> entry = Entry(conn, static_cast<uint64_t>(row.Int(0)));
    if (!entry && entry.error().kind() == Error::Kind::kNotFound) continue;
    if (!entry) return std::move(entry).error();
    if (hasher_->HashLeaf(*entry) == leaf_hash) return static_cast<uint64_t>(row.Int(0));
  }
  return Error::NotFound("ledger.leaf-not-found", "日志中没有该条目", "no such log entry",
                         HashHex(leaf_hash));
}

Result<std::vector<Hash>> LogStore::InclusionProof(store::Connection& conn, uint64_t index,
                                                   uint64_t size, bool cached) const {
  ZJ_ASSIGN_OR_RETURN(LogHead head, ReadHead(conn));
  if (size > head.size) {
    return Error::Invalid("ledger.bad-proof-request", "树大小超出日志",
                          "the tree size is beyond the log", std::to_string(size));
  }
  return ledger::InclusionProof(index, size, Reader(conn, size, cached), *hasher_);
}

Result<std::vector<Hash>> LogStore::ConsistencyProof(store::Connection& conn, uint64_t size1,
                                                     uint64_t size2, bool cached) const {
  ZJ_ASSIGN_OR_RETURN(LogHead head, ReadHead(conn));
  if (size2 > head.size) {
    return Error::Invalid("ledger.bad-proof-request", "树大小超出日志",
                          "the tree size is beyond the log", std::to_string(size2));
  }
  return ledger::ConsistencyProof(size1, size2, Reader(conn, size2, cached), *hasher_);
}

Result<std::optional<StoredCheckpoint>> LogStore::LatestCheckpoint(store::Connection& conn) const {
  ZJ_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT id, size, root, note, published_at FROM "
                                              "log_checkpoints ORDER BY size DESC LIMIT 1"));
  if (!row) return std::optional<StoredCheckpoint>();
  return std::optional<StoredCheckpoint>(CheckpointFromRow(*row));
}

Result<std::vector<StoredCheckpoint>> LogStore::Checkpoints(store::Connection& conn,
                                                            int64_t after_id, int limit) const {
  std::vector<Value> p{after_id, int64_t{limit}};
  ZJ_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT id, size, root, note, published_at FROM "
                                            "log_checkpoints WHERE id > ? ORDER BY id LIMIT ?",
                                            p));
  std::vector<StoredCheckpoint> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(CheckpointFromRow(row));
  return out;
}

Result<std::optional<StoredCheckpoint>> LogStore::Publish(const NoteSigner& signer, TimePoint now) {
  ZJ_ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  return store::WithTransaction<std::optional<StoredCheckpoint>>(
      conn.get(), [&](store::Connection& tx) -> Result<std::optional<StoredCheckpoint>> {
        ZJ_ASSIGN_OR_RETURN(LogHead head, LockHead(tx));
        ZJ_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, LatestCheckpoint(tx));
        if (latest && latest->size >= head.size) return std::optional<StoredCheckpoint>();
        ZJ_ASSIGN_OR_RETURN(CompactRange range,
                            CompactRange::FromHashes(*hasher_, head.size, head.compact));
        Checkpoint cp{signer.KeyName(), head.size, range.Root(), {}};
        const NoteSigner* signers[] = {&signer};
        ZJ_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(cp, signers));
        StoredCheckpoint stored;
        stored.size = head.size;
        stored.root = cp.root;
        stored.note = std::move(note);
        stored.published_at = FormatInstant(now);
        std::vector<Value> p{static_cast<int64_t>(stored.size),
                             Blob{std::string(HashBytes(stored.root))}, stored.note,
                             stored.published_at};
        ZJ_ASSIGN_OR_RETURN(auto row, tx.QueryOne("INSERT INTO log_checkpoints (size, root, note, "
                                                  "published_at) VALUES (?, ?, ?, ?) RETURNING id",
                                                  p));
        stored.id = row ? row->Int(0) : 0;
        return std::optional<StoredCheckpoint>(std::move(stored));
      });
}

}  // namespace zhijian::ledger
