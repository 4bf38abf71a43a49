// C2SP signed notes and tlog checkpoints, verified in the browser with the log's published
// verifier key. Mirrors src/zhijian/ledger/note.h (ParseNote, OpenNote, ParseCheckpoint,
// OpenCheckpoint) for Ed25519 keys; SM2 keys (national-algorithm deployments) are recognised and
// reported as unsupported here (the CLI `zhijian log audit` checks them).
//
// Ed25519 is @noble/curves (pure JS, RFC 8032 strict verification, i.e. zip215: false, as
// libsodium's crypto_sign_verify_detached is strict about encodings).
//
// Results: { ok: true, ... } or { ok: false, error, detail? } with the server's stable error
// codes ("note.bad-key", "note.unsupported-algorithm", "note.malformed",
// "note.invalid-signature", "note.unverified", "checkpoint.malformed",
// "checkpoint.wrong-origin").
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesEqual, concatBytes, fromBase64, utf8 } from './bytes.js'
import { HASH_SIZE } from './merkle.js'

export const ED25519_TYPE = 0x01
const SM2_TYPE = Uint8Array.of(0xff, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75)
const SIGNATURE_PREFIX = '\u2014 ' // em dash, space
const MAX_SIGNATURES = 100

const fail = (error, detail) => ({ ok: false, error, detail })

// Unicode White_Space, as Go's unicode.IsSpace (note.cc IsUnicodeSpace).
function isUnicodeSpace(cp) {
  return (
    (cp >= 0x09 && cp <= 0x0d) || cp === 0x20 || cp === 0x85 || cp === 0xa0 || cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f ||
    cp === 0x205f || cp === 0x3000
  )
}

export function isValidKeyName(name) {
  if (typeof name !== 'string' || name === '') return false
  for (const ch of name) {
    const cp = ch.codePointAt(0)
    if (cp < 0x20 || ch === '+' || isUnicodeSpace(cp) || (cp >= 0xd800 && cp <= 0xdfff)) return false
  }
  return true
}

// No ASCII control characters but newline (the string is already decoded, so valid UTF-8 is
// checked where bytes are decoded; lone surrogates are refused here).
function validNoteChars(s) {
  for (const ch of s) {
    const cp = ch.codePointAt(0)
    if ((cp < 0x20 && cp !== 0x0a) || (cp >= 0xd800 && cp <= 0xdfff)) return false
  }
  return true
}

export function computeKeyId(name, typeAndKey) {
  const d = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a), typeAndKey))
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0
}

export function keyIdHex(id) {
  return (id >>> 0).toString(16).padStart(8, '0')
}

// "<name>+<id, 8 hex>+<base64(type ‖ key)>" → { ok, name, keyId, algorithm, publicKey, text }.
export function parseVerifierKey(text) {
  if (typeof text !== 'string') return fail('note.bad-key', 'not text')
  const p1 = text.indexOf('+')
  const p2 = p1 < 0 ? -1 : text.indexOf('+', p1 + 1)
  if (p1 < 0 || p2 < 0) return fail('note.bad-key', 'a verifier key is name+id+key')
  const name = text.slice(0, p1)
  const idHex = text.slice(p1 + 1, p2)
  if (!isValidKeyName(name)) return fail('note.bad-key', 'invalid key name')
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) return fail('note.bad-key', 'the key id is 8 hex digits')
  const key = fromBase64(text.slice(p2 + 1))
  if (!key || key.length === 0) return fail('note.bad-key', 'the key is not Base64')
  const keyId = parseInt(idHex, 16) >>> 0
  if (computeKeyId(name, key) !== keyId) return fail('note.bad-key', 'the key id does not match the key')
  if (key[0] === ED25519_TYPE) {
    if (key.length !== 33) return fail('note.bad-key', 'an Ed25519 public key has 32 bytes')
    return { ok: true, name, keyId, algorithm: 'ed25519', publicKey: key.slice(1), text }
  }
  if (key.length >= SM2_TYPE.length && bytesEqual(key.slice(0, SM2_TYPE.length), SM2_TYPE)) {
    return fail('note.unsupported-algorithm', 'SM2 keys are checked by zhijian log audit, not in the browser')
  }
  return fail('note.unsupported-algorithm', `signature type ${key[0]}`)
}

// Ed25519 verification of `message` (bytes) by a parsed key.
export function verifySignature(key, message, signature) {
  if (key.algorithm !== 'ed25519' || signature.length !== 64) return false
  try {
    return ed25519.verify(signature, message, key.publicKey, { zip215: false })
  } catch {
    return false
  }
}

// Splits a signed note (a string) into its text and signature lines (format only).
export function parseNote(message) {
  if (typeof message !== 'string' || !validNoteChars(message)) {
    return fail('note.malformed', 'invalid UTF-8 or a control character')
  }
  const split = message.lastIndexOf('\n\n')
  if (split < 0) return fail('note.malformed', 'no blank line before the signatures')
  const text = message.slice(0, split + 1)
  let sigs = message.slice(split + 2)
  if (sigs === '' || !sigs.endsWith('\n')) return fail('note.malformed', 'no signature lines')
  const signatures = []
  while (sigs !== '') {
    const nl = sigs.indexOf('\n')
    let line = sigs.slice(0, nl)
    sigs = sigs.slice(nl + 1)
    if (signatures.length === MAX_SIGNATURES) return fail('note.malformed', 'too many signatures')
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      return fail('note.malformed', 'a signature line starts with an em dash and a space')
    }
    line = line.slice(SIGNATURE_PREFIX.length)
    const space = line.indexOf(' ')
    if (space < 0) return fail('note.malformed', 'signature line without signature')
    const keyName = line.slice(0, space)
    if (!isValidKeyName(keyName)) return fail('note.malformed', 'invalid key name in a signature line')
    const sig = fromBase64(line.slice(space + 1))
    if (!sig || sig.length < 5) return fail('note.malformed', 'invalid signature encoding')
    const keyId = ((sig[0] << 24) | (sig[1] << 16) | (sig[2] << 8) | sig[3]) >>> 0
    signatures.push({ keyName, keyId, signature: sig.slice(4) })
  }
  return { ok: true, text, signatures }
}

// Verifies a note against known keys: signatures by unknown keys are ignored, a failing
// signature by a known key rejects the note, at least one known signature is required.
export function openNote(message, knownKeys) {
  const note = parseNote(message)
  if (!note.ok) return note
  const textBytes = utf8(note.text)
  const verified = []
  const unverified = []
  for (const s of note.signatures) {
    const key = knownKeys.find((k) => k.name === s.keyName && k.keyId === s.keyId)
    if (!key) {
      unverified.push(s)
      continue
    }
    if (verified.some((v) => v.keyName === s.keyName && v.keyId === s.keyId)) continue
    if (!verifySignature(key, textBytes, s.signature)) {
      return fail('note.invalid-signature', `${s.keyName}+${keyIdHex(s.keyId)}`)
    }
    verified.push(s)
  }
  if (verified.length === 0) return fail('note.unverified', 'no signature by a known key')
  return { ok: true, text: note.text, verified, unverified }
}

// Strict checkpoint text: origin, decimal size without leading zeros, Base64 of a 32-byte root,
// optional extension lines; every line non-empty and the text ending in a newline.
export function parseCheckpoint(text) {
  if (typeof text !== 'string' || text === '' || !text.endsWith('\n') || !validNoteChars(text)) {
    return fail('checkpoint.malformed', 'not note text ending in a newline')
  }
  const lines = text.slice(0, -1).split('\n')
  if (lines.length < 3) return fail('checkpoint.malformed', 'fewer than 3 lines')
  if (lines.some((l) => l === '')) return fail('checkpoint.malformed', 'empty line')
  const size = lines[1]
  if (!/^(0|[1-9][0-9]{0,19})$/.test(size) || BigInt(size) > 0xffffffffffffffffn) {
    return fail('checkpoint.malformed', 'tree size')
  }
  const root = fromBase64(lines[2])
  if (!root || root.length !== HASH_SIZE) return fail('checkpoint.malformed', 'root hash')
  return { ok: true, origin: lines[0], size: BigInt(size), root, extensions: lines.slice(3) }
}

export function openCheckpoint(note, key, origin) {
  const opened = openNote(note, [key])
  if (!opened.ok) return opened
  const cp = parseCheckpoint(opened.text)
  if (!cp.ok) return cp
  if (cp.origin !== origin) return fail('checkpoint.wrong-origin', cp.origin)
  return cp
}
