import { createHash } from 'node:crypto'
import type { Store } from '@parley/core'
import { ParleyError } from '@parley/core'
import { checkIdentifier } from '../shared/identifier'
import { byDue, decodeAudit, decodeClaim, decodeOutbox, storeFailed } from '../shared/rows'
import { createPool, type PgPool, type PgPoolClient } from './driver'
import { POSTGRES_MIGRATIONS } from './migrations'
import { listCases, mapError, sqlRunner, statements } from './statements'

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
  let poolReady: Promise<PgPool> | null = null
  let migrating: Promise<void> | null = null
  let migrated = options.migrate === false
  let closed = false

  const q = sqlRunner(s)
  const { readCase, readIdempotency, makeTx } = statements(q)

  /** The pool, made (and the schema migrated, unless told not to) on first use. */
  async function getPool(autoMigrate = true): Promise<PgPool> {
    if (closed) throw new ParleyError('STORE_FAILED', 'This Postgres store was closed.')
    try {
      poolReady ??= options.pool ? Promise.resolve(options.pool) : createPool(options.connection ?? {})
      const p = await poolReady.catch((error: unknown) => {
        poolReady = null
        throw error
      })
      if (autoMigrate && !migrated) {
        // Concurrent first calls share one migration; a failed one is retried by the next call.
        migrating ??= runMigrations(p)
          .then(() => {
            migrated = true
          })
          .finally(() => {
            migrating = null
          })
        await migrating
      }
      return p
    } catch (error) {
      throw storeFailed(mapError(error), 'Connecting to Postgres')
    }
  }

  /** Runs `fn` on one connection between BEGIN and COMMIT; its errors are rethrown as they are. */
  async function inTx<T>(p: PgPool, fn: (client: PgPoolClient) => Promise<T>): Promise<T> {
    let client: PgPoolClient
    try {
      client = await p.connect()
    } catch (error) {
      throw mapError(error)
    }
    try {
      await client.query({ text: 'BEGIN' })
    } catch (error) {
      client.release(error instanceof Error ? error : true)
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
      const p = await getPool(false)
      try {
        const applied = await runMigrations(p)
        migrated = true
        return applied
      } catch (error) {
        throw storeFailed(mapError(error), 'Migrating the Postgres schema')
      }
    },
    dropSchema: async () => {
      const p = await getPool(false)
      try {
        await q(p, 'DROP SCHEMA IF EXISTS {s} CASCADE', [], false)
        migrated = options.migrate === false
      } catch (error) {
        throw storeFailed(mapError(error), 'Dropping the schema')
      }
    },
    transaction: async (fn) => {
      const p = await getPool()
      return inTx(p, async (c) => {
        const { tx, flush } = makeTx(c)
        const result = await fn(tx)
        await flush()
        return result
      })
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
    listCases: (query = {}) => run('Listing cases', (p) => listCases(q, p, query)),
    nextDueAt: () =>
      run('Reading the next deadline', async (p) => {
        const { rows } = await q<{ t: string | null }>(p, 'SELECT min(due_at) AS t FROM {s}.deadlines')
        const t = rows[0]?.t
        return t === null || t === undefined ? null : Number(t)
      }),
    claimDue: (now, limit, leaseMs) =>
      // In a transaction, so a row that does not decode leaves every claim unmade.
      run('Claiming deadlines', (p) =>
        inTx(p, async (c) => {
          const { rows } = await q<Parameters<typeof decodeClaim>[0]>(
            c,
            `UPDATE {s}.deadlines d SET token = gen_random_uuid()::text, claimed_until = $2
           FROM (SELECT case_id, name FROM {s}.deadlines WHERE due_at <= $1 AND claimed_until <= $1
                 ORDER BY due_at, case_id, name LIMIT $3 FOR UPDATE SKIP LOCKED) due
           WHERE d.case_id = due.case_id AND d.name = due.name
           RETURNING d.case_id, d.name, d.event, d.due_at, d.token, d.claimed_until`,
            [now, now + leaseMs, limit],
          )
          return rows.map(decodeClaim).sort(byDue)
        }),
      ),
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
      if (owned && poolReady) {
        const p = await poolReady.catch(() => null)
        await p?.end()
      }
    },
  }
}
