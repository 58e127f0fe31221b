/**
 * What a command runs against: the streams, the terminal, the clock and the working directory.
 * `run` receives them as data so tests drive every command with in-memory streams.
 */
import { once } from 'node:events'
import { isAbsolute, resolve } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { type Clock, systemClock } from '@parley/core'

/** The streams and environment of one `run`. */
export interface RunIo {
  /** Command output (reports, JSON Schema, diagrams, NDJSON when `--out` is not given). */
  stdout: Writable
  /** Diagnostics, progress and, when stdout carries data, the summary. */
  stderr: Writable
  /** Read when a file argument is `-`. */
  stdin?: Readable
  /** Whether stderr is a terminal: draws a progress bar with `\r` instead of plain lines. @default false */
  isTTY?: boolean
  /** Width of the terminal, for the progress bar. @default 80 */
  columns?: number
  /** Time source of progress rates and ETAs, and of relative dates in rules (`-30d`). @default the system clock */
  clock?: Clock
  /** Directory that relative file arguments are resolved against. @default process.cwd() */
  cwd?: string
}

/** A {@link RunIo} with its defaults applied. */
export interface Context {
  readonly stdout: Writable
  readonly stderr: Writable
  readonly stdin: Readable | undefined
  readonly isTTY: boolean
  readonly columns: number
  readonly clock: Clock
  readonly cwd: string
}

/** Applies the defaults of {@link RunIo}. */
export function toContext(io: RunIo): Context {
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: io.stdin,
    isTTY: io.isTTY ?? false,
    columns: io.columns ?? 80,
    clock: io.clock ?? systemClock,
    cwd: io.cwd ?? process.cwd(),
  }
}

/** Resolves a file argument against the context's working directory. */
export function resolvePath(ctx: Context, file: string): string {
  return isAbsolute(file) ? file : resolve(ctx.cwd, file)
}

/**
 * Writes a chunk and waits for `drain` when the stream's buffer is full (backpressure).
 * @throws the stream's error when it failed or was closed (a full disk, a reader that went away).
 */
export async function write(stream: Writable, chunk: string): Promise<void> {
  if (stream.errored) throw stream.errored
  if (stream.destroyed) throw new Error('the output was closed before the end')
  if (!stream.write(chunk)) await once(stream, 'drain')
}

/** Writes text followed by a newline, without waiting: for short reports. */
export function println(stream: Writable, text = ''): void {
  stream.write(`${text}\n`)
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
