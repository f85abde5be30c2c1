import {describe, expect, it} from 'vitest'

import {renderTable} from '../../src/cli/table.js'
import {displayWidth, truncate} from '../../src/core/text.js'

describe('tables readable at 80 columns', () => {
  it('counts CJK characters as two columns', () => {
    expect(displayWidth('市数据局')).toBe(8)
    expect(displayWidth('VPN 账号')).toBe(8)
    expect(displayWidth('\u001B[31mred\u001B[39m')).toBe(3)
    expect(truncate('嘉峪关市电子政务外网管理办法', 9)).toBe('嘉峪关市…')
  })

  it('lines up Chinese and Latin text and fits the width by cutting the long columns', () => {
    const rows = [
      {id: '1', unit: '嘉峪关市人力资源和社会保障局', summary: '申请开通电子政务外网接入，用于社保业务系统与省级平台对接'},
      {id: '12', unit: 'Post office', summary: 'short'},
    ]
    const out = renderTable(
      rows,
      [
        {header: 'ID', get: (r) => r.id},
        {header: 'UNIT', get: (r) => r.unit, shrink: true},
        {header: 'SUMMARY', get: (r) => r.summary, shrink: true},
      ],
      80,
    )
    const lines = out.split('\n')
    expect(lines).toHaveLength(3)
    const [head, first, second] = lines as [string, string, string]
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80)
    // Columns start at the same display position on every line.
    const col = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)))
    expect(col(first, '嘉峪关')).toBe(col(head, 'UNIT'))
    expect(col(second, 'Post')).toBe(col(head, 'UNIT'))
    expect(col(second, 'short')).toBe(col(head, 'SUMMARY'))
    expect(first).toContain('…')
  })
})
