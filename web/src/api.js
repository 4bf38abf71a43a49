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
  let response
  try {
    response = await fetch(buildUrl(path, query), init)
  } catch (cause) {
    throw new ApiError(0, {
      code: 'network',
      title: 'Network error',
      detail: String(cause),
      message_zh: '无法连接服务器，请检查网络后重试。',
      message_en: 'Cannot reach the server; check the network and try again.',
    })
  }
  if (response.status === 204) return null
  const text = await response.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (response.ok) return data
  const problem = data && typeof data === 'object' ? data : { title: response.statusText }
  const error = new ApiError(
    response.status,
    problem,
    parseRetryAfter(response.headers.get('Retry-After')),
  )
  if (response.status === 401 && redirectOn401 && unauthorizedHandler) unauthorizedHandler(error)
  throw error
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
  institutions: ({ q, offset, limit } = {}) =>
    request('GET', '/api/v1/institutions', { query: { q, offset, limit } }),
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
  // Anonymous; a 401 here must not redirect to the login page.
  publicLookup: (filters) =>
    request('GET', '/api/v1/public/institutions', { query: filters, redirectOn401: false }),
}
