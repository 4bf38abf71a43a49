// Browser test of the public verification page (一码通查, /verify, /V/<payload>/<secret>) against
// the real server, in headless Chromium.
//
// Setup: `zhijian keys init` (the log key), `demo-init` with the generated registry (≈ 3,300
// demo reports registered), `serve --log-key … --checkpoint-ms 100`. Through the API as admin
// the test then registers a report whose document is a file made here, revokes one report,
// corrects another, and downloads a report's QR PNG; it waits until a signed checkpoint covers
// every event. Expected values come from the server's own answers, never from constants.
//
// Scenarios: by code; by code + secret (content shown, salted digests checked); by uploading the
// server's QR PNG (decoded in the browser with jsQR; first use fetches the key, the second check
// needs no network for it, and with the network cut the QR still verifies offline); by opening the
// QR URL; by the camera (Chromium's fake capture device playing the QR); a matching and a
// non-matching report file (chosen and dropped); a revoked and a corrected report; tampered
// answers (inclusion proof, checkpoint signature, entry bytes, consistency proof) intercepted with
// page.route(); an unknown code; a mistyped code (no request); English; a phone viewport.
// Screenshots: test-artifacts/browser/verify-*.png.
//
// Run: node --test tests/browser/verify.test.mjs   (after `npm run build` in web/, with ZJ_BIN)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { createRequire } from 'node:module'
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, createHarness, inputOf, run, shot } from './harness.mjs'
import { parseVerifierKey } from '../../web/src/verify/note.js'
import { verifyQrText } from '../../web/src/verify/qr.js'
import { ALPHABET, checkChar } from '../../web/src/verify/reportCode.js'

const { chromium, request } = createRequire(path.join(ROOT, 'web', 'package.json'))('playwright-core')

const h = createHarness({
  tmpPrefix: 'zj-browser-verify-',
  prepare: (tmp) => run(['keys', 'init', '--dir', path.join(tmp, 'keys'), '--name', 'verify.test/log'], 30000),
  demoInitArgs: (tmp) => ['--registry-dir', path.join(tmp, 'registry'), '--id-key', path.join(tmp, 'id-hash.key')],
  demoInitTimeoutMs: 180000,
  serveArgs: (tmp) => ['--log-key', path.join(tmp, 'keys', 'log.key'), '--checkpoint-ms', '100'],
  serverLogName: 'verify-server.log',
})
const { pageErrors } = h

let admin = null // APIRequestContext signed in as admin
let logKey = null // GET /api/v1/public/log-key
const r = {} // the reports the scenarios use: { code, record (admin view), ... }
let pdfMatching = '' // path of the registered report file
let pdfOther = null // bytes of another file
let qrPng = '' // path of report A's QR PNG

const sha256Hex = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex')

async function json(response) {
  assert.ok(response.ok(), `${response.url()}: ${response.status()} ${await response.text()}`)
  return response.json()
}

// Polls until a signed checkpoint covers every event of `code` (each has an inclusion proof).
async function waitIncluded(code) {
  for (let i = 0; i < 200; i++) {
    const v = await json(await admin.get(`/api/v1/public/verify/${code}`))
    if (v.log.checkpoint && v.events.length && v.events.every((e) => e.inclusion_proof)) return v
    await new Promise((res) => setTimeout(res, 100))
  }
  throw new Error(`no checkpoint covers ${code}`)
}

// A minimal PNG reader (8-bit grayscale, non-interlaced: what ledger/qr.h writes) for the fake
// camera's video file.
function readGrayPng(buf) {
  assert.equal(buf.subarray(1, 4).toString(), 'PNG')
  let at = 8
  let width = 0
  let height = 0
  const idat = []
  while (at < buf.length) {
    const len = buf.readUInt32BE(at)
    const type = buf.subarray(at + 4, at + 8).toString()
    const data = buf.subarray(at + 8, at + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      assert.equal(data[8], 8, 'bit depth')
      assert.equal(data[9], 0, 'grayscale')
      assert.equal(data[12], 0, 'not interlaced')
    }
    if (type === 'IDAT') idat.push(data)
    at += 12 + len
  }
  const raw = zlib.inflateSync(Buffer.concat(idat))
  const px = Buffer.alloc(width * height)
  for (let y = 0; y < height; y++) {
    const f = raw[y * (width + 1)]
    for (let x = 0; x < width; x++) {
      const v = raw[y * (width + 1) + 1 + x]
      const a = x > 0 ? px[y * width + x - 1] : 0
      const b = y > 0 ? px[(y - 1) * width + x] : 0
      const c = x > 0 && y > 0 ? px[(y - 1) * width + x - 1] : 0
      let pred = 0
      if (f === 1) pred = a
      else if (f === 2) pred = b
      else if (f === 3) pred = (a + b) >> 1
      else if (f === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      px[y * width + x] = (v + pred) & 0xff
    }
  }
  return { width, height, px }
}

// A Y4M video (4:2:0) of the image centred on a white 720×720 frame, for
// --use-file-for-fake-video-capture.
function y4mOf(png) {
  const W = 720
  const H = 720
  const y = Buffer.alloc(W * H, 255)
  const ox = Math.floor((W - png.width) / 2)
  const oy = Math.floor((H - png.height) / 2)
  for (let row = 0; row < png.height; row++) png.px.copy(y, (oy + row) * W + ox, row * png.width, (row + 1) * png.width)
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma])
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame])
}

function flipBase64(b64, at = 3) {
  const b = Buffer.from(b64, 'base64')
  b[at % b.length] ^= 0x01
  return b.toString('base64')
}

// Routes the verify answer of the page through `edit(answer)`.
async function tamper(page, edit) {
  await page.route('**/api/v1/public/verify/**', async (route) => {
    const response = await route.fetch()
    const body = await response.json()
    edit(body)
    await route.fulfill({ response, json: body })
  })
}

async function verdictOf(page) {
  const v = page.locator('[data-test=verify-verdict]')
  await v.waitFor()
  return v.getAttribute('data-verdict')
}

// Waits for the page's verdict after `action`, returning the server's answer it read.
async function verifyWith(page, action) {
  const answer = page.waitForResponse((res) => res.url().includes('/api/v1/public/verify/'))
  await action()
  const res = await answer
  await page.locator('[data-test=verify-verdict]').waitFor()
  await page.locator('[data-test=verify-loading]').waitFor({ state: 'detached' })
  return res.json()
}

async function typeCode(page, code, secret = '') {
  await page.goto(`${h.baseUrl}/verify`)
  await page.locator(inputOf('verify-code')).fill(code)
  if (secret) await page.locator(inputOf('verify-secret')).fill(secret)
  return verifyWith(page, () => page.locator('[data-test=verify-submit]').click())
}

async function failedSteps(page) {
  return page.locator('[data-test=verify-steps] li[data-ok=no]').evaluateAll((els) => els.map((e) => e.dataset.step))
}

async function expectAllStepsPass(page) {
  await page.locator('[data-test=verify-steps] li').first().waitFor()
  assert.deepEqual(await failedSteps(page), [])
}

describe('verification page against the real server', { timeout: 600000 }, () => {
  before(async () => {
    await h.start()
    admin = await request.newContext({ baseURL: h.baseUrl })
    const login = await admin.post('/api/v1/auth/login', { data: { username: 'admin', password: h.passwords.admin } })
    assert.equal(login.status(), 200)
    logKey = await json(await admin.get('/api/v1/public/log-key'))
    const list = await json(await admin.get('/api/v1/reports?limit=20&status=valid'))
    assert.ok(list.items.length >= 4, 'demo-init registered no reports')
    const [a, revoke, correct] = list.items
    r.a = await json(await admin.get(`/api/v1/reports/${a.code}`))

    // A report whose document is a file made here (8 MiB, so the progress bar has steps).
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n% 智检 verify test\n'), crypto.randomBytes(8 << 20)])
    pdfMatching = path.join(h.tmp, 'report.pdf')
    fs.writeFileSync(pdfMatching, pdf)
    pdfOther = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(200_000)])
    const reg = await json(
      await admin.post('/api/v1/reports', {
        data: {
          institution: r.a.institution.uscc,
          report_no: 'VERIFY-PDF-1',
          issue_date: r.a.issue_date,
          document_sha256: sha256Hex(pdf),
          client: '浏览器测试委托方有限公司',
          sample: '小麦粉',
          conclusion: '所检项目符合要求。',
          signatories: ['张三', '李四'],
          test_lines: [
            { item: '铅', standard: 'GB 5009.12-2023', result: '0.02', unit: 'mg/kg', limit: '≤0.2', verdict: '合格' },
            { item: '镉', standard: 'GB 5009.15-2023', result: '0.01', unit: 'mg/kg', limit: '≤0.1', verdict: '合格' },
          ],
        },
      }),
    )
    r.pdf = await json(await admin.get(`/api/v1/reports/${reg.code}`))

    await json(await admin.post(`/api/v1/reports/${revoke.code}/revocations`, { data: { reason: 'withdrawn' } }))
    r.revoked = await json(await admin.get(`/api/v1/reports/${revoke.code}`))

    const c = await json(await admin.get(`/api/v1/reports/${correct.code}`))
    const fixed = await json(
      await admin.post(`/api/v1/reports/${correct.code}/corrections`, {
        data: {
          reason: 'data-error',
          institution: c.institution.uscc,
          report_no: `${c.report_no}-A`,
          issue_date: c.issue_date,
          document_sha256: sha256Hex(Buffer.from(`corrected ${c.code}`)),
          client: c.content.client,
          sample: c.content.sample,
        },
      }),
    )
    r.corrected = c
    r.replacement = fixed.code

    const png = await admin.get(`/api/v1/reports/${r.a.code}/qr.png`)
    assert.equal(png.status(), 200)
    qrPng = path.join(h.tmp, 'qr-a.png')
    fs.writeFileSync(qrPng, await png.body())

    for (const code of [r.a.code, r.pdf.code, r.revoked.code, r.corrected.code, r.replacement]) await waitIncluded(code)
  })

  after(async () => {
    await admin?.dispose()
    await h.stop()
  })

  it("the server's QR text verifies with the page's own QR module, and names the bound port", () => {
    const key = parseVerifierKey(logKey.verifier_key)
    assert.equal(key.ok, true)
    const qr = verifyQrText(r.a.qr.text, [key])
    assert.equal(qr.ok, true, qr.error)
    assert.equal(qr.claims.code, r.a.code)
    assert.equal(qr.claims.documentSha256, r.a.document_sha256)
    assert.equal(qr.claims.issueDate, r.a.issue_date)
    assert.equal(qr.secret, r.a.secret)
    assert.equal(qr.urlPrefix, h.baseUrl.toUpperCase())
  })

  it('by code: authentic, in the log at the signed tree size, institution and certificate', async () => {
    await h.scenario('verify-code', async (page) => {
      const answer = await typeCode(page, r.a.code_display)
      assert.equal(await verdictOf(page), 'authentic')
      const proof = page.locator('[data-test=verify-proof]')
      assert.equal(await proof.getAttribute('data-proof'), 'included')
      assert.ok((await proof.innerText()).includes(`已收录于透明日志（树大小 ${answer.log.tree_size}）`))
      assert.equal(await page.locator('[data-test=verify-institution]').innerText().then((t) => t.includes(r.a.institution.name)), true)
      const cert = page.locator('[data-test=verify-certificate]')
      assert.equal(await cert.getAttribute('data-covered'), answer.certificate.valid_on_issue_date ? 'yes' : 'no')
      assert.ok((await cert.innerText()).includes(r.a.certificate.number))
      assert.equal((await page.locator('[data-test=verify-report-no]').innerText()).trim(), r.a.report_no)
      assert.equal((await page.locator('[data-test=verify-document-sha256]').innerText()).trim(), r.a.document_sha256)
      assert.ok((await page.locator('[data-test=verify-leaves]').innerText()).includes(`#${r.a.leaf_index}`))
      await page.locator('[data-test=verify-details-locked]').waitFor()
      await expectAllStepsPass(page)
      for (const step of ['checkpoint-signature', 'leaf-hash', 'inclusion', 'entry-matches', 'status-matches']) {
        assert.equal(await page.locator(`[data-test=verify-steps] li[data-step=${step}]`).first().getAttribute('data-ok'), 'yes', step)
      }
      assert.equal(page.url(), `${h.baseUrl}/verify/${r.a.code}`)
      await shot(page, 'verify-01-code')
    })
  })

  it('by code + secret: client, sample, results and signatories, checked against the salted digests', async () => {
    await h.scenario('verify-secret', async (page) => {
      const answer = await typeCode(page, r.pdf.code, r.pdf.secret.toLowerCase())
      assert.equal(answer.secret.valid, true)
      assert.equal(await verdictOf(page), 'authentic')
      assert.equal((await page.locator('[data-test=verify-client]').innerText()).trim(), '浏览器测试委托方有限公司')
      assert.equal((await page.locator('[data-test=verify-sample]').innerText()).trim(), '小麦粉')
      assert.equal((await page.locator('[data-test=verify-signatories]').innerText()).trim(), '张三、李四')
      const rows = page.locator('[data-test=verify-results] tbody tr')
      assert.equal(await rows.count(), 2)
      assert.ok((await rows.nth(0).innerText()).includes('≤0.2'))
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=details-digests]').getAttribute('data-ok'), 'yes')
      await expectAllStepsPass(page)
      await shot(page, 'verify-02-secret')
      // A wrong secret: the content stays hidden and the page says so.
      await typeCode(page, r.pdf.code, 'AAAAAAAAAAAAAAAAAAAAAAAAAA')
      await page.locator('[data-test=verify-secret-invalid]').waitFor()
      assert.equal(await page.locator('[data-test=verify-client]').count(), 0)
    })
  })

  it("by the server's QR PNG: decoded in the browser; the key is fetched once, then the QR verifies offline", async () => {
    await h.scenario('verify-qr-upload', async (page) => {
      const keyRequests = []
      page.on('request', (req) => req.url().includes('/api/v1/public/log-key') && keyRequests.push(req.url()))
      await page.goto(`${h.baseUrl}/verify`)
      await verifyWith(page, () => page.locator('[data-test=verify-qr-input]').setInputFiles(qrPng))
      assert.equal(await verdictOf(page), 'authentic')
      assert.equal(await page.locator('[data-test=verify-offline-badge]').getAttribute('data-offline'), 'no')
      assert.equal(keyRequests.length, 1)
      // The QR carries the secret: the content is shown.
      assert.equal((await page.locator('[data-test=verify-client]').innerText()).trim(), r.a.content.client)
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=qr-signature]').getAttribute('data-ok'), 'yes')
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=qr-matches]').getAttribute('data-ok'), 'yes')
      assert.equal(await page.locator('[data-test=verify-qr-host]').count(), 0, 'the QR points to this server')
      await expectAllStepsPass(page)
      assert.equal(page.url(), `${h.baseUrl}/verify/${r.a.code}`)
      await shot(page, 'verify-03-qr-upload')

      // A fresh page load: the key comes from this device's storage, not the network.
      await page.goto(`${h.baseUrl}/verify`)
      await verifyWith(page, () => page.locator('[data-test=verify-qr-input]').setInputFiles(qrPng))
      assert.equal(await page.locator('[data-test=verify-offline-badge]').getAttribute('data-offline'), 'yes')
      assert.equal(keyRequests.length, 1, 'the key was fetched again')
      assert.ok(
        (await page.locator('[data-test=verify-steps] li[data-step=consistency]').getAttribute('data-ok')) === 'yes',
        'the checkpoint is consistent with the one remembered',
      )

      // Without any network: the QR's signature still verifies, and the page says what it cannot know.
      await page.context().setOffline(true)
      try {
        await page.locator('[data-test=verify-qr-input]').setInputFiles(qrPng)
        await page.locator('[data-test=verify-error]').waitFor()
        assert.equal(await verdictOf(page), 'offline')
        assert.equal(await page.locator('[data-test=verify-offline-badge]').getAttribute('data-offline'), 'yes')
        assert.ok((await page.locator('[data-test=verify-result-code]').innerText()).includes(r.a.code_display))
        await shot(page, 'verify-04-offline')
      } finally {
        await page.context().setOffline(false)
      }
      // A file that is not an image is refused with a message.
      await page.locator('[data-test=verify-qr-input]').setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: Buffer.from('not an image') })
      await page.locator('[data-test=verify-qr-error]').waitFor()
    })
  })

  it('by the QR URL a phone camera opens (/V/<payload>/<secret>), also lower-cased', async () => {
    await h.scenario('verify-qr-url', async (page) => {
      const pathPart = r.a.qr.text.slice(r.a.qr.text.indexOf('/V/'))
      await verifyWith(page, () => page.goto(`${h.baseUrl}${pathPart}`))
      assert.equal(await verdictOf(page), 'authentic')
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=qr-signature]').getAttribute('data-ok'), 'yes')
      assert.equal((await page.locator('[data-test=verify-client]').innerText()).trim(), r.a.content.client)
      await expectAllStepsPass(page)
      await verifyWith(page, () => page.goto(`${h.baseUrl}${pathPart.toLowerCase()}`))
      assert.equal(await verdictOf(page), 'authentic')
      // One changed payload character: the signature fails, the page says forged.
      const i = pathPart.indexOf('/', 3) - 5
      const forgedPath = pathPart.slice(0, i) + (pathPart[i] === 'A' ? 'B' : 'A') + pathPart.slice(i + 1)
      await page.goto(`${h.baseUrl}${forgedPath}`)
      await page.locator('[data-test=verify-verdict][data-verdict=forged]').waitFor()
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=qr-signature]').getAttribute('data-ok'), 'no')
      await shot(page, 'verify-05-forged-qr')
    })
  })

  it('by the camera: the fake capture device plays the QR; jsQR reads the frames', async () => {
    const y4m = path.join(h.tmp, 'qr.y4m')
    fs.writeFileSync(y4m, y4mOf(readGrayPng(fs.readFileSync(qrPng))))
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`],
    })
    try {
      const page = await browser.newPage({ locale: 'zh-CN' })
      page.on('pageerror', (e) => pageErrors.push(`camera: ${e.message}`))
      await page.goto(`${h.baseUrl}/verify`)
      await verifyWith(page, () => page.locator('[data-test=verify-scan]').click())
      assert.equal(await verdictOf(page), 'authentic')
      assert.equal((await page.locator('[data-test=verify-result-code]').innerText()).trim(), r.a.code_display)
      await expectAllStepsPass(page)
      await shot(page, 'verify-06-camera')
    } finally {
      await browser.close()
    }
  })

  it('a report file: the matching one agrees (with progress), another one is a digest mismatch', async () => {
    await h.scenario('verify-document', async (page) => {
      await typeCode(page, r.pdf.code)
      assert.equal(await verdictOf(page), 'authentic')
      // Record the progress bar's values while the 8 MiB file is hashed.
      await page.evaluate(() => {
        window.__progress = []
        new MutationObserver(() => {
          const bar = document.querySelector('[data-test=verify-doc-progress]')
          if (bar) window.__progress.push(Number(bar.getAttribute('aria-valuenow')))
        }).observe(document.body, { subtree: true, childList: true, attributes: true })
      })
      await page.locator('[data-test=verify-doc-input]').setInputFiles(pdfMatching)
      await page.locator('[data-test=verify-doc-digest]').waitFor()
      assert.equal((await page.locator('[data-test=verify-doc-digest]').innerText()).trim(), sha256Hex(fs.readFileSync(pdfMatching)))
      const seen = await page.evaluate(() => window.__progress)
      assert.ok(seen.length >= 2 && seen.some((p) => p > 0 && p < 100), `progress seen: ${seen}`)
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=document]').getAttribute('data-ok'), 'yes')
      assert.equal(await verdictOf(page), 'authentic')
      await shot(page, 'verify-07-document-match')

      // Another file, dropped on the zone: digest mismatch.
      await page.evaluate((b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
        const dt = new DataTransfer()
        dt.items.add(new File([bytes], 'other.pdf', { type: 'application/pdf' }))
        document.querySelector('[data-test=verify-doc-drop]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
      }, pdfOther.toString('base64'))
      await page.locator('[data-test=verify-verdict][data-verdict=mismatch]').waitFor()
      assert.equal((await page.locator('[data-test=verify-doc-digest]').innerText()).trim(), sha256Hex(pdfOther))
      assert.deepEqual(await failedSteps(page), ['document'])
      assert.ok((await page.locator('[data-test=verify-verdict]').innerText()).includes('文件与登记的报告不一致'))
      await shot(page, 'verify-08-document-mismatch')
    })
  })

  it('a revoked report shows the reason; a corrected one links to its replacement', async () => {
    await h.scenario('verify-status', async (page) => {
      await typeCode(page, r.revoked.code)
      assert.equal(await verdictOf(page), 'revoked')
      assert.ok((await page.locator('[data-test=verify-revocation]').innerText()).includes('withdrawn'))
      assert.equal(await page.locator('[data-test=verify-proof]').getAttribute('data-proof'), 'included')
      await expectAllStepsPass(page)
      assert.ok((await page.locator('[data-test=verify-leaves]').innerText()).includes('撤销'))
      await shot(page, 'verify-09-revoked')

      await typeCode(page, r.corrected.code)
      assert.equal(await verdictOf(page), 'corrected')
      await expectAllStepsPass(page)
      const link = page.locator('[data-test=verify-replaced-by] a')
      assert.ok((await link.innerText()).replace(/-/g, '') === r.replacement)
      await shot(page, 'verify-10-corrected')
      await verifyWith(page, () => link.click())
      assert.equal(page.url(), `${h.baseUrl}/verify/${r.replacement}`)
      assert.equal(await verdictOf(page), 'authentic')
      await expectAllStepsPass(page)
    })
  })

  it('tampered answers: the page names the step that failed', async () => {
    await h.scenario('verify-tampered', async (page) => {
      const cases = [
        ['inclusion', (a) => (a.events[0].inclusion_proof[0] = flipBase64(a.events[0].inclusion_proof[0]))],
        ['checkpoint-signature', (a) => (a.log.checkpoint = a.log.checkpoint.replace(/—( \S+ )(\S+)\n/, (m, n, s) => `—${n}${flipBase64(s, 10)}\n`))],
        ['leaf-hash', (a) => (a.events[0].entry = flipBase64(a.events[0].entry, 60))],
        ['entry-matches', (a) => (a.report_no = `${a.report_no}X`)],
        ['status-matches', (a) => (a.status = 'authentic')],
      ]
      for (const [step, edit] of cases) {
        await page.unrouteAll()
        await tamper(page, edit)
        await typeCode(page, step === 'status-matches' ? r.revoked.code : r.a.code)
        const proof = page.locator('[data-test=verify-proof]')
        assert.equal(await proof.getAttribute('data-proof'), 'failed', step)
        assert.ok((await failedSteps(page)).includes(step), `${step}: failed ${await failedSteps(page)}`)
        assert.ok((await proof.innerText()).startsWith('✗ 透明日志证明未通过'), step)
        assert.ok(!(await proof.innerText()).includes('已收录'), step)
        await page.locator('[data-test=verify-untrusted]').waitFor()
        if (step === 'inclusion') await shot(page, 'verify-11-tampered-proof')
      }
      await page.unrouteAll()

      // A consistency proof that does not hold: the remembered checkpoint and the new one fork.
      await typeCode(page, r.a.code) // remembers the current checkpoint
      const grown = await json(
        await admin.post('/api/v1/reports', {
          data: { institution: r.a.institution.uscc, report_no: 'VERIFY-GROW-1', issue_date: r.a.issue_date, document_sha256: sha256Hex(Buffer.from('grow')) },
        }),
      )
      await waitIncluded(grown.code)
      await page.route('**/api/v1/log/proof/consistency**', async (route) => {
        const response = await route.fetch()
        const body = await response.json()
        body.proof[0] = flipBase64(body.proof[0])
        await route.fulfill({ response, json: body })
      })
      await typeCode(page, r.a.code)
      await page.locator('[data-test=verify-steps] li[data-step=consistency]').waitFor()
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=consistency]').getAttribute('data-ok'), 'no')
      assert.equal(await page.locator('[data-test=verify-proof]').getAttribute('data-proof'), 'failed')
      await page.unrouteAll()
      await typeCode(page, r.a.code)
      await page.locator('[data-test=verify-steps] li[data-step=consistency]').waitFor()
      assert.equal(await page.locator('[data-test=verify-steps] li[data-step=consistency]').getAttribute('data-ok'), 'yes')
    })
  })

  it('an unknown code; a mistyped code is caught before any request', async () => {
    await h.scenario('verify-unknown', async (page) => {
      let body = '370102' + '2025'
      for (let i = 0; i < 9; i++) body += ALPHABET[(i * 7 + 3) % 29]
      const unknown = body + checkChar(body)
      const answer = await typeCode(page, unknown)
      assert.equal(answer.found, false)
      assert.equal(await verdictOf(page), 'unknown')
      await shot(page, 'verify-12-unknown')

      // Swap two different adjacent characters of a real code.
      const code = r.a.code
      let i = 10
      while (code[i] === code[i + 1]) i++
      const typo = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2)
      const requests = []
      page.on('request', (req) => req.url().includes('/api/v1/public/verify/') && requests.push(req.url()))
      await page.goto(`${h.baseUrl}/verify`)
      await page.locator(inputOf('verify-code')).fill(typo)
      const hint = page.locator('[data-test=verify-code-hint]')
      await hint.waitFor()
      assert.ok((await hint.innerText()).includes('校验位不符'))
      const suspects = await page.locator('[data-test=verify-suspect]').allInnerTexts()
      assert.ok(suspects.some((s) => s.includes(`第 ${i + 1}、${i + 2} 位可能颠倒`)), suspects.join('\n'))
      const marked = await page.locator('[data-test=verify-code-marked] .suspect').count()
      assert.ok(marked >= 2)
      await page.locator('[data-test=verify-submit]').click()
      await page.waitForTimeout(300)
      assert.deepEqual(requests, [])
      await shot(page, 'verify-13-typo')
    })
  })

  it('in English, and on a phone screen without sideways scrolling', async () => {
    await h.scenario('verify-phone', async (page) => {
      await page.setViewportSize({ width: 390, height: 844 })
      const pathPart = r.pdf.qr.text.slice(r.pdf.qr.text.indexOf('/V/'))
      await verifyWith(page, () => page.goto(`${h.baseUrl}${pathPart}`))
      assert.equal(await verdictOf(page), 'authentic')
      await page.locator('[data-test=verify-results]').waitFor()
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 0, `page wider than the phone by ${overflow}px`)
      await shot(page, 'verify-14-phone')
      await page.locator('[data-test=verify-lang]').click()
      assert.ok((await page.locator('[data-test=verify-verdict]').innerText()).includes('Authentic report'))
      assert.ok((await page.locator('[data-test=verify-proof]').innerText()).startsWith('✓ In the transparency log (tree size'))
      await shot(page, 'verify-15-phone-en')
    })
  })

  it('raised no page errors', () => {
    assert.deepEqual(pageErrors, [])
    assert.ok(fs.existsSync(ARTIFACTS))
  })
})
