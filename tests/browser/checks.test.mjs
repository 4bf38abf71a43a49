// Browser test of the check page (智识, /checks) and the portrait's compliance section against the
// real server, in headless Chromium.
//
// demo-init loads the generated demo registry and writes the sample reports (--samples-dir: text
// PDFs and scans drawn from that registry, labels.jsonl naming each planted defect and the finding
// categories it should give). A regulator drops a text PDF with a planted defect onto the page and
// sees the finding with its evidence highlighted and its legal basis; picks a scan and sees it
// read by OCR and checked; a damaged file shows its own error; a stored check shows on the
// institution's portrait. The institution user has no check page. Expected values come from the
// labels and from the server's own API answers seen by the same browser session.
//
// Run: node --test tests/browser/checks.test.mjs   (needs `npm run build` in web/, and the binary)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { apiFromPage, createHarness, login, shot } from './harness.mjs'

const h = createHarness({
  tmpPrefix: 'zj-browser-checks-',
  demoInitArgs: (tmp) => [
    '--registry-dir',
    path.join(tmp, 'registry'),
    '--id-key',
    path.join(tmp, 'id-hash.key'),
    '--samples-dir',
    path.join(tmp, 'samples'),
  ],
  demoInitTimeoutMs: 300000,
  serverLogName: 'checks-server.log',
})
const { pageErrors } = h
const scenario = h.scenario
let labels = []

function sample(rel) {
  return path.join(h.tmp, 'samples', rel)
}

// The first sample whose planted defect is of `kind`.
function labelOf(kind) {
  const l = labels.find((x) => x.defects.some((d) => d.kind === kind))
  assert.ok(l, `no sample with a ${kind} defect: ${JSON.stringify(labels.map((x) => x.defects))}`)
  return l
}

async function openChecks(page, user) {
  const r = await login(page, user, h.passwords[user])
  assert.equal(r.status(), 200)
  await page.waitForURL(`${h.baseUrl}/`)
  await page.locator('[data-test=nav-checks]').click()
  await page.waitForURL(`${h.baseUrl}/checks`)
  await page.locator('[data-test=check-page]').waitFor()
}

// Drops files onto the drop zone as a user would (a DataTransfer with File objects).
async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: f.name, type: f.type, b64: fs.readFileSync(f.path).toString('base64') }))
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer()
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))
      dt.items.add(new File([bytes], f.name, { type: f.type }))
    }
    return dt
  }, payload)
  await page.locator('[data-test=check-drop]').dispatchEvent('drop', { dataTransfer: transfer })
}

function docCard(page, name) {
  return page.locator(`[data-test=check-doc][data-name="${name}"]`)
}

async function waitDone(card, timeout = 60000) {
  await card.locator('[data-test=check-doc-state][data-state=done], [data-test=check-doc-state][data-state=failed]').waitFor({ timeout })
}

describe('check page against the real server', { timeout: 600000 }, () => {
  before(async () => {
    await h.start()
    labels = fs
      .readFileSync(sample('labels.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l))
    assert.equal(labels.length, 6)
  })

  after(() => h.stop())

  it('regulator-sd drops a text PDF with a planted defect and sees the finding with its basis', async () => {
    await scenario('checks-pdf', async (page) => {
      await openChecks(page, 'regulator-sd')
      assert.equal((await page.locator('[data-test=nav-checks]').innerText()).trim(), '报告检查')
      const l = labelOf('unauthorised-signatory')
      await dropFiles(page, [{ name: `${l.id}.pdf`, type: 'application/pdf', path: sample(l.pdf) }])
      const card = docCard(page, `${l.id}.pdf`)
      await waitDone(card)
      assert.equal(await card.locator('[data-test=check-doc-state]').getAttribute('data-state'), 'done')
      assert.equal((await card.locator('[data-test=check-doc-report-no]').innerText()).trim(), l.fields.report_no)
      assert.match(await card.locator('[data-test=check-doc-source]').innerText(), /文本 PDF/)
      // The planted defect's category is found, grouped under its severity, with the basis.
      const finding = card.locator('[data-test=check-finding][data-rule^="signatory-unauthorized."]').first()
      await finding.waitFor()
      const group = card.locator('[data-test=check-group]', {
        has: page.locator('[data-test=check-finding][data-rule^="signatory-unauthorized."]'),
      })
      assert.equal(await group.getAttribute('data-severity'), 'error')
      const basis = await finding.locator('[data-test=check-finding-basis]').innerText()
      assert.match(basis, /《检验检测机构监督管理办法》/)
      assert.match(basis, /SAMR-39@(2021|2025) · \d+/)
      // The evidence is highlighted in the fields table: the approver's row.
      const approver = card.locator('[data-test=check-fields] tr.zj-hl-error', { hasText: '批准' })
      assert.equal(await approver.count(), 1)
      // What the page shows is what the API found for the same document.
      const shown = await card.locator('[data-test=check-finding]').count()
      assert.match(await card.locator('[data-test=check-doc-count]').innerText(), new RegExp(`${shown} 个问题`))
      await shot(page, 'checks-pdf')
    })
  })

  it('regulator-sd picks a scan (OCR) and a damaged file: each has its own outcome', async () => {
    await scenario('checks-scan', async (page) => {
      await openChecks(page, 'regulator-sd')
      // The scan of the sample with a planted unauthorised approver: OCR must read the name well
      // enough for the finding (the missing-CMA-mark sample is not used: an OCR misread of one
      // item puts a line out of scope, and the mark is then rightly not required).
      const l = labelOf('unauthorised-signatory')
      const pdf = fs.readFileSync(sample(labels[0].pdf))
      // The API's own answers (one request per file), to compare the page with.
      const answers = []
      page.on('response', (r) => {
        if (r.url().endsWith('/api/v1/checks') && r.request().method() === 'POST') answers.push(r.json().catch(() => null))
      })
      await page.locator('[data-test=check-file-input]').setInputFiles([
        { name: `${l.id}-scan.pdf`, mimeType: 'application/pdf', buffer: fs.readFileSync(sample(l.scan)) },
        { name: 'damaged.pdf', mimeType: 'application/pdf', buffer: pdf.subarray(0, Math.floor(pdf.length / 3)) },
      ])
      const damaged = docCard(page, 'damaged.pdf')
      await waitDone(damaged)
      assert.equal(await damaged.locator('[data-test=check-doc-state]').getAttribute('data-state'), 'failed')
      const alert = await damaged.locator('[data-test=check-doc-error]').innerText()
      assert.match(alert, /intake\.damaged/)
      const scan = docCard(page, `${l.id}-scan.pdf`)
      await waitDone(scan, 120000)
      assert.equal(await scan.locator('[data-test=check-doc-state]').getAttribute('data-state'), 'done')
      assert.match(await scan.locator('[data-test=check-doc-source]').innerText(), /扫描件（OCR）/)
      assert.equal((await scan.locator('[data-test=check-doc-report-no]').innerText()).trim(), l.fields.report_no)
      await scan.locator('[data-test=check-finding][data-rule^="signatory-unauthorized."]').first().waitFor()
      // Each finding shows the certainty the API gave it: the unconfirmed ones (待核) together in
      // their own group, the confirmed ones under their severity; corrected readings are shown.
      const result = (await Promise.all(answers))
        .flatMap((a) => (a && a.results) || [])
        .find((r) => r.file.name === `${l.id}-scan.pdf`)
      assert.ok(result && result.ok)
      const unsure = result.findings.filter((f) => f.certainty === 'unconfirmed')
      for (const f of result.findings) assert.ok(['confirmed', 'unconfirmed'].includes(f.certainty), f.rule)
      assert.equal(await scan.locator('[data-test=check-finding][data-certainty=unconfirmed]').count(), unsure.length)
      assert.equal(
        await scan.locator('[data-test=check-group][data-certainty=unconfirmed] [data-test=check-finding]').count(),
        unsure.length,
      )
      assert.equal(await scan.locator('[data-test=check-finding][data-certainty=confirmed]').count(), result.findings.length - unsure.length)
      assert.equal(await scan.locator('[data-test=check-corrected]').count(), result.document.corrections.length)
      await shot(page, 'checks-scan')
    })
  })

  it('an unconfirmed finding and a corrected reading are shown as such (待核)', async () => {
    await scenario('checks-unconfirmed', async (page) => {
      await openChecks(page, 'regulator-sd')
      // The page's rendering of a scan's answer with one finding of each certainty and a reading
      // corrected against the registry: the answer is fixed here so that OCR cannot vary it.
      const finding = (rule, category, field, value, certainty, confidence, extra = []) => ({
        rule,
        category,
        severity: 'error',
        field,
        line: 0,
        value,
        message_zh: '问题',
        message_en: 'finding',
        certainty,
        confidence,
        evidence: { report: extra, registry: [] },
        basis_date: '2025-05-01',
        basis: [],
      })
      const body = {
        checked: 1,
        refused: 0,
        stored: false,
        rules_version: 'x',
        results: [
          {
            index: 0,
            ok: true,
            file: { name: 'fixed-scan.png', size: 10, content_type: 'image/png' },
            check_id: null,
            report: { report_no: 'R-1', code: '', institution: '', issue_date: '2025-61-11', document_sha256: null },
            institution: null,
            counts: { error: 2, warning: 0, suspect: 0, info: 0, unconfirmed: 1 },
            findings: [
              finding('date-order.invalid', 'date-order', 'issue_date', '2025-61-11', 'unconfirmed', 0.45),
              finding('institution-mismatch.name', 'institution-mismatch', 'institution_name', '潍坊市检测中心', 'confirmed', 0.72, [
                { name: 'institution_name_as_read', value: '滩坊市检测中心' },
              ]),
            ],
            document: {
              source: 'scan',
              pages: 1,
              report_no: 'R-1',
              institution_name: '潍坊市检测中心',
              issue_date: '2025-61-11',
              test_lines: [],
              line_confidence: [],
              confidence: { report_no: 0.95, institution_name: 0.72, issue_date: 0.45 },
              warnings: [],
              corrections: [{ field: 'institution_name', line: 0, read: '滩坊市检测中心', corrected: '潍坊市检测中心' }],
            },
          },
        ],
      }
      await page.route('**/api/v1/checks', (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }),
      )
      await page.locator('[data-test=check-file-input]').setInputFiles([
        { name: 'fixed-scan.png', mimeType: 'image/png', buffer: Buffer.from('not read: the answer is fixed') },
      ])
      const card = docCard(page, 'fixed-scan.png')
      await waitDone(card)
      const group = card.locator('[data-test=check-group][data-certainty=unconfirmed]')
      assert.equal(await group.count(), 1)
      assert.match(await group.locator('[data-test=check-unconfirmed-tag]').innerText(), /待核/)
      const unsure = group.locator('[data-test=check-finding]')
      assert.equal(await unsure.count(), 1)
      assert.equal(await unsure.getAttribute('data-rule'), 'date-order.invalid')
      assert.match(await unsure.locator('[data-test=check-finding-confidence]').innerText(), /45%/)
      const sure = card.locator('[data-test=check-group][data-severity=error] [data-test=check-finding]')
      assert.equal(await sure.count(), 1)
      assert.equal(await sure.getAttribute('data-certainty'), 'confirmed')
      assert.match(await sure.locator('[data-test=check-finding-corrected]').innerText(), /滩坊市检测中心/)
      const corrected = card.locator('[data-test=check-corrected][data-field=institution_name]')
      assert.match(await corrected.innerText(), /原识别为“滩坊市检测中心”/)
      await shot(page, 'checks-unconfirmed')
    })
  })

  it('a stored check shows on the institution portrait for regulators only', async () => {
    let institutionId = 0
    await scenario('checks-portrait', async (page) => {
      await openChecks(page, 'regulator-sd')
      const other = labels.find((x) => x.expected.length === 0)
      await page.locator('[data-test=check-store]').click()
      await page.locator('[data-test=check-file-input]').setInputFiles([sample(other.pdf)])
      const card = docCard(page, path.basename(other.pdf))
      await waitDone(card)
      // The stored check names its institution; its portrait shows the section (the demo's
      // registered reports are checked on arrival meanwhile, so compare until both agree).
      const search = await apiFromPage(page, `/api/v1/registry/institutions?uscc=${other.fields.institution}`)
      assert.equal(search.status, 200)
      institutionId = search.body.items[0].id
      let api = null
      let summary = ''
      for (let i = 0; i < 60; i++) {
        api = (await apiFromPage(page, `/api/v1/registry/institutions/${institutionId}`)).body.compliance
        assert.ok(api && api.reports > 0, JSON.stringify(api))
        await page.goto(`${h.baseUrl}/registry/institutions/${institutionId}`)
        await page.locator('[data-test=portrait-compliance]').waitFor()
        summary = await page.locator('[data-test=portrait-compliance-summary]').innerText()
        if (summary.includes(`已检查报告 ${api.reports} 份，问题 ${api.findings} 个`)) break
        await new Promise((r) => setTimeout(r, 1000))
      }
      assert.match(summary, new RegExp(`已检查报告 ${api.reports} 份，问题 ${api.findings} 个`))
      const section = page.locator('[data-test=portrait-compliance]')
      assert.equal(await section.locator('[data-test=portrait-compliance-category]').count(), api.by_category.length)
      if (api.latest.length && api.latest[0].report_code) {
        // A finding links to its report on the check page.
        await section.locator('[data-test=portrait-compliance-report]').first().click()
        await page.waitForURL(/\/checks\?code=/)
        await page.locator('[data-test=check-doc] [data-test=check-doc-state][data-state=done]').waitFor()
      }
      await shot(page, 'checks-portrait')
    })
    await scenario('checks-portrait-institution', async (page) => {
      const r = await login(page, 'inst-demo', h.passwords['inst-demo'])
      assert.equal(r.status(), 200)
      await page.waitForURL(`${h.baseUrl}/`)
      const me = await apiFromPage(page, '/api/v1/auth/me')
      const own = await apiFromPage(page, `/api/v1/registry/institutions/${me.body.user.institution_id}`)
      assert.equal(own.status, 200)
      assert.equal(own.body.compliance, null)
      await page.goto(`${h.baseUrl}/registry/institutions/${me.body.user.institution_id}`)
      await page.locator('[data-test=portrait]').waitFor()
      assert.equal(await page.locator('[data-test=portrait-compliance]').count(), 0)
    })
  })

  it('the institution user has no check page', async () => {
    await scenario('checks-institution', async (page) => {
      const r = await login(page, 'inst-demo', h.passwords['inst-demo'])
      assert.equal(r.status(), 200)
      await page.waitForURL(`${h.baseUrl}/`)
      assert.equal(await page.locator('[data-test=nav-checks]').count(), 0)
      await page.goto(`${h.baseUrl}/checks`)
      await page.waitForURL(`${h.baseUrl}/`)
      assert.equal(await page.locator('[data-test=check-page]').count(), 0)
      // And the API refuses the upload.
      const status = await page.evaluate(async () => {
        const form = new FormData()
        form.append('file', new File(['%PDF-1.4'], 'x.pdf', { type: 'application/pdf' }))
        const res = await fetch('/api/v1/checks', { method: 'POST', body: form, credentials: 'same-origin' })
        return res.status
      })
      assert.equal(status, 403)
    })
  })

  it('no page errors', () => {
    assert.deepEqual(pageErrors, [])
  })
})
