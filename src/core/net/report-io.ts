import {writeSheets} from '../io/tables.js'
import type {YearReport} from './requests/year-report.js'

/** A count as a number cell; an IPv6 address count too large for a spreadsheet number stays exact as text. */
function count(n: number | string): number | string {
  const v = typeof n === 'number' ? n : Number(n)
  return Number.isSafeInteger(v) ? v : String(n)
}

/**
 * The yearly report (NET-9) as a workbook, Chinese headers, one sheet per part. Counts are
 * number cells, so the bureau can sum and chart them; request ids are numbers too.
 */
export async function writeYearReport(path: string, r: YearReport): Promise<void> {
  await writeSheets(path, [
    {
      name: '概况',
      columns: [
        {header: '项目', width: 20},
        {header: `${r.year}年`, width: 12},
      ],
      rows: [
        ['新接入单位', r.counts.onboarded],
        ['变更', r.counts.changed],
        ['关闭', r.counts.closed],
        ['断网整改', r.counts.cutOff],
        ['恢复接入', r.counts.restored],
        ['年末未办结申请', r.openRequests.length],
        ['其中已超期', r.openRequests.filter((o) => o.overdue).length],
      ],
    },
    {
      name: '地址使用',
      columns: [
        {header: '平面', width: 8},
        {header: '地址池', width: 20},
        {header: '地址段数', width: 12},
        {header: '地址数', width: 24},
      ],
      rows: r.addresses.map((a) => [a.plane, a.pool, a.blocks, count(a.addresses)]),
    },
    {
      name: '未办结申请',
      columns: [
        {header: '编号', width: 8},
        {header: '种类', width: 16},
        {header: '状态', width: 14},
        {header: '单位', width: 28},
        {header: '期限', width: 12},
        {header: '超期', width: 8},
      ],
      rows: r.openRequests.map((o) => [o.id, o.kind, o.state, o.unit, o.dueOn ?? '', o.overdue ? '是' : '否']),
    },
    {
      name: '线路费用',
      columns: [
        {header: '承担方', width: 16},
        {header: '单位数', width: 10},
      ],
      rows: r.costBearers.map((b) => [b.costBearer === 'bureau' ? '市数据局' : '单位自行承担', b.units]),
    },
  ])
}
