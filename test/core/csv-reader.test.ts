import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {CSV_CHUNK, type CsvOptions, readCsv} from '../../src/core/io/index.js'

/** Issue 20: the one streaming CSV reader. GBK bytes are made by Python's codecs (not by iconv-lite, which egov decodes with). */
const dir = mkdtempSync(join(tmpdir(), 'egov-csv-reader-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function gbk(text: string): Buffer {
  return execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode("gbk"))'], {input: Buffer.from(text, 'utf8'), maxBuffer: 1 << 26})
}
const utf8 = (text: string) => Buffer.from(text, 'utf8')
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** Writes the bytes to a file and reads it: every record with its line, what the reader says, and the hash it was given. */
async function read(name: string, bytes: Buffer, options: CsvOptions = {}) {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  const hash = createHash('sha256')
  const rows: Array<[number, string[]]> = []
  const result = await readCsv(path, (line, cells) => void rows.push([line, cells]), {...options, hash})
  return {rows, ...result, sha256: hash.digest('hex')}
}

describe('the streaming CSV reader (io/csv-reader.ts)', () => {
  it("a UTF-16LE file with tabs (Excel's Unicode 文本): decoded by its BOM, split at the tabs, hashed", async () => {
    const text = '事项编码\t主项名称\t实施主体\r\nA1\t食品经营许可, 变更\t市市场监督管理局\r\nA2\t"社会团体\r\n登记"\t市民政局\r\nA3\t建筑工程施工许可\t市住房和城乡建设局\r\n'
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const got = await read('unicode.txt', bytes)
    expect(got).toMatchObject({encoding: 'utf16le', delimiter: '\t', foreign: []})
    expect(got.rows).toEqual([
      [1, ['事项编码', '主项名称', '实施主体']],
      [2, ['A1', '食品经营许可, 变更', '市市场监督管理局']],
      [3, ['A2', '社会团体\r\n登记', '市民政局']],
      [5, ['A3', '建筑工程施工许可', '市住房和城乡建设局']],
    ])
    expect(got.sha256).toBe(sha256(bytes))
    // UTF-16BE too, whatever --encoding says.
    const be = Buffer.from(Buffer.from('\ufeff' + text, 'utf16le')).swap16()
    expect(await read('unicode-be.txt', be, {encoding: 'gb18030'})).toMatchObject({encoding: 'utf16be', delimiter: '\t', rows: got.rows, sha256: sha256(be)})
  })

  it('a GBK file with one line pasted as UTF-8: the file is GB18030, the line foreign and read as typed', async () => {
    const bytes = Buffer.concat([gbk('事项编码,主项名称\r\nA1,食品经营许可\r\n'), utf8('A2,社会团体登记\r\n'), gbk('A3,建筑工程施工许可\r\n')])
    const got = await read('mixed.csv', bytes)
    expect(got).toMatchObject({encoding: 'gb18030', delimiter: ',', foreign: [{line: 3, seems: 'utf8'}]})
    expect(got.rows).toEqual([
      [1, ['事项编码', '主项名称']],
      [2, ['A1', '食品经营许可']],
      [3, ['A2', '社会团体登记']],
      [4, ['A3', '建筑工程施工许可']],
    ])
    expect(got.sha256).toBe(sha256(bytes))
    // --encoding utf8 refuses it as before, naming the flag.
    await expect(read('mixed.csv', bytes, {encoding: 'utf8'})).rejects.toMatchObject({key: 'io.notUtf8', context: {field: 'encoding'}})
  })

  it('a file of many chunks, a character cut between two: every record whole, the hash that of the file', async () => {
    for (const [name, encode, width, encoding] of [
      ['big-utf8.csv', utf8, 3, 'utf8'],
      ['big-gbk.csv', gbk, 2, 'gb18030'],
    ] as const) {
      const header = '编码,名称\r\n'
      // Rows of ASCII up to just before the chunk's end, then a row whose first Chinese character straddles it.
      const head = encode(header)
      const filler: string[] = []
      let size = head.length
      for (let i = 0; size + 12 < CSV_CHUNK - 1; i++) {
        const row = `B${String(i).padStart(5, '0')},xx\r\n`
        filler.push(row)
        size += row.length
      }
      const pad = CSV_CHUNK - 1 - size - 'C1,'.length
      const cut = `C1,${'y'.repeat(pad)}食品经营许可\r\n`
      const tail = Array.from({length: 3000}, (_, i) => `D${i},社会团体登记${i}\r\n`).join('')
      const bytes = encode(header + filler.join('') + cut + tail)
      // The cut row's character starts one byte before the chunk's end.
      expect(bytes.subarray(CSV_CHUNK - 1, CSV_CHUNK - 1 + width)).toEqual(encode('食'))
      expect(bytes.length).toBeGreaterThan(2 * CSV_CHUNK)
      const got = await read(name, bytes)
      expect(got).toMatchObject({encoding, delimiter: ',', foreign: []})
      expect(got.rows.length).toBe(1 + filler.length + 1 + 3000)
      expect(got.rows[1 + filler.length]).toEqual([2 + filler.length, ['C1', `${'y'.repeat(pad)}食品经营许可`]])
      expect(got.rows.at(-1)).toEqual([got.rows.length, ['D2999', '社会团体登记2999']])
      expect(got.sha256).toBe(sha256(readFileSync(join(dir, name))))
    }
  })

  it('an empty file is refused unless allowed; a UTF-8 BOM is not a cell', async () => {
    await expect(read('empty.csv', Buffer.alloc(0))).rejects.toMatchObject({key: 'io.emptyFile'})
    expect(await read('empty.csv', Buffer.alloc(0), {allowEmpty: true})).toMatchObject({rows: [], sha256: sha256(Buffer.alloc(0))})
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('编码,名称\n1,x\n')])
    expect((await read('bom.csv', bom)).rows).toEqual([
      [1, ['编码', '名称']],
      [2, ['1', 'x']],
    ])
  })
})
