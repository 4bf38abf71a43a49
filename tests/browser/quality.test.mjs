// Browser test of the data-quality page (智查) against the real server, in headless Chromium.
//
// Same conventions as web_ui.test.mjs: `$ZJ_BIN --db sqlite:TMP/zj.db demo-init` (which stores
// four data-quality runs as of the last 12 weeks), then `serve --static web/dist` on a port chosen
// by the OS; playwright-core drives Debian's chromium. Expected values come from the server's own
// API answers seen by the same browser session. Screenshots and the server log go to
// test-artifacts/browser/ (quality-*.png).
//
// Run: node --test tests/browser/quality.test.mjs   (needs `npm run build` in web/, and the binary)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { apiFromPage, createHarness, login, shot } from './harness.mjs'

const h = createHarness({ tmpPrefix: 'zj-browser-quality-', serverLogName: 'quality-server.log' })
const { pageErrors } = h
const scenario = h.scenario
let baseUrl = ''
let passwords = {}

function mean(rows, key) {
  return rows.reduce((s, r) => s + r[key], 0) / rows.length
}

// The defect table's rows on the page.
function defectRows(page) {
  return page.locator('[data-test=quality-defects-table] .el-table__body-wrapper tbody tr')
}

async function openQuality(page, user) {
  const r = await login(page, user, passwords[user])
  assert.equal(r.status(), 200)
  await page.waitForURL(`${baseUrl}/`)
  await page.locator('[data-test=nav-quality]').click()
  await page.waitForURL(`${baseUrl}/quality`)
  await page.locator('[data-test=quality-overview]').waitFor()
}

describe('data-quality page against the real server', { timeout: 240000 }, () => {
  before(async () => {
    await h.start()
    baseUrl = h.baseUrl
    passwords = h.passwords
  })

  after(() => h.stop())

  it('regulator-sd: rates, charts, trend and defects of its province; run now', async () => {
    await scenario('quality-regulator', async (page) => {
      await openQuality(page, 'regulator-sd')
      assert.equal((await page.locator('[data-test=nav-quality]').innerText()).trim(), '数据质量')

      // The latest run is shown; its overall rates are the mean over the kinds of record.
      const runs = await apiFromPage(page, '/api/v1/quality/runs')
      assert.equal(runs.status, 200)
      assert.equal(runs.body.items.length, 4, 'demo-init stores four runs')
      const latest = runs.body.items[0]
      const completeness = (mean(latest.totals, 'completeness') * 100).toFixed(1) + '%'
      await page
        .locator('[data-test=quality-card-completeness] [data-test=quality-card-value]', { hasText: completeness })
        .waitFor()
      const inScope = await page.locator('[data-test=quality-card-findings] [data-test=quality-card-value]').innerText()
      assert.equal(inScope.replace(/,/g, ''), String(latest.findings_in_scope))

      // Charts: per kind, per region, trend (each an ECharts canvas).
      for (const chart of ['entities', 'regions', 'trend']) {
        await page.locator(`[data-test=quality-chart-${chart}] canvas`).first().waitFor()
      }
      const trend = await apiFromPage(page, '/api/v1/quality/trend?region=37')
      assert.equal(new Set(trend.body.items.map((p) => p.run_id)).size, 4, 'one trend point per run')
      const regions = await apiFromPage(page, `/api/v1/quality/runs/${latest.id}/rates?by=region`)
      assert.ok(regions.body.items.length > 0)
      for (const r of regions.body.items) assert.ok(r.region_code.startsWith('37'), r.region_code)

      // Rates per field.
      const fields = await apiFromPage(page, `/api/v1/quality/runs/${latest.id}/rates?by=field`)
      const fieldRows = page.locator('[data-test=quality-fields-table] .el-table__body-wrapper tbody tr')
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-test=quality-fields-table] .el-table__body-wrapper tbody tr').length === n,
        fields.body.items.length,
      )
      assert.equal(await fieldRows.count(), fields.body.items.length)

      // Defects: the server's first page, Shandong only, linked to the portrait.
      const first = await apiFromPage(page, `/api/v1/quality/findings?run=${latest.id}&limit=20`)
      assert.ok(first.body.items.length > 0)
      for (const f of first.body.items) assert.ok(f.region_code.startsWith('37'), f.region_code)
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-test=quality-defects-table] .el-table__body-wrapper tbody tr').length === n,
        first.body.items.length,
      )
      const names = await page.locator('[data-test=quality-defect-institution]').allInnerTexts()
      assert.deepEqual(
        names.map((s) => s.trim()),
        first.body.items.map((f) => f.institution_name),
      )
      await shot(page, 'quality-01-regulator')

      // A filter: the table follows the server's answer.
      await page.locator('[data-test=quality-filter-category]').click()
      await page.getByRole('option', { name: '完整性', exact: true }).click()
      const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/quality/findings?') && r.url().includes('category=completeness'))
      await page.locator('[data-test=quality-filter-search]').click()
      const body = await (await filtered).json()
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-test=quality-defects-table] .el-table__body-wrapper tbody tr').length === n,
        body.items.length,
      )
      for (const f of body.items) assert.equal(f.category, 'completeness')

      // Export the filtered list as CSV: the same rows.
      const all = await apiFromPage(page, `/api/v1/quality/findings?run=${latest.id}&category=completeness&limit=500`)
      await page.locator('[data-test=quality-export]').click()
      const downloading = page.waitForEvent('download')
      await page.locator('[data-test=quality-export-findings-csv]').click()
      const download = await downloading
      assert.match(download.suggestedFilename(), new RegExp(`^quality-findings-${latest.id}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
      const text = fs.readFileSync(await download.path()).subarray(3).toString('utf8')
      const lines = text.split(/\r?\n/).filter((l) => l.length)
      assert.equal(lines.length - 1, all.body.items.length, 'one row per defect of the filter')
      assert.ok(lines[0].startsWith('检查批次,机构名称'), lines[0])

      // The printable report opens in a new tab.
      const popup = page.context().waitForEvent('page')
      await page.locator('[data-test=quality-export]').click()
      await page.locator('[data-test=quality-export-report]').click()
      const report = await popup
      await report.waitForLoadState()
      assert.match(await report.title(), /数据质量检查报告/)
      assert.match(await report.locator('h1').innerText(), /数据质量检查报告/)
      await shot(report, 'quality-02-report')
      await report.close()

      // Run now: a new run over Shandong appears and is selected.
      await page.locator('[data-test=quality-run-now]').click()
      await page.waitForFunction(
        async (before) => {
          const r = await fetch('/api/v1/quality/runs', { credentials: 'same-origin' })
          return (await r.json()).items.length === before + 1
        },
        runs.body.items.length,
        { timeout: 30000 },
      )
      const after = await apiFromPage(page, '/api/v1/quality/runs')
      assert.equal(after.body.items[0].region_prefix, '37')
      await page.locator('[data-test=quality-run-select] input').waitFor()
      await page.waitForFunction(
        (label) => document.querySelector('[data-test=quality-run-select]').textContent.includes(label) ||
          document.querySelector('[data-test=quality-run-select] input')?.value?.includes(label),
        `第 ${after.body.items[0].id} 批`,
        { timeout: 30000 },
      )
      await shot(page, 'quality-03-after-run')
    })
  })

  it('inst-demo: only its own defects; marks one fixed', async () => {
    await scenario('quality-institution', async (page) => {
      await openQuality(page, 'inst-demo')
      const me = await apiFromPage(page, '/api/v1/auth/me')
      const own = me.body.user.institution_id
      const runs = await apiFromPage(page, '/api/v1/quality/runs')
      const latest = runs.body.items[0]
      const list = await apiFromPage(page, `/api/v1/quality/findings?run=${latest.id}&limit=20`)
      assert.ok(list.body.items.length > 0, 'the demo institution has defects')
      for (const f of list.body.items) assert.equal(f.institution_id, own)

      // No per-region chart, no run button; the table shows exactly the institution's defects.
      assert.equal(await page.locator('[data-test=quality-run-now]').count(), 0)
      await page.locator('[data-test=quality-chart-trend] canvas').first().waitFor()
      assert.equal(await page.locator('[data-test=quality-chart-regions]').count(), 0)
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-test=quality-defects-table] .el-table__body-wrapper tbody tr').length === n,
        list.body.items.length,
      )
      const messages = await page.locator('[data-test=quality-defect-message]').allInnerTexts()
      assert.deepEqual(
        messages.map((s) => s.trim()),
        list.body.items.map((f) => f.message_zh),
      )
      await shot(page, 'quality-04-institution')

      // Mark the first open defect fixed.
      const target = list.body.items.find((f) => f.state === 'open')
      assert.ok(target)
      const index = list.body.items.indexOf(target)
      await defectRows(page).nth(index).locator('[data-test=quality-mark-fixed]').click()
      await page.locator(':is(textarea[data-test=quality-mark-note], [data-test=quality-mark-note] textarea)').fill('已补充登记信息')
      const marked = page.waitForResponse((r) => r.url().includes(`/api/v1/quality/findings/${target.fingerprint}/fixed`))
      await page.locator('[data-test=quality-mark-confirm]').click()
      assert.equal((await marked).status(), 201)
      await defectRows(page).nth(index).locator('[data-test=quality-defect-state]', { hasText: '已标记整改' }).waitFor()
      assert.equal(await defectRows(page).nth(index).locator('[data-test=quality-mark-fixed]').count(), 0)
      const fixed = await apiFromPage(page, `/api/v1/quality/findings?run=${latest.id}&status=fixed`)
      assert.deepEqual(
        fixed.body.items.map((f) => f.fingerprint),
        [target.fingerprint],
      )
      await shot(page, 'quality-05-marked')
    })
  })

  it('no page errors', () => {
    assert.deepEqual(pageErrors, [])
  })
})
