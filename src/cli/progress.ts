/**
 * A one-line progress counter on stderr, for work that takes more than a moment. It is
 * silent unless stderr is a terminal, and always silent with --json and in CI, so it
 * never mixes with output a script reads.
 */
export interface Progress {
  update(done: number, total?: number): void
  stop(): void
}

export function createProgress(label: string, enabled: boolean): Progress {
  if (!enabled) return {update() {}, stop() {}}
  let last = 0
  let shown = false
  return {
    update(done, total) {
      const at = Date.now()
      if (at - last < 100 && (total === undefined || done < total)) return
      last = at
      shown = true
      const figure = total ? `${done}/${total} (${Math.floor((done / Math.max(total, 1)) * 100)}%)` : String(done)
      process.stderr.write(`\r\u001B[2K${label} ${figure}`)
    },
    stop() {
      if (shown) process.stderr.write('\r\u001B[2K')
      shown = false
    },
  }
}

export function progressAllowed(json: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stderr.isTTY) && !json && !env.CI
}
