import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {BIN} from '../helpers/cli.js'
import {pgAdminUrl, pgSchemaUrl} from '../helpers/pg-url.js'

/**
 * Every example in every command's --help, pasted into a shell as a user would, in an
 * order a new user could follow (file before approve, approve before show…), against a
 * fresh SQLite database. An example that fails here fails for users too.
 */
const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
  commands: Record<string, {examples?: Array<string | {command: string}>}>
}

const order = [
  'ticket:open', 'requests:list', 'requests:show', 'requests:approve', 'requests:reject',
  'net:pool:add', 'net:alloc', 'net:alloc:edit', 'net:list', 'net:find', 'net:free', 'net:usage', 'net:map', 'net:release',
  'net:export', 'net:import', 'net:pool:list', 'net:pool:show', 'net:pool:edit', 'net:pool:remove',
  'units:add', 'units:list', 'units:show', 'units:edit',
  'net:request:template', 'net:request:apply', 'net:request:plan', 'net:request:implement', 'net:request:test',
  'net:request:change', 'net:cutoff:add', 'net:cutoff:list', 'net:restore', 'net:request:close', 'net:report',
  'items:template', 'items:import', 'items:list', 'items:show', 'items:versions', 'items:diff', 'items:export',
  'items:cases:import', 'items:stats', 'items:open', 'items:change', 'items:pause', 'items:resume', 'items:terminate',
  'cert:ca:init', 'cert:ca:show', 'cert:apply', 'cert:show', 'cert:list', 'cert:export', 'cert:crl', 'cert:suspend', 'cert:resume',
  'cert:renew', 'cert:extend', 'cert:replace-medium', 'cert:reset-password', 'cert:report-lost', 'cert:revoke', 'cert:import', 'cert:check',
  'kiosk:template', 'kiosk:import', 'kiosk:verify', 'kiosk:list', 'kiosk:show', 'kiosk:probe', 'kiosk:disconnect', 'kiosk:reconnect', 'kiosk:retire', 'kiosk:stats', 'kiosk:export',
  'cloud:template', 'cloud:provider:apply', 'cloud:provider:admission-test', 'cloud:provider:list', 'cloud:provider:show', 'cloud:apply', 'cloud:export',
  'cloud:plan', 'cloud:agreement', 'cloud:security:record', 'cloud:provision', 'cloud:capacity', 'cloud:system:list', 'cloud:system:show',
  'cloud:change', 'requests:withdraw', 'cloud:system:migrate', 'cloud:security', 'cloud:platform:record', 'cloud:platform:list', 'cloud:usage:import', 'cloud:efficiency', 'cloud:release', 'cloud:wipe', 'cloud:confirm-release',
  'cloud:provider:exit', 'cloud:report',
  'cloud:fix-order:issue', 'cloud:fix-order:rectify', 'cloud:fix-order:return', 'cloud:fix-order:confirm', 'cloud:provider:report', 'cloud:provider:reports',
]

/** Approves every certificate request waiting, as a second operator with the CA passphrase (CERT-3, X-2). */
const approveCert = (env = '') =>
  `for id in $(egov requests list --kind cert --state applied --json | node -e 'for (const r of JSON.parse(require("fs").readFileSync(0, "utf8")).requests) console.log(r.id)'); do ${env} EGOV_OPERATOR=reviewer EGOV_CA_PASSPHRASE=ca-demo-passphrase egov requests approve $id > /dev/null || exit 1; done`

/**
 * The state an example assumes that no earlier example makes: a second person's approval
 * which the README's walk-through shows as its own step.
 */
const before: Record<string, string> = {
  // db init's examples name fixed files in /tmp: a copy left by an earlier run (another checkout's migrations) is not theirs.
  'db:init': 'rm -f /tmp/egov-demo.db /tmp/egov-demo.db-* /tmp/egov-training.db /tmp/egov-training.db-* /tmp/egov-roster.db /tmp/egov-roster.db-*',
  'net:request:plan': 'EGOV_OPERATOR=reviewer egov requests approve 3',
  'net:cutoff:list': 'EGOV_OPERATOR=reviewer egov requests approve 6',
  'net:request:close': 'EGOV_OPERATOR=reviewer egov requests approve 7',
  'items:change': 'EGOV_OPERATOR=reviewer egov requests approve 11',
  'items:pause': 'EGOV_OPERATOR=reviewer egov requests approve 12',
  'items:resume': 'EGOV_OPERATOR=reviewer egov requests approve 13',
  'cert:show': approveCert(),
  'cert:resume': approveCert(),
  'cert:renew': approveCert(),
  'cert:extend': approveCert(),
  // The extension is asked for, and so approved, in its last 30 days (CERT-3).
  'cert:replace-medium': approveCert('EGOV_NOW=2028-11-15T10:00:00+08:00'),
  'cert:reset-password': approveCert(),
  'cert:report-lost': approveCert(),
  'cert:revoke': approveCert(),
  'cert:import': approveCert(),
  // The post office's kiosks are verified by kiosk:verify's examples; a second person approves (KIOSK-2, X-2).
  // The cloud's examples run on a database of their own (see envFor), so request numbers start at 1 as in the README.
  'cloud:template': 'egov units add 市人力资源和社会保障局 --kind party-government --level city && egov units add 市医疗保障局 --kind party-government --level city && egov net pool add 10.30.0.0/16 --name 政务外网-市级 --plane 1',
  'cloud:provider:admission-test': 'EGOV_OPERATOR=reviewer egov requests approve 1 && EGOV_OPERATOR=reviewer egov requests approve 2',
  'cloud:provider:list': 'EGOV_OPERATOR=reviewer egov cloud provider admission-test 2 --result pass --note 测试通过',
  'cloud:plan': 'EGOV_OPERATOR=reviewer egov requests approve 3',
  'cloud:agreement': 'EGOV_OPERATOR=reviewer egov requests approve 3',
  // requests:withdraw withdraws the scale request 5 that cloud:change filed; the migration is request 6, the release 7.
  'cloud:security': 'EGOV_OPERATOR=reviewer egov requests approve 6',
  'cloud:wipe': 'EGOV_OPERATOR=reviewer egov requests approve 7',
  // A sample belongs to the system in service at its time (CLOUD-8): both systems of the file go into service first.
  'cloud:usage:import':
    'EGOV_OPERATOR=reviewer egov requests approve 4 && egov cloud plan 4 --file fixtures/cloud/上云方案-社保业务系统.pdf --provider 电信云 && EGOV_OPERATOR=reviewer egov requests approve 4 && egov cloud agreement 4 --file fixtures/cloud/服务协议-社保业务系统.pdf && egov cloud security record 医保结算系统 --security-resources 2026-11-10 --self-check 2026-11-12 --assessment 2026-11-16 --hardening 2026-11-18 --filing 2026-11-19 --grading 2026-11-19 --crypto 2026-11-19 --result pass --commitment 2026-11-21 && egov cloud provision 4',
  // The rectification is returned by fix-order:return; the unit reports again before the confirmation (X-2: by another person).
  'cloud:fix-order:confirm': 'egov cloud fix-order rectify 9 --measures "已缩容至每台 1 vCPU、4 GiB"',
  // Two approvals since issue 14: the office's review, then the leader in charge's (the form's two opinion boxes, KIOSK-3).
  'kiosk:list': `ID=$(egov requests list --kind kiosk --state applied --json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).requests.find((r) => r.applicantUnit === "市邮政分公司").id)') && EGOV_OPERATOR=reviewer egov requests approve $ID > /dev/null && EGOV_OPERATOR=leader egov requests approve $ID > /dev/null`,
  // CLOUD-9 exceptions run after the cloud's other examples (request 10 there: after the provider's exit, 8, and the fix order, 9); the bank is a unit first, and a second person approves.
  'cloud:exception:apply': 'egov units add 某银行嘉峪关分行 --kind bank --level city',
  'cloud:exception:list': 'EGOV_OPERATOR=reviewer egov requests approve 10',
  // operators:add's examples start the roster, add a second system-admin (at once) and file lisi's entry, request 1:
  // the second system-admin approves it (issue 18: roster changes are requests, X-2).
  'operators:edit': 'EGOV_OPERATOR=wangwu egov requests approve 1',
}
const prepared = new Set<string>()

describe('help examples work when pasted (SQLite, fresh database)', () => {
  const ids = Object.keys(manifest.commands).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  const home = mkdtempSync(join(tmpdir(), 'egov-examples-'))
  const binDir = join(home, 'bin')
  mkdirSync(binDir)
  // Examples run where a user runs them: a folder of their own, with the fixtures beside it,
  // so files they write (exports, maps) land there and not in the repository.
  const cwd = join(home, 'work')
  mkdirSync(cwd)
  symlinkSync(new URL('../../fixtures', import.meta.url).pathname, join(cwd, 'fixtures'))
  writeFileSync(join(binDir, 'egov'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {mode: 0o755})
  const env = {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    EGOV_DB: join(home, 'egov.db'),
    EGOV_DATABASE_URL: '',
    EGOV_OPERATOR: 'clerk',
    // A fixed day, so dates in examples (a rectification deadline) stay in the future.
    EGOV_NOW: '2026-11-24T10:00:00+08:00',
  }
  const cases = ids.flatMap((id) => (manifest.commands[id].examples ?? []).map((e) => [id, (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'egov')] as const))

  it('every command has at least one example', () => {
    for (const id of ids) expect(manifest.commands[id].examples?.length, id).toBeGreaterThan(0)
  })

  const cloudEnv = {...env, EGOV_DB: join(home, 'cloud.db')}
  // A user names a database with EGOV_DB after creating it (egov db init).
  for (const e of [env, cloudEnv]) expect(spawnSync(process.execPath, [BIN, 'db', 'init', '--rehearsal'], {env: e, encoding: 'utf8'}).status).toBe(0)
  // requests:withdraw's example withdraws a cloud request, so it runs with the cloud's.
  // db init's examples make databases of their own, real ones among them: no set clock or typed name there (issue 18).
  const {EGOV_NOW: _now, EGOV_OPERATOR: _operator, ...plainEnv} = env
  // The roster's examples start a roster as the person at the keyboard ("$(whoami)"), on a database and with a
  // config of their own (config:set's example names an operator).
  const operatorsEnv = {...plainEnv, EGOV_DB: join(home, 'operators.db'), XDG_CONFIG_HOME: join(home, 'operators-config')}
  expect(spawnSync(process.execPath, [BIN, 'db', 'init', '--rehearsal'], {env: operatorsEnv, encoding: 'utf8'}).status).toBe(0)
  // db grant is PostgreSQL's alone: its examples run on a schema of their own, made by db init
  // as the owner (the test server's administrator).
  const grantSchema = `egov_examples_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const grantEnv = {...plainEnv, EGOV_DB: '', EGOV_DATABASE_URL: pgSchemaUrl(grantSchema)}
  beforeAll(async () => {
    if (!inject('pgAvailable')) return
    const admin = new pg.Client({connectionString: pgAdminUrl()})
    await admin.connect()
    await admin.query(`create schema ${grantSchema}`)
    await admin.end()
    expect(spawnSync(process.execPath, [BIN, 'db', 'init'], {env: grantEnv, encoding: 'utf8'}).status).toBe(0)
  })
  afterAll(async () => {
    if (!inject('pgAvailable')) return
    const admin = new pg.Client({connectionString: pgAdminUrl()})
    await admin.connect()
    await admin.query(`drop schema if exists ${grantSchema} cascade`)
    await admin.end()
  })
  const envFor = (id: string) =>
    id === 'db:grant' ? grantEnv : id === 'db:init' ? plainEnv : id.startsWith('operators:') ? operatorsEnv : id.startsWith('cloud:') || id === 'requests:withdraw' ? cloudEnv : env

  it.each(cases)('%s: %s', (id, command) => {
    // Without a PostgreSQL server (never in CI) db grant's examples have nowhere to run: the run's notice says so.
    if (id === 'db:grant' && !inject('pgAvailable')) return
    if (before[id] && !prepared.has(id)) {
      prepared.add(id)
      const setup = spawnSync('bash', ['-c', before[id]], {env: envFor(id), cwd, encoding: 'utf8'})
      expect(setup.status, `${before[id]}\n${setup.stderr}`).toBe(0)
    }
    const r = spawnSync('bash', ['-c', command], {env: envFor(id), cwd, encoding: 'utf8'})
    // The examples run on a rehearsal database, which says so on stderr (issue 18).
    expect(r.stderr.replace(/^(warning:|map written to|report written to|REHEARSAL DATABASE|AS OF ).*$/gm, '').trim(), command).toBe('')
    expect(r.status, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0)
  })
})

function rank(id: string): number {
  const i = order.indexOf(id)
  return i === -1 ? order.length : i
}
