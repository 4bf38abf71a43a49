// UI language: Chinese first (zh-CN), English on request; the choice is kept in localStorage and
// also switches Element Plus's own texts (pagination, dialogs, empty tables).
import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import en from 'element-plus/es/locale/lang/en'

const STORAGE_KEY = 'zj.locale'
export const LOCALES = ['zh-CN', 'en']

const messages = {
  'zh-CN': {
    app: { name: '智检', fullName: '智检 Zhijian', subtitle: '检验检测机构智慧监管平台' },
    nav: {
      dashboard: '监管概览',
      institutions: '检验检测机构',
      audit: '审计日志',
      users: '用户管理',
      apikeys: 'API 密钥',
    },
    role: {
      admin: '系统管理员',
      regulator: '监管人员',
      institution: '机构用户',
      inspector: '检查人员',
    },
    common: {
      logout: '退出登录',
      language: '语言',
      search: '搜索',
      refresh: '刷新',
      cancel: '取消',
      confirm: '确定',
      create: '新建',
      loading: '加载中…',
      none: '无',
      national: '全国',
      scope: '管辖范围',
      total: '共 {n} 条',
      copy: '复制',
      copied: '已复制',
      copyFailed: '复制失败，请手动选择复制',
      yes: '是',
      no: '否',
      loggedOut: '已退出登录',
    },
    login: {
      title: '用户登录',
      username: '用户名',
      password: '密码',
      submit: '登录',
      required: '请输入用户名和密码',
      retryAfter: '请在 {n} 秒后重试。',
      demoTitle: '演示账号',
      demoText: '以下为演示环境账号；密码由 make demo 生成并显示（也保存在 var/demo/demo-accounts.json）。',
      demoAdmin: '系统管理员（全国）',
      demoSd: '山东省监管人员（37）',
      demoJn: '济南市监管人员（3701）',
      demoInst: '演示机构用户',
      footer: '市场监管 · 检验检测机构监管',
    },
    dashboard: {
      title: '监管概览',
      institutions: '检验检测机构',
      users: '用户',
      auditEvents: '审计事件',
      auditToday: '今日审计事件',
      byProvince: '各省份机构数量',
      byCity: '各地市机构数量',
      byCounty: '各区县机构数量',
      auditByDay: '近 14 天审计事件',
      count: '数量',
      updatedAt: '更新于 {t}，每 30 秒自动刷新',
      noData: '暂无数据',
    },
    institutions: {
      title: '检验检测机构',
      searchPlaceholder: '机构名称或统一社会信用代码',
      name: '机构名称',
      uscc: '统一社会信用代码',
      region: '所在地区',
      address: '地址',
    },
    audit: {
      title: '审计日志',
      action: '操作',
      actionFilter: '按操作筛选',
      time: '时间',
      actor: '操作人',
      role: '角色',
      via: '方式',
      target: '对象',
      region: '地区',
      ip: 'IP 地址',
      loadMore: '加载更多',
      end: '已全部加载',
      seq: '序号',
    },
    users: {
      title: '用户管理',
      create: '新建用户',
      username: '用户名',
      displayName: '姓名',
      role: '角色',
      region: '管辖地区',
      regionPrefix: '地区编码前缀',
      regionPick: '选择省 / 市 / 区县',
      institution: '所属机构',
      institutionPick: '输入名称搜索机构',
      password: '初始密码',
      passwordHint: '至少 10 位，含两类以上字符',
      createdAt: '创建时间',
      status: '状态',
      active: '正常',
      disabled: '已停用',
      created: '用户 {u} 已创建',
      requiredField: '请填写此项',
    },
    apikeys: {
      title: 'API 密钥',
      intro: 'API 密钥用于机构 LIMS 或其他系统以您的身份调用开放接口，权限与您的账号相同。',
      create: '新建密钥',
      name: '名称',
      namePlaceholder: '例如：LIMS 对接',
      prefix: '前缀',
      createdAt: '创建时间',
      lastUsed: '最近使用',
      status: '状态',
      active: '有效',
      revoked: '已吊销',
      revoke: '吊销',
      revokeConfirm: '确定吊销密钥“{name}”？吊销后使用该密钥的调用将立即失败。',
      revokedOk: '密钥已吊销',
      newKeyTitle: '新密钥',
      newKeyOnce: '请立即复制并妥善保存此密钥。关闭本窗口后将无法再次查看。',
      done: '我已保存',
      never: '从未',
    },
    notFound: { title: '页面不存在', back: '返回首页' },
  },
  en: {
    app: { name: 'Zhijian', fullName: '智检 Zhijian', subtitle: 'Smart supervision of testing & inspection' },
    nav: {
      dashboard: 'Dashboard',
      institutions: 'Institutions',
      audit: 'Audit trail',
      users: 'Users',
      apikeys: 'API keys',
    },
    role: {
      admin: 'Administrator',
      regulator: 'Regulator',
      institution: 'Institution',
      inspector: 'Inspector',
    },
    common: {
      logout: 'Log out',
      language: 'Language',
      search: 'Search',
      refresh: 'Refresh',
      cancel: 'Cancel',
      confirm: 'OK',
      create: 'Create',
      loading: 'Loading…',
      none: 'None',
      national: 'National',
      scope: 'Scope',
      total: '{n} in total',
      copy: 'Copy',
      copied: 'Copied',
      copyFailed: 'Copy failed; select the text and copy it by hand',
      yes: 'Yes',
      no: 'No',
      loggedOut: 'Logged out',
    },
    login: {
      title: 'Sign in',
      username: 'Username',
      password: 'Password',
      submit: 'Sign in',
      required: 'Enter your username and password',
      retryAfter: 'Try again in {n} s.',
      demoTitle: 'Demo accounts',
      demoText: 'Accounts of the demo environment; their passwords are generated and shown by make demo (and kept in var/demo/demo-accounts.json).',
      demoAdmin: 'Administrator (national)',
      demoSd: 'Shandong regulator (37)',
      demoJn: 'Jinan regulator (3701)',
      demoInst: 'Demo institution user',
      footer: 'Market regulation · testing & inspection supervision',
    },
    dashboard: {
      title: 'Dashboard',
      institutions: 'Institutions',
      users: 'Users',
      auditEvents: 'Audit events',
      auditToday: 'Audit events today',
      byProvince: 'Institutions by province',
      byCity: 'Institutions by city',
      byCounty: 'Institutions by county',
      auditByDay: 'Audit events, last 14 days',
      count: 'Count',
      updatedAt: 'Updated {t}; refreshes every 30 s',
      noData: 'No data',
    },
    institutions: {
      title: 'Institutions',
      searchPlaceholder: 'Name or unified social credit code',
      name: 'Name',
      uscc: 'USCC',
      region: 'Region',
      address: 'Address',
    },
    audit: {
      title: 'Audit trail',
      action: 'Action',
      actionFilter: 'Filter by action',
      time: 'Time',
      actor: 'Actor',
      role: 'Role',
      via: 'Via',
      target: 'Target',
      region: 'Region',
      ip: 'IP address',
      loadMore: 'Load more',
      end: 'All loaded',
      seq: 'Seq',
    },
    users: {
      title: 'Users',
      create: 'New user',
      username: 'Username',
      displayName: 'Name',
      role: 'Role',
      region: 'Region scope',
      regionPrefix: 'Region code prefix',
      regionPick: 'Pick province / city / county',
      institution: 'Institution',
      institutionPick: 'Type to search institutions',
      password: 'Initial password',
      passwordHint: 'at least 10 characters, two or more kinds',
      createdAt: 'Created',
      status: 'Status',
      active: 'Active',
      disabled: 'Disabled',
      created: 'User {u} created',
      requiredField: 'Required',
    },
    apikeys: {
      title: 'API keys',
      intro: 'An API key lets an institution LIMS or another system call the open API as you, with your rights.',
      create: 'New key',
      name: 'Name',
      namePlaceholder: 'e.g. LIMS link',
      prefix: 'Prefix',
      createdAt: 'Created',
      lastUsed: 'Last used',
      status: 'Status',
      active: 'Active',
      revoked: 'Revoked',
      revoke: 'Revoke',
      revokeConfirm: 'Revoke the key "{name}"? Calls with it fail from now on.',
      revokedOk: 'Key revoked',
      newKeyTitle: 'New key',
      newKeyOnce: 'Copy this key now and keep it safe: it cannot be shown again after you close this window.',
      done: 'I have saved it',
      never: 'Never',
    },
    notFound: { title: 'Page not found', back: 'Back to the dashboard' },
  },
}

function initialLocale() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (LOCALES.includes(saved)) return saved
  } catch {
    // storage unavailable: keep the default
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages,
})

export function setLocale(locale) {
  if (!LOCALES.includes(locale)) return
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
}

// Element Plus's locale object for the current UI language (for <el-config-provider>).
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? en : zhCn))

document.documentElement.lang = i18n.global.locale.value
