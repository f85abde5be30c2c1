import {describe, expect, it} from 'vitest'

import {validateArrangement, WorkCalendar} from '../../src/core/calendar/index.js'
import {InvalidInput} from '../../src/core/errors.js'

describe('working days on the official calendar (X-1)', () => {
  const calendar = new WorkCalendar()

  it('counts 2026-09-30 + 3 working days as 2026-10-10: the National Day holiday is skipped and Saturday 10 October is a make-up day', () => {
    expect(calendar.addWorkdays('2026-09-30', 3)).toEqual({date: '2026-10-10', warnings: []})
  })

  it('tells holidays, make-up days, weekends and weekdays apart', () => {
    expect(calendar.day('2026-10-01')).toMatchObject({workday: false, kind: 'holiday', name: '国庆节', covered: true})
    expect(calendar.day('2026-10-10')).toMatchObject({workday: true, kind: 'makeup', covered: true})
    expect(calendar.day('2026-11-21')).toMatchObject({workday: false, kind: 'weekend'})
    expect(calendar.day('2026-11-23')).toMatchObject({workday: true, kind: 'weekday'})
  })

  it('counts back with a negative N and treats N = 0 as "this day or the next working day"', () => {
    expect(calendar.addWorkdays('2026-10-10', -3).date).toBe('2026-09-30')
    expect(calendar.addWorkdays('2026-10-01', 0).date).toBe('2026-10-08')
    expect(calendar.addWorkdays('2026-11-23', 0).date).toBe('2026-11-23')
  })

  it('warns when a computation reaches a year whose arrangement is not known, instead of silently calling New Year a working day', () => {
    const {date, warnings} = calendar.addWorkdays('2026-12-30', 2)
    expect(date).toBe('2027-01-01')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({code: 'calendar.uncovered', years: [2027]})
    expect(warnings[0]!.message).toContain('X-1')
    expect(calendar.day('2027-01-01').covered).toBe(false)
  })

  it('uses a loaded year in place of weekends-only, and it replaces the package for that year', () => {
    const arrangement = validateArrangement({year: 2027, holidays: [{name: '元旦', from: '2027-01-01', to: '2027-01-03'}], workdays: [{name: '元旦调休', date: '2027-01-09'}]}, '2027.json')
    const loaded = new WorkCalendar([
      {
        year: 2027,
        source: arrangement.source,
        loadedAt: '2026-12-01T00:00:00Z',
        loadedBy: 'admin',
        days: new Map<string, {workday: boolean; name: string}>([
          ...arrangement.holidays.map((d) => [d.date, {workday: false, name: d.name}] as const),
          ...arrangement.workdays.map((d) => [d.date, {workday: true, name: d.name}] as const),
        ]),
      },
    ])
    expect(loaded.addWorkdays('2026-12-31', 1)).toEqual({date: '2027-01-04', warnings: []})
    expect(loaded.day('2027-01-09')).toMatchObject({workday: true, kind: 'makeup', covered: true})
    expect(loaded.coveredYears().at(-1)).toMatchObject({year: 2027, source: 'loaded'})
  })

  describe('a year file is checked before it is loaded (X-1)', () => {
    const refused = (input: unknown) => {
      try {
        validateArrangement(input, 'f.json')
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInput)
        return (error as InvalidInput).toJSON()
      }
      throw new Error('accepted')
    }

    it('refuses a missing or silly year', () => {
      expect(refused({holidays: []}).details).toMatchObject({field: 'year', rule: 'X-1'})
    })
    it('refuses a date outside the year', () => {
      expect(refused({year: 2027, holidays: ['2028-01-01']}).details).toMatchObject({field: 'holidays', rule: 'X-1'})
    })
    it('refuses an impossible date, naming where it is', () => {
      expect(refused({year: 2027, holidays: ['2027-02-30']}).details).toMatchObject({field: 'holidays[0]'})
    })
    it('refuses a range that ends before it starts', () => {
      expect(refused({year: 2027, holidays: [{from: '2027-10-07', to: '2027-10-01'}]}).details).toMatchObject({field: 'holidays[0].to'})
    })
    it('refuses a day that is both a holiday and a make-up day', () => {
      expect(refused({year: 2027, holidays: ['2027-02-06'], workdays: ['2027-02-06']}).details).toMatchObject({field: 'workdays', rule: 'X-1'})
    })
    it('refuses a make-up working day on a weekday', () => {
      expect(refused({year: 2027, workdays: ['2027-02-08']}).message).toContain('not a Saturday or Sunday')
    })
  })
})
