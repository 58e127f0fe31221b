/** Where the engine reads the time. Inject one in tests to control deadlines. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told: the clock of tests and simulations. */
export interface ManualClock extends Clock {
  /** Sets the time (epoch ms or a Date). */
  set(time: number | Date): void
  /** Moves the time forward by `ms` (or an ISO-8601 / short duration such as `P3D`, `2h`). */
  advance(by: number | string): void
}

import { parseDuration } from './duration'

/**
 * Creates a {@link ManualClock}.
 * @param start the initial time; @default 2026-01-01T00:00:00Z
 * @example
 * const clock = manualClock(); clock.advance('P3D'); await engine.runDueDeadlines()
 */
export function manualClock(start: number | Date = Date.UTC(2026, 0, 1)): ManualClock {
  let t = typeof start === 'number' ? start : start.getTime()
  return {
    now: () => t,
    set(time) {
      t = typeof time === 'number' ? time : time.getTime()
    },
    advance(by) {
      const ms = typeof by === 'number' ? by : parseDuration(by)
      if (ms < 0) throw new RangeError('a clock only moves forward')
      t += ms
    },
  }
}
