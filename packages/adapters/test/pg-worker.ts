// One worker process of the multi-process Postgres tests (postgres-processes.test.ts): its own
// engine and pool on a shared schema. It sends events at the cases, fires due deadlines and relays
// the outbox concurrently, then prints one JSON line with what it did. Run with `node --import tsx`.

import { postgresStore } from '@parley/adapters/postgres'
import { type Actor, createEngine, ParleyError } from '@parley/core'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'
import { PG_CONNECTION } from './pg-helpers'

/** What the parent passes as argv[2] (JSON). */
export interface WorkerConfig {
  schema: string
  caseIds: string[]
  events: number
  /** Virtual time at `wallStart`; the engine clock runs from there with the wall clock. */
  t0: number
  wallStart: number
  relay: boolean
  seed: number
  /** Wall time at which every worker starts (after its slow boot). */
  startAt: number
}

/** What the worker prints when done. */
export interface WorkerReport {
  accepted: Record<string, number>
  fired: number
  delivered: string[]
  acked: string[]
  refused: Record<string, number>
}

const DAY = 86_400_000
const config = JSON.parse(process.argv[2]!) as WorkerConfig
let seed = config.seed
const random = () => {
  // mulberry32: reproducible per worker.
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

let skew = 0
const wallNow = () => config.t0 + (Date.now() - config.wallStart)
const clock = { now: () => wallNow() + skew }
const store = postgresStore({
  connection: { ...PG_CONNECTION, max: 6 },
  schema: config.schema,
  migrate: false,
})
const engine = createEngine({ workflows: [claimWorkflow()], store, clock, maxRetries: 100 })
const report: WorkerReport = { accepted: {}, fired: 0, delivered: [], acked: [], refused: {} }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function command(k: number): { type: string; payload: unknown; actor: Actor } {
  const r = random()
  const buyer: Actor = { role: 'buyer', id: `b${k}` }
  const seller: Actor = { role: 'seller', id: `s${k}` }
  const operator: Actor = { role: 'operator', id: 'o1' }
  if (r < 0.7) {
    const actor = [buyer, seller, operator][Math.floor(random() * 3)]!
    return { type: 'post', payload: { body: `hello ${r}`, audience: ['buyer', 'seller', 'operator'] }, actor }
  }
  if (r < 0.85) return { type: 'reject', payload: { reason: 'no' }, actor: seller }
  return { type: 'decide', payload: { refund: 10 }, actor: operator }
}

let remaining = config.events
let acceptedTotal = 0
async function sender(): Promise<void> {
  while (remaining > 0) {
    remaining--
    const k = Math.floor(random() * config.caseIds.length)
    const id = config.caseIds[k]!
    const { type, payload, actor } = command(k)
    try {
      await engine.send(id, { type, payload }, { actor })
      report.accepted[id] = (report.accepted[id] ?? 0) + 1
      if (++acceptedTotal === 50) process.stderr.write('progress\n')
    } catch (error) {
      if (!(error instanceof ParleyError)) throw error
      report.refused[error.code] = (report.refused[error.code] ?? 0) + 1
    }
  }
}

let sending = true
async function scheduler(): Promise<void> {
  while (sending) {
    report.fired += await engine.runDueDeadlines({ limit: 3 })
    await sleep(5)
  }
}

let relaying = true
async function relay(): Promise<void> {
  for (let idle = 0; relaying || idle < 3; ) {
    // Leases run on the wall clock, not the skewed engine clock: a skewed relay would see
    // another worker's lease as expired.
    const rows = await store.claimOutbox(wallNow(), 25, 30_000)
    if (rows.length === 0) {
      idle = relaying ? 0 : idle + 1
      await sleep(10)
      continue
    }
    idle = 0
    for (const r of rows) report.delivered.push(r.id)
    await store.ackOutbox(rows.map((r) => r.id))
    for (const r of rows) report.acked.push(r.id)
  }
}

// Start together with the other workers, so they really compete for the same rows.
await store.getCase('warm-up')
await sleep(Math.max(0, config.startAt - Date.now()))
const relayDone = config.relay ? relay() : Promise.resolve()
const schedulerDone = scheduler()
await Promise.all(Array.from({ length: 8 }, sender))
// Phase 2: eight days later, what fell due meanwhile (operator deadlines) fires from here.
skew = 8 * DAY
sending = false
await schedulerDone
for (let n = 1; n > 0; ) {
  n = await engine.runDueDeadlines({ limit: 3 })
  report.fired += n
}
relaying = false
await relayDone
await store.close()
process.stdout.write(`${JSON.stringify(report)}\n`)
