// The signed-in user, shared by the router guard, the shell and the pages.
import { reactive } from 'vue'
import { api } from './api.js'

export const session = reactive({
  user: null, // the User object of GET /api/v1/auth/me, or null
  checked: false, // true once /auth/me has been asked in this page load
})

// Asks the server who we are; resolves to the user or null (not signed in).
export async function loadSession() {
  try {
    const data = await api.me()
    session.user = data && data.user ? data.user : null
  } catch {
    session.user = null
  }
  session.checked = true
  return session.user
}

export function setUser(user) {
  session.user = user
  session.checked = true
}

export function clearSession() {
  session.user = null
  session.checked = true
}

export function hasRole(...roles) {
  return !!session.user && roles.includes(session.user.role)
}
