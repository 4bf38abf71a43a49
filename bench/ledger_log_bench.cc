// The transparency log (issue 4): appending leaves (in memory, and into SQLite through
// LogStore::Append) and proofs at 10^8 leaves.
//
//   build-bench/bench/ledger_log_bench
//   ZJ_BENCH_LEAVES=100000000 (default) — the tree of the proof benchmarks
//
// Proofs read an IN-MEMORY store laid out as LogStore keeps it in the database: C2SP tiles of
// every level ≥ 1 plus the mids (tree levels 4, 12, 20, …) of every level, and the level-0
// tiles of a sample of 1,024 leaves and of the right edge (the whole level 0 would be 3.2 GB). The
// tree is built once (≈ 10^8 SHA-256 node hashes, about a minute); leaf hashes are pseudo-random
// 32-byte values (a leaf hash is any 32 bytes to the tree). Each proof is verified against the root
// once, outside the timing. For comparison, the same proofs through C2SP tiles alone
// (TileHashReader, what a client that fetched the tiles computes: no mids).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "zhijian/ledger/log_store.h"
#include "zhijian/ledger/merkle.h"
#include "zhijian/store/db.h"

namespace zhijian::ledger {
namespace {

uint64_t Leaves() {
  const char* env = std::getenv("ZJ_BENCH_LEAVES");
  return env ? std::strtoull(env, nullptr, 10) : 100'000'000;
}

// A pseudo-random 32-byte leaf hash (splitmix64).
Hash LeafHash(uint64_t i) {
  Hash h;
  uint64_t x = i * 0x9E3779B97F4A7C15ULL + 1;
  for (int k = 0; k < 4; ++k) {
    x += 0x9E3779B97F4A7C15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    for (int b = 0; b < 8; ++b) h[k * 8 + b] = static_cast<uint8_t>(z >> (8 * b));
  }
  return h;
}

// ---- appending --------------------------------------------------------------------------------

std::string Entry(uint64_t i) {
  std::string e(222, 'e');  // the size of a format-1 entry (entry.h)
  for (int b = 0; b < 8; ++b) e[b] = static_cast<char>(i >> (8 * b));
  return e;
}

// What LogStore::Append computes, in memory: leaf hash, compact range, tile hashes and mids.
void BM_AppendMemory(benchmark::State& state) {
  const bool hash_entries = state.range(0) != 0;
  const TreeHasher& h = Sha256TreeHasher();
  CompactRange range(h);
  std::string tiles, mids;
  auto sink = [&](NodeId node, const Hash& hash) {
    if (node.level % 8 == 0) tiles.append(HashBytes(hash));
    if (node.level % 8 == 4) mids.append(HashBytes(hash));
    if (tiles.size() > (1 << 20)) tiles.clear(), mids.clear();
  };
  const std::string entry = Entry(7);
  uint64_t i = 0;
  for (auto _ : state) {
    range.Append(hash_entries ? h.HashLeaf(entry) : LeafHash(i++), sink);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(hash_entries ? "leaf hash of a 222-byte entry + append" : "append a leaf hash");
}
BENCHMARK(BM_AppendMemory)->Arg(0)->Arg(1);

void BM_AppendSqlite(benchmark::State& state) {
  const auto batch = static_cast<size_t>(state.range(0));
  char tmpl[] = "/tmp/zj-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  {
    store::OpenOptions o;
    o.sqlite_cache_mib = 1024;
    auto db = std::move(*store::Database::Open("sqlite:" + dir + "/log.db", o));
    auto log = std::move(*LogStore::Open(*db));
    std::vector<std::string> entries;
    uint64_t next = 0;
    for (auto _ : state) {
      state.PauseTiming();
      entries.clear();
      for (size_t k = 0; k < batch; ++k) entries.push_back(Entry(next++));
      state.ResumeTiming();
      auto conn = db->Acquire();
      auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
        ZJ_ASSIGN_OR_RETURN(LogHead head, log->LockHead(tx));
        ZJ_TRY(log->Append(tx, head, entries));
        return Ok();
      });
      if (!r) state.SkipWithError(r.error().ToString().c_str());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AppendSqlite)
    ->Arg(10'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20)
    ->UseRealTime();

// ---- proofs at 10^8 leaves -----------------------------------------------------------------

struct Tree {
  uint64_t size = 0;
  Hash root{};
  std::map<std::pair<uint8_t, uint64_t>, StoredTile> tiles;  // level 0: sampled tiles only
  std::vector<uint64_t> sample;                              // leaves with their tile stored
};

const Tree& BigTree() {
  static const Tree tree = [] {
    Tree t;
    t.size = Leaves();
    std::mt19937_64 rng(2026);
    std::set<uint64_t> sampled_tiles;
    for (int k = 0; k < 1024; ++k) {
      const uint64_t leaf = rng() % t.size;
      t.sample.push_back(leaf);
      sampled_tiles.insert(leaf / 256);
      if (leaf > 0) sampled_tiles.insert((leaf - 1) / 256);
    }
    sampled_tiles.insert((t.size - 1) / 256);  // the right edge
    std::fprintf(stderr, "building a tree of %llu leaves...\n",
                 static_cast<unsigned long long>(t.size));
    const TreeHasher& h = Sha256TreeHasher();
    CompactRange range(h);
    auto sink = [&](NodeId node, const Hash& hash) {
      const int within = node.level % 8;
      const auto level = static_cast<uint8_t>(node.level / 8);
      if (within == 0) {
        const uint64_t tile = node.index >> 8;
        if (level == 0 && !sampled_tiles.count(tile)) return;
        t.tiles[{level, tile}].hashes.append(HashBytes(hash));
      } else if (within == 4) {
        t.tiles[{level, node.index >> 4}].mids.append(HashBytes(hash));
      }
    };
    for (uint64_t i = 0; i < t.size; ++i) range.Append(LeafHash(i), sink);
    t.root = range.Root();
    return t;
  }();
  return tree;
}

StoredTileFetcher MemoryFetcher(const Tree& t) {
  return
      [&t](std::span<const std::pair<uint8_t, uint64_t>> keys) -> Result<std::vector<StoredTile>> {
        std::vector<StoredTile> out;
        out.reserve(keys.size());
        for (const auto& k : keys) {
          auto it = t.tiles.find(k);
          if (it == t.tiles.end()) return Error::NotFound("bench.no-tile", "", "tile not kept");
          out.push_back(it->second);
        }
        return out;
      };
}

// C2SP tiles (hashes only) from the same store, trimmed to the tile's width in the tree.
TileReader C2spFetcher(const Tree& t) {
  return [&t](std::span<const TileId> ids) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const TileId& id : ids) {
      auto it = t.tiles.find({id.level, id.index});
      if (it == t.tiles.end()) return Error::NotFound("bench.no-tile", "", "tile not kept");
      out.push_back(it->second.hashes.substr(0, size_t{id.width} * kHashSize));
    }
    return out;
  };
}

void InclusionProofs(benchmark::State& state, const HashReader& reader) {
  const Tree& t = BigTree();
  const TreeHasher& h = Sha256TreeHasher();
  for (uint64_t leaf : t.sample) {  // correct before timed
    auto p = InclusionProof(leaf, t.size, reader, h);
    if (!p || !VerifyInclusion(h, leaf, t.size, LeafHash(leaf), *p, t.root)) {
      state.SkipWithError("a proof does not verify");
      return;
    }
  }
  size_t k = 0;
  for (auto _ : state) {
    auto p = InclusionProof(t.sample[k++ % t.sample.size()], t.size, reader, h);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}

void ConsistencyProofs(benchmark::State& state, const HashReader& reader) {
  const Tree& t = BigTree();
  const TreeHasher& h = Sha256TreeHasher();
  // From a size whose edge lies in a kept level-0 tile (sample leaf + 1).
  std::vector<uint64_t> from;
  for (uint64_t leaf : t.sample) from.push_back(leaf + 1);
  {
    CompactRange check(h);  // the root at one smaller size, recomputed, to verify one proof
    const uint64_t m = from.front();
    if (m <= 5'000'000) {
      for (uint64_t i = 0; i < m; ++i) check.Append(LeafHash(i));
      auto p = ConsistencyProof(m, t.size, reader, h);
      if (!p || !VerifyConsistency(h, m, t.size, *p, check.Root(), t.root)) {
        state.SkipWithError("a consistency proof does not verify");
        return;
      }
    }
  }
  size_t k = 0;
  for (auto _ : state) {
    auto p = ConsistencyProof(from[k++ % from.size()], t.size, reader, h);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_InclusionProof(benchmark::State& state) {
  InclusionProofs(state, StoredTileReader(MemoryFetcher(BigTree()), Sha256TreeHasher()));
}
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof(benchmark::State& state) {
  ConsistencyProofs(state, StoredTileReader(MemoryFetcher(BigTree()), Sha256TreeHasher()));
}
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMicrosecond);

void BM_InclusionProofC2spTiles(benchmark::State& state) {
  InclusionProofs(state,
                  TileHashReader(BigTree().size, C2spFetcher(BigTree()), Sha256TreeHasher()));
}
BENCHMARK(BM_InclusionProofC2spTiles)->Unit(benchmark::kMicrosecond);

void BM_VerifyInclusion(benchmark::State& state) {
  const Tree& t = BigTree();
  const TreeHasher& h = Sha256TreeHasher();
  auto reader = StoredTileReader(MemoryFetcher(t), h);
  const uint64_t leaf = t.sample.front();
  auto proof = *InclusionProof(leaf, t.size, reader, h);
  for (auto _ : state) {
    auto ok = VerifyInclusion(h, leaf, t.size, LeafHash(leaf), proof, t.root);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyInclusion)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace zhijian::ledger

BENCHMARK_MAIN();
