import { type Duration, parseDuration } from '@parley/core'
import type { BusinessCalendar } from '../calendar/business-calendar'

/**
 * When a window of `duration` opened at `from` ends: plain elapsed time, or working time on
 * `calendar` when one is given (`P3D` then means three business days).
 */
export function dueAfter(from: number, duration: Duration, calendar?: BusinessCalendar): number {
  return calendar ? calendar.add(from, duration) : from + parseDuration(duration)
}
