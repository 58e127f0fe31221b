/**
 * `parley segment`: every customer of an NDJSON file into its groups, streamed in constant memory
 * with backpressure on the output, progress on stderr and a table of group sizes at the end.
 */
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Readable, Writable } from 'node:stream'
import type { Segmenter } from '@parley/core'
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes'
import { formatTable } from '../format/table'
import { type Context, messageOf, println, resolvePath, write } from '../io'
import { readCustomers } from '../ndjson'
import { createProgress, formatDuration } from '../progress'
import { type ParsedCommand, usageError } from './args'
import { loadSegmenter } from './load-groups'
import { plural } from './rule-kinds'

/** What a segment run counted. */
export interface SegmentSummary {
  /** Customers segmented (malformed lines excluded). */
  readonly customers: number
  /** Lines skipped because they were not a customer. */
  readonly malformed: number
  /** Customers in no group. */
  readonly ungrouped: number
  /** Customers per group id. */
  readonly counts: Readonly<Record<string, number>>
}

// output is batched into chunks of about this many characters before each (backpressured) write
const CHUNK = 64 * 1024

/** Runs `parley segment`. */
export async function segment(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const groupsPath = cmd.string('groups')
  const customersPath = cmd.string('customers')
  if (groupsPath === undefined) return usageError(ctx, 'segment', 'missing --groups <groups.json>')
  if (customersPath === undefined) return usageError(ctx, 'segment', 'missing --customers <customers.ndjson>')
  if (cmd.positionals.length > 0)
    return usageError(ctx, 'segment', `unexpected argument "${cmd.positionals[0]}"`)
  const outPath = cmd.string('out')
  if (
    outPath !== undefined &&
    customersPath !== '-' &&
    resolvePath(ctx, outPath) === resolvePath(ctx, customersPath)
  )
    return usageError(ctx, 'segment', '--out is the customers file; writing it would erase the input')

  const segmenter = await loadSegmenter(ctx, groupsPath)
  if (!segmenter) return EXIT_FAILURE

  const input = await openInput(ctx, customersPath)
  if (typeof input === 'string') {
    println(ctx.stderr, input)
    return EXIT_FAILURE
  }
  let out: Writable
  try {
    out = outPath === undefined ? ctx.stdout : await openOutput(resolvePath(ctx, outPath))
  } catch (e) {
    input.close()
    println(ctx.stderr, `${outPath}: cannot write the file (${messageOf(e)})`)
    return EXIT_FAILURE
  }

  const started = ctx.clock.now()
  try {
    const summary = await segmentStream(ctx, segmenter, input, out, {
      source: customersPath,
      quiet: cmd.flag('quiet'),
    })
    if (out !== ctx.stdout) {
      out.end()
      await once(out, 'finish')
    }
    // the table goes where it does not mix with the members
    const report = out === ctx.stdout ? ctx.stderr : ctx.stdout
    println(report, summaryTable(segmenter, summary))
    println(report)
    const malformed =
      summary.malformed === 0
        ? 'no malformed lines'
        : `${plural(summary.malformed, 'malformed line')} skipped (listed above on stderr)`
    const took = formatDuration((ctx.clock.now() - started) / 1000)
    println(report, `${plural(summary.customers, 'customer')} segmented, ${malformed}, in ${took}`)
    return EXIT_OK
  } catch (e) {
    input.close()
    if (out !== ctx.stdout) out.destroy()
    println(ctx.stderr, `parley segment: ${messageOf(e)}`)
    return EXIT_FAILURE
  }
}

interface Input {
  stream: Readable
  /** Size in bytes when the input is a file. */
  size: number | undefined
  /** Closes the input if this command opened it (a file, not the caller's stdin). */
  close(): void
}

async function openInput(ctx: Context, file: string): Promise<Input | string> {
  if (file === '-') {
    if (!ctx.stdin) return '-: no standard input to read from'
    return { stream: ctx.stdin, size: undefined, close() {} }
  }
  try {
    // opening first makes a missing or unreadable file an immediate, clear error
    const handle = await open(resolvePath(ctx, file), 'r')
    const { size } = await handle.stat()
    const stream = handle.createReadStream()
    return { stream, size, close: () => stream.destroy() }
  } catch (e) {
    return `${file}: cannot read the file (${messageOf(e)})`
  }
}

async function openOutput(path: string): Promise<Writable> {
  const stream = createWriteStream(path)
  await once(stream, 'open')
  // a later failure (a full disk) is kept in `stream.errored` and raised by the next write or by
  // the wait for 'finish'; without a listener it would crash the process instead
  stream.on('error', () => {})
  return stream
}

/** Segments an opened input into an output; reports malformed lines and progress on stderr. */
async function segmentStream(
  ctx: Context,
  segmenter: Segmenter,
  input: Input,
  out: Writable,
  options: { source: string; quiet: boolean },
): Promise<SegmentSummary> {
  const progress = createProgress(ctx, {
    unit: 'customer',
    quiet: options.quiet,
    ...(input.size === undefined ? {} : { totalBytes: input.size }),
  })
  let bytes = 0
  let malformed = 0
  let ungrouped = 0
  let processed = 0
  let counts: Readonly<Record<string, number>> = {}
  const customers = readCustomers(input.stream, {
    onBytes: (n) => {
      bytes = n
    },
    onMalformed: ({ line, message }) => {
      malformed++
      progress.clear()
      println(ctx.stderr, `${options.source}:${line}: skipped: ${message}`)
    },
  })
  let chunk = ''
  for await (const { customer, groups } of segmenter.segmentMany(customers, {
    progressEvery: 100,
    onProgress: (p) => {
      processed = p.processed
      counts = p.counts
      progress.update({ processed, bytes })
    },
  })) {
    if (groups.length === 0) ungrouped++
    chunk += `${JSON.stringify({ id: customer.id, groups })}\n`
    if (chunk.length >= CHUNK) {
      await write(out, chunk)
      chunk = ''
    }
  }
  if (chunk !== '') await write(out, chunk)
  // the whole input was read: line ends readline drops (\r of CRLF) would otherwise leave it at 99%
  progress.done({ processed, bytes: input.size ?? bytes })
  return { customers: processed, malformed, ungrouped, counts }
}

/** The table of group sizes printed at the end of a run. */
export function summaryTable(segmenter: Segmenter, summary: SegmentSummary): string {
  const share = (n: number) =>
    summary.customers === 0 ? '–' : `${((n / summary.customers) * 100).toFixed(1)}%`
  const rows = segmenter.groups.map((g) => {
    const n = summary.counts[g.id] ?? 0
    return [g.id, g.name, n.toLocaleString('en-US'), share(n)]
  })
  rows.push(['(none)', 'in no group', summary.ungrouped.toLocaleString('en-US'), share(summary.ungrouped)])
  return formatTable(
    [
      { title: 'group' },
      { title: 'name' },
      { title: 'customers', align: 'right' },
      { title: 'share', align: 'right' },
    ],
    rows,
  )
}
