import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, isAbsolute, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, describe, expect, it} from 'vitest'

import {InvalidInput} from '../../src/core/errors.js'
import {NOTICE_RULES, NOTICE_TITLES, type Notice, noticeFileName, writeNotice} from '../../src/core/io/index.js'

const root = mkdtempSync(join(tmpdir(), 'egov-notices-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let dirs = 0
const freshDir = () => join(root, `d${++dirs}`)

/** The document's XML, read with `unzip`, independently of the docx package. */
function documentXml(file: string): string {
  return execFileSync('unzip', ['-p', file, 'word/document.xml'], {encoding: 'utf8'})
}

/** The text a reader sees: the XML without its tags, entities decoded. */
function documentText(file: string): string {
  return documentXml(file)
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

function entries(file: string): string[] {
  return execFileSync('unzip', ['-Z1', file], {encoding: 'utf8'}).split('\n').filter(Boolean)
}

function pythonTestsZip(file: string): void {
  execFileSync('python3', ['-c', 'import zipfile,sys; assert zipfile.ZipFile(sys.argv[1]).testzip() is None', file])
}

const base = {
  unit: '市人力资源和社会保障局',
  requestId: 12,
  issuer: '嘉峪关市数据局',
  approvedBy: '李审核',
} as const

const close: Notice = {
  ...base,
  kind: 'close',
  number: '甘数〔2026〕5号',
  date: '2026-11-23',
  reason: '机构职能调整，业务系统已迁移至政务云。',
  addresses: ['10.20.1.0/24', '10.20.9.8/29'],
}
const cutoff: Notice = {
  ...base,
  kind: 'cutoff',
  requestId: 13,
  number: '〔2026〕第3号',
  date: '2026-11-03',
  reason: '办公终端感染勒索病毒并向外网段发起扫描',
  rectifyBy: '2026-12-04',
  addresses: ['10.20.2.0/24', '2001:db8:1::/48'],
}
const restore: Notice = {
  ...base,
  kind: 'restore',
  requestId: 14,
  number: '〔2026〕第1号',
  date: '2026-12-07',
  reason: '已清除病毒、修补漏洞并完成复测',
  addresses: ['10.20.2.0/24'],
}
const reject: Notice = {
  ...base,
  kind: 'reject',
  requestId: 15,
  number: '甘数〔2026〕2号',
  date: '2026-12-08',
  reason: '申请依据不足，未附业务主管部门批复。',
  application: 'onboarding',
  basis: '《关于建设社保业务专网的通知》',
}

/** No internal rule id (NET-7, CERT-2 …) on an official document. */
const RULE_ID = /\b[A-Z]+-\d+\b/

describe('notices (NET-5, NET-6, NET-7)', () => {
  it('has a title and a rule per kind', () => {
    expect(NOTICE_TITLES).toEqual({close: '关闭通知书', cutoff: '断网整改通知书', restore: '恢复接入通知书', reject: '不予批准通知书'})
    expect(NOTICE_RULES).toEqual({close: 'NET-6', cutoff: 'NET-7', restore: 'NET-7', reject: 'NET-5'})
  })

  it('writes a closing notice (第十三条): link closed, addresses returned, reapply with a basis', async () => {
    const file = await writeNotice(freshDir(), close)
    expect(isAbsolute(file)).toBe(true)
    expect(basename(file)).toBe('2026-11-23_关闭通知书_市人力资源和社会保障局_12.docx')
    const text = documentText(file)
    for (const s of [
      '关闭通知书',
      '甘数〔2026〕5号',
      '市人力资源和社会保障局：',
      '《嘉峪关市电子政务外网管理办法》第十三条',
      '关闭其接入链路并书面通知外网接入单位',
      '贵单位电子政务外网接入已于2026年11月23日关闭',
      '10.20.1.0/24、10.20.9.8/29',
      '已收回',
      '机构职能调整，业务系统已迁移至政务云。',
      '应重新提出申请并说明申请依据',
      '嘉峪关市数据局',
      '经办：李审核',
      '依据：《嘉峪关市电子政务外网管理办法》第十三条；申请编号：12',
    ]) {
      expect(text).toContain(s)
    }
    // The document number is the notice's own, not the request's.
    expect(text).not.toContain('第12号')
    expect(text).not.toMatch(RULE_ID)
    expect(text).not.toContain('云。。')
    expect(text).not.toContain('undefined')
    expect(text).not.toContain('null')
  })

  it('writes a cut-off notice (第二十条): from the date, rectify by the deadline, addresses held', async () => {
    const file = await writeNotice(freshDir(), cutoff)
    expect(basename(file)).toBe('2026-11-03_断网整改通知书_市人力资源和社会保障局_13.docx')
    const text = documentText(file)
    for (const s of [
      '断网整改通知书',
      '〔2026〕第3号',
      '市人力资源和社会保障局：',
      '办公终端感染勒索病毒并向外网段发起扫描',
      '《嘉峪关市电子政务外网管理办法》第二十条',
      '切断电子政务外网接入线路，责令相关单位限期整改',
      '自2026年11月3日起切断贵单位电子政务外网接入线路',
      '于2026年12月4日前完成整改',
      '10.20.2.0/24、2001:db8:1::/48',
      '予以保留，不另行分配',
      '申请恢复接入',
      '嘉峪关市数据局',
      '经办：李审核',
      '依据：《嘉峪关市电子政务外网管理办法》第二十条；申请编号：13',
    ]) {
      expect(text).toContain(s)
    }
    expect(text).not.toMatch(RULE_ID)
    expect(text).not.toContain('undefined')
  })

  it('writes a restore notice: rectification accepted, access restored from the date', async () => {
    const file = await writeNotice(freshDir(), restore)
    const text = documentText(file)
    for (const s of [
      '恢复接入通知书',
      '〔2026〕第1号',
      '市人力资源和社会保障局：',
      '已清除病毒、修补漏洞并完成复测',
      '第二十条',
      '整改情况符合要求',
      '自2026年12月7日起恢复贵单位电子政务外网接入',
      '10.20.2.0/24',
      '嘉峪关市数据局',
      '2026年12月7日',
      '依据：《嘉峪关市电子政务外网管理办法》第二十条；申请编号：14',
    ]) {
      expect(text).toContain(s)
    }
    expect(text).not.toMatch(RULE_ID)
    expect(text).not.toContain('undefined')
  })

  it('writes the reply to a rejected application (NET-5, 第十二条（二）): the reason told, its own number', async () => {
    const file = await writeNotice(freshDir(), reject)
    expect(basename(file)).toBe('2026-12-08_不予批准通知书_市人力资源和社会保障局_15.docx')
    const text = documentText(file)
    for (const s of [
      '不予批准通知书',
      '甘数〔2026〕2号',
      '市人力资源和社会保障局：',
      '贵单位关于接入电子政务外网的申请（申请依据：《关于建设社保业务专网的通知》）收悉。',
      '《嘉峪关市电子政务外网管理办法》第十二条第（二）项',
      '审核未通过的，应当及时告知申请单位',
      '不予批准。理由如下：申请依据不足，未附业务主管部门批复。',
      '经办：李审核',
      '依据：《嘉峪关市电子政务外网管理办法》第十二条第（二）项；申请编号：15',
    ]) {
      expect(text).toContain(s)
    }
    expect(text).not.toContain('批复。。')
    expect(text).not.toMatch(RULE_ID)
    expect(documentText(await writeNotice(freshDir(), {...reject, application: 'change'}))).toContain('贵单位关于变更电子政务外网接入的申请')
  })

  it('refuses a rejection reply without its reason (NET-5) and any notice without its number', async () => {
    const dir = freshDir()
    await expect(writeNotice(dir, {...reject, reason: ' 。'})).rejects.toMatchObject({code: 'invalid_input', context: {field: 'reason', rule: 'NET-5'}})
    await expect(writeNotice(dir, {...close, number: ''})).rejects.toMatchObject({code: 'invalid_input', context: {field: 'number'}})
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([])
  })

  it('prints no "undefined" when the optional fields are missing or empty', async () => {
    const dir = freshDir()
    for (const notice of [
      {...close, reason: undefined, addresses: undefined},
      {...cutoff, reason: '', addresses: []},
      {...restore, reason: '   ', addresses: ['', ' ']},
    ] satisfies Notice[]) {
      const text = documentText(await writeNotice(dir, notice))
      expect(text).toContain(NOTICE_TITLES[notice.kind])
      expect(text).not.toMatch(/undefined|null|（）|：。/)
    }
  })

  it('sets the page to A4, the title centred, large and bold, and the East-Asian fonts on the runs', async () => {
    const xml = documentXml(await writeNotice(freshDir(), close))
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/)
    expect(xml).toMatch(/w:eastAsia="宋体"/)
    expect(xml).toMatch(/w:eastAsia="仿宋"/)
    const title = xml.slice(0, xml.indexOf('关闭通知书'))
    const lastParagraph = title.slice(title.lastIndexOf('<w:p>'))
    expect(lastParagraph).toContain('<w:jc w:val="center"/>')
    expect(lastParagraph).toContain('<w:b/>')
    expect(lastParagraph).toContain('<w:sz w:val="44"/>')
    // Issuer and date right-aligned.
    const signature = xml.slice(0, xml.lastIndexOf('嘉峪关市数据局'))
    expect(signature.slice(signature.lastIndexOf('<w:p>'))).toContain('<w:jc w:val="right"/>')
  })

  it('is a valid zip with [Content_Types].xml that Python tests OK', async () => {
    const dir = freshDir()
    for (const notice of [close, cutoff, restore]) {
      const file = await writeNotice(dir, notice)
      expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('PK')
      expect(entries(file)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', '_rels/.rels']))
      pythonTestsZip(file)
    }
  })

  it('sanitises file names', () => {
    expect(noticeFileName({...close, unit: '市/人社:局'})).toBe('2026-11-23_关闭通知书_市_人社_局_12.docx')
    expect(noticeFileName({...cutoff, unit: 'a\\b*c?d"e<f>g|h\u0001i'})).toBe('2026-11-03_断网整改通知书_a_b_c_d_e_f_g_h_i_13.docx')
    expect(noticeFileName({...close, unit: '市人社局'})).toBe('2026-11-23_关闭通知书_市人社局_12.docx')
  })

  it('never overwrites: the same notice twice gives two files, the second with -2', async () => {
    const dir = freshDir()
    const notice = {...close, unit: '市/人社:局'}
    const first = await writeNotice(dir, notice)
    const before = readFileSync(first)
    const second = await writeNotice(dir, notice)
    const third = await writeNotice(dir, notice)
    expect(basename(first)).toBe('2026-11-23_关闭通知书_市_人社_局_12.docx')
    expect(basename(second)).toBe('2026-11-23_关闭通知书_市_人社_局_12-2.docx')
    expect(basename(third)).toBe('2026-11-23_关闭通知书_市_人社_局_12-3.docx')
    expect(readFileSync(first).equals(before)).toBe(true)
    expect(readdirSync(dir).sort()).toHaveLength(3)
    expect(documentText(second)).toContain('市/人社:局：')
  })

  it('gives concurrent writes of the same notice distinct files', async () => {
    const dir = freshDir()
    const files = await Promise.all([1, 2, 3, 4].map(() => writeNotice(dir, cutoff)))
    expect(new Set(files).size).toBe(4)
    expect(readdirSync(dir)).toHaveLength(4)
    for (const file of files) pythonTestsZip(file)
  })

  it('creates a missing nested directory', async () => {
    const dir = join(freshDir(), 'a', 'b', 'c')
    expect(existsSync(dir)).toBe(false)
    const file = await writeNotice(dir, restore)
    expect(existsSync(file)).toBe(true)
    expect(file.startsWith(dir)).toBe(true)
  })

  it('refuses a malformed date and a cut-off without its deadline (NET-7), writing nothing', async () => {
    const dir = freshDir()
    await expect(writeNotice(dir, {...close, date: '2026-13-01'})).rejects.toMatchObject({code: 'invalid_input', context: {field: 'date'}})
    await expect(writeNotice(dir, {...cutoff, rectifyBy: undefined})).rejects.toBeInstanceOf(InvalidInput)
    await expect(writeNotice(dir, {...cutoff, rectifyBy: '2026/12/04'})).rejects.toMatchObject({context: {field: 'rectifyBy'}})
    await expect(writeNotice(dir, {...close, unit: ' '})).rejects.toMatchObject({context: {field: 'unit'}})
    expect(existsSync(dir)).toBe(false)
  })

  it('loads docx only when a notice is written, not at import', () => {
    const source = readFileSync(fileURLToPath(new URL('../../src/core/io/notices.ts', import.meta.url)), 'utf8')
    expect(source).not.toMatch(/^import\s+(?!type\b)[^;\n]*from\s+['"]docx['"]/m)
    expect(source).toContain("await import('docx')")
  })
})
