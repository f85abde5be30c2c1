import {execFileSync} from 'node:child_process'
import {isUtf8} from 'node:buffer'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse} from 'csv-parse/sync'
import {afterAll, describe, expect, it} from 'vitest'

import {type Encoding, foreignLineMessage, gb18030Decoder, looksUtf8, MixedDecoder, readCsv} from '../../src/core/io/index.js'

const dir = mkdtempSync(join(tmpdir(), 'egov-mixed-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let files = 0

/**
 * The bytes read as a CSV by the streaming reader (io/csv-reader.ts): its records, with the
 * cells as the expected text parses (`text`: the text of the records, for comparison), the
 * encoding and the foreign lines.
 */
async function readBytes(bytes: Buffer, encoding: Encoding, name: string): Promise<{text: string; encoding: string; foreign: unknown[]}> {
  const path = join(dir, `${files++}-${name}`)
  writeFileSync(path, bytes)
  const records: string[][] = []
  const read = await readCsv(path, (_line, cells) => void records.push(cells), {encoding})
  return {text: JSON.stringify(records), encoding: read.encoding, foreign: read.foreign}
}

/** What the reader hands over for a file of this text: its records, as readBytes gives them. */
function records(text: string): string {
  return JSON.stringify(parse(text, {relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: true}))
}

/**
 * Issue 20: a CSV whose lines are not all in one encoding. The bytes are made by Python's
 * codecs (not by iconv-lite, which egov decodes with): `gbk(text)` and `utf8(text)`.
 */
function python(script: string, input = ''): Buffer {
  return execFileSync('python3', ['-c', script], {input: Buffer.from(input, 'utf8'), maxBuffer: 1 << 26})
}
const utf8 = (text: string) => Buffer.from(text, 'utf8')

const HEADER = '事项编码,主项名称,实施主体\r\n'
const ROWS: readonly [string, string, string] = ['A1,食品经营许可,市市场监督管理局\r\n', 'A2,建筑工程施工许可（新办）,市住房和城乡建设局\r\n', 'A3,社会团体登记,市民政局\r\n']
const WHOLE = HEADER + ROWS.join('')

/** The texts the tests need in GBK, encoded by one run of Python. */
const GBK_TEXTS = [HEADER, ...ROWS, HEADER + ROWS[0], WHOLE, '编码,名称\n', '编码,名称\r\n', 'A1,"第一行\r\n第二行"\r', 'A2,名称\r\n', 'A3,名称\r\n', 'A4,末行', '\r\nA5,末行']
const encoded: string[] = JSON.parse(python('import json, sys; print(json.dumps([t.encode("gbk").hex() for t in json.load(sys.stdin)]))', JSON.stringify(GBK_TEXTS)).toString())
function gbk(text: string): Buffer {
  const i = GBK_TEXTS.indexOf(text)
  if (i < 0) throw new Error(`add ${JSON.stringify(text)} to GBK_TEXTS`)
  return Buffer.from(encoded[i]!, 'hex')
}

describe('the encoding of a CSV, line by line (issue 20)', () => {
  it('a file of one encoding decodes as before: UTF-8, GBK, pure ASCII', async () => {
    expect(await readBytes(utf8(WHOLE), 'auto', 'f.csv')).toEqual({text: records(WHOLE), encoding: 'utf8', foreign: []})
    expect(await readBytes(gbk(WHOLE), 'auto', 'f.csv')).toEqual({text: records(WHOLE), encoding: 'gb18030', foreign: []})
    expect(await readBytes(utf8('a,b\r\n1,2\r\n'), 'auto', 'f.csv')).toEqual({text: records('a,b\r\n1,2\r\n'), encoding: 'utf8', foreign: []})
    expect(await readBytes(gbk(WHOLE), 'gb18030', 'f.csv')).toEqual({text: records(WHOLE), encoding: 'gb18030', foreign: []})
  })

  it('a GBK file with one row pasted as UTF-8: the file is GB18030, the row is foreign and reads as what was typed', async () => {
    const bytes = Buffer.concat([gbk(HEADER + ROWS[0]), utf8(ROWS[1]), gbk(ROWS[2])])
    const read = await readBytes(bytes, 'auto', 'f.csv')
    expect(read).toEqual({text: records(WHOLE), encoding: 'gb18030', foreign: [{line: 3, seems: 'utf8'}]})
    // Before issue 20 the whole file decoded "fine" as GB18030, the row as mojibake.
    expect((await gb18030Decoder())(bytes)).not.toContain('市住房和城乡建设局')
    // --encoding gb18030 says the same of that row.
    expect((await readBytes(bytes, 'gb18030', 'f.csv')).foreign).toEqual([{line: 3, seems: 'utf8'}])
  })

  it('a UTF-8 file with one invalid byte: the file stays UTF-8 (its header intact), the line is damaged', async () => {
    const bytes = Buffer.concat([utf8(HEADER + ROWS[0]), Buffer.from('A2,建筑工程'), Buffer.from([0xff]), utf8('施工许可,市住房和城乡建设局\r\n' + ROWS[2])])
    const read = await readBytes(bytes, 'auto', 'f.csv')
    expect(read.encoding).toBe('utf8')
    expect(read.foreign).toEqual([{line: 3, seems: 'damaged'}])
    expect(read.text).toBe(records(HEADER + ROWS[0] + 'A2,建筑工程\ufffd施工许可,市住房和城乡建设局\r\n' + ROWS[2]))
    // --encoding utf8: a located line, not a refusal of the whole file.
    expect((await readBytes(bytes, 'utf8', 'f.csv')).foreign).toEqual([{line: 3, seems: 'damaged'}])
  })

  it('a UTF-8 file with one GBK row: the row seems GB18030 and reads as such', async () => {
    const bytes = Buffer.concat([utf8(HEADER), gbk(ROWS[0]), utf8(ROWS[1] + ROWS[2])])
    expect(await readBytes(bytes, 'auto', 'f.csv')).toEqual({text: records(WHOLE), encoding: 'utf8', foreign: [{line: 2, seems: 'gb18030'}]})
    // With a UTF-8 BOM too.
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])
    expect(await readBytes(bom, 'auto', 'f.csv')).toEqual({text: records(WHOLE), encoding: 'utf8', foreign: [{line: 2, seems: 'gb18030'}]})
  })

  it('the majority of the lines that are not pure ASCII decides; a tie goes to the first (the header)', async () => {
    // Two GBK lines, one UTF-8 line, ASCII lines (valid in both) between them.
    const mostlyGbk = Buffer.concat([utf8('code,name\r\n'), utf8('A0,x\r\n'), utf8(ROWS[0]), gbk(ROWS[1]), utf8('A9,y\r\n'), gbk(ROWS[2])])
    expect(await readBytes(mostlyGbk, 'auto', 'f.csv')).toMatchObject({encoding: 'gb18030', foreign: [{line: 3, seems: 'utf8'}]})
    const gbkHeader = Buffer.concat([gbk(HEADER), utf8(ROWS[0])])
    expect(await readBytes(gbkHeader, 'auto', 'f.csv')).toMatchObject({encoding: 'gb18030', foreign: [{line: 2, seems: 'utf8'}]})
    const utf8Header = Buffer.concat([utf8(HEADER), gbk(ROWS[0])])
    expect(await readBytes(utf8Header, 'auto', 'f.csv')).toMatchObject({encoding: 'utf8', foreign: [{line: 2, seems: 'gb18030'}]})
  })

  it('--encoding utf8 still refuses a file mostly not UTF-8, naming the flag', async () => {
    await expect(readBytes(gbk(WHOLE), 'utf8', 'f.csv')).rejects.toMatchObject({key: 'io.notUtf8', context: {field: 'encoding'}})
    const bytes = Buffer.concat([gbk(HEADER + ROWS[0]), utf8(ROWS[1]), gbk(ROWS[2])])
    await expect(readBytes(bytes, 'utf8', 'f.csv')).rejects.toMatchObject({key: 'io.notUtf8'})
  })

  it('UTF-16 (by its BOM) is not looked into', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(WHOLE, 'utf16le')])
    expect(await readBytes(le, 'auto', 'f.csv')).toEqual({text: records(WHOLE), encoding: 'utf16le', foreign: []})
  })

  it('lines are counted as an editor counts them: \\n, \\r\\n and a lone \\r each end one; a quoted cell over two lines takes two', async () => {
    const bytes = Buffer.concat([gbk('编码,名称\n'), gbk('A1,"第一行\r\n第二行"\r'), gbk('A2,名称\r\n'), utf8('A3,食品经营许可\n'), gbk('A4,末行')])
    const read = await readBytes(bytes, 'auto', 'f.csv')
    expect(read.foreign).toEqual([{line: 5, seems: 'utf8'}])
    expect(read.text).toBe(records('编码,名称\nA1,"第一行\r\n第二行"\rA2,名称\r\nA3,食品经营许可\nA4,末行'))
  })

  it('read in chunks of any size (a stream), the text and the foreign lines are those of the whole', async () => {
    const gb = await gb18030Decoder()
    const bytes = Buffer.concat([gbk('编码,名称\r\n'), gbk('A1,"第一行\r\n第二行"\r'), utf8('A2,食品经营许可\r\n'), gbk('A3,名称\r\n'), utf8('A4,社会团体登记（变更）'), gbk('\r\nA5,末行')])
    const expected = '编码,名称\r\nA1,"第一行\r\n第二行"\rA2,食品经营许可\r\nA3,名称\r\nA4,社会团体登记（变更）\r\nA5,末行'
    for (let size = 1; size <= bytes.length; size++) {
      const decoder = new MixedDecoder('gb18030', gb)
      let text = ''
      for (let at = 0; at < bytes.length; at += size) text += decoder.write(bytes.subarray(at, at + size))
      text += decoder.end()
      expect(text, `chunks of ${size}`).toBe(expected)
      expect(decoder.foreign, `chunks of ${size}`).toEqual([
        {line: 4, seems: 'utf8'},
        {line: 6, seems: 'utf8'},
      ])
    }
    // A UTF-8 file with a GBK row and a damaged one.
    const mixed = Buffer.concat([utf8('编码,名称\r\n'), gbk('A2,名称\r\n'), utf8('A3,"食品\r\n经营"\r'), Buffer.from([0x41, 0xc3, 0x0d, 0x0a]), utf8('A5,末行')])
    for (let size = 1; size <= mixed.length; size++) {
      const decoder = new MixedDecoder('utf8', gb)
      let text = ''
      for (let at = 0; at < mixed.length; at += size) text += decoder.write(mixed.subarray(at, at + size))
      text += decoder.end()
      expect(text, `chunks of ${size}`).toBe('编码,名称\r\nA2,名称\r\nA3,"食品\r\n经营"\rA\ufffd\r\nA5,末行')
      expect(decoder.foreign, `chunks of ${size}`).toEqual([
        {line: 2, seems: 'gb18030'},
        {line: 5, seems: 'damaged'},
      ])
    }
  })

  it("the message names the file, the line, the file's encoding and what the line seems, in both languages", () => {
    expect(foreignLineMessage('清单.csv', {line: 3, seems: 'utf8'}, 'gb18030', 'en')).toMatch(/^清单\.csv, line 3: UTF-8 text in a GB18030 \(GBK\) file/)
    expect(foreignLineMessage('清单.csv', {line: 3, seems: 'utf8'}, 'gb18030', 'zh')).toMatch(/^清单\.csv 第 3 行是 UTF-8 编码，而文件是 GB18030 \(GBK\) 编码/)
    expect(foreignLineMessage('清单.csv', {line: 7, seems: 'damaged'}, 'utf8', 'en')).toMatch(/^清单\.csv, line 7: bytes that are neither UTF-8 text, as the rest of the file, nor GB18030/)
    expect(foreignLineMessage('清单.csv', {line: 7, seems: 'damaged'}, 'utf8', 'zh')).toMatch(/^清单\.csv 第 7 行含有既不是 UTF-8（文件其余部分的编码）也不是 GB18030 的字节/)
  })
})

describe('a GBK line is not taken for UTF-8 (looksUtf8)', () => {
  it('UTF-8 Chinese text looks UTF-8, punctuation and full-width forms included', () => {
    for (const text of [
      '食品经营许可',
      '《中华人民共和国行政许可法》第12条',
      '周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）',
      '“一网通办”—12345',
      '①办理 ②审核 ✔',
      '温度 25℃ × 2 · 第Ⅱ类',
      '𠮷野家',
    ]) {
      expect(looksUtf8(utf8(`A1,${text},3\r\n`)), text).toBe(true)
    }
    expect(looksUtf8(utf8('plain ascii\r\n'))).toBe(false)
    expect(looksUtf8(utf8('café, Ελληνικά'))).toBe(false)
  })

  it('random lines of common Chinese characters in GBK: many are valid UTF-8 by chance, none looks it', () => {
    // 4,000 lines of each length 1–8 from GB2312 level 1 (the 3,755 common characters), seeded.
    const lines = python(`
import random, sys
chars = [bytes([hi, lo]) for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF) if (hi, lo) < (0xD7, 0xFA)]
random.seed(20)
out = []
for n in range(1, 9):
    for _ in range(4000):
        out.append(b'A1,' + b''.join(random.choice(chars) for _ in range(n)) + b',3')
sys.stdout.buffer.write(b'\\n'.join(out))
`)
    let valid = 0
    let looks = 0
    let start = 0
    while (start < lines.length) {
      let end = lines.indexOf(0x0a, start)
      if (end < 0) end = lines.length
      const line = lines.subarray(start, end)
      if (isUtf8(line)) {
        valid++
        if (looksUtf8(line)) looks++
      }
      start = end + 1
    }
    expect(valid).toBeGreaterThan(500)
    expect(looks).toBe(0)
  })
})
