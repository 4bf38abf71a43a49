// Browser test of the registry pages (机构查询, 全景画像, 公开查询) against the real server.
//
// Same conventions as web_ui.test.mjs: `$ZJ_BIN --db sqlite:TMP/zj.db demo-init`, then `serve
// --static web/dist` on a port chosen by the OS; playwright-core drives Debian's chromium.
// Expected values come from the server's own API answers seen by the same browser session.
// Screenshots and the server log go to test-artifacts/browser/ (registry-*.png).
// The edit scenarios (people, equipment) and the export download change or read the same
// temporary database; each checks its effect through the API as well as on the page.
//
// Run: node --test tests/browser/   (needs `npm ci` and `npm run build` in web/, and the binary)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
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

// GB 11643-1999: the ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number.
function gb11643Check(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]
  return '10X98765432'[sum % 11]
}

// RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) → array of rows of strings.
function parseCsv(text) {
  const rows = []
  let row = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') {
        quoted = false
      } else {
        cell += c
      }
    } else if (c === '"') {
      quoted = true
    } else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else {
      cell += c
    }
  }
  if (cell !== '' || row.length) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}

// The row of a portrait table whose text contains `text`.
function tableRow(page, table, text) {
  return page.locator(`[data-test=${table}] .el-table__body-wrapper tbody tr`).filter({ hasText: text })
}

function dialogWith(page, field) {
  return page.locator('.el-dialog').filter({ has: page.locator(`[data-test=${field}]`) })
}
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

  it('inst-demo: adds, edits and deletes a person and equipment on its own portrait', async () => {
    await scenario('registry-edit', async (page) => {
      const loginResponse = await login(page, 'inst-demo', passwords['inst-demo'])
      assert.equal(loginResponse.status(), 200)
      await page.waitForURL(`${baseUrl}/`)
      const me = await apiFromPage(page, '/api/v1/auth/me')
      const instId = me.body.user.institution_id
      assert.ok(Number.isInteger(instId), 'inst-demo belongs to an institution')

      // Through the search (an institution user sees only its own institution) to the portrait.
      await page.locator('[data-test=nav-registry]').click()
      await page.waitForURL(`${baseUrl}/registry`)
      await page.locator('[data-test=reg-link]').first().click()
      await page.waitForURL(`${baseUrl}/registry/institutions/${instId}`)
      await page.locator('[data-test=portrait-people]').waitFor()
      // Its own user edits people and equipment, not the institution's basic facts.
      assert.equal(await page.locator('[data-test=institution-edit]').count(), 0)
      const before = await apiFromPage(page, `/api/v1/registry/institutions/${instId}`)
      assert.equal(before.status, 200)

      // Add a person: the client-side check catches a wrong check character without a request.
      const name = `端到端${Date.now().toString(36)}`
      const first17 = '37010219880229031' // Jinan Lixia, born 1988-02-29 (a leap day)
      const check = gb11643Check(first17)
      const wrongCheck = check === '0' ? '1' : '0'
      await page.locator('[data-test=person-add]').click()
      const dialog = dialogWith(page, 'person-name')
      await dialog.waitFor()
      await dialog.locator(inputOf('person-name')).fill(name)
      await dialog.locator(inputOf('person-title')).fill('工程师')
      let posts = 0
      const countPosts = (r) => {
        if (r.method() === 'POST' && r.url().endsWith(`/institutions/${instId}/people`)) posts++
      }
      page.on('request', countPosts)
      await dialog.locator(inputOf('person-id-number')).fill(first17 + wrongCheck)
      await dialog.locator('[data-test=person-save]').click()
      await assert.doesNotReject(dialog.locator('.el-form-item__error', { hasText: '校验码' }).waitFor())
      assert.equal(posts, 0, 'a number failing the client check is not sent')

      // A number with a valid check character but an impossible birth date (1990-13-32): only the
      // server knows; its problem message is shown in the form and nothing is saved.
      const badBody = '37010219901332123'
      await dialog.locator(inputOf('person-id-number')).fill(badBody + gb11643Check(badBody))
      const refused = page.waitForResponse((r) => r.url().endsWith(`/institutions/${instId}/people`))
      await dialog.locator('[data-test=person-save]').click()
      const refusedResponse = await refused
      assert.equal(refusedResponse.status(), 400)
      const problem = await refusedResponse.json()
      assert.match(problem.code, /^identity\./)
      assert.ok(problem.message_zh.length > 0)
      await assert.doesNotReject(
        dialog.locator('[data-test=person-form-error]', { hasText: problem.message_zh }).waitFor(),
      )
      assert.equal(posts, 1)
      page.off('request', countPosts)
      await shot(page, 'registry-05-person-bad-id')

      // The valid number: saved, the dialog closes, the row appears.
      await dialog.locator(inputOf('person-id-number')).fill(first17 + check)
      // Roles: pick one of the offered choices.
      await dialog.locator('[data-test=person-roles]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '授权签字人' }).click()
      await dialog.locator('.el-dialog__title').click()
      await dialog.locator('[data-test=person-sig-add]').click()
      await dialog.locator(inputOf('person-sig-field')).fill('食品')
      const to = dialog.locator(inputOf('person-sig-to'))
      await to.click()
      await to.fill('2030-12-31')
      await to.press('Enter')
      await shot(page, 'registry-06-person-dialog')
      const created = page.waitForResponse((r) => r.url().endsWith(`/institutions/${instId}/people`))
      await dialog.locator('[data-test=person-save]').click()
      const createdResponse = await created
      assert.equal(createdResponse.status(), 201, await createdResponse.text())
      const person = await createdResponse.json()
      assert.equal(person.name, name)
      assert.ok(!JSON.stringify(person).includes(first17), 'the ID number is never returned')
      const sent = createdResponse.request().postDataJSON()
      assert.equal(sent.id_number, first17 + check)
      assert.deepEqual(sent.roles, ['授权签字人'])
      assert.deepEqual(sent.signatory_fields, [{ field: '食品', from: null, to: '2030-12-31' }])
      await dialog.waitFor({ state: 'hidden' })
      const row = tableRow(page, 'people-table', name)
      await assert.doesNotReject(row.waitFor())
      assert.match(await row.innerText(), /工程师/)
      assert.match(await row.innerText(), /2030-12-31/)
      let portrait = await apiFromPage(page, `/api/v1/registry/institutions/${instId}`)
      assert.equal(portrait.body.people.length, before.body.people.length + 1)
      assert.equal(portrait.body.people.find((x) => x.id === person.id).title, '工程师')
      await page.locator('[data-test=portrait-people]').scrollIntoViewIfNeeded()
      await shot(page, 'registry-07-person-added')

      // Edit its title; the ID number left empty keeps the stored one.
      await row.locator('[data-test=person-edit]').click()
      await dialog.waitFor()
      assert.equal(await dialog.locator(inputOf('person-name')).inputValue(), name)
      assert.equal(await dialog.locator(inputOf('person-id-number')).inputValue(), '')
      await dialog.locator(inputOf('person-title')).fill('高级工程师')
      const updated = page.waitForResponse((r) => r.url().endsWith(`/registry/people/${person.id}`))
      await dialog.locator('[data-test=person-save]').click()
      const updatedResponse = await updated
      assert.equal(updatedResponse.status(), 200, await updatedResponse.text())
      assert.equal(updatedResponse.request().method(), 'PUT')
      assert.equal('id_number' in updatedResponse.request().postDataJSON(), false)
      await dialog.waitFor({ state: 'hidden' })
      await assert.doesNotReject(tableRow(page, 'people-table', name).filter({ hasText: '高级工程师' }).waitFor())
      portrait = await apiFromPage(page, `/api/v1/registry/institutions/${instId}`)
      const edited = portrait.body.people.find((x) => x.id === person.id)
      assert.equal(edited.title, '高级工程师')
      assert.deepEqual(edited.roles, ['授权签字人'])
      await page.locator('[data-test=portrait-people]').scrollIntoViewIfNeeded()
      await shot(page, 'registry-08-person-edited')

      // Delete, after the confirmation.
      await tableRow(page, 'people-table', name).locator('[data-test=person-delete]').click()
      const box = page.locator('.el-message-box')
      await assert.doesNotReject(box.filter({ hasText: name }).waitFor())
      const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE')
      await box.getByRole('button', { name: '删除' }).click()
      assert.equal((await deleted).status(), 204)
      await tableRow(page, 'people-table', name).waitFor({ state: 'detached' })
      portrait = await apiFromPage(page, `/api/v1/registry/institutions/${instId}`)
      assert.equal(portrait.body.people.length, before.body.people.length)
      assert.ok(!portrait.body.people.some((x) => x.id === person.id))

      // Equipment: add with a calibration date from the date picker, then delete.
      const device = `原子吸收光谱仪-${Date.now().toString(36)}`
      await page.locator('[data-test=equipment-add]').click()
      const eqDialog = dialogWith(page, 'equipment-name')
      await eqDialog.waitFor()
      await eqDialog.locator('[data-test=equipment-save]').click()
      await assert.doesNotReject(eqDialog.locator('.el-form-item__error').first().waitFor())
      await eqDialog.locator(inputOf('equipment-name')).fill(device)
      await eqDialog.locator(inputOf('equipment-model')).fill('AA-7000')
      await eqDialog.locator(inputOf('equipment-serial')).fill('SN-0001')
      const due = eqDialog.locator(inputOf('equipment-calibration-due'))
      await due.click()
      await due.fill('2027-03-31')
      await due.press('Enter')
      const eqCreated = page.waitForResponse((r) => r.url().endsWith(`/institutions/${instId}/equipment`))
      await eqDialog.locator('[data-test=equipment-save]').click()
      const eqResponse = await eqCreated
      assert.equal(eqResponse.status(), 201, await eqResponse.text())
      const equipment = await eqResponse.json()
      assert.equal(equipment.calibration_due, '2027-03-31')
      const eqRow = tableRow(page, 'equipment-table', device)
      await assert.doesNotReject(eqRow.filter({ hasText: '2027-03-31' }).waitFor())
      await page.locator('[data-test=portrait-equipment]').scrollIntoViewIfNeeded()
      await shot(page, 'registry-09-equipment-added')
      await eqRow.locator('[data-test=equipment-delete]').click()
      const eqDeleted = page.waitForResponse((r) => r.request().method() === 'DELETE')
      await box.getByRole('button', { name: '删除' }).click()
      assert.equal((await eqDeleted).status(), 204)
      await eqRow.waitFor({ state: 'detached' })
      portrait = await apiFromPage(page, `/api/v1/registry/institutions/${instId}`)
      assert.ok(!portrait.body.equipment.some((x) => x.id === equipment.id))
    })
  })

  it('regulator-jn: exports the search as CSV, only Jinan (3701) rows; a refusal is shown', async () => {
    await scenario('registry-export', async (page) => {
      const loginResponse = await login(page, 'regulator-jn', passwords['regulator-jn'])
      assert.equal(loginResponse.status(), 200)
      await page.waitForURL(`${baseUrl}/`)
      await page.locator('[data-test=nav-registry]').click()
      await page.waitForURL(`${baseUrl}/registry`)
      await page.locator('[data-test=reg-link]').first().waitFor()
      const search = await apiFromPage(page, '/api/v1/registry/institutions?limit=1')
      assert.equal(search.status, 200)
      assert.ok(search.body.total > 0, 'demo data has institutions in Jinan')

      // The button downloads through the browser; read the saved file.
      const downloading = page.waitForEvent('download')
      await page.locator('[data-test=reg-export-csv]').click()
      const download = await downloading
      assert.match(download.suggestedFilename(), /^institutions-\d{4}-\d{2}-\d{2}\.csv$/)
      const bytes = fs.readFileSync(await download.path())
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark')
      const rows = parseCsv(bytes.subarray(3).toString('utf8')).filter((r) => r.length > 1 || r[0] !== '')
      const header = rows[0]
      assert.deepEqual(header.slice(0, 4), ['机构名称', '统一社会信用代码', '所在地区代码', '所在地区'])
      const regionCol = header.indexOf('所在地区代码')
      const body = rows.slice(1)
      assert.equal(body.length, search.body.total, 'one row per match of the same search')
      for (const r of body) {
        assert.equal(r.length, header.length)
        assert.ok(r[regionCol].startsWith('3701'), `row outside 3701: ${r.join(',')}`)
      }
      // The export carries the search's filters: a name filter narrows it the same way.
      await page.locator(inputOf('reg-name')).fill('检测')
      const searched = page.waitForResponse((r) => r.url().includes('/api/v1/registry/institutions?'))
      await page.locator('[data-test=reg-search]').click()
      const filtered = await (await searched).json()
      const exported = page.waitForResponse((r) => r.url().includes('/api/v1/registry/export/institutions?'))
      const downloading2 = page.waitForEvent('download')
      await page.locator('[data-test=reg-export-csv]').click()
      const exportResponse = await exported
      assert.equal(new URL(exportResponse.url()).searchParams.get('name'), '检测')
      const narrowed = parseCsv(
        fs.readFileSync(await (await downloading2).path()).subarray(3).toString('utf8'),
      ).filter((r) => r.length > 1)
      assert.equal(narrowed.length - 1, filtered.total)
      for (const r of narrowed.slice(1)) assert.ok(r[0].includes('检测'), r[0])
      await shot(page, 'registry-10-export')

      // With a test-item filter, the capability rows can be exported too (the capability
      // search's own filters: item, standard, as-of date, region).
      const first = await apiFromPage(page, `/api/v1/registry/institutions/${search.body.items[0].id}`)
      const item = first.body.capability_tree[0].children[0].children[0].name
      const capabilities = await apiFromPage(page, `/api/v1/registry/capabilities?item=${encodeURIComponent(item)}&limit=1`)
      assert.equal(capabilities.status, 200)
      assert.ok(capabilities.body.total > 0)
      await page.locator(inputOf('reg-name')).fill('')
      await page.locator(inputOf('reg-item')).fill(item)
      await page.locator('[data-test=reg-search]').click()
      await page.locator('[data-test=reg-export-capabilities]').click()
      const downloading3 = page.waitForEvent('download')
      await page.locator('[data-test=reg-export-cap-csv]').click()
      const capDownload = await downloading3
      assert.match(capDownload.suggestedFilename(), /^capabilities-.*\.csv$/)
      const capRows = parseCsv(fs.readFileSync(await capDownload.path()).subarray(3).toString('utf8')).filter(
        (r) => r.length > 1,
      )
      const itemCol = capRows[0].indexOf('项目/参数')
      const placeCol = capRows[0].indexOf('所在地区')
      assert.ok(itemCol >= 0 && placeCol >= 0, capRows[0].join(','))
      assert.equal(capRows.length - 1, capabilities.body.total)
      for (const r of capRows.slice(1)) {
        assert.equal(r[itemCol], item)
        assert.match(r[placeCol], /济南/)
      }

      // The same capability rows on the page, in their own tab, with the server's total.
      await page.locator('.el-tabs__item', { hasText: '能力条目' }).click()
      const capTable = page.locator('[data-test=cap-table]')
      await capTable.locator('tbody tr').first().waitFor()
      assert.equal(await capTable.locator('tbody tr').count(), Math.min(20, capabilities.body.total))
      for (const text of await capTable.locator('tbody tr').allInnerTexts()) {
        assert.ok(text.includes(item), text)
      }
      await assert.doesNotReject(
        page.locator('[data-test=cap-total]', { hasText: `共 ${capabilities.body.total} 条` }).waitFor(),
      )
      await shot(page, 'registry-11-capability-rows')
      await page.locator('.el-tabs__item', { hasText: '机构' }).first().click()

      // A refused export shows the server's problem: the real server is asked for a format it
      // does not know (the request is redirected to format=ods), and its answer reaches the page.
      await page.route('**/api/v1/registry/export/institutions?*', (route) => {
        const url = new URL(route.request().url())
        url.searchParams.set('format', 'ods')
        return route.continue({ url: url.toString() })
      })
      const refusedP = page.waitForResponse((r) => r.url().includes('/api/v1/registry/export/'))
      await page.locator('[data-test=reg-export-xlsx]').click()
      const refused = await refusedP
      assert.equal(refused.status(), 400)
      const problem = await refused.json()
      assert.ok(problem.message_zh.length > 0)
      await assert.doesNotReject(
        page.locator('[data-test=reg-export-error]', { hasText: problem.message_zh }).waitFor(),
      )
      await page.unroute('**/api/v1/registry/export/institutions?*')
      await shot(page, 'registry-11-export-refused')

      // A regulator edits an institution's basic facts in its region.
      const found = await apiFromPage(page, `/api/v1/registry/institutions?uscc=${encodeURIComponent(search.body.items[0].uscc)}`)
      const target = found.body.items[0]
      await page.goto(`${baseUrl}/registry/institutions/${target.id}`)
      await page.locator('[data-test=institution-edit]').click()
      const instDialog = dialogWith(page, 'inst-name')
      await instDialog.waitFor()
      assert.equal(await instDialog.locator(inputOf('inst-uscc')).inputValue(), target.uscc)
      assert.equal(await instDialog.locator(inputOf('inst-region-code')).inputValue(), target.region_code)
      await instDialog.locator(inputOf('inst-legal-rep')).fill('端到端法人')
      await shot(page, 'registry-12-institution-dialog')
      const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/registry/institutions/${target.id}`) && r.request().method() === 'PUT')
      await instDialog.locator('[data-test=inst-save]').click()
      const savedResponse = await saved
      assert.equal(savedResponse.status(), 200, await savedResponse.text())
      await instDialog.waitFor({ state: 'hidden' })
      await assert.doesNotReject(page.locator('[data-test=portrait-basic]', { hasText: '端到端法人' }).waitFor())
      const afterEdit = await apiFromPage(page, `/api/v1/registry/institutions/${target.id}`)
      assert.equal(afterEdit.body.legal_rep, '端到端法人')
      assert.equal(afterEdit.body.uscc, target.uscc)
      assert.equal(afterEdit.body.name, target.name)
      // A regulator may edit people and equipment there too.
      assert.equal(await page.locator('[data-test=person-add]').count(), 1)
    })
  })

  it('no uncaught errors in the pages', () => {
    assert.deepEqual(pageErrors, [])
  })
})
