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
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const ZJ_BIN = path.resolve(ROOT, process.env.ZJ_BIN || 'build/zhijian')
const DIST = path.join(ROOT, 'web', 'dist')
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const { chromium } = createRequire(path.join(ROOT, 'web', 'package.json'))('playwright-core')

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

let tmp = null // temporary directory: database, port file, password file, browser profile
let server = null // the server's ChildProcess
let serverLog = ''
let baseUrl = ''
let passwords = {}
let context = null // the browser (persistent context on a fresh profile)
const pageErrors = []

function run(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(ZJ_BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${ZJ_BIN} ${args.join(' ')} failed (${code ?? signal}):\n${out}`))
    })
  })
}

async function waitForPortFile(file, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`server exited early (${server.exitCode ?? server.signalCode}):\n${serverLog}`)
    }
    try {
      const text = fs.readFileSync(file, 'utf8').trim()
      const port = Number(text)
      if (Number.isInteger(port) && port > 0) return port
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no port file after ${timeoutMs} ms:\n${serverLog}`)
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise((resolve) => server.once('exit', resolve))
  server.kill('SIGTERM')
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10000))
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    server.kill('SIGKILL')
    await exited
  }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

// Runs one scenario on a fresh page with no session and the default language; on failure leaves
// a screenshot named after it.
async function scenario(name, fn) {
  await context.clearCookies()
  const page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`))
  try {
    await page.goto(`${baseUrl}/login`)
    await page.evaluate(() => localStorage.clear())
    await page.reload()
    await fn(page)
  } catch (e) {
    await shot(page, `FAILED-${name}`).catch(() => {})
    throw e
  } finally {
    await page.close()
  }
}

// Calls the API from inside the page (same origin, same session cookie); returns status + body.
function apiFromPage(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) : null }
  }, url)
}

// Element Plus puts extra attributes of <el-input> on the inner <input>.
function inputOf(name) {
  return `:is(input[data-test=${name}], [data-test=${name}] input)`
}

async function login(page, username, password) {
  await page.locator(inputOf('login-username')).fill(username)
  await page.locator(inputOf('login-password')).fill(password)
  const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
  await page.locator('[data-test=login-submit]').click()
  return response
}


describe('registry pages against the real server', { timeout: 240000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(ZJ_BIN), `server binary ${ZJ_BIN} not found (build it, or set ZJ_BIN)`)
    assert.ok(
      fs.existsSync(path.join(DIST, 'index.html')),
      `${DIST}/index.html not found: run "npm ci && npm run build" in web/`,
    )
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-browser-registry-'))
    const db = `sqlite:${path.join(tmp, 'zj.db')}`
    const pwFile = path.join(tmp, 'pw.json')
    const portFile = path.join(tmp, 'port')
    // With the generated demo registry (≈ 300 institutions with certificates and capabilities).
    await run(
      ['--db', db, 'demo-init', '--password-file', pwFile,
        '--registry-dir', path.join(tmp, 'registry'), '--id-key', path.join(tmp, 'id-hash.key')],
      120000,
    )
    passwords = JSON.parse(fs.readFileSync(pwFile, 'utf8'))
    server = spawn(
      ZJ_BIN,
      ['--db', db, 'serve', '--port', '0', '--port-file', portFile, '--static', DIST],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    server.stdout.on('data', (d) => (serverLog += d))
    server.stderr.on('data', (d) => (serverLog += d))
    const port = await waitForPortFile(portFile, 30000)
    baseUrl = `http://127.0.0.1:${port}`
    context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1366, height: 850 },
      locale: 'zh-CN',
    })
    context.setDefaultTimeout(15000)
  })

  after(async () => {
    if (context) await context.close().catch(() => {})
    await stopServer()
    if (serverLog) fs.writeFileSync(path.join(ARTIFACTS, 'registry-server.log'), serverLog)
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

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
