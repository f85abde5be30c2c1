import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, expect, it} from 'vitest'

import {isolatedHome} from '../helpers/cli.js'
import {egovInProcess} from '../helpers/in-process.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/**
 * Request files (--from-file JSON or YAML) are read against their published schema
 * (schemas/, issue 19): a typo in a key is exit 2 naming it and the nearest key, never a
 * value silently left at its default past a rule (CLOUD-1: `isClassified: true` would
 * have been filed as not classified); a value of the wrong type names its key. Nothing is filed.
 */
describeEachDialect('request files: strict keys and types', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'egov-reqfiles-'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    await (await tdb.open('clerk')).close()
    env = {...isolatedHome(), ...tdb.env, ...tdb.envFor('clerk')}
    expect((await egovInProcess(['units', 'add', '市人力资源和社会保障局', '--kind', 'party-government', '--level', 'city'], env)).code).toBe(0)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  const filed = async () => (await egovInProcess(['requests', 'list', '--json'], env)).json.requests.length as number

  it('cloud apply: isClassified, dataDisk and extranetIP are refused naming the key and the nearest known key (CLOUD-1 not bypassed)', async () => {
    const base =
      'unit: 市人力资源和社会保障局\nsystem: 涉密系统\nlevel: 3\nvms: 1\nvcpu: 2\nmemoryGib: 4\nsystemDiskGib: 50\nbandwidthMbps: 10\nos: 麒麟V10\nsecurityLetter: fixtures/cloud/安全责任书-人社局.pdf\n'
    for (const [name, text, key, suggestion] of [
      ['cls3.yaml', base + 'isClassified: true\n', 'isClassified', 'classified'],
      ['disk.yaml', base + 'classified: false\ndataDisk: 500\n', 'dataDisk', 'dataDiskGib'],
      ['ip.json', JSON.stringify({unit: '市人力资源和社会保障局', system: 'x', level: 3, classified: false, extranetIP: 5}), 'extranetIP', 'extranetIps'],
    ] as const) {
      const r = await egovInProcess(['cloud', 'apply', '--from-file', file(name, text), '--json'], env)
      expect(r.code, name).toBe(2)
      expect(r.json.error.details).toMatchObject({key: 'io.unknownKeyNear', field: key, property: key, suggestion})
      expect(r.json.error.message).toContain(`did you mean "${suggestion}"`)
    }
    expect(await filed()).toBe(0)
  })

  it('cloud provider apply: extranetIPs and zone are refused; a count given as words names its key and label', async () => {
    const typo = await egovInProcess(
      [
        'cloud',
        'provider',
        'apply',
        '--from-file',
        file('p.json', JSON.stringify({name: '移动云', vcpu: 1000, memoryGib: 4096, storageTib: 200, bandwidthMbps: 5000, extranetIPs: 100, zone: ['A']})),
        '--json',
      ],
      env,
    )
    expect(typo.code).toBe(2)
    expect(typo.json.error.details).toMatchObject({field: 'extranetIPs', suggestion: 'extranetIps'})
    const words = await egovInProcess(
      ['cloud', 'provider', 'apply', '--from-file', file('p2.yaml', 'name: 移动云\nvcpu: 一千\nmemoryGib: 4096\nstorageTib: 200\nbandwidthMbps: 5000\n'), '--json'],
      env,
    )
    expect(words.code).toBe(2)
    expect(words.json.error.details).toMatchObject({field: 'vcpu', label: 'vCPU（核）', expected: 'integer'})
    expect(await filed()).toBe(0)
    // The repository's own request file passes.
    const good = await egovInProcess(['cloud', 'provider', 'apply', '--from-file', 'fixtures/cloud/纳管申请-移动云.yaml', '--json'], env)
    expect(good.code, good.stdout).toBe(0)
  })

  it('net request apply: a misspelt key is refused in Chinese too, naming the nearest key', async () => {
    const r = await egovInProcess(
      ['net', 'request', 'apply', '--from-file', file('n.yaml', 'unit: 市人力资源和社会保障局\nbasis: 批复\naccesMode: fiber\nscope: 机房\nprefixLength: 28\nbandwidthMbps: 30\nbusiness: 业务\n')],
      {...env, LANG: 'zh_CN.UTF-8'},
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('申请文件中没有键“accesMode”，是否应为“accessMode”？')
  })
})
