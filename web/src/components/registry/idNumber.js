// Client-side check of a 公民身份号码 (GB 11643-1999) before it is sent: a convenience for the
// form only. The server is authoritative (it also checks the province and the birth date, and
// accepts 15-digit legacy numbers); its problem message is what the form shows on refusal.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

// The ISO 7064 MOD 11-2 check character of 17 digits, or '' when `first17` is not 17 digits.
export function idCheckChar(first17) {
  if (!/^\d{17}$/.test(first17)) return ''
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return CHECK[sum % 11]
}

// Folds full-width digits and 'Ｘ', drops surrounding spaces, upper-cases 'x'.
export function normaliseIdNumber(text) {
  return String(text ?? '')
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[Ｘx]/g, 'X')
}

// '' when acceptable, else the reason: 'length', 'chars' or 'check'.
export function idNumberProblem(text) {
  const s = normaliseIdNumber(text)
  if (/^\d{15}$/.test(s)) return '' // legacy number: the server converts it
  if (s.length !== 18) return 'length'
  if (!/^\d{17}[\dX]$/.test(s)) return 'chars'
  return idCheckChar(s.slice(0, 17)) === s[17] ? '' : 'check'
}
