import {createHmac, randomBytes, scryptSync} from 'node:crypto'
import {copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {sqliteLibrary} from '../../src/core/store/index.js'
import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const PASS = 'ca-test-passphrase'
const UNIT = '市人力资源和社会保障局'
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** An ID number with its GB 11643 check character. */
const withCheck = (first17: string) => first17 + '10X98765432'[WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11]
const scryptHex = (id: string, salt: string) => scryptSync(id, salt, 32).toString('hex')
const hmacHex = (key: Buffer, data: Buffer | string) => createHmac('sha256', key).update(data).digest('hex')

/** The auditor's 731-guess attack, from a copy of the database alone: area 6202xx, born 1978-82, the last four known. */
function guesses(last4: string, areas: string[]): string[] {
  const out: string[] = []
  for (const area of areas) {
    for (let t = Date.UTC(1978, 0, 1); t <= Date.UTC(1982, 11, 31); t += 86_400_000) {
      const birth = new Date(t).toISOString().slice(0, 10).replaceAll('-', '')
      const id = withCheck(area + birth + last4.slice(0, 3))
      if (id.endsWith(last4)) out.push(id)
    }
  }
  return out
}

/** Which guess, if any, scrypt(guess, salt) alone matches: what the old form gave away. */
const crack = (row: {id_salt: string; id_hash: string; id_last4: string}, areas: string[]) => guesses(row.id_last4, areas).find((g) => scryptHex(g, row.id_salt) === row.id_hash)

/**
 * Issue 18, "files and secrets at rest": a certificate holder's ID number is kept as
 * HMAC-SHA256(ID key, scrypt(id, salt)), the ID key derived from the audit key kept outside the
 * database, so a copy of the database alone cannot test guesses (CERT-1 matching still works).
 * Old rows (scrypt alone) are wrapped by `egov db init` or the next certificate application.
 */
describeEachDialect('ID numbers kept under the audit key (issue 18, CERT-1)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-idhash-'))
  const keyFile = join(dir, 'audit.key')
  const as = (who: string, extra: Record<string, string> = {}) =>
    dialect === 'postgres' ? {...env, ...extra, EGOV_DATABASE_URL: tdb.url!.replace(/^postgres:\/\/[^@]*@/, `postgres://${tdb.actor(who)}@`)} : {...env, ...extra, EGOV_OPERATOR: who}
  const alice = (args: string[], extra?: Record<string, string>) => egov(args, as('alice', extra))
  /** `egov db init` as the database's administrator (it may have migrations to run). */
  const dbInit = () => egov(['db', 'init', '--json'], {...env, ...tdb.env, EGOV_OPERATOR: 'alice'})
  const apply = (holder: string, id: string, medium: string, extra?: Record<string, string>) =>
    alice(['cert', 'apply', '--holder', holder, '--unit', UNIT, '--id-number', id, '--medium', medium, '--json'], extra)
  const holders = () =>
    tdb.sql<{
      id: number
      name: string
      id_salt: string
      id_hash: string
      id_scheme: string | null
      id_last4: string
    }>('select id, name, id_salt, id_hash, id_scheme, id_last4 from cert_holders order by id')
  const idKey = () =>
    createHmac('sha256', Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex'))
      .update('egov id-number v1')
      .digest()
  const counts = async () => ({
    holders: (await holders()).length,
    requests: await tdb.count('requests'),
    audit: await tdb.count('audit_log'),
  })

  // 李四's row is made the old way (scrypt alone), as a database from before migration 021 holds it.
  const LISI = withCheck('62020319790304045')
  const ZHANG = withCheck('62020219800615123')

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_AUDIT_KEY: keyFile}
    writeFileSync(join(dir, 'ca.pass'), `${PASS}\n`)
    expect((await alice(['units', 'add', UNIT, '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    expect(existsSync(keyFile)).toBe(true)
    const init = await alice(['cert', 'ca', 'init', '--name', '市数据局 CA', '--key', 'ec-p256', '--passphrase-file', join(dir, 'ca.pass'), '--json'])
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('wraps an old scrypt-only hash at egov db init (migration 021), once, and it still matches its holder only', async () => {
    // A database from before migration 021: no id_scheme column, the migration not yet run.
    await tdb.sql('alter table cert_holders drop column id_scheme')
    await tdb.sql(`delete from kysely_migration where name = '021_id_hash_scheme'`)
    const unitId = Number(await tdb.value(`select id from units where name = '${UNIT}'`))
    const salt = randomBytes(16).toString('hex')
    const old = scryptHex(LISI, salt)
    await tdb.sql(
      `insert into cert_holders (name, unit_id, id_salt, id_hash, id_last4, created_at, created_by) values ('李四', ${unitId}, '${salt}', '${old}', '${LISI.slice(-4)}', '2026-01-01T00:00:00.000Z', 'old-egov')`,
    )
    if (dialect === 'sqlite') {
      // What the auditor did: the old form falls to a few hundred guesses with the database alone.
      expect(crack({id_salt: salt, id_hash: old, id_last4: LISI.slice(-4)}, ['620203'])).toBe(LISI)
    }

    const init = await dbInit()
    expect(init.code, init.stdout + init.stderr).toBe(0)
    expect(init.json.idHashesKeyed).toBe(1)
    const row = (await holders())[0]!
    expect(row).toMatchObject({name: '李四', id_scheme: 'hmac-scrypt-v1', id_salt: salt, id_last4: LISI.slice(-4)})
    expect(row.id_hash).toBe(hmacHex(idKey(), Buffer.from(old, 'hex')))
    const after = await tdb.value(`select after_json from audit_log where action = 'cert.holder.idKeyed'`)
    expect(typeof after === 'string' ? JSON.parse(after) : after).toMatchObject({count: 1, scheme: 'hmac-scrypt-v1'})

    // Idempotent: nothing left to wrap, nothing written.
    const before = await counts()
    const again = await dbInit()
    expect(again.code, again.stderr).toBe(0)
    expect(again.json.idHashesKeyed).toBe(0)
    expect(await counts()).toEqual(before)
    expect((await holders())[0]!.id_hash).toBe(row.id_hash)

    // The wrapped row still matches 李四's number (CERT-1): his application finds him, no second holder.
    const filed = await apply('李四', LISI, 'UK-L1')
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    expect(filed.json.request.payload.holderId).toBe(Number(row.id))
    expect(await holders()).toHaveLength(1)
    const verify = await alice(['audit', 'verify', '--json'])
    expect(verify.code, verify.stdout).toBe(0)
  })

  it('refuses his number under another name (CERT-1, exit 5) and a mistyped number (exit 2); another number is another person', async () => {
    const before = await counts()
    const other = await apply('王五', LISI, 'UK-W1')
    expect(other.code, other.stdout).toBe(5)
    expect(other.json.error.details).toMatchObject({key: 'cert.idOtherHolder', field: 'id-number', rule: 'CERT-1'})
    expect(other.json.error.message).toContain('belongs to a holder registered under another name')
    const typo = await apply('李四', LISI.slice(0, 17) + (LISI[17] === '0' ? '1' : '0'), 'UK-L2')
    expect(typo.code, typo.stdout).toBe(2)
    expect(typo.json.error.details).toMatchObject({key: 'cert.badIdCheck', field: 'id-number', rule: 'CERT-1'})
    expect(await counts()).toEqual(before)
    // A valid number that is not his does not match his row: it is a holder of its own.
    const stranger = withCheck('62020319790305045')
    const filed = await apply('李四', stranger, 'UK-L3')
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    expect(filed.json.request.payload.holderId).not.toBe((await holders())[0]!.id)
  })

  it("keeps a new holder's number as HMAC(ID key, scrypt): the database alone finds nothing in the 731-guess space", async () => {
    const filed = await apply('张三', ZHANG, 'UK-Z1')
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    const row = (await holders()).find((h) => h.name === '张三')!
    expect(row.id_scheme).toBe('hmac-scrypt-v1')
    expect(row.id_last4).toBe(ZHANG.slice(-4))
    expect(row.id_hash).not.toBe(scryptHex(ZHANG, row.id_salt))
    expect(row.id_hash).toBe(hmacHex(idKey(), Buffer.from(scryptHex(ZHANG, row.id_salt), 'hex')))
    // No column of any holder row, and no audit entry, holds the number.
    expect(JSON.stringify(await tdb.sql('select * from cert_holders'))).not.toContain(ZHANG.slice(0, 14))
    expect(JSON.stringify(await tdb.sql('select * from audit_log'))).not.toContain(ZHANG.slice(0, 14))
    // Applying again finds the same holder (and is refused only as a second open request).
    const again = await apply('张三', ZHANG, 'UK-Z1')
    expect(again.code, again.stdout).toBe(4)
    expect(again.json.error.details.key).toBe('cert.openRequest')
  })

  if (dialect === 'sqlite') {
    it('a copy of the database file alone: recomputing scrypt over a few hundred guesses, the true number among them, finds no match', () => {
      const copy = join(dir, 'stolen.db')
      copyFileSync(tdb.path!, copy)
      const {BetterSqlite3: Sqlite, nativeBinding} = sqliteLibrary()
      const db = new Sqlite(copy, {readonly: true, nativeBinding})
      const rows = db.prepare('select name, id_salt, id_hash, id_last4 from cert_holders where id_hash is not null').all() as Array<{name: string; id_salt: string; id_hash: string; id_last4: string}>
      db.close()
      const zhang = rows.find((r) => r.name === '张三')!
      const space = guesses(zhang.id_last4, ['620201', '620202'])
      expect(space.length).toBeGreaterThan(200)
      expect(space).toContain(ZHANG)
      expect(crack(zhang, ['620201', '620202'])).toBeUndefined()
      // Nor for the wrapped old row, whose scrypt-only form fell before db init.
      const lisi = rows.find((r) => r.name === '李四')!
      expect(crack(lisi, ['620203'])).toBeUndefined()
    })
  }

  it('wraps an old row at the next certificate application when db init has not run, in the same transaction', async () => {
    const unitId = Number(await tdb.value(`select id from units where name = '${UNIT}'`))
    const ZHAO = withCheck('62020119811111077')
    const salt = randomBytes(16).toString('hex')
    const old = scryptHex(ZHAO, salt)
    // As migration 021 leaves a row it found: marked 'scrypt', not yet wrapped.
    await tdb.sql(
      `insert into cert_holders (name, unit_id, id_salt, id_hash, id_scheme, id_last4, created_at, created_by) values ('赵六', ${unitId}, '${salt}', '${old}', 'scrypt', '${ZHAO.slice(-4)}', '2026-01-01T00:00:00.000Z', 'old-egov')`,
    )
    const filed = await apply('赵六', ZHAO, 'UK-ZH1')
    expect(filed.code, filed.stdout + filed.stderr).toBe(0)
    const rows = (await holders()).filter((h) => h.name === '赵六')
    expect(rows).toHaveLength(1)
    expect(filed.json.request.payload.holderId).toBe(Number(rows[0]!.id))
    expect(rows[0]).toMatchObject({id_scheme: 'hmac-scrypt-v1', id_hash: hmacHex(idKey(), Buffer.from(old, 'hex'))})
    expect(await tdb.sql(`select id from cert_holders where id_scheme <> 'hmac-scrypt-v1'`)).toHaveLength(0)
  })

  it('refuses an application without the key (exit 4, naming EGOV_AUDIT_KEY) or with another key, and writes nothing', async () => {
    const before = await counts()
    const snapshot = JSON.stringify(await holders())
    const elsewhere = join(dir, 'not-here', 'audit.key')
    const missing = await apply('孙七', withCheck('62020219820202088'), 'UK-S1', {EGOV_AUDIT_KEY: elsewhere})
    expect(missing.code, missing.stdout).toBe(4)
    expect(missing.json.error.details).toMatchObject({key: 'cert.idKeyMissing', field: 'EGOV_AUDIT_KEY', path: elsewhere})
    expect(missing.json.error.message).toContain("this database's ID numbers are kept under it")
    expect(missing.json.error.message).toContain('nothing was changed')
    expect(existsSync(elsewhere)).toBe(false)
    // A matching number is refused the same way: without the key nothing can be compared.
    const known = await apply('张三', ZHANG, 'UK-Z2', {EGOV_AUDIT_KEY: elsewhere})
    expect(known.code).toBe(4)
    expect(known.json.error.details.key).toBe('cert.idKeyMissing')
    const other = join(dir, 'other.key')
    writeFileSync(other, randomBytes(32).toString('hex') + '\n', {mode: 0o600})
    const wrong = await apply('孙七', withCheck('62020219820202088'), 'UK-S1', {EGOV_AUDIT_KEY: other})
    expect(wrong.code, wrong.stdout).toBe(4)
    expect(wrong.json.error.details).toMatchObject({key: 'audit.keyWrong', field: 'EGOV_AUDIT_KEY'})
    expect(await counts()).toEqual(before)
    expect(JSON.stringify(await holders())).toBe(snapshot)
    // db init without the key leaves old rows as they are and says why.
    const unitId = Number(await tdb.value(`select id from units where name = '${UNIT}'`))
    await tdb.sql(
      `insert into cert_holders (name, unit_id, id_salt, id_hash, id_scheme, id_last4, created_at, created_by) values ('周八', ${unitId}, 'aa', '${scryptHex('x', 'aa')}', 'scrypt', '0000', '2026-01-01T00:00:00.000Z', 'old-egov')`,
    )
    const init = await egov(['db', 'init', '--json'], {...env, ...tdb.env, EGOV_OPERATOR: 'alice', EGOV_AUDIT_KEY: elsewhere})
    expect(init.code, init.stdout + init.stderr).toBe(0)
    expect(init.json.idHashesKeyed).toBe(0)
    expect(init.json.warnings.map((w: {message: string}) => w.message).join('\n')).toContain('1 ID number hashes are still scrypt alone')
    expect(await tdb.value(`select id_scheme from cert_holders where name = '周八'`)).toBe('scrypt')
  })
})
