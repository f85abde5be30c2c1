/** A certificate's life events (CERT-3) and the reasons some of them take: shared by the filing code and the request kind's payload schema. */
export const EVENTS = ['apply', 'renew', 'extend', 'revoke', 'report-lost', 'suspend', 'resume', 'replace-medium', 'reset-password'] as const
export type CertEventKind = (typeof EVENTS)[number]

export const REVOKE_REASONS = ['keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn', 'unspecified'] as const
export const MEDIUM_REASONS = ['lost', 'damaged', 'replaced'] as const
export type MediumReason = (typeof MEDIUM_REASONS)[number]
