import { type PostgresStore, postgresStore } from '@parley/adapters/postgres'
import { type AuditEntry, createEngine, manualClock } from '@parley/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'
import { dropSchema, freshSchema, testPool } from './pg-helpers'
import { startWorker } from './pg-processes'
import type { WorkerReport } from './pg-worker'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 10)
const admin = testPool(4)
afterAll(() => admin.end())

/** A fresh schema with `n` claim cases: the first half opened four days before T0 (already due). */
async function setup(n: number): Promise<{ schema: string; store: PostgresStore; caseIds: string[] }> {
  const schema = freshSchema('parley_mp')
  const store = postgresStore({ pool: admin, schema })
  await store.migrate()
  const clock = manualClock(T0 - 4 * DAY)
  const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
  const caseIds: string[] = []
  for (let k = 0; k < n; k++) {
    if (k === n / 2) clock.set(T0)
    const c = await engine.open(
      'claim',
      { parties: { buyer: `b${k}`, seller: `s${k}` }, amount: 100 },
      { actor: { role: 'buyer', id: `b${k}` } },
    )
    caseIds.push(c.id)
  }
  // Nobody relays the opening events in these tests' setup: drop them so the outbox holds only
  // what the workers wrote.
  await admin.query(`DELETE FROM "${schema}".outbox`)
  return { schema, store, caseIds }
}

interface Totals {
  logs: Map<string, AuditEntry[]>
  emitted: number
  firings: AuditEntry[]
}

/** Checks what must hold whatever happened: every case's log is whole and matches its version. */
async function checkCases(store: PostgresStore, caseIds: string[]): Promise<Totals> {
  const logs = new Map<string, AuditEntry[]>()
  let emitted = 0
  const firings: AuditEntry[] = []
  for (const id of caseIds) {
    const c = await store.getCase(id)
    const log = await store.readAudit(id)
    logs.set(id, log)
    // No gap, no duplicate: seq runs 1..version.
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: c!.version }, (_, i) => i + 1))
    expect(log.at(-1)?.to).toBe(c!.state)
    for (const e of log) {
      if (e.seq > 1) emitted += e.emitted.length
      if (e.actor.role === 'system') firings.push(e)
    }
  }
  // Every deadline occurrence fired once: no (case, deadline, dueAt) twice.
  const keys = firings.map((e) => {
    const p = e.payload as { deadline: string; dueAt: number }
    return `${e.caseId}/${p.deadline}/${p.dueAt}`
  })
  expect(new Set(keys).size).toBe(keys.length)
  return { logs, emitted, firings }
}

async function dueLeft(schema: string, at: number): Promise<number> {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM "${schema}".deadlines WHERE due_at <= $1`,
    [at],
  )
  return rows[0].n as number
}

describe('Postgres shared by worker processes', () => {
  let schemas: string[] = []
  beforeAll(() => {
    schemas = []
  })
  afterAll(async () => {
    for (const s of schemas) await dropSchema(admin, s)
  })

  it('keeps versions, audit, deadlines and outbox exact with four workers sending 2,000 events', async () => {
    const { schema, store, caseIds } = await setup(50)
    schemas.push(schema)
    const wallStart = Date.now()
    const workers = [0, 1, 2, 3].map((i) =>
      startWorker({
        schema,
        caseIds,
        events: 500,
        t0: T0,
        wallStart,
        startAt: wallStart + 2500,
        relay: true,
        seed: 1000 + i,
      }),
    )
    const reports = (await Promise.all(workers.map((w) => w.done))).map((r) => r.report!) as WorkerReport[]
    const { logs, emitted, firings } = await checkCases(store, caseIds)

    // Each case's version is its opening + the events workers saw accepted + the deadlines fired on it.
    for (const id of caseIds) {
      const accepted = reports.reduce((n, r) => n + (r.accepted[id] ?? 0), 0)
      const fired = firings.filter((e) => e.caseId === id).length
      expect(logs.get(id)!.length).toBe(1 + accepted + fired)
    }
    const acceptedTotal = reports.reduce(
      (n, r) => n + Object.values(r.accepted).reduce((a, b) => a + b, 0),
      0,
    )
    expect(acceptedTotal).toBeGreaterThan(1000)
    // Deadlines: every firing was counted by exactly one worker, and nothing due is left.
    expect(reports.reduce((n, r) => n + r.fired, 0)).toBe(firings.length)
    expect(firings.length).toBeGreaterThan(10)
    expect(reports.filter((r) => r.fired > 0).length).toBeGreaterThanOrEqual(2)
    expect(await dueLeft(schema, T0 + 8 * DAY)).toBe(0)
    // Outbox: every row delivered, acknowledged exactly once, none left.
    const acked = reports.flatMap((r) => r.acked)
    expect(new Set(acked).size).toBe(acked.length)
    expect(acked.length).toBe(emitted)
    expect(new Set(reports.flatMap((r) => r.delivered)).size).toBe(emitted)
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".outbox`)
    expect(rows[0].n).toBe(0)
    console.info(
      `[4 workers] accepted ${acceptedTotal}, fired ${reports.map((r) => r.fired).join('+')}, relayed ${reports.map((r) => r.acked.length).join('+')}, refused ${JSON.stringify(reports.map((r) => r.refused))}`,
    )
  }, 120_000)

  it('leaves nothing half-written when a worker is killed mid-run, and the others finish its work', async () => {
    const { schema, store, caseIds } = await setup(20)
    schemas.push(schema)
    const wallStart = Date.now()
    const workers = [0, 1, 2].map((i) =>
      startWorker({
        schema,
        caseIds,
        events: 400,
        t0: T0,
        wallStart,
        startAt: wallStart + 2500,
        relay: false,
        seed: 2000 + i,
      }),
    )
    await workers[0]!.waitFor('progress')
    workers[0]!.kill('SIGKILL')
    const [killed, ...survivors] = await Promise.all(workers.map((w) => w.done))
    expect(killed!.signal).toBe('SIGKILL')
    for (const s of survivors) expect(Object.keys(s.report!.accepted).length).toBeGreaterThan(0)

    const { logs } = await checkCases(store, caseIds)
    // Every committed step has all its outbox rows and no step has rows without its audit entry.
    const { rows } = await admin.query<{ case_id: string; seq: number }>(
      `SELECT case_id, (event->>'seq')::int AS seq FROM "${schema}".outbox`,
    )
    for (const id of caseIds) {
      const expected = logs
        .get(id)!
        .filter((e) => e.seq > 1)
        .flatMap((e) => e.emitted.map(() => e.seq))
      const got = rows
        .filter((r) => r.case_id === id)
        .map((r) => r.seq)
        .sort((a, b) => a - b)
      expect(got).toEqual(expected)
    }
    // The killed worker's claims lapsed and the survivors fired what was due.
    expect(await dueLeft(schema, T0 + 8 * DAY)).toBe(0)
    // No connection of the dead worker holds a lock: every case still takes an update.
    const engine = createEngine({ workflows: [claimWorkflow()], store, clock: manualClock(T0 + 9 * DAY) })
    for (const id of caseIds) {
      const c = await store.getCase(id)
      if (c?.done) continue
      const after = await engine.send(
        id,
        { type: 'post', payload: { body: 'still here' } },
        { actor: { role: 'operator', id: 'o1' } },
      )
      expect(after.version).toBe(c!.version + 1)
    }
  }, 120_000)
})
