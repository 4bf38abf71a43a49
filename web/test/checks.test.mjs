// Unit tests of the check page's pure helpers (web/src/checks.js).
//
// Run: cd web && npm test   (node --test test/)
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'

import {
  acceptedFile,
  citation,
  correctedReadings,
  documentCorrections,
  fieldRows,
  formatBytes,
  groupBySeverity,
  groupFindings,
  highlights,
  isUnconfirmed,
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

describe('certainty and corrections', () => {
  const mixed = [
    { rule: 'out-of-scope.item', severity: 'error', field: 'item', line: 2, certainty: 'confirmed' },
    { rule: 'date-order.invalid', severity: 'error', field: 'issue_date', line: 0, certainty: 'unconfirmed', confidence: 0.45 },
    { rule: 'missing-content.client', severity: 'warning', field: 'client', line: 0 },
    { rule: 'institution-mismatch.name', severity: 'error', field: 'institution_name', line: 0, certainty: 'unconfirmed' },
  ]
  it('puts unconfirmed findings in one group after the confirmed ones by severity', () => {
    const g = groupFindings(mixed)
    assert.deepEqual(
      g.map((x) => [x.severity, x.unconfirmed, x.findings.map((f) => f.rule)]),
      [
        ['error', false, ['out-of-scope.item']],
        ['warning', false, ['missing-content.client']],
        ['unconfirmed', true, ['date-order.invalid', 'institution-mismatch.name']],
      ],
    )
    assert.deepEqual(groupFindings([]), [])
    assert.deepEqual(groupFindings(undefined), [])
    // Without unconfirmed findings the groups are groupBySeverity's.
    assert.deepEqual(
      groupFindings(findings).map((x) => x.severity),
      groupBySeverity(findings).map((x) => x.severity),
    )
  })
  it('treats a finding without certainty (an older stored check) as confirmed', () => {
    assert.equal(isUnconfirmed(mixed[2]), false)
    assert.equal(isUnconfirmed(mixed[1]), true)
    assert.equal(isUnconfirmed(null), false)
  })
  it('reads the corrected readings of a finding and of a document', () => {
    const f = {
      evidence: {
        report: [
          { name: 'institution', value: '91370700MA3XXXXX' },
          { name: 'institution_name_as_read', value: '滩坊市检测中心' },
        ],
      },
    }
    assert.deepEqual(correctedReadings(f), [{ field: 'institution_name', read: '滩坊市检测中心' }])
    assert.deepEqual(correctedReadings({}), [])
    const doc = {
      institution_name: '潍坊市检测中心',
      approver: '袁春东',
      signatories: ['袁春东'],
      test_lines: [{ item: '铅', standard: 'GB 5009.12-2017' }],
      line_confidence: [0.7],
      confidence: { institution_name: 0.72, approver: 0.72 },
      corrections: [
        { field: 'institution_name', line: 0, read: '滩坊市检测中心', corrected: '潍坊市检测中心' },
        { field: 'approver', line: 0, read: '袁春乐', corrected: '袁春东' },
        { field: 'standard', line: 1, read: 'GB 5009.18-2017', corrected: 'GB 5009.12-2017' },
      ],
    }
    const fixes = documentCorrections(doc)
    assert.equal(fixes.get('line:1').read, 'GB 5009.18-2017')
    const rows = Object.fromEntries(fieldRows(doc, []).map((r) => [r.key, r]))
    assert.equal(rows.institution_name.corrected, '滩坊市检测中心')
    assert.equal(rows.approver.corrected, '袁春乐')
    assert.equal(rows.signatories.corrected, '袁春乐')
    assert.equal(lineRows(doc, [])[0].corrected, 'GB 5009.18-2017')
    assert.equal(fieldRows({ report_no: 'X', confidence: {} }, [])[0].corrected, null)
  })
})
