// The pages of the navigation, in order; `roles` says which roles see (and may open) each one.
export const ALL = ['admin', 'regulator', 'institution', 'inspector']

export const navItems = [
  { name: 'dashboard', path: '/', label: 'nav.dashboard', roles: ALL },
  { name: 'registry', path: '/registry', label: 'nav.registry', roles: ALL },
  { name: 'quality', path: '/quality', label: 'nav.quality', roles: ALL },
  { name: 'checks', path: '/checks', label: 'nav.checks', roles: ['admin', 'regulator'] },
  { name: 'audit', path: '/audit', label: 'nav.audit', roles: ['admin', 'regulator'] },
  { name: 'users', path: '/users', label: 'nav.users', roles: ['admin'] },
  { name: 'apikeys', path: '/apikeys', label: 'nav.apikeys', roles: ALL },
]
