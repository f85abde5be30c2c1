import {readSync} from 'node:fs'

import {readBook} from './xlsx-reader.js'
import {type ZipEntry, ZipFile} from './xlsx-zip.js'

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

/** One entry of a zip's central directory: the reader's (xlsx-zip.ts), as xlsx-limits.ts checks it too. */
export type {ZipEntry}

/**
 * The central directory of the zip at `fd` (`size` bytes), as xlsx-limits.ts checks it (the
 * reader's ZipFile in xlsx-zip.ts walks it too, throwing instead);
 * a string saying what is wrong when there is none to read (truncated, damaged, zip64).
 */
export function readZipDirectory(fd: number, size: number): {entries: ZipEntry[]; cdOffset: number} | string {
  const read = (offset: number, length: number): Buffer => {
    const buf = Buffer.alloc(length)
    return buf.subarray(0, readSync(fd, buf, 0, length, offset))
  }
  const tailLength = Math.min(size, 22 + 0xffff)
  const tail = read(size - tailLength, tailLength)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return 'no end of central directory'
  const count = tail.readUInt16LE(eocd + 10)
  const cdSize = tail.readUInt32LE(eocd + 12)
  const cdOffset = tail.readUInt32LE(eocd + 16)
  if (cdOffset === 0xffffffff || count === 0xffff) return 'zip64 directory'
  if (cdSize > 64 * 1024 * 1024 || cdOffset + cdSize > size - tailLength + eocd) return 'central directory past the end of the file'
  const cd = read(cdOffset, cdSize)
  const entries: ZipEntry[] = []
  let p = 0
  for (; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50;) {
    const nameLength = cd.readUInt16LE(p + 28)
    if (p + 46 + nameLength > cd.length) break
    const name = cd.subarray(p + 46, p + 46 + nameLength).toString('utf8')
    entries.push({name, flags: cd.readUInt16LE(p + 8), method: cd.readUInt16LE(p + 10), compressed: cd.readUInt32LE(p + 20), uncompressed: cd.readUInt32LE(p + 24), local: cd.readUInt32LE(p + 42)})
    p += 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32)
  }
  if (entries.length !== count) return `central directory lists ${entries.length} of ${count} entries`
  return {entries, cdOffset}
}
