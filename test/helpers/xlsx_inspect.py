"""A second reader for what egov writes into .xlsx files beyond cell text, independent of
exceljs: Python's standard library (zipfile + ElementTree) reads the workbook's XML and
prints, per sheet, every cell's value, type (s: text, n: number, formula), fill colour, bold
font and comment, the data-validation lists, the merged ranges and the frozen pane, as JSON."""
import json
import re
import sys
import zipfile
import posixpath
import xml.etree.ElementTree as ET

M = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
PR = 'http://schemas.openxmlformats.org/package/2006/relationships'
NS = {'m': M, 'r': R}


def text_of(node):
    return ''.join(t.text or '' for t in node.iter('{%s}t' % M))


def rels_of(z, part):
    d, f = posixpath.split(part)
    path = posixpath.join(d, '_rels', f + '.rels')
    if path not in z.namelist():
        return {}
    out = {}
    for r in ET.fromstring(z.read(path)):
        target = r.get('Target')
        out[r.get('Id')] = (r.get('Type', ''), target if target.startswith('/') else posixpath.normpath(posixpath.join(d, target)))
    return out


def main(path):
    z = zipfile.ZipFile(path)
    shared = []
    if 'xl/sharedStrings.xml' in z.namelist():
        shared = [text_of(si) for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS)]
    fills, xfs, bold, xf_fonts = [], [], [], []
    if 'xl/styles.xml' in z.namelist():
        styles = ET.fromstring(z.read('xl/styles.xml'))
        for fill in styles.iter('{%s}fill' % M):
            fg = fill.find('m:patternFill/m:fgColor', NS)
            fills.append(fg.get('rgb') if fg is not None else None)
        fonts = styles.find('m:fonts', NS)
        bold = [f.find('m:b', NS) is not None and f.find('m:b', NS).get('val', '1') not in ('0', 'false') for f in fonts] if fonts is not None else []
        cell_xfs = styles.find('m:cellXfs', NS)
        xfs = [int(x.get('fillId', '0')) for x in cell_xfs] if cell_xfs is not None else []
        xf_fonts = [int(x.get('fontId', '0')) for x in cell_xfs] if cell_xfs is not None else []
    book_rels = rels_of(z, 'xl/workbook.xml')
    out = {}
    for sheet in ET.fromstring(z.read('xl/workbook.xml')).find('m:sheets', NS):
        part = book_rels[sheet.get('{%s}id' % R)][1].lstrip('/')
        root = ET.fromstring(z.read(part))
        cells = {}
        for c in root.iter('{%s}c' % M):
            ref = c.get('r')
            v = c.find('m:v', NS)
            f = c.find('m:f', NS)
            t = c.get('t', 'n')
            if t == 's':
                value = shared[int(v.text)]
            elif t == 'inlineStr':
                value = text_of(c.find('m:is', NS))
                t = 's'
            elif t == 'str':
                value = v.text if v is not None else ''
            else:
                value = v.text if v is not None else None
            entry = {'v': value, 't': 'formula' if f is not None else t}
            s = int(c.get('s', '0'))
            if s < len(xfs) and xfs[s] < len(fills) and fills[xfs[s]]:
                entry['fill'] = fills[xfs[s]]
            if s < len(xf_fonts) and xf_fonts[s] < len(bold) and bold[xf_fonts[s]]:
                entry['bold'] = True
            if value is not None or 'fill' in entry:
                cells[ref] = entry
        for rtype, target in rels_of(z, part).values():
            if rtype.endswith('/comments'):
                part_root = ET.fromstring(z.read(target.lstrip('/')))
                authors = [a.text or '' for a in part_root.iter('{%s}author' % M)]
                for comment in part_root.iter('{%s}comment' % M):
                    entry = cells.setdefault(comment.get('ref'), {'v': None, 't': 'n'})
                    entry['comment'] = text_of(comment.find('m:text', NS))
                    author_id = int(comment.get('authorId', '0'))
                    if author_id < len(authors):
                        entry['author'] = authors[author_id]
        validations = []
        for dv in root.iter('{%s}dataValidation' % M):
            f1 = dv.find('m:formula1', NS)
            validations.append({'sqref': dv.get('sqref'), 'type': dv.get('type'), 'formula1': f1.text if f1 is not None else None})
        pane = root.find('m:sheetViews/m:sheetView/m:pane', NS)
        out[sheet.get('name')] = {
            'cells': cells,
            'validations': validations,
            'merges': [m.get('ref') for m in root.iter('{%s}mergeCell' % M)],
            'frozen': pane.get('topLeftCell') if pane is not None and pane.get('state') == 'frozen' else None,
        }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == '__main__':
    main(sys.argv[1])
