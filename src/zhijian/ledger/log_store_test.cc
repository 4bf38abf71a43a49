#include "zhijian/ledger/log_store.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "tests/support/backend_fixture.h"
#include "zhijian/ledger/test_support_internal.h"

namespace zhijian::ledger {
namespace {

class LogStoreTest : public zhijian::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = OpenDb();
    ASSERT_TRUE(db_);
    auto log = LogStore::Open(*db_);
    ASSERT_TRUE(log.ok()) << log.error().ToString();
    log_ = std::move(*log);
  }

  // Appends `n` entries "entry <i>" in one transaction; remembers their leaf hashes.
  void Append(size_t n) {
    std::vector<std::string> entries;
    for (size_t i = 0; i < n; ++i) entries.push_back("entry " + std::to_string(leaves_.size() + i));
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      ZJ_ASSIGN_OR_RETURN(LogHead head, log_->LockHead(tx));
      EXPECT_EQ(head.size, leaves_.size());
      ZJ_ASSIGN_OR_RETURN(LogHead after, log_->Append(tx, head, entries));
      EXPECT_EQ(after.size, leaves_.size() + n);
      return Ok();
    });
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    for (const auto& e : entries) leaves_.push_back(Sha256TreeHasher().HashLeaf(e));
  }

  Hash RootOf(size_t size) {
    return RootFromLeafHashes(Sha256TreeHasher(), std::span(leaves_.data(), size));
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<LogStore> log_;
  std::vector<Hash> leaves_;
};

TEST_P(LogStoreTest, AppendsAcrossTileBoundariesAndServesTilesAndBundles) {
  for (size_t n : {1, 254, 1, 1, 300, 1000}) Append(n);  // 1557 leaves in 6 transactions
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto head = log_->ReadHead(conn->get());
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 1557u);
  EXPECT_EQ(*log_->Root(conn->get(), 1557), RootOf(1557));
  EXPECT_EQ(*log_->Root(conn->get(), 700), RootOf(700));
  EXPECT_EQ(*log_->Root(conn->get(), 0), Sha256TreeHasher().EmptyRoot());
  EXPECT_EQ(log_->Root(conn->get(), 1558).error().code(), "ledger.bad-proof-request");

  // Level 0: six full tiles and a partial one of width 21; level 1: a partial tile of width 6.
  for (uint64_t t = 0; t < 6; ++t) {
    auto tile = log_->TileContent(conn->get(), TileId{0, t, 256});
    ASSERT_TRUE(tile.ok()) << tile.error().ToString();
    EXPECT_EQ(*tile, EncodeTile(std::span(leaves_.data() + t * 256, 256)));
  }
  auto partial = log_->TileContent(conn->get(), TileId{0, 6, 21});
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(*partial, EncodeTile(std::span(leaves_.data() + 6 * 256, 21)));
  // A partial tile of an earlier tree size is a prefix.
  auto older = log_->TileContent(conn->get(), TileId{0, 6, 3});
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(*older, partial->substr(0, 3 * kHashSize));
  EXPECT_EQ(log_->TileContent(conn->get(), TileId{0, 6, 22}).error().code(),
            "ledger.tile-not-in-tree");
  EXPECT_EQ(log_->TileContent(conn->get(), TileId{0, 7, 256}).error().kind(),
            Error::Kind::kNotFound);
  auto level1 = log_->TileContent(conn->get(), TileId{1, 0, 6});
  ASSERT_TRUE(level1.ok());
  std::vector<Hash> roots;
  for (size_t t = 0; t < 6; ++t) {
    roots.push_back(
        RootFromLeafHashes(Sha256TreeHasher(), std::span(leaves_.data() + t * 256, 256)));
  }
  EXPECT_EQ(*level1, EncodeTile(roots));

  auto bundle = log_->EntryBundle(conn->get(), 6, 21);
  ASSERT_TRUE(bundle.ok());
  auto entries = DecodeEntryBundle(*bundle);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 21u);
  EXPECT_EQ(entries->front(), "entry 1536");
  EXPECT_EQ(log_->EntryBundle(conn->get(), 6, 22).error().kind(), Error::Kind::kNotFound);
  EXPECT_EQ(*log_->Entry(conn->get(), 42), "entry 42");
  EXPECT_EQ(*log_->LeafIndexByHash(conn->get(), leaves_[1000]), 1000u);
  EXPECT_EQ(log_->LeafIndexByHash(conn->get(), RootOf(3)).error().code(), "ledger.leaf-not-found");
}

TEST_P(LogStoreTest, ProofsFromStoredTilesVerify) {
  for (size_t n : {300, 17, 1000}) Append(n);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  const TreeHasher& h = Sha256TreeHasher();
  std::mt19937_64 rng(7);
  for (uint64_t size : {1u, 2u, 255u, 256u, 257u, 317u, 1000u, 1317u}) {
    const Hash root = RootOf(size);
    for (int k = 0; k < 6; ++k) {
      const uint64_t index = rng() % size;
      auto proof = log_->InclusionProof(conn->get(), index, size);
      ASSERT_TRUE(proof.ok()) << proof.error().ToString();
      EXPECT_TRUE(VerifyInclusion(h, index, size, leaves_[index], *proof, root).ok())
          << index << " of " << size;
      // A proof for one leaf does not prove another.
      EXPECT_FALSE(VerifyInclusion(h, index, size, leaves_[(index + 1) % 1317], *proof, root).ok());
    }
    const uint64_t older = 1 + rng() % size;
    auto consistency = log_->ConsistencyProof(conn->get(), older, size);
    ASSERT_TRUE(consistency.ok()) << consistency.error().ToString();
    EXPECT_TRUE(VerifyConsistency(h, older, size, *consistency, RootOf(older), root).ok())
        << older << " -> " << size;
  }
  EXPECT_EQ(log_->InclusionProof(conn->get(), 5, 1318).error().code(), "ledger.bad-proof-request");
  EXPECT_EQ(log_->ConsistencyProof(conn->get(), 0, 5).error().code(), "ledger.bad-proof-request");
}

TEST_P(LogStoreTest, SpecExampleSizeHasThreeTileLevels) {
  // 70,000 leaves (c2sp.org/tlog-tiles): 273 full level-0 tiles + width 112, one full level-1
  // tile + width 17, a level-2 tile of width 1.
  Append(40000);
  Append(30000);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_TRUE(log_->TileContent(conn->get(), TileId{0, 272, 256}).ok());
  EXPECT_TRUE(log_->TileContent(conn->get(), TileId{0, 273, 112}).ok());
  EXPECT_TRUE(log_->TileContent(conn->get(), TileId{1, 0, 256}).ok());
  EXPECT_TRUE(log_->TileContent(conn->get(), TileId{1, 1, 17}).ok());
  auto top = log_->TileContent(conn->get(), TileId{2, 0, 1});
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(*top, std::string(HashBytes(RootOf(65536))));
  EXPECT_EQ(*log_->Root(conn->get(), 70000), RootOf(70000));
  EXPECT_EQ(Count(conn->get(), "log_tiles"), 273 + 1 + 1 + 1 + 1);
  // Proofs through every tile level and its mids.
  const TreeHasher& h = Sha256TreeHasher();
  for (uint64_t index : {0u, 4095u, 65535u, 65536u, 69999u}) {
    for (uint64_t size : {65537u, 69000u, 70000u}) {
      if (index >= size) continue;
      auto proof = log_->InclusionProof(conn->get(), index, size);
      ASSERT_TRUE(proof.ok()) << proof.error().ToString();
      EXPECT_TRUE(VerifyInclusion(h, index, size, leaves_[index], *proof, RootOf(size)).ok());
    }
  }
  auto consistency = log_->ConsistencyProof(conn->get(), 4097, 70000);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(VerifyConsistency(h, 4097, 70000, *consistency, RootOf(4097), RootOf(70000)).ok());
  // Every node of a complete tile level comes from at most 8 stored hashes.
  for (uint8_t level = 0; level < 24; ++level) {
    const StoredSpan span = StoredSpanForNode({level, 1});
    EXPECT_LE(span.count, 8);
    EXPECT_EQ(span.mid, level % 8 >= 4);
  }
}

TEST_P(LogStoreTest, ConcurrentAppendersSerialiseOnTheHead) {
  constexpr int kThreads = 4, kBatches = 10, kPerBatch = 37;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<std::string> entries;
        for (int i = 0; i < kPerBatch; ++i) {
          entries.push_back("t" + std::to_string(t) + " b" + std::to_string(b) + " " +
                            std::to_string(i));
        }
        auto conn = db_->Acquire();
        if (!conn) {
          ++failures;
          continue;
        }
        auto r = store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
          ZJ_ASSIGN_OR_RETURN(LogHead head, log_->LockHead(tx));
          ZJ_TRY(log_->Append(tx, head, entries));
          return Ok();
        });
        if (!r) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  const uint64_t size = kThreads * kBatches * kPerBatch;
  EXPECT_EQ(log_->ReadHead(conn->get())->size, size);
  // The tree recomputed from the stored entries in leaf order equals the head's.
  std::vector<std::string> stored;
  for (uint64_t b = 0; b * kTileWidth < size; ++b) {
    auto entries = log_->BundleEntries(conn->get(), b);
    ASSERT_TRUE(entries.ok()) << entries.error().ToString();
    stored.insert(stored.end(), entries->begin(), entries->end());
  }
  ASSERT_EQ(stored.size(), size);
  CompactRange range(Sha256TreeHasher());
  for (const auto& e : stored) range.Append(Sha256TreeHasher().HashLeaf(e));
  EXPECT_EQ(*log_->Root(conn->get(), size), range.Root());
  auto proof = log_->InclusionProof(conn->get(), 123, size);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyInclusion(Sha256TreeHasher(), 123, size,
                              Sha256TreeHasher().HashLeaf(stored[123]), *proof, range.Root())
                  .ok());
}

// The stored bundle rows as they are (not through the served form).
std::string StoredBundle(store::Connection& conn, int64_t idx) {
  std::vector<store::Value> p{idx};
  auto row = conn.QueryOne("SELECT entries FROM log_bundles WHERE idx = ?", p);
  return row.ok() && row->has_value() ? (*row)->Bytes(0) : std::string("(none)");
}

std::vector<std::string> Entries(size_t from, size_t to) {
  std::vector<std::string> out;
  for (size_t i = from; i < to; ++i) out.push_back("entry " + std::to_string(i));
  return out;
}

TEST_P(LogStoreTest, BundlesAtTheBoundaries255And256And257) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  Append(255);  // one partial bundle of 255: in log_tail, served as a bundle
  EXPECT_EQ(Count(conn->get(), "log_bundles"), 0);
  EXPECT_EQ(Count(conn->get(), "log_tail"), 255);
  EXPECT_EQ(*log_->EntryBundle(conn->get(), 0, 255), *EncodeEntryBundle(Entries(0, 255)));
  EXPECT_EQ(log_->EntryBundle(conn->get(), 0, 256).error().code(), "ledger.tile-not-in-tree");
  EXPECT_EQ(log_->Entry(conn->get(), 255).error().code(), "ledger.leaf-not-found");
  EXPECT_EQ(*log_->Entry(conn->get(), 254), "entry 254");
  Append(1);  // exactly full: written once to log_bundles, the tail rows gone
  EXPECT_EQ(Count(conn->get(), "log_bundles"), 1);
  EXPECT_EQ(Count(conn->get(), "log_tail"), 0);
  const std::string full = *EncodeEntryBundle(Entries(0, 256));
  EXPECT_EQ(StoredBundle(conn->get(), 0), full);
  EXPECT_EQ(*log_->EntryBundle(conn->get(), 0, 256), full);
  EXPECT_EQ(log_->EntryBundle(conn->get(), 1, 1).error().code(), "ledger.tile-not-in-tree");
  Append(1);  // 257: one tail row; the full bundle is not touched
  EXPECT_EQ(Count(conn->get(), "log_bundles"), 1);
  EXPECT_EQ(Count(conn->get(), "log_tail"), 1);
  EXPECT_EQ(StoredBundle(conn->get(), 0), full);
  EXPECT_EQ(*log_->EntryBundle(conn->get(), 1, 1), *EncodeEntryBundle(Entries(256, 257)));
  EXPECT_EQ(*log_->Entry(conn->get(), 256), "entry 256");
  EXPECT_EQ(*log_->Entry(conn->get(), 255), "entry 255");
  EXPECT_EQ(*log_->Entry(conn->get(), 0), "entry 0");
  // One append across two boundaries: 257 + 511 = 768 = 3 full bundles.
  Append(511);
  EXPECT_EQ(Count(conn->get(), "log_bundles"), 3);
  EXPECT_EQ(Count(conn->get(), "log_tail"), 0);
  for (int64_t b = 0; b < 3; ++b) {
    EXPECT_EQ(StoredBundle(conn->get(), b),
              *EncodeEntryBundle(Entries(static_cast<size_t>(b) * 256, (b + 1) * 256)));
  }
  EXPECT_EQ(Count(conn->get(), "log_leaf_prefixes"), 768);
  for (uint64_t leaf : {0u, 255u, 256u, 257u, 511u, 512u, 767u}) {
    auto found = log_->LeafIndexByHash(conn->get(), leaves_[leaf]);
    ASSERT_TRUE(found.ok()) << leaf << ": " << found.error().ToString();
    EXPECT_EQ(*found, leaf);
  }
  // Across a boundary with a remainder: 768 + 300 = 4 full bundles and 44 tail rows.
  Append(300);
  EXPECT_EQ(Count(conn->get(), "log_bundles"), 4);
  EXPECT_EQ(Count(conn->get(), "log_tail"), 44);
  EXPECT_EQ(*log_->EntryBundle(conn->get(), 4, 44), *EncodeEntryBundle(Entries(1024, 1068)));
  EXPECT_EQ(*log_->LeafIndexByHash(conn->get(), leaves_[1067]), 1067u);
}

TEST_P(LogStoreTest, ThePartialBundleIsKeptEntryByEntryUntilFull) {
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  size_t size = 0;
  for (size_t n : {1, 1, 3, 100, 150}) {  // 255, then 1 more fills it
    Append(n);
    size += n;
    // A one-entry append writes one row, not the bundle so far.
    EXPECT_EQ(Count(conn->get(), "log_bundles"), 0);
    EXPECT_EQ(Count(conn->get(), "log_tail"), static_cast<int64_t>(size));
    // Every width up to the size is served as a prefix of the bundle.
    EXPECT_EQ(*log_->EntryBundle(conn->get(), 0, static_cast<uint16_t>(size)),
              *EncodeEntryBundle(Entries(0, size)));
    EXPECT_EQ(*log_->EntryBundle(conn->get(), 0, 1), *EncodeEntryBundle(Entries(0, 1)));
  }
  Append(1);
  EXPECT_EQ(StoredBundle(conn->get(), 0), *EncodeEntryBundle(Entries(0, 256)));
  EXPECT_EQ(Count(conn->get(), "log_tail"), 0);
  // Tail rows that do not hold the head's entries stop the append that fills the bundle.
  Append(3);
  ASSERT_TRUE(conn->get().Exec("DELETE FROM log_tail WHERE leaf_index = 257").ok());
  auto fill = [&](size_t n) {
    return store::WithTransaction(conn->get(), [&](store::Connection& tx) -> Result<void> {
      ZJ_ASSIGN_OR_RETURN(LogHead head, log_->LockHead(tx));
      ZJ_TRY(log_->Append(tx, head, Entries(0, n)));
      return Ok();
    });
  };
  auto r = fill(253);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "ledger.corrupt");
  EXPECT_NE(r.error().detail().find("leaf 256"), std::string::npos) << r.error().detail();
  EXPECT_EQ(log_->BundleEntries(conn->get(), 1).error().code(), "ledger.corrupt");
}

TEST_P(LogStoreTest, ALeafIsFoundByHashAmongSharedPrefixes) {
  Append(300);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  // Two more prefix rows with the prefix of leaf 7, as a 32-bit prefix collision would give:
  // the look-up compares full hashes, so it still finds leaf 7 (and not leaf 3 or 299).
  std::vector<store::Value> p{LeafPrefix(leaves_[7])};
  ASSERT_TRUE(conn->get()
                  .Exec("UPDATE log_leaf_prefixes SET prefix = ? WHERE leaf_index IN (3, 299)", p)
                  .ok());
  EXPECT_EQ(*log_->LeafIndexByHash(conn->get(), leaves_[7]), 7u);
  EXPECT_EQ(LeafPrefix(leaves_[7]), (int64_t{leaves_[7][0]} << 24) | (leaves_[7][1] << 16) |
                                        (leaves_[7][2] << 8) | leaves_[7][3]);
  Hash absent = leaves_[7];
  absent[31] ^= 1;  // same prefix, another hash
  EXPECT_EQ(log_->LeafIndexByHash(conn->get(), absent).error().code(), "ledger.leaf-not-found");
}

TEST_P(LogStoreTest, PublishSignsCheckpointsOfGrowingSizes) {
  KeyPair key = testing::TestKey();
  auto signer = NewNoteSigner(key.signer_key);
  auto verifier = NewNoteVerifier(key.verifier_key);
  ASSERT_TRUE(signer.ok() && verifier.ok());
  const TimePoint t = FromUnixMillis(1'767'225'600'000);
  auto first = log_->Publish(**signer, t);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(first->has_value());  // the empty log gets a size-0 checkpoint
  EXPECT_EQ((*first)->size, 0u);
  EXPECT_FALSE(log_->Publish(**signer, t)->has_value());  // nothing new
  Append(10);
  auto second = log_->Publish(**signer, t + std::chrono::seconds(1));
  ASSERT_TRUE(second.ok() && second->has_value());
  auto opened = OpenCheckpoint((*second)->note, **verifier, "zhijian.example.cn/log");
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(opened->size, 10u);
  EXPECT_EQ(opened->root, RootOf(10));
  EXPECT_EQ((*second)->published_at, "2026-01-01T00:00:01.000Z");
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto latest = log_->LatestCheckpoint(conn->get());
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->size, 10u);
  EXPECT_EQ((*latest)->note, (*second)->note);
  auto all = log_->Checkpoints(conn->get(), 0, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_P(LogStoreTest, TheHashIsFixedOnceTheLogHasEntries) {
  // SM3 may be chosen while the log is empty (when this OpenSSL offers it).
  if (Sm3TreeHasher().ok()) {
    auto sm3 = LogStore::Open(*db_, "sm3");
    ASSERT_TRUE(sm3.ok()) << sm3.error().ToString();
    EXPECT_EQ((*sm3)->hasher().name(), "sm3");
    auto back = LogStore::Open(*db_, "sha256");
    ASSERT_TRUE(back.ok());
  }
  Append(1);
  auto other = LogStore::Open(*db_, "sm3");
  if (Sm3TreeHasher().ok()) {
    EXPECT_EQ(other.error().code(), "ledger.hash-mismatch");
  }
  EXPECT_EQ(LogStore::Open(*db_, "md5").error().code(), "ledger.unknown-hash");
}

ZJ_INSTANTIATE_BACKENDS(LogStoreTest);

}  // namespace
}  // namespace zhijian::ledger
