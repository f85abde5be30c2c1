import {describe, expect, it} from 'vitest'

import {footerText, normaliseCell, normalisePhoneNumber, PROBLEM_TYPES, problemTypeOf, rowRanges, suggest, type ValueColumn} from '../../src/core/io/index.js'
import {t} from '../../src/core/i18n/index.js'
import {sheetOf} from '../../src/core/items/index.js'

const col = (sheet: 'basic' | 'materials', key: string): ValueColumn => sheetOf(sheet).columns.find((c) => c.key === key)!

describe('problems a clerk can act on (issue 14, ITEM-2)', () => {
  it('did you mean: a near miss gets the allowed value it most likely means; a guess among many gets none', () => {
    const types = col('basic', 'type').list!
    expect(suggest('许可', types)).toEqual(['行政许可'])
    expect(suggest('承诺办结件', col('basic', 'caseType').list!)).toEqual(['承诺件'])
    expect(suggest('行政确任', types)).toEqual(['行政确认'])
    expect(suggest('市', col('basic', 'level').list!)).toEqual(['市级'])
    expect(suggest('区级', col('basic', 'level').list!)).toEqual([])
    expect(suggest('行政审批', types)).toEqual([])
    const r = normaliseCell(col('basic', 'type'), '许可')
    expect(r).toEqual({key: 'value.notInListSuggest', params: {list: types.join('、'), suggestion: '行政许可'}})
    // 行使层级 takes several values: the part that misses gets the suggestion.
    expect(normaliseCell(col('basic', 'level'), '市级、县')).toMatchObject({key: 'value.notInListSuggest', params: {part: '县', suggestion: '县级'}})
  })

  it('footer and total lines are recognised by their first cell; a record never is', () => {
    expect(footerText(['合计', '', '12'])).toBe('合计 12')
    expect(footerText(['', '小计：', '5 份'])).toBe('小计： 5 份')
    expect(footerText(['填报单位（盖章）：广元市住房和城乡建设局    填表人：王芳'])).toContain('填报单位')
    expect(footerText(['填表人：王芳', '', '审核人：李强'])).toBe('填表人：王芳 审核人：李强')
    expect(footerText(['审核人: 李强'])).toBeDefined()
    expect(footerText(['（盖章）'])).toBeDefined()
    expect(footerText(['日期：2026年11月20日'])).toBeDefined()
    expect(footerText(['2026年11月20日'])).toBeDefined()
    expect(footerText(['注：本表由各部门填报'])).toBeDefined()
    // A process step named 审核 (its code cell left empty) is a record with a problem, not a footer.
    expect(footerText(['', '审核', '行政审批科'])).toBeUndefined()
    expect(footerText(['620A0001234001-620200000000-000-11620200MB1528467X-1-00', '受理'])).toBeUndefined()
    expect(footerText(['1', '政务服务中心大厅', '新华中路 1 号', '2'])).toBeUndefined()
    expect(footerText(['合同备案', '行政备案'])).toBeUndefined()
    expect(footerText(['', ''])).toBeUndefined()
  })

  it('values of real published lists, as the layout documents them: 必要/非必要, 容缺后补 (seeds 004 第三十四条)', () => {
    const mandatory = col('materials', 'mandatory')
    expect(mandatory.accept).toMatchObject({非必要: '否', 容缺后补: '是'})
    expect(normaliseCell(mandatory, '必要')).toBe('是')
    expect(normaliseCell(mandatory, '非必要')).toBe('否')
    expect(normaliseCell(mandatory, '容缺后补')).toBe('是')
    expect(normaliseCell(mandatory, ' 容缺 后补 ')).toBe('是')
    expect(normaliseCell(mandatory, '可能')).toEqual({key: 'value.badYesNo'})
  })

  it('ITEM-1: a phone message’s example is the clerk’s number with the bureau’s area code, else 0XXX: never a hard-coded city', () => {
    expect(normalisePhoneNumber('6221234', {areaCode: '0826'})).toEqual({key: 'value.phoneNoAreaCode', params: {example: '0826-6221234'}})
    expect(normalisePhoneNumber('6221234')).toEqual({key: 'value.phoneNoAreaCode', params: {example: '0XXX-6221234'}})
    expect(normalisePhoneNumber('8263266001', {areaCode: '0826'})).toEqual({key: 'value.phoneLostZero', params: {example: '0826-3266001'}})
    const phone = col('basic', 'inquiryPhone')
    const r = normaliseCell(phone, '6221234', {areaCode: '0826'})
    expect(typeof r === 'string' ? r : t(r.key, {column: phone.header, ...r.params}, 'zh')).toBe('“咨询电话”中的“6221234”缺少区号（应在前面加区号，如 0826-6221234）')
    for (const key of ['value.phoneNoAreaCode', 'value.phoneLostZero'] as const) {
      for (const locale of ['en', 'zh'] as const) expect(t(key, {}, locale)).not.toContain('0931')
    }
  })

  it('a code message says what a code looks like, with an example: never the regular expression', () => {
    const code = col('basic', 'code')
    const r = normaliseCell(code, '填报单位（盖章）：广元市住房和城乡建设局')
    expect(r).toMatchObject({key: 'value.badCode'})
    const text = typeof r === 'string' ? r : t(r.key, {column: '事项编码', value: 'x', ...r.params}, 'en')
    expect(text).toContain('e.g. 620A0001234000-620200000000-000-11620200013926461X-1-00')
    expect(text).not.toMatch(/\(\?=|\{6,128\}|\[0-9A-Z\]/)
    expect(normaliseCell(code, 'A'.repeat(130))).toMatchObject({key: 'value.tooLong', params: {max: 128, length: 130}})
    const custom = normaliseCell(code, 'AB-1', {codePattern: /^\d+$/})
    expect(custom).toMatchObject({key: 'value.badCodeCustom'})
    expect(t((custom as {key: 'value.badCodeCustom'}).key, {column: '事项编码', value: 'AB-1', setting: 'items.code-pattern'})).not.toContain('^')
  })

  it('every problem has a type a clerk can filter on', () => {
    expect(problemTypeOf('value.required')).toBe('required')
    expect(problemTypeOf('items.rule.feeDetails')).toBe('required')
    expect(problemTypeOf('value.notInList')).toBe('not-in-list')
    expect(problemTypeOf('value.notInListSuggest')).toBe('not-in-list')
    expect(problemTypeOf('items.rule.duplicateCode')).toBe('duplicate')
    expect(problemTypeOf('items.rule.promisedOverLegal')).toBe('over-limit')
    expect(problemTypeOf('items.rule.unknownItem')).toBe('unknown-item')
    expect(problemTypeOf('value.badDays')).toBe('format')
    expect(problemTypeOf('value.tooLong')).toBe('too-long')
    expect(problemTypeOf('kiosk.form.duplicateSite')).toBe('duplicate')
    // Each type has a name in both languages, for the report's 类型说明.
    for (const type of PROBLEM_TYPES) {
      expect(t(`problem.type.${type}` as 'problem.type.footer', {}, 'zh')).not.toContain('problem.type')
      expect(t(`problem.type.${type}` as 'problem.type.footer', {}, 'en')).not.toContain('problem.type')
    }
  })

  it('rows listed under a cause read as ranges', () => {
    expect(rowRanges([3, 4, 5, 9, 7, 8, 12])).toBe('3–5, 7–9, 12')
    expect(rowRanges([6])).toBe('6')
  })
})
