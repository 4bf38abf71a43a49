// Routes, and the guard that enforces sign-in and the role each page needs. The server enforces
// access itself (this only keeps users away from pages whose API would refuse them).
import { createRouter, createWebHistory } from 'vue-router'
import { onUnauthorized } from './api.js'
import { session, loadSession, clearSession } from './session.js'
import Shell from './components/Shell.vue'
import { ALL, navItems } from './nav.js'

const pages = {
  dashboard: () => import('./views/DashboardPage.vue'),
  audit: () => import('./views/AuditPage.vue'),
  users: () => import('./views/UsersPage.vue'),
  apikeys: () => import('./views/ApiKeysPage.vue'),
  registry: () => import('./views/RegistrySearchPage.vue'),
  quality: () => import('./views/QualityPage.vue'),
  checks: () => import('./views/CheckPage.vue'),
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/LoginPage.vue'),
      meta: { public: true },
    },
    {
      // 公开查询: anyone, signed in or not.
      path: '/public/lookup',
      name: 'public-lookup',
      component: () => import('./views/PublicLookupPage.vue'),
      meta: { public: true },
    },
    {
      // 一码通查: report verification by code, QR or file — anyone, signed in or not.
      path: '/verify/:code?',
      name: 'verify',
      component: () => import('./views/VerifyPage.vue'),
      meta: { public: true },
    },
    {
      // The URL a report's QR code opens: "<PREFIX>/V/<Base32 payload>[/<SECRET>]" (ledger/qr.h).
      // Routes match case-insensitively, so "/v/…" (a camera app lower-casing the URL) works too.
      path: '/V/:payload/:secret?',
      name: 'verify-qr',
      component: () => import('./views/VerifyPage.vue'),
      meta: { public: true },
    },
    {
      path: '/',
      component: Shell,
      children: [
        ...navItems.map((item) => ({
          path: item.path === '/' ? '' : item.path.slice(1),
          name: item.name,
          component: pages[item.name],
          meta: { roles: item.roles, label: item.label },
        })),
        // The skeleton's institution list became the registry search (机构查询).
        { path: 'institutions', redirect: '/registry' },
        {
          path: 'registry/institutions/:id',
          name: 'portrait',
          component: () => import('./views/PortraitPage.vue'),
          meta: { roles: ALL, label: 'nav.registry' },
        },
        {
          path: ':rest(.*)*',
          name: 'not-found',
          component: () => import('./views/NotFoundPage.vue'),
          meta: { roles: ALL },
        },
      ],
    },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) await loadSession()
  if (to.meta.public) {
    if (to.name === 'login' && session.user) return { name: 'dashboard' }
    return true
  }
  if (!session.user) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  const roles = to.meta.roles
  if (roles && !roles.includes(session.user.role)) return { name: 'dashboard' }
  return true
})

// Any 401 from the API (expired or revoked session) sends the user to the login page.
onUnauthorized(() => {
  clearSession()
  const current = router.currentRoute.value
  if (current.name !== 'login') {
    router.replace({ name: 'login', query: { redirect: current.fullPath } })
  }
})
