/**
 * Roles as data (issue 18; X-2: 编辑、审核、发布权限分离; 002 第二十二条; the 等保 三员
 * practice). A role is held by people on the roster; every command that changes something
 * needs one of the roles its permit names, and approving or rejecting a request needs the
 * reviewer role of the request's area.
 */
export const ROLES = {
  filer: {zh: '受理', en: 'files requests for units'},
  net: {zh: '网络管理', en: 'extranet addresses and connections'},
  cloud: {zh: '云管理', en: 'government cloud tenants and providers'},
  cert: {zh: '证书', en: 'certificates: issue, export, revoke'},
  items: {zh: '事项', en: 'service-item lists'},
  kiosk: {zh: '自助终端', en: 'self-service kiosks'},
  'review-net': {zh: '审核（外网）', en: 'approves or rejects extranet requests'},
  'review-cloud': {zh: '审核（政务云）', en: 'approves or rejects cloud requests'},
  'review-cert': {zh: '审核（证书）', en: 'approves or rejects certificate requests'},
  'review-items': {zh: '审核（事项）', en: 'approves or rejects service-item changes'},
  'review-kiosk': {zh: '审核（自助终端）', en: 'approves or rejects kiosk requests'},
  'review-ticket': {zh: '审核（工单）', en: 'resolves tickets'},
  'system-admin': {zh: '系统管理员', en: 'the roster, settings, the calendar, backups'},
  'security-admin': {zh: '安全管理员', en: 'the CA and its keys, certificate profiles'},
  auditor: {zh: '审计员', en: 'reads the audit trail; changes nothing'},
} as const

export type Role = keyof typeof ROLES

export const ROLE_IDS = Object.keys(ROLES) as Role[]

/** The three separated administrators (三员): never held by one person. */
export const ADMIN_ROLES: readonly Role[] = ['system-admin', 'security-admin', 'auditor']

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLES, value)
}

/** "网络管理 (net)" in Chinese, "net" in English. */
export function roleLabel(role: Role, locale: 'en' | 'zh'): string {
  return locale === 'zh' ? `${ROLES[role].zh}（${role}）` : role
}

/**
 * The reviewer role for a request kind: its area is the kind's first word (net-onboarding →
 * review-net). The roster's and the settings' changes are reviewed by a second 系统管理员
 * (issue 18; CERT-4; 002 第二十二条).
 */
export function reviewRole(kind: string): Role {
  const area = kind.split('-')[0]
  if (area === 'roster' || area === 'settings') return 'system-admin'
  const role = `review-${area === 'item' ? 'items' : area}`
  return isRole(role) ? role : 'review-ticket'
}

/**
 * Who may run a command that changes something, by command id (oclif's, with colons).
 * The most specific entry wins (net:request:apply before net). `null`: any active operator
 * on the roster. A command missing here falls under its topic. Reading commands write
 * nothing, so they are never checked.
 */
const PERMITS: Record<string, readonly Role[] | null> = {
  net: ['net'],
  'net:request:apply': ['filer', 'net'],
  cloud: ['cloud'],
  'cloud:apply': ['filer', 'cloud'],
  'cloud:provider:apply': ['filer', 'cloud'],
  'cloud:change': ['filer', 'cloud'],
  'cloud:release': ['filer', 'cloud'],
  cert: ['cert'],
  'cert:apply': ['filer', 'cert'],
  'cert:ca': ['security-admin'],
  'cert:profile': ['security-admin'],
  items: ['items'],
  kiosk: ['kiosk'],
  units: null,
  ticket: null,
  requests: null,
  config: ['system-admin'],
  calendar: ['system-admin'],
  operators: ['system-admin'],
  db: ['system-admin'],
  audit: ['auditor'],
}

/** The roles a command needs when it writes, or null for any active operator. */
export function permitFor(commandId: string): readonly Role[] | null {
  const parts = commandId.split(':')
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join(':')
    if (Object.hasOwn(PERMITS, key)) return PERMITS[key]!
  }
  return null
}
