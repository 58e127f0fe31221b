/**
 * Progress on stderr: on a terminal, one bar redrawn in place with `\r` (rate and ETA); elsewhere
 * (a log file, CI), a plain line every tenth of the input so logs stay short and readable.
 */
import type { Context } from './io'

/** What a progress report knows. */
export interface ProgressState {
  /** Records processed so far. */
  readonly processed: number
  /** Bytes of input consumed so far. */
  readonly bytes: number
}

/** A progress display. */
export interface Progress {
  /** Reports where the run is; draws only when something visible changed. */
  update(state: ProgressState): void
  /** Removes the bar (on a terminal) so another line can be written; the next update redraws it. */
  clear(): void
  /** Draws the final state and ends the bar's line. */
  done(state: ProgressState): void
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Size of the input in bytes, when known: enables the percentage and the ETA. */
  totalBytes?: number
  /** What is counted, singular: `customer` (an `s` is added for other counts than one). */
  unit: string
  /** Prints nothing. @default false */
  quiet?: boolean
}

const REDRAW_MS = 100
const PLAIN_EVERY_RECORDS = 100_000

/** Creates the progress display of a context (bar on a TTY, plain lines otherwise). */
export function createProgress(ctx: Context, options: ProgressOptions): Progress {
  if (options.quiet) return { update() {}, clear() {}, done() {} }
  const started = ctx.clock.now()
  const total = options.totalBytes !== undefined && options.totalBytes > 0 ? options.totalBytes : undefined
  let drawnAt = Number.NEGATIVE_INFINITY
  let visible = false
  let nextStep = 1 // plain mode: next tenth (or next block of records) to report

  const describe = (s: ProgressState, now: number): string => {
    const elapsed = Math.max(now - started, 1) / 1000
    const parts = [
      `${s.processed.toLocaleString('en-US')} ${options.unit}${s.processed === 1 ? '' : 's'}`,
      `${formatRate(s.processed / elapsed)}/s`,
    ]
    if (total !== undefined) {
      const done = Math.min(s.bytes / total, 1)
      parts.unshift(`${(done * 100).toFixed(0).padStart(3)}%`)
      if (done > 0 && done < 1) parts.push(`ETA ${formatDuration((elapsed * (1 - done)) / done)}`)
    }
    return parts.join('  ')
  }

  if (ctx.isTTY) {
    const draw = (s: ProgressState, now: number) => {
      const text = describe(s, now)
      const width = Math.max(10, Math.min(40, ctx.columns - text.length - 4))
      const done = total === undefined ? undefined : Math.min(s.bytes / total, 1)
      const bar = done === undefined ? '' : `[${'█'.repeat(Math.round(done * width)).padEnd(width, '░')}] `
      ctx.stderr.write(`\r\x1b[K${bar}${text}`)
      drawnAt = now
      visible = true
    }
    return {
      update(s) {
        const now = ctx.clock.now()
        if (!visible || now - drawnAt >= REDRAW_MS) draw(s, now)
      },
      clear() {
        if (visible) ctx.stderr.write('\r\x1b[K')
        visible = false
      },
      done(s) {
        draw(s, ctx.clock.now())
        ctx.stderr.write('\n')
        visible = false
      },
    }
  }

  return {
    update(s) {
      const reached = total === undefined ? s.processed / PLAIN_EVERY_RECORDS : (s.bytes / total) * 10
      if (reached < nextStep) return
      nextStep = Math.floor(reached) + 1
      if (total !== undefined && s.bytes >= total) return // the final line comes from done()
      ctx.stderr.write(`progress: ${describe(s, ctx.clock.now())}\n`)
    },
    clear() {},
    done(s) {
      ctx.stderr.write(`progress: ${describe(s, ctx.clock.now())}  done\n`)
    },
  }
}

/** `54321` → `54.3k`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–'
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k`
  return Math.round(perSecond).toLocaleString('en-US')
}

/** Seconds → `0:07`, `12:34`, `1:02:03`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}
