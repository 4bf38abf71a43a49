// Registry writes (people, equipment, institutions) and exports, for the registry pages.
//
// Same conventions as ../../api.js (which has no generic request function exported): JSON in,
// JSON out, the session cookie sent by the browser, a non-2xx answer thrown as an ApiError with
// the RFC 9457 problem fields, and a 401 sends the user to the login page. Exports are
// fetched as a Blob and saved through a temporary object URL, so that a refused export (e.g.
// export.too-large) can be shown as a message instead of a broken download.
import { ApiError } from '../../api.js'
import { clearSession } from '../../session.js'
import { router } from '../../router.js'

function sessionLost() {
  clearSession()
  const current = router.currentRoute.value
  if (current.name !== 'login') router.replace({ name: 'login', query: { redirect: current.fullPath } })
}

async function problemOf(response) {
  let problem = null
  try {
    const text = await response.text()
    problem = text ? JSON.parse(text) : null
  } catch {
    problem = null
  }
  if (!problem || typeof problem !== 'object') problem = { title: response.statusText }
  const error = new ApiError(response.status, problem, null)
  if (response.status === 401) sessionLost()
  return error
}

async function send(method, path, body) {
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
    response = await fetch(path, init)
  } catch (cause) {
    throw networkError(cause)
  }
  if (response.status === 204) return null
  if (!response.ok) throw await problemOf(response)
  const text = await response.text()
  return text ? JSON.parse(text) : null
}

function networkError(cause) {
  return new ApiError(0, {
    code: 'network',
    title: 'Network error',
    detail: String(cause),
    message_zh: '无法连接服务器，请检查网络后重试。',
    message_en: 'Cannot reach the server; check the network and try again.',
  })
}

const enc = encodeURIComponent

export const registryEdit = {
  updateInstitution: (id, body) => send('PUT', `/api/v1/registry/institutions/${enc(id)}`, body),
  createPerson: (institutionId, body) =>
    send('POST', `/api/v1/registry/institutions/${enc(institutionId)}/people`, body),
  updatePerson: (id, body) => send('PUT', `/api/v1/registry/people/${enc(id)}`, body),
  deletePerson: (id) => send('DELETE', `/api/v1/registry/people/${enc(id)}`),
  createEquipment: (institutionId, body) =>
    send('POST', `/api/v1/registry/institutions/${enc(institutionId)}/equipment`, body),
  updateEquipment: (id, body) => send('PUT', `/api/v1/registry/equipment/${enc(id)}`, body),
  deleteEquipment: (id) => send('DELETE', `/api/v1/registry/equipment/${enc(id)}`),
}

// The URL of an export: `kind` 'institutions' or 'capabilities', `format` 'xlsx' or 'csv',
// `filters` the search's query parameters (empty values left out; paging ones dropped).
export function exportUrl(kind, format, filters) {
  const params = new URLSearchParams()
  params.set('format', format)
  for (const [key, value] of Object.entries(filters || {})) {
    if (key === 'cursor' || key === 'limit' || key === 'after') continue
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  return `/api/v1/registry/export/${kind}?${params.toString()}`
}

function fileNameOf(response, fallback) {
  const header = response.headers.get('Content-Disposition') || ''
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain ? plain[1].trim() : fallback
}

// Downloads an export; resolves to the file name saved, throws an ApiError when refused.
export async function downloadExport(kind, format, filters) {
  let response
  try {
    response = await fetch(exportUrl(kind, format, filters), {
      credentials: 'same-origin',
      headers: { Accept: '*/*' },
    })
  } catch (cause) {
    throw networkError(cause)
  }
  if (!response.ok) throw await problemOf(response)
  const blob = await response.blob()
  const name = fileNameOf(response, `${kind}.${format}`)
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Give the browser time to start reading the blob before it is released.
  setTimeout(() => URL.revokeObjectURL(url), 60000)
  return name
}
