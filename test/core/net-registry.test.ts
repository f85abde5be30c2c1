import {describe, expect, it} from 'vitest'

import {suggestUnit} from '../../src/core/net/index.js'

/** The "did you mean" for a unit name that is not in the registry (issue 15). */
describe('suggestUnit', () => {
  const names = ['市人社局', '市人力资源和社会保障局', '市公安局', '市医疗保障局']
  it('suggests a near slip of the keyboard', () => {
    expect(suggestUnit('市人社', names)).toBe('市人社局')
    expect(suggestUnit('市公按局', names)).toBe('市公安局')
  })
  it('suggests the full name an abbreviation stands for', () => {
    expect(suggestUnit('市医保局', names)).toBe('市医疗保障局')
  })
  it('suggests nothing for an unrelated name', () => {
    expect(suggestUnit('县气象站', names)).toBeUndefined()
  })
})
