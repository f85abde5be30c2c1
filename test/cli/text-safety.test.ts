import {expect, it} from 'vitest'

import {egovInProcess} from '../helpers/in-process.js'
import {describeEachDialect, operatorDatabase} from '../helpers/db.js'

/**
 * Text in, text out (issue 19): control, direction and invisible characters are refused in
 * names (exit 2 naming the field), stored text is shown, never obeyed, tables on a pipe are
 * never cut, and a name over its limit is a located exit 2 on both databases, never exit 1.
 */
describeEachDialect('text in, text out', (dialect) => {
  const ctx = operatorDatabase(dialect, 'clerk')

  const units = async () => (await egovInProcess(['units', 'list', '--json'], ctx.env)).json.units as Array<{name: string}>

  it('refuses ESC sequences, a right-to-left override, a zero-width space and a soft hyphen in a unit name: exit 2 naming NAME and the code point; nothing written', async () => {
    for (const [name, codePoint] of [
      ['市\u001b[2J\u001b[H\u001b[31mHACKED\u001b[0m局', 'U+001B'],
      ['市人\u202e局社', 'U+202E'],
      ['市人\u200b社局', 'U+200B'],
      ['市人\u00ad社局', 'U+00AD'],
    ] as const) {
      const r = await egovInProcess(['units', 'add', name, '--kind', 'other', '--level', 'city', '--json'], ctx.env)
      expect(r.code, name).toBe(2)
      expect(r.json.error.details).toMatchObject({field: 'NAME', codePoint, key: 'input.unsafeCharacter'})
    }
    expect(await units()).toEqual([])
    const subject = await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', 'x\u001b]0;pwned\u0007\u001b[1A\u001b[2K已办结', '--json'], ctx.env)
    expect(subject.code).toBe(2)
    expect(subject.json.error.details).toMatchObject({field: 'subject', codePoint: 'U+001B'})
  })

  it('a name over 255 characters is exit 2 naming the field and the limit on SQLite and PostgreSQL alike', async () => {
    const r = await egovInProcess(['units', 'add', '市'.repeat(256) + '局', '--kind', 'other', '--level', 'city', '--json'], ctx.env)
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({field: 'NAME', key: 'input.tooLong', max: 255, length: 257})
    expect(await units()).toEqual([])
  })

  it('stored text with control characters (an older database, a copy edited by hand) is printed escaped in tables on a pipe; JSON keeps it as stored', async () => {
    expect((await egovInProcess(['units', 'add', '市数据局', '--kind', 'other', '--level', 'city'], ctx.env)).code).toBe(0)
    const evil = '市\u001b[2J\u001b[31mHACKED\u202e局'
    await ctx.tdb.sql(dialect === 'sqlite' ? `update units set name = ? where name = '市数据局'` : `update units set name = $1 where name = '市数据局'`, [evil])
    const list = await egovInProcess(['units', 'list'], ctx.env)
    expect(list.code).toBe(0)
    expect(list.stdout).not.toContain('\u001b')
    expect(list.stdout).not.toContain('\u202e')
    expect(list.stdout).toContain('市<U+001B>[2J<U+001B>[31mHACKED<U+202E>局')
    const shown = await egovInProcess(['units', 'show', evil.replaceAll('\u001b', '').replace('\u202e', '')], ctx.env)
    expect(shown.code).toBe(3)
    expect(shown.stderr).not.toContain('\u001b')
    // JSON carries the stored text as it is, escaped by JSON itself.
    expect((await units()).map((u) => u.name)).toContain(evil)
  })

  it('tables on a pipe are never cut: a long name is whole in every row, so grep counts it', async () => {
    const long = '市人力资源和社会保障局'.repeat(8)
    expect((await egovInProcess(['units', 'add', long, '--kind', 'party-government', '--level', 'city', '--contact', '张三'], ctx.env)).code).toBe(0)
    const list = await egovInProcess(['units', 'list'], ctx.env)
    expect(list.stdout).toContain(long)
    expect(list.stdout).not.toContain('…')
  })
})
