import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'

import {BIN, childEnv} from './cli.js'
import {pgAdminUrl, pgSchemaUrl} from './pg-url.js'

/**
 * The help examples' scenario, shared by test/e2e/examples.test.ts (every example, pasted into a
 * shell as a user would) and test/e2e/json-contract.test.ts (the same examples with --json, each
 * output checked against its command's published schema): the commands in an order a new user
 * could follow (file before approve, approve before show…), the state an example assumes that no
 * earlier example makes, and the databases they run on.
 */
export const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
  commands: Record<
    string,
    {examples?: Array<string | {command: string}>; args?: Record<string, {name: string; required?: boolean; options?: string[]}>; flags?: Record<string, {name: string; required?: boolean}>}
  >
}

export const order = [
  'ticket:open',
  'requests:list',
  'requests:show',
  'requests:approve',
  'requests:reject',
  'net:pool:add',
  'net:alloc',
  'net:alloc:edit',
  'net:list',
  'net:find',
  'net:free',
  'net:usage',
  'net:map',
  'net:release',
  'net:export',
  'net:import',
  'net:pool:list',
  'net:pool:show',
  'net:pool:edit',
  'net:pool:remove',
  'units:add',
  'units:list',
  'units:show',
  'units:edit',
  'net:request:template',
  'net:request:apply',
  'net:request:plan',
  'net:request:implement',
  'net:request:test',
  'net:request:change',
  'net:cutoff:add',
  'net:cutoff:list',
  'net:restore',
  'net:request:close',
  'net:report',
  'items:template',
  'items:import',
  'items:list',
  'items:show',
  'items:versions',
  'items:diff',
  'items:export',
  'items:cases:import',
  'items:stats',
  'items:open',
  'items:change',
  'items:pause',
  'items:resume',
  'items:terminate',
  'cert:ca:init',
  'cert:ca:show',
  'cert:apply',
  'cert:show',
  'cert:list',
  'cert:export',
  'cert:crl',
  'cert:suspend',
  'cert:resume',
  'cert:renew',
  'cert:extend',
  'cert:replace-medium',
  'cert:reset-password',
  'cert:report-lost',
  'cert:revoke',
  'cert:import',
  'cert:check',
  'cert:ca:rollover',
  'kiosk:template',
  'kiosk:import',
  'kiosk:verify',
  'kiosk:list',
  'kiosk:show',
  'kiosk:probe',
  'kiosk:disconnect',
  'kiosk:reconnect',
  'kiosk:retire',
  'kiosk:stats',
  'kiosk:export',
  'cloud:template',
  'cloud:provider:apply',
  'cloud:provider:admission-test',
  'cloud:provider:list',
  'cloud:provider:show',
  'cloud:apply',
  'cloud:export',
  'cloud:plan',
  'cloud:agreement',
  'cloud:security:record',
  'cloud:provision',
  'cloud:capacity',
  'cloud:system:list',
  'cloud:system:show',
  'cloud:change',
  'requests:withdraw',
  'cloud:system:migrate',
  'cloud:security',
  'cloud:platform:record',
  'cloud:platform:list',
  'cloud:usage:import',
  'cloud:efficiency',
  'cloud:release',
  'cloud:wipe',
  'cloud:confirm-release',
  'cloud:provider:exit',
  'cloud:report',
  'cloud:fix-order:issue',
  'cloud:fix-order:rectify',
  'cloud:fix-order:return',
  'cloud:fix-order:confirm',
  'cloud:provider:report',
  'cloud:provider:reports',
]

/** Approves every certificate request waiting, as a second operator with the CA passphrase (CERT-3, X-2). */
export const approveCert = (env = '') =>
  `for id in $(egov requests list --kind cert --state applied --json | node -e 'for (const r of JSON.parse(require("fs").readFileSync(0, "utf8")).requests) console.log(r.id)'); do ${env} EGOV_OPERATOR=reviewer EGOV_CA_PASSPHRASE=ca-demo-passphrase egov requests approve $id > /dev/null || exit 1; done`

/**
 * The state an example assumes that no earlier example makes: a second person's approval
 * which the README's walk-through shows as its own step.
 */
export const before: Record<string, string> = {
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
  'cloud:template':
    'egov units add 市人力资源和社会保障局 --kind party-government --level city && egov units add 市医疗保障局 --kind party-government --level city && egov net pool add 10.30.0.0/16 --name 政务外网-市级 --plane 1',
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

/** A command's place in the walk-through (commands not named come last). */
export function rank(id: string): number {
  const i = order.indexOf(id)
  return i === -1 ? order.length : i
}

/** Every command id, in the walk-through's order. */
export const orderedIds = (): string[] => Object.keys(manifest.commands).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))

/** Every example as [command id, shell command line], in the walk-through's order. */
export const exampleCases = (): Array<readonly [string, string]> =>
  orderedIds().flatMap((id) => (manifest.commands[id]!.examples ?? []).map((e) => [id, (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'egov')] as const))

export interface Scenario {
  /** The folder examples run in, with the fixtures beside it. */
  cwd: string
  /** The environment a command's examples run with (their database, operator, clock). */
  envFor: (id: string) => NodeJS.ProcessEnv
  /** The PostgreSQL schema db grant's examples use: made (in beforeAll) and dropped (in afterAll); only with a server. */
  pgSetUp: () => Promise<void>
  pgTearDown: () => Promise<void>
  /** Runs what a command's examples assume (see before), once per command; the shell's result, or undefined when there is nothing to do. */
  prepare: (id: string) => ReturnType<typeof spawnSync> | undefined
  /** Runs one shell command line as a user would, for this command's environment. */
  sh: (id: string, command: string) => SpawnSyncReturns<string>
}

/** Fresh databases and a home of their own for one run of the scenario (called at collection time). */
export function examplesScenario(prefix = 'egov-examples-'): Scenario {
  const home = mkdtempSync(join(tmpdir(), prefix))
  const binDir = join(home, 'bin')
  mkdirSync(binDir)
  // Examples run where a user runs them: a folder of their own, with the fixtures beside it,
  // so files they write (exports, maps) land there and not in the repository.
  const cwd = join(home, 'work')
  mkdirSync(cwd)
  symlinkSync(new URL('../../fixtures', import.meta.url).pathname, join(cwd, 'fixtures'))
  writeFileSync(join(binDir, 'egov'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {mode: 0o755})
  // A child egov's environment (childEnv: no vitest NODE_ENV, no egov variables, language or
  // colour of the developer's; English, as the examples are, unless one says otherwise), egov on the PATH.
  const env = childEnv({
    PATH: `${binDir}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    EGOV_DB: join(home, 'egov.db'),
    EGOV_OPERATOR: 'clerk',
    // A fixed day, so dates in examples (a rectification deadline) stay in the future.
    EGOV_NOW: '2026-11-24T10:00:00+08:00',
  })
  const init = (e: NodeJS.ProcessEnv, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, 'db', 'init', ...args], {env: e, encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`db init: ${r.stdout}${r.stderr}`)
  }
  const cloudEnv = {...env, EGOV_DB: join(home, 'cloud.db')}
  // A user names a database with EGOV_DB after creating it (egov db init).
  for (const e of [env, cloudEnv]) init(e, '--rehearsal')
  // requests:withdraw's example withdraws a cloud request, so it runs with the cloud's.
  // db init's examples make databases of their own, real ones among them: no set clock or typed name there (issue 18).
  const {EGOV_NOW: _now, EGOV_OPERATOR: _operator, ...plainEnv} = env
  // The roster's examples start a roster as the person at the keyboard ("$(whoami)"), on a database and with a
  // config of their own (config:set's example names an operator).
  const operatorsEnv = {...plainEnv, EGOV_DB: join(home, 'operators.db'), XDG_CONFIG_HOME: join(home, 'operators-config')}
  init(operatorsEnv, '--rehearsal')
  // db grant is PostgreSQL's alone: its examples run on a schema of their own, made by db init
  // as the owner (the test server's administrator).
  const grantSchema = `egov_examples_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const grantEnv = {...plainEnv, EGOV_DB: '', EGOV_DATABASE_URL: pgSchemaUrl(grantSchema)}
  const admin = async (sql: string) => {
    const client = new pg.Client({connectionString: pgAdminUrl()})
    await client.connect()
    await client.query(sql)
    await client.end()
  }
  const envFor = (id: string) =>
    id === 'db:grant' ? grantEnv : id === 'db:init' ? plainEnv : id.startsWith('operators:') ? operatorsEnv : id.startsWith('cloud:') || id === 'requests:withdraw' ? cloudEnv : env
  const prepared = new Set<string>()
  const sh = (id: string, command: string) => spawnSync('bash', ['-c', command], {env: envFor(id), cwd, encoding: 'utf8'})
  return {
    cwd,
    envFor,
    sh,
    pgSetUp: async () => {
      await admin(`create schema ${grantSchema}`)
      init(grantEnv)
    },
    pgTearDown: () => admin(`drop schema if exists ${grantSchema} cascade`),
    prepare: (id) => {
      if (!before[id] || prepared.has(id)) return undefined
      prepared.add(id)
      return sh(id, before[id])
    },
  }
}
