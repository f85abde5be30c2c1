import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'

/**
 * --help in the reader's language (issue 19): under a Chinese locale (LC_ALL, LC_MESSAGES,
 * LANG) every summary, description, heading and the roles section is Chinese; under C or
 * en it is the English of the commands, unchanged. oclif's own parse errors follow the
 * locale too, with the help hint once.
 */
describe('Chinese --help', () => {
  const home = isolatedHome()
  const zh = {...home, LANG: 'zh_CN.UTF-8'}
  const c = {...home, LANG: 'C'}

  it('egov net request apply --help: the Chinese summary, description, headings, flags and roles', async () => {
    const r = await egovInProcess(['net', 'request', 'apply', '--help'], zh)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const out = r.stdout
    expect(out.split('\n')[0]).toBe('为单位申请电子政务外网接入（申请，NET-3、NET-5、NET-8）')
    expect(out.replace(/\s+/g, '')).toContain('NET-5的第一步：提交申请，写明申请依据、接入方式')
    for (const heading of ['用法', '参数选项', '全局参数选项', '说明', '示例', '所需角色']) expect(out).toMatch(new RegExp(`^${heading}$`, 'm'))
    for (const english of ['USAGE', 'FLAGS', 'DESCRIPTION', 'EXAMPLES', 'ROLES', 'Apply for a unit']) expect(out).not.toContain(english)
    expect(out).toContain('受理（filer）或网络管理（net）')
    // Flags keep their names; their descriptions are Chinese.
    expect(out).toContain('--cost-bearer=<option>')
    expect(out).toContain('<可选值：bureau|unit>')
    expect(out).not.toContain('Format output as json.')
    // The examples are the commands as they are.
    expect(out).toContain('$ egov net request apply --unit 市人力资源和社会保障局')
  })

  it('LC_ALL wins over LANG, as the POSIX locale does', async () => {
    const english = await egovInProcess(['net', 'request', 'apply', '--help'], {...home, LANG: 'zh_CN.UTF-8', LC_ALL: 'C'})
    expect(english.stdout.split('\n')[0]).toBe('Apply for a unit’s extranet connection (申请, NET-3, NET-5, NET-8)')
    const chinese = await egovInProcess(['net', 'request', 'apply', '--help'], {...home, LANG: 'C', LC_MESSAGES: 'zh_CN.UTF-8'})
    expect(chinese.stdout.split('\n')[0]).toBe('为单位申请电子政务外网接入（申请，NET-3、NET-5、NET-8）')
  })

  it('LANG=C: the English help, unchanged', async () => {
    const r = await egovInProcess(['net', 'request', 'apply', '--help'], c)
    expect(r.code).toBe(0)
    const out = r.stdout
    expect(out.split('\n')[0]).toBe('Apply for a unit’s extranet connection (申请, NET-3, NET-5, NET-8)')
    for (const heading of ['USAGE', 'FLAGS', 'GLOBAL FLAGS', 'DESCRIPTION', 'EXAMPLES', 'ROLES']) expect(out).toMatch(new RegExp(`^${heading}$`, 'm'))
    expect(out).toContain('The first step of NET-5')
    expect(out).toContain('Format output as json.')
    expect(out).toContain('filer (受理) or net (网络管理)')
    for (const chinese of ['用法', '说明', '参数选项', '所需角色', '可选值']) expect(out).not.toContain(chinese)
  })

  it('egov --help: the root summary, topics and headings in Chinese', async () => {
    const r = await egovInProcess(['--help'], zh)
    expect(r.code).toBe(0)
    const out = r.stdout
    expect(out.split('\n')[0]).toContain('市数据局电子政务管理工具')
    for (const heading of ['版本', '用法', '主题']) expect(out).toMatch(new RegExp(`^${heading}$`, 'm'))
    expect(out).toMatch(/^ {2}net +电子政务外网地址规划/m)
    expect(out).toMatch(/^ {2}ticket +工单：/m)
    expect(out).not.toContain('TOPICS')
    expect(out).not.toContain('The extranet')
    const english = await egovInProcess(['--help'], c)
    expect(english.stdout).toMatch(/^TOPICS$/m)
    expect(english.stdout).toContain('The extranet (电子政务外网) address plan')
  })

  it('egov cloud --help: the topic, its sub-topics and its commands in Chinese', async () => {
    const r = await egovInProcess(['cloud', '--help'], zh)
    expect(r.code).toBe(0)
    const out = r.stdout
    expect(out.split('\n')[0]).toBe('政务云：云服务商、租户系统、容量、安全测评日期、资源使用效率评估（CLOUD-1..9）')
    for (const heading of ['用法', '主题', '命令']) expect(out).toMatch(new RegExp(`^${heading}$`, 'm'))
    expect(out).toMatch(/^ {2}cloud provider +云服务商：纳管、容量、退出（CLOUD-2）$/m)
    expect(out).toMatch(/^ {2}cloud agreement +登记已签订的服务协议（CLOUD-3）$/m)
    expect(out).not.toMatch(/COMMANDS|TOPICS|Record the signed/)
  })

  it('a topic inside a topic: egov net request --help', async () => {
    const r = await egovInProcess(['net', 'request', '--help'], zh)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ {2}net request apply +为单位申请电子政务外网接入/m)
  })

  it('a line is never wider than the terminal, and never breaks inside a rule id', async () => {
    const r = await egovInProcess(['cloud', 'apply', '--help'], {...zh, COLUMNS: '80'})
    for (const line of r.stdout.split('\n').filter((l) => !l.trimStart().startsWith('$ egov'))) {
      const width = [...line].reduce((w, ch) => w + (/[\u3000-\u9FFF\uFF00-\uFF60]/.test(ch) ? 2 : 1), 0)
      expect(width, line).toBeLessThanOrEqual(80)
    }
    expect(r.stdout).not.toMatch(/CLOU\n|LOUD-\d\n?-|CERT\n/)
  })
})

describe('oclif parse errors in Chinese, with the help hint once', () => {
  const home = isolatedHome()
  const dir = mkdtempSync(join(tmpdir(), 'egov-zh-help-'))
  const db = join(dir, 'egov.db')
  const zh = {...home, LANG: 'zh_CN.UTF-8', EGOV_DB: db}

  const once = (text: string, hint: string) => text.split(hint).length - 1

  it('--plane=3: the value and the options named in Chinese, exit 2, nothing written', async () => {
    const r = await egovInProcess(['net', 'pool', 'add', '市级', '10.0.0.0/16', '--plane=3'], zh)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('错误: --plane：“3”不在可选值 1, 2 之中')
    expect(once(r.stderr, '参见：egov net pool add --help')).toBe(1)
    expect(r.stderr).not.toMatch(/Expected|See more help/)
    expect(existsSync(db)).toBe(false)
  })

  it('--plane with no value, an unknown flag, a missing argument, an integer out of range: Chinese, the hint once', async () => {
    const cases: Array<[string[], string, string]> = [
      [['net', 'pool', 'add', '市级', '10.0.0.0/16', '--plane'], '--plane 需要以下值之一：1, 2', 'net pool add'],
      [['net', 'request', 'apply', '--bogus'], '没有选项 --bogus', 'net request apply'],
      [['net', 'request', 'plan'], '缺少参数 ID', 'net request plan'],
      [['net', 'usage', '--above', '500'], '--above：500 大于上限 100', 'net usage'],
      [['net', 'usage', '--above', 'abc'], '--above：“abc”不是整数', 'net usage'],
    ]
    for (const [args, message, command] of cases) {
      const r = await egovInProcess(args, zh)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain(`错误: ${message}`)
      expect(once(r.stderr, `参见：egov ${command} --help`), args.join(' ')).toBe(1)
      expect(r.stderr, args.join(' ')).not.toMatch(/Expected|See more help|Parsing|expects one of/)
    }
    expect(existsSync(db)).toBe(false)
  })

  it('flags that exclude each other: every reason in Chinese, the field in the envelope', async () => {
    const r = await egovInProcess(['items', 'export', '--version', '2', '--for-revision', '市人社局', '--json'], zh)
    expect(r.code).toBe(2)
    expect(r.json.error.code).toBe('invalid_input')
    expect(r.json.error.message).toContain('--for-revision 不能与 --version 同时使用')
    expect(r.json.error.message).not.toMatch(/cannot also|following/)
    expect(r.json.error.details).toMatchObject({key: 'input.flagExclusive', field: 'for-revision'})
  })

  it('an unknown command: Chinese, the nearest command, the hint once', async () => {
    const r = await egovInProcess(['cloud', 'foo'], zh)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('错误: 没有命令“egov cloud foo”')
    expect(once(r.stderr, '参见：egov cloud --help')).toBe(1)
  })

  it('--help of an unknown command fails as the command does: Chinese, the hint once, the envelope with --json', async () => {
    const r = await egovInProcess(['cloud', 'nosuch', '--help'], zh)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('错误: 没有命令“egov cloud nosuch”')
    expect(once(r.stderr, '参见：egov cloud --help')).toBe(1)
    expect(r.stderr).not.toContain('not found')
    const json = await egovInProcess(['cloud', 'provder', '--help', '--json'], zh)
    expect(json.code).toBe(2)
    expect(json.stderr).toBe('')
    expect(json.json.error).toMatchObject({code: 'invalid_input', details: {key: 'input.unknownCommand', field: 'COMMAND', command: 'cloud provder', suggestion: 'egov cloud provider'}})
  })
})
