import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import type { ClaimedDeadline, OutboxRow, Store, StoreTransaction } from '@parley/core'
import { Mutex, ParleyError } from '@parley/core'
import { checkIdentifier } from '../shared/identifier'
import { byDue, decodeAudit, decodeClaim, decodeOutbox, storeFailed } from '../shared/rows'
import { openDatabase, type SqliteDatabase, type SqliteStatement } from './driver'
import { SQLITE_MIGRATIONS } from './migrations'
import { listCases, mapError, readCase, readIdempotency, sqliteTransaction } from './statements'

/** Options of {@link sqliteStore}. Pass an open `database`, or a `filename` to open one. */
export interface SqliteStoreOptions {
  /** An open better-sqlite3 `Database`. The store does not close it: its owner does. */
  database?: SqliteDatabase
  /** Path of the database file to open (needs better-sqlite3 installed); @default ':memory:' */
  filename?: string
  /** Prepended to every table name, so several apps can share a file; @default 'parley_' */
  tablePrefix?: string
  /**
   * How long a write waits for another connection's write lock before failing with STORE_FAILED.
   * The wait is asynchronous (the event loop keeps running); @default 5000 ms
   */
  busyTimeoutMs?: number
  /** Run {@link SqliteStore.migrate} before the first use; @default true */
  migrate?: boolean
}

/** A {@link Store} on SQLite, plus its schema management. */
export interface SqliteStore extends Store {
  /**
   * Creates or upgrades the schema; idempotent and safe to call from several processes.
   * Returns the versions it applied (empty when already up to date).
   */
  migrate(): Promise<number[]>
}

/**
 * A store on SQLite through better-sqlite3: one file (or `:memory:`), WAL journal, writes in
 * `BEGIN IMMEDIATE` transactions so several processes sharing a file never hand out a deadline or
 * an outbox row twice. better-sqlite3 is synchronous; the store queues its async transactions on
 * one connection so each runs alone between `BEGIN IMMEDIATE` and `COMMIT`.
 *
 * Do not call the store's own methods (only `tx`'s) inside `transaction(fn)`: they wait for the
 * transaction to finish, which waits for them.
 * @example
 * const store = sqliteStore({ filename: 'parley.sqlite' })
 * const engine = createEngine({ workflows: [dispute()], store })
 */
export function sqliteStore(options: SqliteStoreOptions = {}): SqliteStore {
  const p = checkIdentifier(options.tablePrefix ?? 'parley_', 'tablePrefix', true)
  const filename = options.filename ?? ':memory:'
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000
  const owned = options.database === undefined
  const mutex = new Mutex()
  // Marks the async context of a running transaction, to refuse (instead of hanging on) a call to
  // the store's own methods from inside it.
  const inside = new AsyncLocalStorage<{ open: boolean }>()
  const lock = <T>(fn: () => Promise<T> | T): Promise<T> => {
    if (inside.getStore()?.open) {
      return Promise.reject(
        new ParleyError(
          'STORE_FAILED',
          'A SQLite store method was called inside store.transaction(fn): use the `tx` passed to fn; the store waits for the transaction to end.',
        ),
      )
    }
    return mutex.run(fn)
  }
  const statements = new Map<string, SqliteStatement>()
  let db: SqliteDatabase | null = null
  let opening: Promise<SqliteDatabase> | null = null
  let migrated = options.migrate === false
  let closed = false

  async function open(): Promise<SqliteDatabase> {
    const d = options.database ?? (await openDatabase(filename, busyTimeoutMs))
    // SQLite's own busy handler sleeps synchronously and would freeze the event loop, so another
    // connection of this process holding the lock could never commit: BEGIN IMMEDIATE waits
    // asynchronously instead (see `begin`), and statements inside a transaction never wait.
    d.pragma('busy_timeout = 0')
    if (!d.memory) {
      await whenFree('switching to WAL', () => d.pragma('journal_mode = WAL'))
      // WAL + NORMAL: a commit survives a crash of the process; only an OS crash may lose the last ones.
      d.pragma('synchronous = NORMAL')
    }
    return d
  }

  /** The connection, opened (and migrated) on first use. Runs under the mutex. */
  async function conn(autoMigrate = true): Promise<SqliteDatabase> {
    if (closed) throw new ParleyError('STORE_FAILED', 'This SQLite store was closed.')
    if (!db) {
      opening ??= open()
      try {
        db = await opening
      } catch (error) {
        opening = null
        throw storeFailed(error, 'Opening the SQLite database')
      }
    }
    if (autoMigrate && !migrated) {
      await runMigrations(db)
      migrated = true
    }
    return db
  }

  function stmt(sql: string): SqliteStatement {
    let s = statements.get(sql)
    if (!s) {
      s = db!.prepare(sql.replaceAll('{p}', p))
      statements.set(sql, s)
    }
    return s
  }

  /**
   * Runs `fn`, retrying it with short async pauses while another connection holds the lock it
   * needs, for up to `busyTimeoutMs`.
   */
  async function whenFree<T>(what: string, fn: () => T): Promise<T> {
    const until = Date.now() + busyTimeoutMs
    for (let attempt = 0; ; attempt++) {
      try {
        return fn()
      } catch (error) {
        const code = (error as { code?: unknown }).code
        const busy = typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED')
        if (!busy) throw mapError(error, what)
        if (Date.now() >= until) {
          throw new ParleyError(
            'STORE_FAILED',
            `Another connection held the SQLite database locked for more than ${busyTimeoutMs} ms (${what}); raise busyTimeoutMs or shorten its transactions.`,
            { cause: error },
          )
        }
        await new Promise((r) => setTimeout(r, Math.min(25, 2 ** Math.min(attempt, 5)) * Math.random()))
      }
    }
  }

  /** BEGIN IMMEDIATE; returns a promise only when the lock is taken and it has to wait. */
  function begin(d: SqliteDatabase): Promise<unknown> | undefined {
    try {
      d.exec('BEGIN IMMEDIATE')
      return undefined
    } catch {
      return whenFree('BEGIN IMMEDIATE', () => d.exec('BEGIN IMMEDIATE'))
    }
  }

  /** The open, migrated connection without a detour through the event loop once it exists. */
  const ready = (): SqliteDatabase | Promise<SqliteDatabase> => (db && migrated && !closed ? db : conn())

  function commit(d: SqliteDatabase): void {
    try {
      d.exec('COMMIT')
    } catch (error) {
      if (d.inTransaction) d.exec('ROLLBACK')
      throw mapError(error, 'COMMIT')
    }
  }

  /** Runs a synchronous `fn` between BEGIN IMMEDIATE and COMMIT without yielding the event loop. */
  async function write<T>(fn: () => T): Promise<T> {
    const d = await ready()
    await begin(d)
    let result: T
    try {
      result = fn()
    } catch (error) {
      if (d.inTransaction) d.exec('ROLLBACK')
      throw mapError(error, 'A SQLite write')
    }
    commit(d)
    return result
  }

  /** Runs the caller's async `fn` in a transaction; its own errors are rethrown as they are. */
  async function writeAsync<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const d = await ready()
    await begin(d)
    let result: T
    try {
      const context = { open: true }
      try {
        result = await inside.run(context, () => fn(tx))
      } finally {
        context.open = false
      }
    } catch (error) {
      if (d.inTransaction) d.exec('ROLLBACK')
      throw error
    }
    commit(d)
    return result
  }

  async function runMigrations(d: SqliteDatabase): Promise<number[]> {
    await begin(d)
    try {
      d.exec(
        `CREATE TABLE IF NOT EXISTS ${p}migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
      )
      const row = d.prepare(`SELECT max(version) AS v FROM ${p}migrations`).get() as { v: number | null }
      const current = row.v ?? 0
      const applied: number[] = []
      for (const m of SQLITE_MIGRATIONS) {
        if (m.version <= current) continue
        d.exec(m.sql.replaceAll('{p}', p))
        d.prepare(`INSERT INTO ${p}migrations (version, name, applied_at) VALUES (?, ?, ?)`).run(
          m.version,
          m.name,
          Date.now(),
        )
        applied.push(m.version)
      }
      d.exec('COMMIT')
      return applied
    } catch (error) {
      if (d.inTransaction) d.exec('ROLLBACK')
      throw storeFailed(error, 'Migrating the SQLite schema')
    }
  }

  const tx = sqliteTransaction(stmt)

  const read = <T>(fn: () => T): Promise<T> =>
    lock(async () => {
      await ready()
      try {
        return fn()
      } catch (error) {
        throw mapError(error, 'A SQLite read')
      }
    })

  // A file can be shared by processes (claims run in BEGIN IMMEDIATE); `:memory:` lives and dies here.
  const inMemory = options.database ? options.database.memory : filename === ':memory:' || filename === ''
  return {
    capabilities: { multiProcess: !inMemory, durable: !inMemory },
    migrate: () =>
      lock(async () => {
        const applied = await runMigrations(await conn(false))
        migrated = true
        return applied
      }),
    transaction: (fn) => lock(() => writeAsync(fn)),
    getCase: (id) => read(() => readCase(stmt, id)),
    getIdempotency: (key) => read(() => readIdempotency(stmt, key)),
    readAudit: (caseId) =>
      read(() =>
        (
          stmt('SELECT case_id, entry FROM {p}audit WHERE case_id = ? ORDER BY seq').all(caseId) as Array<{
            case_id: string
            entry: string
          }>
        ).map(decodeAudit),
      ),
    listCases: (query = {}) => read(() => listCases(stmt, p, query)),
    nextDueAt: () =>
      read(() => {
        const row = stmt('SELECT min(due_at) AS t FROM {p}deadlines').get() as { t: number | null }
        return row.t === null ? null : Number(row.t)
      }),
    claimDue: (now, limit, leaseMs) =>
      lock(() =>
        write(() => {
          const rows = stmt(
            `SELECT case_id, name FROM {p}deadlines WHERE due_at <= ? AND claimed_until <= ?
             ORDER BY due_at, case_id, name LIMIT ?`,
          ).all(now, now, limit) as Array<{ case_id: string; name: string }>
          const claim = stmt(
            `UPDATE {p}deadlines SET token = ?, claimed_until = ? WHERE case_id = ? AND name = ?
             RETURNING case_id, name, event, due_at, token, claimed_until`,
          )
          const out: ClaimedDeadline[] = []
          for (const r of rows) {
            const row = claim.get(randomUUID(), now + leaseMs, r.case_id, r.name) as Parameters<
              typeof decodeClaim
            >[0]
            out.push(decodeClaim(row))
          }
          return out.sort(byDue)
        }),
      ),
    claimOutbox: (now, limit, leaseMs) =>
      lock(() =>
        write(() => {
          // Per-case order: skip a row while an earlier unacknowledged row of its case is leased.
          const rows = stmt(
            `SELECT o.position FROM {p}outbox o
             WHERE o.claimed_until <= ? AND NOT EXISTS (
               SELECT 1 FROM {p}outbox e WHERE e.case_id = o.case_id AND e.position < o.position AND e.claimed_until > ?)
             ORDER BY o.position LIMIT ?`,
          ).all(now, now, limit) as Array<{ position: number }>
          const claim = stmt(
            `UPDATE {p}outbox SET claimed_until = ?, attempts = attempts + 1 WHERE position = ?
             RETURNING case_id, event, position, attempts`,
          )
          const out: OutboxRow[] = []
          for (const r of rows) {
            out.push(decodeOutbox(claim.get(now + leaseMs, r.position) as Parameters<typeof decodeOutbox>[0]))
          }
          return out
        }),
      ),
    ackOutbox: (ids) =>
      lock(() =>
        write(() => {
          // Acknowledged rows are deleted: they are never handed out again and the table stays small.
          const s = stmt('DELETE FROM {p}outbox WHERE id = ?')
          for (const id of ids) s.run(id)
        }),
      ),
    close: () =>
      lock(async () => {
        if (closed) return
        closed = true
        const d = db ?? (opening ? await opening.catch(() => null) : null)
        if (d && owned && d.open) d.close()
      }),
  }
}
