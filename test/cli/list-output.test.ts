import {beforeAll, expect, it} from 'vitest'

import {egovInProcess} from '../helpers/in-process.js'
import {describeEachDialect, operatorDatabase} from '../helpers/db.js'

/** Lists for scripts (issue 19): --columns by key, --output csv|tsv|json|value, whole cells, no jq needed for one value. */
describeEachDialect('lists: --columns and --output', (dialect) => {
  const ctx = operatorDatabase(dialect, 'clerk')
  beforeAll(async () => {
    for (const [name, phone] of [
      ['市人力资源和社会保障局', '0937-6221234'],
      ['市数据局', ''],
    ] as const) {
      expect((await egovInProcess(['units', 'add', name, '--kind', 'party-government', '--level', 'city', ...(phone ? ['--phone', phone] : [])], ctx.env)).code).toBe(0)
    }
    expect((await egovInProcess(['ticket', 'open', '--unit', '市数据局', '--subject', '光纤中断, "紧急"'], ctx.env)).code).toBe(0)
  })

  it('--columns id --output value gives the ids alone, one per line; csv quotes a comma and quotes; tsv and json carry the keys', async () => {
    const ids = await egovInProcess(['requests', 'list', '--state', 'submitted', '--columns', 'id', '--output', 'value'], ctx.env)
    expect(ids.code, ids.stderr).toBe(0)
    expect(ids.stdout).toBe('1\n')
    const csv = await egovInProcess(['requests', 'list', '--columns', 'id,unit,summary', '--output', 'csv'], ctx.env)
    expect(csv.stdout).toBe('id,unit,summary\n1,市数据局,"光纤中断, ""紧急"""\n')
    const tsv = await egovInProcess(['units', 'list', '--columns', 'name,phone', '--output', 'tsv'], {...ctx.env, LANG: 'zh_CN.UTF-8'})
    expect(tsv.stdout).toBe('name\tphone\n市人力资源和社会保障局\t0937-6221234\n市数据局\t\n')
    const json = await egovInProcess(['units', 'list', '--columns', 'name', '--output', 'json'], ctx.env)
    expect(JSON.parse(json.stdout)).toEqual([{name: '市人力资源和社会保障局'}, {name: '市数据局'}])
  })

  it('an empty list is empty for a script (a header for csv), the sentence only in a table', async () => {
    expect((await egovInProcess(['requests', 'list', '--state', 'resolved', '--columns', 'id', '--output', 'value'], ctx.env)).stdout).toBe('')
    expect((await egovInProcess(['requests', 'list', '--state', 'resolved', '--output', 'csv', '--columns', 'id,state'], ctx.env)).stdout).toBe('id,state\n')
    expect((await egovInProcess(['requests', 'list', '--state', 'resolved'], ctx.env)).stdout).toContain('no requests')
  })

  it('an unknown column is exit 2 naming it, the nearest column and the known ones', async () => {
    const r = await egovInProcess(['units', 'list', '--columns', 'nmae', '--output', 'csv', '--json'], ctx.env)
    expect(r.code).toBe(2)
    expect(r.json.error.details).toMatchObject({key: 'input.unknownColumn', field: 'columns', suggestion: 'name'})
    // Nothing near: no "did you mean", the columns there are.
    const far = await egovInProcess(['units', 'list', '--columns', 'zzzzzz', '--output', 'csv'], ctx.env)
    expect(far.code).toBe(2)
    expect(far.stderr).not.toContain('did you mean')
    expect(far.stderr).toMatch(/columns: .*\bname\b/)
  })

  it('the items, kiosk and certificate lists take --columns and --output too', async () => {
    const list = new URL('../../fixtures/items/list-v2-utf8.csv', import.meta.url).pathname
    expect((await egovInProcess(['items', 'import', list], ctx.env)).code).toBe(0)
    const codes = await egovInProcess(['items', 'list', '--columns', 'code', '--output', 'value'], ctx.env)
    expect(codes.code, codes.stderr).toBe(0)
    expect(codes.stdout.trim().split('\n')).toHaveLength(5)
    expect(codes.stdout).toContain('620A0001234001-620200000000-000-11620200MB1528467X-1-00\n')
    const csv = await egovInProcess(['items', 'list', '--columns', 'code,status', '--output', 'csv'], ctx.env)
    expect(csv.stdout.split('\n')[0]).toBe('code,status')
    // Empty lists: a header for csv and tsv, nothing for value, the sentence only in a table.
    expect((await egovInProcess(['kiosk', 'list', '--columns', 'serial,status', '--output', 'csv'], ctx.env)).stdout).toBe('serial,status\n')
    expect((await egovInProcess(['kiosk', 'list', '--output', 'value', '--columns', 'serial'], ctx.env)).stdout).toBe('')
    expect((await egovInProcess(['cert', 'list', '--columns', 'serial,days', '--output', 'tsv'], ctx.env)).stdout).toBe('serial\tdays\n')
    // The keys are the same under a Chinese locale: a script does not depend on the reader's language.
    const zh = {...ctx.env, LANG: 'zh_CN.UTF-8'}
    expect((await egovInProcess(['kiosk', 'list', '--columns', 'serial,last-seen,status', '--output', 'csv'], zh)).stdout).toBe('serial,last-seen,status\n')
    expect((await egovInProcess(['cert', 'list', '--columns', 'serial,expires,days', '--output', 'tsv'], zh)).stdout).toBe('serial\texpires\tdays\n')
    expect((await egovInProcess(['cert', 'list'], ctx.env)).stdout).toMatch(/no certificates/i)
    const typo = await egovInProcess(['cert', 'list', '--columns', 'serail', '--json'], ctx.env)
    expect(typo.code).toBe(2)
    expect(typo.json.error.details).toMatchObject({key: 'input.unknownColumn', field: 'columns', suggestion: 'serial'})
  })
})
