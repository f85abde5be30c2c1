import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect, it} from 'vitest'

import {egov} from '../helpers/cli.js'
import {describeEachDialect, operatorDatabase} from '../helpers/db.js'

/**
 * Writes a file line by line, each line in the encoding given, by Python's codecs (not the
 * iconv-lite egov decodes with): `gbk`, `utf-8`, or `bytes` (the text as UTF-8 with \xNN
 * escapes for raw bytes, as Python's surrogateescape reads them).
 */
function writeLines(path: string, lines: Array<[text: string, encoding: 'gbk' | 'utf-8' | 'bytes']>): string {
  const script = `
import json, sys
out = b''
for text, encoding in json.load(sys.stdin):
    out += text.encode('utf-8', 'surrogateescape') if encoding == 'bytes' else text.encode(encoding)
open(sys.argv[1], 'wb').write(out)
`
  const input = JSON.stringify(
    lines.map(([text, encoding]) => [encoding === 'bytes' ? text.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(0xdc00 + Number.parseInt(h, 16))) : text, encoding]),
  )
  execFileSync('python3', ['-c', script, path], {input})
  return path
}

/** The rows of a service-item list (基本信息), as a GBK CSV holds them. */
const LIST = execFileSync('python3', ['-c', 'import sys; sys.stdout.write(open(sys.argv[1], "rb").read().decode("gbk"))', new URL('../../fixtures/items/list-v2-gbk.csv', import.meta.url).pathname], {
  encoding: 'utf8',
})
  .split('\r\n')
  .filter(Boolean)
  .map((l) => `${l}\r\n`)

/**
 * Issue 20: a CSV whose lines are not all in one encoding is not decoded in silence. The row
 * in the other encoding is a located problem (exit 2, nothing written): a GBK list with one
 * row pasted as UTF-8 (items import), a UTF-8 plan with one invalid byte (net import), a
 * GBK utilisation report with a UTF-8 row (cloud usage import, read as a stream).
 */
describeEachDialect('a CSV of mixed encodings is a located problem (issue 20)', (dialect) => {
  const ctx = operatorDatabase(dialect, 'clerk')
  const dir = mkdtempSync(join(tmpdir(), 'egov-mixed-'))
  const run = (args: string[], extra: Record<string, string> = {}) => egov(args, {...ctx.env, EGOV_NOW: '2026-11-24T10:00:00+08:00', ...extra})

  it('items import: a GBK list with one row in UTF-8 names that row and imports nothing; the list all in GBK imports', async () => {
    const mixed = writeLines(
      join(dir, '事项清单.csv'),
      LIST.map((line, i) => [line, i === 2 ? 'utf-8' : 'gbk']),
    )
    const r = await run(['items', 'import', mixed, '--json'])
    expect(r.code, r.stdout).toBe(2)
    expect(r.json.error.details.problems).toEqual([
      expect.objectContaining({
        file: '事项清单.csv',
        sheet: '基本信息',
        row: 3,
        field: 'encoding',
        type: 'mixed-encoding',
        message: expect.stringMatching(/^事项清单\.csv, line 3: UTF-8 text in a GB18030 \(GBK\) file/),
      }),
    ])
    const zh = await run(['items', 'import', mixed], {LANG: 'zh_CN.UTF-8'})
    expect(zh.code).toBe(2)
    expect(zh.stderr).toContain('事项清单.csv 第 3 行是 UTF-8 编码，而文件是 GB18030 (GBK) 编码')
    expect((await run(['items', 'list', '--json'])).json.items).toEqual([])

    const gbk = writeLines(
      join(dir, 'gbk.csv'),
      LIST.map((line) => [line, 'gbk']),
    )
    const ok = await run(['items', 'import', gbk, '--json'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json).toMatchObject({encodings: {'gbk.csv': 'gb18030'}, added: LIST.length - 1})
  })

  it('net import: a UTF-8 plan with one invalid byte in a data row names that row, not a missing column, and writes nothing', async () => {
    expect((await run(['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1'])).code).toBe(0)
    expect((await run(['units', 'add', '市税务局', '--kind', 'party-government', '--level', 'city'])).code).toBe(0)
    const file = writeLines(join(dir, 'plan.csv'), [
      ['地址段,平面,单位,用途\r\n', 'utf-8'],
      ['10.20.60.0/24,1,市税务局,办税服务厅\r\n', 'utf-8'],
      ['10.20.61.0/24,1,市税务局,自助\\xff终端\r\n', 'bytes'],
    ])
    expect(readFileSync(file).includes(0xff)).toBe(true)
    const r = await run(['net', 'import', file, '--json'])
    expect(r.code, r.stdout).toBe(2)
    expect(r.json.error.details.problems).toEqual([
      expect.objectContaining({sheet: '地址分配', row: 3, field: 'encoding', message: expect.stringMatching(/line 3: bytes that are neither UTF-8 text.*nor GB18030/)}),
    ])
    expect(r.stdout).not.toContain('missing')
    expect((await run(['net', 'list', '--all', '--json'])).json.allocations).toEqual([])
  })

  it('cloud usage import (a stream): a GBK report with one row in UTF-8 names that row and records nothing', async () => {
    await ctx.tdb.sql(
      `insert into cloud_systems (name, unit, level, os, request_id, status, provider, vms, vcpu, memory_gib, system_disk_gib, data_disk_gib, bandwidth_mbps, extranet_ips, internet_ips,
         env_vcpu, env_memory_gib, env_storage_gib, env_bandwidth_mbps, env_extranet_ips, env_internet_ips, provisioned_at, created_at, updated_at)
       values ('医保结算系统', '市医疗保障局', 3, '统信UOS 20', 1, 'in-service', '电信云', 2, 8, 32, 100, 200, 50, 1, 0, 16, 64, 600, 50, 1, 0,
         '2026-01-05T02:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-05T02:00:00.000Z')`,
    )
    const lines: Array<[string, 'gbk' | 'utf-8']> = [['系统名称,采集时间,CPU使用率,内存使用率,磁盘使用率\r\n', 'gbk']]
    for (let i = 0; i < 6; i++) lines.push([`医保结算系统,2026-11-20 0${i}:00,${i + 1},${10 + i}%,40\r\n`, i === 3 ? 'utf-8' : 'gbk'])
    const file = writeLines(join(dir, 'usage.csv'), lines)
    const r = await run(['cloud', 'usage', 'import', file, '--json'])
    expect(r.code, r.stdout).toBe(2)
    // The UTF-8 row reads as what was typed: its system is known, only its encoding is a problem.
    expect(r.json.error.details.problems).toEqual([
      expect.objectContaining({file: 'usage.csv', row: 5, field: 'encoding', message: expect.stringContaining('line 5: UTF-8 text in a GB18030 (GBK) file')}),
    ])
    expect(await ctx.tdb.count('cloud_usage')).toBe(0)
  })
})
