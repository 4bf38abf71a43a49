// Pure helpers of the check page (智识, views/CheckPage.vue) and the portrait's compliance
// section: the fields a document was read into, findings grouped by severity, and which field
// or test-line cell each finding points at (so that the page can highlight the evidence).
// No Vue, no I/O: tested by web/test/checks.test.mjs.

export const SEVERITIES = ['error', 'warning', 'suspect', 'info']

// A field read with less confidence than this is marked for checking by eye.
export const LOW_CONFIDENCE = 0.8

// The scalar fields of intake's JSON (intake.h ExtractionToJson), in the order of a report.
export const FIELD_ORDER = [
  'report_no',
  'institution_name',
  'institution',
  'certificate',
  'cma_mark',
  'client',
  'sample',
  'sample_model',
  'sample_batch',
  'test_category',
  'sampling_date',
  'receipt_date',
  'test_start_date',
  'test_end_date',
  'issue_date',
  'chief_tester',
  'reviewer',
  'approver',
  'signatories',
  'conclusion',
  'page_count',
  'seal',
  'page_numbering',
  'end_mark',
  'sample_statement',
  'copy_statement',
  'test_site',
  'subcontracting',
]

// The columns of a test line (ledger registration JSON "test_lines").
export const LINE_COLUMNS = ['item', 'parameter', 'standard', 'result', 'unit', 'limit', 'verdict']

// Report fields a finding may name that are shown under another row of the fields table.
const FIELD_ALIASES = {
  signatories: ['signatories', 'approver'],
  institution: ['institution', 'institution_name'],
  institution_name: ['institution_name', 'institution'],
}

export function severityRank(severity) {
  const i = SEVERITIES.indexOf(severity)
  return i < 0 ? SEVERITIES.length : i
}

// The graver of two severities (undefined counts as none).
export function worse(a, b) {
  if (!a) return b
  if (!b) return a
  return severityRank(a) <= severityRank(b) ? a : b
}

// [{severity, findings}] in the order error, warning, suspect, info; empty groups left out;
// the findings of a group keep their order.
export function groupBySeverity(findings) {
  const groups = new Map(SEVERITIES.map((s) => [s, []]))
  for (const f of findings || []) {
    if (!groups.has(f.severity)) groups.set(f.severity, [])
    groups.get(f.severity).push(f)
  }
  return [...groups].filter(([, list]) => list.length).map(([severity, list]) => ({ severity, findings: list }))
}

// Whether a finding rests on an OCR reading the checks were unsure of (certainty
// "unconfirmed", docs/compliance-checks.md "Certainty"): to be verified by eye. Findings without
// a certainty (older stored checks) are confirmed.
export function isUnconfirmed(finding) {
  return !!finding && finding.certainty === 'unconfirmed'
}

// The groups of the check page: the confirmed findings by severity (groupBySeverity, each
// {severity, unconfirmed: false, findings}), then ONE group of the unconfirmed findings
// {severity: 'unconfirmed', unconfirmed: true, findings} (in their order, any severity).
export function groupFindings(findings) {
  const list = findings || []
  const groups = groupBySeverity(list.filter((f) => !isUnconfirmed(f))).map((g) => ({ ...g, unconfirmed: false }))
  const unsure = list.filter(isUnconfirmed)
  if (unsure.length) groups.push({ severity: 'unconfirmed', unconfirmed: true, findings: unsure })
  return groups
}

// The readings intake corrected against the registry that a finding shows as evidence
// ("<field>_as_read" = what OCR read): [{field, read}].
export function correctedReadings(finding) {
  const out = []
  for (const e of (finding && finding.evidence && finding.evidence.report) || []) {
    if (typeof e.name === 'string' && e.name.endsWith('_as_read')) out.push({ field: e.name.slice(0, -'_as_read'.length), read: e.value })
  }
  return out
}

// The readings of a document intake corrected against the registry (intake's JSON
// "corrections": [{field, line, read, corrected}]), by field name ("standard" by line):
// Map(key -> {read, corrected}) with key = field, or "line:N" for a test line's standard.
export function documentCorrections(doc) {
  const out = new Map()
  for (const k of (doc && doc.corrections) || []) {
    out.set(k.field === 'standard' ? `line:${k.line}` : k.field, { read: k.read, corrected: k.corrected })
  }
  return out
}

// What the findings point at: `fields` maps a field name to the gravest severity of the findings
// on it (report-wide findings, line 0); `lines` maps a 1-based test-line number to
// {severity, cells: Map(column -> severity)}.
export function highlights(findings) {
  const fields = new Map()
  const lines = new Map()
  for (const f of findings || []) {
    if (f.line > 0) {
      const entry = lines.get(f.line) || { severity: undefined, cells: new Map() }
      entry.severity = worse(entry.severity, f.severity)
      if (LINE_COLUMNS.includes(f.field)) entry.cells.set(f.field, worse(entry.cells.get(f.field), f.severity))
      lines.set(f.line, entry)
      continue
    }
    for (const name of FIELD_ALIASES[f.field] || [f.field]) fields.set(name, worse(fields.get(name), f.severity))
  }
  return { fields, lines }
}

function displayValue(value) {
  if (Array.isArray(value)) return value.join('、')
  if (value === null || value === undefined) return ''
  return value
}

// The rows of the fields table: [{key, value, confidence, low, severity, corrected}] for every
// field of FIELD_ORDER present in the document. `confidence` is null when intake gives none for
// the field; a field with a value and a confidence below LOW_CONFIDENCE is `low`; `corrected` is
// what OCR read when the value was corrected against the registry (else null).
export function fieldRows(doc, findings) {
  if (!doc) return []
  const marks = highlights(findings).fields
  const fixes = documentCorrections(doc)
  const conf = doc.confidence || {}
  const rows = []
  for (const key of FIELD_ORDER) {
    if (!(key in doc)) continue
    const value = displayValue(doc[key])
    const confidence = typeof conf[key] === 'number' ? conf[key] : null
    const fix = fixes.get(key) || (key === 'signatories' ? fixes.get('approver') : undefined)
    rows.push({
      key,
      value,
      confidence,
      low: confidence !== null && value !== '' && confidence < LOW_CONFIDENCE,
      severity: marks.get(key),
      corrected: fix ? fix.read : null,
    })
  }
  return rows
}

// The rows of the test-line table: the lines with `no` (1-based), their confidence, `low`, the
// line's gravest finding, the severity per cell and `corrected` (the standard as OCR read it when
// corrected against the registry, else null).
export function lineRows(doc, findings) {
  if (!doc || !Array.isArray(doc.test_lines)) return []
  const marks = highlights(findings).lines
  const fixes = documentCorrections(doc)
  const conf = doc.line_confidence || []
  return doc.test_lines.map((line, i) => {
    const no = i + 1
    const confidence = typeof conf[i] === 'number' ? conf[i] : null
    const mark = marks.get(no)
    const fix = fixes.get(`line:${no}`)
    const row = { no, confidence, low: confidence !== null && confidence < LOW_CONFIDENCE, corrected: fix ? fix.read : null }
    for (const c of LINE_COLUMNS) row[c] = line[c] || ''
    row.severity = mark ? mark.severity : undefined
    row.cells = mark ? Object.fromEntries(mark.cells) : {}
    return row
  })
}

// A legal basis entry as people read it: the citation in the UI language, and a short reference
// "REGULATION@VERSION art. ARTICLE".
export function citation(basis, locale) {
  const text = locale === 'en' ? basis.citation_en || basis.citation_zh : basis.citation_zh || basis.citation_en
  return { text, ref: `${basis.regulation}@${basis.version} · ${basis.article}` }
}

// "1.2 MB" style sizes.
export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 0) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / (1024 * 1024)).toFixed(1)} MB`
}

// Files the check page accepts (intake's formats), by name; the server decides in the end.
export function acceptedFile(name) {
  return /\.(pdf|png|jpe?g|tiff?)$/i.test(name || '')
}
