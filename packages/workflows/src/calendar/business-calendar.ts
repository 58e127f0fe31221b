import { type Duration, ParleyError, parseDuration } from '@parley/core'

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

/** Options of {@link businessCalendar}. */
export interface BusinessCalendarOptions {
  /** IANA time zone the working hours are in. @default 'UTC' */
  readonly timeZone?: string
  /** Working days as ISO weekdays, 1 = Monday ... 7 = Sunday. @default [1, 2, 3, 4, 5] */
  readonly workingDays?: readonly number[]
  /** Working hours of a working day, local time, `HH:MM`. @default { start: '09:00', end: '17:00' } */
  readonly hours?: { readonly start: string; readonly end: string }
  /** Local dates (`YYYY-MM-DD`) that are not worked. @default [] */
  readonly holidays?: readonly string[]
}

/** Working time arithmetic over a week of working days, working hours, a time zone and holidays. */
export interface BusinessCalendar {
  /** The options, defaults applied. */
  readonly options: Required<BusinessCalendarOptions>
  /** Length of one working day in ms (`end - start`). */
  readonly dayLengthMs: number
  /**
   * The instant `duration` of working time after `from`. Whole days of the duration count as
   * business days (one business day = one working day of working time), the rest as working
   * hours: from Friday 15:00, `P3D` on a 9-to-5 calendar ends on Wednesday 15:00.
   */
  add(from: number, duration: Duration): number
  /** The instant `ms` milliseconds of working time after `from`. */
  addWorkingTime(from: number, ms: number): number
  /** True when `at` falls inside working hours of a working day. */
  isWorkingTime(at: number): boolean
}

interface LocalDate {
  y: number
  m: number
  d: number
}

function fault(path: string, message: string): never {
  throw new ParleyError('VALIDATION', `Invalid business calendar: ${message}`, {
    issues: [{ code: 'invalid_calendar', path: [path], message }],
  })
}

function minutesOf(hhmm: string, path: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm)
  const h = Number(match?.[1])
  const m = Number(match?.[2])
  if (!match || h > 24 || m > 59 || (h === 24 && m > 0)) fault(path, `expected HH:MM, got "${hhmm}"`)
  return h * 60 + m
}

/**
 * Creates a business-hours calendar for SLA and response deadlines ("3 business days").
 * Time zones are resolved with `Intl`, so daylight-saving changes are honoured.
 * @throws ParleyError `VALIDATION` on an unknown time zone, bad hours or days.
 * @example
 * const paris = businessCalendar({ timeZone: 'Europe/Paris', holidays: ['2026-12-25'] })
 * dispute({ calendar: paris, sellerResponseWindow: 'P3D' })
 */
export function businessCalendar(options: BusinessCalendarOptions = {}): BusinessCalendar {
  const timeZone = options.timeZone ?? 'UTC'
  const workingDays = [...(options.workingDays ?? [1, 2, 3, 4, 5])]
  const hours = options.hours ?? { start: '09:00', end: '17:00' }
  const holidays = [...(options.holidays ?? [])]
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    return fault('timeZone', `unknown time zone "${timeZone}"`)
  }
  if (workingDays.length === 0 || workingDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    fault('workingDays', 'list at least one ISO weekday between 1 (Monday) and 7 (Sunday)')
  const start = minutesOf(hours.start, 'hours.start')
  const end = minutesOf(hours.end, 'hours.end')
  if (end <= start) fault('hours', 'working hours end after they start')
  for (const h of holidays)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h)) fault('holidays', `expected YYYY-MM-DD, got "${h}"`)
  const holidaySet = new Set(holidays)
  const days = new Set(workingDays)

  /** Local wall-clock parts of an instant. */
  const local = (at: number) => {
    const parts: Record<string, number> = {}
    for (const p of format.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value)
    return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number }
  }
  /** Offset of the zone at `at`, in ms (local minus UTC). */
  const offset = (at: number) => {
    const p = local(at)
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000
  }
  /** The instant of local date `date` at `minutes` past midnight. */
  const instant = (date: LocalDate, minutes: number) => {
    const guess = Date.UTC(date.y, date.m - 1, date.d) + minutes * MINUTE_MS
    const first = guess - offset(guess)
    return guess - offset(first)
  }
  const isWorkingDay = (date: LocalDate) => {
    const weekday = new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() || 7
    const key = `${date.y}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`
    return days.has(weekday) && !holidaySet.has(key)
  }
  const nextDay = (date: LocalDate): LocalDate => {
    const t = new Date(Date.UTC(date.y, date.m - 1, date.d + 1))
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() }
  }
  const dayLengthMs = (end - start) * MINUTE_MS

  const addWorkingTime = (from: number, ms: number) => {
    if (ms <= 0) return from
    const p = local(from)
    let date: LocalDate = { y: p.year, m: p.month, d: p.day }
    let remaining = ms
    // Ten years in a row without a working day means the calendar has none: stop there.
    for (let idle = 0; idle < 3660; idle++) {
      if (isWorkingDay(date)) {
        idle = 0
        const open = Math.max(from, instant(date, start))
        const close = instant(date, end)
        if (open < close) {
          if (remaining <= close - open) return open + remaining
          remaining -= close - open
        }
      }
      date = nextDay(date)
    }
    return fault('holidays', 'no working time within ten years; check working days and holidays')
  }

  return {
    options: { timeZone, workingDays, hours, holidays },
    dayLengthMs,
    addWorkingTime,
    add(from, duration) {
      const ms = parseDuration(duration)
      const wholeDays = Math.floor(ms / DAY_MS)
      return addWorkingTime(from, wholeDays * dayLengthMs + (ms - wholeDays * DAY_MS))
    },
    isWorkingTime(at) {
      const p = local(at)
      const date = { y: p.year, m: p.month, d: p.day }
      return isWorkingDay(date) && at >= instant(date, start) && at < instant(date, end)
    },
  }
}
