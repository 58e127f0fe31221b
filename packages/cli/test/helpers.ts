import { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { type ManualClock, manualClock } from '@parley/core'
import { type RunIo, run } from '../src/index'

/** The repository root; the sample files live in `examples/rules`. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/** A sample file of `examples/rules`. */
export const sample = (name: string) =>
  fileURLToPath(new URL(`../../../examples/rules/${name}`, import.meta.url))

/** The date the sample customers were generated against: relative dates in groups resolve from it. */
export const SAMPLE_NOW = Date.UTC(2026, 11, 1)

/** A writable that keeps what is written. */
export class MemoryWritable extends Writable {
  readonly chunks: string[] = []
  /** The most bytes ever waiting in the stream's buffer: bounded when the writer respects backpressure. */
  maxBuffered = 0
  constructor(options: { highWaterMark?: number; delayMs?: number } = {}) {
    super({
      highWaterMark: options.highWaterMark ?? 16 * 1024,
      write: (chunk: Buffer | string, _encoding, callback) => {
        this.maxBuffered = Math.max(this.maxBuffered, this.writableLength)
        this.chunks.push(chunk.toString())
        if (options.delayMs) setTimeout(callback, options.delayMs)
        else callback()
      },
    })
  }
  get text(): string {
    return this.chunks.join('')
  }
}

/** What a run printed and returned. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `parley` in-process with memory streams and a manual clock at {@link SAMPLE_NOW}. */
export async function runCli(
  argv: string[],
  io: Partial<RunIo> & {
    stdinText?: string
    clock?: ManualClock
    /** stdout and stderr into one stream, in the order a terminal shows them. */
    interleaved?: boolean
  } = {},
): Promise<CliResult> {
  const stdout = io.stdout ?? new MemoryWritable()
  const stderr = io.stderr ?? (io.interleaved ? stdout : new MemoryWritable())
  const stdin = io.stdinText === undefined ? io.stdin : Readable.from([io.stdinText])
  const { stdinText: _text, interleaved: _interleaved, ...rest } = io
  const code = await run(argv, {
    clock: manualClock(SAMPLE_NOW),
    cwd: repoRoot,
    ...rest,
    stdout,
    stderr,
    ...(stdin ? { stdin } : {}),
  })
  const text = (w: Writable) => (w instanceof MemoryWritable ? w.text : '')
  return { code, stdout: text(stdout), stderr: stderr === stdout ? '' : text(stderr) }
}

/** A clock that moves `stepMs` forward each time it is read, so rates and ETAs are finite. */
export function tickingClock(start = SAMPLE_NOW, stepMs = 5) {
  let t = start
  return {
    now: () => {
      t += stepMs
      return t
    },
    set(time: number | Date) {
      t = typeof time === 'number' ? time : time.getTime()
    },
    advance(by: number | string) {
      t += typeof by === 'number' ? by : 0
    },
  }
}
