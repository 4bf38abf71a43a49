#include "zhijian/ledger/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "zhijian/ledger/encoding.h"

namespace zhijian::ledger {
namespace {

namespace fs = std::filesystem;

const fs::path kTestdata = fs::path(ZJ_LEDGER_TESTDATA) / "tlog";

Hash H(std::string_view hex) {
  Result<Hash> h = HashFromHex(hex);
  EXPECT_TRUE(h.ok()) << hex;
  return h.ok() ? *h : Hash{};
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const TreeHasher& Sha() { return Sha256TreeHasher(); }

// The 8 leaf inputs of the RFC 6962 / transparency-dev reference tree (anchors §1.8.3).
std::vector<std::string> ReferenceLeaves() {
  return {"",
          std::string("\x00", 1),
          "\x10",
          "\x20\x21",
          "\x30\x31",
          "\x40\x41\x42\x43",
          "\x50\x51\x52\x53\x54\x55\x56\x57",
          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
}

// An in-memory node store filled by CompactRange's sink: what storage will do.
class MemoryTree {
 public:
  explicit MemoryTree(const TreeHasher& hasher) : range_(hasher), hasher_(&hasher) {}
  void AppendEntry(std::string_view entry) { AppendLeafHash(hasher_->HashLeaf(entry)); }
  void AppendLeafHash(const Hash& h) {
    range_.Append(h, [this](NodeId id, const Hash& hash) { nodes_[{id.level, id.index}] = hash; });
  }
  HashReader Reader(int* calls = nullptr) const {
    return [this, calls](std::span<const NodeId> ids) -> Result<std::vector<Hash>> {
      if (calls != nullptr) ++*calls;
      std::vector<Hash> out;
      for (const NodeId& id : ids) {
        auto it = nodes_.find({id.level, id.index});
        if (it == nodes_.end()) {
          return Error::NotFound("test.node-missing", "缺少节点", "node missing",
                                 std::to_string(id.level) + "/" + std::to_string(id.index));
        }
        out.push_back(it->second);
      }
      return out;
    };
  }
  // The C2SP tiles of the tree at `size` (size <= this tree's size).
  TileReader Tiles(uint64_t size, int* calls = nullptr) const {
    return [this, size, calls](std::span<const TileId> ids) -> Result<std::vector<std::string>> {
      if (calls != nullptr) ++*calls;
      std::vector<std::string> out;
      for (const TileId& t : ids) {
        Result<TileId> expected = TileAt(t.level, t.index, size);
        EXPECT_TRUE(expected.ok() && *expected == t) << TilePath(t);
        std::vector<Hash> hashes;
        for (uint64_t i = 0; i < t.width; ++i) {
          hashes.push_back(
              nodes_.at({static_cast<uint8_t>(t.level * kTileHeight), t.index * kTileWidth + i}));
        }
        out.push_back(EncodeTile(hashes));
      }
      return out;
    };
  }
  const CompactRange& range() const { return range_; }
  size_t node_count() const { return nodes_.size(); }

 private:
  CompactRange range_;
  const TreeHasher* hasher_;
  std::map<std::pair<uint8_t, uint64_t>, Hash> nodes_;
};

MemoryTree ReferenceTree() {
  MemoryTree t(Sha());
  for (const std::string& leaf : ReferenceLeaves()) t.AppendEntry(leaf);
  return t;
}

// ---- hasher ---------------------------------------------------------------------------------

TEST(MerkleHasherTest, KnownAnswersOfRfc6962Hasher) {
  // transparency-dev/merkle rfc6962/rfc6962_test.go (anchors §1.8.2).
  EXPECT_EQ(HashHex(Sha().EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashHex(Sha().HashLeaf("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(HashHex(Sha().HashLeaf("L123456")),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
  // HashChildren takes 32-byte hashes; the published node vector hashes 0x01 ‖ "N123" ‖ "N456".
  EXPECT_EQ(HashHex(Sha().Digest({std::string_view("\x01", 1), "N123", "N456"})),
            "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb");
  EXPECT_EQ(Sha().name(), "sha256");
}

TEST(MerkleHasherTest, HashTextForms) {
  const Hash h = H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  EXPECT_EQ(HashBase64(h), "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
  Result<Hash> back = HashFromBase64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, h);
  EXPECT_EQ(*HashFromHex("5DC9DA79A70659A9AD559CB701DED9A2AB9D823AAD2F4960CFE370EFF4604328"), h);
  EXPECT_EQ(HashFromHex("5dc9").error().code(), "ledger.bad-hash");
  EXPECT_EQ(HashFromHex(std::string(63, 'a') + "g").error().code(), "ledger.bad-hash");
  EXPECT_EQ(HashFromBase64("ZG9uJ3QgY2FyZSAx").error().code(), "ledger.bad-hash");  // 12 bytes
  EXPECT_EQ(HashFromBase64("").error().code(), "ledger.bad-hash");
  EXPECT_EQ(HashFromBytes(std::string(33, 'x')).error().code(), "ledger.bad-hash");
  EXPECT_TRUE(HashFromBytes(std::string(32, 'x')).ok());
}

TEST(MerkleHasherTest, Sm3IsAvailableAndMatchesGbT32905) {
  Result<const TreeHasher*> sm3 = Sm3TreeHasher();
  ASSERT_TRUE(sm3.ok()) << "this machine's OpenSSL lacks SM3: " << sm3.error().ToString();
  EXPECT_EQ((*sm3)->name(), "sm3");
  // GB/T 32905-2016 example 1: SM3("abc").
  EXPECT_EQ(HashHex((*sm3)->Digest({"abc"})),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  Result<const TreeHasher*> by_name = TreeHasherByName("sm3");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(*by_name, *sm3);
  EXPECT_EQ(*TreeHasherByName("sha256"), &Sha());
  EXPECT_EQ(TreeHasherByName("md5").error().code(), "ledger.unknown-hash");
}

TEST(MerkleHasherTest, Sm3RootsOfTheReferenceTree) {
  // anchors §1.8.6: SM3 variant, [computed] by the research notes (no published source).
  const char* kRoots[] = {"1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
                          "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
                          "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
                          "209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56",
                          "28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377",
                          "bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b",
                          "8723c1ab1f82ddfba4a3733ac0c80d936d9f4c208c7dbc8cc81ca9fff8584f66",
                          "bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2",
                          "bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38"};
  Result<const TreeHasher*> sm3 = Sm3TreeHasher();
  ASSERT_TRUE(sm3.ok());
  MemoryTree tree(**sm3);
  EXPECT_EQ(HashHex(tree.range().Root()), kRoots[0]);
  const std::vector<std::string> leaves = ReferenceLeaves();
  for (size_t n = 1; n <= 8; ++n) {
    tree.AppendEntry(leaves[n - 1]);
    EXPECT_EQ(HashHex(tree.range().Root()), kRoots[n]) << n;
    Result<Hash> stored = TreeRoot(n, tree.Reader(), **sm3);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(HashHex(*stored), kRoots[n]) << n;
  }
  // Proofs work the same with SM3.
  for (uint64_t i = 0; i < 8; ++i) {
    Result<std::vector<Hash>> p = InclusionProof(i, 8, tree.Reader(), **sm3);
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(VerifyInclusion(**sm3, i, 8, (*sm3)->HashLeaf(leaves[i]), *p, H(kRoots[8])).ok());
    EXPECT_FALSE(VerifyInclusion(Sha(), i, 8, Sha().HashLeaf(leaves[i]), *p, H(kRoots[8])).ok());
  }
}

// ---- the reference tree ---------------------------------------------------------------------

TEST(MerkleTreeTest, ReferenceLeafHashesAndRoots) {
  const char* kLeafHashes[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                               "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                               "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
                               "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
                               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                               "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
                               "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                               "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"};
  const char* kRoots[] = {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                          "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                          "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                          "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  const std::vector<std::string> leaves = ReferenceLeaves();
  std::vector<Hash> leaf_hashes;
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(HashHex(Sha().HashLeaf(leaves[i])), kLeafHashes[i]) << i;
    leaf_hashes.push_back(Sha().HashLeaf(leaves[i]));
  }
  // Compact-range sizes (one hash per set bit of n).
  const size_t kCompactSizes[] = {0, 1, 1, 2, 1, 2, 2, 3, 1};
  CompactRange range(Sha());
  for (size_t n = 0; n <= 8; ++n) {
    if (n > 0) range.Append(leaf_hashes[n - 1]);
    EXPECT_EQ(HashHex(range.Root()), kRoots[n]) << n;
    EXPECT_EQ(range.hashes().size(), kCompactSizes[n]) << n;
    EXPECT_EQ(HashHex(RootFromLeafHashes(Sha(), std::span(leaf_hashes).first(n))), kRoots[n]);
  }
  // Compact range contents per size (testonly/constants.go).
  auto nodes = [](uint64_t n) {
    std::string s;
    for (NodeId id : CompactRangeNodes(n)) {
      s += "[" + std::to_string(id.begin()) + ":" + std::to_string(id.end()) + ")";
    }
    return s;
  };
  EXPECT_EQ(nodes(1), "[0:1)");
  EXPECT_EQ(nodes(3), "[0:2)[2:3)");
  EXPECT_EQ(nodes(7), "[0:4)[4:6)[6:7)");
  EXPECT_EQ(nodes(8), "[0:8)");
  EXPECT_EQ(nodes(0), "");
}

TEST(MerkleTreeTest, CompleteSubtreeHashesReachTheSink) {
  MemoryTree tree = ReferenceTree();
  EXPECT_EQ(tree.node_count(), 15u);  // 8 + 4 + 2 + 1
  std::vector<NodeId> ids = {{1, 0}, {1, 1}, {1, 2}, {1, 3}, {2, 0}, {2, 1}, {3, 0}};
  Result<std::vector<Hash>> got = tree.Reader()(ids);
  ASSERT_TRUE(got.ok());
  const char* kWant[] = {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                         "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(HashHex((*got)[i]), kWant[i]) << i;
}

// The subtree hashes of anchors §1.8.4, by range name.
std::map<std::string, std::string> SubtreeTable() {
  return {{"[0:1)", "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"},
          {"[1:2)", "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"},
          {"[2:3)", "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"},
          {"[3:4)", "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"},
          {"[4:5)", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
          {"[5:6)", "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"},
          {"[6:7)", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"},
          {"[7:8)", "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
          {"[0:2)", "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"},
          {"[2:4)", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"},
          {"[4:6)", "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"},
          {"[6:8)", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
          {"[4:7)", "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"},
          {"[0:4)", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
          {"[4:8)", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}};
}

std::string Names(const std::vector<Hash>& proof) {
  std::map<std::string, std::string> by_hash;
  for (const auto& [name, hex] : SubtreeTable()) by_hash[hex] = name;
  std::string s;
  for (const Hash& h : proof) {
    if (!s.empty()) s += ' ';
    auto it = by_hash.find(HashHex(h));
    s += it == by_hash.end() ? "?" + HashHex(h) : it->second;
  }
  return s;
}

TEST(MerkleTreeTest, RfcSevenLeafExampleShapes) {
  // RFC 9162 §2.1.5 with a..f = leaves d0..d5, g=[0:2) h=[2:4) i=[4:6) j=[6:7) k=[0:4) l=[4:7).
  MemoryTree tree = ReferenceTree();
  auto incl = [&](uint64_t i) { return Names(*InclusionProof(i, 7, tree.Reader(), Sha())); };
  auto cons = [&](uint64_t m) { return Names(*ConsistencyProof(m, 7, tree.Reader(), Sha())); };
  EXPECT_EQ(incl(0), "[1:2) [2:4) [4:7)");        // [b, h, l]
  EXPECT_EQ(incl(3), "[2:3) [0:2) [4:7)");        // [c, g, l]
  EXPECT_EQ(incl(4), "[5:6) [6:7) [0:4)");        // [f, j, k]
  EXPECT_EQ(incl(6), "[4:6) [0:4)");              // [i, k]
  EXPECT_EQ(cons(3), "[2:3) [3:4) [0:2) [4:7)");  // [c, d, g, l]
  EXPECT_EQ(cons(4), "[4:7)");                    // [l]
  EXPECT_EQ(cons(6), "[4:6) [6:7) [0:4)");        // [i, j, k]
}

TEST(MerkleTreeTest, EveryInclusionProofOfTheEightLeafTables) {
  // anchors §1.8.4 (derived tables, cross-checked there against the published proofs).
  const std::map<std::pair<int, int>, std::string> kTable = {{{0, 1}, ""},
                                                             {{0, 2}, "[1:2)"},
                                                             {{1, 2}, "[0:1)"},
                                                             {{0, 3}, "[1:2) [2:3)"},
                                                             {{1, 3}, "[0:1) [2:3)"},
                                                             {{2, 3}, "[0:2)"},
                                                             {{0, 4}, "[1:2) [2:4)"},
                                                             {{1, 4}, "[0:1) [2:4)"},
                                                             {{2, 4}, "[3:4) [0:2)"},
                                                             {{3, 4}, "[2:3) [0:2)"},
                                                             {{0, 5}, "[1:2) [2:4) [4:5)"},
                                                             {{1, 5}, "[0:1) [2:4) [4:5)"},
                                                             {{2, 5}, "[3:4) [0:2) [4:5)"},
                                                             {{3, 5}, "[2:3) [0:2) [4:5)"},
                                                             {{4, 5}, "[0:4)"},
                                                             {{0, 6}, "[1:2) [2:4) [4:6)"},
                                                             {{1, 6}, "[0:1) [2:4) [4:6)"},
                                                             {{2, 6}, "[3:4) [0:2) [4:6)"},
                                                             {{3, 6}, "[2:3) [0:2) [4:6)"},
                                                             {{4, 6}, "[5:6) [0:4)"},
                                                             {{5, 6}, "[4:5) [0:4)"},
                                                             {{0, 7}, "[1:2) [2:4) [4:7)"},
                                                             {{1, 7}, "[0:1) [2:4) [4:7)"},
                                                             {{2, 7}, "[3:4) [0:2) [4:7)"},
                                                             {{3, 7}, "[2:3) [0:2) [4:7)"},
                                                             {{4, 7}, "[5:6) [6:7) [0:4)"},
                                                             {{5, 7}, "[4:5) [6:7) [0:4)"},
                                                             {{6, 7}, "[4:6) [0:4)"},
                                                             {{0, 8}, "[1:2) [2:4) [4:8)"},
                                                             {{1, 8}, "[0:1) [2:4) [4:8)"},
                                                             {{2, 8}, "[3:4) [0:2) [4:8)"},
                                                             {{3, 8}, "[2:3) [0:2) [4:8)"},
                                                             {{4, 8}, "[5:6) [6:8) [0:4)"},
                                                             {{5, 8}, "[4:5) [6:8) [0:4)"},
                                                             {{6, 8}, "[7:8) [4:6) [0:4)"},
                                                             {{7, 8}, "[6:7) [4:6) [0:4)"}};
  MemoryTree tree = ReferenceTree();
  const std::vector<std::string> leaves = ReferenceLeaves();
  for (const auto& [key, want] : kTable) {
    const auto [leaf, size] = key;
    int calls = 0;
    Result<std::vector<Hash>> proof = InclusionProof(leaf, size, tree.Reader(&calls), Sha());
    ASSERT_TRUE(proof.ok()) << proof.error().ToString();
    EXPECT_EQ(Names(*proof), want) << leaf << " in " << size;
    EXPECT_LE(calls, 1);  // one storage round trip per proof
    Result<Hash> root = TreeRoot(size, tree.Reader(), Sha());
    ASSERT_TRUE(root.ok());
    EXPECT_TRUE(
        VerifyInclusion(Sha(), leaf, size, Sha().HashLeaf(leaves[leaf]), *proof, *root).ok())
        << leaf << " in " << size;
  }
}

TEST(MerkleTreeTest, EveryConsistencyProofOfTheEightLeafTables) {
  const std::map<std::pair<int, int>, std::string> kTable = {{{1, 2}, "[1:2)"},
                                                             {{1, 3}, "[1:2) [2:3)"},
                                                             {{2, 3}, "[2:3)"},
                                                             {{1, 4}, "[1:2) [2:4)"},
                                                             {{2, 4}, "[2:4)"},
                                                             {{3, 4}, "[2:3) [3:4) [0:2)"},
                                                             {{1, 5}, "[1:2) [2:4) [4:5)"},
                                                             {{2, 5}, "[2:4) [4:5)"},
                                                             {{3, 5}, "[2:3) [3:4) [0:2) [4:5)"},
                                                             {{4, 5}, "[4:5)"},
                                                             {{1, 6}, "[1:2) [2:4) [4:6)"},
                                                             {{2, 6}, "[2:4) [4:6)"},
                                                             {{3, 6}, "[2:3) [3:4) [0:2) [4:6)"},
                                                             {{4, 6}, "[4:6)"},
                                                             {{5, 6}, "[4:5) [5:6) [0:4)"},
                                                             {{1, 7}, "[1:2) [2:4) [4:7)"},
                                                             {{2, 7}, "[2:4) [4:7)"},
                                                             {{3, 7}, "[2:3) [3:4) [0:2) [4:7)"},
                                                             {{4, 7}, "[4:7)"},
                                                             {{5, 7}, "[4:5) [5:6) [6:7) [0:4)"},
                                                             {{6, 7}, "[4:6) [6:7) [0:4)"},
                                                             {{1, 8}, "[1:2) [2:4) [4:8)"},
                                                             {{2, 8}, "[2:4) [4:8)"},
                                                             {{3, 8}, "[2:3) [3:4) [0:2) [4:8)"},
                                                             {{4, 8}, "[4:8)"},
                                                             {{5, 8}, "[4:5) [5:6) [6:8) [0:4)"},
                                                             {{6, 8}, "[4:6) [6:8) [0:4)"},
                                                             {{7, 8}, "[6:7) [7:8) [4:6) [0:4)"}};
  MemoryTree tree = ReferenceTree();
  for (const auto& [key, want] : kTable) {
    const auto [m, n] = key;
    Result<std::vector<Hash>> proof = ConsistencyProof(m, n, tree.Reader(), Sha());
    ASSERT_TRUE(proof.ok()) << proof.error().ToString();
    EXPECT_EQ(Names(*proof), want) << m << " -> " << n;
    const Hash r1 = *TreeRoot(m, tree.Reader(), Sha());
    const Hash r2 = *TreeRoot(n, tree.Reader(), Sha());
    EXPECT_TRUE(VerifyConsistency(Sha(), m, n, *proof, r1, r2).ok()) << m << " -> " << n;
  }
}

// ---- published probes -----------------------------------------------------------------------

// Every JSON probe of transparency-dev/merkle (98 inclusion + 98 consistency). Hashes that are
// not 32 bytes are refused before verification (our decided convention); the one probe whose
// expectation depends on accepting 12-byte roots is the documented deviation.
TEST(MerkleProbeTest, TransparencyDevProbes) {
  const std::set<std::string> kDeviations = {
      "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"};
  size_t files = 0, agree = 0, deviations = 0;
  for (const char* kind : {"inclusion", "consistency"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kTestdata / kind)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      ++files;
      const std::string rel = fs::relative(entry.path(), kTestdata).generic_string();
      const boost::json::object o = boost::json::parse(ReadFile(entry.path())).as_object();
      const bool want_err = o.at("wantErr").as_bool();
      auto hash = [&](const boost::json::value& v) {
        Result<std::string> bytes = Base64Decode(v.as_string());
        return bytes.ok() ? HashFromBytes(*bytes) : Result<Hash>(bytes.error());
      };
      bool parse_ok = true;
      std::vector<Hash> proof;
      const boost::json::value& proof_json = o.at("proof");  // [] or null for no proof
      for (const auto& p : proof_json.is_null() ? boost::json::array() : proof_json.as_array()) {
        Result<Hash> h = hash(p);
        parse_ok = parse_ok && h.ok();
        if (h.ok()) proof.push_back(*h);
      }
      bool verified = false;
      if (std::string(kind) == "inclusion") {
        Result<Hash> leaf = hash(o.at("leafHash"));
        Result<Hash> root = hash(o.at("root"));
        if (parse_ok && leaf.ok() && root.ok()) {
          verified = VerifyInclusion(Sha(), o.at("leafIdx").to_number<uint64_t>(),
                                     o.at("treeSize").to_number<uint64_t>(), *leaf, proof, *root)
                         .ok();
        }
      } else {
        Result<Hash> r1 = hash(o.at("root1"));
        Result<Hash> r2 = hash(o.at("root2"));
        if (parse_ok && r1.ok() && r2.ok()) {
          verified = VerifyConsistency(Sha(), o.at("size1").to_number<uint64_t>(),
                                       o.at("size2").to_number<uint64_t>(), proof, *r1, *r2)
                         .ok();
        }
      }
      if (kDeviations.count(rel) != 0) {
        EXPECT_FALSE(want_err) << rel;
        EXPECT_FALSE(verified) << rel << ": 12-byte roots must not parse as hashes";
        ++deviations;
        continue;
      }
      EXPECT_EQ(verified, !want_err) << rel;
      if (verified == !want_err) ++agree;
    }
  }
  EXPECT_EQ(files, 196u);
  EXPECT_EQ(deviations, 1u);
  EXPECT_EQ(agree, 195u);
}

// The published hex proofs of proof/verify_test.go (1-based leaves there, 0-based here) and
// their mutations as in merkle_tree_test.cc: all mutated forms must fail.
TEST(MerkleProbeTest, PublishedProofsAndTheirMutations) {
  const Hash root8 = H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  const Hash some = H("abacaba000000000000000000000000000000000000000000060061e00123456");
  struct Incl {
    uint64_t index, size;
    std::vector<const char*> path;
  };
  const std::vector<Incl> cases = {
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}}};
  MemoryTree tree = ReferenceTree();
  const std::vector<std::string> leaves = ReferenceLeaves();
  for (const Incl& c : cases) {
    std::vector<Hash> path;
    for (const char* h : c.path) path.push_back(H(h));
    Result<std::vector<Hash>> generated = InclusionProof(c.index, c.size, tree.Reader(), Sha());
    ASSERT_TRUE(generated.ok());
    EXPECT_EQ(*generated, path);
    const Hash root = *TreeRoot(c.size, tree.Reader(), Sha());
    const Hash leaf = Sha().HashLeaf(leaves[c.index]);
    ASSERT_TRUE(VerifyInclusion(Sha(), c.index, c.size, leaf, path, root).ok());
    if (c.size == 8) {
      EXPECT_EQ(root, root8);
    }
    auto fails = [&](uint64_t i, uint64_t n, const Hash& l, const std::vector<Hash>& p,
                     const Hash& r) { return !VerifyInclusion(Sha(), i, n, l, p, r).ok(); };
    EXPECT_TRUE(fails(c.index, c.size, leaf, path, some));
    EXPECT_TRUE(fails(c.index, c.size, Sha().HashLeaf("WrongLeaf"), path, root));
    EXPECT_TRUE(fails(c.index + 1, c.size, leaf, path, root));
    if (c.index > 0) {
      EXPECT_TRUE(fails(c.index - 1, c.size, leaf, path, root));
    }
    EXPECT_TRUE(fails(c.index ^ 2, c.size, leaf, path, root));
    EXPECT_TRUE(fails(c.index, c.size * 2, leaf, path, root));
    EXPECT_TRUE(fails(c.index, c.size / 2, leaf, path, root));
    for (size_t k = 0; k < path.size(); ++k) {
      std::vector<Hash> p = path;
      p[k] = Sha().EmptyRoot();
      EXPECT_TRUE(fails(c.index, c.size, leaf, p, root));
    }
    std::vector<Hash> longer = path;
    longer.push_back(some);
    EXPECT_TRUE(fails(c.index, c.size, leaf, longer, root));
    longer = path;
    longer.insert(longer.begin(), some);
    EXPECT_TRUE(fails(c.index, c.size, leaf, longer, root));
    std::vector<Hash> shorter(path.begin(), path.end() - 1);
    EXPECT_TRUE(fails(c.index, c.size, leaf, shorter, root));
  }
  // Leaf 0 of a tree of size 1: empty proof; index 0 of size 0 is an invalid request.
  EXPECT_TRUE(VerifyInclusion(Sha(), 0, 1, Sha().HashLeaf(""), {}, Sha().HashLeaf("")).ok());
  EXPECT_EQ(VerifyInclusion(Sha(), 0, 0, Sha().HashLeaf(""), {}, Sha().EmptyRoot()).error().code(),
            "ledger.bad-proof-request");

  struct Cons {
    uint64_t size1, size2;
    std::vector<const char*> proof;
  };
  const std::vector<Cons> cons = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {6,
       7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}}};
  for (const Cons& c : cons) {
    std::vector<Hash> proof;
    for (const char* h : c.proof) proof.push_back(H(h));
    Result<std::vector<Hash>> generated = ConsistencyProof(c.size1, c.size2, tree.Reader(), Sha());
    ASSERT_TRUE(generated.ok());
    EXPECT_EQ(*generated, proof) << c.size1 << " -> " << c.size2;
    const Hash r1 = *TreeRoot(c.size1, tree.Reader(), Sha());
    const Hash r2 = *TreeRoot(c.size2, tree.Reader(), Sha());
    ASSERT_TRUE(VerifyConsistency(Sha(), c.size1, c.size2, proof, r1, r2).ok());
    if (c.size1 == c.size2) continue;
    auto fails = [&](uint64_t m, uint64_t n, const std::vector<Hash>& p, const Hash& a,
                     const Hash& b) { return !VerifyConsistency(Sha(), m, n, p, a, b).ok(); };
    EXPECT_TRUE(fails(c.size1, c.size2, proof, r2, r1));  // swapped roots
    EXPECT_TRUE(fails(c.size1, c.size2, proof, some, r2));
    EXPECT_TRUE(fails(c.size1, c.size2, proof, r1, some));
    EXPECT_TRUE(fails(c.size1 + 1, c.size2, proof, r1, r2));
    EXPECT_TRUE(fails(c.size1 - 1, c.size2, proof, r1, r2));
    EXPECT_TRUE(fails(c.size1, c.size2 * 2, proof, r1, r2));
    EXPECT_TRUE(fails(c.size1, c.size2 / 2, proof, r1, r2));
    EXPECT_TRUE(fails(c.size1, c.size2, {}, r1, r2));
    std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
    EXPECT_TRUE(fails(c.size1, c.size2, shorter, r1, r2));
    std::vector<Hash> longer = proof;
    longer.push_back(some);
    EXPECT_TRUE(fails(c.size1, c.size2, longer, r1, r2));
    for (size_t k = 0; k < proof.size(); ++k) {
      std::vector<Hash> p = proof;
      p[k][k % kHashSize] ^= 0x10;
      EXPECT_TRUE(fails(c.size1, c.size2, p, r1, r2));
    }
  }
}

TEST(MerkleProbeTest, EdgeCasesAreDecided) {
  MemoryTree tree = ReferenceTree();
  const Hash r1 = *TreeRoot(1, tree.Reader(), Sha());
  const Hash empty = Sha().EmptyRoot();
  // From the empty tree: refused, also for (0, 0).
  EXPECT_EQ(VerifyConsistency(Sha(), 0, 0, {}, empty, empty).error().code(),
            "ledger.bad-proof-request");
  EXPECT_EQ(VerifyConsistency(Sha(), 0, 1, {}, empty, r1).error().code(),
            "ledger.bad-proof-request");
  EXPECT_EQ(ConsistencyProof(0, 5, tree.Reader(), Sha()).error().code(),
            "ledger.bad-proof-request");
  EXPECT_EQ(ConsistencyProof(6, 5, tree.Reader(), Sha()).error().code(),
            "ledger.bad-proof-request");
  EXPECT_EQ(InclusionProof(8, 8, tree.Reader(), Sha()).error().code(), "ledger.bad-proof-request");
  // Equal sizes: empty proof, equal roots.
  EXPECT_TRUE(ConsistencyProof(5, 5, tree.Reader(), Sha())->empty());
  EXPECT_TRUE(VerifyConsistency(Sha(), 5, 5, {}, r1, r1).ok());
  EXPECT_EQ(VerifyConsistency(Sha(), 5, 5, {}, r1, empty).error().code(),
            "ledger.consistency-proof-invalid");
  EXPECT_EQ(VerifyConsistency(Sha(), 5, 5, std::vector<Hash>{r1}, r1, r1).error().kind(),
            Error::Kind::kUnprocessable);
  // Root of the empty tree needs no reader call.
  int calls = 0;
  EXPECT_EQ(*TreeRoot(0, tree.Reader(&calls), Sha()), empty);
  EXPECT_EQ(calls, 0);
  // A reader's error is passed through.
  MemoryTree small(Sha());
  small.AppendEntry("x");
  Result<std::vector<Hash>> missing = InclusionProof(0, 2, small.Reader(), Sha());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "test.node-missing");
}

// ---- properties -----------------------------------------------------------------------------

TEST(MerklePropertyTest, AllProofsOfSmallTreesVerifyAndFlippedBitsFail) {
  MemoryTree tree(Sha());
  std::vector<Hash> roots = {Sha().EmptyRoot()};
  std::vector<Hash> leaves;
  for (int i = 0; i < 70; ++i) {
    tree.AppendEntry("entry " + std::to_string(i));
    leaves.push_back(Sha().HashLeaf("entry " + std::to_string(i)));
    roots.push_back(tree.range().Root());
  }
  for (uint64_t n = 1; n <= 70; ++n) {
    const Hash root = *TreeRoot(n, tree.Reader(), Sha());
    ASSERT_EQ(root, roots[n]) << n;
    ASSERT_EQ(root, RootFromLeafHashes(Sha(), std::span(leaves).first(n)));
    for (uint64_t i = 0; i < n; ++i) {
      std::vector<Hash> proof = *InclusionProof(i, n, tree.Reader(), Sha());
      ASSERT_TRUE(VerifyInclusion(Sha(), i, n, leaves[i], proof, root).ok()) << i << "/" << n;
      for (size_t k = 0; k < proof.size(); ++k) {
        std::vector<Hash> bad = proof;
        bad[k][(i + k) % kHashSize] ^= static_cast<uint8_t>(1u << (k % 8));
        ASSERT_FALSE(VerifyInclusion(Sha(), i, n, leaves[i], bad, root).ok());
      }
      Hash bad_leaf = leaves[i];
      bad_leaf[31] ^= 1;
      ASSERT_FALSE(VerifyInclusion(Sha(), i, n, bad_leaf, proof, root).ok());
    }
    for (uint64_t m = 1; m <= n; ++m) {
      std::vector<Hash> proof = *ConsistencyProof(m, n, tree.Reader(), Sha());
      ASSERT_TRUE(VerifyConsistency(Sha(), m, n, proof, roots[m], root).ok()) << m << "->" << n;
      for (size_t k = 0; k < proof.size(); ++k) {
        std::vector<Hash> bad = proof;
        bad[k][k % kHashSize] ^= 0x80;
        ASSERT_FALSE(VerifyConsistency(Sha(), m, n, bad, roots[m], root).ok()) << m << "->" << n;
      }
      if (m < n) {
        Hash bad_root = roots[m];
        bad_root[0] ^= 1;
        ASSERT_FALSE(VerifyConsistency(Sha(), m, n, proof, bad_root, root).ok());
        ASSERT_FALSE(VerifyConsistency(Sha(), m, n, proof, roots[m], roots[n - 1]).ok());
      }
    }
  }
}

TEST(MerklePropertyTest, RandomLargerTreesAndSizes) {
  std::mt19937_64 rng(4);
  MemoryTree tree(Sha());
  std::vector<Hash> roots = {Sha().EmptyRoot()};
  std::vector<Hash> leaves;
  for (int i = 0; i < 5000; ++i) {
    Hash leaf{};
    for (auto& b : leaf) b = static_cast<uint8_t>(rng());
    tree.AppendLeafHash(leaf);
    leaves.push_back(leaf);
    roots.push_back(tree.range().Root());
  }
  for (int round = 0; round < 400; ++round) {
    const uint64_t n = 1 + rng() % leaves.size();
    const uint64_t i = rng() % n;
    const uint64_t m = 1 + rng() % n;
    std::vector<Hash> incl = *InclusionProof(i, n, tree.Reader(), Sha());
    ASSERT_TRUE(VerifyInclusion(Sha(), i, n, leaves[i], incl, roots[n]).ok());
    std::vector<Hash> cons = *ConsistencyProof(m, n, tree.Reader(), Sha());
    ASSERT_TRUE(VerifyConsistency(Sha(), m, n, cons, roots[m], roots[n]).ok());
    EXPECT_LE(cons.size(), 64 - std::countl_zero(n) + 1u);
    if (!incl.empty()) {
      const size_t k = rng() % incl.size();
      incl[k][rng() % kHashSize] ^= static_cast<uint8_t>(1u << (rng() % 8));
      ASSERT_FALSE(VerifyInclusion(Sha(), i, n, leaves[i], incl, roots[n]).ok());
    }
    if (!cons.empty()) {
      const size_t k = rng() % cons.size();
      cons[k][rng() % kHashSize] ^= static_cast<uint8_t>(1u << (rng() % 8));
      ASSERT_FALSE(VerifyConsistency(Sha(), m, n, cons, roots[m], roots[n]).ok());
    }
  }
}

TEST(MerklePropertyTest, RangeRootsAreRootsOfSubLists) {
  MemoryTree tree = ReferenceTree();
  for (const auto& [name, hex] : SubtreeTable()) {
    const size_t colon = name.find(':');
    const uint64_t begin = std::stoull(name.substr(1, colon - 1));
    const uint64_t end = std::stoull(name.substr(colon + 1, name.size() - colon - 2));
    Result<Hash> r = RangeRoot(begin, end, tree.Reader(), Sha());
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(HashHex(*r), hex) << name;
  }
  // Any range, aligned or not, equals the RFC root of that sub-list computed in memory.
  MemoryTree big(Sha());
  std::vector<Hash> leaves;
  for (int i = 0; i < 300; ++i) {
    leaves.push_back(Sha().HashLeaf(std::to_string(i)));
    big.AppendLeafHash(leaves.back());
  }
  std::mt19937_64 rng(11);
  for (int k = 0; k < 300; ++k) {
    const uint64_t a = rng() % 300, b = rng() % 300;
    const uint64_t begin = std::min(a, b), end = std::max(a, b) + 1;
    Result<Hash> r = RangeRoot(begin, end, big.Reader(), Sha());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, RootFromLeafHashes(Sha(), std::span(leaves).subspan(begin, end - begin)))
        << begin << ":" << end;
  }
  EXPECT_EQ(RangeRoot(3, 3, big.Reader(), Sha()).error().code(), "ledger.bad-proof-request");
}

TEST(MerklePropertyTest, CompactRangeResumesFromStoredHashes) {
  MemoryTree whole(Sha());
  for (int i = 0; i < 1000; ++i) whole.AppendEntry(std::to_string(i));
  MemoryTree first(Sha());
  for (int i = 0; i < 613; ++i) first.AppendEntry(std::to_string(i));
  Result<CompactRange> resumed = CompactRange::FromHashes(Sha(), 613, first.range().hashes());
  ASSERT_TRUE(resumed.ok());
  for (int i = 613; i < 1000; ++i) resumed->Append(Sha().HashLeaf(std::to_string(i)));
  EXPECT_EQ(resumed->Root(), whole.range().Root());
  EXPECT_EQ(resumed->hashes(), whole.range().hashes());
  EXPECT_EQ(CompactRange::FromHashes(Sha(), 612, first.range().hashes()).error().code(),
            "ledger.bad-compact-range");
}

// ---- tiles ----------------------------------------------------------------------------------

TEST(TileTest, PathsFollowTheSpec) {
  EXPECT_EQ(TileIndexPath(1234067), "x001/x234/067");
  EXPECT_EQ(TileIndexPath(0), "000");
  EXPECT_EQ(TileIndexPath(5), "005");
  EXPECT_EQ(TileIndexPath(999), "999");
  EXPECT_EQ(TileIndexPath(1000), "x001/000");
  EXPECT_EQ(TilePath({0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({1, 0, 17}), "tile/1/000.p/17");
  EXPECT_EQ(EntryBundlePath(1067), "tile/entries/x001/067");
  EXPECT_EQ(EntryBundlePath(0, 3), "tile/entries/000.p/3");
  EXPECT_EQ(TileIndexPath(UINT64_MAX), "x018/x446/x744/x073/x709/x551/615");
}

TEST(TileTest, ParseAcceptsExactlyTheCanonicalPaths) {
  for (const TileId& t : std::vector<TileId>{{0, 0, 256},
                                             {0, 1234067, 256},
                                             {1, 0, 17},
                                             {63, 999, 1},
                                             {2, 1000, 255},
                                             {0, UINT64_MAX, 256}}) {
    Result<TileRequest> r = ParseTilePath(TilePath(t));
    ASSERT_TRUE(r.ok()) << TilePath(t) << ": " << r.error().ToString();
    EXPECT_FALSE(r->entries);
    EXPECT_EQ(r->tile, t) << TilePath(t);
    Result<TileRequest> e = ParseTilePath(EntryBundlePath(t.index, t.width));
    ASSERT_TRUE(e.ok()) << EntryBundlePath(t.index, t.width);
    EXPECT_TRUE(e->entries);
    EXPECT_EQ(e->tile.index, t.index);
    EXPECT_EQ(e->tile.width, t.width);
  }
  for (std::string_view bad : {"tile/0",
                               "tile/00/000",
                               "tile/64/000",
                               "tile/-1/000",
                               "tile/0/5",
                               "tile/0/0005",
                               "tile/0/x000/005",
                               "tile/0/001/234",
                               "tile/0/x01/234",
                               "tile/0/000.p/0",
                               "tile/0/000.p/256",
                               "tile/0/000.p/017",
                               "tile/0/000.p/",
                               "tile/0/000.p",
                               "tile/0/000/",
                               "tile/0/000.p/5/6",
                               "tile/0/x001",
                               "tile/0/00a",
                               "tiles/0/000",
                               "tile/entries/x001",
                               "tile/entries/000.q/5",
                               "/tile/0/000",
                               "tile/0/x018/x446/x744/x073/x709/x551/616",
                               "tile/0/x999/x999/x999/x999/x999/x999/x999/999"}) {
    Result<TileRequest> r = ParseTilePath(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), "ledger.bad-tile-path") << bad;
    }
  }
}

TEST(TileTest, LevelsOfATreeSize) {
  auto str = [](uint64_t size) {
    std::string s;
    for (const TileLevel& l : TileLevels(size)) {
      s += "{" + std::to_string(l.level) + "," + std::to_string(l.full_tiles) + "," +
           std::to_string(l.partial_width) + "}";
    }
    return s;
  };
  EXPECT_EQ(str(70000), "{0,273,112}{1,1,17}{2,0,1}");  // the spec's example
  EXPECT_EQ(str(256), "{0,1,0}{1,0,1}");                // "a tree of size 256 ..."
  EXPECT_EQ(str(0), "");
  EXPECT_EQ(str(1), "{0,0,1}");
  EXPECT_EQ(str(65536), "{0,256,0}{1,1,0}{2,0,1}");
  EXPECT_EQ(TileLevels(UINT64_MAX).size(), 8u);
  EXPECT_EQ(*TileAt(0, 273, 70000), (TileId{0, 273, 112}));
  EXPECT_EQ(*TileAt(0, 272, 70000), (TileId{0, 272, 256}));
  EXPECT_EQ(TileAt(0, 274, 70000).error().code(), "ledger.tile-not-in-tree");
  EXPECT_EQ(TileAt(1, 0, 255).error().code(), "ledger.tile-not-in-tree");
  EXPECT_EQ(TileAt(0, 0, 256)->width, 256);
}

TEST(TileTest, NodesMapToTileSpans) {
  // A leaf: level-0 tile, one hash.
  TileSpan s = *TileSpanForNode({0, 300}, 70000);
  EXPECT_EQ(s.tile, (TileId{0, 1, 256}));
  EXPECT_EQ(s.offset, 44);
  EXPECT_EQ(s.count, 1);
  // Level 3 node 40 covers leaves [320, 328): 8 hashes of level-0 tile 1 from offset 64.
  s = *TileSpanForNode({3, 40}, 70000);
  EXPECT_EQ(s.tile, (TileId{0, 1, 256}));
  EXPECT_EQ(s.offset, 64);
  EXPECT_EQ(s.count, 8);
  // Level 8 node 5 is hash 5 of level-1 tile 0 (full at size 70,000: 273 ≥ 256).
  s = *TileSpanForNode({8, 5}, 70000);
  EXPECT_EQ(s.tile, (TileId{1, 0, 256}));
  EXPECT_EQ(s.count, 1);
  // In the partial level-0 tile 273 (width 112).
  s = *TileSpanForNode({4, 273 * 16 + 6}, 70000);
  EXPECT_EQ(s.tile, (TileId{0, 273, 112}));
  EXPECT_EQ(s.offset, 96);
  EXPECT_EQ(s.count, 16);
  EXPECT_EQ(TileSpanForNode({4, 273 * 16 + 7}, 70000).error().code(), "ledger.tile-not-in-tree");
  EXPECT_FALSE(TileSpanForNode({63, 2}, 70000).ok());
  EXPECT_FALSE(TileSpanForNode({64, 0}, UINT64_MAX).ok());
}

TEST(TileTest, TileContentsRoundTrip) {
  std::vector<Hash> hashes(3);
  for (size_t i = 0; i < 3; ++i) hashes[i] = Sha().HashLeaf(std::to_string(i));
  const std::string bytes = EncodeTile(hashes);
  EXPECT_EQ(bytes.size(), 96u);
  EXPECT_EQ(*DecodeTile(bytes, 3), hashes);
  EXPECT_EQ(DecodeTile(bytes, 4).error().code(), "ledger.bad-tile");
  EXPECT_EQ(DecodeTile(bytes + "x", 3).error().code(), "ledger.bad-tile");
  EXPECT_EQ(DecodeTile("", 0).error().code(), "ledger.bad-tile");
}

// Proofs computed from tiles equal proofs computed from the node store, at sizes that cross
// tile boundaries on two levels; every call fetches each tile once.
TEST(TileTest, ProofsFromTilesEqualProofsFromNodes) {
  MemoryTree tree(Sha());
  std::vector<Hash> roots = {Sha().EmptyRoot()};
  for (int i = 0; i < 70000; ++i) {
    tree.AppendEntry("e" + std::to_string(i));
    if (i < 600) roots.push_back(tree.range().Root());
  }
  std::mt19937_64 rng(9);
  for (uint64_t size : {1ull, 255ull, 256ull, 257ull, 511ull, 512ull, 65535ull, 65536ull, 65537ull,
                        69999ull, 70000ull}) {
    int tile_calls = 0;
    HashReader tiles = TileHashReader(size, tree.Tiles(size, &tile_calls), Sha());
    const Hash root = *TreeRoot(size, tree.Reader(), Sha());
    Result<Hash> root_from_tiles = TreeRoot(size, tiles, Sha());
    ASSERT_TRUE(root_from_tiles.ok()) << size << ": " << root_from_tiles.error().ToString();
    EXPECT_EQ(*root_from_tiles, root) << size;
    for (int k = 0; k < 20; ++k) {
      const uint64_t i = rng() % size;
      tile_calls = 0;
      Result<std::vector<Hash>> a = InclusionProof(i, size, tiles, Sha());
      ASSERT_TRUE(a.ok()) << a.error().ToString();
      EXPECT_LE(tile_calls, 1);
      EXPECT_EQ(*a, *InclusionProof(i, size, tree.Reader(), Sha()));
      EXPECT_TRUE(
          VerifyInclusion(Sha(), i, size, Sha().HashLeaf("e" + std::to_string(i)), *a, root).ok());
      const uint64_t m = 1 + rng() % size;
      Result<std::vector<Hash>> c = ConsistencyProof(m, size, tiles, Sha());
      ASSERT_TRUE(c.ok()) << c.error().ToString();
      EXPECT_EQ(*c, *ConsistencyProof(m, size, tree.Reader(), Sha()));
    }
  }
  // A tile reader that lies about a tile's size is caught.
  HashReader broken = TileHashReader(
      300,
      [](std::span<const TileId> ids) -> Result<std::vector<std::string>> {
        return std::vector<std::string>(ids.size(), std::string(64, 'x'));
      },
      Sha());
  Result<Hash> r = TreeRoot(300, broken, Sha());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "ledger.bad-tile");
}

TEST(EntryBundleTest, RoundTripAndLimits) {
  const std::vector<std::string> entries = {"", "a", std::string(300, 'b'),
                                            std::string(65535, 'c')};
  Result<std::string> bundle = EncodeEntryBundle(entries);
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle->size(), 2 * 4 + 1 + 300 + 65535u);
  EXPECT_EQ(bundle->substr(0, 5), std::string("\x00\x00\x00\x01"
                                              "a",
                                              5));
  EXPECT_EQ(*DecodeEntryBundle(*bundle), entries);
  EXPECT_EQ(EncodeEntryBundle(std::vector<std::string>{std::string(65536, 'd')}).error().code(),
            "ledger.entry-too-large");
  EXPECT_EQ(DecodeEntryBundle(bundle->substr(0, bundle->size() - 1)).error().code(),
            "ledger.bad-entry-bundle");
  EXPECT_EQ(DecodeEntryBundle(std::string("\x00", 1)).error().code(), "ledger.bad-entry-bundle");
  EXPECT_TRUE(DecodeEntryBundle("")->empty());
}

// Interoperability: a log written by Tessera (transparency-dev), one entry per run.
TEST(EntryBundleTest, TesseraLogRecomputes) {
  const fs::path log = kTestdata / "tessera-log";
  const std::vector<std::string> words = {"one",    "two",   "three",    "four",    "five",
                                          "six",    "seven", "eit",      "nain",    "ten",
                                          "ileven", "twelf", "threeten", "fourten", "fivten"};
  for (size_t n = 1; n <= 15; ++n) {
    const std::string suffix = ".p/" + std::to_string(n);
    Result<std::vector<std::string>> entries =
        DecodeEntryBundle(ReadFile(log / ("tile/entries/000" + suffix)));
    ASSERT_TRUE(entries.ok()) << n;
    ASSERT_EQ(entries->size(), n);
    EXPECT_EQ(*entries, std::vector<std::string>(words.begin(), words.begin() + n));
    Result<std::vector<Hash>> tile = DecodeTile(ReadFile(log / ("tile/0/000" + suffix)), n);
    ASSERT_TRUE(tile.ok()) << n;
    for (size_t i = 0; i < n; ++i) EXPECT_EQ((*tile)[i], Sha().HashLeaf((*entries)[i]));
    // The checkpoint of size n carries the root of these leaves (third line).
    const std::string checkpoint = ReadFile(log / ("checkpoint." + std::to_string(n)));
    const size_t l1 = checkpoint.find('\n'), l2 = checkpoint.find('\n', l1 + 1),
                 l3 = checkpoint.find('\n', l2 + 1);
    EXPECT_EQ(checkpoint.substr(l1 + 1, l2 - l1 - 1), std::to_string(n));
    EXPECT_EQ(checkpoint.substr(l2 + 1, l3 - l2 - 1), HashBase64(RootFromLeafHashes(Sha(), *tile)));
  }
}

}  // namespace
}  // namespace zhijian::ledger
