import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {dirname} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {egov, isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/** The text a reader sees in the .docx, read back with unzip, independently of the docx package. */
const docxText = (path: string) => execFileSync('unzip', ['-p', path, 'word/document.xml'], {encoding: 'utf8'}).replace(/<[^>]+>/g, '')

/** No internal rule id (NET-7, CERT-2 …) on an official document. */
const RULE_ID = /\b[A-Z]+-\d+\b/

/**
 * Notices a bureau can sign (issue 15): document numbers from a sequence per notice kind and
 * year with the bureau's prefix (notices.prefix), the regulation's article quoted instead of
 * rule ids, and the written reply to a rejected application (NET-5).
 */
describeEachDialect('written notices: numbers, articles, the rejection reply (NET-5, NET-6, NET-7)', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const as = (who: string, extra: Record<string, string> = {}) => ({...env, ...extra, ...tdb.envFor(who)})
  const alice = (args: string[], extra?: Record<string, string>) => egov(args, as('alice', extra))
  const bob = (args: string[], extra?: Record<string, string>) => egov(args, as('bob', extra))
  const UNITS = ['市人力资源和社会保障局', '市司法局', '市统计局'] as const

  const ok = async (run: Promise<{code: number; json: any; stderr: string; stdout: string}>) => {
    const r = await run
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    return r
  }
  const apply = (unit: string, basis = '依据') =>
    alice(['net', 'request', 'apply', '--unit', unit, '--basis', basis, '--access-mode', 'fiber', '--scope', '办公楼', '--hosts', '10', '--bandwidth', '100', '--business', '业务', '--json'])
  /** cut off and restore, each approved by bob: the two notices' numbers. */
  const cutAndRestore = async (unit: string, extra?: Record<string, string>, rectifyBy = '2026-12-31') => {
    const cut = await ok(alice(['net', 'cutoff', 'add', unit, '--reason', '终端存在高危漏洞', '--rectify-by', rectifyBy, '--json'], extra))
    const cutDone = await ok(bob(['requests', 'approve', String(cut.json.request.id), '--json'], extra))
    const back = await ok(alice(['net', 'restore', unit, '--note', '已修复', '--json'], extra))
    const backDone = await ok(bob(['requests', 'approve', String(back.json.request.id), '--json'], extra))
    return {cut: cutDone.json.request, restore: backDone.json.request}
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['alice', 'bob']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env, EGOV_NOW: '2026-03-02T10:00:00+08:00'}
    await ok(alice(['net', 'pool', 'add', '10.20.0.0/16', '--name', '市级', '--plane', '1']))
    for (const unit of [...UNITS, '市档案馆', '市气象局']) await ok(alice(['units', 'add', unit, '--kind', 'party-government', '--level', 'city', '--budget', 'city']))
    // Three units in service (NET-5).
    for (const unit of UNITS) {
      const id = String((await ok(apply(unit))).json.request.id)
      await ok(bob(['requests', 'approve', id]))
      await ok(alice(['net', 'request', 'plan', id, '--pool', '市级']))
      await ok(alice(['net', 'request', 'implement', id]))
      await ok(alice(['net', 'request', 'test', id, '--result', 'pass', '--note', '通']))
    }
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('numbers each kind from its own sequence, not by request id, and quotes the article, never a rule id', async () => {
    const {cut, restore} = await cutAndRestore(UNITS[0])
    // No prefix set: 〔2026〕第1号, one sequence per kind (the cut-off's and the restore's are both the first).
    expect(cut.payload.noticeNumber).toBe('〔2026〕第1号')
    expect(restore.payload.noticeNumber).toBe('〔2026〕第1号')
    expect(cut.id).not.toBe(1)
    const text = docxText(cut.payload.notice)
    expect(text).toContain('〔2026〕第1号')
    expect(text).not.toContain(`第${cut.id}号`)
    expect(text).toContain('《嘉峪关市电子政务外网管理办法》第二十条“市数据局对政务外网进行安全检查')
    expect(text).toContain(`依据：《嘉峪关市电子政务外网管理办法》第二十条；申请编号：${cut.id}`)
    expect(text).toContain(dialect === 'sqlite' ? '经办：bob' : '经办：egov_t_bob')
    expect(text).not.toMatch(RULE_ID)
    expect(text).not.toContain('NET-')
    expect(docxText(restore.payload.notice)).not.toMatch(RULE_ID)

    const again = await cutAndRestore(UNITS[0])
    expect([again.cut.payload.noticeNumber, again.restore.payload.noticeNumber]).toEqual(['〔2026〕第2号', '〔2026〕第2号'])
  })

  it('refuses a bad prefix (exit 2, naming notices.prefix) and writes nothing', async () => {
    for (const bad of ['', '   ', '甘'.repeat(17), '甘\u0001数', ' 甘数', '甘数〔']) {
      const r = await alice(['config', 'set', 'notices.prefix', bad, '--json'])
      expect(r.code, JSON.stringify(bad)).toBe(2)
      expect(r.json.error.message).toContain('notices.prefix')
      expect(r.json.error.details).toMatchObject({key: 'config.badNoticePrefix', field: 'VALUE', setting: 'notices.prefix'})
    }
    const zh = await egov(['config', 'set', 'notices.prefix', '甘'.repeat(17)], {...as('alice'), LANG: 'zh_CN.UTF-8'})
    expect(zh.code).toBe(2)
    expect(zh.stderr).toContain('notices.prefix')
    const shown = await ok(alice(['config', 'get', 'notices.prefix', '--json']))
    expect(shown.json).toMatchObject({key: 'notices.prefix', value: '', isDefault: true})
  })

  it('heads numbers with the configured prefix: 甘数〔2026〕3号', async () => {
    const set = await ok(alice(['config', 'set', 'notices.prefix', '甘数', '--json']))
    expect(set.json).toMatchObject({key: 'notices.prefix', value: '甘数', scope: 'database'})
    const {cut, restore} = await cutAndRestore(UNITS[1])
    expect(cut.payload.noticeNumber).toBe('甘数〔2026〕3号')
    expect(restore.payload.noticeNumber).toBe('甘数〔2026〕3号')
    expect(docxText(cut.payload.notice)).toContain('甘数〔2026〕3号')
    // The text result names the number and the file.
    const cutAgain = await ok(alice(['net', 'cutoff', 'add', UNITS[1], '--reason', '复发', '--rectify-by', '2026-12-31', '--json']))
    const text = await ok(bob(['requests', 'approve', String(cutAgain.json.request.id)]))
    expect(text.stdout).toMatch(/notice 甘数〔2026〕4号: .*断网整改通知书.*\.docx/)
    await ok(bob(['requests', 'approve', String((await ok(alice(['net', 'restore', UNITS[1], '--note', '已修复', '--json']))).json.request.id)]))
  })

  it('gives two decisions approved at once two numbers', async () => {
    const ids = []
    for (const unit of [UNITS[0], UNITS[2]]) ids.push(String((await ok(alice(['net', 'cutoff', 'add', unit, '--reason', '漏洞', '--rectify-by', '2026-12-31', '--json']))).json.request.id))
    const done = await Promise.all(ids.map((id) => ok(bob(['requests', 'approve', id, '--json']))))
    expect(done.map((r) => r.json.request.payload.noticeNumber).sort()).toEqual(['甘数〔2026〕5号', '甘数〔2026〕6号'])
    for (const unit of [UNITS[0], UNITS[2]]) await ok(bob(['requests', 'approve', String((await ok(alice(['net', 'restore', unit, '--note', '已修复', '--json']))).json.request.id)]))
  })

  it('answers a rejected application in writing, with the reason, under its own number (NET-5)', async () => {
    const filed = await ok(apply('市档案馆', '《档案信息化建设方案》'))
    const id = String(filed.json.request.id)
    // No reason: exit 2, nothing written.
    const noReason = await bob(['requests', 'reject', id, '--json'])
    expect(noReason.code).toBe(2)
    expect(noReason.json.error.details.field).toBe('reason')
    expect((await alice(['requests', 'show', id, '--json'])).json.state).toBe('applied')

    const rejected = await ok(bob(['requests', 'reject', id, '--reason', '申请依据不足，未附主管部门批复', '--json']))
    expect(rejected.json.request).toMatchObject({state: 'rejected', payload: {noticeNumber: '甘数〔2026〕1号'}})
    const path = rejected.json.request.payload.notice as string
    expect(existsSync(path)).toBe(true)
    expect(path).toMatch(/不予批准通知书_市档案馆_\d+\.docx$/)
    const text = docxText(path)
    for (const s of [
      '不予批准通知书',
      '甘数〔2026〕1号',
      '市档案馆：',
      '贵单位关于接入电子政务外网的申请（申请依据：《档案信息化建设方案》）收悉。',
      '《嘉峪关市电子政务外网管理办法》第十二条第（二）项',
      '审核未通过的，应当及时告知申请单位',
      '理由如下：申请依据不足，未附主管部门批复。',
      dialect === 'sqlite' ? '经办：bob' : '经办：egov_t_bob',
    ]) {
      expect(text).toContain(s)
    }
    expect(text).not.toMatch(RULE_ID)

    // Rejected after review, as text: the path and the number are printed; the sequence goes on.
    const second = String((await ok(apply('市气象局'))).json.request.id)
    await ok(bob(['requests', 'approve', second]))
    const before = readdirSync(dirname(path)).length
    const plain = await ok(bob(['requests', 'reject', second, '--reason', '接入范围不合理']))
    expect(plain.stdout).toMatch(/notice 甘数〔2026〕2号: .*不予批准通知书_市气象局_\d+\.docx/)
    expect(readdirSync(dirname(path)).length).toBe(before + 1)
  })

  it('starts each kind again at 1 in a new year', async () => {
    const next = {EGOV_NOW: '2027-01-06T10:00:00+08:00'}
    const {cut, restore} = await cutAndRestore(UNITS[2], next, '2027-02-26')
    expect(cut.payload.noticeNumber).toBe('甘数〔2027〕1号')
    expect(restore.payload.noticeNumber).toBe('甘数〔2027〕1号')
    const close = await ok(alice(['net', 'request', 'close', UNITS[2], '--reason', '机构撤并', '--json'], next))
    const closed = await ok(bob(['requests', 'approve', String(close.json.request.id), '--json'], next))
    expect(closed.json.request.payload.noticeNumber).toBe('甘数〔2027〕1号')
    const text = docxText(closed.json.request.payload.notice)
    expect(text).toContain('甘数〔2027〕1号')
    expect(text).toContain('《嘉峪关市电子政务外网管理办法》第十三条')
    expect(text).not.toMatch(RULE_ID)
  })

  it('signs 经办 with the real name from the operator roster once there is one (issue 18)', async () => {
    // bob starts the roster (system-admin, and the extranet reviewer); alice files and plans.
    await ok(bob(['operators', 'add', tdb.actor('bob'), '--name', '王五', '--roles', 'system-admin,review-net']))
    // A second 系统管理员 (added at once, four eyes need two) approves alice's entry (issue 18, X-2).
    await (await tdb.open('carol')).close()
    await ok(bob(['operators', 'add', tdb.actor('carol'), '--name', '赵六', '--roles', 'system-admin']))
    const filed = await ok(bob(['operators', 'add', tdb.actor('alice'), '--name', '李四', '--roles', 'filer,net', '--json']))
    await ok(egov(['requests', 'approve', String(filed.json.request.id)], as('carol')))
    await ok(alice(['units', 'add', '市地震局', '--kind', 'party-government', '--level', 'city']))
    const id = String((await ok(apply('市地震局'))).json.request.id)
    const rejected = await ok(bob(['requests', 'reject', id, '--reason', '接入范围不合理', '--json']))
    const text = docxText(rejected.json.request.payload.notice)
    expect(text).toContain('经办：王五')
    expect(text).not.toContain(`经办：${tdb.actor('bob')}`)
  })
})
