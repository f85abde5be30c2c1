import {describe, expect, it} from 'vitest'

import {addMonths, cloud7MissingSteps, cloud7NextDue, cloud7PlatformNextDue, securityLevels, type StepRecord} from '../../src/core/cloud/index.js'

const rec = (kind: string, on: string, result: 'pass' | 'fail' | null = null): StepRecord => ({kind, on, result})
/** Every step any level requires, passed. */
const all: StepRecord[] = [
  rec('resources', '2026-11-10'),
  rec('self-check', '2026-11-12'),
  rec('assessment', '2026-11-16', 'pass'),
  rec('hardening', '2026-11-18'),
  rec('filing', '2026-11-19'),
  rec('grading', '2026-11-19', 'pass'),
  rec('crypto', '2026-11-19', 'pass'),
  rec('commitment', '2026-11-20'),
]
const keys = (level: number, records: StepRecord[]) => cloud7MissingSteps(level, records).map((s) => s.key)

describe('CLOUD-7 (第二十三条): the steps each level requires before go-live (cloud7MissingSteps)', () => {
  it('names every step in the table’s order when nothing is recorded: level 3 needs all eight', () => {
    expect(keys(3, [])).toEqual(['resources', 'self-check', 'assessment', 'hardening', 'filing', 'grading', 'crypto', 'commitment'])
    expect(cloud7MissingSteps(3, []).map((s) => s.name)).toEqual(['安全资源申请', '安全自查', '检测评估', '安全加固', '等保定级备案', '等保测评', '密码应用安全性评估', '上云安全承诺书'])
  })

  it('level 2 needs the four steps, the filing and the commitment; level 1 the four steps and the commitment', () => {
    expect(keys(2, [])).toEqual(['resources', 'self-check', 'assessment', 'hardening', 'filing', 'commitment'])
    expect(keys(1, [])).toEqual(['resources', 'self-check', 'assessment', 'hardening', 'commitment'])
  })

  it('nothing is missing when every step is recorded, at any level', () => {
    for (const level of [1, 2, 3]) expect(keys(level, all)).toEqual([])
  })

  it('the commitment alone is not enough (what egov accepted before)', () => {
    expect(keys(1, [rec('commitment', '2026-11-20')])).toEqual(['resources', 'self-check', 'assessment', 'hardening'])
  })

  it('a failed 检测评估 does not count until a later pass; a pass followed by a failure does not count either', () => {
    const failed = all.map((r) => (r.kind === 'assessment' ? rec('assessment', '2026-11-16', 'fail') : r))
    expect(keys(1, failed)).toEqual(['assessment'])
    expect(keys(1, [...failed, rec('assessment', '2026-11-17', 'pass')])).toEqual([])
    expect(keys(1, [...all, rec('assessment', '2026-11-21', 'fail')])).toEqual(['assessment'])
    // Same day: the one recorded last decides.
    expect(keys(1, [...failed, rec('assessment', '2026-11-16', 'pass')])).toEqual([])
  })

  it('a failed 等保测评 holds a level-3 system back but not a level-2 one', () => {
    const failed = all.map((r) => (r.kind === 'grading' ? rec('grading', '2026-11-19', 'fail') : r))
    expect(keys(3, failed)).toEqual(['grading'])
    expect(keys(2, failed)).toEqual([])
  })

  it('every level the table knows is 1–3 (4 and 5 are refused by CLOUD-1), and a level it does not know is an error', () => {
    expect(Object.keys(securityLevels().levels).sort()).toEqual(['1', '2', '3'])
    expect(() => cloud7MissingSteps(4, [])).toThrow(/level 4/)
  })
})

describe('CLOUD-7 (第二十三条 复测): re-assessment due dates by level (cloud7NextDue)', () => {
  it('level 3: 等保测评 and 密评 a year after a pass', () => {
    expect(cloud7NextDue(3, 'grading', {on: '2026-11-19', result: 'pass'}, '2026-11-24')).toBe('2027-11-19')
    expect(cloud7NextDue(3, 'crypto', {on: '2026-11-19', result: 'pass'}, '2026-11-24')).toBe('2027-11-19')
  })

  it('level 2: 等保测评 two years after a pass, and a first one two years after going live; no 密评 cycle', () => {
    expect(cloud7NextDue(2, 'grading', {on: '2026-03-01', result: 'pass'}, '2026-11-24')).toBe('2028-03-01')
    expect(cloud7NextDue(2, 'grading', null, '2026-11-24')).toBe('2028-11-24')
    expect(cloud7NextDue(2, 'crypto', null, '2026-11-24')).toBeNull()
  })

  it('level 1: nothing falls due', () => {
    expect(cloud7NextDue(1, 'grading', {on: '2026-03-01', result: 'pass'}, '2026-11-24')).toBeNull()
    expect(cloud7NextDue(1, 'crypto', null, '2026-11-24')).toBeNull()
  })

  it('at once after a failure, at any level with a cycle', () => {
    expect(cloud7NextDue(3, 'crypto', {on: '2026-11-22', result: 'fail'}, '2026-11-24')).toBe('2026-11-22')
    expect(cloud7NextDue(2, 'grading', {on: '2026-11-22', result: 'fail'}, '2026-11-24')).toBe('2026-11-22')
  })

  it('a level-3 system never assessed (gone live before the rule) is due the day it went live', () => {
    expect(cloud7NextDue(3, 'grading', null, '2026-05-06')).toBe('2026-05-06')
  })
})

describe('CLOUD-7 (第十五条, 第二十四条): the platform’s assessments (cloud7PlatformNextDue)', () => {
  it('等保测评 and 密评 yearly, 云计算服务安全评估 every three years after a pass', () => {
    expect(cloud7PlatformNextDue('grading', {on: '2026-01-15', result: 'pass'}, '2025-06-01')).toBe('2027-01-15')
    expect(cloud7PlatformNextDue('crypto', {on: '2026-01-15', result: 'pass'}, '2025-06-01')).toBe('2027-01-15')
    expect(cloud7PlatformNextDue('cloud-service', {on: '2026-01-15', result: 'pass'}, '2025-06-01')).toBe('2029-01-15')
  })

  it('at once after a failure; on the day of admission when none is on record', () => {
    expect(cloud7PlatformNextDue('grading', {on: '2026-10-01', result: 'fail'}, '2025-06-01')).toBe('2026-10-01')
    expect(cloud7PlatformNextDue('cloud-service', null, '2025-06-01')).toBe('2025-06-01')
  })
})

describe('addMonths: the calendar month arithmetic of the cycles', () => {
  it('keeps the day, or falls on the month’s last day when it lacks it', () => {
    expect(addMonths('2026-11-19', 12)).toBe('2027-11-19')
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28')
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonths('2027-12-31', 2)).toBe('2028-02-29')
    expect(addMonths('2026-11-30', 36)).toBe('2029-11-30')
  })
})
