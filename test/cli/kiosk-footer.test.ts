import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'

/**
 * A kiosk form filled by a department in openpyxl with a 合计 row and a 填表人 line under
 * the sites table (issue 14): valid, each footer row skipped with a note that says so, in
 * text and in --json (KIOSK-3).
 */
describe('kiosk import: footer and total rows', () => {
  it('skips 合计 and 填表人 rows with a note, the form valid (dry run)', async () => {
    const env = {...isolatedHome(), EGOV_OPERATOR: 'clerk', EGOV_DATABASE_URL: '', EGOV_DB: join(mkdtempSync(join(tmpdir(), 'egov-kf-')), 'egov.db')}
    expect((await egovInProcess(['db', 'init', '--rehearsal'], env)).code).toBe(0)
    const json = await egovInProcess(['kiosk', 'import', 'fixtures/kiosk/openpyxl-total.xlsx', '--dry-run', '--kind', 'bank', '--level', 'city', '--json'], env)
    expect(json.code, json.stdout).toBe(0)
    const notes = json.json.files[0].notes as Array<{type: string; row: number; value: string}>
    expect(notes.map((n) => [n.type, n.row])).toEqual([
      ['footer', 11],
      ['footer', 12],
    ])
    expect(notes[0]!.value).toContain('合计')
    const text = await egovInProcess(['kiosk', 'import', 'fixtures/kiosk/openpyxl-total.xlsx', '--dry-run', '--kind', 'bank', '--level', 'city'], {...env, LANG: 'zh_CN.UTF-8'})
    expect(text.code).toBe(0)
    expect(text.stderr).toContain('第 11 行是表尾或合计行')
    expect(text.stderr).toContain('填表人')
  })
})
