// Unit tests of the check page's pure helpers (web/src/checks.js).
//
// Run: cd web && npm test   (node --test test/)
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'

import {
  acceptedFile,
  citation,
  fieldRows,
  formatBytes,
  groupBySeverity,
  highlights,
  lineRows,
  worse,
} from '../src/checks.js'

const findings = [
  { rule: 'missing-content.client', severity: 'warning', field: 'client', line: 0 },
  { rule: 'out-of-scope.item', severity: 'error', field: 'item', line: 2 },
  { rule: 'signatory-unauthorized.not-signatory', severity: 'error', field: 'signatories', line: 0 },
  { rule: 'signatory-unauthorized.field', severity: 'suspect', field: 'signatories', line: 0 },
  { rule: 'standard-obsolete.not-yet-effective', severity: 'warning', field: 'standard', line: 2 },
  { rule: 'implausible-duration.test-period', severity: 'suspect', field: 'test_end_date', line: 1 },
]

describe('groupBySeverity', () => {
  it('orders groups error, warning, suspect and keeps the order inside a group', () => {
    const g = groupBySeverity(findings)
    assert.deepEqual(
      g.map((x) => x.severity),
      ['error', 'warning', 'suspect'],
    )
    assert.deepEqual(
      g[0].findings.map((f) => f.rule),
      ['out-of-scope.item', 'signatory-unauthorized.not-signatory'],
    )
    assert.equal(g[2].findings.length, 2)
  })
  it('gives nothing for no findings', () => {
    assert.deepEqual(groupBySeverity([]), [])
    assert.deepEqual(groupBySeverity(undefined), [])
  })
})

describe('highlights', () => {
  it('marks report fields (with aliases) and test-line cells with the gravest severity', () => {
    const h = highlights(findings)
    assert.equal(h.fields.get('client'), 'warning')
    assert.equal(h.fields.get('signatories'), 'error')
    assert.equal(h.fields.get('approver'), 'error') // a signer is printed as 批准
    assert.equal(h.fields.has('item'), false) // line findings are not report fields
    assert.equal(h.lines.get(2).severity, 'error')
    assert.equal(h.lines.get(2).cells.get('item'), 'error')
    assert.equal(h.lines.get(2).cells.get('standard'), 'warning')
    // A line finding on a field that is not a column marks the line only.
    assert.equal(h.lines.get(1).severity, 'suspect')
    assert.equal(h.lines.get(1).cells.size, 0)
  })
  it('worse() keeps the graver severity', () => {
    assert.equal(worse('warning', 'error'), 'error')
    assert.equal(worse('error', 'suspect'), 'error')
    assert.equal(worse(undefined, 'info'), 'info')
    assert.equal(worse('suspect', undefined), 'suspect')
  })
})

describe('fieldRows and lineRows', () => {
  const doc = {
    source: 'scan',
    report_no: 'ZX-1',
    client: '',
    signatories: ['王五', '张明'],
    approver: '王五',
    cma_mark: true,
    issue_date: '2025-03-18',
    confidence: { report_no: 0.99, client: 0, signatories: 0.6, approver: 0.6, issue_date: 0.95, cma_mark: 1 },
    test_lines: [
      { item: '铅', standard: 'GB 5009.12-2017', result: '0.05', unit: 'mg/kg', limit: '≤0.3', verdict: '合格' },
      { item: '汞', standard: 'GB 5009.17-2021', result: '0.01', unit: 'mg/kg', limit: '≤0.02', verdict: '合格' },
    ],
    line_confidence: [0.97, 0.5],
  }
  it('lists the fields in report order with confidence, low marks and highlights', () => {
    const rows = fieldRows(doc, findings)
    assert.deepEqual(
      rows.map((r) => r.key),
      ['report_no', 'cma_mark', 'client', 'issue_date', 'approver', 'signatories'],
    )
    const by = Object.fromEntries(rows.map((r) => [r.key, r]))
    assert.equal(by.signatories.value, '王五、张明')
    assert.equal(by.signatories.low, true)
    assert.equal(by.signatories.severity, 'error')
    assert.equal(by.report_no.low, false)
    assert.equal(by.client.low, false) // nothing read: not "low confidence" but empty
    assert.equal(by.client.severity, 'warning')
    assert.equal(by.issue_date.severity, undefined)
  })
  it('numbers the test lines from 1 and marks the offending cells', () => {
    const rows = lineRows(doc, findings)
    assert.equal(rows.length, 2)
    assert.equal(rows[0].no, 1)
    assert.equal(rows[0].severity, 'suspect')
    assert.equal(rows[1].severity, 'error')
    assert.deepEqual(rows[1].cells, { item: 'error', standard: 'warning' })
    assert.equal(rows[1].low, true)
    assert.equal(rows[0].parameter, '')
  })
  it('copes with no document', () => {
    assert.deepEqual(fieldRows(null, findings), [])
    assert.deepEqual(lineRows(undefined, findings), [])
  })
})

describe('small helpers', () => {
  it('cites in the UI language with a short reference', () => {
    const b = { regulation: 'SAMR-39', version: '2025', article: '12', citation_zh: '《办法》第12条', citation_en: 'Measures, Art. 12' }
    assert.deepEqual(citation(b, 'zh-CN'), { text: '《办法》第12条', ref: 'SAMR-39@2025 · 12' })
    assert.equal(citation(b, 'en').text, 'Measures, Art. 12')
    assert.equal(citation({ ...b, citation_en: '' }, 'en').text, '《办法》第12条')
  })
  it('formats sizes and recognises document files', () => {
    assert.equal(formatBytes(512), '512 B')
    assert.equal(formatBytes(2048), '2.0 KB')
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB')
    assert.equal(formatBytes(-1), '')
    for (const ok of ['a.pdf', 'B.PDF', 'x.png', 'x.jpg', 'x.jpeg', 'x.tif', 'x.TIFF']) assert.ok(acceptedFile(ok), ok)
    for (const no of ['a.txt', 'pdf', 'x.pdf.exe', '']) assert.ok(!acceptedFile(no), no)
  })
})
