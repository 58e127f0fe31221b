import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { MemoryWritable, runCli, SAMPLE_NOW, sample, tickingClock } from './helpers'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-segment-'))
})

/** Parses the table of group sizes into `{ group: count }`. */
function tableCounts(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.startsWith('group '))
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break
    const cells = line.split(/\s{2,}/)
    out[cells[0]!] = Number(cells[cells.length - 2]!.replaceAll(',', ''))
  }
  return out
}

const members = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; groups: string[] })

describe('parley segment', () => {
  it('writes each customer with its groups to --out and prints the table of group sizes', async () => {
    const out = join(dir, 'members.ndjson')
    const r = await runCli([
      'segment',
      '--groups',
      'examples/rules/groups.json',
      '--customers',
      'examples/rules/customers.ndjson',
      '--out',
      out,
    ])
    expect(r.code).toBe(0)
    const rows = members(await readFile(out, 'utf8'))
    expect(rows).toHaveLength(298)
    expect(rows[0]).toEqual({ id: 'c-0001', groups: expect.any(Array) })
    // the table agrees with the members written
    const counts = tableCounts(r.stdout)
    for (const id of ['vip', 'atRisk', 'newCustomers', 'frenchNewsletter'])
      expect(counts[id]).toBe(rows.filter((m) => m.groups.includes(id)).length)
    expect(counts['(none)']).toBe(rows.filter((m) => m.groups.length === 0).length)
    expect(counts.vip).toBeGreaterThan(0)
    expect(r.stdout).toContain('298 customers segmented, 2 malformed lines skipped')
  })

  it('reports each malformed line with its line number on stderr, skips it and goes on', async () => {
    const r = await runCli([
      'segment',
      '--groups',
      sample('groups.json'),
      '--customers',
      sample('customers.ndjson'),
    ])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/customers\.ndjson:57: skipped: invalid JSON: .* at column 60/)
    expect(r.stderr).toContain('customers.ndjson:211: skipped: the customer has no "id"')
    // without --out the members are stdout, pure NDJSON, and the table goes to stderr
    const rows = members(r.stdout)
    expect(rows).toHaveLength(298)
    expect(rows.map((m) => m.id)).not.toContain('c-0057')
    expect(r.stderr).toContain('298 customers segmented, 2 malformed lines skipped')
    expect(tableCounts(r.stderr).vip).toBe(rows.filter((m) => m.groups.includes('vip')).length)
  })

  it('segments a generated file of 50,000 lines, counting its malformed lines', async () => {
    const groups = join(dir, 'big-groups.json')
    await writeFile(
      groups,
      JSON.stringify({
        groups: [
          {
            id: 'big',
            name: 'Big spenders',
            conditions: { all: [{ fact: 'amountSpent', operator: 'greaterThanInclusive', value: 1000 }] },
          },
          {
            id: 'fr',
            name: 'France',
            conditions: { all: [{ fact: 'countries', operator: 'contains', value: 'FR' }] },
          },
          {
            id: 'recent',
            name: 'Recent',
            priority: 5,
            conditions: { all: [{ fact: 'lastOrderDate', operator: 'dateAfter', value: '-30d' }] },
          },
        ],
      }),
    )
    const customers = join(dir, 'customers-50k.ndjson')
    const lines: string[] = []
    const recent = new Date(SAMPLE_NOW - 10 * 86_400_000).toISOString()
    const old = new Date(SAMPLE_NOW - 400 * 86_400_000).toISOString()
    for (let i = 1; i <= 50_000; i++) {
      if (i % 5000 === 0)
        lines.push(`{"id": "c${i}", "amountSpent": `) // cut off: not JSON
      else if (i === 12_345) lines.push('["an", "array"]')
      else
        lines.push(
          JSON.stringify({
            id: `c${i}`,
            amountSpent: i % 4 === 0 ? 2500 : 40,
            countries: i % 3 === 0 ? ['FR'] : ['DE'],
            lastOrderDate: i % 10 === 1 ? recent : old,
          }),
        )
    }
    await writeFile(customers, `${lines.join('\n')}\n`)
    const out = join(dir, 'members-50k.ndjson')
    const r = await runCli(['segment', '--groups', groups, '--customers', customers, '--out', out])
    expect(r.code).toBe(0)

    const ok = (i: number) => i % 5000 !== 0 && i !== 12_345
    const count = (p: (i: number) => boolean) => {
      let n = 0
      for (let i = 1; i <= 50_000; i++) if (ok(i) && p(i)) n++
      return n
    }
    const counts = tableCounts(r.stdout)
    expect(counts.big).toBe(count((i) => i % 4 === 0))
    expect(counts.fr).toBe(count((i) => i % 3 === 0))
    expect(counts.recent).toBe(count((i) => i % 10 === 1))
    expect(counts['(none)']).toBe(count((i) => i % 4 !== 0 && i % 3 !== 0 && i % 10 !== 1))
    expect(r.stdout).toContain('49,989 customers segmented, 11 malformed lines skipped')
    expect(r.stderr.match(/skipped: /g)).toHaveLength(11)
    expect(r.stderr).toContain('customers-50k.ndjson:12345: skipped: expected a JSON object, got an array')
    expect(r.stderr).toContain('customers-50k.ndjson:50000: skipped: invalid JSON')

    const written = (await readFile(out, 'utf8')).trimEnd().split('\n')
    expect(written).toHaveLength(49_989)
    // highest priority first: "recent" (5) before the others (1)
    expect(JSON.parse(written[0]!)).toEqual({ id: 'c1', groups: ['recent'] })
    expect(JSON.parse(written[11]!)).toEqual({ id: 'c12', groups: ['big', 'fr'] })
    // not a terminal: plain progress lines, one per tenth of the file, then the final one
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('progress: '))
    expect(progress.length).toBeGreaterThanOrEqual(10)
    expect(progress.length).toBeLessThanOrEqual(11)
    expect(progress.at(-1)).toMatch(/^progress: 100% {2}49,989 customers {2}.*\/s {2}done$/)
    expect(r.stderr).not.toContain('\r')
  })

  it('draws a progress bar with rate and ETA on a terminal, redrawn in place', async () => {
    const r = await runCli(
      [
        'segment',
        '--groups',
        sample('groups.json'),
        '--customers',
        sample('customers.ndjson'),
        '--out',
        join(dir, 'm.ndjson'),
      ],
      { isTTY: true, clock: tickingClock() },
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('\r\x1b[K[')
    expect(r.stderr).toMatch(/\[█+░*\] +\d+% {2}[\d,]+ customers {2}[\d.]+k?\/s/)
    expect(r.stderr).toMatch(/\[█+\] 100% {2}298 customers/)
    // the bar is cleared before a malformed line is printed, and redrawn after it
    expect(r.stderr).toContain(`\r\x1b[K${sample('customers.ndjson')}:211: skipped`)
    const after = r.stderr.slice(r.stderr.indexOf(':211: skipped'))
    expect(after.slice(after.indexOf('\n') + 1).startsWith('\r\x1b[K[')).toBe(true)
    expect(r.stderr).not.toContain('progress: ')
  })

  it('shows an ETA on a terminal while the file is being read', async () => {
    const customers = join(dir, 'eta.ndjson')
    await writeFile(
      customers,
      `${Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: `c${i}` })).join('\n')}\n`,
    )
    const r = await runCli(
      [
        'segment',
        '--groups',
        sample('groups.json'),
        '--customers',
        customers,
        '--out',
        join(dir, 'eta-out.ndjson'),
      ],
      {
        isTTY: true,
        clock: tickingClock(SAMPLE_NOW, 20),
      },
    )
    expect(r.stderr).toMatch(/ETA \d+:\d\d/)
  })

  it('reads customers from stdin with "-", without a percentage since the size is unknown', async () => {
    const r = await runCli(
      ['segment', '--groups', sample('groups.json'), '--customers', '-', '--out', join(dir, 'stdin.ndjson')],
      {
        stdinText: '{"id":"a","amountSpent":5000,"lastOrderDate":"2026-11-30"}\n\nnot json\n{"id":"b"}\n',
      },
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('2 customers segmented, 1 malformed line skipped')
    expect(r.stderr).toContain('-:3: skipped: invalid JSON')
    expect(r.stderr).toMatch(/^progress: 2 customers {2}.*done$/m)
    expect(await readFile(join(dir, 'stdin.ndjson'), 'utf8')).toBe(
      '{"id":"a","groups":["vip"]}\n{"id":"b","groups":[]}\n',
    )
  })

  it('reads files with CRLF line ends and ends its progress at 100%', async () => {
    const customers = join(dir, 'crlf.ndjson')
    await writeFile(customers, '{"id":"a","tags":["newsletter-fr"]}\r\n{"id":"b"}\r\n')
    const r = await runCli(['segment', '--groups', sample('groups.json'), '--customers', customers])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('{"id":"a","groups":["frenchNewsletter"]}\n{"id":"b","groups":[]}\n')
    expect(r.stderr).toMatch(/^progress: 100% {2}2 customers {2}.*done$/m)
  })

  it('waits for a slow output to drain instead of buffering the whole result', async () => {
    const customers = join(dir, 'slow.ndjson')
    await writeFile(
      customers,
      `${Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: `customer-${i}` })).join('\n')}\n`,
    )
    const stdout = new MemoryWritable({ highWaterMark: 1024, delayMs: 1 })
    const r = await runCli(
      ['segment', '--groups', sample('groups.json'), '--customers', customers, '--quiet'],
      { stdout },
    )
    expect(r.code).toBe(0)
    const rows = members(stdout.text)
    expect(rows).toHaveLength(20_000)
    expect(rows[19_999]).toEqual({ id: 'customer-19999', groups: [] })
    // about 800 kB of output, never more than one batch waiting in the stream
    expect(stdout.maxBuffered).toBeLessThan(70 * 1024)
    expect(r.stderr).not.toContain('progress')
  })

  it('exits 1 with the faults of an invalid groups file, before reading any customer', async () => {
    const r = await runCli([
      'segment',
      '--groups',
      sample('invalid-groups.json'),
      '--customers',
      sample('customers.ndjson'),
    ])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('invalid customer-groups file')
    expect(r.stderr).toContain('groups[1].id: group id "vip" is already used')
  })

  it('exits 1 when the customers cannot be read or the output cannot be written', async () => {
    const missing = await runCli([
      'segment',
      '--groups',
      sample('groups.json'),
      '--customers',
      join(dir, 'nope.ndjson'),
    ])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/nope\.ndjson: cannot read the file \(ENOENT/)
    const out = await runCli([
      'segment',
      '--groups',
      sample('groups.json'),
      '--customers',
      sample('customers.ndjson'),
      '--out',
      join(dir, 'no-such-dir', 'out.ndjson'),
    ])
    expect(out.code).toBe(1)
    expect(out.stderr).toMatch(/out\.ndjson: cannot write the file/)
  })

  it('exits 2 with its usage when a required option is missing', async () => {
    const r = await runCli(['segment', '--customers', sample('customers.ndjson')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('missing --groups <groups.json>')
    expect(r.stderr).toContain('Usage: parley segment')
  })
})

describe('parley segment, failures on the way', () => {
  it('refuses to write its output over the customers file', async () => {
    const r = await runCli([
      'segment',
      '--groups',
      sample('groups.json'),
      '--customers',
      sample('customers.ndjson'),
      '--out',
      sample('customers.ndjson'),
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--out is the customers file')
  })

  it('exits 1 when the customers cannot be read part way (a directory)', async () => {
    const r = await runCli(['segment', '--groups', sample('groups.json'), '--customers', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/parley segment: .*EISDIR/)
  })

  it('exits 1 when the output fails part way instead of crashing', async () => {
    const stdout = new MemoryWritable()
    let writes = 0
    stdout._write = (_chunk, _encoding, callback) => {
      callback(++writes > 1 ? new Error('ENOSPC: no space left on device') : null)
    }
    const customers = join(dir, 'fail-out.ndjson')
    await writeFile(
      customers,
      `${Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ id: `c${i}` })).join('\n')}\n`,
    )
    const r = await runCli(
      ['segment', '--groups', sample('groups.json'), '--customers', customers, '--quiet'],
      { stdout },
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('parley segment: ENOSPC: no space left on device')
  })
})
