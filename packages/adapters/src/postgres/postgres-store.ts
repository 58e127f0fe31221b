import { createHash } from 'node:crypto'
import type {
  CaseQuery,
  CaseRecord,
  DomainEvent,
  IdempotencyRecord,
  Page,
  Store,
  StoreTransaction,
} from '@parley/core'
import { decodeCursor, encodeCursor, ParleyError, pageSize } from '@parley/core'
import { checkIdentifier } from '../shared/mutex'
import {
  byDue,
  CASE_COLUMNS,
  type CaseRow,
  decodeAudit,
  decodeCase,
  decodeClaim,
  decodeIdempotency,
  decodeOutbox,
  guardMethods,
  stateRange,
  storeFailed,
} from '../shared/rows'
import { createPool, type PgPool, type PgPoolClient, type PgQueryable, type PgResult } from './driver'
import { POSTGRES_MIGRATIONS } from './migrations'

/** Options of {@link postgresStore}. Pass a `pool`, or `connection` settings to make one. */
export interface PostgresStoreOptions {
  /** A pg `Pool`. The store does not end it: its owner does. */
  pool?: PgPool
  /** Settings for a new pg `Pool` (`{ connectionString }`, `{ host, user, database }`, ...). */
  connection?: Record<string, unknown>
  /** The schema holding Parley's tables, created if missing; @default 'parley' */
  schema?: string
  /** Run {@link PostgresStore.migrate} before the first use; @default true */
  migrate?: boolean
}

/** A {@link Store} on PostgreSQL, plus its schema management. */
export interface PostgresStore extends Store {
  /**
   * Creates or upgrades the schema; idempotent, and safe when many processes call it at once
   * (an advisory lock serialises them). Returns the versions it applied.
   */
  migrate(): Promise<number[]>
  /** Drops the schema and everything in it. For tests and teardown scripts. */
  dropSchema(): Promise<void>
}

const SELECT_CASE = CASE_COLUMNS.map((c) =>
  c === 'parties' || c === 'snapshot' || c === 'timers' ? `${c}::text AS ${c}` : c,
).join(', ')

/** SQLSTATEs that mean "another transaction got there first": the caller may retry. */
const CONFLICT_CODES = new Set(['23505', '40001', '40P01'])

/**
 * A store on PostgreSQL through pg 8, for many processes sharing one database: versions are
 * checked in the UPDATE itself, deadlines and outbox rows are claimed with `FOR UPDATE SKIP LOCKED`
 * so each is handed to one caller, and every `transaction` runs on one pooled connection between
 * BEGIN and COMMIT.
 * @example
 * const store = postgresStore({ connection: { connectionString: process.env.DATABASE_URL } })
 * const engine = createEngine({ workflows: [dispute()], store })
 */
export function postgresStore(options: PostgresStoreOptions = {}): PostgresStore {
  const schema = checkIdentifier(options.schema ?? 'parley', 'schema', false)
  const s = `"${schema}"`
  const owned = options.pool === undefined
  // Advisory lock keys, unique per schema: one for migrations, one for outbox claims.
  const lockKey = Number.parseInt(createHash('sha1').update(schema).digest('hex').slice(0, 12), 16)
  let pool: PgPool | null = options.pool ?? null
  let ready: Promise<PgPool> | null = null
  let closed = false

  /** Runs a statement, prepared once per connection under a name derived from its text. */
  function q<R>(db: PgQueryable, text: string, values: unknown[] = [], prepare = true): Promise<PgResult<R>> {
    const sql = text.replaceAll('{s}', s)
    const name = prepare ? `parley_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}` : undefined
    return db.query(name ? { name, text: sql, values } : { text: sql, values }) as Promise<PgResult<R>>
  }

  async function getPool(): Promise<PgPool> {
    if (closed) throw new ParleyError('STORE_FAILED', 'This Postgres store was closed.')
    ready ??= (async () => {
      const p = pool ?? (await createPool(options.connection ?? {}))
      pool = p
      if (options.migrate !== false) await runMigrations(p)
      return p
    })()
    try {
      return await ready
    } catch (error) {
      ready = null
      throw storeFailed(error, 'Connecting to Postgres')
    }
  }

  /** Runs `fn` on one connection between BEGIN and COMMIT; its errors are rethrown as they are. */
  async function inTx<T>(p: PgPool, fn: (client: PgPoolClient) => Promise<T>): Promise<T> {
    let client: PgPoolClient
    try {
      client = await p.connect()
      await client.query({ text: 'BEGIN' })
    } catch (error) {
      throw mapError(error)
    }
    let result: T
    try {
      result = await fn(client)
    } catch (error) {
      try {
        await client.query({ text: 'ROLLBACK' })
        client.release()
      } catch (rollbackError) {
        client.release(rollbackError instanceof Error ? rollbackError : true)
      }
      throw error
    }
    try {
      await client.query({ text: 'COMMIT' })
      client.release()
    } catch (error) {
      client.release(error instanceof Error ? error : true)
      throw mapError(error)
    }
    return result
  }

  async function runMigrations(p: PgPool): Promise<number[]> {
    return inTx(p, async (c) => {
      await q(c, 'SELECT pg_advisory_xact_lock($1)', [lockKey], false)
      await q(c, 'CREATE SCHEMA IF NOT EXISTS {s}', [], false)
      await q(
        c,
        'CREATE TABLE IF NOT EXISTS {s}.migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        [],
        false,
      )
      const { rows } = await q<{ v: number | null }>(
        c,
        'SELECT max(version) AS v FROM {s}.migrations',
        [],
        false,
      )
      const current = rows[0]?.v ?? 0
      const applied: number[] = []
      for (const m of POSTGRES_MIGRATIONS) {
        if (m.version <= current) continue
        await c.query({ text: m.sql.replaceAll('{s}', s) })
        await q(c, 'INSERT INTO {s}.migrations (version, name) VALUES ($1, $2)', [m.version, m.name], false)
        applied.push(m.version)
      }
      return applied
    })
  }

  async function readCase(db: PgQueryable, id: string, lock: boolean): Promise<CaseRecord | null> {
    const { rows } = await q<CaseRow>(
      db,
      `SELECT ${SELECT_CASE} FROM {s}.cases WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    )
    return rows[0] ? decodeCase(rows[0]) : null
  }

  async function readIdempotency(db: PgQueryable, key: string): Promise<IdempotencyRecord | null> {
    const { rows } = await q<{ case_id: string; record: string }>(
      db,
      'SELECT case_id, record::text AS record FROM {s}.idempotency WHERE key = $1',
      [key],
    )
    return rows[0] ? decodeIdempotency(rows[0]) : null
  }

  function makeTx(c: PgPoolClient): StoreTransaction {
    return guardMethods<StoreTransaction>(
      {
        // Locks the row: a read-modify-write inside one transaction is safe against other processes.
        getCase: (id) => readCase(c, id, true),
        async insertCase(r) {
          const { rowCount } = await q(
            c,
            `INSERT INTO {s}.cases (id, workflow, workflow_version, parties, party_keys, state, done, snapshot,
             version, timers, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
            caseValues(r),
          )
          if (rowCount === 0) throw new ParleyError('CONFLICT', `Case ${r.id} already exists.`)
        },
        async updateCase(r, expectedVersion) {
          const { rowCount } = await q(
            c,
            `UPDATE {s}.cases SET workflow = $2, workflow_version = $3, parties = $4, party_keys = $5, state = $6,
             done = $7, snapshot = $8, version = $9, timers = $10, created_at = $11, updated_at = $12
           WHERE id = $1 AND version = $13`,
            [...caseValues(r), expectedVersion],
          )
          if (rowCount === 1) return
          const { rows } = await q<{ version: number }>(c, 'SELECT version FROM {s}.cases WHERE id = $1', [
            r.id,
          ])
          const actual = rows[0]?.version
          if (actual === undefined)
            throw new ParleyError('NOT_FOUND', `No case ${r.id}.`, { details: { caseId: r.id } })
          throw new ParleyError('CONFLICT', `Case ${r.id} is at version ${actual}, not ${expectedVersion}.`, {
            details: { caseId: r.id, expectedVersion, actualVersion: actual },
          })
        },
        async appendAudit(e) {
          // Append-only: a seq at or below the last one is a conflict, like a duplicate.
          const { rowCount } = await q(
            c,
            `INSERT INTO {s}.audit (case_id, seq, entry) SELECT $1, $2, $3
           WHERE NOT EXISTS (SELECT 1 FROM {s}.audit WHERE case_id = $1 AND seq >= $2)
           ON CONFLICT DO NOTHING`,
            [e.caseId, e.seq, JSON.stringify(e)],
          )
          if (rowCount === 0)
            throw new ParleyError('CONFLICT', `Audit entry ${e.caseId}#${e.seq} already exists.`, {
              details: { caseId: e.caseId, seq: e.seq },
            })
        },
        getIdempotency: (key) => readIdempotency(c, key),
        async putIdempotency(r) {
          const { rowCount } = await q(
            c,
            'INSERT INTO {s}.idempotency (key, case_id, record, at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING',
            [r.key, r.caseId, JSON.stringify(r), r.at],
          )
          if (rowCount === 0) throw new ParleyError('CONFLICT', `Idempotency key ${r.key} already used.`)
        },
        async enqueue(events: readonly DomainEvent[]) {
          if (events.length === 0) return
          // One statement for all rows; WITH ORDINALITY keeps their order in `position`.
          await q(
            c,
            `INSERT INTO {s}.outbox (id, case_id, event)
           SELECT e.id, e.case_id, e.event::json FROM unnest($1::text[], $2::text[], $3::text[])
             WITH ORDINALITY AS e(id, case_id, event, n) ORDER BY e.n`,
            [events.map((e) => e.id), events.map((e) => e.caseId), events.map((e) => JSON.stringify(e))],
          )
        },
        async listDeadlines(caseId) {
          const { rows } = await q<{ case_id: string; name: string; event: string; due_at: string }>(
            c,
            'SELECT case_id, name, event, due_at FROM {s}.deadlines WHERE case_id = $1 ORDER BY name',
            [caseId],
          )
          return rows.map((r) => ({
            caseId: r.case_id,
            name: r.name,
            event: r.event,
            dueAt: Number(r.due_at),
          }))
        },
        async upsertDeadline(d) {
          await q(
            c,
            `INSERT INTO {s}.deadlines (case_id, name, event, due_at, token, claimed_until) VALUES ($1, $2, $3, $4, NULL, 0)
           ON CONFLICT (case_id, name) DO UPDATE SET event = excluded.event, due_at = excluded.due_at,
             token = NULL, claimed_until = 0`,
            [d.caseId, d.name, d.event, d.dueAt],
          )
        },
        async cancelDeadline(caseId, name) {
          await q(c, 'DELETE FROM {s}.deadlines WHERE case_id = $1 AND name = $2', [caseId, name])
        },
        async completeDeadline(caseId, name, token) {
          const { rowCount } = await q(
            c,
            'DELETE FROM {s}.deadlines WHERE case_id = $1 AND name = $2 AND token = $3',
            [caseId, name, token],
          )
          return rowCount === 1
        },
      },
      mapError,
    )
  }

  async function run<T>(what: string, fn: (p: PgPool) => Promise<T>): Promise<T> {
    const p = await getPool()
    try {
      return await fn(p)
    } catch (error) {
      throw storeFailed(mapError(error), what)
    }
  }

  return {
    capabilities: { multiProcess: true, durable: true },
    migrate: async () => {
      const p = await getPool()
      return runMigrations(p)
    },
    dropSchema: () =>
      run('Dropping the schema', (p) => q(p, 'DROP SCHEMA IF EXISTS {s} CASCADE', [], false)).then(() => {
        ready = null
      }),
    transaction: async (fn) => {
      const p = await getPool()
      return inTx(p, (c) => fn(makeTx(c)))
    },
    getCase: (id) => run('Reading a case', (p) => readCase(p, id, false)),
    getIdempotency: (key) => run('Reading an idempotency key', (p) => readIdempotency(p, key)),
    readAudit: (caseId) =>
      run('Reading the audit log', async (p) => {
        const { rows } = await q<{ case_id: string; entry: string }>(
          p,
          'SELECT case_id, entry::text AS entry FROM {s}.audit WHERE case_id = $1 ORDER BY seq',
          [caseId],
        )
        return rows.map(decodeAudit)
      }),
    listCases: (query = {}) => run('Listing cases', (p) => list(p, query)),
    nextDueAt: () =>
      run('Reading the next deadline', async (p) => {
        const { rows } = await q<{ t: string | null }>(p, 'SELECT min(due_at) AS t FROM {s}.deadlines')
        const t = rows[0]?.t
        return t === null || t === undefined ? null : Number(t)
      }),
    claimDue: (now, limit, leaseMs) =>
      run('Claiming deadlines', async (p) => {
        const { rows } = await q<Parameters<typeof decodeClaim>[0]>(
          p,
          `UPDATE {s}.deadlines d SET token = gen_random_uuid()::text, claimed_until = $2
           FROM (SELECT case_id, name FROM {s}.deadlines WHERE due_at <= $1 AND claimed_until <= $1
                 ORDER BY due_at, case_id, name LIMIT $3 FOR UPDATE SKIP LOCKED) due
           WHERE d.case_id = due.case_id AND d.name = due.name
           RETURNING d.case_id, d.name, d.event, d.due_at, d.token, d.claimed_until`,
          [now, now + leaseMs, limit],
        )
        return rows.map(decodeClaim).sort(byDue)
      }),
    claimOutbox: (now, limit, leaseMs) =>
      run('Claiming outbox rows', (p) =>
        inTx(p, async (c) => {
          // Claimers take turns (a transaction-scoped advisory lock): with SKIP LOCKED alone, a claimer
          // could take a case's third row while another holds its first two uncommitted.
          await q(c, 'SELECT pg_advisory_xact_lock($1)', [lockKey + 1])
          const { rows } = await q<Parameters<typeof decodeOutbox>[0]>(
            c,
            `UPDATE {s}.outbox o SET claimed_until = $2, attempts = o.attempts + 1
             FROM (SELECT position FROM {s}.outbox x WHERE x.claimed_until <= $1 AND NOT EXISTS (
                     SELECT 1 FROM {s}.outbox e
                     WHERE e.case_id = x.case_id AND e.position < x.position AND e.claimed_until > $1)
                   ORDER BY x.position LIMIT $3 FOR UPDATE SKIP LOCKED) due
             WHERE o.position = due.position
             RETURNING o.case_id, o.event::text AS event, o.position, o.attempts`,
            [now, now + leaseMs, limit],
          )
          return rows.map(decodeOutbox).sort((a, b) => a.position - b.position)
        }),
      ),
    ackOutbox: (ids) =>
      run('Acknowledging outbox rows', async (p) => {
        if (ids.length === 0) return
        // Acknowledged rows are deleted: they are never handed out again and the table stays small.
        await q(p, 'DELETE FROM {s}.outbox WHERE id = ANY($1::text[])', [[...ids]])
      }),
    close: async () => {
      if (closed) return
      closed = true
      if (owned && ready) {
        const p = await ready.catch(() => null)
        await p?.end()
      }
    },
  }

  async function list(p: PgPool, query: CaseQuery): Promise<Page<CaseRecord>> {
    const limit = pageSize(query)
    const after = decodeCursor(query.cursor)
    const where: string[] = []
    const params: unknown[] = []
    const param = (v: unknown) => {
      params.push(v)
      return `$${params.length}`
    }
    if (after !== null) where.push(`id > ${param(after)}`)
    if (query.workflow !== undefined) where.push(`workflow = ${param(query.workflow)}`)
    if (query.state !== undefined) {
      const r = stateRange(query.state)
      where.push(`(state = ${param(r.exact)} OR (state > ${param(r.from)} AND state < ${param(r.to)}))`)
    }
    if (query.party !== undefined) {
      const key =
        typeof query.party === 'string' ? partyKey(query.party) : partyKey(query.party.id, query.party.role)
      where.push(`party_keys @> ARRAY[${param(key)}]::text[]`)
    }
    if (query.dueBefore !== undefined)
      where.push(`id IN (SELECT case_id FROM {s}.deadlines WHERE due_at < ${param(query.dueBefore)})`)
    if (query.includeDone === false) where.push('NOT done')
    const sql = `SELECT ${SELECT_CASE} FROM {s}.cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id LIMIT ${param(limit + 1)}`
    const { rows } = await q<CaseRow>(p, sql, params)
    const items = rows.map(decodeCase)
    const more = items.length > limit
    if (more) items.pop()
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null }
  }
}

/** The index key of a party: any role (`[id]`) or one role (`[role, id]`). */
function partyKey(id: string, role?: string): string {
  return JSON.stringify(role === undefined ? [id] : [role, id])
}

function caseValues(r: CaseRecord): unknown[] {
  const keys = Object.entries(r.parties).flatMap(([role, id]) =>
    typeof id === 'string' ? [partyKey(id, role), partyKey(id)] : [],
  )
  return [
    r.id,
    r.workflow,
    r.workflowVersion,
    JSON.stringify(r.parties),
    [...new Set(keys)],
    r.state,
    r.done,
    JSON.stringify(r.snapshot),
    r.version,
    JSON.stringify(r.timers),
    r.createdAt,
    r.updatedAt,
  ]
}

/** Maps a driver error: "someone else got there first" becomes CONFLICT, the rest STORE_FAILED. */
function mapError(error: unknown): unknown {
  if (error instanceof ParleyError) return error
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && CONFLICT_CODES.has(code)) {
    return new ParleyError('CONFLICT', `Another transaction changed the same rows (${code}); retry.`, {
      cause: error,
    })
  }
  return storeFailed(error, 'A Postgres transaction')
}
