#include "zhijian/ledger/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <memory>

#include "zhijian/base/digest.h"
#include "zhijian/ledger/encoding.h"

namespace zhijian::ledger {
namespace {

// ---- hashers --------------------------------------------------------------------------------

EVP_MD_CTX* ThreadDigestContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           &EVP_MD_CTX_free);
  if (!ctx) std::abort();  // out of memory
  return ctx.get();
}

class EvpTreeHasher final : public TreeHasher {
 public:
  EvpTreeHasher(std::string_view name, EVP_MD* md) : name_(name), md_(md) {}
  std::string_view name() const override { return name_; }
  Hash Digest(std::span<const std::string_view> parts) const override {
    EVP_MD_CTX* ctx = ThreadDigestContext();
    Hash out{};
    unsigned int len = 0;
    bool ok = EVP_DigestInit_ex2(ctx, md_, nullptr) == 1;
    for (std::string_view p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == out.size();
    if (!ok) std::abort();  // a fetched 32-byte digest does not fail on valid input
    return out;
  }

 private:
  std::string_view name_;
  EVP_MD* md_;  // fetched once, never freed (process-wide singleton)
};

// Fetches a digest with a 32-byte output, or nullptr.
EVP_MD* FetchDigest(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md != nullptr && EVP_MD_get_size(md) != static_cast<int>(kHashSize)) {
    EVP_MD_free(md);
    return nullptr;
  }
  return md;
}

// ---- errors ---------------------------------------------------------------------------------

Error BadRequest(std::string detail) {
  return Error::Invalid("ledger.bad-proof-request", "证明请求的参数无效",
                        "invalid proof request (index or tree sizes)", std::move(detail));
}

Error InclusionInvalid(std::string detail) {
  return Error(Error::Kind::kUnprocessable, "ledger.inclusion-proof-invalid", "包含性证明验证失败",
               "the inclusion proof does not verify", std::move(detail));
}

Error ConsistencyInvalid(std::string detail) {
  return Error(Error::Kind::kUnprocessable, "ledger.consistency-proof-invalid",
               "一致性证明验证失败", "the consistency proof does not verify", std::move(detail));
}

Error NotInTree(std::string detail) {
  return Error::NotFound("ledger.tile-not-in-tree", "该树大小下不存在此瓦片",
                         "no such tile in a tree of this size", std::move(detail));
}

Error BadTilePath(std::string detail) {
  return Error::NotFound("ledger.bad-tile-path", "瓦片路径无效", "malformed tile path",
                         std::move(detail));
}

// ---- ranges ---------------------------------------------------------------------------------

struct Range {
  uint64_t begin;
  uint64_t end;
};

// The largest power of two strictly smaller than n (n > 1).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

bool IsPerfect(uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  return std::has_single_bit(n) && (begin & (n - 1)) == 0;
}

// The perfect nodes from which MTH(D[begin:end]) is computed, in evaluation order.
void CollectRange(uint64_t begin, uint64_t end, std::vector<NodeId>* out) {
  if (IsPerfect(begin, end)) {
    const auto level = static_cast<uint8_t>(std::countr_zero(end - begin));
    out->push_back({level, begin >> level});
    return;
  }
  const uint64_t k = SplitPoint(end - begin);
  CollectRange(begin, begin + k, out);
  CollectRange(begin + k, end, out);
}

// MTH(D[begin:end]) from the hashes CollectRange listed, consumed from *it.
Hash EvalRange(uint64_t begin, uint64_t end, const Hash** it, const TreeHasher& hasher) {
  if (IsPerfect(begin, end)) return *(*it)++;
  const uint64_t k = SplitPoint(end - begin);
  const Hash left = EvalRange(begin, begin + k, it, hasher);
  const Hash right = EvalRange(begin + k, end, it, hasher);
  return hasher.HashChildren(left, right);
}

Result<std::vector<Hash>> HashRanges(const std::vector<Range>& ranges, const HashReader& reader,
                                     const TreeHasher& hasher) {
  std::vector<NodeId> ids;
  for (const Range& r : ranges) CollectRange(r.begin, r.end, &ids);
  std::vector<Hash> out;
  if (ids.empty()) return out;
  ZJ_ASSIGN_OR_RETURN(std::vector<Hash> hashes, reader(ids));
  if (hashes.size() != ids.size()) {
    return Error::Internal("ledger.hash-reader", "reader returned " +
                                                     std::to_string(hashes.size()) +
                                                     " hashes for " + std::to_string(ids.size()));
  }
  const Hash* it = hashes.data();
  out.reserve(ranges.size());
  for (const Range& r : ranges) out.push_back(EvalRange(r.begin, r.end, &it, hasher));
  return out;
}

// RFC 9162 PATH(index, D[0:size]) as ranges, leaf sibling first.
std::vector<Range> InclusionRanges(uint64_t index, uint64_t size) {
  std::vector<Range> ranges;
  uint64_t begin = 0, end = size;
  while (end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    if (index < begin + k) {
      ranges.push_back({begin + k, end});
      end = begin + k;
    } else {
      ranges.push_back({begin, begin + k});
      begin += k;
    }
  }
  std::reverse(ranges.begin(), ranges.end());
  return ranges;
}

// RFC 9162 PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true) as ranges.
std::vector<Range> ConsistencyRanges(uint64_t size1, uint64_t size2) {
  std::vector<Range> ranges;
  uint64_t begin = 0, end = size2, m = size1;
  bool whole = true;  // the SUBPROOF flag b
  while (true) {
    if (m == end - begin) {
      if (!whole) ranges.push_back({begin, end});
      break;
    }
    const uint64_t k = SplitPoint(end - begin);
    if (m <= k) {
      ranges.push_back({begin + k, end});
      end = begin + k;
    } else {
      ranges.push_back({begin, begin + k});
      m -= k;
      begin += k;
      whole = false;
    }
  }
  std::reverse(ranges.begin(), ranges.end());
  return ranges;
}

bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// Decimal without leading zeros (except "0").
bool ParseCanonicalDecimal(std::string_view s, uint64_t* out) {
  if (s.size() > 1 && s[0] == '0') return false;
  return ParseDecimal(s, out);
}

}  // namespace

// ---- hashes ---------------------------------------------------------------------------------

Result<Hash> HashFromBytes(std::string_view bytes) {
  if (bytes.size() != kHashSize) {
    return Error::Invalid("ledger.bad-hash", "哈希值应为32字节", "a hash has 32 bytes",
                          "got " + std::to_string(bytes.size()));
  }
  Hash h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 2 * kHashSize) {
    return Error::Invalid("ledger.bad-hash", "哈希值应为64位十六进制数字",
                          "a hex hash has 64 digits", "got " + std::to_string(hex.size()));
  }
  Hash h{};
  for (size_t i = 0; i < kHashSize; ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = hex[2 * i + k];
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) {
        return Error::Invalid("ledger.bad-hash", "哈希值的十六进制表示无效", "invalid hex hash",
                              "character " + std::to_string(2 * i + k + 1));
      }
      v = v * 16 + d;
    }
    h[i] = static_cast<uint8_t>(v);
  }
  return h;
}

Result<Hash> HashFromBase64(std::string_view text) {
  Result<std::string> bytes = Base64Decode(text);
  if (!bytes) {
    return Error::Invalid("ledger.bad-hash", "哈希值的 Base64 表示无效", "invalid Base64 hash");
  }
  return HashFromBytes(*bytes);
}

std::string HashHex(const Hash& h) { return HexEncode(HashBytes(h)); }
std::string HashBase64(const Hash& h) { return Base64Encode(HashBytes(h)); }

// ---- hashers --------------------------------------------------------------------------------

Hash TreeHasher::HashLeaf(std::string_view entry) const {
  static constexpr char kLeafPrefix = 0x00;
  return Digest({std::string_view(&kLeafPrefix, 1), entry});
}

Hash TreeHasher::HashChildren(const Hash& left, const Hash& right) const {
  static constexpr char kNodePrefix = 0x01;
  return Digest({std::string_view(&kNodePrefix, 1), HashBytes(left), HashBytes(right)});
}

const TreeHasher& Sha256TreeHasher() {
  static const EvpTreeHasher* const hasher = [] {
    EVP_MD* md = FetchDigest("SHA256");
    if (md == nullptr) std::abort();  // the default provider always has SHA-256
    return new EvpTreeHasher("sha256", md);
  }();
  return *hasher;
}

Result<const TreeHasher*> Sm3TreeHasher() {
  static const EvpTreeHasher* const hasher = []() -> EvpTreeHasher* {
    EVP_MD* md = FetchDigest("SM3");
    return md == nullptr ? nullptr : new EvpTreeHasher("sm3", md);
  }();
  if (hasher == nullptr) {
    return Error(Error::Kind::kUnavailable, "ledger.hash-unavailable",
                 "本机 OpenSSL 不提供 SM3 算法", "SM3 is not available from this OpenSSL",
                 "EVP_MD_fetch(\"SM3\") failed");
  }
  return static_cast<const TreeHasher*>(hasher);
}

Result<const TreeHasher*> TreeHasherByName(std::string_view name) {
  if (name == "sha256") return &Sha256TreeHasher();
  if (name == "sm3") return Sm3TreeHasher();
  return Error::Invalid("ledger.unknown-hash", "未知的哈希算法", "unknown hash algorithm",
                        std::string(name));
}

// ---- trees ----------------------------------------------------------------------------------

Hash RootFromLeafHashes(const TreeHasher& hasher, std::span<const Hash> leaf_hashes) {
  CompactRange range(hasher);
  for (const Hash& h : leaf_hashes) range.Append(h);
  return range.Root();
}

std::vector<NodeId> CompactRangeNodes(uint64_t size) {
  std::vector<NodeId> nodes;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t bit = uint64_t{1} << level;
    if ((size & bit) == 0) continue;
    nodes.push_back({static_cast<uint8_t>(level), begin >> level});
    begin += bit;
  }
  return nodes;
}

Result<CompactRange> CompactRange::FromHashes(const TreeHasher& hasher, uint64_t size,
                                              std::vector<Hash> hashes) {
  if (hashes.size() != static_cast<size_t>(std::popcount(size))) {
    return Error::Invalid(
        "ledger.bad-compact-range", "紧凑范围的哈希数量与树大小不符",
        "the compact range does not match the tree size",
        std::to_string(hashes.size()) + " hashes for size " + std::to_string(size));
  }
  CompactRange range(hasher);
  range.size_ = size;
  range.hashes_ = std::move(hashes);
  return range;
}

void CompactRange::Append(const Hash& leaf_hash, const NodeSink& sink) {
  uint64_t index = size_;
  uint8_t level = 0;
  Hash h = leaf_hash;
  if (sink) sink({0, index}, h);
  // Every trailing 1 bit of the old size completes one more perfect subtree.
  for (uint64_t s = size_; (s & 1) != 0; s >>= 1) {
    h = hasher_->HashChildren(hashes_.back(), h);
    hashes_.pop_back();
    ++level;
    index >>= 1;
    if (sink) sink({level, index}, h);
  }
  hashes_.push_back(h);
  ++size_;
}

Hash CompactRange::Root() const {
  if (hashes_.empty()) return hasher_->EmptyRoot();
  Hash h = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) h = hasher_->HashChildren(hashes_[i], h);
  return h;
}

Result<Hash> TreeRoot(uint64_t size, const HashReader& reader, const TreeHasher& hasher) {
  if (size == 0) return hasher.EmptyRoot();
  ZJ_ASSIGN_OR_RETURN(std::vector<Hash> roots, HashRanges({{0, size}}, reader, hasher));
  return roots.front();
}

Result<Hash> RangeRoot(uint64_t begin, uint64_t end, const HashReader& reader,
                       const TreeHasher& hasher) {
  if (begin >= end) {
    return BadRequest("empty range [" + std::to_string(begin) + ", " + std::to_string(end) + ")");
  }
  ZJ_ASSIGN_OR_RETURN(std::vector<Hash> roots, HashRanges({{begin, end}}, reader, hasher));
  return roots.front();
}

Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const HashReader& reader,
                                         const TreeHasher& hasher) {
  if (index >= size) {
    return BadRequest("leaf index " + std::to_string(index) + " not below tree size " +
                      std::to_string(size));
  }
  return HashRanges(InclusionRanges(index, size), reader, hasher);
}

Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2, const HashReader& reader,
                                           const TreeHasher& hasher) {
  if (size1 == 0 || size1 > size2) {
    return BadRequest("need 0 < size1 <= size2, got " + std::to_string(size1) + ", " +
                      std::to_string(size2));
  }
  if (size1 == size2) return std::vector<Hash>{};
  return HashRanges(ConsistencyRanges(size1, size2), reader, hasher);
}

Result<Hash> RootFromInclusionProof(const TreeHasher& hasher, uint64_t index, uint64_t size,
                                    const Hash& leaf_hash, std::span<const Hash> proof) {
  if (index >= size) {
    return BadRequest("leaf index " + std::to_string(index) + " not below tree size " +
                      std::to_string(size));
  }
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return InclusionInvalid("proof too long");
    if ((fn & 1) != 0 || fn == sn) {
      r = hasher.HashChildren(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = hasher.HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InclusionInvalid("proof too short");
  return r;
}

Result<void> VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t size,
                             const Hash& leaf_hash, std::span<const Hash> proof, const Hash& root) {
  ZJ_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(hasher, index, size, leaf_hash, proof));
  if (computed != root) return InclusionInvalid("root mismatch");
  return Ok();
}

Result<void> VerifyConsistency(const TreeHasher& hasher, uint64_t size1, uint64_t size2,
                               std::span<const Hash> proof, const Hash& root1, const Hash& root2) {
  if (size1 == 0 || size1 > size2) {
    return BadRequest("need 0 < size1 <= size2, got " + std::to_string(size1) + ", " +
                      std::to_string(size2));
  }
  if (size1 == size2) {
    if (!proof.empty()) return ConsistencyInvalid("equal sizes need an empty proof");
    if (root1 != root2) return ConsistencyInvalid("equal sizes with different roots");
    return Ok();
  }
  if (proof.empty()) return ConsistencyInvalid("empty proof");
  // When size1 is a power of two, the old root is itself the first node of the path.
  const bool prepend = std::has_single_bit(size1);
  const size_t n = proof.size() + (prepend ? 1 : 0);
  auto at = [&](size_t i) -> const Hash& {
    if (prepend) return i == 0 ? root1 : proof[i - 1];
    return proof[i];
  };
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = at(0), sr = at(0);
  for (size_t i = 1; i < n; ++i) {
    const Hash& c = at(i);
    if (sn == 0) return ConsistencyInvalid("proof too long");
    if ((fn & 1) != 0 || fn == sn) {
      fr = hasher.HashChildren(c, fr);
      sr = hasher.HashChildren(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = hasher.HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return ConsistencyInvalid("proof too short");
  if (fr != root1) return ConsistencyInvalid("old root mismatch");
  if (sr != root2) return ConsistencyInvalid("new root mismatch");
  return Ok();
}

// ---- tiles ----------------------------------------------------------------------------------

std::string TileIndexPath(uint64_t index) {
  std::string digits = std::to_string(index);
  digits.insert(0, (3 - digits.size() % 3) % 3, '0');
  std::string out;
  for (size_t i = 0; i < digits.size(); i += 3) {
    if (i > 0) out += '/';
    if (i + 3 < digits.size()) out += 'x';
    out.append(digits, i, 3);
  }
  return out;
}

namespace {
std::string WithWidth(std::string path, uint16_t width) {
  if (width < kTileWidth) path += ".p/" + std::to_string(width);
  return path;
}
}  // namespace

std::string TilePath(const TileId& tile) {
  return WithWidth("tile/" + std::to_string(tile.level) + "/" + TileIndexPath(tile.index),
                   tile.width);
}

std::string EntryBundlePath(uint64_t index, uint16_t width) {
  return WithWidth("tile/entries/" + TileIndexPath(index), width);
}

Result<TileRequest> ParseTilePath(std::string_view path) {
  static constexpr std::string_view kPrefix = "tile/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return BadTilePath("no tile/ prefix");
  std::vector<std::string_view> parts;
  std::string_view rest = path.substr(kPrefix.size());
  while (true) {
    const size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (parts.size() < 2) return BadTilePath("too short");
  TileRequest req;
  if (parts[0] == "entries") {
    req.entries = true;
  } else {
    uint64_t level = 0;
    if (!ParseCanonicalDecimal(parts[0], &level) || level > 63) return BadTilePath("bad level");
    req.tile.level = static_cast<uint8_t>(level);
  }
  // Index elements: "xDDD"... then "DDD" or "DDD.p" followed by the width.
  std::string digits;
  size_t i = 1;
  for (; i < parts.size() && !parts[i].empty() && parts[i][0] == 'x'; ++i) {
    if (parts[i].size() != 4) return BadTilePath("bad index element");
    digits.append(parts[i].substr(1));
  }
  if (i >= parts.size()) return BadTilePath("missing last index element");
  std::string_view last = parts[i];
  bool partial = false;
  if (last.size() == 5 && last.substr(3) == ".p") {
    partial = true;
    last = last.substr(0, 3);
  }
  if (last.size() != 3) return BadTilePath("bad index element");
  digits.append(last);
  uint64_t index = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return BadTilePath("bad index digit");
  }
  const size_t nonzero = digits.find_first_not_of('0');
  if (nonzero != std::string::npos &&
      !ParseDecimal(std::string_view(digits).substr(nonzero), &index)) {
    return BadTilePath("index out of range");
  }
  // Only the minimal encoding names a tile ("000/005" or "x000/005" do not).
  const std::string canonical = TileIndexPath(index);
  std::string given;
  for (size_t k = 1; k <= i; ++k) {
    if (k > 1) given += '/';
    given.append(parts[k].substr(0, k == i ? 3 : parts[k].size()));
  }
  if (given != canonical) return BadTilePath("non-canonical index");
  req.tile.index = index;
  if (partial) {
    if (i + 2 != parts.size()) return BadTilePath("bad partial suffix");
    uint64_t width = 0;
    if (!ParseCanonicalDecimal(parts[i + 1], &width) || width < 1 || width > 255) {
      return BadTilePath("bad width");
    }
    req.tile.width = static_cast<uint16_t>(width);
  } else if (i + 1 != parts.size()) {
    return BadTilePath("trailing elements");
  }
  return req;
}

namespace {
// Number of complete tree-level-8·level nodes in a tree of `size` leaves.
uint64_t NodesAtTileLevel(uint8_t level, uint64_t size) {
  const int shift = kTileHeight * level;
  return shift >= 64 ? 0 : size >> shift;
}
}  // namespace

std::vector<TileLevel> TileLevels(uint64_t size) {
  std::vector<TileLevel> levels;
  for (uint8_t level = 0;; ++level) {
    const uint64_t count = NodesAtTileLevel(level, size);
    if (count == 0) break;
    levels.push_back({level, count / kTileWidth, static_cast<uint16_t>(count % kTileWidth)});
  }
  return levels;
}

Result<TileId> TileAt(uint8_t level, uint64_t index, uint64_t size) {
  const uint64_t count = NodesAtTileLevel(level, size);
  const uint64_t full = count / kTileWidth;
  if (index < full) return TileId{level, index, kTileWidth};
  if (index == full && count % kTileWidth != 0) {
    return TileId{level, index, static_cast<uint16_t>(count % kTileWidth)};
  }
  return NotInTree("level " + std::to_string(level) + " index " + std::to_string(index) + " size " +
                   std::to_string(size));
}

Result<TileSpan> TileSpanForNode(NodeId node, uint64_t size) {
  if (node.level > 63 || node.index > ((UINT64_MAX >> node.level) - 1) || node.end() > size) {
    return NotInTree("node " + std::to_string(node.level) + "/" + std::to_string(node.index) +
                     " not complete at size " + std::to_string(size));
  }
  const auto tile_level = static_cast<uint8_t>(node.level / kTileHeight);
  const int within = node.level % kTileHeight;
  const uint64_t first = node.index << within;  // index at tree level 8·tile_level
  ZJ_ASSIGN_OR_RETURN(TileId tile, TileAt(tile_level, first / kTileWidth, size));
  TileSpan span;
  span.tile = tile;
  span.offset = static_cast<uint16_t>(first % kTileWidth);
  span.count = static_cast<uint16_t>(1u << within);
  return span;
}

std::string EncodeTile(std::span<const Hash> hashes) {
  std::string out;
  out.reserve(hashes.size() * kHashSize);
  for (const Hash& h : hashes) out.append(HashBytes(h));
  return out;
}

Result<std::vector<Hash>> DecodeTile(std::string_view bytes, uint16_t width) {
  if (width == 0 || width > kTileWidth || bytes.size() != size_t{width} * kHashSize) {
    return Error::Invalid(
        "ledger.bad-tile", "瓦片大小与宽度不符", "the tile's size does not match its width",
        std::to_string(bytes.size()) + " bytes for width " + std::to_string(width));
  }
  std::vector<Hash> hashes(width);
  for (size_t i = 0; i < width; ++i) {
    std::copy_n(bytes.data() + i * kHashSize, kHashSize, hashes[i].data());
  }
  return hashes;
}

HashReader TileHashReader(uint64_t size, TileReader fetch, const TreeHasher& hasher) {
  return [size, fetch = std::move(fetch),
          hasher = &hasher](std::span<const NodeId> ids) -> Result<std::vector<Hash>> {
    std::vector<TileSpan> spans;
    std::vector<TileId> tiles;
    std::vector<size_t> tile_of;  // per span: index into tiles
    spans.reserve(ids.size());
    for (const NodeId& id : ids) {
      ZJ_ASSIGN_OR_RETURN(TileSpan span, TileSpanForNode(id, size));
      auto it = std::find(tiles.begin(), tiles.end(), span.tile);
      tile_of.push_back(static_cast<size_t>(it - tiles.begin()));
      if (it == tiles.end()) tiles.push_back(span.tile);
      spans.push_back(span);
    }
    std::vector<std::vector<Hash>> decoded;
    if (!tiles.empty()) {
      ZJ_ASSIGN_OR_RETURN(std::vector<std::string> contents, fetch(tiles));
      if (contents.size() != tiles.size()) {
        return Error::Internal("ledger.tile-reader",
                               "reader returned " + std::to_string(contents.size()) +
                                   " tiles for " + std::to_string(tiles.size()));
      }
      for (size_t t = 0; t < tiles.size(); ++t) {
        Result<std::vector<Hash>> d = DecodeTile(contents[t], tiles[t].width);
        if (!d) return d.error().WithDetail(TilePath(tiles[t]));
        decoded.push_back(std::move(*d));
      }
    }
    std::vector<Hash> out;
    out.reserve(spans.size());
    for (size_t s = 0; s < spans.size(); ++s) {
      const std::vector<Hash>& hashes = decoded[tile_of[s]];
      std::span<const Hash> sub(hashes.data() + spans[s].offset, spans[s].count);
      out.push_back(sub.size() == 1 ? sub[0] : RootFromLeafHashes(*hasher, sub));
    }
    return out;
  };
}

Result<std::string> EncodeEntryBundle(std::span<const std::string> entries) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& e = entries[i];
    if (e.size() > 0xffff) {
      return Error::Invalid("ledger.entry-too-large", "日志条目超过65535字节",
                            "a log entry is larger than 65,535 bytes",
                            "entry " + std::to_string(i) + ": " + std::to_string(e.size()));
    }
    out += static_cast<char>(e.size() >> 8);
    out += static_cast<char>(e.size() & 0xff);
    out += e;
  }
  return out;
}

Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bytes) {
  std::vector<std::string> entries;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 2) {
      return Error::Invalid("ledger.bad-entry-bundle", "条目包被截断", "truncated entry bundle",
                            "length prefix at byte " + std::to_string(pos));
    }
    const size_t len = (static_cast<size_t>(static_cast<uint8_t>(bytes[pos])) << 8) |
                       static_cast<uint8_t>(bytes[pos + 1]);
    pos += 2;
    if (bytes.size() - pos < len) {
      return Error::Invalid("ledger.bad-entry-bundle", "条目包被截断", "truncated entry bundle",
                            "entry " + std::to_string(entries.size()));
    }
    entries.emplace_back(bytes.substr(pos, len));
    pos += len;
  }
  return entries;
}

}  // namespace zhijian::ledger
