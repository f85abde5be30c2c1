import {writeFileSync} from 'node:fs'

import JSZip from 'jszip'

/** SpreadsheetML's main namespace. */
export const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'

/**
 * A minimal workbook zipped by JSZip (another producer than egov's writer): one sheet named 表
 * whose part is `sheet` as given, and any further parts. `store`: no compression, so the XML's
 * bytes are the zip's bytes (a scanner's chunks fall where the test says); otherwise deflate.
 */
export async function minimalWorkbook(path: string, sheet: string, parts: Record<string, string> = {}, options: {store?: boolean} = {}): Promise<string> {
  const zip = new JSZip()
  zip.file('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
  zip.file(
    'xl/workbook.xml',
    `<workbook xmlns="${MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  )
  zip.file(
    'xl/_rels/workbook.xml.rels',
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  )
  zip.file('xl/worksheets/sheet1.xml', sheet)
  for (const [part, text] of Object.entries(parts)) zip.file(part, text)
  const bytes = await zip.generateAsync(options.store ? {type: 'nodebuffer', compression: 'STORE'} : {type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: {level: 6}})
  writeFileSync(path, bytes)
  return path
}
