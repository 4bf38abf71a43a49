// Byte helpers of the verification page: strict RFC 4648 Base64 and Base32 (the spellings the
// server writes: docs/transparency-log.md), hex, UTF-8, comparison. Pure functions, no DOM, so
// that node's test runner checks them (web/test/).
//
// Strictness mirrors src/zhijian/ledger/encoding.h: Base64 with padding and zero pad bits, no
// whitespace; Base32 upper case, no padding, zero pad bits. A value that does not parse returns
// null (callers turn that into a located failure).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function utf8(text) {
  return new TextEncoder().encode(text)
}

// UTF-8 bytes → string; null for invalid UTF-8.
export function fromUtf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}

export function concatBytes(...parts) {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function bytesEqual(a, b) {
  if (!a || !b || a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

export function toHex(bytes) {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}

// Lower- or upper-case hex of an even length; null otherwise.
export function fromHex(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function toBase64(bytes) {
  let s = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63]
  }
  if (i < bytes.length) {
    const rest = bytes.length - i
    const v = (bytes[i] << 16) | (rest > 1 ? bytes[i + 1] << 8 : 0)
    s += B64[v >> 18] + B64[(v >> 12) & 63] + (rest > 1 ? B64[(v >> 6) & 63] : '=') + '='
  }
  return s
}

// Strict standard Base64 (padding required, pad bits zero); null otherwise.
export function fromBase64(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0) return null
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const body = text.slice(0, text.length - pad)
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  let acc = 0
  let bits = 0
  let at = 0
  for (const c of body) {
    const v = B64.indexOf(c)
    if (v < 0) return null
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[at++] = (acc >> bits) & 0xff
    }
    acc &= (1 << bits) - 1
  }
  if (acc !== 0 || at !== out.length) return null
  return out
}

export function toBase32(bytes) {
  let s = ''
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 5) {
      bits -= 5
      s += B32[(acc >> bits) & 31]
    }
    acc &= (1 << bits) - 1
  }
  if (bits > 0) s += B32[(acc << (5 - bits)) & 31]
  return s
}

// Strict RFC 4648 Base32, upper case, no padding, pad bits zero; null otherwise.
export function fromBase32(text) {
  if (typeof text !== 'string') return null
  // Lengths mod 8 that no whole number of bytes produces.
  if ([1, 3, 6].includes(text.length % 8)) return null
  const out = new Uint8Array(Math.floor((text.length * 5) / 8))
  let acc = 0
  let bits = 0
  let at = 0
  for (const c of text) {
    const v = B32.indexOf(c)
    if (v < 0) return null
    acc = (acc << 5) | v
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[at++] = (acc >> bits) & 0xff
    }
    acc &= (1 << bits) - 1
  }
  if (acc !== 0) return null
  return out
}
