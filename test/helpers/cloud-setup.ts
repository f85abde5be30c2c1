import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'vitest'

import {type CliResult, egov} from './cli.js'

const FIX = fileURLToPath(new URL('../../fixtures/cloud/', import.meta.url))
export const fx = (name: string) => join(FIX, name)

/** Runs bin/run.js as `who` at the time `at` (EGOV_NOW). */
export type As = (who: string, args: string[], at?: string) => Promise<CliResult>

/**
 * A runner for a test's database and environment: `as('clerk', [...], '2026-03-02T09:00:00+08:00')`.
 * Each call is a child process (`egov`), or, for tests of the in-process layer, whatever `run`
 * is given (test/helpers/in-process.ts's `egovInProcess`).
 */
export function runnerFor(env: () => Record<string, string>, envFor: (who: string) => Record<string, string>, run: (args: string[], env: Record<string, string>) => Promise<CliResult> = egov): As {
  return (who, args, at) => run(args, {...env(), ...(at ? {EGOV_NOW: at} : {}), ...envFor(who)})
}

function ok(r: CliResult): CliResult {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
  return r
}

/** A provider applied for, reviewed by another person and admitted (CLOUD-2), at `at`. */
export async function admitProvider(as: As, name: string, at: string, reportedOn: string): Promise<void> {
  const r = ok(
    await as(
      'clerk',
      [
        'cloud',
        'provider',
        'apply',
        name,
        '--vcpu',
        '200',
        '--memory-gib',
        '800',
        '--storage-tib',
        '4',
        '--bandwidth-mbps',
        '1000',
        '--extranet-ips',
        '64',
        '--internet-ips',
        '8',
        '--zones',
        '兰州一区',
        '--json',
      ],
      at,
    ),
  )
  const id = String(r.json.request.id)
  ok(await as('chief', ['requests', 'approve', id], at))
  ok(await as('chief', ['cloud', 'provider', 'admission-test', id, '--result', 'pass', '--note', '测试通过', '--reported-on', reportedOn], at))
}

/** A system applied for, reviewed, planned on `provider`, approved and agreed (CLOUD-3), at `at`: the request's number. Not yet in service: see goLive. */
export async function agreeOnboarding(as: As, system: string, unit: string, provider: string, at: string): Promise<number> {
  const filed = ok(
    await as(
      'clerk',
      [
        'cloud',
        'apply',
        '--unit',
        unit,
        '--system',
        system,
        '--level',
        '2',
        '--vms',
        '2',
        '--vcpu',
        '8',
        '--memory-gib',
        '32',
        '--system-disk-gib',
        '100',
        '--data-disk-gib',
        '200',
        '--bandwidth-mbps',
        '50',
        '--os',
        '麒麟V10',
        '--security-letter',
        fx('安全责任书-人社局.pdf'),
        '--json',
      ],
      at,
    ),
  )
  const id = filed.json.request.id as number
  ok(await as('chief', ['requests', 'approve', String(id)], at))
  ok(await as('clerk', ['cloud', 'plan', String(id), '--file', fx('上云方案-社保业务系统.pdf'), '--provider', provider, '--json'], at))
  ok(await as('chief', ['requests', 'approve', String(id)], at))
  ok(await as('clerk', ['cloud', 'agreement', String(id), '--file', fx('服务协议-社保业务系统.pdf')], at))
  return id
}

/**
 * THE one place where a test of these files puts an agreed system in service (CLOUD-7,
 * 第二十三条): what must be recorded before `egov cloud provision`, then the provisioning, at
 * `at` (ISO with offset; its China date is the day the steps are recorded). When provisioning
 * needs more (security steps before go-live), only this function changes.
 */
export async function goLive(as: As, id: number, system: string, at: string): Promise<void> {
  const day = new Date(Date.parse(at) + 8 * 3600 * 1000).toISOString().slice(0, 10)
  // The steps 第二十三条 asks of a level-2 system (agreeOnboarding's), all on the day, then the commitment.
  const steps = ['--security-resources', '--self-check', '--assessment', '--hardening', '--filing'].flatMap((flag) => [flag, day])
  ok(await as('clerk', ['cloud', 'security', 'record', system, ...steps, '--result', 'pass', '--commitment', day], at))
  ok(await as('clerk', ['cloud', 'provision', String(id)], at))
}

/** A system's release: applied for, approved by another person, wiped at `wipedAt`, confirmed by a third at `confirmedAt` (CLOUD-5). */
export async function releaseSystem(as: As, system: string, at: string, wipedAt: string, confirmedAt: string): Promise<void> {
  const filed = ok(await as('clerk', ['cloud', 'release', system, '--reason', '系统整合', '--json'], at))
  ok(await as('chief', ['requests', 'approve', String(filed.json.request.id)], at))
  ok(await as('clerk', ['cloud', 'wipe', system, '--method', 'crypto-erase', '--by', '运维 王工'], wipedAt))
  ok(await as('auditor', ['cloud', 'confirm-release', system], confirmedAt))
}
