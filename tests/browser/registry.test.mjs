// Browser test of the registry pages (机构查询, 全景画像, 公开查询) against the real server.
//
// Same conventions as web_ui.test.mjs: `$ZJ_BIN --db sqlite:TMP/zj.db demo-init`, then `serve
// --static web/dist` on a port chosen by the OS; playwright-core drives Debian's chromium.
// Expected values come from the server's own API answers seen by the same browser session.
// Screenshots and the server log go to test-artifacts/browser/ (registry-*.png).
//
// Run: node --test tests/browser/   (needs `npm ci` and `npm run build` in web/, and the binary)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { apiFromPage, createHarness, inputOf, login, shot } from './harness.mjs'

// With the generated demo registry (≈ 300 institutions with certificates and capabilities).
const h = createHarness({
  tmpPrefix: 'zj-browser-registry-',
  demoInitArgs: (tmp) => [
    '--registry-dir',
    path.join(tmp, 'registry'),
    '--id-key',
    path.join(tmp, 'id-hash.key'),
  ],
  demoInitTimeoutMs: 120000,
  serverLogName: 'registry-server.log',
})
const { pageErrors } = h
const scenario = h.scenario
let baseUrl = ''
let passwords = {}

describe('registry pages against the real server', { timeout: 240000 }, () => {
  before(async () => {
    await h.start()
    baseUrl = h.baseUrl
    passwords = h.passwords
  })

  after(() => h.stop())

  it('regulator-sd: search with filters, then the portrait', async () => {
    await scenario('registry-search', async (page) => {
      const loginResponse = await login(page, 'regulator-sd', passwords['regulator-sd'])
      assert.equal(loginResponse.status(), 200)
      await page.waitForURL(`${baseUrl}/`)
      await page.locator('[data-test=nav-registry]').click()
      await page.waitForURL(`${baseUrl}/registry`)

      // Unfiltered: the table shows the server's first page and total (Shandong only).
      const all = await apiFromPage(page, '/api/v1/registry/institutions?limit=20')
      assert.equal(all.status, 200)
      assert.ok(all.body.total > 0, 'demo data has institutions in Shandong')
      for (const it of all.body.items) assert.ok(it.region_code.startsWith('37'), it.region_code)
      const rows = page.locator('[data-test=reg-table] .el-table__body-wrapper tbody tr')
      await page.locator('[data-test=reg-table] [data-test=reg-link]').first().waitFor()
      assert.equal(await rows.count(), all.body.items.length)
      assert.match(await page.locator('[data-test=reg-total]').innerText(), new RegExp(String(all.body.total)))
      await shot(page, 'registry-01-search')

      // A name filter: exactly the server's matches.
      await page.locator(inputOf('reg-name')).fill('济南')
      const searched = page.waitForResponse((r) => r.url().includes('/api/v1/registry/institutions?'))
      await page.locator('[data-test=reg-search]').click()
      const filtered = await (await searched).json()
      assert.ok(filtered.items.length > 0)
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-test=reg-table] [data-test=reg-link]').length === n,
        filtered.items.length,
      )
      const names = await page.locator('[data-test=reg-link]').allInnerTexts()
      assert.deepEqual(
        names.map((s) => s.trim()),
        filtered.items.map((i) => i.name),
      )
      await shot(page, 'registry-02-filtered')

      // Portrait of the first match: the same facts as the API's.
      const first = filtered.items[0]
      await page.locator('[data-test=reg-link]').first().click()
      await page.waitForURL(`${baseUrl}/registry/institutions/${first.id}`)
      const portrait = await apiFromPage(page, `/api/v1/registry/institutions/${first.id}`)
      assert.equal(portrait.status, 200)
      await assert.doesNotReject(page.locator('[data-test=portrait-name]', { hasText: portrait.body.name }).waitFor())
      assert.equal((await page.locator('[data-test=portrait-uscc]').innerText()).trim(), portrait.body.uscc)
      for (const section of ['basic', 'certificates', 'capabilities', 'people', 'equipment']) {
        assert.equal(await page.locator(`[data-test=portrait-${section}]`).count(), 1, section)
      }
      // Sections without data are not shown.
      assert.equal(await page.locator('[data-test=portrait-penalties]').count(), portrait.body.penalties.length ? 1 : 0)
      await shot(page, 'registry-03-portrait')

    })
  })

  it('anonymous: public lookup reachable from the login page, public fields only', async () => {
    await scenario('registry-public', async (page) => {
      await page.locator('[data-test=login-public-lookup]').click()
      await page.waitForURL(`${baseUrl}/public/lookup`)
      await page.locator('[data-test=public-title]').waitFor()
      await page.locator(inputOf('pub-name')).fill('检测')
      const answered = page.waitForResponse((r) => r.url().includes('/api/v1/public/institutions?'))
      await page.locator('[data-test=pub-search]').click()
      const response = await answered
      assert.equal(response.status(), 200)
      const body = await response.json()
      assert.ok(body.items.length > 0, 'the generated demo registry has certified 检测 institutions')
      for (const it of body.items) {
        assert.deepEqual(Object.keys(it).sort(), ['certificates', 'domains', 'name', 'region_name', 'uscc'])
      }
      await page.locator('[data-test=pub-table]').waitFor()
      const rows = page.locator('[data-test=pub-table] .el-table__body-wrapper tbody tr')
      assert.equal(await rows.count(), body.items.length)
      if (body.items.length === 0) {
        assert.match(await page.locator('[data-test=pub-table]').innerText(), /未找到/)
      }
      // The anonymous visitor has no session: the scoped search refuses.
      const scoped = await apiFromPage(page, '/api/v1/registry/institutions')
      assert.equal(scoped.status, 401)
      await shot(page, 'registry-04-public')
    })
  })

  it('no uncaught errors in the pages', () => {
    assert.deepEqual(pageErrors, [])
  })
})
