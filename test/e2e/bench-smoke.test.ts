import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

/**
 * Benches never rot (issue 17): every script in bench/ runs here at a tiny size, as
 * `BENCH_SMOKE=1 node bench/X.mjs …`. A smoke run checks that the bench still works against
 * today's code and that its own counts come out (each bench throws when they do not); its
 * figures, taken at a tiny size on a loaded test machine, are not judged against the targets.
 * `bench/requests.mjs` crashed for weeks before issue 17 noticed: this is what notices now.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))

function bench(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [`bench/${script}`, ...args], {cwd: root, env: {...process.env, BENCH_SMOKE: '1', KEEP: ''}, encoding: 'utf8', maxBuffer: 1 << 26})
  expect(r.status, `${script} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0)
  return r.stdout
}

describe('every bench runs at a tiny size (BENCH_SMOKE=1)', () => {
  it('bench/startup.mjs: each command beside node -e 0', () => {
    const out = bench('startup.mjs', '2')
    for (const c of ['node -e 0', 'egov --version', 'egov --help', 'egov requests list --json']) expect(out).toContain(c)
  })

  it('bench/requests.mjs: 60 requests filed, all listed, some overdue', () => {
    const out = bench('requests.mjs', '60', '1')
    expect(out).toMatch(/requests: 60 of 2 kinds in mixed states \(filled in [\d.]+ s; [1-9]\d* overdue/)
    expect(out).toMatch(/egov requests list --overdue --json\s+[\d.]+ ms/)
    expect(out).toMatch(/egov net report --year 2026 --json\s+[\d.]+ ms/)
  })

  it('bench/net-alloc.mjs: 200 /29s allocated and counted in the pool', () => {
    const out = bench('net-alloc.mjs', '200', '50')
    expect(out).toContain('net alloc: 200 /29s from a /8 in batches of 50')
    expect(out).toMatch(/on the full pool: egov net free \d+ ms, egov net usage \d+ ms/)
  })

  it('bench/cert.mjs: 2 RSA and 2 SM2 certificates beside openssl, a CRL of 50 entries read back by both', () => {
    const out = bench('cert.mjs', '2', '50', '1')
    expect(out).toContain('issue 2 RSA-2048 staff certificates')
    expect(out).toContain('issue 2 SM2 staff certificates (SM2-SM3)')
    expect(out).toMatch(/CRL of 50 entries \(read back: 50\).*openssl's read back: 50\)/)
  })

  it('bench/items.mjs: a 100-item workbook imported (the count is checked by the bench) and exported', () => {
    const out = bench('items.mjs', '100', '1')
    expect(out).toContain('node v')
    for (const c of ['plain exceljs streaming read', 'egov items import --dry-run', 'egov items import ', 'egov items export --out .xlsx']) expect(out).toContain(c)
  })

  it('bench/cloud-usage.mjs: 2,000 samples imported, re-imported as a no-op and reviewed (the bench checks each count)', () => {
    const out = bench('cloud-usage.mjs', '2000', '1')
    expect(out).toContain('2000 samples × 2000 systems')
    for (const c of ['egov cloud usage import', '(the same file again: no-op)', 'egov cloud efficiency']) expect(out).toContain(c)
  })

  it('bench/kiosk.mjs: 10 forms filed from a folder; 100 kiosks probed, every tenth past the timeout, sockets never above the concurrency', () => {
    const out = bench('kiosk.mjs', '10', '100', '1')
    expect(out).toMatch(/plain exceljs read of 10 forms .*\(peer; \d+ cells\)/)
    expect(out).toContain('egov kiosk import of the folder (10 filed)')
    expect(out).toContain('egov kiosk probe, 100 kiosks, 10 past the 1 s timeout, --concurrency 50')
    expect(out).toMatch(/sockets open at once on the server: at most \d+ \(--concurrency 50\); requests served 100/)
  })
})
