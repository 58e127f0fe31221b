import { postgresStore } from '@parley/adapters/postgres'
import { sqliteStore } from '@parley/adapters/sqlite'
import {
  type CaseRecord,
  createEngine,
  manualClock,
  ParleyError,
  type ParleyErrorCode,
  type Store,
} from '@parley/core'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'
import { CASE_COLUMNS } from '../src/shared/rows'
import { dropSchema, freshSchema, testPool } from './pg-helpers'

// House rule: a row Parley did not write becomes a ParleyError `CASE_CORRUPT` whose first issue
// names the column, on every read path, and a refused write leaves the row as it was.

const buyer = { role: 'buyer', id: 'b1' } as const
const seller = { role: 'seller', id: 's1' } as const
const claimInput = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }
const NUM_RUNS = 40

/** A raw value written over one column of one stored case (or of its rows in `table`). */
interface Corruption {
  /** @default 'cases' */
  readonly table?: 'cases' | 'audit' | 'idempotency' | 'outbox' | 'deadlines'
  readonly column: string
  readonly value: unknown
}

/** What a dialect lets the property do with raw SQL. */
interface Dialect {
  readonly store: Store
  /** Writes `value` over `column`; false when the database itself refuses the value. */
  corrupt(caseId: string, c: Corruption): Promise<boolean>
  /** Every stored row of the case, in a form that compares byte for byte. */
  raw(caseId: string): Promise<unknown>
  /** Deletes the case and its rows, so the next run starts from a clean listing. */
  remove(caseId: string): Promise<void>
}

const notJson = fc.string().filter((s) => {
  try {
    JSON.parse(s)
    return false
  } catch {
    return true
  }
})
const json = fc.jsonValue().map((v) => JSON.stringify(v))
const blob = fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a))
const hugeInt = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) }),
)
const notInteger = fc.oneof(
  fc.double({ noInteger: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
)

/** JSON text of a valid stored value with one field replaced by arbitrary JSON. */
const replaced = (base: Record<string, unknown>, keys: string[]) =>
  fc
    .record({ key: fc.constantFrom(...keys), value: fc.jsonValue() })
    .map(({ key, value }) => JSON.stringify({ ...base, [key]: value }))

const validTimers = { enteredAt: { awaitingSeller: 1000 }, armed: { sellerDue: 2000 }, fired: {} }

/** Corruptions per column; `sqlOnly` ones need SQLite's dynamic typing (Postgres refuses them). */
function corruptions(dialect: 'sqlite' | 'postgres'): fc.Arbitrary<Corruption> {
  const loose = dialect === 'sqlite'
  const col = (column: string, ...values: fc.Arbitrary<unknown>[]) =>
    fc.oneof(...values).map((value): Corruption => ({ column, value }))
  const jsonColumn = (column: string, ...shapes: fc.Arbitrary<string>[]) =>
    col(column, json, ...shapes, ...(loose ? [notJson, fc.integer(), blob] : []))
  const intColumn = (column: string, min: number) =>
    col(
      column,
      fc.integer({ max: min - 1 }),
      hugeInt,
      ...(loose ? [notInteger, fc.string(), blob] : [fc.constant(String(min - 1))]),
    )
  const textColumn = (column: string) => col(column, fc.constant(''), ...(loose ? [blob, notInteger] : []))
  return fc.oneof(
    textColumn('workflow'),
    textColumn('state'),
    intColumn('workflow_version', 1),
    intColumn('version', 1),
    intColumn('created_at', 0),
    intColumn('updated_at', 0),
    jsonColumn(
      'parties',
      replaced({ buyer: 'b1', seller: 's1' }, ['buyer', 'seller']),
      fc.array(fc.string(), { maxLength: 3 }).map((a) => JSON.stringify(a)),
    ),
    jsonColumn('timers', replaced(validTimers, ['enteredAt', 'armed', 'fired'])),
    jsonColumn(
      'snapshot',
      replaced({ status: 'active', value: 'awaitingSeller', context: {} }, ['status', 'value']),
    ),
    ...(loose
      ? [
          col(
            'done',
            fc.integer().filter((n) => n !== 0 && n !== 1),
            fc.string(),
            notInteger,
            blob,
          ),
        ]
      : []),
  )
}

/** Corruptions of the rows a case owns in the other tables: audit, idempotency, outbox, deadlines. */
function sideCorruptions(dialect: 'sqlite' | 'postgres'): fc.Arbitrary<Corruption> {
  const loose = dialect === 'sqlite'
  const col = (table: Corruption['table'], column: string, ...values: fc.Arbitrary<unknown>[]) =>
    fc.oneof(...values).map((value): Corruption => ({ table, column, value }))
  const jsonExtras = loose ? [notJson, fc.integer(), blob] : []
  const entry = {
    caseId: 'c',
    seq: 1,
    at: 1,
    actor: buyer,
    type: '$open',
    payload: {},
    from: null,
    to: 'a',
    emitted: [],
  }
  const record = { key: 'k', fingerprint: '[]', caseId: 'c', result: {}, at: 1 }
  return fc.oneof(
    col('audit', 'entry', json, replaced(entry, ['seq', 'type', 'actor', 'audience']), ...jsonExtras),
    col('idempotency', 'record', json, replaced(record, ['fingerprint', 'result']), ...jsonExtras),
    col('outbox', 'event', json, ...jsonExtras),
    col('outbox', 'attempts', fc.integer({ max: -2 }), ...(loose ? [blob, notInteger] : [])),
    col('deadlines', 'due_at', fc.integer({ max: -1 }), ...(loose ? [notInteger, blob] : [])),
    ...(loose ? [col('deadlines', 'name', blob), col('deadlines', 'event', blob)] : []),
  )
}

function sqliteDialect(): Dialect & { close(): void } {
  const db = new Database(':memory:')
  const store = sqliteStore({ database: db })
  const tables = ['audit', 'outbox', 'deadlines', 'idempotency'] as const
  return {
    store,
    async corrupt(caseId, { table = 'cases', column, value }) {
      try {
        const key = table === 'cases' ? 'id' : 'case_id'
        db.prepare(`UPDATE parley_${table} SET ${column} = ? WHERE ${key} = ?`).run(value, caseId)
        return true
      } catch {
        return false // NOT NULL, a trigger's json_each on text that is not JSON, ...
      }
    },
    async raw(caseId) {
      const quoted = CASE_COLUMNS.map((c) => `quote(${c})`)
      return {
        cases: db
          .prepare(`SELECT ${quoted.join(', ')} FROM parley_cases WHERE id = ?`)
          .raw()
          .all(caseId),
        ...Object.fromEntries(
          tables.map((t) => [
            t,
            db.prepare(`SELECT * FROM parley_${t} WHERE case_id = ? ORDER BY 1, 2`).raw().all(caseId),
          ]),
        ),
      }
    },
    async remove(caseId) {
      db.prepare('DELETE FROM parley_cases WHERE id = ?').run(caseId)
      for (const t of tables) db.prepare(`DELETE FROM parley_${t} WHERE case_id = ?`).run(caseId)
    },
    close: () => db.close(),
  }
}

function postgresDialect(): Dialect & { close(): Promise<void> } {
  const pool = testPool(4)
  const schema = freshSchema('parley_corrupt')
  const store = postgresStore({ pool, schema })
  const s = `"${schema}"`
  const tables = ['audit', 'outbox', 'deadlines', 'idempotency'] as const
  return {
    store,
    async corrupt(caseId, { table = 'cases', column, value }) {
      try {
        const key = table === 'cases' ? 'id' : 'case_id'
        await pool.query(`UPDATE ${s}.${table} SET ${column} = $2 WHERE ${key} = $1`, [caseId, value])
        return true
      } catch {
        return false // a type the column does not take
      }
    },
    async raw(caseId) {
      const rows = async (table: string, key: string) =>
        (
          await pool.query(`SELECT t::text AS row FROM ${s}.${table} t WHERE ${key} = $1 ORDER BY 1`, [
            caseId,
          ])
        ).rows
      const out: Record<string, unknown> = { cases: await rows('cases', 'id') }
      for (const t of tables) out[t] = await rows(t, 'case_id')
      return out
    },
    async remove(caseId) {
      await pool.query(`DELETE FROM ${s}.cases WHERE id = $1`, [caseId])
      for (const t of tables) await pool.query(`DELETE FROM ${s}.${t} WHERE case_id = $1`, [caseId])
    },
    async close() {
      await store.close()
      await dropSchema(pool, schema)
      await pool.end()
    },
  }
}

/** Codes an engine call may answer with when the corrupted row still reads back as a valid case. */
const DOMAIN_CODES = new Set<ParleyErrorCode>([
  'FORBIDDEN',
  'EVENT_NOT_ALLOWED',
  'UNKNOWN_WORKFLOW',
  'CONFLICT',
])

/** Runs `op`; returns its error, or undefined when it worked. */
async function attempt(op: () => Promise<unknown>): Promise<unknown> {
  try {
    await op()
    return undefined
  } catch (error) {
    return error
  }
}

/** The error is `CASE_CORRUPT` naming the column (or, on a row that reads back, a domain refusal). */
function expectCorruptOrDomain(error: unknown, column: string, readable: boolean, op: string): void {
  if (error === undefined) return
  if (!(error instanceof ParleyError)) throw new Error(`${op} threw a non-ParleyError: ${String(error)}`)
  if (readable && DOMAIN_CODES.has(error.code)) return
  expect({ op, code: error.code, column: error.issues[0]?.path[0] }).toEqual({
    op,
    code: 'CASE_CORRUPT',
    column,
  })
}

function corruptRowProperty(dialect: () => Dialect & { close(): unknown }, kind: 'sqlite' | 'postgres') {
  return async () => {
    const d = dialect()
    const clock = manualClock()
    const engine = createEngine({ workflows: [claimWorkflow()], store: d.store, clock })
    try {
      await fc.assert(
        fc.asyncProperty(corruptions(kind), async (corruption) => {
          const c = await engine.open('claim', claimInput, { actor: buyer })
          const other = await engine.open('claim', claimInput, { actor: buyer })
          try {
            const otherBefore = (await d.store.getCase(other.id)) as CaseRecord
            fc.pre(await d.corrupt(c.id, corruption))
            const { column } = corruption

            const read = await attempt(() => d.store.getCase(c.id))
            const readable = read === undefined
            expectCorruptOrDomain(read, column, false, 'store.getCase')
            expectCorruptOrDomain(
              await attempt(() => engine.get(c.id, { viewer: buyer })),
              column,
              readable,
              'engine.get',
            )
            expectCorruptOrDomain(
              await attempt(() => engine.history(c.id, { viewer: buyer })),
              column,
              readable,
              'engine.history',
            )
            expectCorruptOrDomain(await attempt(() => d.store.listCases()), column, false, 'store.listCases')

            const before = await d.raw(c.id)
            const sent = await attempt(() =>
              engine.send(c.id, { type: 'reject', payload: { reason: 'not mine' } }, { actor: seller }),
            )
            expectCorruptOrDomain(sent, column, readable, 'engine.send')
            if (sent !== undefined) expect(await d.raw(c.id)).toEqual(before)

            expect(await d.store.getCase(other.id)).toEqual(otherBefore)
            expect((await engine.get(other.id, { viewer: buyer })).version).toBe(otherBefore.version)
          } finally {
            await d.remove(c.id)
            await d.remove(other.id)
          }
        }),
        { numRuns: NUM_RUNS },
      )
    } finally {
      await d.close()
    }
  }
}

/** The read path of each side table, as the engine or a relay would take it. */
function sideTableProperty(dialect: () => Dialect & { close(): unknown }, kind: 'sqlite' | 'postgres') {
  return async () => {
    const d = dialect()
    const engine = createEngine({ workflows: [claimWorkflow()], store: d.store, clock: manualClock() })
    let n = 0
    try {
      await fc.assert(
        fc.asyncProperty(sideCorruptions(kind), async (corruption) => {
          const idempotencyKey = `key-${kind}-${n++}`
          const c = await engine.open('claim', claimInput, { actor: buyer, idempotencyKey })
          try {
            fc.pre(await d.corrupt(c.id, corruption))
            const before = await d.raw(c.id)
            const ops: Record<NonNullable<Corruption['table']>, () => Promise<unknown>> = {
              cases: () => d.store.getCase(c.id),
              audit: () => engine.history(c.id, { viewer: buyer }),
              idempotency: () => engine.open('claim', claimInput, { actor: buyer, idempotencyKey }),
              // far enough ahead that the claim's lease stays a safe integer
              outbox: () => d.store.claimOutbox(2 ** 50, 100, 1000),
              deadlines: () => d.store.claimDue(2 ** 50, 100, 1000),
            }
            const error = await attempt(ops[corruption.table ?? 'cases'])
            // an idempotency record whose fingerprint changed is another request: CONFLICT
            expectCorruptOrDomain(
              error,
              corruption.column,
              corruption.table === 'idempotency',
              corruption.table!,
            )
            if (error !== undefined) expect(await d.raw(c.id)).toEqual(before)
          } finally {
            await d.remove(c.id)
          }
        }),
        { numRuns: NUM_RUNS },
      )
    } finally {
      await d.close()
    }
  }
}

describe('corrupt rows', () => {
  it(
    'sqlite: every read and write of a corrupted case works or throws CASE_CORRUPT naming the column, and writes nothing',
    corruptRowProperty(sqliteDialect, 'sqlite'),
  )

  it(
    'postgres: every read and write of a corrupted case works or throws CASE_CORRUPT naming the column, and writes nothing',
    corruptRowProperty(postgresDialect, 'postgres'),
  )

  it(
    'sqlite: a corrupted audit, idempotency, outbox or deadline row reads back or throws CASE_CORRUPT naming the column',
    sideTableProperty(sqliteDialect, 'sqlite'),
  )

  it(
    'postgres: a corrupted audit, idempotency, outbox or deadline row reads back or throws CASE_CORRUPT naming the column',
    sideTableProperty(postgresDialect, 'postgres'),
  )
})
