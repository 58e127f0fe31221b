import { ParleyError } from '@parley/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { businessCalendar, ticket } from '../src/index'
import { buyer, testEngine } from './helpers'

const iso = (t: number) => new Date(t).toISOString()

describe('businessCalendar', () => {
  it('counts three business days from a Friday afternoon to the next Wednesday afternoon', () => {
    const cal = businessCalendar()
    expect(iso(cal.add(Date.UTC(2026, 0, 9, 15), 'P3D'))).toBe('2026-01-14T15:00:00.000Z')
  })

  it('starts counting at the next opening when the window opens outside working hours', () => {
    const cal = businessCalendar({ hours: { start: '09:00', end: '17:00' } })
    // Saturday 20:00 + 4 working hours → Monday 13:00.
    expect(iso(cal.add(Date.UTC(2026, 0, 10, 20), 'PT4H'))).toBe('2026-01-12T13:00:00.000Z')
    expect(cal.isWorkingTime(Date.UTC(2026, 0, 10, 12))).toBe(false)
    expect(cal.isWorkingTime(Date.UTC(2026, 0, 12, 12))).toBe(true)
  })

  it('skips holidays', () => {
    const cal = businessCalendar({ holidays: ['2026-12-25'] })
    // Thursday 24 Dec 16:00 + 2h → Monday 28 Dec 10:00 (Friday is Christmas).
    expect(iso(cal.add(Date.UTC(2026, 11, 24, 16), 'PT2H'))).toBe('2026-12-28T10:00:00.000Z')
  })

  it('keeps local working hours across a daylight-saving change', () => {
    const paris = businessCalendar({ timeZone: 'Europe/Paris' })
    // Friday 27 March 2026 16:00 Paris (15:00 UTC); clocks go forward on Sunday 29 March.
    // One business day later: Monday 30 March 16:00 Paris, which is 14:00 UTC in summer time.
    expect(iso(paris.add(Date.UTC(2026, 2, 27, 15), 'P1D'))).toBe('2026-03-30T14:00:00.000Z')
  })

  it('honours custom working days', () => {
    const gulf = businessCalendar({ workingDays: [7, 1, 2, 3, 4] })
    // Thursday 16:30 + 1h → Sunday 09:30 (Friday and Saturday are weekend).
    expect(iso(gulf.add(Date.UTC(2026, 0, 8, 16, 30), 'PT1H'))).toBe('2026-01-11T09:30:00.000Z')
  })

  it('refuses an unknown time zone, inverted hours and bad holidays with VALIDATION', () => {
    for (const options of [
      { timeZone: 'Mars/Olympus' },
      { hours: { start: '18:00', end: '09:00' } },
      { holidays: ['25/12/2026'] },
      { workingDays: [] },
    ]) {
      expect(() => businessCalendar(options)).toThrow(ParleyError)
    }
  })

  it('always lands inside working hours, after the start, and moves forward with the duration', () => {
    const cal = businessCalendar({ timeZone: 'America/New_York', holidays: ['2026-07-03'] })
    const start = Date.UTC(2026, 0, 1)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * 86_400_000 }),
        fc.integer({ min: 1, max: 30 * 8 * 60 }),
        fc.integer({ min: 1, max: 8 * 60 }),
        (offset, minutes, more) => {
          const from = start + offset
          const end = cal.addWorkingTime(from, minutes * 60_000)
          expect(end).toBeGreaterThan(from)
          // The instant just before the end is working time (the end itself may be closing time).
          expect(cal.isWorkingTime(end - 1)).toBe(true)
          expect(cal.addWorkingTime(from, (minutes + more) * 60_000)).toBeGreaterThan(end)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('drives a ticket SLA in business hours', async () => {
    const calendar = businessCalendar({ timeZone: 'UTC' })
    // Friday 16:00 UTC, high priority (first response PT4H): due Monday 12:00.
    const { engine } = testEngine([ticket({ calendar })], Date.UTC(2026, 0, 9, 16))
    const t = await engine.open(
      'ticket',
      {
        parties: { buyer: 'b1', seller: 's1' },
        subject: 'Broken',
        topic: 'quality',
        priority: 'high',
        body: 'Help',
      },
      { actor: buyer },
    )
    expect(iso(t.deadlines.sellerResponseDue!)).toBe('2026-01-12T12:00:00.000Z')
  })
})

describe('businessCalendar over long spans', () => {
  it('adds windows of many years of working time', () => {
    const cal = businessCalendar({ timeZone: 'UTC' })
    // 1300 business days ≈ 5 years of weeks.
    const end = cal.add(Date.UTC(2026, 0, 5, 9), 'P1300D')
    expect(new Date(end).getUTCFullYear()).toBe(2030)
  })
})
