/**
 * `npx tsx bench/store.ts` — engine.send events/s on each store, beside a baseline that does the
 * same writes by hand with the raw driver in the same run: one UPDATE of the case + INSERTs of the
 * audit entry, the outbox row and the re-armed deadline (and the DELETE of the old one), in one
 * transaction. The memory store's baseline writes the same JSON into Maps. Aim: each store within
 * 1.5× of its baseline. Postgres: PARLEY_BENCH_PG (a connection string), default the local
 * `postgres@127.0.0.1/test`; skipped when unreachable. BENCH_N scales the runs, BENCH_ROUNDS
 * sets how many alternating rounds the medians are taken over (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postgresStore } from '@parley/adapters/postgres'
import { sqliteStore } from '@parley/adapters/sqlite'
import {
  type AuditEntry,
  type CaseRecord,
  createEngine,
  createId,
  type DomainEvent,
  manualClock,
  memoryStore,
  type Store,
} from '@parley/core'
import Database from 'better-sqlite3'
import pg from 'pg'
import { pingPong } from './fixtures/ping-pong'

const workflow = pingPong

const scale = Number(process.env.BENCH_N ?? 1)
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const actor = { role: 'operator', id: 'o1' } as const
const payload = { body: 'Thanks, I will look into it today.' }
const DAY = 86_400_000

/** engine.send on `store`: events/s. */
async function engineRun(store: Store, n: number): Promise<number> {
  const engine = createEngine({ workflows: [workflow], store, clock: manualClock() })
  const c = await engine.open('pingPong', { parties: { buyer: 'b1', seller: 's1' } }, { actor })
  const t = performance.now()
  for (let i = 0; i < n; i++) await engine.send(c.id, { type: 'answer', payload }, { actor })
  return (n / (performance.now() - t)) * 1000
}

/** What one send writes, built by hand from a stored case: the next record, its audit entry, its event. */
function step(prev: CaseRecord, i: number) {
  const seller = i % 2 === 0
  const state = seller ? 'awaitingBuyer' : 'awaitingSeller'
  const at = prev.updatedAt + 1
  const next: CaseRecord = { ...prev, state, version: prev.version + 1, updatedAt: at }
  const entry: AuditEntry = {
    caseId: prev.id,
    seq: next.version,
    at,
    actor,
    type: 'answer',
    payload,
    from: prev.state,
    to: state,
    emitted: ['turn.changed'],
  }
  const event: DomainEvent = {
    id: createId('evt_'),
    type: 'turn.changed',
    caseId: prev.id,
    workflow: 'pingPong',
    seq: next.version,
    at,
    payload: { to: seller ? 'buyer' : 'seller' },
  }
  const cancel = seller ? 'sellerDue' : 'buyerDue'
  const arm = { name: seller ? 'buyerDue' : 'sellerDue', dueAt: at + (seller ? 7 : 3) * DAY }
  return { next, entry, event, cancel, arm }
}

/** A case opened through the engine, as the baselines' starting row. */
async function openedCase(store: Store): Promise<CaseRecord> {
  const engine = createEngine({ workflows: [workflow], store, clock: manualClock() })
  const c = await engine.open('pingPong', { parties: { buyer: 'b1', seller: 's1' } }, { actor })
  return (await store.getCase(c.id))!
}

async function memoryBaseline(n: number): Promise<number> {
  let rec = await openedCase(memoryStore())
  const cases = new Map<string, string>()
  const audit: string[] = []
  const outbox: string[] = []
  const deadlines = new Map<string, string>()
  const t = performance.now()
  for (let i = 0; i < n; i++) {
    const s = step(rec, i)
    cases.set(rec.id, JSON.stringify(s.next))
    audit.push(JSON.stringify(s.entry))
    outbox.push(JSON.stringify(s.event))
    deadlines.delete(`${rec.id}/${s.cancel}`)
    deadlines.set(`${rec.id}/${s.arm.name}`, JSON.stringify(s.arm))
    rec = s.next
    await Promise.resolve()
  }
  return (n / (performance.now() - t)) * 1000
}

async function sqliteBaseline(filename: string, n: number): Promise<number> {
  const db = new Database(filename)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  let rec = await openedCase(sqliteStore({ database: db }))
  const update = db.prepare(
    'UPDATE parley_cases SET state = ?, snapshot = ?, version = ?, timers = ?, updated_at = ? WHERE id = ? AND version = ?',
  )
  const audit = db.prepare('INSERT INTO parley_audit (case_id, seq, entry) VALUES (?, ?, ?)')
  const outbox = db.prepare('INSERT INTO parley_outbox (id, case_id, event) VALUES (?, ?, ?)')
  const cancel = db.prepare('DELETE FROM parley_deadlines WHERE case_id = ? AND name = ?')
  const arm = db.prepare(
    `INSERT INTO parley_deadlines (case_id, name, event, due_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (case_id, name) DO UPDATE SET due_at = excluded.due_at, token = NULL, claimed_until = 0`,
  )
  const t = performance.now()
  for (let i = 0; i < n; i++) {
    const s = step(rec, i)
    db.exec('BEGIN IMMEDIATE')
    const r = s.next
    update.run(
      r.state,
      JSON.stringify(r.snapshot),
      r.version,
      JSON.stringify(r.timers),
      r.updatedAt,
      r.id,
      rec.version,
    )
    audit.run(r.id, s.entry.seq, JSON.stringify(s.entry))
    outbox.run(s.event.id, r.id, JSON.stringify(s.event))
    cancel.run(r.id, s.cancel)
    arm.run(r.id, s.arm.name, s.arm.name, s.arm.dueAt)
    db.exec('COMMIT')
    rec = r
    await Promise.resolve()
  }
  const rate = (n / (performance.now() - t)) * 1000
  db.close()
  return rate
}

async function postgresBaseline(pool: pg.Pool, schema: string, n: number): Promise<number> {
  let rec = await openedCase(postgresStore({ pool, schema }))
  const s_ = `"${schema}"`
  const client = await pool.connect()
  const q = (name: string, text: string, values: unknown[]) =>
    client.query({ name: `bench_${schema}_${name}`, text, values })
  const t = performance.now()
  for (let i = 0; i < n; i++) {
    const s = step(rec, i)
    const r = s.next
    await client.query('BEGIN')
    await q(
      'update',
      `UPDATE ${s_}.cases SET state = $1, snapshot = $2, version = $3, timers = $4, updated_at = $5 WHERE id = $6 AND version = $7`,
      [
        r.state,
        JSON.stringify(r.snapshot),
        r.version,
        JSON.stringify(r.timers),
        r.updatedAt,
        r.id,
        rec.version,
      ],
    )
    await q('audit', `INSERT INTO ${s_}.audit (case_id, seq, entry) VALUES ($1, $2, $3)`, [
      r.id,
      s.entry.seq,
      JSON.stringify(s.entry),
    ])
    await q('outbox', `INSERT INTO ${s_}.outbox (id, case_id, event) VALUES ($1, $2, $3)`, [
      s.event.id,
      r.id,
      JSON.stringify(s.event),
    ])
    await q('cancel', `DELETE FROM ${s_}.deadlines WHERE case_id = $1 AND name = $2`, [r.id, s.cancel])
    await q(
      'arm',
      `INSERT INTO ${s_}.deadlines (case_id, name, event, due_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id, name) DO UPDATE SET due_at = excluded.due_at, token = NULL, claimed_until = 0`,
      [r.id, s.arm.name, s.arm.name, s.arm.dueAt],
    )
    await client.query('COMMIT')
    rec = r
  }
  const rate = (n / (performance.now() - t)) * 1000
  client.release()
  return rate
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Alternates engine and baseline runs (after a warm-up) and returns the medians. */
async function compare(
  engine: () => Promise<number>,
  baseline: () => Promise<number>,
): Promise<{ engine: number; baseline: number }> {
  await engine()
  await baseline()
  const e: number[] = []
  const b: number[] = []
  for (let round = 0; round < rounds; round++) {
    b.push(await baseline())
    e.push(await engine())
  }
  return { engine: median(e), baseline: median(b) }
}

function report(name: string, n: number, r: { engine: number; baseline: number }): void {
  const ratio = r.baseline / r.engine
  console.log(
    `${name.padEnd(18)} n=${String(n).padStart(6)}  engine.send ${r.engine.toFixed(0).padStart(7)} ev/s` +
      `  raw baseline ${r.baseline.toFixed(0).padStart(7)} ev/s  ratio ${ratio.toFixed(2)}× ${ratio <= 1.5 ? '(≤ 1.5× ✓)' : '(aim ≤ 1.5×)'}`,
  )
}

console.log(`engine.send vs the same writes by hand, medians of ${rounds} alternating rounds after a warm-up`)
const nMem = Math.round(20_000 * scale)
report(
  'memory',
  nMem,
  await compare(
    () => engineRun(memoryStore(), nMem),
    () => memoryBaseline(nMem),
  ),
)

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
let files = 0
const file = () => join(dir, `bench-${files++}.sqlite`)
const nLite = Math.round(5_000 * scale)
report(
  'sqlite (file, WAL)',
  nLite,
  await compare(
    async () => {
      const store = sqliteStore({ filename: file() })
      const rate = await engineRun(store, nLite)
      await store.close()
      return rate
    },
    () => sqliteBaseline(file(), nLite),
  ),
)
rmSync(dir, { recursive: true, force: true })

const pool = new pg.Pool(
  process.env.PARLEY_BENCH_PG
    ? { connectionString: process.env.PARLEY_BENCH_PG }
    : { host: '127.0.0.1', user: 'postgres', database: 'test' },
)
const reachable = await pool.query('SELECT 1').then(
  () => true,
  (e: Error) => {
    console.log(`postgres           skipped: ${e.message}`)
    return false
  },
)
if (reachable) {
  const schemas: string[] = []
  const schema = () => {
    schemas.push(`parley_storebench_${process.pid}_${schemas.length}`)
    return schemas[schemas.length - 1]!
  }
  const nPg = Math.round(2_000 * scale)
  try {
    report(
      'postgres',
      nPg,
      await compare(
        () => engineRun(postgresStore({ pool, schema: schema() }), nPg),
        () => postgresBaseline(pool, schema(), nPg),
      ),
    )
  } finally {
    for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  }
}
await pool.end()
