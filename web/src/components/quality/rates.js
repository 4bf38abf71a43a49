// Shared helpers of the data-quality (智查) components: rates as percentages and the one-figure
// summary of several kinds of record (the mean of their rates; docs/data-quality.md "Rates").

export const ENTITIES = ['institution', 'certificate', 'capability', 'person', 'equipment', 'standard']
export const RATES = ['completeness', 'correctness', 'timeliness']
export const RATE_COLORS = ['#1f4e8c', '#2e8b57', '#d08c1a']

// 0.91234 → "91.2%"; '—' without a value.
export function percent(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—'
  return `${(Number(value) * 100).toFixed(digits)}%`
}

// The mean of each rate over `rows` (objects with completeness, correctness, timeliness), and the
// sums of records and findings.
export function meanRates(rows) {
  const out = { completeness: null, correctness: null, timeliness: null, records: 0, findings: 0 }
  if (!rows || rows.length === 0) return out
  for (const key of RATES) out[key] = rows.reduce((sum, r) => sum + Number(r[key]), 0) / rows.length
  out.records = rows.reduce((sum, r) => sum + Number(r.records || 0), 0)
  out.findings = rows.reduce((sum, r) => sum + Number(r.findings || 0), 0)
  return out
}

// Rows grouped by `key(row)` in first-seen order: [[key, rows], ...].
export function groupBy(rows, key) {
  const map = new Map()
  for (const r of rows || []) {
    const k = key(r)
    if (!map.has(k)) map.set(k, [])
    map.get(k).push(r)
  }
  return [...map.entries()]
}

// The y axis of a rate chart: 0–100 %, or from a lower round figure when every value is high.
export function rateAxis(values) {
  const finite = values.filter((v) => v !== null && v !== undefined && !Number.isNaN(v))
  const min = finite.length ? Math.min(...finite) : 0
  const floor = Math.max(0, Math.floor((min * 100 - 5) / 10) * 10)
  return { type: 'value', min: floor, max: 100, axisLabel: { formatter: '{value}%' } }
}
