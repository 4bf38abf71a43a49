// Merkle tree maths of the transparency log: RFC 9162 (= RFC 6962) hashing, roots, the
// incremental compact range, inclusion and consistency proofs, and the C2SP tlog-tiles layout.
//
// Purpose: the pure, storage-free core of the log (issue 4). Storage, HTTP and the CLI build on
// it: they keep the hashes of perfect subtrees (in practice the tile levels 0, 8, 16, ...) and
// hand them to the proof generators through a `HashReader`; `TileHashReader` turns a tile
// fetcher into such a reader, so the same code serves proofs from a database or from tiles.
// The formats and every decision below are documented for outside auditors in
// docs/transparency-log.md.
//
// Hashing (RFC 9162 §2.1.1): leaf = H(0x00 ‖ entry), node = H(0x01 ‖ left ‖ right), the empty
// tree = H(""); a tree of n > 1 leaves splits at the largest power of two k < n. H is pluggable
// (`TreeHasher`): SHA-256 by default (the only hash of RFC 9162 and C2SP), SM3 (GB/T 32905) for
// deployments that must use national algorithms. Both give 32-byte hashes.
//
// Proof conventions (RFC 9162 §2.1.3-2.1.4; the edge cases, decided as transparency-dev/merkle
// does, so that its published probes pass):
//   - inclusion: 0 ≤ index < size, else "ledger.bad-proof-request"; size 1 has an empty proof.
//   - consistency: 0 < size1 ≤ size2, else "ledger.bad-proof-request". A consistency proof
//     from the empty tree is meaningless and refused, also for (0, 0): callers that hold a
//     size-0 checkpoint accept any later tree without a proof. size1 == size2 has the empty
//     proof and verifies iff the two roots are equal.
//   - hashes are exactly 32 bytes everywhere; text or bytes of another length do not parse
//     (`HashFromBytes`), so they never reach a verifier.
// Verification failures are "ledger.inclusion-proof-invalid" / "ledger.consistency-proof-
// invalid" (kUnprocessable, detail: what failed).
//
// Ownership: `TreeHasher`s returned here are process-wide immutable singletons. `CompactRange`
// keeps a pointer to its hasher. Thread-safety: all functions are pure; hashers are safe to use
// from any thread at once (each thread uses its own digest context); a `CompactRange` is a
// plain value (one writer at a time). Errors from a `HashReader` are passed through unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zhijian/base/result.h"

namespace zhijian::ledger {

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

// The 32 bytes of a hash as a string_view (valid while `h` lives).
inline std::string_view HashBytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}
// Errors: "ledger.bad-hash" (kInvalidArgument) unless exactly 32 bytes / 64 hex digits /
// canonical Base64 of 32 bytes.
Result<Hash> HashFromBytes(std::string_view bytes);
Result<Hash> HashFromHex(std::string_view hex);
Result<Hash> HashFromBase64(std::string_view text);
std::string HashHex(const Hash& h);
std::string HashBase64(const Hash& h);

// ---------------------------------------------------------------------------------------------
// Hashing

class TreeHasher {
 public:
  virtual ~TreeHasher() = default;
  // "sha256" or "sm3".
  virtual std::string_view name() const = 0;
  // The digest of the concatenation of `parts`.
  virtual Hash Digest(std::span<const std::string_view> parts) const = 0;

  Hash Digest(std::initializer_list<std::string_view> parts) const {
    return Digest(std::span<const std::string_view>(parts.begin(), parts.size()));
  }
  Hash EmptyRoot() const { return Digest({}); }
  // H(0x00 ‖ entry).
  Hash HashLeaf(std::string_view entry) const;
  // H(0x01 ‖ left ‖ right).
  Hash HashChildren(const Hash& left, const Hash& right) const;
};

// SHA-256 (OpenSSL EVP, the default provider).
const TreeHasher& Sha256TreeHasher();
// SM3 (OpenSSL 3 EVP "SM3"). Error "ledger.hash-unavailable" (kUnavailable) when the OpenSSL
// providers loaded in this process do not offer it.
Result<const TreeHasher*> Sm3TreeHasher();
// "sha256" or "sm3". Error "ledger.unknown-hash" (kInvalidArgument) for other names, or the
// error of Sm3TreeHasher.
Result<const TreeHasher*> TreeHasherByName(std::string_view name);

// ---------------------------------------------------------------------------------------------
// Trees

// A perfect subtree: the 2^level leaves [index·2^level, (index+1)·2^level). Level 0 nodes are
// leaf hashes.
struct NodeId {
  uint8_t level = 0;
  uint64_t index = 0;
  uint64_t begin() const { return index << level; }
  uint64_t end() const { return (index + 1) << level; }
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// MTH of the leaves whose hashes are given (RFC 9162 §2.1.1), computed in memory.
Hash RootFromLeafHashes(const TreeHasher& hasher, std::span<const Hash> leaf_hashes);

// The perfect subtrees whose concatenation is [0, size), left to right, largest first (one per
// set bit of size).
std::vector<NodeId> CompactRangeNodes(uint64_t size);

// The incremental builder (RFC 9162 §2.1.2, "compact range"): the roots of the perfect
// subtrees of the leaves appended so far. O(log n) memory, amortised O(1) hashes per append.
class CompactRange {
 public:
  // Called for every node that becomes complete, the leaf itself first (level 0), then each
  // parent it completes, bottom up. Storage keeps the ones it needs (e.g. level % 8 == 0).
  using NodeSink = std::function<void(NodeId, const Hash&)>;

  explicit CompactRange(const TreeHasher& hasher) : hasher_(&hasher) {}
  // Resumes from a stored state: `hashes` are the hashes of CompactRangeNodes(size), in order.
  // Error "ledger.bad-compact-range" (kInvalidArgument) if the count does not match.
  static Result<CompactRange> FromHashes(const TreeHasher& hasher, uint64_t size,
                                         std::vector<Hash> hashes);

  void Append(const Hash& leaf_hash, const NodeSink& sink = nullptr);
  uint64_t size() const { return size_; }
  // MTH of the leaves appended so far (EmptyRoot() for none).
  Hash Root() const;
  // The hashes of CompactRangeNodes(size()), in order.
  const std::vector<Hash>& hashes() const { return hashes_; }

 private:
  const TreeHasher* hasher_;
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

// Reads stored hashes of perfect subtrees: must return exactly one hash per id, in order, or
// an error (storage: "…not-found" when a node is missing). Proof functions call it once.
using HashReader = std::function<Result<std::vector<Hash>>(std::span<const NodeId> ids)>;

// The root of the tree of `size` leaves (EmptyRoot for 0), from stored nodes.
Result<Hash> TreeRoot(uint64_t size, const HashReader& reader, const TreeHasher& hasher);
// MTH(D[begin:end]): the RFC 9162 root of the sub-list of leaves begin..end-1, from stored
// nodes (the aligned perfect subtrees it decomposes into). Requires begin < end, else
// "ledger.bad-proof-request". Proof elements are such range roots.
Result<Hash> RangeRoot(uint64_t begin, uint64_t end, const HashReader& reader,
                       const TreeHasher& hasher);
// PATH(index, D[size]) of RFC 9162 §2.1.3.1, leaf sibling first.
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const HashReader& reader,
                                         const TreeHasher& hasher);
// PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1 (empty for size1 == size2).
Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2, const HashReader& reader,
                                           const TreeHasher& hasher);

// The root implied by an inclusion proof (RFC 9162 §2.1.3.2 without the final comparison).
Result<Hash> RootFromInclusionProof(const TreeHasher& hasher, uint64_t index, uint64_t size,
                                    const Hash& leaf_hash, std::span<const Hash> proof);
// RFC 9162 §2.1.3.2.
Result<void> VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t size,
                             const Hash& leaf_hash, std::span<const Hash> proof, const Hash& root);
// RFC 9162 §2.1.4.2, with the edge cases of the top comment.
Result<void> VerifyConsistency(const TreeHasher& hasher, uint64_t size1, uint64_t size2,
                               std::span<const Hash> proof, const Hash& root1, const Hash& root2);

// ---------------------------------------------------------------------------------------------
// C2SP tlog-tiles (https://c2sp.org/tlog-tiles)

inline constexpr int kTileHeight = 8;
inline constexpr uint16_t kTileWidth = 256;  // hashes in a full tile (8,192 bytes)

// Tile `index` of `level`: the tree-level 8·level hashes [index·256, index·256 + width).
// width 256 is a full tile; 1..255 a partial one.
struct TileId {
  uint8_t level = 0;
  uint64_t index = 0;
  uint16_t width = kTileWidth;
  bool partial() const { return width < kTileWidth; }
  friend bool operator==(const TileId&, const TileId&) = default;
};

// The index as path elements: 1234067 -> "x001/x234/067", 5 -> "005".
std::string TileIndexPath(uint64_t index);
// "tile/0/x001/x234/067", "tile/1/000.p/17" (relative to the log prefix).
std::string TilePath(const TileId& tile);
// "tile/entries/x001/067", "tile/entries/000.p/3".
std::string EntryBundlePath(uint64_t index, uint16_t width = kTileWidth);

// A parsed tile URL path (after the log prefix): either a hash tile or an entry bundle.
struct TileRequest {
  bool entries = false;  // true for tile/entries/...; `tile.level` is then 0
  TileId tile;
};
// Parses "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]" strictly per C2SP (L 0..63
// without leading zeros, 3-digit groups with 'x' on all but the last, W 1..255 without leading
// zeros, no redundant leading "x000" groups). Error "ledger.bad-tile-path" (kNotFound: a
// malformed path names no resource).
Result<TileRequest> ParseTilePath(std::string_view path);

// What a tree of `size` leaves publishes at one tile level.
struct TileLevel {
  uint8_t level = 0;
  uint64_t full_tiles = 0;     // tiles 0 .. full_tiles-1 are full
  uint16_t partial_width = 0;  // 0: no partial tile; else tile `full_tiles` has this width
};
// Every level with at least one tile, from level 0 up (empty for size 0). Example from the
// spec: 70,000 -> {0, 273, 112}, {1, 1, 17}, {2, 0, 1}.
std::vector<TileLevel> TileLevels(uint64_t size);
// The tile of `level` and `index` as published at tree `size` (full, or its partial width);
// error "ledger.tile-not-in-tree" (kNotFound) when the tree of that size has no such tile.
Result<TileId> TileAt(uint8_t level, uint64_t index, uint64_t size);

// Where a perfect subtree's hash comes from in the tiles of a tree of `size`: the MTH of the
// hashes [offset, offset + count) of `tile` (count = 1 when the node is itself a tile hash,
// i.e. its level is a multiple of 8). Error "ledger.tile-not-in-tree" when the node is not
// complete in a tree of that size.
struct TileSpan {
  TileId tile;
  uint16_t offset = 0;
  uint16_t count = 1;
};
Result<TileSpan> TileSpanForNode(NodeId node, uint64_t size);

// Tile contents: the concatenated 32-byte hashes. DecodeTile checks the size against
// `width` ("ledger.bad-tile", kInvalidArgument).
std::string EncodeTile(std::span<const Hash> hashes);
Result<std::vector<Hash>> DecodeTile(std::string_view bytes, uint16_t width);

// Fetches tiles: exactly one content per id, in order, or an error.
using TileReader = std::function<Result<std::vector<std::string>>(std::span<const TileId> tiles)>;
// A HashReader for a tree of `size` leaves backed by tiles: every call fetches each needed tile
// once (one TileReader call) and recomputes the inner levels of the tiles.
HashReader TileHashReader(uint64_t size, TileReader fetch, const TreeHasher& hasher);

// Entry bundles: each entry as a big-endian uint16 length followed by its bytes.
// Errors: "ledger.entry-too-large" (kInvalidArgument, an entry over 65,535 bytes),
// "ledger.bad-entry-bundle" (kInvalidArgument: truncated length or entry).
Result<std::string> EncodeEntryBundle(std::span<const std::string> entries);
Result<std::vector<std::string>> DecodeEntryBundle(std::string_view bytes);

}  // namespace zhijian::ledger
