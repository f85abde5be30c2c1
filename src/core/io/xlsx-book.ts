import {type SheetInfo, type Styles, XLSX_LIMITS, type XlsxLimits} from './xlsx-model.js'
import {attribute, resolvePart, type ZipFile, ZipProblem} from './xlsx-zip.js'

/**
 * The small parts of a workbook, read before any sheet: the sheets and their parts (through the
 * relationships, absolute or relative targets), the date system, the number formats.
 */

export interface Book {
  sheets: SheetInfo[]
  date1904: boolean
  styles: Styles
  sharedStrings?: string
}

function relsOf(zip: ZipFile, part: string, limits: XlsxLimits): Array<{id: string; type: string; target: string}> {
  const slash = part.lastIndexOf('/')
  const folder = slash < 0 ? '' : part.slice(0, slash)
  const relsPart = `${folder ? folder + '/' : ''}_rels/${part.slice(slash + 1)}.rels`
  if (!zip.entries.has(relsPart)) return []
  const out: Array<{id: string; type: string; target: string}> = []
  for (const m of zip.text(relsPart, limits.smallPartBytes).matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const target = attribute(m[1]!, 'Target')
    if (!target || attribute(m[1]!, 'TargetMode') === 'External') continue
    out.push({id: attribute(m[1]!, 'Id') ?? '', type: attribute(m[1]!, 'Type') ?? '', target: resolvePart(folder, target)})
  }
  return out
}

export function readBook(zip: ZipFile, limits: XlsxLimits = XLSX_LIMITS): Book {
  const root = relsOf(zip, '', limits).find((r) => r.type.endsWith('/officeDocument'))?.target
  const main = root && zip.entries.has(root) ? root : 'xl/workbook.xml'
  if (!zip.entries.has(main)) throw new ZipProblem('no workbook part (xl/workbook.xml): not an .xlsx workbook')
  const workbook = zip.text(main, limits.smallPartBytes)
  const rels = relsOf(zip, main, limits)
  const folder = main.slice(0, main.lastIndexOf('/'))
  const byId = new Map(rels.map((r) => [r.id, r.target]))
  const sheets: SheetInfo[] = []
  for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b([^>]*)>/g)) {
    const name = attribute(m[1]!, 'name') ?? ''
    const id = attribute(m[1]!, '(?:\\w+:)?id')
    const part = (id && byId.get(id)) ?? `${folder}/worksheets/sheet${sheets.length + 1}.xml`
    // Chart sheets and dialog sheets have no cells.
    if (!/worksheets?\//i.test(part) && byId.has(id ?? '')) continue
    sheets.push({name, state: attribute(m[1]!, 'state') ?? 'visible', part})
  }
  const pr = /<(?:\w+:)?workbookPr\b([^>]*)>/.exec(workbook)
  const date1904 = pr ? /^(1|true)$/i.test(attribute(pr[1]!, 'date1904') ?? '') : false
  const find = (suffix: string, fallback: string): string | undefined => {
    const target = rels.find((r) => r.type.endsWith(suffix))?.target
    if (target && zip.entries.has(target)) return target
    return zip.entries.has(fallback) ? fallback : undefined
  }
  const stylesPart = find('/styles', `${folder}/styles.xml`)
  const styles = stylesPart ? parseStyles(zip.text(stylesPart, limits.smallPartBytes)) : {date: [], percent: []}
  return {sheets, date1904, styles, sharedStrings: find('/sharedStrings', `${folder}/sharedStrings.xml`)}
}

/** Built-in number formats that show dates or times: 14–22, 45–47, and the zh-CN ones 27–36 and 50–58 (Excel on a Chinese Windows). */
function builtinDate(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)
}

/** A format code that shows a date or a time: y, m, d, h or s outside quoted text, escapes and [brackets] (colours, locales, conditions). */
export function isDateFormat(code: string): boolean {
  const bare = code
    .split(';')[0]!
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?:h+|m+|s+)\]/gi, 'h')
    .replace(/\[[^\]]*\]/g, '')
  if (/^general$/i.test(bare.trim())) return false
  return /[ymdhs]/i.test(bare.replace(/e\+|e-/gi, ''))
}

function isPercentFormat(code: string): boolean {
  return code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .includes('%')
}

export function parseStyles(xml: string): Styles {
  const codes = new Map<number, string>()
  for (const m of xml.matchAll(/<(?:\w+:)?numFmt\b([^>]*)>/g)) {
    const id = Number(attribute(m[1]!, 'numFmtId'))
    const code = attribute(m[1]!, 'formatCode')
    if (Number.isInteger(id) && code !== undefined) codes.set(id, code)
  }
  const date: boolean[] = []
  const percent: boolean[] = []
  const section = /<(?:\w+:)?cellXfs\b[^>]*>([^]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)
  if (section) {
    for (const m of section[1]!.matchAll(/<(?:\w+:)?xf\b([^>]*)>/g)) {
      const id = Number(attribute(m[1]!, 'numFmtId') ?? 0)
      const code = codes.get(id)
      date.push(code !== undefined ? isDateFormat(code) : builtinDate(id))
      percent.push(code !== undefined ? isPercentFormat(code) : id === 9 || id === 10)
    }
  }
  return {date, percent}
}
