// Log entries (the canonical bytes of a report event, docs/transparency-log.md §1) decoded in
// the browser, so that the page can check that the entry proven to be in the log says what the
// page shows. Mirrors DecodeEvent of src/zhijian/ledger/entry.h: format 1, strict (unknown
// format or type, truncation, trailing bytes, invalid fields → an error). The USCC is checked
// for shape (18 characters of the GB 32100 alphabet), not for its check character; the server
// and `zhijian log audit` check that.
//
// decodeEntry(bytes) → { ok: true, event } or { ok: false, error, detail } with the stable codes
// "entry.unknown-format", "entry.truncated", "entry.trailing-bytes", "entry.invalid-field".
import { fromUtf8, toHex } from './bytes.js'
import { parseReportCode } from './reportCode.js'

export const EVENT_TYPES = { 1: 'issue', 2: 'correct', 3: 'revoke' }

class Truncated extends Error {}

function reader(bytes) {
  let at = 0
  const need = (n) => {
    if (at + n > bytes.length) throw new Truncated()
  }
  return {
    u8() {
      need(1)
      return bytes[at++]
    },
    u64() {
      need(8)
      let v = 0n
      for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(bytes[at++])
      return v
    },
    fixed(n) {
      need(n)
      const out = bytes.slice(at, at + n)
      at += n
      return out
    },
    str8() {
      return this.fixed(this.u8())
    },
    done: () => at === bytes.length,
  }
}

const invalid = (field, why) => ({ ok: false, error: 'entry.invalid-field', detail: `${field}: ${why}` })

// UTF-8, no control characters, no leading or trailing spaces, 1..255 bytes.
function text(field, bytes) {
  const s = fromUtf8(bytes)
  if (s === null) return { error: invalid(field, 'not UTF-8') }
  if (bytes.length === 0) return { error: invalid(field, 'empty') }
  if (/[\u0000-\u001f\u007f]/.test(s) || s.trim() !== s) return { error: invalid(field, 'control character or spaces') }
  return { value: s }
}

function canonicalCode(field, bytes) {
  const s = fromUtf8(bytes)
  const parsed = s === null ? null : parseReportCode(s)
  if (!parsed || !parsed.ok || parsed.code !== s) return { error: invalid(field, 'not a canonical report code') }
  return { value: s }
}

function validDate(s) {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s)) return false
  const [y, m, d] = s.split('-').map(Number)
  if (m < 1 || m > 12 || d < 1) return false
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= days[m - 1]
}

export function decodeEntry(bytes) {
  const r = reader(bytes)
  try {
    const format = r.u8()
    if (format !== 1) return { ok: false, error: 'entry.unknown-format', detail: `format ${format}` }
    const typeByte = r.u8()
    const type = EVENT_TYPES[typeByte]
    if (!type) return invalid('type', 'unknown event type')
    const registeredAtMs = r.u64()
    const code = canonicalCode('code', r.str8())
    if (code.error) return code.error
    const uscc = fromUtf8(r.str8())
    if (uscc === null || !/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(uscc)) return invalid('institution', 'not a USCC')
    const reportNumber = text('report_number', r.str8())
    if (reportNumber.error) return reportNumber.error
    const issueDate = fromUtf8(r.fixed(10))
    if (issueDate === null || !validDate(issueDate)) return invalid('issue_date', 'not a YYYY-MM-DD date')
    const certificate = text('certificate', r.str8())
    if (certificate.error) return certificate.error
    const documentSha256 = toHex(r.fixed(32))
    const clientDigest = toHex(r.fixed(32))
    const sampleDigest = toHex(r.fixed(32))
    const resultsDigest = toHex(r.fixed(32))
    const originalBytes = r.str8()
    const reasonBytes = r.str8()
    if (!r.done()) return { ok: false, error: 'entry.trailing-bytes' }
    let originalCode = ''
    const reason = fromUtf8(reasonBytes)
    if (type === 'issue') {
      if (originalBytes.length) return invalid('original_code', 'must be empty')
      if (reasonBytes.length) return invalid('reason', 'must be empty')
    } else {
      const oc = canonicalCode('original_code', originalBytes)
      if (oc.error) return oc.error
      originalCode = oc.value
      if (type === 'correct' && originalCode === code.value) return invalid('original_code', 'equals code')
      if (type === 'revoke' && originalCode !== code.value) return invalid('original_code', 'must equal code')
      if (reason === null || !/^[a-z0-9.-]{1,64}$/.test(reason)) return invalid('reason', 'not a reason code')
    }
    return {
      ok: true,
      event: {
        type,
        registeredAtMs,
        code: code.value,
        institution: uscc,
        reportNumber: reportNumber.value,
        issueDate,
        certificate: certificate.value,
        documentSha256,
        clientDigest,
        sampleDigest,
        resultsDigest,
        originalCode,
        reason: reason ?? '',
      },
    }
  } catch (e) {
    if (e instanceof Truncated) return { ok: false, error: 'entry.truncated' }
    throw e
  }
}
