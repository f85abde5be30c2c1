import {mkdir, open, unlink} from 'node:fs/promises'
import {resolve} from 'node:path'

import type {Document, IRunOptions, Paragraph, TextRun} from 'docx'

import {parseIsoDate} from '../dates.js'
import {InvalidInput} from '../errors.js'

/**
 * Written notices (书面通知) of the extranet, as Word documents: closing a unit's access
 * (NET-6, 第十三条 — "关闭其接入链路并书面通知外网接入单位"), cutting a unit off for an
 * unrectified security problem (NET-7, 第二十条), restoring it after rectification, and the
 * written reply to an application not approved (NET-5, 第十二条（二） — "审核未通过的，应当及时告知申请单位").
 *
 * An official document: it carries its own document number (发文字号, a sequence per kind and
 * year, see net/notice-numbers.ts) and quotes the regulation's article, never an internal rule
 * id; the request number is only a reference line at the foot.
 *
 * The `docx` package is loaded only when a notice is written: it is heavy, and nothing at
 * CLI start-up needs it.
 */

export type NoticeKind = 'close' | 'cutoff' | 'restore' | 'reject'

export interface Notice {
  kind: NoticeKind
  /** 单位名称, e.g. 市人力资源和社会保障局. */
  unit: string
  /** The request decided: a reference line at the foot and the file name, not the document number. */
  requestId: number
  /** 发文字号, as printed: 甘数〔2026〕3号 or 〔2026〕第3号. */
  number: string
  /** YYYY-MM-DD, the date of the decision (China). */
  date: string
  /** 关闭原因 / 断网原因（安全问题）/ 整改情况 / 不予批准的理由 (reject: required, NET-5). */
  reason?: string
  /** YYYY-MM-DD, cutoff only: 整改期限. */
  rectifyBy?: string
  /** CIDRs concerned (returned to the pool on close; held on cutoff). */
  addresses?: string[]
  /** e.g. 嘉峪关市数据局. */
  issuer: string
  /** reject: what was applied for — joining the extranet or changing a connection. */
  application?: 'onboarding' | 'change'
  /** reject: the application's 申请依据, to identify it. */
  basis?: string
  /** The operator who decided (经办): the login name until a roster gives real names. */
  approvedBy: string
  /** Written on a rehearsal database: the title says 【演练】 and a line says it is not a real notice. */
  rehearsal?: boolean
}

/** What heads a notice written on a rehearsal database (issue 18). */
export const REHEARSAL_MARK = '【演练】'

export const NOTICE_TITLES: Record<NoticeKind, string> = {
  close: '关闭通知书',
  cutoff: '断网整改通知书',
  restore: '恢复接入通知书',
  reject: '不予批准通知书',
}

/** The DOMAIN.md rule behind each kind: for code and tests only, never printed on a notice. */
export const NOTICE_RULES: Record<NoticeKind, string> = {
  close: 'NET-6',
  cutoff: 'NET-7',
  restore: 'NET-7',
  reject: 'NET-5',
}

const REGULATION = '《嘉峪关市电子政务外网管理办法》'

/** The articles in the regulation's own words (file 004), quoted without their closing full stop. */
const ARTICLES: Record<NoticeKind, {number: string; text: string}> = {
  close: {
    number: '第十三条',
    text: '不再使用嘉峪关市政务外网的接入单位，要及时提交关闭网络的变更申请，经市数据局审批同意后，' + '关闭其接入链路并书面通知外网接入单位。申请重新开通的，应当重新申请并提供依据',
  },
  cutoff: {
    number: '第二十条',
    text: '市数据局对政务外网进行安全检查，存在问题的单位应及时处置。对于出现问题后不响应、不处置等' + '拒不履行安全责任的，市数据局将切断电子政务外网接入线路，责令相关单位限期整改',
  },
  restore: {
    number: '第二十条',
    text: '市数据局对政务外网进行安全检查，存在问题的单位应及时处置。对于出现问题后不响应、不处置等' + '拒不履行安全责任的，市数据局将切断电子政务外网接入线路，责令相关单位限期整改',
  },
  reject: {
    number: '第十二条第（二）项',
    text: '审核。市数据局对申请、变更依据等进行合规性、合理性审核。审核通过的及时通知申请单位，' + '并负责做好网络接入开通或变更准备工作；审核未通过的，应当及时告知申请单位',
  },
}

// Characters no file name may hold on Windows, macOS or Linux, and control characters.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAME = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f]/g
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g
const MAX_UNIT_IN_NAME = 60

/**
 * The file name of a notice: `2026-11-23_关闭通知书_市人社局_12.docx`. Characters a file name
 * may not hold become `_`. `writeNotice` adds -2, -3 … when the name is taken.
 */
export function noticeFileName(notice: Notice): string {
  const safe = (text: string) => text.replace(UNSAFE_IN_NAME, '_').replace(/\s+/g, ' ').trim()
  const unit = [...safe(notice.unit)].slice(0, MAX_UNIT_IN_NAME).join('')
  return `${[safe(notice.date), NOTICE_TITLES[notice.kind], unit, String(notice.requestId)].join('_')}.docx`
}

/**
 * Writes the notice as a .docx in `dir` (created if missing) and returns the file's absolute
 * path. An existing file is never overwritten: the name takes -2, -3 … instead, and the name is
 * claimed atomically, so two processes writing at once get two files.
 */
export async function writeNotice(dir: string, notice: Notice): Promise<string> {
  const checked = validate(notice)
  const bytes = await render(checked)
  await mkdir(dir, {recursive: true})
  const base = noticeFileName(checked)
  const stem = base.slice(0, -'.docx'.length)
  for (let n = 1; ; n++) {
    const path = resolve(dir, n === 1 ? base : `${stem}-${n}.docx`)
    let handle
    try {
      handle = await open(path, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw error
    }
    try {
      await handle.writeFile(bytes)
      await handle.close()
    } catch (error) {
      await handle.close().catch(() => {})
      await unlink(path).catch(() => {})
      throw error
    }
    return path
  }
}

function validate(notice: Notice): Notice {
  if (!(notice.kind in NOTICE_TITLES)) throw new InvalidInput('input.empty', {field: 'kind'}, {field: 'kind'})
  for (const field of ['unit', 'issuer', 'approvedBy'] as const) {
    if (clean(notice[field] ?? '') === '') throw new InvalidInput('input.empty', {field}, {field})
  }
  if (clean(notice.number ?? '') === '') throw new InvalidInput('input.empty', {field: 'number'}, {field: 'number'})
  // NET-5: the applicant is told the reason.
  if (notice.kind === 'reject' && reasonOf(notice) === '') throw new InvalidInput('input.empty', {field: 'reason'}, {field: 'reason', rule: 'NET-5'})
  if (!Number.isSafeInteger(notice.requestId) || notice.requestId < 1) {
    throw new InvalidInput('input.badInteger', {field: 'requestId', value: String(notice.requestId)}, {field: 'requestId'})
  }
  const date = parseIsoDate(String(notice.date ?? ''), 'date')
  let rectifyBy: string | undefined
  if (notice.kind === 'cutoff') {
    // NET-7: a cut-off always carries its deadline.
    if (clean(notice.rectifyBy ?? '') === '') throw new InvalidInput('input.empty', {field: 'rectifyBy'}, {field: 'rectifyBy', rule: 'NET-7'})
    rectifyBy = parseIsoDate(notice.rectifyBy!, 'rectifyBy')
  }
  return {...notice, date, rectifyBy}
}

/** Text for the document: control characters and runs of white space become one space. */
function clean(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim()
}

/** 2026-11-03 → 2026年11月3日 (GB/T 9704: months and days without a leading zero). */
function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** The reason as a clause: cleaned, without closing punctuation (the sentence adds its own). */
function reasonOf(notice: Notice): string {
  return clean(notice.reason ?? '').replace(/[。．.；;，,、\s]+$/u, '')
}

function addressesOf(notice: Notice): string {
  return (notice.addresses ?? [])
    .map(clean)
    .filter((a) => a !== '')
    .join('、')
}

/** The body of each kind, paragraph by paragraph. */
function noticeBody(notice: Notice): string[] {
  const date = chineseDate(notice.date)
  const reason = reasonOf(notice)
  const addresses = addressesOf(notice)
  const article = ARTICLES[notice.kind]
  const basis = `根据${REGULATION}${article.number}“${article.text}”的规定`
  const issuer = clean(notice.issuer)
  switch (notice.kind) {
    case 'close':
      return [
        `贵单位关于关闭电子政务外网接入的申请收悉${reason ? `，申请关闭的原因为：${reason}` : ''}。`,
        `${basis}，经审核，同意贵单位的申请。贵单位电子政务外网接入已于${date}关闭，` + `所使用的电子政务外网地址${addresses ? `（${addresses}）` : ''}已收回，纳入地址池统一管理分配。`,
        '请贵单位停止使用原电子政务外网地址，并及时清除本单位网络设备中的相关配置。',
        '如需重新接入电子政务外网，应重新提出申请并说明申请依据。',
        '特此通知。',
      ]
    case 'cutoff':
      return [
        reason
          ? `经安全检查，贵单位接入电子政务外网的网络存在以下安全问题：${reason}。该问题经通知后，贵单位至今未予处置整改。`
          : '经安全检查，贵单位接入电子政务外网的网络存在安全问题，经通知后，贵单位至今未予处置整改。',
        `${basis}，决定自${date}起切断贵单位电子政务外网接入线路，责令贵单位于${chineseDate(notice.rectifyBy!)}前完成整改。`,
        `整改期间，贵单位所使用的电子政务外网地址${addresses ? `（${addresses}）` : ''}予以保留，不另行分配。`,
        `请贵单位切实履行本单位网络安全主体责任，立即组织整改。整改完成后，请向${issuer}书面报送整改情况，` + '申请恢复接入；经复查确认整改到位后，恢复贵单位电子政务外网接入。',
        '特此通知。',
      ]
    case 'restore':
      return [
        `贵单位报送的电子政务外网安全问题整改情况收悉${reason ? `，整改情况为：${reason}` : ''}。`,
        `${basis}，经复查，贵单位已完成整改，整改情况符合要求。决定自${date}起恢复贵单位电子政务外网接入` + `，整改期间保留的电子政务外网地址${addresses ? `（${addresses}）` : ''}恢复使用。`,
        '请贵单位切实履行本单位网络安全主体责任，加强日常安全管理，发现问题及时处置，确保电子政务外网安全稳定运行。',
        '特此通知。',
      ]
    case 'reject': {
      const change = notice.application === 'change'
      const what = change ? '变更电子政务外网接入' : '接入电子政务外网'
      const applied = clean(notice.basis ?? '')
      return [
        `贵单位关于${what}的申请${applied ? `（申请依据：${applied}）` : ''}收悉。`,
        `${basis}，经审核，贵单位的申请未获通过，不予批准。理由如下：${reason}。`,
        `如仍需${what}，请针对上述理由补充完善申请依据等材料后，重新向${issuer}提出申请。`,
        '特此通知。',
      ]
    }
  }
}

// GB/T 9704-2012 (党政机关公文格式): A4, margins 37/35/28/26 mm, title 2号 (22 pt), body 3号
// (16 pt) with lines of about 28 pt; 2 characters of first-line indent at 16 pt = 640 twips.
const TITLE_FONT = '宋体'
const BODY_FONT = '仿宋'
const LATIN_FONT = 'Times New Roman'
const TITLE_SIZE = 44
const BODY_SIZE = 32
const SMALL_SIZE = 21
const LINE = 560
const INDENT_2 = 640

type Docx = typeof import('docx')

/** The notice as a .docx (GB/T 9704 layout): its paragraphs on A4 pages with the page number in the footer. */
async function render(notice: Notice): Promise<Buffer> {
  const docx = await import('docx')
  return docx.Packer.toBuffer(noticeDocument(docx, notice, noticeParagraphs(docx, notice)))
}

/** A run of text in the body font (or the given one), Latin in Times New Roman, language zh-CN. */
function textRun(docx: Docx, text: string, options: {font?: string; size?: number; bold?: boolean} = {}): TextRun {
  // Typed as run options: TextRun also takes a bare string, whose (deprecated) String.prototype.bold the literal would otherwise be read against.
  const run: IRunOptions = {
    text,
    bold: options.bold,
    size: options.size ?? BODY_SIZE,
    font: {ascii: LATIN_FONT, hAnsi: LATIN_FONT, cs: LATIN_FONT, eastAsia: options.font ?? BODY_FONT},
    language: {value: 'en-US', eastAsia: 'zh-CN'},
  }
  return new docx.TextRun(run)
}

/** Title, number, addressee, body, issuer and date, who handled it and the article it rests on. */
function noticeParagraphs(docx: Docx, notice: Notice): Paragraph[] {
  const {AlignmentType, LineRuleType} = docx
  const run = (text: string, options: {font?: string; size?: number; bold?: boolean} = {}) => textRun(docx, text, options)
  const line = {line: LINE, lineRule: LineRuleType.EXACT}
  const paragraph = (text: string, options: {alignment?: (typeof AlignmentType)[keyof typeof AlignmentType]; indent?: boolean; size?: number} = {}) =>
    new docx.Paragraph({
      children: text ? [run(text, {size: options.size})] : [],
      alignment: options.alignment ?? AlignmentType.JUSTIFIED,
      indent: options.indent ? {firstLine: INDENT_2} : undefined,
      spacing: options.size ? undefined : line,
    })

  const title = `${notice.rehearsal ? REHEARSAL_MARK : ''}${NOTICE_TITLES[notice.kind]}`
  const article = ARTICLES[notice.kind]
  const issuer = clean(notice.issuer)
  const children: Paragraph[] = [
    new docx.Paragraph({
      children: [run(title, {font: TITLE_FONT, size: TITLE_SIZE, bold: true})],
      alignment: AlignmentType.CENTER,
      spacing: {before: 240, after: 240, line: 800, lineRule: LineRuleType.EXACT},
    }),
    paragraph(clean(notice.number), {alignment: AlignmentType.CENTER}),
    ...(notice.rehearsal ? [paragraph('演练数据库生成，不是正式通知，不具效力。', {alignment: AlignmentType.CENTER})] : []),
    paragraph(''),
    paragraph(`${clean(notice.unit)}：`, {alignment: AlignmentType.LEFT}),
    ...noticeBody(notice).map((text) => paragraph(text, {indent: true})),
    paragraph(''),
    paragraph(''),
    new docx.Paragraph({children: [run(issuer)], alignment: AlignmentType.RIGHT, indent: {right: INDENT_2}, spacing: line}),
    new docx.Paragraph({children: [run(chineseDate(notice.date))], alignment: AlignmentType.RIGHT, indent: {right: INDENT_2}, spacing: line}),
    paragraph(''),
    paragraph(`经办：${clean(notice.approvedBy)}`, {alignment: AlignmentType.LEFT}),
    paragraph(`依据：${REGULATION}${article.number}；申请编号：${notice.requestId}`, {alignment: AlignmentType.LEFT, size: SMALL_SIZE}),
  ]
  return children
}

/** The document: A4 with GB/T 9704's margins, the default run style, the page number centred in the footer. */
function noticeDocument(docx: Docx, notice: Notice, children: Paragraph[]): Document {
  const {AlignmentType, Document, Footer, PageNumber, TextRun, convertMillimetersToTwip: mm} = docx
  const title = `${notice.rehearsal ? REHEARSAL_MARK : ''}${NOTICE_TITLES[notice.kind]}`
  const issuer = clean(notice.issuer)
  return new Document({
    title,
    subject: `${clean(notice.unit)} ${title}`,
    creator: issuer,
    lastModifiedBy: clean(notice.approvedBy),
    description: clean(notice.number),
    styles: {
      default: {
        document: {
          run: {
            size: BODY_SIZE,
            font: {ascii: LATIN_FONT, hAnsi: LATIN_FONT, cs: LATIN_FONT, eastAsia: BODY_FONT},
            language: {value: 'en-US', eastAsia: 'zh-CN'},
          },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: {width: 11906, height: 16838}, // A4 in twips
            margin: {top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), header: mm(15), footer: mm(28)},
          },
        },
        footers: {
          default: new Footer({
            children: [
              new docx.Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({
                    children: ['— ', PageNumber.CURRENT, ' —'],
                    size: 28,
                    font: {ascii: LATIN_FONT, hAnsi: LATIN_FONT, eastAsia: TITLE_FONT},
                  }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  })
}
