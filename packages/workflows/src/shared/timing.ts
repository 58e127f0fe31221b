import { type Duration, ParleyError, parseDuration } from '@parley/core'
import { z } from 'zod'
import type { BusinessCalendar } from '../calendar/business-calendar'

/**
 * When a window of `duration` opened at `from` ends: plain elapsed time, or working time on
 * `calendar` when one is given (`P3D` then means three business days).
 */
export function dueAfter(from: number, duration: Duration, calendar?: BusinessCalendar): number {
  return calendar ? calendar.add(from, duration) : from + parseDuration(duration)
}

/**
 * Checks a policy's durations when the workflow is built, so a typo fails at start-up with the
 * option's name rather than when the first case opens.
 * @throws ParleyError `VALIDATION` with the path `['policy', option]`.
 */
export function checkDurations(workflow: string, durations: Record<string, Duration | undefined>): void {
  for (const [option, value] of Object.entries(durations)) {
    if (value === undefined) continue
    try {
      parseDuration(value)
    } catch (cause) {
      throw new ParleyError(
        'VALIDATION',
        `Invalid ${workflow} policy: ${option} is ${JSON.stringify(value)}; use an ISO-8601 duration such as 'P3D' or 'PT48H'.`,
        {
          cause,
          issues: [
            { code: 'invalid_duration', path: ['policy', option], message: 'expected an ISO-8601 duration' },
          ],
        },
      )
    }
  }
}

const YEAR_MS = 365 * 86_400_000

/** True when `value` is a duration `parseDuration` accepts, of at most a year. */
function isPayloadDuration(value: Duration): boolean {
  try {
    return parseDuration(value) <= YEAR_MS
  } catch {
    return false
  }
}

/**
 * zod schema of a duration in an event payload: ISO-8601 (`P3D`, `PT48H`), short form (`3d`) or
 * ms, at most a year (a deadline an operator sets on one case, not a policy).
 */
export const durationSchema = z
  .union([z.string().min(2).max(40), z.number().int().nonnegative()])
  .refine(isPayloadDuration, {
    message: "expected an ISO-8601 duration of at most a year, such as 'P3D' or 'PT48H'",
  })
