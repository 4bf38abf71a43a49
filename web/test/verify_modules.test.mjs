// Unit tests of the verification page's pure modules (web/src/verify/): published vectors where
// they exist — RFC 4648, the 196 transparency-dev/merkle proof probes, the C2SP and Go
// signed-note examples, Tessera's checkpoints and entry bundles, the entry, report-code and QR
// examples of docs/ (produced by the C++ implementation) — and an end-to-end check of a small
// log whose tree is computed here by the recursive definitions of RFC 9162 §2.1.
//
// Run: cd web && npm test   (node --test test/)
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ed25519 } from '@noble/curves/ed25519.js'

import * as B from '../src/verify/bytes.js'
import { ALPHABET, checkChar, checkValid, parseReportCode, suspectsOf } from '../src/verify/reportCode.js'
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../src/verify/merkle.js'
import { computeKeyId, openCheckpoint, openNote, parseCheckpoint, parseNote, parseVerifierKey } from '../src/verify/note.js'
import { decodeEntry } from '../src/verify/entry.js'
import { parseQrText, verifyQrText } from '../src/verify/qr.js'
import { canonicalResults, saltedDigest, sha256OfBlob } from '../src/verify/digest.js'
import { checkAnswer } from '../src/verify/check.js'
import { cachedKey, rememberCheckpoint, rememberedCheckpoint, trustedKey } from '../src/verify/trust.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const TESTDATA = path.join(ROOT, 'src', 'zhijian', 'ledger', 'testdata')
const nodeSha256 = (bytes) => new Uint8Array(crypto.createHash('sha256').update(bytes).digest())

describe('bytes: RFC 4648 §10 vectors and strictness', () => {
  const vectors = [
    ['', '', ''], ['f', 'MY', 'Zg=='], ['fo', 'MZXQ', 'Zm8='], ['foo', 'MZXW6', 'Zm9v'],
    ['foob', 'MZXW6YQ', 'Zm9vYg=='], ['fooba', 'MZXW6YTB', 'Zm9vYmE='], ['foobar', 'MZXW6YTBOI', 'Zm9vYmFy'],
  ]
  it('encodes and decodes the published vectors', () => {
    for (const [plain, b32, b64] of vectors) {
      assert.equal(B.toBase32(B.utf8(plain)), b32)
      assert.equal(B.toBase64(B.utf8(plain)), b64)
      assert.deepEqual(B.fromBase32(b32), B.utf8(plain))
      assert.deepEqual(B.fromBase64(b64), B.utf8(plain))
    }
  })
  it('refuses what the server refuses', () => {
    for (const bad of ['MY======', 'MZ', 'my', 'M', 'MZXW6Y1']) assert.equal(B.fromBase32(bad), null, bad)
    for (const bad of ['Zg', 'Zh==', 'Zm9v\n', 'Zm 9v', 'Zm9-']) assert.equal(B.fromBase64(bad), null, bad)
  })
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    assert.deepEqual(B.fromBase32(B.toBase32(all)), all)
    assert.deepEqual(B.fromBase64(B.toBase64(all)), all)
    assert.equal(B.toBase64(all), Buffer.from(all).toString('base64'))
    assert.deepEqual(B.fromHex(B.toHex(all)), all)
  })
})

describe('report code (docs/report-code.md)', () => {
  it('computes the check character of the worked example', () => {
    assert.equal(checkChar('3701022025K7MXQ3TA9'), '2')
    const r = parseReportCode('370102-2025-K7MXQ-3TA92')
    assert.equal(r.ok, true)
    assert.equal(r.code, '3701022025K7MXQ3TA92')
    assert.equal(r.display, '370102-2025-K7MXQ-3TA92')
  })
  it('accepts look-alike letters, lower case, spaces, dashes and full-width forms', () => {
    for (const spelling of ['37O1O2 2025 k7mxq 3ta92', '370102—2025—K7MXQ—3TA92', '３７０１０２－２０２５－Ｋ７ＭＸＱ－３ＴＡ９２']) {
      assert.equal(parseReportCode(spelling).code, '3701022025K7MXQ3TA92', spelling)
    }
  })
  it('names the error as the server does', () => {
    assert.equal(parseReportCode('').error, 'report-code.empty')
    assert.deepEqual(parseReportCode('3701022025K7MXQ3TA9'), { ok: false, error: 'report-code.bad-length', length: 19 })
    const badChar = parseReportCode('3701022025K7MXQ3TA9#')
    assert.equal(badChar.error, 'report-code.bad-char')
    assert.equal(badChar.position, 20)
    assert.equal(parseReportCode('0701022025K7MXQ3TA92').error, 'report-code.bad-region')
    assert.equal(parseReportCode('3701021825K7MXQ3TA92').error, 'report-code.bad-year')
    assert.equal(parseReportCode('3701022025K7MXQ3TA93').error, 'report-code.bad-check')
  })
  it('detects every single substitution and every transposition (1,000 random codes)', () => {
    let seed = 7
    const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    let checked = 0
    for (let k = 0; k < 1000; k++) {
      let body = '370102' + String(2000 + rnd(30))
      for (let i = 0; i < 9; i++) body += ALPHABET[rnd(29)]
      const code = body + checkChar(body)
      assert.ok(checkValid(code))
      for (let i = 0; i < 20; i++) {
        for (const c of ALPHABET) {
          if (c === code[i]) continue
          assert.equal(checkValid(code.slice(0, i) + c + code.slice(i + 1)), false)
          checked++
        }
        for (let j = i + 1; j < 20; j++) {
          if (code[i] === code[j]) continue
          const t = code.split('')
          ;[t[i], t[j]] = [t[j], t[i]]
          assert.equal(checkValid(t.join('')), false)
        }
      }
    }
    assert.equal(checked, 1000 * 20 * 28)
  })
  it('names the swapped pair and a confusable substitution among the suspects', () => {
    const good = '3701022025K7MXQ3TA92'
    const swapped = good.slice(0, 12) + good[13] + good[12] + good.slice(14) // "MX" → "XM" at 13-14
    const r = parseReportCode(swapped)
    assert.equal(r.error, 'report-code.bad-check')
    assert.ok(r.suspects.likely.some((s) => s.kind === 'swap' && s.position === 13 && s.expected === 'MX'))
    const misread = good.slice(0, 13) + 'K' + good.slice(14) // position 14: 'X' misread as 'K'
    const m = suspectsOf(misread)
    assert.ok(m.likely.some((s) => s.kind === 'char' && s.position === 14 && s.expected === 'X' && s.typed === 'K'))
    // Every position has exactly one restoring substitution: the rest are counted, not listed.
    assert.equal(m.likely.filter((s) => s.kind === 'char').length + m.others <= 20, true)
  })
})

describe('merkle: transparency-dev/merkle probes (RFC 9162)', () => {
  const files = []
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.json')) files.push(p)
    }
  }
  walk(path.join(TESTDATA, 'tlog', 'inclusion'))
  walk(path.join(TESTDATA, 'tlog', 'consistency'))
  // The deviation documented in docs/transparency-log.md §3: 12-byte "roots" are not hashes.
  const deviation = path.join('consistency', 'additional', 'sizes-are-equal-one-and-proof-is-empty.json')
  it('gives the expected verdict on all 196 probes but the documented deviation', () => {
    assert.equal(files.length, 196)
    let agree = 0
    for (const f of files) {
      const o = JSON.parse(fs.readFileSync(f, 'utf8'))
      const proof = (o.proof || []).map((p) => B.fromBase64(p) || new Uint8Array(0))
      const r = f.includes(`${path.sep}inclusion${path.sep}`)
        ? verifyInclusion(o.leafIdx, o.treeSize, B.fromBase64(o.leafHash), proof, B.fromBase64(o.root))
        : verifyConsistency(o.size1, o.size2, proof, B.fromBase64(o.root1), B.fromBase64(o.root2))
      if (f.endsWith(deviation)) {
        assert.equal(o.wantErr, false)
        assert.equal(r.ok, false, '12-byte roots must not verify')
        continue
      }
      assert.equal(r.ok, !o.wantErr, `${path.relative(TESTDATA, f)}: ${r.reason}`)
      agree++
    }
    assert.equal(agree, 195)
  })
  it('hashes the entry example of docs/transparency-log.md', () => {
    const hex = fs.readFileSync(path.join(TESTDATA, 'entry', 'issue-v1.hex'), 'utf8')
      .split('\n').map((l) => l.replace(/#.*/, '').replace(/\s+/g, '')).join('')
    assert.equal(B.toHex(leafHash(B.fromHex(hex))), '8ef3eecab8461ec5ec47785d7dedf599e7dc3e20d40db453df83393250e8aa11')
  })
})

// RFC 9162 §2.1.1 MTH and §2.1.3.1 PATH, recursively, as an independent reference.
function mth(leaves) {
  if (leaves.length === 0) return nodeSha256(new Uint8Array(0))
  if (leaves.length === 1) return leaves[0]
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}
function pathOf(m, leaves) {
  if (leaves.length <= 1) return []
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return m < k
    ? [...pathOf(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...pathOf(m - k, leaves.slice(k)), mth(leaves.slice(0, k))]
}

describe('signed notes and checkpoints', () => {
  it('verifies the C2SP signed-note example and refuses a changed text', () => {
    const key = parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')
    assert.equal(key.ok, true)
    assert.equal(key.keyId, 0x530d903a)
    const note =
      'This is an example message.\n\n\u2014 example.com/foo ' +
      'Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n'
    const opened = openNote(note, [key])
    assert.equal(opened.ok, true)
    assert.equal(opened.text, 'This is an example message.\n')
    assert.equal(openNote('t' + note.slice(1), [key]).error, 'note.invalid-signature')
  })
  it("verifies Go's note package example and the sum.golang.org key id", () => {
    const key = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    const note = text + '\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n'
    assert.equal(openNote(note, [key]).ok, true)
    assert.equal(parseVerifierKey('sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8').keyId, 0x033de0ae)
    // A wrong id for the key, a name with '+' or a space, SM2 in the browser.
    assert.equal(parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').error, 'note.bad-key')
    assert.equal(parseVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').error, 'note.bad-key')
  })
  it('ignores unknown signers, refuses a note without a known one, and malformed notes', () => {
    const key = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    const line = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n'
    const witness = '\u2014 witness.example AAAAAAAA\n'
    const both = openNote(text + '\n' + witness + line, [key])
    assert.equal(both.ok, true)
    assert.equal(both.unverified.length, 1)
    assert.equal(openNote(text + '\n' + witness, [key]).error, 'note.unverified')
    assert.equal(parseNote(text + line).error, 'note.malformed') // no blank line
    assert.equal(parseNote(text + '\n- PeterNeumann AAAAAAAA\n').error, 'note.malformed')
    assert.equal(parseNote(text.replace('If', 'I\tf') + '\n' + line).error, 'note.malformed')
  })
  it('parses the C2SP checkpoint example strictly', () => {
    const cp = parseCheckpoint('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n')
    assert.equal(cp.ok, true)
    assert.equal(cp.size, 20852163n)
    for (const bad of ['o\n020\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 'o\n1\nCsUY\n', 'o\n1\n', 'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=']) {
      assert.equal(parseCheckpoint(bad).error, 'checkpoint.malformed', JSON.stringify(bad))
    }
  })
  it("verifies every checkpoint Tessera wrote and recomputes its root from Tessera's entry bundle", () => {
    const dir = path.join(TESTDATA, 'tlog', 'tessera-log')
    const key = parseVerifierKey('example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx')
    const bundle = fs.readFileSync(path.join(dir, 'tile', 'entries', '000.p', '15'))
    const leaves = []
    for (let at = 0; at < bundle.length; ) {
      const n = bundle.readUInt16BE(at)
      leaves.push(leafHash(new Uint8Array(bundle.subarray(at + 2, at + 2 + n))))
      at += 2 + n
    }
    assert.equal(leaves.length, 15)
    for (let n = 0; n <= 15; n++) {
      const cp = openCheckpoint(fs.readFileSync(path.join(dir, `checkpoint.${n}`), 'utf8'), key, 'example.com/log/testdata')
      assert.equal(cp.ok, true, `checkpoint.${n}: ${cp.error}`)
      assert.equal(cp.size, BigInt(n))
      assert.deepEqual(cp.root, mth(leaves.slice(0, n)))
      for (let i = 0; i < n; i++) {
        assert.equal(verifyInclusion(i, n, leaves[i], pathOf(i, leaves.slice(0, n)), cp.root).ok, true)
      }
    }
    const other = ed25519.getPublicKey(new Uint8Array(32).fill(0x6f))
    const typeKey = B.concatBytes(Uint8Array.of(1), other)
    const id = computeKeyId('example.com/log/testdata', typeKey)
    const otherKey = parseVerifierKey(`example.com/log/testdata+${id.toString(16).padStart(8, '0')}+${B.toBase64(typeKey)}`)
    assert.equal(otherKey.ok, true)
    assert.equal(openCheckpoint(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8'), otherKey, 'example.com/log/testdata').error, 'note.unverified')
    assert.equal(openCheckpoint(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8'), key, 'example.com/log/other').error, 'checkpoint.wrong-origin')
  })
})

const ENTRY_HEX = () =>
  fs.readFileSync(path.join(TESTDATA, 'entry', 'issue-v1.hex'), 'utf8')
    .split('\n').map((l) => l.replace(/#.*/, '').replace(/\s+/g, '')).join('')

describe('entries (docs/transparency-log.md §1)', () => {
  it('decodes the example field by field', () => {
    const r = decodeEntry(B.fromHex(ENTRY_HEX()))
    assert.equal(r.ok, true, r.detail)
    const e = r.event
    assert.equal(e.type, 'issue')
    assert.equal(e.registeredAtMs, 1764000000123n)
    assert.equal(e.code, '370102202500060GYJMQ')
    assert.equal(e.institution, '91310000631696382C')
    assert.equal(e.reportNumber, 'SH-2025-测-000123')
    assert.equal(e.issueDate, '2025-11-20')
    assert.equal(e.certificate, '230912340567')
    assert.equal(e.documentSha256, B.toHex(Uint8Array.from({ length: 32 }, (_, i) => i)))
    assert.equal(e.resultsDigest, B.toHex(Uint8Array.from({ length: 32 }, (_, i) => 0x60 + i)))
    assert.equal(e.originalCode, '')
  })
  it('is strict: truncation, trailing bytes, unknown format or type, bad fields', () => {
    const bytes = B.fromHex(ENTRY_HEX())
    assert.equal(decodeEntry(bytes.slice(0, -1)).error, 'entry.truncated')
    assert.equal(decodeEntry(B.concatBytes(bytes, Uint8Array.of(0))).error, 'entry.trailing-bytes')
    const f = bytes.slice()
    f[0] = 2
    assert.equal(decodeEntry(f).error, 'entry.unknown-format')
    const t = bytes.slice()
    t[1] = 4
    assert.equal(decodeEntry(t).error, 'entry.invalid-field')
    const c = bytes.slice()
    c[11 + 19] ^= 1 // the code's check character
    assert.equal(decodeEntry(c).error, 'entry.invalid-field')
    const d = bytes.slice()
    const dateAt = 10 + 21 + 19 + 19 // format, type, time; code, institution, report number (str8)
    assert.equal(new TextDecoder().decode(d.slice(dateAt, dateAt + 10)), '2025-11-20')
    d[dateAt + 5] = 0x32 // month "11" → "21"
    assert.equal(decodeEntry(d).error, 'entry.invalid-field')
    const revokeWithoutReason = bytes.slice()
    revokeWithoutReason[1] = 3
    assert.equal(decodeEntry(revokeWithoutReason).error, 'entry.invalid-field')
  })
})

describe('QR payload (docs/transparency-log.md §6)', () => {
  const KEY = 'zhijian.example.cn/log+8ed25b91+AeL+Kjm3MmZCgn1tgtSXYizWwpf+eCcOqkNrAfCGtvPL'
  const TEXT =
    'HTTPS://ZJ.EXAMPLE.CN/V/AEZTOMBRGAZDEMBSGUYDAMBWGBDVSSSNKGXCANR6X6DBGXOTBZ27MQWDZ3PBMW6ZQGFRC2MHUPNBPAKYWKF5EAAAJ66I5US3SFWFNRZEZKA36LRPEVH4I2QDUZMRAA6PGUJ2BZQWL7YGMOSXAMJ6KSYEXLIA4BKC7MNGW6TAJV47MU42LVO6TM7SZFY6O3VLXTK2DJQF'
  const key = parseVerifierKey(KEY)
  it('verifies the documented example offline', () => {
    assert.equal(key.ok, true)
    const r = verifyQrText(TEXT, [key])
    assert.equal(r.ok, true, r.error)
    assert.equal(r.claims.code, '370102202500060GYJMQ')
    assert.equal(r.claims.issueDate, '2025-11-20')
    assert.equal(r.urlPrefix, 'HTTPS://ZJ.EXAMPLE.CN')
    assert.equal(r.secret, '')
  })
  it('accepts the spellings scanners produce and reports, not trusts, the host', () => {
    assert.equal(verifyQrText(TEXT.toLowerCase(), [key]).ok, true)
    assert.equal(verifyQrText(TEXT + '\n', [key]).ok, true)
    const bare = TEXT.slice(TEXT.lastIndexOf('/') + 1)
    assert.equal(verifyQrText(bare, [key]).urlPrefix, '')
    assert.equal(verifyQrText('https://evil.example/V/' + bare, [key]).urlPrefix, 'HTTPS://EVIL.EXAMPLE')
    const withSecret = verifyQrText(TEXT + '/ABCDEFGHIJKLMNOPQRSTUVWXYZ', [key])
    assert.equal(withSecret.ok, true)
    assert.equal(withSecret.secret, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
  })
  it('fails on every changed payload character, truncation and extension', () => {
    const start = TEXT.lastIndexOf('/') + 1
    let checked = 0
    for (let i = start; i < TEXT.length; i++) {
      for (const c of 'AQZ27') {
        if (c === TEXT[i]) continue
        assert.equal(verifyQrText(TEXT.slice(0, i) + c + TEXT.slice(i + 1), [key]).ok, false, `position ${i}`)
        checked++
      }
    }
    assert.ok(checked > 900)
    assert.equal(verifyQrText(TEXT.slice(0, -1), [key]).ok, false)
    assert.equal(verifyQrText(TEXT + 'A', [key]).ok, false)
  })
  it('names unknown keys, other versions and non-QR text', () => {
    const other = ed25519.getPublicKey(new Uint8Array(32).fill(0x72))
    const tk = B.concatBytes(Uint8Array.of(1), other)
    const otherKey = parseVerifierKey(`zhijian.example.cn/log+${computeKeyId('zhijian.example.cn/log', tk).toString(16).padStart(8, '0')}+${B.toBase64(tk)}`)
    assert.equal(verifyQrText(TEXT, [otherKey]).error, 'qr.unknown-key')
    const payload = B.fromBase32(TEXT.slice(TEXT.lastIndexOf('/') + 1))
    payload[0] = 2
    assert.equal(parseQrText(B.toBase32(payload)).error, 'qr.unsupported-version')
    assert.equal(parseQrText('https://example.com/other/page').error, 'qr.malformed')
    assert.equal(parseQrText('ftp://x/V/' + B.toBase32(payload)).error, 'qr.bad-prefix')
  })
})

describe('digests', () => {
  it('hashes a blob in chunks exactly as in one piece, with progress', async () => {
    const data = crypto.randomBytes(1_000_003)
    const seen = []
    const hex = await sha256OfBlob(new Blob([data]), { chunkSize: 65_536, onProgress: (d, t) => seen.push([d, t]) })
    assert.equal(hex, crypto.createHash('sha256').update(data).digest('hex'))
    assert.deepEqual(seen[0], [0, 1_000_003])
    assert.deepEqual(seen.at(-1), [1_000_003, 1_000_003])
    assert.ok(seen.every(([d], i) => i === 0 || d > seen[i - 1][0]))
    assert.equal(await sha256OfBlob(new Blob([])), crypto.createHash('sha256').digest('hex'))
  })
  it('salted digests are SHA-256(salt ‖ UTF-8 value)', () => {
    const salt = B.utf8('0123456789abcdef')
    assert.equal(saltedDigest(salt, '委托方'), crypto.createHash('sha256').update('0123456789abcdef委托方').digest('hex'))
  })
  it('writes the canonical results of registration_test.cc', () => {
    const text = canonicalResults({
      conclusion: '合格 "A"\n',
      sampling_date: '2025-11-01',
      signatories: ['张三'],
      test_lines: [{ item: '铅', parameter: '', standard: 'GB 5009.12-2017', result: '0.05', unit: 'mg/kg', limit: '≤0.2', verdict: '合格' }],
    })
    assert.equal(
      text,
      '{"conclusion":"合格 \\"A\\"\\n","dates":{"receipt":"","sampling":"2025-11-01","test_end":"","test_start":""},' +
        '"signatories":["张三"],"test_lines":[{"item":"铅","limit":"≤0.2","parameter":"","result":"0.05",' +
        '"standard":"GB 5009.12-2017","unit":"mg/kg","verdict":"合格"}]}',
    )
  })
})

describe('trust: the remembered key and checkpoint', () => {
  const memory = () => {
    const m = new Map()
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, v), removeItem: (k) => m.delete(k) }
  }
  const KEY = 'zhijian.example.cn/log+8ed25b91+AeL+Kjm3MmZCgn1tgtSXYizWwpf+eCcOqkNrAfCGtvPL'
  it('fetches once, then answers from storage without the network', async () => {
    const storage = memory()
    let calls = 0
    const fetchKey = async () => (calls++, { verifier_key: KEY, origin: 'zhijian.example.cn/log' })
    const first = await trustedKey(storage, fetchKey)
    assert.equal(first.fetched, true)
    const second = await trustedKey(storage, async () => assert.fail('no network on the second visit'))
    assert.equal(second.fetched, false)
    assert.equal(second.key.keyId, 0x8ed25b91)
    assert.equal(calls, 1)
    await assert.rejects(trustedKey(memory(), async () => ({ verifier_key: 'nonsense' })))
    assert.equal(cachedKey(memory()), null)
  })
  it('keeps the largest checkpoint only', () => {
    const storage = memory()
    rememberCheckpoint(storage, 'o', 5n, 'AAAA')
    rememberCheckpoint(storage, 'o', 3n, 'BBBB')
    assert.deepEqual(rememberedCheckpoint(storage, 'o'), { origin: 'o', size: '5', root: 'AAAA' })
    assert.equal(rememberedCheckpoint(storage, 'other'), null)
  })
})

// A small log built here: entries encoded by a minimal encoder, the tree by the recursive MTH,
// the checkpoint signed with a test key (seed 'z'×32). checkAnswer must accept it and name the
// step that any single change breaks.
describe('checkAnswer: the whole in-browser check on a synthetic log', () => {
  const seed = new Uint8Array(32).fill(0x7a)
  const pub = ed25519.getPublicKey(seed)
  const typeKey = B.concatBytes(Uint8Array.of(1), pub)
  const origin = 'verify.example/log'
  const keyText = `${origin}+${computeKeyId(origin, typeKey).toString(16).padStart(8, '0')}+${B.toBase64(typeKey)}`
  const key = parseVerifierKey(keyText)
  const salt = B.utf8('0123456789abcdef')
  const code = '3701022025K7MXQ3TA92'
  const details = {
    client: '济南鲁丰食品有限公司', sample: '小麦粉', conclusion: '合格', sampling_date: '2025-10-01',
    signatories: ['张三'], test_lines: [{ item: '铅', parameter: '', standard: 'GB 5009.12', result: '0.05', unit: 'mg/kg', limit: '≤0.2', verdict: '合格' }],
  }
  details.results_text = canonicalResults(details)
  const doc = 'ab'.repeat(32)
  const str8 = (s) => { const b = B.utf8(s); return B.concatBytes(Uint8Array.of(b.length), b) }
  const u64 = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b }
  function entry(type, ms, original = '', reason = '') {
    return B.concatBytes(
      Uint8Array.of(1, type), u64(ms), str8(code), str8('91310000631696382C'), str8('R-1'), B.utf8('2025-11-20'),
      str8('230912340567'), B.fromHex(doc), B.fromHex(saltedDigest(salt, details.client)),
      B.fromHex(saltedDigest(salt, details.sample)), B.fromHex(saltedDigest(salt, details.results_text)),
      str8(original), str8(reason),
    )
  }
  const filler = Array.from({ length: 6 }, (_, i) => nodeSha256(B.utf8(`other ${i}`)))
  function build({ revoke = false } = {}) {
    const issue = entry(1, 1764000000123)
    const events = [{ type: 'issue', code, original_code: '', reason: '', registered_at: new Date(1764000000123).toISOString(), entry: issue, index: 4 }]
    if (revoke) events.push({ type: 'revoke', code, original_code: code, reason: 'withdrawn', registered_at: new Date(1764000000999).toISOString(), entry: entry(3, 1764000000999, code, 'withdrawn'), index: 6 })
    const leaves = filler.slice()
    for (const e of events) leaves.splice(e.index, 0, leafHash(e.entry))
    const size = leaves.length
    const root = mth(leaves)
    const text = `${origin}\n${size}\n${B.toBase64(root)}\n`
    const sig = ed25519.sign(B.utf8(text), seed)
    const sigLine = `\u2014 ${origin} ${B.toBase64(B.concatBytes(B.fromHex(key.keyId.toString(16).padStart(8, '0')), sig))}\n`
    return {
      code, found: true, status: revoke ? 'revoked' : 'authentic', secret: { given: true, valid: true },
      institution: { uscc: '91310000631696382C', name: '测试机构' }, certificate: { number: '230912340567', found: true, valid_on_issue_date: true },
      report_no: 'R-1', issue_date: '2025-11-20', document_sha256: doc, replaces: null, replaced_by: null,
      details: { ...structuredClone(details), salt: B.toHex(salt) },
      log: { origin, verifier_key: keyText, hash: 'sha256', checkpoint: text + '\n' + sigLine, tree_size: size, root: B.toBase64(root) },
      events: events.map((e) => ({
        type: e.type, code: e.code, original_code: e.original_code, reason: e.reason, registered_at: e.registered_at,
        leaf_index: e.index, entry: B.toBase64(e.entry), leaf_hash: B.toBase64(leafHash(e.entry)),
        inclusion_proof: pathOf(e.index, leaves).map(B.toBase64),
      })),
    }
  }
  const failedSteps = (r) => r.steps.filter((s) => s.ok === false).map((s) => s.id)

  it('accepts an honest answer: included, details and document match', () => {
    const r = checkAnswer(build(), key, { documentDigest: doc, secret: salt })
    assert.deepEqual(failedSteps(r), [])
    assert.equal(r.proof, 'included')
    assert.equal(r.verdict, 'authentic')
    assert.equal(r.treeSize, 7)
    const revoked = checkAnswer(build({ revoke: true }), key)
    assert.equal(revoked.verdict, 'revoked')
    assert.equal(revoked.proof, 'included')
  })
  it('names the failing step for each kind of tampering', () => {
    const flip = (b64) => { const b = B.fromBase64(b64); b[5] ^= 1; return B.toBase64(b) }
    const cases = [
      ['inclusion', (a) => { a.events[0].inclusion_proof[1] = flip(a.events[0].inclusion_proof[1]) }],
      ['leaf-hash', (a) => { const e = B.fromBase64(a.events[0].entry); e[40] ^= 1; a.events[0].entry = B.toBase64(e) }],
      ['checkpoint-signature', (a) => { a.log.checkpoint = a.log.checkpoint.replace(/\n\d+\n/, '\n8\n') }],
      ['checkpoint-fields', (a) => { a.log.root = flip(a.log.root) }],
      ['key', (a) => { a.log.verifier_key = 'another+00000000+AA==' }],
      ['entry-matches', (a) => { a.report_no = 'R-2' }],
      ['status-matches', (a) => { a.status = 'authentic'; }, { revoke: true }],
      ['details-digests', (a) => { a.details.client = '另一家公司' }],
      ['details-digests', (a) => { a.details.test_lines[0].result = '0.01' }],
      ['event-fields', (a) => { a.events[0].type = 'correct' }],
    ]
    for (const [id, mutate, opts] of cases) {
      const a = build(opts)
      mutate(a)
      const r = checkAnswer(a, key, { secret: salt })
      assert.ok(failedSteps(r).includes(id), `${id}: failed ${failedSteps(r)}`)
      assert.equal(r.proof, 'failed', id)
    }
  })
  it('reports a different document as a digest mismatch, an entry after the checkpoint as pending', () => {
    const r = checkAnswer(build(), key, { documentDigest: 'cd'.repeat(32) })
    assert.equal(r.verdict, 'mismatch')
    assert.deepEqual(failedSteps(r), ['document'])
    const a = build({ revoke: true })
    a.events[1].inclusion_proof = null // index 6 < size 8: a missing proof, not a pending one
    assert.ok(failedSteps(checkAnswer(a, key)).includes('inclusion'))
    const b = build()
    b.events[0].leaf_index = 99
    b.events[0].inclusion_proof = null
    const pending = checkAnswer(b, key)
    assert.equal(pending.proof, 'pending')
    assert.deepEqual(failedSteps(pending), [])
  })
  it('an unknown code is unknown; a QR whose signature failed is forged', () => {
    assert.equal(checkAnswer({ found: false, code }, key).verdict, 'unknown')
    assert.equal(checkAnswer(build(), key, { qr: { ok: false, error: 'qr.bad-signature' } }).verdict, 'forged')
  })
})
