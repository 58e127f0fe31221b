/**
 * `npx tsx bench/relay.ts` — outbox → JetStream events/s of `natsRelay` against a bare
 * `js.publish` loop of the same payloads in the same run (windows of `batchSize` publishes in
 * flight, each with its `msgID`, the fastest loop a hand-written publisher would use). The aim
 * is a ratio of at most 1.5×. Needs NATS with JetStream on 127.0.0.1:4222.
 *
 *   npx tsx bench/relay.ts                    memory outbox (the relay's own overhead)
 *   npx tsx bench/relay.ts --store postgres   a Postgres outbox (127.0.0.1:5432, db test)
 *   npx tsx bench/relay.ts --scale 1,2,4      N processes on one Postgres: engine + relay each
 *
 * Options: --events N (default 20000), --per-case N (events per case, default 10),
 * --batch N (default 100), --concurrency N (relay batches in flight, default 2), --runs N (best of, default 5), --cases N (scale mode: cases per run, default 2000).
 */
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { encodeDomainEvent, ensureDomainStream, natsRelay } from '@parley/adapters/nats'
import { postgresStore } from '@parley/adapters/postgres'
import { createEngine, createId, type DomainEvent, memoryStore, type Store } from '@parley/core'
import { claimWorkflow } from '../packages/core/test/fixtures/claim-workflow'

const NATS = process.env.PARLEY_NATS_URL ?? 'nats://127.0.0.1:4222'
const PG = { host: '127.0.0.1', user: 'postgres', database: 'test' }
const args = process.argv.slice(2)
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback
}
const EVENTS = Number(opt('events', '20000'))
const PER_CASE = Number(opt('per-case', '10'))
const BATCH = Number(opt('batch', '100'))
const CONCURRENCY = Number(opt('concurrency', '2'))
const RUNS = Number(opt('runs', '5'))
const suffix = () => randomBytes(4).toString('hex')
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000)
const fmt = (n: number) => n.toLocaleString('en-US')

/** `EVENTS` domain events, `PER_CASE` per case, interleaved across cases like a busy outbox. */
function makeEvents(): DomainEvent[] {
  const cases = Array.from({ length: Math.ceil(EVENTS / PER_CASE) }, () => createId('c_'))
  const out: DomainEvent[] = []
  for (let seq = 1; out.length < EVENTS; seq++)
    for (const caseId of cases) {
      if (out.length >= EVENTS) break
      out.push({
        id: createId('ev_'),
        type: 'dispute.updated',
        caseId,
        workflow: 'dispute',
        seq,
        at: Date.now(),
        payload: { amount: 4200, currency: 'EUR', reason: 'notAsDescribed', note: 'parcel arrived damaged' },
      })
    }
  return out
}

async function freshStream(nc: NatsConnection, label: string) {
  const stream = `PARLEY_BENCH_${label}_${suffix()}`.toUpperCase()
  const prefix = `pbench-${label}-${suffix()}`
  await ensureDomainStream(await jetstreamManager(nc), stream, prefix, 120_000, true)
  return { stream, prefix }
}

async function bare(nc: NatsConnection, events: readonly DomainEvent[]): Promise<number> {
  const { stream, prefix } = await freshStream(nc, 'bare')
  const js = jetstream(nc)
  const t0 = performance.now()
  for (let i = 0; i < events.length; i += BATCH)
    await Promise.all(
      events.slice(i, i + BATCH).map((e) =>
        js.publish(`${prefix}.${e.type}`, encodeDomainEvent(e), {
          msgID: e.id,
          expect: { streamName: stream },
        }),
      ),
    )
  const ms = performance.now() - t0
  await (await jetstreamManager(nc)).streams.delete(stream)
  return ms
}

async function relayed(nc: NatsConnection, store: Store, events: readonly DomainEvent[]): Promise<number> {
  for (let i = 0; i < events.length; i += 1000) {
    const chunk = events.slice(i, i + 1000)
    await store.transaction((tx) => tx.enqueue(chunk))
  }
  const { stream, prefix } = await freshStream(nc, 'relay')
  let acked = 0
  let drained: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    drained = resolve
  })
  // Count acknowledged rows to know when the outbox is empty; the relay runs as in production.
  const counting: Store = {
    ...store,
    claimOutbox: store.claimOutbox,
    ackOutbox: async (ids) => {
      await store.ackOutbox(ids)
      acked += ids.length
      if (acked >= events.length) drained()
    },
  }
  const relay = natsRelay({
    store: counting,
    connection: nc,
    stream,
    subjectPrefix: prefix,
    batchSize: BATCH,
    concurrency: CONCURRENCY,
    onError: (e) => {
      throw e
    },
  })
  const t0 = performance.now()
  relay.start()
  await done
  const ms = performance.now() - t0
  await relay.stop()
  await (await jetstreamManager(nc)).streams.delete(stream)
  return ms
}

async function compare(storeKind: string): Promise<void> {
  const nc = await connect({ servers: NATS, noAsyncTraces: true })
  const events = makeEvents()
  const makeStore = async (): Promise<{ store: Store; done: () => Promise<void> }> => {
    if (storeKind !== 'postgres') return { store: memoryStore(), done: async () => {} }
    const store = postgresStore({ connection: { ...PG, max: 4 }, schema: `parley_bench_${suffix()}` })
    return { store, done: () => store.dropSchema().then(() => store.close()) }
  }
  // Warm-up: JIT, connection, stream creation paths.
  const warm = await makeStore()
  await bare(nc, events.slice(0, 2000))
  await relayed(
    nc,
    warm.store,
    events.slice(0, 2000).map((e) => ({ ...e, id: createId('w_') })),
  )
  await warm.done()

  const results: { bare: number; relay: number }[] = []
  for (let run = 0; run < RUNS; run++) {
    const s = await makeStore()
    const fresh = events.map((e) => ({ ...e, id: createId('ev_') }))
    const relay = await relayed(nc, s.store, fresh)
    const b = await bare(nc, fresh)
    await s.done()
    results.push({ bare: b, relay })
  }
  const best = (k: 'bare' | 'relay') => Math.min(...results.map((r) => r[k]))
  const b = rate(EVENTS, best('bare'))
  const r = rate(EVENTS, best('relay'))
  console.log(
    `outbox → JetStream, ${fmt(EVENTS)} events, ${PER_CASE}/case, batch ${BATCH}, concurrency ${CONCURRENCY}, ${storeKind} outbox (best of ${RUNS})`,
  )
  console.log(`  bare js.publish loop   ${fmt(b).padStart(8)} events/s`)
  console.log(`  natsRelay.start()      ${fmt(r).padStart(8)} events/s`)
  console.log(`  ratio bare/relay       ${(b / r).toFixed(2)}× (aim ≤ 1.5×)`)
  await nc.close()
}

// ---- scale mode: N processes, each an engine + a relay, on one Postgres --------------------

interface WorkerJob {
  /** `app`: engine + relay, opening `cases` cases; `relay`: a relay only, draining the outbox. */
  mode: 'app' | 'relay'
  schema: string
  stream: string
  prefix: string
  cases: number
}

/** One app process: opens `cases` claims and accepts each (2 domain events a case), relaying as it goes. */
async function worker(job: WorkerJob): Promise<void> {
  const store = postgresStore({ connection: { ...PG, max: 4 }, schema: job.schema, migrate: false })
  const engine = createEngine({ workflows: [claimWorkflow()], store })
  const relay = natsRelay({
    store,
    servers: NATS,
    stream: job.stream,
    subjectPrefix: job.prefix,
    batchSize: BATCH,
    pollIntervalMs: job.mode === 'app' ? 50 : 5,
    concurrency: CONCURRENCY,
    ensureStream: false,
  })
  await store.claimOutbox(0, 0, 1) // opens the pool before the clock starts
  process.send?.({ ready: true })
  await new Promise((resolve) => process.once('message', resolve))
  relay.start()
  if (job.mode === 'relay') job.cases = 0
  const buyer = { role: 'buyer', id: 'b1' } as const
  const seller = { role: 'seller', id: 's1' } as const
  // A few requests in flight per process, as an HTTP server would have.
  let next = 0
  const lane = async () => {
    while (next < job.cases) {
      next++
      const c = await engine.open(
        'claim',
        { parties: { buyer: 'b1', seller: 's1' }, amount: 40 },
        { actor: buyer },
      )
      await engine.send(c.id, { type: 'accept', payload: {} }, { actor: seller })
    }
  }
  await Promise.all(Array.from({ length: 4 }, lane))
  process.send?.({ produced: true })
  await new Promise((resolve) => process.once('message', resolve))
  await relay.stop()
  await store.close()
  process.exit(0)
}

/** Runs `n` worker processes on a fresh schema and stream; returns events/s committed and relayed. */
async function runWorkers(
  nc: NatsConnection,
  n: number,
  mode: WorkerJob['mode'],
  totalCases: number,
): Promise<{ committed: number; relayed: number }> {
  const jsm = await jetstreamManager(nc)
  const schema = `parley_scale_${suffix()}`
  const setup = postgresStore({ connection: PG, schema })
  await setup.migrate()
  if (mode === 'relay') {
    const events = makeEvents()
    for (let i = 0; i < events.length; i += 1000) {
      const chunk = events.slice(i, i + 1000)
      await setup.transaction((tx) => tx.enqueue(chunk))
    }
  }
  const { stream, prefix } = await freshStream(nc, `scale${n}`)
  const cases = Math.ceil(totalCases / n)
  const job: WorkerJob = { mode, schema, stream, prefix, cases }
  const children = Array.from({ length: n }, () =>
    fork(fileURLToPath(import.meta.url), ['--worker', JSON.stringify(job)], {
      execArgv: ['--import', 'tsx'],
    }),
  )
  const all = (key: string) =>
    Promise.all(
      children.map(
        (c) => new Promise<void>((r) => c.on('message', (m) => (m as Record<string, unknown>)[key] && r())),
      ),
    )
  await all('ready')
  const events = mode === 'relay' ? EVENTS : 2 * n * cases
  const t0 = performance.now()
  const produced = all('produced')
  for (const c of children) c.send('go')
  await produced
  const tProduced = performance.now() - t0
  while ((await jsm.streams.info(stream)).state.messages < events) await new Promise((r) => setTimeout(r, 5))
  const tAll = performance.now() - t0
  const exits = children.map((c) => new Promise((r) => c.once('exit', r)))
  for (const c of children) c.send('stop')
  await Promise.all(exits)
  await jsm.streams.delete(stream)
  await setup.dropSchema()
  await setup.close()
  return { committed: mode === 'relay' ? 0 : rate(events, tProduced), relayed: rate(events, tAll) }
}

async function scale(counts: number[], totalCases: number): Promise<void> {
  const nc = await connect({ servers: NATS, noAsyncTraces: true })
  const ratio = (x: number, base: number) => `×${(x / base).toFixed(2)}`
  const app: string[] = []
  const relays: string[] = []
  let appBase = 0
  let relayBase = 0
  for (const n of counts) {
    const label = `  ${String(n).padStart(2)} process${n > 1 ? 'es' : '  '}`
    const a = await runWorkers(nc, n, 'app', totalCases)
    appBase ||= a.relayed
    app.push(
      `${label}  ${fmt(a.committed).padStart(7)} events/s committed  ${fmt(a.relayed).padStart(7)} events/s in JetStream  ${ratio(a.relayed, appBase)}`,
    )
    const r = await runWorkers(nc, n, 'relay', 0)
    relayBase ||= r.relayed
    relays.push(`${label}  ${fmt(r.relayed).padStart(7)} events/s  ${ratio(r.relayed, relayBase)}`)
  }
  console.log(
    `App processes on one Postgres (engine.open + send per case, 2 domain events, 4 requests in flight each, a relay in each), ${fmt(totalCases)} cases per run:`,
  )
  for (const l of app) console.log(l)
  console.log(
    `Relay processes draining one Postgres outbox of ${fmt(EVENTS)} events (batch ${BATCH}, concurrency ${CONCURRENCY}):`,
  )
  for (const l of relays) console.log(l)
  await nc.close()
}

if (args[0] === '--worker') await worker(JSON.parse(args[1] ?? '{}') as WorkerJob)
else if (args.includes('--scale'))
  await scale(opt('scale', '1,2,4').split(',').map(Number), Number(opt('cases', '2000')))
else await compare(opt('store', 'memory'))
