import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {EgovError} from '../../src/core/errors.js'
import {checkWorkbookLimits} from '../../src/core/io/index.js'
import {MAIN, minimalWorkbook} from '../helpers/minimal-xlsx.js'

const dir = mkdtempSync(join(tmpdir(), 'egov-xlsx-limits-scan-'))
/** The preflight reads a small part whole and scans it in chunks of this size. */
const CHUNK = 64 * 1024

/** A workbook whose sheet (named 表) and shared strings are stored as given (no compression, so the XML's bytes are the chunks' bytes). */
function workbook(name: string, sheet: string, strings?: string): Promise<string> {
  return minimalWorkbook(join(dir, name), sheet, strings === undefined ? {} : {'xl/sharedStrings.xml': strings}, {store: true})
}

/** What the preflight says of a form: 'ok', or the refusal's key and parameters. */
async function check(path: string): Promise<{key: string; params: Record<string, unknown>}> {
  try {
    await checkWorkbookLimits(path, {field: 'FILE', kind: 'form'})
    return {key: 'ok', params: {}}
  } catch (error) {
    if (!(error instanceof EgovError)) throw error
    return {key: error.key, params: error.params}
  }
}

/** `head`, then spaces, then `tag`: `tag` ends `before` bytes before the first chunk boundary. */
function upTo(head: string, tag: string, before: number): string {
  return head + ' '.repeat(CHUNK - before - Buffer.byteLength(head + tag)) + tag
}

const sheet = (rows: string) => `<worksheet xmlns="${MAIN}" xmlns:x="${MAIN}"><sheetData>${rows}</sheetData></worksheet>`

describe('the preflight scans with the reader’s tokenizer (ElementScanner): texts and tags across chunks (issue 17)', () => {
  it('a Chinese text split mid-character across chunks is counted in characters; namespaced tags by their local name', async () => {
    // 一 is 3 bytes: the chunk boundary falls after its first byte.
    const lead = upTo(`<worksheet xmlns="${MAIN}" xmlns:x="${MAIN}"><sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is>`, '<x:t>', 1)
    const cell = (n: number) => `${lead}${'一'.repeat(n)}</x:t></x:is></x:c></x:row></sheetData></worksheet>`
    expect(Buffer.byteLength(lead)).toBe(CHUNK - 1)
    expect(await check(await workbook('fits.xlsx', cell(32_767)))).toEqual({key: 'ok', params: {}})
    const over = await check(await workbook('over.xlsx', cell(32_768)))
    expect(over.key).toBe('io.limit.cellText')
    expect(over.params).toMatchObject({sheet: '表', cell: 'A1', length: '32,768', limit: '32,767'})
  })

  it('an entity counts as one character; a tag split across chunks is read whole', async () => {
    const text = (n: number) => 'a'.repeat(32_000) + '&amp;'.repeat(n - 32_000)
    expect((await check(await workbook('entities.xlsx', sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>${text(32_767)}</t></is></c></row>`)))).key).toBe('ok')
    const over = await check(await workbook('entities-over.xlsx', sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>${text(32_768)}</t></is></c></row>`)))
    expect(over.params).toMatchObject({cell: 'A1', length: '32,768'})
    // <x:row r="1001"> straddles the first chunk boundary: a form stops at row 1,000.
    const lead = upTo(`<worksheet xmlns="${MAIN}" xmlns:x="${MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>`, '<x:ro', 0)
    const rows = `${lead}w r="1001"><x:c r="A1001"><x:v>1</x:v></x:c></x:row></sheetData></worksheet>`
    expect(Buffer.byteLength(lead)).toBe(CHUNK)
    const r = await check(await workbook('rows.xlsx', rows))
    expect(r.key).toBe('io.limit.rows')
    expect(r.params).toMatchObject({sheet: '表', cell: 'row 1001'})
  })

  it('a shared string split mid-character across chunks, over the limit: its number', async () => {
    const lead = upTo(`<sst xmlns="${MAIN}"><si><t>short</t></si><si>`, '<t>', 2)
    const strings = (n: number) => `${lead}${'中'.repeat(n)}</t></si></sst>`
    expect(Buffer.byteLength(lead)).toBe(CHUNK - 2)
    const one = sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    expect((await check(await workbook('strings-fit.xlsx', one, strings(32_767)))).key).toBe('ok')
    const over = await check(await workbook('strings-over.xlsx', one, strings(32_768)))
    expect(over.key).toBe('io.limit.cellText')
    expect(over.params).toMatchObject({sheet: 'xl/sharedStrings.xml', cell: '#2'})
  })

  it('a text of more than a million characters is refused as a cell’s text; a tag that long is damaged', async () => {
    const huge = await check(await workbook('huge-text.xlsx', sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>${'a'.repeat(1_100_000)}</t></is></c></row>`)))
    expect(huge.key).toBe('io.limit.cellText')
    expect(huge.params).toMatchObject({cell: 'A1'})
    const tag = await check(await workbook('huge-tag.xlsx', sheet(`<row r="1"><c r="A1" s="${'1'.repeat(2_000_000)}"><v>1</v></c></row>`)))
    expect(tag.key).toBe('io.limit.damaged')
    expect(tag.params.reason).toBe('xl/worksheets/sheet1.xml: an XML tag of more than 1 MiB')
  })
})
