// End-to-end test of the web UI in headless Chromium against the real server.
//
// Starts `$ZJ_BIN --db sqlite:TMP/zj.db demo-init` and `... serve --static web/dist` in a fresh temporary
// directory (port chosen by the OS, read from --port-file), then drives the built UI with
// playwright-core and Debian's /usr/bin/chromium. Expected values come from the server (API
// answers seen by the same browser session), never from constants. Screenshots and the server
// log go to test-artifacts/browser/. The server, the browser and the temporary directory are
// removed in the after hooks whatever happens.
//
// Run: node --test tests/browser/   (needs `npm ci` and `npm run build` in web/, and the binary)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiFromPage, createHarness, inputOf, login, shot } from './harness.mjs'

const h = createHarness()
const { pageErrors } = h
const scenario = h.scenario
let baseUrl = ''
let passwords = {}

async function switchLanguage(page, label) {
  await page.locator('[data-test=lang-button]').click()
  await page.getByRole('menuitem', { name: label, exact: true }).click()
}

describe('web UI against the real server', { timeout: 240000 }, () => {
  before(async () => {
    await h.start()
    baseUrl = h.baseUrl
    passwords = h.passwords
    for (const u of ['admin', 'regulator-sd', 'regulator-jn', 'inst-demo']) {
      assert.equal(typeof passwords[u], 'string', `demo-init wrote no password for ${u}`)
    }
  })

  after(() => h.stop())

  it('regulator-sd: dashboard with charts, English switch, own login in the audit trail, API key, logout', async () => {
    await scenario('regulator', async (page) => {
      await shot(page, '01-login')
      await assert.doesNotReject(page.locator('[data-test=demo-hint]').waitFor())
      // The demo hint lists accounts but never their passwords.
      const hint = await page.locator('[data-test=demo-hint]').innerText()
      assert.match(hint, /regulator-sd/)
      for (const pw of Object.values(passwords)) assert.ok(!hint.includes(pw), 'password in the hint')

      const loginResponse = await login(page, 'regulator-sd', passwords['regulator-sd'])
      assert.equal(loginResponse.status(), 200)
      await page.waitForURL(`${baseUrl}/`)

      // Header: the user from /auth/me, in Chinese by default.
      const me = await apiFromPage(page, '/api/v1/auth/me')
      assert.equal(me.status, 200)
      assert.equal(me.body.user.username, 'regulator-sd')
      assert.equal(me.body.user.region_prefix, '37')
      await assert.doesNotReject(
        page.locator('[data-test=user-name]', { hasText: me.body.user.display_name }).waitFor(),
      )
      assert.match(await page.locator('[data-test=user-scope]').innerText(), /37/)
      assert.equal((await page.locator('[data-test=nav-dashboard]').innerText()).trim(), '监管概览')
      // A regulator sees the audit trail but not user management.
      assert.equal(await page.locator('[data-test=nav-audit]').count(), 1)
      assert.equal(await page.locator('[data-test=nav-users]').count(), 0)

      // Count cards show the server's numbers.
      const dash = await apiFromPage(page, '/api/v1/dashboard')
      assert.equal(dash.status, 200)
      for (const key of ['institutions', 'users', 'audit_events']) {
        const value = page.locator(`[data-test=card-${key}] [data-test=card-value]`)
        await assert.doesNotReject(value.filter({ hasText: /\d/ }).waitFor())
        const shown = Number((await value.innerText()).replace(/[^\d]/g, ''))
        assert.ok(shown > 0 || dash.body.counts[key] === 0, `card ${key} empty`)
        if (key === 'institutions') assert.equal(shown, dash.body.counts.institutions)
      }
      assert.ok(dash.body.counts.institutions > 0, 'demo data has institutions in Shandong')
      assert.ok(dash.body.counts.audit_events >= 1, 'our own login is an audit event')

      // The bar chart is drawn: a sized canvas with painted pixels.
      const canvas = page.locator('[data-test=chart-regions] canvas').first()
      await canvas.waitFor()
      await page.waitForTimeout(800) // ECharts' entry animation
      const painted = await canvas.evaluate((c) => {
        const ctx = c.getContext('2d')
        const { data } = ctx.getImageData(0, 0, c.width, c.height)
        let n = 0
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++
        return { width: c.width, height: c.height, painted: n }
      })
      assert.ok(painted.width > 200 && painted.height > 200, JSON.stringify(painted))
      assert.ok(painted.painted > 1000, `chart canvas nearly blank: ${JSON.stringify(painted)}`)
      assert.equal(await page.locator('[data-test=chart-audit] canvas').count(), 1)
      await shot(page, '02-dashboard-zh')

      // English: labels change, Element Plus too, and the choice survives a reload.
      await switchLanguage(page, 'English')
      await assert.doesNotReject(page.locator('[data-test=nav-dashboard]', { hasText: 'Dashboard' }).waitFor())
      assert.match(await page.locator('[data-test=card-institutions]').innerText(), /Institutions/)
      assert.equal(await page.locator('[data-test=logout]').innerText(), 'Log out')
      assert.equal(await page.evaluate(() => localStorage.getItem('zj.locale')), 'en')
      await page.reload()
      await assert.doesNotReject(page.locator('[data-test=nav-audit]', { hasText: 'Audit trail' }).waitFor())
      await shot(page, '03-dashboard-en')

      // Audit trail: the server's record of this login appears in the table.
      const audit = await apiFromPage(page, '/api/v1/audit?limit=200')
      assert.equal(audit.status, 200)
      const own = audit.body.items.find((e) => e.actor === 'regulator-sd' && e.action === 'auth.login')
      assert.ok(own, `no login event of regulator-sd in ${JSON.stringify(audit.body.items)}`)
      await page.locator('[data-test=nav-audit]').click()
      await page.waitForURL(`${baseUrl}/audit`)
      const row = page
        .locator('[data-test=audit-table] .el-table__body tr')
        .filter({ hasText: own.action })
        .filter({ hasText: 'regulator-sd' })
        .first()
      await assert.doesNotReject(row.waitFor())
      const rowText = await row.innerText()
      assert.match(rowText, new RegExp(`^\\s*${own.seq}\\b`))
      assert.match(rowText, /Regulator/) // role column, translated
      await shot(page, '04-audit')

      // Filtering by action asks the server and shows only that action.
      const filtered = page.waitForResponse((r) => r.url().includes('action=auth.login'))
      await page.locator('[data-test=audit-action]').click()
      await page.locator('.el-select-dropdown__item').getByText('auth.login', { exact: true }).click()
      assert.equal((await filtered).status(), 200)
      const rows = page.locator('[data-test=audit-table] .el-table__body tr')
      await rows.first().waitFor()
      for (const text of await rows.allInnerTexts()) assert.match(text, /\bauth\.login\b(?!-)/)

      // API keys: the raw key is shown once, listed by its prefix, and can be revoked.
      await page.locator('[data-test=nav-apikeys]').click()
      await page.waitForURL(`${baseUrl}/apikeys`)
      await page.locator(inputOf('apikey-name')).fill('e2e LIMS')
      const createdKey = page.waitForResponse(
        (r) => r.url().endsWith('/api/v1/apikeys') && r.request().method() === 'POST',
      )
      await page.locator('[data-test=apikey-create]').click()
      const keyResponse = await createdKey
      assert.equal(keyResponse.status(), 201)
      const key = await keyResponse.json()
      assert.ok(key.key.includes(key.prefix), 'the key contains its public prefix')
      await assert.doesNotReject(page.locator(`${inputOf('apikey-raw')}`).waitFor())
      assert.equal(await page.locator(inputOf('apikey-raw')).inputValue(), key.key)
      await shot(page, '05-apikey-created')
      await page.getByRole('button', { name: 'I have saved it' }).click()
      const keyRow = page.locator('[data-test=apikeys-table] .el-table__body tr').filter({ hasText: 'e2e LIMS' })
      assert.match(await keyRow.innerText(), new RegExp(key.prefix))
      assert.ok(!(await page.content()).includes(key.key), 'raw key still in the page after closing')
      await keyRow.getByRole('button', { name: 'Revoke' }).click()
      const revoked = page.waitForResponse((r) => r.request().method() === 'DELETE')
      await page.locator('.el-message-box').getByRole('button', { name: 'Revoke' }).click()
      assert.equal((await revoked).status(), 204)
      await assert.doesNotReject(keyRow.filter({ hasText: 'Revoked' }).waitFor())
      const keys = await apiFromPage(page, '/api/v1/apikeys')
      assert.ok(keys.body.items.find((k) => k.id === key.id).revoked_at, 'server lists it revoked')

      // Logout ends the session on the server too.
      await page.locator('[data-test=logout]').click()
      await page.waitForURL(/\/login/)
      assert.equal((await apiFromPage(page, '/api/v1/auth/me')).status, 401)
      // A signed-out visit to a page goes back to the login.
      await page.goto(`${baseUrl}/audit`)
      await page.waitForURL(/\/login/)
    })
  })

  it('admin creates a user through the dialog', async () => {
    await scenario('admin', async (page) => {
      const response = await login(page, 'admin', passwords.admin)
      assert.equal(response.status(), 200)
      await page.waitForURL(`${baseUrl}/`)
      await page.locator('[data-test=nav-users]').click()
      await page.waitForURL(`${baseUrl}/users`)
      await page.locator('[data-test=users-table] .el-table__body tr').first().waitFor()

      const username = `e2e-${Date.now().toString(36)}`
      const password = `E2e-${Math.random().toString(36).slice(2)}-${Date.now()}`
      await page.locator('[data-test=user-create-open]').click()
      const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test=user-username]') })
      await dialog.waitFor()
      await dialog.locator(inputOf('user-username')).fill(username)
      await dialog.locator(inputOf('user-display-name')).fill('端到端测试监管员')
      // Role: regulator (the default) needs a region: pick Shandong in the cascader.
      await dialog.locator('[data-test=field-region] .el-cascader').click()
      const province = page.locator('.el-cascader-node').filter({ hasText: '山东省' }).first()
      await province.waitFor()
      await province.locator('.el-radio').click()
      await assert.doesNotReject(
        dialog.locator('[data-test=user-region-prefix]', { hasText: /^37$/ }).waitFor(),
      )
      await dialog.locator('.el-dialog__title').click() // closes the cascader panel
      await page.locator('.el-cascader__dropdown').waitFor({ state: 'hidden' })
      await dialog.locator(inputOf('user-password')).fill(password)
      await shot(page, '06-user-dialog')
      const created = page.waitForResponse(
        (r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST',
      )
      await dialog.locator('[data-test=user-create-submit]').click()
      const createdResponse = await created
      assert.equal(createdResponse.status(), 201, await createdResponse.text())
      const sent = createdResponse.request().postDataJSON()
      assert.deepEqual(
        { username: sent.username, role: sent.role, region_prefix: sent.region_prefix },
        { username, role: 'regulator', region_prefix: '37' },
      )
      await dialog.waitFor({ state: 'hidden' })
      const row = page.locator('[data-test=users-table] .el-table__body tr').filter({ hasText: username })
      await assert.doesNotReject(row.waitFor())
      assert.match(await row.innerText(), /监管人员/)
      await shot(page, '07-user-created')

      // The server has it with the chosen scope, and the new account can sign in.
      const users = await apiFromPage(page, '/api/v1/users')
      const stored = users.body.items.find((u) => u.username === username)
      assert.ok(stored, 'created user not listed by the API')
      assert.equal(stored.role, 'regulator')
      assert.equal(stored.region_prefix, '37')
      await page.locator('[data-test=logout]').click()
      await page.waitForURL(/\/login/)
      assert.equal((await login(page, username, password)).status(), 200)
      await page.waitForURL(`${baseUrl}/`)
      await assert.doesNotReject(
        page.locator('[data-test=user-name]', { hasText: '端到端测试监管员' }).waitFor(),
      )
    })
  })

  it('admin creates an institution user, finding the institution by name', async () => {
    await scenario('admin-institution-user', async (page) => {
      assert.equal((await login(page, 'admin', passwords.admin)).status(), 200)
      await page.waitForURL(`${baseUrl}/`)
      await page.goto(`${baseUrl}/users`)
      await page.locator('[data-test=users-table] .el-table__body tr').first().waitFor()
      // What the registry search holds for 青岛, as the admin sees it.
      const expected = await apiFromPage(page, `/api/v1/registry/institutions?name=${encodeURIComponent('青岛')}`)
      assert.equal(expected.status, 200)
      assert.ok(expected.body.items.length > 0, 'the test data has institutions in Qingdao')
      const target = expected.body.items[0]

      const username = `inst-${Date.now().toString(36)}`
      await page.locator('[data-test=user-create-open]').click()
      const dialog = page.locator('.el-dialog').filter({ has: page.locator('[data-test=user-username]') })
      await dialog.waitFor()
      await dialog.locator(inputOf('user-username')).fill(username)
      await dialog.locator(inputOf('user-display-name')).fill('机构端账号')
      await dialog.locator('[data-test=user-role-select]').click()
      await page.locator('.zj-role-popper [data-test=role-option-institution]').click()
      const searched = page.waitForResponse((r) => r.url().includes('/api/v1/registry/institutions?') && r.url().includes('name='))
      await dialog.locator('[data-test=user-institution] input').fill('青岛')
      assert.equal((await searched).status(), 200)
      const option = page.locator('.el-select-dropdown__item').filter({ hasText: target.uscc })
      await option.click()
      await dialog.locator(inputOf('user-password')).fill(`Inst-${Math.random().toString(36).slice(2)}-x`)
      const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST')
      await dialog.locator('[data-test=user-create-submit]').click()
      const createdResponse = await created
      assert.equal(createdResponse.status(), 201, await createdResponse.text())
      const users = await apiFromPage(page, '/api/v1/users')
      const stored = users.body.items.find((u) => u.username === username)
      assert.equal(stored.role, 'institution')
      assert.equal(stored.institution_id, target.id)
    })
  })

  it('a wrong password shows the server message in the chosen language', async () => {
    await scenario('wrong-password', async (page) => {
      const zhResponse = await login(page, 'admin', `${passwords.admin}-wrong`)
      assert.equal(zhResponse.status(), 401)
      assert.match(zhResponse.headers()['content-type'], /application\/problem\+json/)
      const zh = await zhResponse.json()
      assert.equal(zh.code, 'auth.bad-credentials')
      const error = page.locator('[data-test=login-error]')
      await assert.doesNotReject(error.filter({ hasText: zh.message_zh }).waitFor())
      assert.ok(zh.message_zh.length > 0)
      assert.ok(page.url().endsWith('/login'))
      await shot(page, '08-login-error-zh')

      await page.locator('[data-test=login-lang]').click()
      const enResponse = await login(page, 'admin', `${passwords.admin}-wrong`)
      const en = await enResponse.json()
      assert.equal(enResponse.status(), 401)
      await assert.doesNotReject(error.filter({ hasText: en.message_en }).waitFor())
      assert.notEqual(en.message_en, zh.message_zh)
      assert.equal((await apiFromPage(page, '/api/v1/auth/me')).status, 401)
      await shot(page, '09-login-error-en')
    })
  })

  it('repeated failures are throttled and the retry time is shown', async () => {
    await scenario('throttled', async (page) => {
      // regulator-jn is used by no other scenario; fail until the server throttles (429).
      let response = null
      for (let i = 0; i < 12; i++) {
        response = await login(page, 'regulator-jn', `not-the-password-${i}`)
        if (response.status() === 429) break
        assert.equal(response.status(), 401)
        await page.locator('[data-test=login-error]').waitFor()
      }
      assert.equal(response.status(), 429, 'never throttled')
      const problem = await response.json()
      assert.equal(problem.code, 'auth.throttled')
      const retryAfter = Number(response.headers()['retry-after'])
      assert.ok(retryAfter > 0, 'Retry-After header')
      const error = page.locator('[data-test=login-error]')
      await assert.doesNotReject(error.filter({ hasText: problem.message_zh }).waitFor())
      assert.match(await error.innerText(), new RegExp(`${retryAfter} 秒`))
      await shot(page, '10-login-throttled')
    })
  })

  it('raised no uncaught error in the pages', () => {
    assert.deepEqual(pageErrors, [])
  })
})
