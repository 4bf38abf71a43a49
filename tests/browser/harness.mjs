// Shared harness of the browser tests (web_ui.test.mjs, registry.test.mjs, verify.test.mjs).
//
// createHarness() prepares a fresh temporary directory, runs `$ZJ_BIN --db sqlite:TMP/zj.db
// demo-init` (plus any extra arguments), starts `... serve --static web/dist` on a port chosen by
// the OS (read from --port-file) and launches Debian's /usr/bin/chromium through playwright-core
// on a fresh profile. stop() closes the browser, stops the server, writes the server log to
// test-artifacts/browser/ and removes the temporary directory, whatever state start() reached.
// Not a test file itself: the name must not end in .test.mjs.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const ZJ_BIN = path.resolve(ROOT, process.env.ZJ_BIN || 'build/zhijian')
export const DIST = path.join(ROOT, 'web', 'dist')
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'browser')
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const { chromium } = createRequire(path.join(ROOT, 'web', 'package.json'))('playwright-core')

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

// Runs the binary to completion; resolves with its output, rejects on a non-zero exit.
export function run(args, timeoutMs) {
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

export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

// Calls the API from inside the page (same origin, same session cookie); returns status + body.
export function apiFromPage(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' })
    const text = await r.text()
    return { status: r.status, body: text ? JSON.parse(text) : null }
  }, url)
}

// Element Plus puts extra attributes of <el-input> on the inner <input>.
export function inputOf(name) {
  return `:is(input[data-test=${name}], [data-test=${name}] input)`
}

export async function login(page, username, password) {
  await page.locator(inputOf('login-username')).fill(username)
  await page.locator(inputOf('login-password')).fill(password)
  const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
  await page.locator('[data-test=login-submit]').click()
  return response
}

// Options:
//   tmpPrefix           prefix of the temporary directory (default 'zj-browser-')
//   demoInitArgs(tmp)   extra arguments of demo-init, given the temporary directory (default none)
//   demoInitTimeoutMs   time allowed to demo-init (default 60000)
//   serverLogName       file name of the server log in ARTIFACTS (default 'server.log')
//   prepare(tmp)        async, run before demo-init (e.g. `keys init`; default nothing)
//   serveArgs(tmp)      extra arguments of serve (e.g. --log-key; default none)
// After start(): h.tmp, h.baseUrl, h.passwords, h.context, h.pageErrors; h.scenario(name, fn).
export function createHarness({
  tmpPrefix = 'zj-browser-',
  demoInitArgs = () => [],
  demoInitTimeoutMs = 60000,
  serverLogName = 'server.log',
  prepare = async () => {},
  serveArgs = () => [],
} = {}) {
  let server = null // the server's ChildProcess
  let serverLog = ''
  const h = {
    tmp: null, // temporary directory: database, port file, password file, browser profile
    baseUrl: '',
    passwords: {},
    context: null, // the browser (persistent context on a fresh profile)
    pageErrors: [],
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

  h.start = async () => {
    assert.ok(fs.existsSync(ZJ_BIN), `server binary ${ZJ_BIN} not found (build it, or set ZJ_BIN)`)
    assert.ok(
      fs.existsSync(path.join(DIST, 'index.html')),
      `${DIST}/index.html not found: run "npm ci && npm run build" in web/`,
    )
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    h.tmp = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix))
    const db = `sqlite:${path.join(h.tmp, 'zj.db')}`
    const pwFile = path.join(h.tmp, 'pw.json')
    const portFile = path.join(h.tmp, 'port')

    await prepare(h.tmp)
    // --db is the binary's global option: it goes before the subcommand.
    await run(
      ['--db', db, 'demo-init', '--password-file', pwFile, ...demoInitArgs(h.tmp)],
      demoInitTimeoutMs,
    )
    h.passwords = JSON.parse(fs.readFileSync(pwFile, 'utf8'))

    server = spawn(
      ZJ_BIN,
      [
        '--db',
        db,
        'serve',
        '--port',
        '0',
        '--port-file',
        portFile,
        '--static',
        DIST,
        // The same key file as demo-init's when that names one (registry.test.mjs).
        '--id-key',
        path.join(h.tmp, 'id-hash.key'),
        ...serveArgs(h.tmp),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    server.stdout.on('data', (d) => (serverLog += d))
    server.stderr.on('data', (d) => (serverLog += d))
    const port = await waitForPortFile(portFile, 30000)
    h.baseUrl = `http://127.0.0.1:${port}`

    h.context = await chromium.launchPersistentContext(path.join(h.tmp, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1366, height: 850 },
      locale: 'zh-CN',
    })
    h.context.setDefaultTimeout(15000)
  }

  h.stop = async () => {
    if (h.context) await h.context.close().catch(() => {})
    await stopServer()
    if (serverLog) fs.writeFileSync(path.join(ARTIFACTS, serverLogName), serverLog)
    if (h.tmp) fs.rmSync(h.tmp, { recursive: true, force: true })
  }

  // Runs one scenario on a fresh page with no session and the default language; on failure
  // leaves a screenshot named after it.
  h.scenario = async (name, fn) => {
    await h.context.clearCookies()
    const page = await h.context.newPage()
    page.on('pageerror', (e) => h.pageErrors.push(`${name}: ${e.message}`))
    try {
      await page.goto(`${h.baseUrl}/login`)
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

  return h
}
