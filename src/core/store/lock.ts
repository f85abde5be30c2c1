import {EgovError} from '../errors.js'

/**
 * The write queue's bound (issue 20): how long a write waits for another egov writer before
 * it gives up, in seconds. EGOV_LOCK_WAIT overrides it; 0 means "do not wait".
 */
export const DEFAULT_LOCK_WAIT_SECONDS = 600

/** The bound this process uses: EGOV_LOCK_WAIT when set (a number of seconds, ≥ 0), else the default. */
export function lockWaitSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.EGOV_LOCK_WAIT?.trim()
  if (!raw) return DEFAULT_LOCK_WAIT_SECONDS
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
    throw new EgovError('invalid_input', 'store.badLockWait', {value: raw}, {field: 'EGOV_LOCK_WAIT'})
  }
  return seconds
}

/** What a store tells its caller while a write queues: the CLI prints a line on a terminal. */
export interface LockWaitOptions {
  /** The bound in seconds (default: lockWaitSeconds()). */
  seconds?: number
  /** Called once per write that has to wait, before it waits; given the bound in seconds. */
  onWait?: (seconds: number) => void
}

/**
 * The one write lock's waiting policy, shared by both dialects: announce a wait once, wait at
 * most `seconds`, then fail as a conflict (exit 4) that names the wait and what to do.
 */
export class WriteLock {
  readonly seconds: number
  private readonly onWait?: (seconds: number) => void

  constructor(options: LockWaitOptions = {}) {
    this.seconds = options.seconds ?? lockWaitSeconds()
    this.onWait = options.onWait
  }

  /** Tell the caller a write is waiting (at most once per write: the caller keeps the flag). */
  waiting(): void {
    try {
      this.onWait?.(this.seconds)
    } catch {
      // a message that cannot be printed must not cost the write
    }
  }

  timedOut(): EgovError {
    return lockTimeout(this.seconds)
  }
}

/** The error a write that waited past the bound ends with: exit 4, never 1. */
export function lockTimeout(seconds: number): EgovError {
  return new EgovError('conflict', 'store.lockTimeout', {seconds: formatSeconds(seconds)}, {field: 'EGOV_LOCK_WAIT', details: {waitedSeconds: seconds}})
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1)
}

/** SQLite's "database is locked" in any of its forms (SQLITE_BUSY, _SNAPSHOT, _RECOVERY, _TIMEOUT). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as {code?: unknown})?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/** PostgreSQL's lock_not_available (lock_timeout ran out). */
export function isPgLockTimeout(error: unknown): boolean {
  return (error as {code?: unknown})?.code === '55P03'
}
