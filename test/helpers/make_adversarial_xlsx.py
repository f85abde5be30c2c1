"""An adversary's workbooks (issue 20), made with Python's zipfile, not by egov or exceljs.

    python3 make_adversarial_xlsx.py KIND OUT [SOURCE]

KIND:
  merge-bomb     1.6 KB: one <mergeCell ref="A2:XFD1048576"/>
  lone-cell      one cell at XFD1048576
  strings-count  2,100,000 one-letter shared strings (about 40 MB unpacked, 0.1 MB packed)
  strings-bomb   shared strings of 300 MB unpacked (each string 30,000 characters)
  zip-bomb [MiB] a worksheet declaring (honestly) MiB (default 20) of padding
  zip-liar       a worksheet whose directory entry declares 1 KB but inflates to 64 MiB
  ratio-bomb     a worksheet of 24 MiB of spaces (ratio ~1000)
  long-text      a cell of 40,000 characters
  truncated      the first half of SOURCE
  csv            a CSV file named OUT
"""
import sys
import zlib
import zipfile

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<sheets><sheet name="申请表" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
           '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
           '</Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet(rows='', after=''):
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>'
            f'<dimension ref="A1"/><sheetData>{rows}</sheetData>{after}</worksheet>')


def strings(items):
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {NS} count="{len(items)}" uniqueCount="{len(items)}">' + ''.join(f'<si><t>{s}</t></si>' for s in items) + '</sst>'


TITLE = '<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c><c r="B1" t="inlineStr"><is><t>市医保局</t></is></c></row>'


def workbook(out, sheet_xml, shared=None, big=None, big_strings=None):
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr('[Content_Types].xml', CT)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WB)
        z.writestr('xl/_rels/workbook.xml.rels', WB_RELS)
        if big is None:
            z.writestr('xl/worksheets/sheet1.xml', sheet_xml)
        else:
            # The padding packed as tightly as deflate can (about 1,000:1), the way a bomb is made.
            z.compresslevel = 9
            streamed(z, 'xl/worksheets/sheet1.xml', big)
            z.compresslevel = 1
        if big_strings is not None:
            streamed(z, 'xl/sharedStrings.xml', big_strings)
        else:
            z.writestr('xl/sharedStrings.xml', shared if shared is not None else strings([]))


def streamed(z, name, parts):
    head, pieces, tail = parts
    with z.open(name, 'w', force_zip64=False) as f:
        f.write(head.encode())
        for p in pieces:
            f.write(p)
        f.write(tail.encode())


def many_strings(text, count):
    """Shared strings written in blocks: `count` strings of `text`."""
    one = f'<si><t>{text}</t></si>'.encode()
    block = max(1, (1 << 20) // len(one))
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {NS} count="{count}" uniqueCount="{count}">'
    pieces = (one * min(block, count - i) for i in range(0, count, block))
    return head, pieces, '</sst>'


def padded(out, size):
    """A worksheet of `size` bytes: valid XML with that much whitespace inside its sheetData."""
    head = sheet().split('<sheetData>')[0] + '<sheetData>'
    tail = '</sheetData></worksheet>'
    chunk = b' ' * (1 << 20)
    workbook(out, '', big=(head, (chunk for _ in range(size >> 20)), tail))


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == 'merge-bomb':
        workbook(out, sheet(TITLE, '<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'))
    elif kind == 'lone-cell':
        workbook(out, sheet(TITLE + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'))
    elif kind == 'strings-count':
        workbook(out, sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), big_strings=many_strings('a', 2_100_000))
    elif kind == 'strings-bomb':
        workbook(out, sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), big_strings=many_strings('字' * 10_000, 10_000))
    elif kind == 'zip-bomb':
        # zipfile stores the true sizes: the directory declares them honestly.
        padded(out, (int(sys.argv[3]) if len(sys.argv) > 3 else 20) << 20)
    elif kind == 'ratio-bomb':
        padded(out, 24 << 20)
    elif kind == 'zip-liar':
        padded(out, 64 << 20)
        data = bytearray(open(out, 'rb').read())
        # Rewrite the worksheet's uncompressed size, in its central directory entry and its local header, to 1,024.
        name = b'xl/worksheets/sheet1.xml'
        p = 0
        while True:
            p = data.find(b'PK\x01\x02', p)
            if p < 0:
                break
            n = int.from_bytes(data[p + 28:p + 30], 'little')
            if bytes(data[p + 46:p + 46 + n]) == name:
                data[p + 24:p + 28] = (1024).to_bytes(4, 'little')
                local = int.from_bytes(data[p + 42:p + 46], 'little')
                data[local + 22:local + 26] = (1024).to_bytes(4, 'little')
            p += 4
        open(out, 'wb').write(bytes(data))
    elif kind == 'long-text':
        workbook(out, sheet(TITLE + '<row r="2"><c r="B2" t="inlineStr"><is><t>' + '长' * 40_000 + '</t></is></c></row>'))
    elif kind == 'truncated':
        data = open(sys.argv[3], 'rb').read()
        open(out, 'wb').write(data[:len(data) // 2])
    elif kind == 'csv':
        open(out, 'w', encoding='utf-8').write('事项编码,主项名称\n620A0001,食品经营许可\n')
    else:
        raise SystemExit(f'unknown kind {kind}')


if __name__ == '__main__':
    main()
