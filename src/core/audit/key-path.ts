import {join, resolve} from 'node:path'

/** Names the audit key file (see key.ts); kept apart so that every command can name it without loading node:crypto. */
export const AUDIT_KEY_ENV = 'EGOV_AUDIT_KEY'
export const AUDIT_KEY_FILE = 'audit.key'

/** EGOV_AUDIT_KEY when set (not empty), else audit.key in egov's config folder. */
export function auditKeyPath(configDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = env[AUDIT_KEY_ENV]?.trim()
  return resolve(named || join(configDir, AUDIT_KEY_FILE))
}
