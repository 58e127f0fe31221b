import { createHash } from 'node:crypto'
import type {
  CaseQuery,
  CaseRecord,
  DomainEvent,
  IdempotencyRecord,
  Page,
  StoreTransaction,
} from '@parley/core'
import { decodeCursor, encodeCursor, ParleyError, pageSize } from '@parley/core'
import {
  CASE_COLUMNS,
  type CaseRow,
  decodeCase,
  decodeIdempotency,
  guardMethods,
  stateRange,
  storeFailed,
} from '../shared/rows'
import type { PgPool, PgPoolClient, PgQueryable, PgResult } from './driver'
import { createWriteBuffer } from './write-buffer'

// The SQL of the Postgres store: the transaction methods and the listing query.

/** Runs `text` (with `{s}` standing for the quoted schema) on a pool or client. */
export type Query = <R>(
  db: PgQueryable,
  text: string,
  values?: unknown[],
  prepare?: boolean,
) => Promise<PgResult<R>>

/**
 * A {@link Query} for one schema. Statements are prepared once per connection under a name
 * derived from their text (pg's named statements), so repeated sends skip the parse step.
 */
export function sqlRunner(schemaQuoted: string): Query {
  const names = new Map<string, string>()
  return <R>(db: PgQueryable, text: string, values: unknown[] = [], prepare = true) => {
    const sql = text.replaceAll('{s}', schemaQuoted)
    if (!prepare) return db.query({ text: sql, values }) as Promise<PgResult<R>>
    let name = names.get(sql)
    if (name === undefined) {
      name = `parley_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
      names.set(sql, name)
    }
    return db.query({ name, text: sql, values }) as Promise<PgResult<R>>
  }
}

const SELECT_CASE = CASE_COLUMNS.map((c) =>
  c === 'parties' || c === 'snapshot' || c === 'timers' ? `${c}::text AS ${c}` : c,
).join(', ')

/** SQLSTATEs that mean "another transaction got there first": the caller may retry. */
const CONFLICT_CODES = new Set(['23505', '40001', '40P01'])

/** Reads and transaction methods bound to a {@link Query}. */
export function statements(q: Query) {
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

  /** The transaction methods on one connection, and the flush to run before COMMIT. */
  function makeTx(c: PgPoolClient): { tx: StoreTransaction; flush: () => Promise<void> } {
    const buffer = createWriteBuffer(q, c)
    const tx = guardMethods<StoreTransaction>(
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
          buffer.enqueue(events)
        },
        async listDeadlines(caseId) {
          await buffer.flush()
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
          buffer.upsertDeadline(d)
        },
        async cancelDeadline(caseId, name) {
          buffer.cancelDeadline(caseId, name)
        },
        async completeDeadline(caseId, name, token) {
          await buffer.flush()
          // Lock the case row before the deadline row: `send` takes them in that order (update the
          // case, then re-arm), and firing a deadline the other way round would deadlock with it.
          const { rowCount } = await q(
            c,
            `WITH owner AS (SELECT id FROM {s}.cases WHERE id = $1 FOR UPDATE)
             DELETE FROM {s}.deadlines
             WHERE case_id = $1 AND name = $2 AND token = $3 AND (SELECT count(*) FROM owner) >= 0`,
            [caseId, name, token],
          )
          return rowCount === 1
        },
      },
      mapError,
    )
    const flush = async () => {
      try {
        await buffer.flush()
      } catch (error) {
        throw mapError(error)
      }
    }
    return { tx, flush }
  }
  return { readCase, readIdempotency, makeTx }
}

/** `listCases` as one indexed query. */
export async function listCases(q: Query, p: PgPool, query: CaseQuery): Promise<Page<CaseRecord>> {
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
export function mapError(error: unknown): unknown {
  if (error instanceof ParleyError) return error
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && CONFLICT_CODES.has(code)) {
    return new ParleyError('CONFLICT', `Another transaction changed the same rows (${code}); retry.`, {
      cause: error,
    })
  }
  return storeFailed(error, 'A Postgres transaction')
}
