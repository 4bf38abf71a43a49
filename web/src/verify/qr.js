// The signed QR payload of a report (docs/transparency-log.md §6), parsed and verified in the
// browser with only the published verifier key: no network. Mirrors ParseQrText and
// VerifyQrText of src/zhijian/ledger/qr.h.
//
// Payload v1, 125 bytes: version 0x01 ‖ code (20 ASCII) ‖ document SHA-256 (32) ‖ issue date
// (u32 days since 1970-01-01) ‖ key id (u32) ‖ signature (64) over
// "zhijian/qr/v1" ‖ 0x00 ‖ bytes 0..60.
// Text: "<PREFIX>/V/<Base32 payload>[/<SECRET>]" (or the bare Base32 payload); case-insensitive,
// a trailing newline tolerated. The prefix is reported, never trusted.
//
// Results: { ok: true, claims: { code, documentSha256 (hex), issueDate }, keyId, signature,
// urlPrefix, secret } or { ok: false, error, detail } with the server's stable codes
// ("qr.bad-prefix", "qr.malformed", "qr.unsupported-version", "qr.unknown-key",
// "qr.bad-signature").
import { concatBytes, fromBase32, toHex, utf8 } from './bytes.js'
import { keyIdHex, verifySignature } from './note.js'
import { parseReportCode } from './reportCode.js'

export const QR_PAYLOAD_SIZE = 125
const SIGNATURE_OFFSET = 61
const MARKER = '/V/'
const CONTEXT = concatBytes(utf8('zhijian/qr/v1'), Uint8Array.of(0))
const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/

const fail = (error, detail) => ({ ok: false, error, detail })

function normalizePrefix(prefix) {
  let p = prefix.toUpperCase()
  while (p.endsWith('/')) p = p.slice(0, -1)
  const scheme = p.startsWith('HTTPS://') || p.startsWith('HTTP://')
  const host = p.indexOf('://') + 3
  if (!scheme || p.length <= host || !ALPHANUMERIC.test(p) || p.includes(' ')) return null
  return p
}

const isSecretSegment = (s) => s.length >= 1 && s.length <= 64 && /^[A-Z2-7]+$/.test(s)

// Days since 1970-01-01 → "YYYY-MM-DD" (years 1970..9999), or null.
const LAST_DAY = 2932896 // 9999-12-31

export function isoDay(days) {
  if (!Number.isInteger(days) || days < 0 || days > LAST_DAY) return null
  return new Date(days * 86400000).toISOString().slice(0, 10)
}

export function parseQrText(text) {
  if (typeof text !== 'string') return fail('qr.malformed', 'not text')
  text = text.replace(/[\r\n]+$/, '')
  const upper = text.toUpperCase()
  let b32 = upper
  let urlPrefix = ''
  let secret = ''
  const marker = upper.lastIndexOf(MARKER)
  if (marker >= 0) {
    const prefix = normalizePrefix(upper.slice(0, marker))
    if (prefix === null) return fail('qr.bad-prefix', upper.slice(0, marker))
    urlPrefix = prefix
    b32 = upper.slice(marker + MARKER.length)
    const slash = b32.indexOf('/')
    if (slash >= 0) {
      secret = b32.slice(slash + 1)
      b32 = b32.slice(0, slash)
      if (!isSecretSegment(secret)) return fail('qr.malformed', 'the segment after the payload')
    }
  } else if (upper.includes('://')) {
    return fail('qr.malformed', 'a URL without /V/')
  }
  const bytes = fromBase32(b32)
  if (!bytes) return fail('qr.malformed', 'payload is not Base32')
  if (bytes.length !== QR_PAYLOAD_SIZE) {
    if (bytes.length > SIGNATURE_OFFSET && bytes[0] !== 1) return fail('qr.unsupported-version', String(bytes[0]))
    return fail('qr.malformed', 'payload is not 125 bytes')
  }
  if (bytes[0] !== 1) return fail('qr.unsupported-version', String(bytes[0]))
  const code = String.fromCharCode(...bytes.slice(1, 21))
  const parsed = parseReportCode(code)
  if (!parsed.ok || parsed.code !== code) return fail('qr.malformed', 'invalid report code')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const issueDate = isoDay(view.getUint32(53))
  if (issueDate === null) return fail('qr.malformed', 'issue date out of range')
  return {
    ok: true,
    claims: { code, documentSha256: toHex(bytes.slice(21, 53)), issueDate },
    keyId: view.getUint32(57),
    body: bytes.slice(0, SIGNATURE_OFFSET),
    signature: bytes.slice(SIGNATURE_OFFSET),
    urlPrefix,
    secret,
  }
}

// Parses and verifies with the key among `keys` (parsed verifier keys, note.js) whose id matches.
export function verifyQrText(text, keys) {
  const p = parseQrText(text)
  if (!p.ok) return p
  const key = keys.find((k) => k.keyId === p.keyId)
  if (!key) return fail('qr.unknown-key', `key id ${keyIdHex(p.keyId)}`)
  if (!verifySignature(key, concatBytes(CONTEXT, p.body), p.signature)) return fail('qr.bad-signature', key.name)
  return { ...p, keyName: key.name }
}
