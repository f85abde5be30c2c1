import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'

import {exampleCases, examplesScenario, manifest, orderedIds} from '../helpers/examples-scenario.js'

/**
 * Every example in every command's --help, pasted into a shell as a user would, in an
 * order a new user could follow (file before approve, approve before show…), against a
 * fresh SQLite database (the scenario: test/helpers/examples-scenario.ts). An example that
 * fails here fails for users too.
 */
describe('help examples work when pasted (SQLite, fresh database)', () => {
  const ids = orderedIds()
  const cases = exampleCases()
  const scenario = examplesScenario()

  it('every command has at least one example', () => {
    for (const id of ids) expect(manifest.commands[id]!.examples?.length, id).toBeGreaterThan(0)
  })

  beforeAll(async () => {
    if (inject('pgAvailable')) await scenario.pgSetUp()
  })
  afterAll(async () => {
    if (inject('pgAvailable')) await scenario.pgTearDown()
  })

  it.each(cases)('%s: %s', (id, command) => {
    // Without a PostgreSQL server (never in CI) db grant's examples have nowhere to run: the run's notice says so.
    if (id === 'db:grant' && !inject('pgAvailable')) return
    const setup = scenario.prepare(id)
    if (setup) expect(setup.status, `${id}: set-up\n${String(setup.stderr)}`).toBe(0)
    const r = scenario.sh(id, command)
    // The examples run on a rehearsal database, which says so on stderr (issue 18).
    expect(r.stderr.replace(/^(warning:|map written to|report written to|REHEARSAL DATABASE|AS OF ).*$/gm, '').trim(), command).toBe('')
    expect(r.status, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0)
  })
})
