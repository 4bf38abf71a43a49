// Display helpers shared by the pages.

function pad(n) {
  return String(n).padStart(2, '0')
}

// "2026-11-21 10:03:05" in the browser's time zone, from an ISO string or epoch (s or ms).
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return ''
  let date
  if (typeof value === 'number') {
    date = new Date(value < 1e12 ? value * 1000 : value)
  } else {
    date = new Date(value)
  }
  if (Number.isNaN(date.getTime())) return String(value)
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  )
}

// A GB/T 2260 code (6 digits, or a prefix) without its trailing zero pairs: "370100" → "3701".
export function regionPrefix(code) {
  let s = String(code ?? '')
  while (s.length > 0 && s.endsWith('00')) s = s.slice(0, -2)
  return s
}
