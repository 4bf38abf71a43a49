// What the page remembers on this device (localStorage): the log's published verifier key, so
// that a QR is checked offline from the second visit on, and the largest checkpoint verified
// here, so that every later checkpoint must be consistent with it (a log that rewrote or forked
// its history fails here, as it would for an auditor). Trust on first use: the first key comes
// from GET /api/v1/public/log-key; a later answer signed by another key fails loudly instead of
// replacing the remembered one (the user can refresh the key deliberately).
//
// `storage` is anything with getItem/setItem/removeItem (window.localStorage, or a Map-backed
// object in tests).
import { parseVerifierKey } from './note.js'

export const KEY_ITEM = 'zj.verify.logKey'
export const CHECKPOINT_ITEM = 'zj.verify.checkpoint'

function read(storage, item) {
  try {
    const text = storage?.getItem(item)
    return text ? JSON.parse(text) : null
  } catch {
    return null
  }
}

function write(storage, item, value) {
  try {
    storage?.setItem(item, JSON.stringify(value))
  } catch {
    // private mode or quota: the page works without memory
  }
}

// { record, key } from storage, or null when nothing (valid) is remembered.
export function cachedKey(storage) {
  const record = read(storage, KEY_ITEM)
  if (!record || typeof record.verifier_key !== 'string') return null
  const key = parseVerifierKey(record.verifier_key)
  return key.ok ? { record, key } : null
}

// The remembered key, or the one `fetchKey()` returns (then remembered). Resolves to
// { record, key, fetched } or rejects with the fetch's error; a fetched key that does not parse
// rejects with { code: key.error, detail }.
export async function trustedKey(storage, fetchKey, { refresh = false } = {}) {
  if (!refresh) {
    const cached = cachedKey(storage)
    if (cached) return { ...cached, fetched: false }
  }
  const record = await fetchKey()
  const key = parseVerifierKey(record?.verifier_key)
  if (!key.ok) throw Object.assign(new Error(key.detail || key.error), { code: key.error })
  const kept = { ...record, fetched_at: new Date().toISOString() }
  write(storage, KEY_ITEM, kept)
  if (refresh) storage?.removeItem?.(CHECKPOINT_ITEM)
  return { record: kept, key, fetched: true }
}

// { origin, size (string), root (base64) } of the largest checkpoint verified here, or null.
export function rememberedCheckpoint(storage, origin) {
  const cp = read(storage, CHECKPOINT_ITEM)
  return cp && cp.origin === origin && /^[0-9]+$/.test(cp.size) && typeof cp.root === 'string' ? cp : null
}

export function rememberCheckpoint(storage, origin, size, rootBase64) {
  const old = rememberedCheckpoint(storage, origin)
  if (old && BigInt(old.size) >= BigInt(size)) return
  write(storage, CHECKPOINT_ITEM, { origin, size: String(size), root: rootBase64 })
}
