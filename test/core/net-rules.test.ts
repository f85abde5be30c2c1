import {describe, expect, it} from 'vitest'

import {levelServes, net4Mismatches} from '../../src/core/net/index.js'

/** NET-4 (第十一条: 分级接入、属地接入) as a pure decision: what the pool records against the unit. */
describe('NET-4 net4Mismatches', () => {
  const unit = {name: '甲县民政局', district: '甲县', level: 'county' as const}

  it('a pool of the unit’s district and level serves it; what a pool does not record is not checked', () => {
    expect(net4Mismatches({name: '甲县', district: '甲县', level: 'county'}, unit)).toEqual([])
    expect(net4Mismatches({name: '未登记', district: null, level: null}, unit)).toEqual([])
  })

  it('another district (属地接入), and a unit with no district against a pool that has one', () => {
    expect(net4Mismatches({name: '乙县', district: '乙县', level: null}, unit)).toEqual([{kind: 'district', poolDistrict: '乙县', unitDistrict: '甲县'}])
    expect(net4Mismatches({name: '乙县', district: '乙县', level: null}, {...unit, district: null})).toEqual([{kind: 'unit-district', poolDistrict: '乙县'}])
  })

  it('another level (分级接入): both mismatches are reported, district first', () => {
    expect(net4Mismatches({name: '市级', district: '市本级', level: 'city'}, unit)).toEqual([
      {kind: 'district', poolDistrict: '市本级', unitDistrict: '甲县'},
      {kind: 'level', poolLevel: 'city', unitLevel: 'county'},
    ])
  })
})

describe('NET-4 levelServes', () => {
  it('a pool serves its own level; a county’s or township’s network the levels below it; the city’s only city units', () => {
    expect(levelServes('city', 'city')).toBe(true)
    expect(levelServes('city', 'county')).toBe(false)
    expect(levelServes('county', 'township')).toBe(true)
    expect(levelServes('county', 'village')).toBe(true)
    expect(levelServes('township', 'village')).toBe(true)
    expect(levelServes('township', 'county')).toBe(false)
    expect(levelServes('village', 'township')).toBe(false)
  })
})
