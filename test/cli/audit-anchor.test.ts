import {createHash} from 'node:crypto'
import {copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

const mode = (path: string) => statSync(path).mode & 0o777

/** An audit_log row as read, before `rows()` makes its seq a number (`Row`). */
type StoredRow = Record<string, unknown> & {hash: string; mac: string | null}
type Row = StoredRow & {seq: number}

/**
 * Issue 18, the anchored audit trail: an audit key outside the database MACs every entry,
 * so an adversary with a copy of the database (and not the key) who changes an entry and
 * recomputes the SHA-256 chain is caught; a checkpoint kept elsewhere catches a cut tail
 * and a rollback to an older copy, which the chain alone cannot.
 */
describeEachDialect('the anchored audit trail: the key, MACs and checkpoints', (dialect) => {
  /** A test that only one dialect has (the rollback is done differently on each): defined there, not shown as skipped on the other. */
  const onlyOn = (wanted: typeof dialect) => (name: string, fn: () => Promise<void>) => {
    if (dialect === wanted) it(name, fn)
  }
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-anchor-'))
  const keyFile = join(dir, 'keys', 'audit.key')
  const clerk = (args: string[], extra: Record<string, string> = {}) => egovInProcess(args, {...env, ...extra})

  const rows = async (): Promise<Row[]> => (await tdb.sql<StoredRow>('select * from audit_log order by seq')).map((r) => ({...r, seq: Number(r.seq)}))
  const head = () => tdb.one<{seq: number; hash: string}>('select seq, hash from audit_head where id = 1')
  /** What an attacker without the key does: the entry hashes recomputed from `from` on, the head moved. */
  const recompute = async (from: number, opts: {mac?: 'keep' | 'null'} = {}) => {
    const all = await rows()
    let prev = from > 1 ? all.find((r) => r.seq === from - 1)!.hash : '0'.repeat(64)
    for (const r of all.filter((x) => x.seq >= from)) {
      const material = JSON.stringify([r.seq, r.at, r.actor, r.action, r.entity_type, r.entity_id, r.before_json, r.after_json, prev])
      const hash = createHash('sha256').update(material).digest('hex')
      const p = dialect === 'postgres' ? ['$1', '$2', '$3'] : ['?', '?', '?']
      await tdb.sql(`update audit_log set prev_hash = ${p[0]}, hash = ${p[1]}${opts.mac === 'null' ? ', mac = null' : ''} where seq = ${p[2]}`, [prev, hash, r.seq])
      prev = hash
    }
    const last = (await rows()).at(-1)!
    await tdb.sql(`update audit_head set seq = ${last.seq}, hash = '${last.hash}' where id = 1`)
  }
  /** Puts the audit tables back as they were (between adversary cases). */
  const restore = async (saved: Row[], savedHead: {seq: number; hash: string}) => {
    await tdb.sql('delete from audit_log')
    for (const r of saved) {
      const cols = Object.keys(r)
      const ph = cols.map((_, i) => (dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ')
      await tdb.sql(
        `insert into audit_log (${cols.join(', ')}) values (${ph})`,
        cols.map((c) => r[c]),
      )
    }
    await tdb.sql(`update audit_head set seq = ${savedHead.seq}, hash = '${savedHead.hash}' where id = 1`)
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, ...tdb.envFor('clerk'), EGOV_NOW: '2026-11-24T10:00:00+08:00', EGOV_AUDIT_KEY: keyFile}
  })
  afterAll(async () => {
    await tdb.cleanup()
    rmSync(dir, {recursive: true, force: true})
  })

  it('an empty chain has nothing to checkpoint (exit 4); the first write makes the key 0600 in a folder 0700 and MACs every entry', async () => {
    const empty = await clerk(['audit', 'checkpoint', '--out', join(dir, 'empty.json'), '--json'])
    expect(empty.code).toBe(4)
    expect(empty.json.error.details.key).toBe('audit.checkpointEmpty')
    expect(existsSync(join(dir, 'empty.json'))).toBe(false)
    expect(existsSync(keyFile)).toBe(false)
    for (const name of ['市数据局', '市人社局', '市公安局']) expect((await clerk(['units', 'add', name, '--kind', 'other', '--level', 'city'])).code).toBe(0)
    expect(mode(keyFile)).toBe(0o600)
    expect(mode(join(dir, 'keys'))).toBe(0o700)
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/)
    const all = await rows()
    expect(all).toHaveLength(3)
    for (const r of all) expect(r.mac).toMatch(/^[0-9a-f]{64}$/)
    const v = await clerk(['audit', 'verify', '--json'])
    expect(v.code, v.stdout + v.stderr).toBe(0)
    expect(v.json.macs).toMatchObject({checked: 3, unsigned: 0, unchecked: 0, keyFound: true, key: keyFile})
    expect(v.json.warnings).toEqual([])
  })

  it('a chain recomputed without the key is caught: exit 4 naming the entry whose MAC does not match', async () => {
    const saved = await rows()
    const savedHead = await head()
    await tdb.sql(`update audit_log set actor = 'advers_bob' where seq = 2`)
    await recompute(2)
    const v = await clerk(['audit', 'verify', '--json'])
    expect(v.code).toBe(4)
    expect(v.json.error.details.broken).toMatchObject({seq: 2, reason: 'mac'})
    expect(v.json.error.message).toContain('entry 2')
    expect(v.json.error.message).toContain('MAC')
    // For people too, on stderr.
    const human = await clerk(['audit', 'verify'])
    expect(human.code).toBe(4)
    expect(human.stderr).toMatch(/audit chain broken at entry 2: its MAC does not match/)
    // Taking the MACs off the rewritten entries does not help: an entry after a MACed one must carry one.
    await restore(saved, savedHead)
    await tdb.sql(`update audit_log set actor = 'advers_bob' where seq = 3`)
    await recompute(3, {mac: 'null'})
    const stripped = await clerk(['audit', 'verify', '--json'])
    expect(stripped.code).toBe(4)
    expect(stripped.json.error.details.broken).toMatchObject({seq: 3, reason: 'unsigned'})
    await restore(saved, savedHead)
    expect((await clerk(['audit', 'verify'])).code).toBe(0)
  })

  it('a checkpoint catches a cut tail that the chain alone cannot: exit 4 saying the chain ends before it', async () => {
    const cp = join(dir, 'cut.json')
    const made = await clerk(['audit', 'checkpoint', '--out', cp, '--json'])
    expect(made.code, made.stdout + made.stderr).toBe(0)
    const file = JSON.parse(readFileSync(cp, 'utf8'))
    expect(file).toMatchObject({format: 'egov-audit-checkpoint/1', seq: 3, database: {dialect}})
    expect(file.hash).toBe((await head()).hash)
    expect(file.mac).toMatch(/^[0-9a-f]{64}$/)
    expect(made.json).toMatchObject({path: cp, checkpoint: {seq: 3}})
    expect((await clerk(['audit', 'verify', '--checkpoint', cp])).code).toBe(0)
    const saved = await rows()
    const savedHead = await head()
    // The adversary removes the last entry and moves the head with it.
    await tdb.sql('delete from audit_log where seq = 3')
    await tdb.sql(`update audit_head set seq = 2, hash = '${saved[1]!.hash}' where id = 1`)
    expect((await clerk(['audit', 'verify'])).code).toBe(0)
    const v = await clerk(['audit', 'verify', '--checkpoint', cp, '--json'])
    expect(v.code).toBe(4)
    expect(v.json.error.details).toMatchObject({key: 'audit.checkpointBehind', field: 'checkpoint', seq: 3, last: 2})
    expect(v.json.error.message).toContain('ends at entry 2')
    expect(v.json.error.message).toContain('rollback')
    await restore(saved, savedHead)
  })

  it('a checkpoint catches history rewritten with every MAC taken off (which alone looks like entries from before the key)', async () => {
    const cp = join(dir, 'rewrite.json')
    expect((await clerk(['audit', 'checkpoint', '--out', cp])).code).toBe(0)
    const saved = await rows()
    const savedHead = await head()
    await tdb.sql(`update audit_log set actor = 'advers_bob' where seq = 1`)
    await recompute(1, {mac: 'null'})
    const plain = await clerk(['audit', 'verify', '--json'])
    expect(plain.code).toBe(0)
    expect(plain.json.macs.unsigned).toBe(3)
    const v = await clerk(['audit', 'verify', '--checkpoint', cp, '--json'])
    expect(v.code).toBe(4)
    expect(v.json.error.details).toMatchObject({key: 'audit.checkpointRewritten', seq: 3})
    expect(v.json.error.message).toContain('rewritten')
    await restore(saved, savedHead)
  })

  it('a changed checkpoint file is exit 2 naming the file; so is one that is missing or not a checkpoint', async () => {
    const cp = join(dir, 'tampered.json')
    expect((await clerk(['audit', 'checkpoint', '--out', cp])).code).toBe(0)
    const file = JSON.parse(readFileSync(cp, 'utf8'))
    // Moved back to an earlier entry, as someone covering a cut tail would.
    writeFileSync(cp, JSON.stringify({...file, seq: 2, hash: (await rows())[1]!.hash}))
    const v = await clerk(['audit', 'verify', '--checkpoint', cp, '--json'])
    expect(v.code).toBe(2)
    expect(v.json.error.details).toMatchObject({key: 'audit.checkpointTampered', field: 'checkpoint', path: cp})
    expect(v.json.error.message).toContain(cp)
    writeFileSync(cp, 'not json')
    const junk = await clerk(['audit', 'verify', '--checkpoint', cp, '--json'])
    expect(junk.code).toBe(2)
    expect(junk.json.error.details).toMatchObject({key: 'audit.checkpointMalformed', field: 'checkpoint'})
    const missing = await clerk(['audit', 'verify', '--checkpoint', join(dir, 'nope.json'), '--json'])
    expect(missing.code).toBe(2)
    expect(missing.json.error.details).toMatchObject({key: 'audit.checkpointUnreadable', field: 'checkpoint'})
    expect(missing.json.error.message).toContain('nope.json')
  })

  it('checkpoint --out: a missing folder or an existing file without --force is exit 2 naming it, nothing written; --force replaces', async () => {
    const noFolder = await clerk(['audit', 'checkpoint', '--out', join(dir, 'nope', 'cp.json'), '--json'])
    expect(noFolder.code).toBe(2)
    expect(noFolder.json.error.details).toMatchObject({key: 'io.out.noFolder', field: 'out'})
    const cp = join(dir, 'again.json')
    writeFileSync(cp, 'keep me')
    const exists = await clerk(['audit', 'checkpoint', '--out', cp, '--json'])
    expect(exists.code).toBe(2)
    expect(exists.json.error.details).toMatchObject({key: 'io.out.exists', field: 'out'})
    expect(readFileSync(cp, 'utf8')).toBe('keep me')
    expect((await clerk(['audit', 'checkpoint', '--out', cp, '--force'])).code).toBe(0)
    expect(JSON.parse(readFileSync(cp, 'utf8')).format).toBe('egov-audit-checkpoint/1')
    const noOut = await clerk(['audit', 'checkpoint', '--json'])
    expect(noOut.code).toBe(2)
  })

  it('without the key file: verify warns that MACs could not be checked (exit 0); a write is refused (exit 4), nothing written; another key is refused too', async () => {
    const elsewhere = join(dir, 'absent', 'audit.key')
    const v = await clerk(['audit', 'verify', '--json'], {EGOV_AUDIT_KEY: elsewhere})
    expect(v.code, v.stdout + v.stderr).toBe(0)
    expect(v.json.macs).toMatchObject({keyFound: false, unchecked: 3, checked: 0})
    expect(v.json.warnings.map((w: {message: string}) => w.message).join('\n')).toMatch(/3 MACs could not be checked/)
    const human = await clerk(['audit', 'verify'], {EGOV_AUDIT_KEY: elsewhere})
    expect(human.stderr).toContain('warning: the audit key is not at')
    const before = (await rows()).length
    const w = await clerk(['units', 'add', '市财政局', '--kind', 'other', '--level', 'city', '--json'], {EGOV_AUDIT_KEY: elsewhere})
    expect(w.code).toBe(4)
    expect(w.json.error.details).toMatchObject({key: 'audit.keyMissing', field: 'EGOV_AUDIT_KEY'})
    expect(existsSync(elsewhere)).toBe(false)
    const other = join(dir, 'other.key')
    writeFileSync(other, 'ab'.repeat(32) + '\n', {mode: 0o600})
    const wrong = await clerk(['units', 'add', '市财政局', '--kind', 'other', '--level', 'city', '--json'], {EGOV_AUDIT_KEY: other})
    expect(wrong.code).toBe(4)
    expect(wrong.json.error.details).toMatchObject({key: 'audit.keyWrong', field: 'EGOV_AUDIT_KEY'})
    expect((await rows()).length).toBe(before)
    expect((await clerk(['units', 'list', '--json'])).json.units).toHaveLength(3)
    // verify with another key: the MACs do not match it (exit 4).
    expect((await clerk(['audit', 'verify', '--json'], {EGOV_AUDIT_KEY: other})).json.error.details.broken).toMatchObject({seq: 1, reason: 'mac'})
  })

  it('entries written before the key existed (no MAC) are counted in a warning, not failed; later ones are MACed and checked', async () => {
    const n = (await rows()).length
    await tdb.sql('update audit_log set mac = null')
    const v = await clerk(['audit', 'verify', '--json'])
    expect(v.code, v.stdout + v.stderr).toBe(0)
    expect(v.json.macs).toMatchObject({unsigned: n, checked: 0})
    expect(v.json.warnings.map((w: {message: string}) => w.message).join('\n')).toContain(`${n} entries carry no MAC`)
    // A chain with no MAC takes the key at hand: the next entry is MACed.
    expect((await clerk(['units', 'add', '市财政局', '--kind', 'other', '--level', 'city'])).code).toBe(0)
    const after = await clerk(['audit', 'verify', '--json'])
    expect(after.code).toBe(0)
    expect(after.json.macs).toMatchObject({unsigned: n, checked: 1})
    expect((await rows()).at(-1)!.mac).toMatch(/^[0-9a-f]{64}$/)
  })

  onlyOn('sqlite')('a rollback to an older copy of the database file is caught by a later checkpoint (exit 4)', async () => {
    const old = join(dir, 'older-copy.db')
    await tdb.sql('pragma wal_checkpoint(truncate)')
    copyFileSync(tdb.path!, old)
    expect((await clerk(['ticket', 'open', '--unit', '市人社局', '--subject', '回滚之后消失的工单'])).code).toBe(0)
    const cp = join(dir, 'daily.json')
    expect((await clerk(['audit', 'checkpoint', '--out', cp])).code).toBe(0)
    expect((await clerk(['audit', 'verify', '--checkpoint', cp])).code).toBe(0)
    // The older copy put back: a whole, consistent database, only older.
    for (const f of [`${tdb.path}-wal`, `${tdb.path}-shm`]) rmSync(f, {force: true})
    copyFileSync(old, tdb.path!)
    expect((await clerk(['audit', 'verify'])).code).toBe(0)
    const v = await clerk(['audit', 'verify', '--checkpoint', cp, '--json'])
    expect(v.code).toBe(4)
    expect(v.json.error.details.key).toBe('audit.checkpointBehind')
    expect(v.json.error.message).toContain('older copy')
  })

  onlyOn('postgres')('a rollback of the audit tables to an older state is caught by a later checkpoint (exit 4)', async () => {
    const old = await rows()
    const oldHead = await head()
    expect((await clerk(['ticket', 'open', '--unit', '市人社局', '--subject', '回滚之后消失的工单'])).code).toBe(0)
    const cp = join(dir, 'daily.json')
    expect((await clerk(['audit', 'checkpoint', '--out', cp])).code).toBe(0)
    await restore(old, oldHead)
    // The audit tables alone put back: the ticket's history has no entry now (issue 18's cross-check).
    const alone = await clerk(['audit', 'verify', '--json'])
    expect(alone.code).toBe(4)
    expect(alone.json.error.details.broken).toMatchObject({reason: 'history', history: {reason: 'unaudited', action: 'file'}})
    // The whole state put back (the ticket gone too): only the checkpoint kept elsewhere knows.
    const id = await tdb.value(`select max(id) as id from requests`)
    await tdb.sql(`delete from request_transitions where request_id = ${Number(id)}`)
    await tdb.sql(`delete from requests where id = ${Number(id)}`)
    expect((await clerk(['audit', 'verify'])).code).toBe(0)
    const v = await clerk(['audit', 'verify', '--checkpoint', cp, '--json'])
    expect(v.code).toBe(4)
    expect(v.json.error.details.key).toBe('audit.checkpointBehind')
  })
})

describe('the audit key at egov db init: in the config folder by default, or where EGOV_AUDIT_KEY says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-anchor-init-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('db init makes audit.key 0600 in the config folder (0700), and leaves it alone when run again', async () => {
    const home = isolatedHome()
    const env = {...home, EGOV_DATABASE_URL: '', EGOV_AUDIT_KEY: ''}
    const r = await egovInProcess(['db', 'init', '--db', join(dir, 'a.db'), '--rehearsal', '--json'], env)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const key = join(home.XDG_CONFIG_HOME!, 'egov', 'audit.key')
    expect(r.json.auditKey).toEqual({path: key, created: true, missing: false})
    expect(mode(key)).toBe(0o600)
    expect(mode(join(home.XDG_CONFIG_HOME!, 'egov'))).toBe(0o700)
    const content = readFileSync(key, 'utf8')
    const again = await egovInProcess(['db', 'init', '--db', join(dir, 'a.db'), '--json'], env)
    expect(again.json.auditKey).toMatchObject({created: false, missing: false})
    expect(readFileSync(key, 'utf8')).toBe(content)
    const human = await egovInProcess(['db', 'init', '--db', join(dir, 'b.db')], {...home, EGOV_DATABASE_URL: '', EGOV_AUDIT_KEY: join(dir, 'k', 'audit.key')})
    expect(human.stdout).toContain(`made the audit key ${join(dir, 'k', 'audit.key')} (0600)`)
    expect(mode(join(dir, 'k', 'audit.key'))).toBe(0o600)
    expect(mode(join(dir, 'k'))).toBe(0o700)
  })

  it('a key file that is not a key is exit 2 naming EGOV_AUDIT_KEY and the file', async () => {
    const bad = join(dir, 'bad.key')
    writeFileSync(bad, 'hello\n')
    const r = await egovInProcess(['db', 'init', '--db', join(dir, 'c.db'), '--rehearsal', '--json'], {...isolatedHome(), EGOV_DATABASE_URL: '', EGOV_AUDIT_KEY: bad})
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({key: 'audit.keyMalformed', field: 'EGOV_AUDIT_KEY'})
    expect(r.json.error.message).toContain(bad)
  })
})
