"""A service-item list as a clerk's own workbook, written by hand with Python's standard library
(zipfile), not by egov or exceljs: a merged and styled title row, a filled header row, a drop-down
list (data validation) on 事项类型, and comments the clerk left (one on the title, one on 咨询电话
of the second item). The worksheets are stored before xl/workbook.xml, as some tools do.

    python3 make_clerk_xlsx.py OUT.xlsx [clean|bad]

bad: the second item's 咨询电话 is 3266001 (no area code), the cell that carries the clerk's comment.
"""
import sys
import zipfile
from xml.sax.saxutils import escape

BASIC = ['事项编码', '主项名称', '子项名称', '事项类型', '办件类型', '实施主体', '实施单位', '权力来源', '行使层级', '许可数量',
         '法定办结时限(工作日)', '承诺办结时限(工作日)', '是否收费', '收费方式', '办理结果类型', '办理结果领取方式', '到现场次数',
         '通办范围', '监督投诉电话', '咨询电话', '办公时间', '办理地点', '交通指引', '涉及的中介服务', '受理标准', '设定依据',
         '收费标准', '收费依据']
STEPS = ['事项编码', '环节名称', '办理处室', '办理人', '办理时限', '特殊环节', '办理流程图', '办理结果样本']
MATERIALS = ['事项编码', '材料名称', '材料类型', '来源渠道', '受理标准', '材料要求', '需提交材料份数', '是否必须']

BODY = '广元市自然资源和规划局'
K1 = '510A0007700011-510800000000-000-11510800MB0000002X-1-00'
K2 = '510A0007700012-510800000000-000-11510800MB0000002X-1-00'
TITLE = '广元市自然资源和规划局政务服务事项实施清单'
CLERK_TITLE_NOTE = '填表说明：事项类型请从下拉列表中选择'
CLERK_PHONE_NOTE = '王芳：电话待科室确认'


def item(code, name, phone):
    row = {h: '' for h in BASIC}
    row.update({
        '事项编码': code, '主项名称': name, '事项类型': '行政许可', '办件类型': '承诺件', '实施主体': BODY, '实施单位': '审批科',
        '权力来源': '法定本级行使', '行使层级': '市级', '许可数量': '无数量限制', '法定办结时限(工作日)': '20',
        '承诺办结时限(工作日)': '10', '是否收费': '否', '办理结果类型': '出证办结', '办理结果领取方式': '窗口领取', '到现场次数': '1',
        '通办范围': '全市', '监督投诉电话': '12345', '咨询电话': phone, '办公时间': '周一至周五 9:00-17:00',
        '办理地点': '广元市政务服务中心三楼', '涉及的中介服务': '无', '受理标准': '申请材料齐全、符合法定形式',
        '设定依据': '《中华人民共和国城乡规划法》第三十七条',
    })
    return [row[h] for h in BASIC]


def col(n):
    s = ''
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


class Strings:
    def __init__(self):
        self.items, self.index = [], {}

    def ref(self, text):
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append(text)
        return self.index[text]

    def xml(self):
        body = ''.join('<si><t xml:space="preserve">%s</t></si>' % escape(t) for t in self.items)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
                % (len(self.items), len(self.items), body))


def sheet_xml(strings, rows, styles=None, extra='', after=''):
    """rows: lists of cell texts from row 1; styles: {(row, col): style index}."""
    out = []
    for r, values in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(values, 1):
            s = (styles or {}).get((r, c), 0)
            attr = ' s="%d"' % s if s else ''
            if v == '':
                if s:
                    cells.append('<c r="%s%d"%s/>' % (col(c), r, attr))
                continue
            cells.append('<c r="%s%d" t="s"%s><v>%d</v></c>' % (col(c), r, attr, strings.ref(v)))
        out.append('<row r="%d">%s</row>' % (r, ''.join(cells)))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetData>%s</sheetData>%s%s</worksheet>' % (''.join(out), extra, after))


STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<fonts count="2"><font><sz val="11"/><name val="宋体"/></font><font><b/><sz val="16"/><name val="黑体"/></font></fonts>'
          '<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
          '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
          '<fill><patternFill patternType="solid"><fgColor rgb="FFE2EFDA"/><bgColor indexed="64"/></patternFill></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"><alignment horizontal="center"/></xf>'
          '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          '</styleSheet>')


def comments_xml(notes):
    body = ''.join('<comment ref="%s" authorId="0"><text><t xml:space="preserve">%s</t></text></comment>' % (ref, escape(t)) for ref, t in notes)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<authors><author>王芳</author></authors><commentList>%s</commentList></comments>' % body)


def vml(refs):
    shapes = ''
    for i, ref in enumerate(refs):
        c = ''.join(ch for ch in ref if ch.isalpha())
        n = 0
        for ch in c:
            n = n * 26 + ord(ch) - 64
        row = int(''.join(ch for ch in ref if ch.isdigit()))
        shapes += ('<v:shape id="_x0000_s%d" type="#_x0000_t202" style="position:absolute;visibility:hidden" fillcolor="#ffffe1">'
                   '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
                   '<x:Row>%d</x:Row><x:Column>%d</x:Column></x:ClientData></v:shape>' % (1025 + i, row - 1, n - 1))
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>%s</xml>' % shapes)


def main(out, mode):
    strings = Strings()
    phone = '3266001' if mode == 'bad' else '0839-3266002'
    basic = [[TITLE] + [''] * (len(BASIC) - 1), BASIC, item(K1, '建设工程规划许可证核发', '0839-3266001'), item(K2, '乡村建设规划许可证核发', phone)]
    styles = {(1, c): 1 for c in range(1, len(BASIC) + 1)}
    styles.update({(2, c): 2 for c in range(1, len(BASIC) + 1)})
    last = col(len(BASIC))
    kind = col(BASIC.index('事项类型') + 1)
    phone_ref = '%s4' % col(BASIC.index('咨询电话') + 1)
    validation = ('<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="%s3:%s200">'
                  '<formula1>"行政许可,行政确认,行政备案,公共服务"</formula1></dataValidation></dataValidations>' % (kind, kind))
    sheet1 = sheet_xml(strings, basic, styles,
                       '<mergeCells count="1"><mergeCell ref="A1:%s1"/></mergeCells>%s' % (last, validation),
                       '<legacyDrawing r:id="rId2"/>')
    sheet2 = sheet_xml(strings, [STEPS, [K1, '受理', '审批科', '窗口人员', '1', '', '', ''], [K2, '受理', '审批科', '窗口人员', '1', '', '', '']])
    sheet3 = sheet_xml(strings, [MATERIALS, [K1, '建设工程规划许可申请表', '原件', '申请人自备', '', '', '1', '是'], [K2, '乡村建设规划许可申请表', '原件', '申请人自备', '', '', '1', '是']])
    notes = [('A1', CLERK_TITLE_NOTE), (phone_ref, CLERK_PHONE_NOTE)]
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          + ''.join('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % i for i in (1, 2, 3))
          + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
          '</Types>')
    rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
    pkg = 'http://schemas.openxmlformats.org/package/2006/relationships'
    root_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="%s">'
                 '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (pkg, rel))
    book_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="%s">' % pkg
                 + ''.join('<Relationship Id="rId%d" Type="%s/worksheet" Target="/xl/worksheets/sheet%d.xml"/>' % (i, rel, i) for i in (1, 2, 3))
                 + '<Relationship Id="rId4" Type="%s/styles" Target="styles.xml"/>' % rel
                 + '<Relationship Id="rId5" Type="%s/sharedStrings" Target="sharedStrings.xml"/></Relationships>' % rel)
    sheet1_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="%s">'
                   '<Relationship Id="rId1" Type="%s/comments" Target="../comments1.xml"/>'
                   '<Relationship Id="rId2" Type="%s/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>' % (pkg, rel, rel))
    book = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="%s"><sheets>'
            '<sheet name="基本信息" sheetId="1" r:id="rId1"/><sheet name="办理流程" sheetId="2" r:id="rId2"/>'
            '<sheet name="申请材料" sheetId="3" r:id="rId3"/></sheets></workbook>' % rel)
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', ct)
        z.writestr('_rels/.rels', root_rels)
        # Shared strings and sheets before the workbook part, as some producers store them.
        z.writestr('xl/sharedStrings.xml', strings.xml())
        z.writestr('xl/worksheets/sheet1.xml', sheet1)
        z.writestr('xl/worksheets/_rels/sheet1.xml.rels', sheet1_rels)
        z.writestr('xl/worksheets/sheet2.xml', sheet2)
        z.writestr('xl/worksheets/sheet3.xml', sheet3)
        z.writestr('xl/comments1.xml', comments_xml(notes))
        z.writestr('xl/drawings/vmlDrawing1.vml', vml([r for r, _ in notes]))
        z.writestr('xl/styles.xml', STYLES)
        z.writestr('xl/_rels/workbook.xml.rels', book_rels)
        z.writestr('xl/workbook.xml', book)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else 'clean')
