import { ParleyError } from '../errors/parley-error'

/**
 * A length of time: milliseconds, an ISO-8601 duration (`P3D`, `PT48H`, `P1DT12H`, `P2W`),
 * or a short form (`3d`, `48h`, `15m`, `30s`, `500ms`, `2w`).
 */
export type Duration = number | string

const MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const

const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const SHORT = /^(\d+(?:\.\d+)?)(ms|w|d|h|m|s)$/

/**
 * Converts a {@link Duration} to milliseconds. Months and years are refused: their length
 * depends on the calendar, so a deadline would move with the month it starts in.
 * @throws ParleyError `VALIDATION` on anything else.
 */
export function parseDuration(duration: Duration): number {
  if (typeof duration === 'number') {
    if (Number.isFinite(duration) && duration >= 0) return duration
  } else if (typeof duration === 'string') {
    const s = duration.trim()
    const short = SHORT.exec(s)
    if (short) return Number(short[1]) * MS[short[2] as keyof typeof MS]
    const iso = ISO.exec(s)
    if (iso && s !== 'P' && !s.endsWith('T')) {
      const [, w, d, h, m, sec] = iso
      return (
        Number(w ?? 0) * MS.w +
        Number(d ?? 0) * MS.d +
        Number(h ?? 0) * MS.h +
        Number(m ?? 0) * MS.m +
        Math.round(Number(sec ?? 0) * 1000)
      )
    }
  }
  throw new ParleyError(
    'VALIDATION',
    `Invalid duration ${JSON.stringify(duration)}: use ISO-8601 (P3D, PT48H) or a short form (3d, 48h, 15m).`,
    {
      issues: [
        {
          code: 'invalid_duration',
          path: [],
          message: 'expected an ISO-8601 duration without months or years, or a short form such as 3d',
        },
      ],
    },
  )
}
