/**
 * Dates in rules: absolute (`"2026-01-31"`, an ISO date-time) or relative to the clock (`"today"`,
 * `"now"`, `"-30d"`, `"+2w"`, `"-6m"`, `"-1y"`, `"-12h"`). Day, week, month and year offsets count from
 * the start of today (UTC), as segment builders do; hour offsets count from now.
 */
import type { Clock } from '../time/clock'
import type { OperatorDefinition } from './operators'

const RELATIVE = /^([+-])(\d{1,6})([hdwmy])$/
const DAY = 86_400_000

/** A parsed date value: epoch ms, or an offset resolved against the clock at evaluation time. */
type DateSpec = { at: number } | { unit: 'h' | 'd' | 'w' | 'm' | 'y' | 'now'; n: number }

function parseSpec(value: unknown): DateSpec | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? { at: value } : undefined
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { at: value.getTime() }
  if (typeof value !== 'string') return undefined
  if (value === 'now') return { unit: 'now', n: 0 }
  if (value === 'today') return { unit: 'd', n: 0 }
  const m = RELATIVE.exec(value)
  if (m) return { unit: m[3] as 'h', n: (m[1] === '-' ? -1 : 1) * Number(m[2]) }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : { at }
}

function resolve(spec: DateSpec, now: number): number {
  if ('at' in spec) return spec.at
  if (spec.unit === 'now') return now
  if (spec.unit === 'h') return now + spec.n * 3_600_000
  const today = Math.floor(now / DAY) * DAY
  if (spec.unit === 'd') return today + spec.n * DAY
  if (spec.unit === 'w') return today + spec.n * 7 * DAY
  const d = new Date(today)
  if (spec.unit === 'm') d.setUTCMonth(d.getUTCMonth() + spec.n)
  else d.setUTCFullYear(d.getUTCFullYear() + spec.n)
  return d.getTime()
}

/**
 * Resolves a date value (absolute or relative) to epoch ms against `now`; `undefined` when it is
 * not a date.
 * @example
 * resolveDate('-30d', Date.UTC(2026, 0, 31, 15)) // Date.UTC(2026, 0, 1)
 */
export function resolveDate(value: unknown, now: number): number | undefined {
  const spec = parseSpec(value)
  return spec && resolve(spec, now)
}

/** Epoch ms of a fact value: a number, a `Date` or an ISO string; `undefined` otherwise. */
export function toEpoch(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (value instanceof Date) {
    const t = value.getTime()
    return Number.isNaN(t) ? undefined : t
  }
  if (typeof value === 'string') {
    const t = Date.parse(value)
    return Number.isNaN(t) ? undefined : t
  }
  return undefined
}

const dateMessage = (v: unknown) =>
  parseSpec(v)
    ? undefined
    : `expected a date: "2026-01-31", "today", "now" or an offset such as "-30d", "-6m", "+1w", "-12h"`

/**
 * The date operators `dateAfter`, `dateOnOrAfter`, `dateBefore`, `dateOnOrBefore`: the fact (epoch
 * ms, `Date` or ISO string) compared with the value, relative values resolved against `clock`.
 * A missing or unparsable fact date does not match.
 */
export function dateOperators(clock: Clock): Record<string, OperatorDefinition> {
  const specs = new Map<unknown, DateSpec | undefined>()
  const valueAt = (v: unknown): number | undefined => {
    let spec = specs.get(v)
    if (spec === undefined && !specs.has(v)) {
      if (specs.size > 1000) specs.clear()
      spec = parseSpec(v)
      specs.set(v, spec)
    }
    return spec && resolve(spec, clock.now())
  }
  const op = (cmp: (a: number, b: number) => boolean): OperatorDefinition => ({
    evaluate: (fact, value) => {
      const a = typeof fact === 'number' ? fact : toEpoch(fact)
      const b = valueAt(value)
      return a !== undefined && b !== undefined && cmp(a, b)
    },
    specialize: (value) => {
      const spec = parseSpec(value)
      if (spec === undefined) return () => false
      return (fact) => {
        const a = typeof fact === 'number' ? fact : toEpoch(fact)
        return a !== undefined && cmp(a, resolve(spec, clock.now()))
      }
    },
    validateValue: dateMessage,
  })
  return {
    dateAfter: op((a, b) => a > b),
    dateOnOrAfter: op((a, b) => a >= b),
    dateBefore: op((a, b) => a < b),
    dateOnOrBefore: op((a, b) => a <= b),
  }
}
