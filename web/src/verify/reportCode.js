// The national report code (docs/report-code.md) checked in the browser before any request:
// normalisation, structure, the ISO/IEC 7064 MOD 29-2 check character, and — when the check
// fails — which characters were most likely mistyped. Mirrors src/zhijian/base/report_code.cc
// (ReportCode::Parse); the server stays the authority.
//
// Pure functions. parseReportCode returns { ok: true, code, display } or
// { ok: false, error: <the server's stable code>, position?, length?, suspects? }.

export const ALPHABET = '0123456789ACDEFGHJKMNPQRTVWXY' // 29 characters, value = index
export const CODE_LENGTH = 20
const MODULUS = 29
const MIN_YEAR = 1900

// Letters left out of the alphabet, read as their look-alikes (report-code.md "Alphabet").
const LOOK_ALIKE = { O: '0', I: '1', L: '1', Z: '2', S: '5', B: '8', U: 'V' }

// Characters people confuse when reading a printed code or typing it (visual look-alikes and
// QWERTY neighbours), used only to rank the suspects of a failed check.
const CONFUSABLE = [
  '0DQ', '1T7J', '2Z', '3E8', '4A', '5S', '6G', '8B3', '9PQ', 'CG', 'EF', 'HNM', 'KX', 'MNW',
  'VYW', 'RP', 'AQW', 'DEF', 'TRY', 'GHF', 'JHK', 'XC', 'NM',
]

function confusable(a, b) {
  return CONFUSABLE.some((g) => g.includes(a) && g.includes(b))
}

const value = (c) => ALPHABET.indexOf(c)

// ISO/IEC 7064 pure system MOD 29-2 over the characters of `body` (all in the alphabet).
function accumulate(body) {
  let p = 0
  for (const c of body) p = ((p + value(c)) * 2) % MODULUS
  return p
}

// The check character of a 19-character body of alphabet characters.
export function checkChar(body) {
  return ALPHABET[(MODULUS + 1 - accumulate(body)) % MODULUS]
}

export function checkValid(code) {
  if (code.length < 2) return false
  for (const c of code) if (value(c) < 0) return false
  return (accumulate(code.slice(0, -1)) + value(code[code.length - 1])) % MODULUS === 1
}

// Full-width forms, ideographic space/NBSP and the dash family folded as id_text::FoldToAscii;
// spaces and dashes dropped; upper case; look-alike letters folded. Returns an array of
// characters (code points).
export function normalizeReportCode(text) {
  const out = []
  for (const ch of String(text ?? '')) {
    let cp = ch.codePointAt(0)
    if (cp >= 0xff01 && cp <= 0xff5e) cp = cp - 0xff01 + 0x21
    else if (cp === 0x3000 || cp === 0xa0) cp = 0x20
    else if ((cp >= 0x2010 && cp <= 0x2015) || cp === 0x2212 || cp === 0xfe58 || cp === 0xfe63) cp = 0x2d
    let c = String.fromCodePoint(cp)
    if (/\s/.test(c) || c === '-') continue
    c = c.toUpperCase()
    out.push(LOOK_ALIKE[c] ?? c)
  }
  return out
}

function structureOk(code) {
  return /^[1-9][0-9]{5}/.test(code) && /^[0-9]{4}$/.test(code.slice(6, 10)) && Number(code.slice(6, 10)) >= MIN_YEAR
}

export function displayForm(code) {
  return `${code.slice(0, 6)}-${code.slice(6, 10)}-${code.slice(10, 15)}-${code.slice(15, 20)}`
}

// The likely typing errors of a 20-character code whose structure is fine but whose check
// fails: every single adjacent swap and every single substitution that would make a valid
// code. A single check character cannot locate an error for certain (every position has
// exactly one substitution that restores the check), so the candidates are ranked: adjacent
// swaps and confusable substitutions are `likely`, the rest are only counted.
export function suspectsOf(code) {
  const likely = []
  let others = 0
  for (let i = 0; i + 1 < code.length; i++) {
    if (code[i] === code[i + 1]) continue
    const t = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2)
    if (structureOk(t) && checkValid(t)) {
      likely.push({ kind: 'swap', position: i + 1, typed: code[i] + code[i + 1], expected: t[i] + t[i + 1] })
    }
  }
  for (let i = 0; i < code.length; i++) {
    for (const c of ALPHABET) {
      if (c === code[i]) continue
      const t = code.slice(0, i) + c + code.slice(i + 1)
      if (!structureOk(t) || !checkValid(t)) continue
      if (confusable(code[i], c)) likely.push({ kind: 'char', position: i + 1, typed: code[i], expected: c })
      else others++
    }
  }
  return { likely, others }
}

export function parseReportCode(text) {
  const chars = normalizeReportCode(text)
  if (chars.length === 0) return { ok: false, error: 'report-code.empty' }
  if (chars.length !== CODE_LENGTH) return { ok: false, error: 'report-code.bad-length', length: chars.length }
  for (let i = 0; i < chars.length; i++) {
    if (value(chars[i]) < 0) return { ok: false, error: 'report-code.bad-char', position: i + 1, char: chars[i] }
  }
  const code = chars.join('')
  if (!/^[1-9][0-9]{5}$/.test(code.slice(0, 6))) return { ok: false, error: 'report-code.bad-region' }
  if (!/^[0-9]{4}$/.test(code.slice(6, 10)) || Number(code.slice(6, 10)) < MIN_YEAR) {
    return { ok: false, error: 'report-code.bad-year' }
  }
  if (!checkValid(code)) {
    return { ok: false, error: 'report-code.bad-check', code, suspects: suspectsOf(code) }
  }
  return { ok: true, code, display: displayForm(code) }
}
