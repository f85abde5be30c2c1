import {describe, expect, it} from 'vitest'

import {KINDS} from '../../src/core/kinds.js'
import {allKinds, defineKind, findKind, loadKinds, useKinds} from '../../src/core/workflow/index.js'

/** Kinds are listed and handed to the engine (issue 17), not registered by importing a module. */
describe('request kinds, listed', () => {
  const probe = defineKind<{subject: string}>({
    kind: 'probe',
    initial: 'open',
    states: {open: {limitDays: 1}, done: {terminal: true}},
    transitions: [{action: 'approve', from: 'open', to: 'done'}],
    parsePayload: (input) => input as {subject: string},
    payloadSchema: {type: 'object', additionalProperties: false},
    summary: (p) => p.subject,
  })

  it('KINDS names each kind once', () => {
    const names = KINDS.map((k) => k.kind)
    expect(new Set(names).size).toBe(names.length)
  })

  it('defineKind checks the declaration and registers nothing', () => {
    expect(() => defineKind({...probe, kind: 'bad', transitions: [{action: 'approve', from: 'open', to: 'nowhere'}]})).toThrow(/undeclared state/)
    expect(() => defineKind({...probe, kind: 'bad', initial: 'nowhere'})).toThrow(/initial state/)
    useKinds([probe])
    expect(allKinds().map((k) => k.kind)).toEqual(['probe'])
    expect(findKind('bad')).toBeUndefined()
  })

  it('two kinds of one name are refused', () => {
    expect(() => useKinds([probe, {...probe}])).toThrow(/listed twice/)
  })

  it('a loader is run by loadKinds; before that the engine says the kinds are not loaded', async () => {
    let runs = 0
    useKinds(() => {
      runs++
      return Promise.resolve(KINDS)
    })
    expect(runs).toBe(0)
    expect(() => findKind('ticket')).toThrow(/not loaded/)
    await loadKinds()
    await loadKinds()
    expect(runs).toBe(1)
    expect(findKind('ticket')?.initial).toBe('submitted')
    expect(allKinds()).toHaveLength(KINDS.length)
  })
})
