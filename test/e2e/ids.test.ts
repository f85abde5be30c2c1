import {afterAll, beforeAll, expect, it} from 'vitest'

import {admitProvider, agreeOnboarding, runnerFor, type As} from '../helpers/cloud-setup.js'
import {isolatedHome} from '../helpers/cli.js'
import {createTestDatabase, describeEachDialect, type TestDatabase} from '../helpers/db.js'

/** The ids a command prints name the object wherever its name is accepted (issue 19): `#N`, or `N` when no name is N. */
describeEachDialect('ids work as arguments', (dialect) => {
  let tdb: TestDatabase
  let env: Record<string, string>
  let as: As
  const AT = '2026-03-02T09:00:00+08:00'

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect)
    for (const who of ['clerk', 'chief']) await (await tdb.open(who)).close()
    env = {...isolatedHome(), ...tdb.env}
    as = runnerFor(
      () => env,
      (who) => tdb.envFor(who),
    )
    for (const unit of ['市数据局', '市人力资源和社会保障局']) expect((await as('clerk', ['units', 'add', unit, '--kind', 'party-government', '--level', 'city'], AT)).code).toBe(0)
    await admitProvider(as, '移动云', AT, '2026-03-02')
    await agreeOnboarding(as, '社保业务系统', '市人力资源和社会保障局', '移动云', AT)
  })
  afterAll(async () => {
    await tdb.cleanup()
  })

  it('units show, cloud provider show and cloud system show take the id their JSON printed, as #N and as N', async () => {
    const unit = (await as('clerk', ['units', 'show', '市人力资源和社会保障局', '--json'])).json
    for (const ref of [`#${unit.id}`, String(unit.id)]) {
      const r = await as('clerk', ['units', 'show', ref, '--json'])
      expect(r.code, r.stdout).toBe(0)
      expect(r.json.name).toBe('市人力资源和社会保障局')
    }
    const provider = (await as('clerk', ['cloud', 'provider', 'list', '--json'])).json
    const providerId = (provider.providers ?? provider)[0].id
    const shownProvider = await as('clerk', ['cloud', 'provider', 'show', `#${providerId}`, '--json'])
    expect(shownProvider.code, shownProvider.stdout).toBe(0)
    expect(JSON.stringify(shownProvider.json)).toContain('移动云')
    const systems = (await as('clerk', ['cloud', 'system', 'list', '--json'])).json
    const systemId = (systems.systems ?? systems)[0].id
    const shownSystem = await as('clerk', ['cloud', 'system', 'show', String(systemId), '--json'])
    expect(shownSystem.code, shownSystem.stdout).toBe(0)
    expect(JSON.stringify(shownSystem.json)).toContain('社保业务系统')
  })

  it('one JSON shape: every success carries warnings (an array), cloud system show too; a re-run that changes nothing says unchanged: true', async () => {
    for (const args of [
      ['units', 'list', '--json'],
      ['cloud', 'system', 'show', '社保业务系统', '--json'],
      ['requests', 'show', '1', '--json'],
      ['cloud', 'provider', 'list', '--json'],
    ]) {
      const r = await as('clerk', args)
      expect(r.code, args.join(' ')).toBe(0)
      expect(Array.isArray(r.json.warnings), args.join(' ')).toBe(true)
    }
    const again = await as('clerk', ['units', 'add', '市数据局', '--kind', 'party-government', '--level', 'city', '--json'])
    expect(again.json).toMatchObject({unchanged: true, warnings: []})
  })

  it('cloud system show lists the requests still open on the system by id, kind and state (the onboarding, not yet in service)', async () => {
    const shown = await as('clerk', ['cloud', 'system', 'show', '社保业务系统', '--json'])
    expect(shown.json.openRequests).toEqual([{id: shown.json.requestId, kind: 'cloud-onboarding', state: 'agreed'}])
    const text = await as('clerk', ['cloud', 'system', 'show', '社保业务系统'])
    expect(text.stdout).toMatch(new RegExp(`open requests:\\n  #${shown.json.requestId}  `))
  })

  it('an id that names nothing is exit 3 naming the field; #N never falls back to a name', async () => {
    const r = await as('clerk', ['units', 'show', '#999', '--json'])
    expect(r.code).toBe(3)
    expect(r.json.error.details.field).toBeDefined()
  })
})
