"""A second reader for .xlsx files, independent of exceljs: Python's standard library
(zipfile + ElementTree) reads the workbook's XML and prints {sheet: [[cell text, ...], ...]}
as JSON. Used by tests to check what egov writes."""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}


def column_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def main(path):
    z = zipfile.ZipFile(path)
    shared = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
            shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])))
    rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
    out = {}
    for sheet in ET.fromstring(z.read('xl/workbook.xml')).find('m:sheets', NS):
        target = rels[sheet.get('{%s}id' % NS['r'])].lstrip('/')
        target = target if target.startswith('xl/') else 'xl/' + target
        rows = []
        for row in ET.fromstring(z.read(target)).iter('{%s}row' % NS['m']):
            cells = []
            for c in row.findall('m:c', NS):
                i = column_index(c.get('r'))
                while len(cells) < i:
                    cells.append('')
                v = c.find('m:v', NS)
                inline = c.find('m:is', NS)
                if c.get('t') == 's':
                    cells.append(shared[int(v.text)])
                elif inline is not None:
                    cells.append(''.join(t.text or '' for t in inline.iter('{%s}t' % NS['m'])))
                else:
                    cells.append(v.text if v is not None else '')
            rows.append(cells)
        out[sheet.get('name')] = rows
    print(json.dumps(out, ensure_ascii=False))


if __name__ == '__main__':
    main(sys.argv[1])
