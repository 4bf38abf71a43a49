// What the verification page checks itself, in the browser, about an answer of
// GET /api/v1/public/verify/{code}: a pure function from (answer, trusted key, optional QR,
// optional document digest, optional secret) to a list of named steps, each passed, failed
// (with the reason) or skipped, and the verdict shown in big letters.
//
// The server is not trusted for what can be checked: the checkpoint must carry a valid Ed25519
// signature of the published key (note.js), every event's entry must hash to its leaf hash
// (merkle.js), the leaf must be in the signed tree by its inclusion proof (RFC 9162 §2.1.3.2),
// and the decoded entries must say what the page shows (code, institution, report number, issue
// date, certificate, document digest, event types and the status they imply). With the secret,
// client, sample and results must match the salted digests in the log. What cannot be checked
// here: that the server showed every event of the report (a withheld correction or revocation);
// `zhijian log audit` over the whole log closes that.
//
// checkAnswer(...) → { verdict, proof, steps, treeSize, checkpoint, creating } where
//   verdict  'authentic' | 'corrected' | 'revoked' | 'unknown' | 'mismatch' (document digest
//            differs) | 'forged' (the QR's signature or claims are wrong)
//   proof    'included' (every step passed and the report's entry is in the signed tree) |
//            'pending' (registered after the latest checkpoint; nothing failed) | 'failed' | 'none'
//   steps    [{ id, ok: true | false | null (skipped), detail, event? }]
//   checkpoint  the verified checkpoint { origin, size (BigInt), root } or null
//   creating    the decoded entry that created the report (issue, or the correction making it)
import { bytesEqual, fromBase64, fromHex } from './bytes.js'
import { canonicalResults, saltedDigest } from './digest.js'
import { decodeEntry } from './entry.js'
import { leafHash, verifyInclusion } from './merkle.js'
import { openNote, parseCheckpoint } from './note.js'

function step(steps, id, ok, detail = '', extra = {}) {
  steps.push({ id, ok, detail: detail || '', ...extra })
  return ok
}

// Checks the log part of a found report; pushes steps, returns the decoded events.
function checkLog(answer, key, steps) {
  const log = answer.log || {}
  if (log.verifier_key && log.verifier_key !== key.text) {
    step(steps, 'key', false, 'key-changed')
  } else {
    step(steps, 'key', true, `${key.name}+${key.keyId.toString(16).padStart(8, '0')}`)
  }
  if (!log.checkpoint) {
    step(steps, 'checkpoint-signature', null, 'no-checkpoint')
    return { checkpoint: null }
  }
  const opened = openNote(log.checkpoint, [key])
  if (!step(steps, 'checkpoint-signature', opened.ok, opened.ok ? '' : opened.error)) return { checkpoint: null }
  const cp = parseCheckpoint(opened.text)
  if (!step(steps, 'checkpoint-text', cp.ok, cp.ok ? '' : cp.error)) return { checkpoint: null }
  if (!step(steps, 'checkpoint-origin', cp.origin === key.name, cp.origin)) return { checkpoint: null }
  // The JSON's copies of size and root must be the signed ones (the page shows them).
  const sameSize = log.tree_size === null || log.tree_size === undefined || BigInt(log.tree_size) === cp.size
  const root = log.root ? fromBase64(log.root) : null
  const sameRoot = !log.root || (root && bytesEqual(root, cp.root))
  step(steps, 'checkpoint-fields', sameSize && sameRoot, sameSize ? (sameRoot ? '' : 'root') : 'tree_size')
  return { checkpoint: sameSize && sameRoot ? cp : null }
}

// Checks one event: entry bytes → leaf hash → inclusion; and that the event's JSON fields are
// its entry's. Returns the decoded entry (or null) and whether it is included / pending.
function checkEvent(ev, i, checkpoint, steps) {
  const tag = { event: i }
  const bytes = typeof ev.entry === 'string' ? fromBase64(ev.entry) : null
  const decoded = bytes ? decodeEntry(bytes) : { ok: false, error: 'entry.not-base64' }
  if (!step(steps, 'entry-decode', decoded.ok, decoded.ok ? '' : decoded.error, tag)) return { entry: null, state: 'failed' }
  const e = decoded.event
  const same =
    e.type === ev.type &&
    e.code === ev.code &&
    (e.originalCode || '') === (ev.original_code || '') &&
    (e.reason || '') === (ev.reason || '') &&
    (ev.registered_at === undefined || Date.parse(ev.registered_at) === Number(e.registeredAtMs))
  if (!step(steps, 'event-fields', same, same ? '' : 'type/code/original_code/reason/registered_at', tag)) {
    return { entry: e, state: 'failed' }
  }
  const leaf = leafHash(bytes)
  const given = typeof ev.leaf_hash === 'string' ? fromBase64(ev.leaf_hash) : null
  if (!step(steps, 'leaf-hash', !!given && bytesEqual(leaf, given), '', tag)) return { entry: e, state: 'failed' }
  if (!checkpoint) {
    step(steps, 'inclusion', null, 'no-checkpoint', tag)
    return { entry: e, state: 'unproven' }
  }
  if (ev.inclusion_proof === null || ev.inclusion_proof === undefined) {
    // The server says the entry is newer than the checkpoint: then its index must be ≥ the size.
    const newer = BigInt(ev.leaf_index) >= checkpoint.size
    step(steps, 'inclusion', newer ? null : false, newer ? 'pending' : 'proof-missing', tag)
    return { entry: e, state: newer ? 'pending' : 'failed' }
  }
  const proof = ev.inclusion_proof.map((p) => fromBase64(p))
  if (proof.some((p) => !p)) {
    step(steps, 'inclusion', false, 'bad-hash-size', tag)
    return { entry: e, state: 'failed' }
  }
  const r = verifyInclusion(ev.leaf_index, checkpoint.size, leaf, proof, checkpoint.root)
  step(steps, 'inclusion', r.ok, r.ok ? `${ev.leaf_index}` : r.reason, tag)
  return { entry: e, state: r.ok ? 'included' : 'failed' }
}

export function checkAnswer(answer, key, { qr = null, documentDigest = null, secret = null } = {}) {
  const steps = []
  let forged = false
  if (qr) {
    // The offline check came first (qr.js); here its claims meet the answer.
    if (!qr.ok) forged = !step(steps, 'qr-signature', false, qr.error)
    else step(steps, 'qr-signature', true, qr.keyName)
  }
  if (!answer || !answer.found) {
    if (qr && qr.ok) step(steps, 'qr-registered', false, 'unknown')
    return { verdict: forged ? 'forged' : 'unknown', proof: 'none', steps, treeSize: null, checkpoint: null, creating: null }
  }
  const { checkpoint } = checkLog(answer, key, steps)
  const code = answer.code
  let failed = steps.some((s) => s.ok === false)
  let creating = null // the entry that created this report (issue, or the correction making it)
  let creatingState = 'failed'
  let pending = false
  let revokedByLog = false
  let correctedByLog = null
  ;(answer.events || []).forEach((ev, i) => {
    const { entry, state } = checkEvent(ev, i, checkpoint, steps)
    if (state === 'failed') failed = true
    if (state === 'pending' || state === 'unproven') pending = true
    if (!entry) return
    if (entry.code === code && (entry.type === 'issue' || (entry.type === 'correct' && entry.originalCode !== code))) {
      creating = entry
      creatingState = state
    }
    if (entry.type === 'revoke' && entry.code === code) revokedByLog = true
    if (entry.type === 'correct' && entry.originalCode === code) correctedByLog = entry.code
  })
  // The creating entry must state what the page shows.
  if (creating) {
    const mismatched = []
    if (creating.institution !== answer.institution?.uscc) mismatched.push('institution')
    if (creating.reportNumber !== answer.report_no) mismatched.push('report_no')
    if (creating.issueDate !== answer.issue_date) mismatched.push('issue_date')
    if (creating.certificate !== answer.certificate?.number) mismatched.push('certificate')
    if (creating.documentSha256 !== String(answer.document_sha256).toLowerCase()) mismatched.push('document_sha256')
    if (creating.type === 'correct' && creating.originalCode !== answer.replaces) mismatched.push('replaces')
    if (!step(steps, 'entry-matches', mismatched.length === 0, mismatched.join(','))) failed = true
  } else {
    step(steps, 'entry-matches', false, 'no-creating-event')
    failed = true
  }
  // The status the server states must be the one its entries imply.
  const implied = revokedByLog ? 'revoked' : correctedByLog ? 'corrected' : 'authentic'
  const statusOk = implied === answer.status && (!correctedByLog || correctedByLog === answer.replaced_by)
  if (!step(steps, 'status-matches', statusOk, statusOk ? implied : `${answer.status} ≠ ${implied}`)) failed = true

  // With a valid secret: client, sample and results against the salted digests.
  if (answer.details && creating) {
    const salt = secret || (answer.details.salt ? fromHex(answer.details.salt) : null)
    if (!salt || salt.length !== 16) {
      step(steps, 'details-digests', false, 'salt')
      failed = true
    } else {
      const bad = []
      if (saltedDigest(salt, answer.details.client ?? '') !== creating.clientDigest) bad.push('client')
      if (saltedDigest(salt, answer.details.sample ?? '') !== creating.sampleDigest) bad.push('sample')
      if (saltedDigest(salt, answer.details.results_text ?? '') !== creating.resultsDigest) bad.push('results')
      if (canonicalResults(answer.details) !== answer.details.results_text) bad.push('results-shown')
      if (!step(steps, 'details-digests', bad.length === 0, bad.join(','))) failed = true
    }
  }
  // The QR's signed claims against the log entry.
  if (qr && qr.ok && creating) {
    const c = qr.claims
    const ok = c.code === code && c.documentSha256 === creating.documentSha256 && c.issueDate === creating.issueDate
    // A valid platform signature on other claims than the log's: the platform is inconsistent.
    if (!step(steps, 'qr-matches', ok)) failed = true
  }
  let mismatch = false
  if (documentDigest) {
    const want = creating ? creating.documentSha256 : String(answer.document_sha256).toLowerCase()
    mismatch = documentDigest.toLowerCase() !== want
    step(steps, 'document', !mismatch, mismatch ? documentDigest.toLowerCase() : '')
  }
  const proof = failed ? 'failed' : pending ? 'pending' : creatingState === 'included' ? 'included' : 'failed'
  const verdict = forged ? 'forged' : mismatch ? 'mismatch' : answer.status
  return { verdict, proof, steps, treeSize: checkpoint ? Number(checkpoint.size) : null, checkpoint, creating }
}
