import {describe, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'

/**
 * oclif's own usage errors and unknown commands follow the one contract (issue 19): exit 2,
 * the envelope on stdout with --json and details.field, the user's language, one hint.
 */
describe('usage errors and unknown commands', () => {
  const env = {...isolatedHome(), EGOV_OPERATOR: 'clerk'}
  const zh = {...env, LANG: 'zh_CN.UTF-8'}

  it('an unknown flag names it and the nearest known flag, in the envelope', async () => {
    const r = await egovInProcess(['units', 'add', '市数据局', '--kidn', 'other', '--json'], env)
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({code: 'invalid_input', details: {key: 'input.unknownFlag', field: 'kidn', suggestion: '--kind'}})
    expect(r.json.error.message).toBe('there is no flag --kidn; did you mean --kind?')
    const far = await egovInProcess(['requests', 'list', '--frobnicate', '--json'], env)
    expect(far.json.error.details).toMatchObject({field: 'frobnicate'})
    expect(far.json.error.details.suggestion).toBeUndefined()
  })

  it('a value outside a flag’s options, a flag without its value, a missing argument and extra arguments: in Chinese, with the field, one hint', async () => {
    const option = await egovInProcess(['net', 'pool', 'add', '10.50.0.0/16', '--name', 'y', '--plane', '3'], zh)
    expect(option.code).toBe(2)
    expect(option.stderr).toContain('--plane：“3”不在可选值 1, 2 之中')
    expect(option.stderr).not.toMatch(/Expected|See more help/)
    expect(option.stderr.match(/参见/g)).toHaveLength(1)
    const optionJson = await egovInProcess(['net', 'pool', 'add', '10.50.0.0/16', '--name', 'y', '--plane', '3', '--json'], env)
    expect(optionJson.json.error.details).toMatchObject({key: 'input.flagOption', field: 'plane', value: '3', options: ['1', '2']})

    const noValue = await egovInProcess(['net', 'alloc', '--hosts', '--json'], env)
    expect(noValue.code).toBe(2)
    expect(noValue.json.error.details).toMatchObject({field: 'hosts'})

    const missing = await egovInProcess(['requests', 'show', '--json'], env)
    expect(missing.code).toBe(2)
    expect(missing.json.error.details).toMatchObject({key: 'input.missingArg', field: 'ID'})
    expect((await egovInProcess(['requests', 'show'], zh)).stderr).toContain('缺少参数 ID')

    const extra = await egovInProcess(['units', 'add', '市', '数据局', '--kind', 'other', '--level', 'city', '--json'], env)
    expect(extra.code).toBe(2)
    expect(extra.json.error.details).toMatchObject({key: 'input.unexpectedArgs', args: ['数据局']})
  })

  it('an unknown command is exit 2 with the envelope on stdout under --json, and the nearest command', async () => {
    const json = await egovInProcess(['cloud', 'foo', '--json'], env)
    expect(json.code).toBe(2)
    expect(json.stderr).toBe('')
    expect(json.json.error).toMatchObject({code: 'invalid_input', details: {key: 'input.unknownCommand', field: 'COMMAND', command: 'cloud foo'}})
    const typo = await egovInProcess(['units', 'lst'], zh)
    expect(typo.code).toBe(2)
    expect(typo.stdout).toBe('')
    expect(typo.stderr).toContain('没有命令“egov units lst”，是否要用“egov units list”？')
    expect(typo.stderr).toContain('参见：egov units list --help')
    const none = await egovInProcess(['frobnicate'], env)
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('See: egov --help')
  })
})
