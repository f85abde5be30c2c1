import {execFileSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {sheetNamesByPart} from '../../src/core/io/index.js'

const ITEMS = new URL('../../fixtures/items/', import.meta.url).pathname

/** Issue 20: a sheet's real name comes from the zip's directory, whatever the producer or the order of its parts. */
describe('sheetNamesByPart', () => {
  it('reads openpyxl’s absolute targets (/xl/worksheets/sheet1.xml) and exceljs’s relative ones', () => {
    const openpyxl = sheetNamesByPart(join(ITEMS, 'openpyxl-problems.xlsx'))
    expect([...openpyxl.values()]).toEqual(expect.arrayContaining(['基本信息', '办理流程', '申请材料']))
    expect(openpyxl.get('xl/worksheets/sheet2.xml')).toBe('办理流程')
    const exceljs = sheetNamesByPart(join(ITEMS, 'list.xlsx'))
    expect([...exceljs.values()]).toEqual(expect.arrayContaining(['基本信息', '办理流程', '申请材料']))
  })

  it('does not depend on the order of the parts: the same workbook re-zipped with the sheets first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-order-'))
    execFileSync('unzip', ['-q', join(ITEMS, 'openpyxl-problems.xlsx'), '-d', join(dir, 'x')])
    // Sheets, then shared strings, then the workbook and its rels, as some tools write them.
    execFileSync('sh', ['-c', `cd ${join(dir, 'x')} && zip -q -X ../sheets-first.xlsx xl/worksheets/*.xml xl/sharedStrings.xml 2>/dev/null; zip -q -r -X ../sheets-first.xlsx . `])
    const names = sheetNamesByPart(join(dir, 'sheets-first.xlsx'))
    expect(names.get('xl/worksheets/sheet2.xml')).toBe('办理流程')
  })

  it('gives nothing (exceljs’s own names then) for what is not a zip', () => {
    expect(sheetNamesByPart(join(ITEMS, 'not-a-workbook.xlsx')).size).toBe(0)
  })
})
