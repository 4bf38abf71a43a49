// The one module that talks to the Zhijian HTTP API.
//
// Every call goes through request(): JSON in, JSON out, the session cookie (HttpOnly, never
// touched here) sent by the browser with credentials 'same-origin'. A non-2xx answer becomes an
// ApiError carrying the RFC 9457 problem fields (code, message_zh, message_en, ...) and, for 429,
// the Retry-After seconds. A 401 on any call except the login itself is reported to the handler
// set with onUnauthorized() (the app sends the user to /login).

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = problem.code || ''
    this.title = problem.title || ''
    this.detail = problem.detail || ''
    this.message_zh = problem.message_zh || ''
    this.message_en = problem.message_en || ''
    this.requestId = problem.request_id || ''
    this.retryAfter = retryAfter // seconds, or null
  }
}

let unauthorizedHandler = null

// Registers the function called when the server answers 401 (session missing or expired).
export function onUnauthorized(fn) {
  unauthorizedHandler = fn
}

function parseRetryAfter(value) {
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds))
  const when = Date.parse(value)
  if (Number.isNaN(when)) return null
  return Math.max(0, Math.ceil((when - Date.now()) / 1000))
}

function buildUrl(path, query) {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

async function request(method, path, { query, body, redirectOn401 = true } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json' },
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const response = await fetchOrThrow(buildUrl(path, query), init)
  if (response.status === 204) return null
  const data = await bodyJson(response)
  if (response.ok) return data
  throw problemError(response, data, redirectOn401)
}

async function fetchOrThrow(url, init) {
  try {
    return await fetch(url, init)
  } catch (cause) {
    throw new ApiError(0, {
      code: 'network',
      title: 'Network error',
      detail: String(cause),
      message_zh: '无法连接服务器，请检查网络后重试。',
      message_en: 'Cannot reach the server; check the network and try again.',
    })
  }
}

async function bodyJson(response) {
  const text = await response.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

// The ApiError of a non-2xx answer (its problem+json body parsed into `data`); a 401 is also
// reported to the onUnauthorized() handler.
function problemError(response, data, redirectOn401 = true) {
  const problem = data && typeof data === 'object' ? data : { title: response.statusText }
  const error = new ApiError(
    response.status,
    problem,
    parseRetryAfter(response.headers.get('Retry-After')),
  )
  if (response.status === 401 && redirectOn401 && unauthorizedHandler) unauthorizedHandler(error)
  return error
}

// The message of an error in the UI language ('zh-CN' or 'en').
export function errorMessage(error, locale) {
  if (error instanceof ApiError) {
    const text = locale === 'en' ? error.message_en || error.message_zh : error.message_zh || error.message_en
    return text || error.detail || error.title || `HTTP ${error.status}`
  }
  return String(error && error.message ? error.message : error)
}

export const api = {
  login: (username, password) =>
    request('POST', '/api/v1/auth/login', { body: { username, password }, redirectOn401: false }),
  logout: () => request('POST', '/api/v1/auth/logout', { redirectOn401: false }),
  me: () => request('GET', '/api/v1/auth/me', { redirectOn401: false }),
  dashboard: () => request('GET', '/api/v1/dashboard'),
  audit: ({ before, limit, action } = {}) =>
    request('GET', '/api/v1/audit', { query: { before, limit, action } }),
  users: () => request('GET', '/api/v1/users'),
  createUser: (user) => request('POST', '/api/v1/users', { body: user }),
  apiKeys: () => request('GET', '/api/v1/apikeys'),
  createApiKey: (name) => request('POST', '/api/v1/apikeys', { body: { name } }),
  revokeApiKey: (id) => request('DELETE', `/api/v1/apikeys/${encodeURIComponent(id)}`),
  regions: (parent) => request('GET', '/api/v1/regions', { query: { parent } }),
  // The registry (一库尽览): `filters` are the query parameters of the search (see openapi.yaml).
  registrySearch: (filters) => request('GET', '/api/v1/registry/institutions', { query: filters }),
  portrait: (id) => request('GET', `/api/v1/registry/institutions/${encodeURIComponent(id)}`),
  institutionStandards: (id) =>
    request('GET', `/api/v1/registry/institutions/${encodeURIComponent(id)}/standards`),
  capabilitySearch: (filters) => request('GET', '/api/v1/registry/capabilities', { query: filters }),
  abolishedStandards: (filters) =>
    request('GET', '/api/v1/registry/abolished-standards', { query: filters }),
  // Registry edits (people and equipment also by the institution's own users; the server
  // decides who may).
  updateInstitution: (id, body) =>
    request('PUT', `/api/v1/registry/institutions/${encodeURIComponent(id)}`, { body }),
  createPerson: (institutionId, body) =>
    request('POST', `/api/v1/registry/institutions/${encodeURIComponent(institutionId)}/people`, {
      body,
    }),
  updatePerson: (id, body) =>
    request('PUT', `/api/v1/registry/people/${encodeURIComponent(id)}`, { body }),
  deletePerson: (id) => request('DELETE', `/api/v1/registry/people/${encodeURIComponent(id)}`),
  createEquipment: (institutionId, body) =>
    request(
      'POST',
      `/api/v1/registry/institutions/${encodeURIComponent(institutionId)}/equipment`,
      { body },
    ),
  updateEquipment: (id, body) =>
    request('PUT', `/api/v1/registry/equipment/${encodeURIComponent(id)}`, { body }),
  deleteEquipment: (id) =>
    request('DELETE', `/api/v1/registry/equipment/${encodeURIComponent(id)}`),
  // 智查 (data quality). Reads are scoped by the server; `params` are the query parameters of
  // openapi.yaml (run, category, rule, severity, entity, institution, region, status, after, limit).
  qualityRuns: (limit) => request('GET', '/api/v1/quality/runs', { query: { limit } }),
  qualityRun: (id) => request('GET', `/api/v1/quality/runs/${encodeURIComponent(id)}`),
  qualityRates: (id, params) =>
    request('GET', `/api/v1/quality/runs/${encodeURIComponent(id)}/rates`, { query: params }),
  qualityTrend: (params) => request('GET', '/api/v1/quality/trend', { query: params }),
  qualityFindings: (params) => request('GET', '/api/v1/quality/findings', { query: params }),
  qualityMarkFixed: (fingerprint, note) =>
    request('POST', `/api/v1/quality/findings/${encodeURIComponent(fingerprint)}/fixed`, {
      body: { note: note || '' },
    }),
  // `region` undefined: the caller's own region (the whole registry for administrators).
  qualityStartRun: (region) =>
    request('POST', '/api/v1/quality/runs', { body: region === undefined ? {} : { region } }),
  qualityStatus: () => request('GET', '/api/v1/quality/status'),
  // Anonymous; a 401 here must not redirect to the login page.
  publicLookup: (filters) =>
    request('GET', '/api/v1/public/institutions', { query: filters, redirectOn401: false }),
  // 一码通查, anonymous: the verification of a code (with the secret: the report's content), the
  // log's published key, and a consistency proof between two checkpoints.
  publicVerify: (code, secret) =>
    request('GET', `/api/v1/public/verify/${encodeURIComponent(code)}`, {
      query: { secret },
      redirectOn401: false,
    }),
  logKey: () => request('GET', '/api/v1/public/log-key', { redirectOn401: false }),
  consistencyProof: (from, to) =>
    request('GET', '/api/v1/log/proof/consistency', { query: { from, to }, redirectOn401: false }),
  // 智识: re-check a registered report by its national code (not stored).
  checkCode: (code) => request('POST', '/api/v1/checks', { body: { code, store: false } }),
}

// 智识: uploads one report document (a File) to POST /api/v1/checks as multipart/form-data and
// resolves to its result ({ok: true, file, document, findings, ...} or {ok: false, file, error});
// a refused request (413, 403, ...) rejects with an ApiError. XMLHttpRequest rather than fetch,
// because fetch reports no upload progress: `onProgress(fraction)` is called as the bytes go out.
export function checkDocument(file, { store = false, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const form = new FormData()
    form.append('file', file, file.name)
    if (store) form.append('store', 'true')
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/v1/checks')
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.total ? e.loaded / e.total : 1)
    }
    xhr.onload = () => {
      let data = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = null
      }
      if (xhr.status >= 200 && xhr.status < 300 && data && Array.isArray(data.results)) {
        resolve(data.results[0])
        return
      }
      const response = {
        status: xhr.status,
        statusText: xhr.statusText,
        headers: { get: (name) => xhr.getResponseHeader(name) },
      }
      reject(problemError(response, data))
    }
    xhr.onerror = () =>
      reject(
        new ApiError(0, {
          code: 'network',
          title: 'Network error',
          message_zh: '无法连接服务器，请检查网络后重试。',
          message_en: 'Cannot reach the server; check the network and try again.',
        }),
      )
    xhr.send(form)
  })
}

// The URL of a registry export: `kind` 'institutions' or 'capabilities', `format` 'xlsx' or
// 'csv', `filters` the search's query parameters (empty values and paging ones left out).
export function exportUrl(kind, format, filters) {
  const query = { format }
  for (const [key, value] of Object.entries(filters || {})) {
    if (key !== 'cursor' && key !== 'limit' && key !== 'after') query[key] = value
  }
  return buildUrl(`/api/v1/registry/export/${kind}`, query)
}

function fileNameOf(response, fallback) {
  const header = response.headers.get('Content-Disposition') || ''
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain ? plain[1].trim() : fallback
}

// Downloads a file through a Blob (so that a refused export, e.g. export.too-large, becomes an
// ApiError to show rather than a broken download); resolves to the file name saved.
async function downloadUrl(url, fallbackName) {
  const response = await fetchOrThrow(url, {
    credentials: 'same-origin',
    headers: { Accept: '*/*' },
  })
  if (!response.ok) throw problemError(response, await bodyJson(response))
  const blob = await response.blob()
  const name = fileNameOf(response, fallbackName)
  const objectUrl = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = objectUrl
  a.download = name
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Give the browser time to start reading the blob before it is released.
  setTimeout(() => URL.revokeObjectURL(objectUrl), 60000)
  return name
}

// Downloads a registry export (see exportUrl).
export function downloadExport(kind, format, filters) {
  return downloadUrl(exportUrl(kind, format, filters), `${kind}.${format}`)
}

// The URL of a data-quality export: `kind` 'findings' or 'rates', `format` 'xlsx' or 'csv',
// `params` the list's query parameters (run, filters; for rates: by, region, entity); paging left
// out.
export function qualityExportUrl(kind, format, params) {
  const query = { format }
  for (const [key, value] of Object.entries(params || {})) {
    if (key !== 'after' && key !== 'limit') query[key] = value
  }
  return buildUrl(`/api/v1/quality/export/${kind}`, query)
}

export function downloadQualityExport(kind, format, params) {
  return downloadUrl(qualityExportUrl(kind, format, params), `quality-${kind}.${format}`)
}

// The printable HTML report of a run (opened in a new tab; the session cookie goes with it).
export function qualityReportUrl(runId, region) {
  return buildUrl(`/api/v1/quality/runs/${encodeURIComponent(runId)}/report`, { region })
}
