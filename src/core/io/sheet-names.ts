import {readBook} from './xlsx-reader.js'
import {ZipFile} from './xlsx-zip.js'

/**
 * The real name of every worksheet part of an .xlsx: `xl/worksheets/sheet2.xml` → `办理流程`,
 * from the workbook part and its relationships found through the zip's central directory
 * (xlsx-zip.ts, xlsx-reader.ts), whatever order the parts were stored in and whether the
 * targets are absolute (openpyxl) or relative. A file that is no readable workbook gives an
 * empty map.
 */
export function sheetNamesByPart(path: string): Map<string, string> {
  const names = new Map<string, string>()
  let zip: ZipFile | undefined
  try {
    zip = new ZipFile(path)
    for (const sheet of readBook(zip).sheets) names.set(sheet.part, sheet.name)
  } catch {
    names.clear()
  } finally {
    zip?.close()
  }
  return names
}
