// RFC 9162 Merkle tree hashing and proof verification in the browser (the page's own check of
// what the server claims). Mirrors src/zhijian/ledger/merkle.h: leaf hash SHA-256(0x00 ‖ entry),
// node hash SHA-256(0x01 ‖ left ‖ right); inclusion proofs (RFC 9162 §2.1.3.2) and consistency
// proofs (§2.1.4.2), with the same edge-case decisions (docs/transparency-log.md §3): hashes are
// exactly 32 bytes, a consistency proof from size 0 is refused, m = n holds only with an empty
// proof and equal roots.
//
// SHA-256 is @noble/hashes (pure JS): crypto.subtle exists only on secure origins, and the page
// must work when opened over plain http on a LAN. Sizes and indexes are BigInt internally (trees
// may exceed 2^32 leaves; JS bit operators are 32-bit).
//
// verifyInclusion / verifyConsistency return { ok: true } or { ok: false, reason } where reason
// is a short stable word: 'bad-hash-size', 'index-out-of-range', 'proof-too-long',
// 'proof-too-short', 'root-mismatch', 'empty-proof', 'size-zero', 'sizes-reversed',
// 'proof-not-empty'.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesEqual, concatBytes } from './bytes.js'

export const HASH_SIZE = 32

export function leafHash(entry) {
  return sha256(concatBytes(Uint8Array.of(0), entry))
}

export function nodeHash(left, right) {
  return sha256(concatBytes(Uint8Array.of(1), left, right))
}

const isHash = (h) => h instanceof Uint8Array && h.length === HASH_SIZE

// The root that `proof` leads to from `leaf` at `index` in a tree of `size`, or a reason.
function rootFromInclusion(index, size, leaf, proof) {
  let fn = BigInt(index)
  let sn = BigInt(size) - 1n
  let r = leaf
  for (const p of proof) {
    if (sn === 0n) return { reason: 'proof-too-long' }
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r)
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn >>= 1n
    sn >>= 1n
  }
  if (sn !== 0n) return { reason: 'proof-too-short' }
  return { root: r }
}

export function verifyInclusion(index, size, leaf, proof, root) {
  if (!isHash(leaf) || !isHash(root) || !(proof || []).every(isHash)) return { ok: false, reason: 'bad-hash-size' }
  if (BigInt(index) < 0n || BigInt(index) >= BigInt(size)) return { ok: false, reason: 'index-out-of-range' }
  const got = rootFromInclusion(index, size, leaf, proof || [])
  if (got.reason) return { ok: false, reason: got.reason }
  return bytesEqual(got.root, root) ? { ok: true } : { ok: false, reason: 'root-mismatch' }
}

export function verifyConsistency(size1, size2, proof, root1, root2) {
  proof = proof || []
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return { ok: false, reason: 'bad-hash-size' }
  let m = BigInt(size1)
  let n = BigInt(size2)
  if (m === 0n) return { ok: false, reason: 'size-zero' }
  if (m > n) return { ok: false, reason: 'sizes-reversed' }
  if (m === n) {
    if (proof.length !== 0) return { ok: false, reason: 'proof-not-empty' }
    return bytesEqual(root1, root2) ? { ok: true } : { ok: false, reason: 'root-mismatch' }
  }
  if (proof.length === 0) return { ok: false, reason: 'empty-proof' }
  let path = proof
  if ((m & (m - 1n)) === 0n) path = [root1, ...proof] // m is a power of two
  let fn = m - 1n
  let sn = n - 1n
  while ((fn & 1n) === 1n) {
    fn >>= 1n
    sn >>= 1n
  }
  let fr = path[0]
  let sr = path[0]
  for (const c of path.slice(1)) {
    if (sn === 0n) return { ok: false, reason: 'proof-too-long' }
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn >>= 1n
    sn >>= 1n
  }
  if (sn !== 0n) return { ok: false, reason: 'proof-too-short' }
  if (!bytesEqual(fr, root1) || !bytesEqual(sr, root2)) return { ok: false, reason: 'root-mismatch' }
  return { ok: true }
}
