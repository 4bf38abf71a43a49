// Digests computed in the browser: the SHA-256 of a dropped report file, read in chunks so that a
// large PDF neither blocks the page nor sits in memory twice, with progress; and the salted
// digests of client, sample and results (docs/transparency-log.md §1) that the holder of the
// verification secret can recompute. @noble/hashes, because crypto.subtle is missing on
// plain-http origins (a phone opening the page by LAN address).
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, toHex, utf8 } from './bytes.js'

export const CHUNK_SIZE = 1 << 20

// SHA-256 (hex) of a Blob/File (anything with `size` and `slice(a, b).arrayBuffer()`).
// onProgress(doneBytes, totalBytes) after each chunk; yields to the event loop between chunks so
// the page can repaint its progress bar. Rejects with an AbortError when `signal` is aborted.
export async function sha256OfBlob(blob, { chunkSize = CHUNK_SIZE, onProgress, signal } = {}) {
  const h = sha256.create()
  const total = blob.size
  onProgress?.(0, total)
  for (let at = 0; at < total; at += chunkSize) {
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError')
    const part = new Uint8Array(await blob.slice(at, Math.min(at + chunkSize, total)).arrayBuffer())
    h.update(part)
    onProgress?.(Math.min(at + chunkSize, total), total)
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  return toHex(h.digest())
}

// SHA-256(salt ‖ UTF-8 value), hex.
export function saltedDigest(salt, value) {
  return toHex(sha256(concatBytes(salt, utf8(value))))
}

// The canonical results text of registration.h (CanonicalResults) from the fields the verify
// answer shows with a valid secret: keys sorted, no whitespace, strings as JSON.stringify writes
// them, every key present (absent texts and dates are "").
export function canonicalResults(details) {
  const s = (v) => JSON.stringify(v ?? '')
  const lines = (details.test_lines || []).map(
    (l) =>
      `{"item":${s(l.item)},"limit":${s(l.limit)},"parameter":${s(l.parameter)},"result":${s(l.result)},` +
      `"standard":${s(l.standard)},"unit":${s(l.unit)},"verdict":${s(l.verdict)}}`,
  )
  return (
    `{"conclusion":${s(details.conclusion)},"dates":{"receipt":${s(details.receipt_date)},` +
    `"sampling":${s(details.sampling_date)},"test_end":${s(details.test_end_date)},` +
    `"test_start":${s(details.test_start_date)}},"signatories":[${(details.signatories || []).map(s).join(',')}],` +
    `"test_lines":[${lines.join(',')}]}`
  )
}
