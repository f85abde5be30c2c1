import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'

/** A mistyped --db never starts an empty database (issue 19); egov db init creates one; the default is created on first use. */
describe('--db / EGOV_DB to a file that does not exist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-dbinit-'))
  // Real databases (no --rehearsal): the operator is the OS login, so no EGOV_OPERATOR here (issue 18).
  const env = {...isolatedHome(), EGOV_DATABASE_URL: ''}

  it('is exit 2 naming the path and how to create it, for --db and for EGOV_DB; nothing is created', async () => {
    const typo = join(dir, 'egvo.db')
    const flag = await egovInProcess(['units', 'list', '--db', typo, '--json'], env)
    expect(flag.code).toBe(2)
    expect(flag.json.error.details).toMatchObject({key: 'store.noDatabase', field: 'db', path: typo})
    expect(flag.json.error.message).toContain(`egov db init --db ${typo}`)
    const fromEnv = await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', 'x'], {...env, EGOV_DB: typo, LANG: 'zh_CN.UTF-8'})
    expect(fromEnv.code).toBe(2)
    expect(fromEnv.stderr).toContain(`${typo} 处没有数据库`)
    expect(existsSync(typo)).toBe(false)
  })

  it('egov db init creates it, says so, and a second run changes nothing; then every command uses it', async () => {
    const path = join(dir, 'egov.db')
    const first = await egovInProcess(['db', 'init', '--db', path, '--json'], env)
    expect(first.code, first.stdout).toBe(0)
    expect(first.json).toMatchObject({location: path, dialect: 'sqlite', created: true, rehearsal: false, warnings: []})
    const again = await egovInProcess(['db', 'init', '--json'], {...env, EGOV_DB: path})
    expect(again.json).toMatchObject({created: false, unchanged: true})
    expect((await egovInProcess(['units', 'add', '市数据局', '--kind', 'other', '--level', 'city'], {...env, EGOV_DB: path})).code).toBe(0)
    expect((await egovInProcess(['units', 'list', '--json', '--db', path], env)).json.units).toHaveLength(1)
  })

  it('the default database (none named) is still created on first use', async () => {
    const home = isolatedHome()
    const r = await egovInProcess(['units', 'list', '--json'], {...home, EGOV_DATABASE_URL: ''})
    expect(r.code, r.stdout).toBe(0)
    expect(existsSync(join(home.XDG_DATA_HOME!, 'egov', 'egov.db'))).toBe(true)
  })
})
