import {describe, expect, it} from 'vitest'

import {columnLetter, csvField, DEFAULT_CODE_PATTERN, guardCsvCell, matchHeader, normaliseCell, normalisePhoneNumber, unneutralise, type ValueColumn, xlsxText} from '../../src/core/io/index.js'
import {itemsLayout, sheetOf} from '../../src/core/items/index.js'
import {announcement} from '../../src/core/items/index.js'

const col = (key: string): ValueColumn => sheetOf('basic').columns.find((c) => c.key === key)!
const ok = (c: ValueColumn, raw: string) => {
  const r = normaliseCell(c, raw)
  if (typeof r !== 'string') throw new Error(`${c.header} "${raw}" refused: ${r.key}`)
  return r
}
const refused = (c: ValueColumn, raw: string) => {
  const r = normaliseCell(c, raw)
  return typeof r === 'string' ? undefined : r.key
}

describe('cell values as clerks type them (ITEM-2)', () => {
  it('working days: numbers, with their unit, 当场办结; calendar days and fractions refused (ITEM-1)', () => {
    const days = col('legalDays')
    expect(ok(days, '20')).toBe('20')
    expect(ok(days, '20个工作日')).toBe('20')
    expect(ok(days, ' 5工作日 ')).toBe('5')
    expect(ok(days, '２０')).toBe('20')
    expect(ok(days, '当场办结')).toBe('0')
    expect(refused(days, '20天')).toBe('value.calendarDays')
    expect(refused(days, '10个自然日')).toBe('value.calendarDays')
    expect(refused(days, '2.5')).toBe('value.badDays')
    expect(refused(days, '-3')).toBe('value.badDays')
    expect(refused(days, '')).toBe('value.required')
  })

  it('是/否 in its variants; anything uncertain refused', () => {
    const yn = col('charged')
    for (const v of ['是', 'Y', 'yes', '1', '√', '收费']) expect(ok(yn, v)).toBe('是')
    for (const v of ['否', 'N', '0', '不收费', '免费', '×']) expect(ok(yn, v)).toBe('否')
    expect(refused(yn, '可能')).toBe('value.badYesNo')
  })

  it('enumerations: the official values, full-width and spaced variants; several 行使层级 joined by 、', () => {
    expect(ok(col('type'), ' 行政许可 ')).toBe('行政许可')
    expect(refused(col('type'), '行政审批')).toBe('value.notInList')
    expect(ok(col('level'), '市级，县级')).toBe('市级、县级')
    expect(ok(col('level'), '市级、市级')).toBe('市级')
    expect(refused(col('level'), '市级、区级')).toBe('value.notInList')
  })

  it('telephone numbers: mobiles, landlines with area code, 12345-style hotlines; several in one cell (ITEM-1)', () => {
    const phone = col('inquiryPhone')
    expect(ok(phone, '13912345678')).toBe('13912345678')
    expect(ok(phone, '139 1234 5678')).toBe('13912345678')
    expect(ok(phone, '（0937）622 1234')).toBe('0937-6221234')
    expect(ok(phone, '0937－6221234转8012')).toBe('0937-6221234-8012')
    expect(ok(phone, '12345')).toBe('12345')
    expect(ok(phone, '0937-12345')).toBe('0937-12345')
    expect(ok(phone, '95588')).toBe('95588')
    expect(ok(phone, '0937-6221234；13912345678、12345')).toBe('0937-6221234；13912345678；12345')
    expect(refused(phone, '6221234')).toBe('value.phoneNoAreaCode')
    expect(refused(phone, '9376221234')).toBe('value.phoneLostZero')
    expect(refused(phone, '12')).toBe('value.badPhone')
    expect(refused(phone, '0937-6221234；电话')).toBe('value.badPhone')
  })

  it('a person’s number (a form’s 联系电话) is no hotline; a landline’s extension is not taken for one', () => {
    const person = (raw: string) => normalisePhoneNumber(raw, {hotlines: false})
    expect(person('12345')).toEqual({key: 'value.hotline'})
    expect(person('0937-12345')).toEqual({key: 'value.hotline'})
    expect(person('95588')).toEqual({key: 'value.hotline'})
    expect(person('13912345678')).toBe('13912345678')
    expect(person('0937-6221234转12345')).toBe('0937-6221234-12345')
    expect(normalisePhoneNumber('0937-12345')).toBe('0937-12345')
  })

  it('item codes: the national forms of any length, upper-cased, half-width; anything else refused (ITEM-2)', () => {
    const code = col('code')
    expect(ok(code, '620A0001234000-620200000000-000-11620200013926461X-1-00')).toBe('620A0001234000-620200000000-000-11620200013926461X-1-00')
    expect(ok(code, 'g-620200000000-000-116202000139264611-1-00')).toBe('G-620200000000-000-116202000139264611-1-00')
    expect(ok(code, '１Ｊ－620200000000-000-11620200MB1528467X-2-00')).toBe('1J-620200000000-000-11620200MB1528467X-2-00')
    expect(ok(code, '620A 0001234000-620200000000')).toBe('620A0001234000-620200000000')
    for (const bad of ['ABC', '620A--0001', '-620A0001', '620A0001-', '事项620A0001']) expect(refused(code, bad), bad).toBe('value.badCode')
    expect(DEFAULT_CODE_PATTERN.test('G-1')).toBe(false)
    expect(normaliseCell(code, 'X-12', {codePattern: /^X-\d+$/})).toBe('X-12')
  })

  it('names keep one bracket form; control characters are dropped', () => {
    expect(ok(col('subName'), '食品经营许可(新办)')).toBe('食品经营许可（新办）')
    expect(ok(col('place'), 'A\u0007B\u001f')).toBe('AB')
  })

  it('formula injection: CSV guards text a spreadsheet would run with an apostrophe, xlsx keeps it as a text cell, import takes an old apostrophe off', () => {
    for (const v of ['=1+1', '+86 0826 1234567', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      expect(guardCsvCell(v)).toBe(`'${v}`)
      expect(csvField(v)).toBe(`"'${v}"`)
      expect(unneutralise(guardCsvCell(v))).toBe(v)
      // In a workbook the text is written as typed, as an inline string: never a formula.
      expect(xlsxText(v)).toEqual({richText: [{text: v}]})
    }
    // A plain signed number is a number to a spreadsheet, not a formula: left as it is.
    for (const v of ['+86', '-2', '-3.5']) expect(guardCsvCell(v)).toBe(v)
    expect(guardCsvCell('普通文字')).toBe('普通文字')
    expect(xlsxText('普通文字')).toBe('普通文字')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(unneutralise("'普通")).toBe("'普通")
    expect(ok(col('acceptance'), '\'=HYPERLINK("x")')).toBe('=HYPERLINK("x")')
  })
})

describe('the list layout (ITEM-3)', () => {
  it('has the three sheets with every ITEM-2 element as a header', () => {
    const layout = itemsLayout()
    expect(layout.sheets.map((s) => s.name)).toEqual(['基本信息', '办理流程', '申请材料'])
    const headers = layout.sheets.flatMap((s) => s.columns.map((c) => c.header.replace('(工作日)', '')))
    for (const element of [
      '主项名称',
      '子项名称',
      '事项类型',
      '办件类型',
      '实施单位',
      '权力来源',
      '行使层级',
      '许可数量',
      '法定办结时限',
      '承诺办结时限',
      '是否收费',
      '收费方式',
      '办理结果类型',
      '办理结果领取方式',
      '到现场次数',
      '通办范围',
      '监督投诉电话',
      '咨询电话',
      '办公时间',
      '办理地点',
      '交通指引',
      '涉及的中介服务',
      '受理标准',
      '设定依据',
      '收费标准',
      '收费依据',
      '环节名称',
      '办理处室',
      '办理人',
      '办理时限',
      '特殊环节',
      '办理流程图',
      '办理结果样本',
      '材料名称',
      '材料类型',
      '来源渠道',
      '材料要求',
      '需提交材料份数',
      '是否必须',
      '事项编码',
      '实施主体',
    ]) {
      expect(headers, element).toContain(element)
    }
    expect(sheetOf('basic').columns.find((c) => c.key === 'type')!.list).toEqual(['行政许可', '行政确认', '行政裁决', '行政给付', '行政奖励', '行政备案', '其他行政权力', '公共服务'])
    expect(sheetOf('basic').columns.find((c) => c.key === 'level')!.list).toEqual(['国家级', '省级', '市级', '县级', '乡级', '村级'])
  })

  it('finds the header under a title row, in another order, with full-width and spaced headers', () => {
    const rows = [['嘉峪关市政务服务事项清单'], [' 子项名称 ', '事项编码', '法定办结时限（工作日）', '主项名称']]
    const match = matchHeader(rows, sheetOf('basic'))!
    expect(match.headerRow).toBe(1)
    expect(match.columns.get('code')).toBe(1)
    expect(match.columns.get('legalDays')).toBe(2)
    expect(match.missing.map((c) => c.header)).toContain('事项类型')
  })

  it('names cells as a spreadsheet does', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA'])
  })
})

describe('the announcement of a lifecycle change (ITEM-4)', () => {
  it('names the item, the body, the date, the reason and the telephone numbers', () => {
    const text = announcement('pause', {
      code: 'G-1-1',
      name: '食品经营许可',
      body: '市市场监督管理局',
      effective: '2026-12-21',
      reason: '办事大厅搬迁。',
      inquiry: '0937-6221234',
      complaint: '12345',
      date: '2026-12-02',
    })
    expect(text.split('\n')[0]).toBe('关于暂停“食品经营许可”政务服务事项的公告')
    expect(text).toContain('自2026年12月21日起暂停办理')
    expect(text).toContain('暂停原因：办事大厅搬迁。')
    expect(text).toContain('0937-6221234')
    expect(text.trim().endsWith('2026年12月2日')).toBe(true)
  })
})
