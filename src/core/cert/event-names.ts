/** A certificate's life events (CERT-3) and the reasons some of them take: shared by the filing code and the request kind's payload schema. */
export const EVENTS = ['apply', 'renew', 'extend', 'revoke', 'report-lost', 'suspend', 'resume', 'replace-medium', 'reset-password'] as const
export type CertEventKind = (typeof EVENTS)[number]

export const REVOKE_REASONS = ['keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn', 'unspecified'] as const
export const MEDIUM_REASONS = ['lost', 'damaged', 'replaced'] as const
export type MediumReason = (typeof MEDIUM_REASONS)[number]

/** Each event's name in Chinese, as request lists, messages and the help say it (the catalogue's cert.event.* agree: cert.test.ts). */
export const EVENT_ZH: Record<string, string> = {
  apply: '申请',
  renew: '更新',
  extend: '期满延期',
  revoke: '撤销',
  'report-lost': '挂失',
  suspend: '停用',
  resume: '恢复',
  'replace-medium': '更换介质',
  'reset-password': '重置密码',
  export: '导出',
}
