import type {
  AuditEntry,
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
import type { SqliteStatement } from './driver'

// The SQL of the SQLite store: what runs inside a transaction, and the listing query.

/** Returns the cached prepared statement for `sql`, where `{p}` stands for the table prefix. */
export type Prepare = (sql: string) => SqliteStatement

const COLS = CASE_COLUMNS.join(', ')

/** The case `id`, or null. @throws ParleyError `CASE_CORRUPT` */
export function readCase(stmt: Prepare, id: string): CaseRecord | null {
  const row = stmt(`SELECT ${COLS} FROM {p}cases WHERE id = ?`).get(id) as CaseRow | undefined
  return row ? decodeCase(row) : null
}
/** The idempotency record of `key`, or null. */
export function readIdempotency(stmt: Prepare, key: string): IdempotencyRecord | null {
  const row = stmt('SELECT case_id, record FROM {p}idempotency WHERE key = ?').get(key) as
    | { case_id: string; record: string }
    | undefined
  return row ? decodeIdempotency(row) : null
}

/** The transaction methods on one connection; driver errors become ParleyErrors. */
export function sqliteTransaction(stmt: Prepare): StoreTransaction {
  return guardMethods<StoreTransaction>(
    {
      async getCase(id) {
        return readCase(stmt, id)
      },
      async insertCase(r) {
        const { changes } = stmt(
          `INSERT INTO {p}cases (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        ).run(...caseValues(r))
        if (changes === 0) throw new ParleyError('CONFLICT', `Case ${r.id} already exists.`)
      },
      async updateCase(r, expectedVersion) {
        const values = caseValues(r)
        // Fast path, the engine's usual step: only the moving columns change. SQLite maintains an
        // index (and runs the party trigger) when its column is SET, whatever the value, so the
        // identity columns are compared in the WHERE instead of rewritten.
        const fast = stmt(
          `UPDATE {p}cases SET state = ?, snapshot = ?, version = ?, timers = ?, updated_at = ?
           WHERE id = ? AND version = ? AND workflow = ? AND workflow_version = ? AND parties = ?
             AND done = ? AND created_at = ?`,
        ).run(
          r.state,
          values[6],
          r.version,
          values[8],
          r.updatedAt,
          r.id,
          expectedVersion,
          r.workflow,
          r.workflowVersion,
          values[3],
          values[5],
          r.createdAt,
        )
        if (fast.changes === 1) return
        const { changes } = stmt(
          `UPDATE {p}cases SET workflow = ?, workflow_version = ?, parties = ?, state = ?, done = ?,
         snapshot = ?, version = ?, timers = ?, created_at = ?, updated_at = ? WHERE id = ? AND version = ?`,
        ).run(...values.slice(1), r.id, expectedVersion)
        if (changes === 1) return
        const row = stmt('SELECT version FROM {p}cases WHERE id = ?').get(r.id) as
          | { version: number }
          | undefined
        if (!row) throw new ParleyError('NOT_FOUND', `No case ${r.id}.`, { details: { caseId: r.id } })
        throw new ParleyError(
          'CONFLICT',
          `Case ${r.id} is at version ${row.version}, not ${expectedVersion}.`,
          {
            details: { caseId: r.id, expectedVersion, actualVersion: row.version },
          },
        )
      },
      async appendAudit(e: AuditEntry) {
        // Append-only: a seq at or below the last one is a conflict, like a duplicate. (Two cheap
        // statements: an INSERT ... SELECT reading its own table would go through a temp table.)
        const later = stmt('SELECT 1 FROM {p}audit WHERE case_id = ? AND seq > ? LIMIT 1').get(
          e.caseId,
          e.seq,
        )
        const { changes } =
          later === undefined
            ? stmt('INSERT INTO {p}audit (case_id, seq, entry) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
                e.caseId,
                e.seq,
                JSON.stringify(e),
              )
            : { changes: 0 }
        if (changes === 0)
          throw new ParleyError('CONFLICT', `Audit entry ${e.caseId}#${e.seq} already exists.`, {
            details: { caseId: e.caseId, seq: e.seq },
          })
      },
      async getIdempotency(key) {
        return readIdempotency(stmt, key)
      },
      async putIdempotency(r) {
        const { changes } = stmt(
          'INSERT INTO {p}idempotency (key, case_id, record, at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
        ).run(r.key, r.caseId, JSON.stringify(r), r.at)
        if (changes === 0) throw new ParleyError('CONFLICT', `Idempotency key ${r.key} already used.`)
      },
      async enqueue(events: readonly DomainEvent[]) {
        const s = stmt('INSERT INTO {p}outbox (id, case_id, event) VALUES (?, ?, ?)')
        for (const e of events) s.run(e.id, e.caseId, JSON.stringify(e))
      },
      async listDeadlines(caseId) {
        const rows = stmt(
          'SELECT case_id, name, event, due_at FROM {p}deadlines WHERE case_id = ? ORDER BY name',
        ).all(caseId) as Array<{ case_id: string; name: string; event: string; due_at: number }>
        return rows.map((r) => ({ caseId: r.case_id, name: r.name, event: r.event, dueAt: Number(r.due_at) }))
      },
      async upsertDeadline(d) {
        stmt(
          `INSERT INTO {p}deadlines (case_id, name, event, due_at, token, claimed_until) VALUES (?, ?, ?, ?, NULL, 0)
       ON CONFLICT (case_id, name) DO UPDATE SET event = excluded.event, due_at = excluded.due_at,
         token = NULL, claimed_until = 0`,
        ).run(d.caseId, d.name, d.event, d.dueAt)
      },
      async cancelDeadline(caseId, name) {
        stmt('DELETE FROM {p}deadlines WHERE case_id = ? AND name = ?').run(caseId, name)
      },
      async completeDeadline(caseId, name, token) {
        return (
          stmt('DELETE FROM {p}deadlines WHERE case_id = ? AND name = ? AND token = ?').run(
            caseId,
            name,
            token,
          ).changes === 1
        )
      },
    },
    (error) => mapError(error, 'A SQLite statement'),
  )
}

/** `listCases` as one indexed query; `p` is the table prefix. */
export function listCases(stmt: Prepare, p: string, query: CaseQuery): Page<CaseRecord> {
  const limit = pageSize(query)
  const after = decodeCursor(query.cursor)
  const where: string[] = []
  const params: unknown[] = []
  if (after !== null) {
    where.push('c.id > ?')
    params.push(after)
  }
  if (query.workflow !== undefined) {
    where.push('c.workflow = ?')
    params.push(query.workflow)
  }
  if (query.state !== undefined) {
    const r = stateRange(query.state)
    where.push('(c.state = ? OR (c.state > ? AND c.state < ?))')
    params.push(r.exact, r.from, r.to)
  }
  if (query.party !== undefined) {
    if (typeof query.party === 'string') {
      where.push(`c.id IN (SELECT case_id FROM ${p}case_parties WHERE party_id = ?)`)
      params.push(query.party)
    } else {
      where.push(`c.id IN (SELECT case_id FROM ${p}case_parties WHERE party_id = ? AND role = ?)`)
      params.push(query.party.id, query.party.role)
    }
  }
  if (query.dueBefore !== undefined) {
    where.push(`c.id IN (SELECT case_id FROM ${p}deadlines WHERE due_at < ?)`)
    params.push(query.dueBefore)
  }
  if (query.includeDone === false) where.push('c.done = 0')
  const sql = `SELECT ${CASE_COLUMNS.map((c) => `c.${c}`).join(', ')} FROM ${p}cases c
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id LIMIT ?`
  params.push(limit + 1)
  const items = (stmt(sql).all(...params) as CaseRow[]).map(decodeCase)
  const more = items.length > limit
  if (more) items.pop()
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null }
}

function caseValues(r: CaseRecord): unknown[] {
  return [
    r.id,
    r.workflow,
    r.workflowVersion,
    JSON.stringify(r.parties),
    r.state,
    r.done ? 1 : 0,
    JSON.stringify(r.snapshot),
    r.version,
    JSON.stringify(r.timers),
    r.createdAt,
    r.updatedAt,
  ]
}

/** Constraint violations (another writer got there first) are CONFLICT; the rest STORE_FAILED. */
export function mapError(error: unknown, what: string): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return new ParleyError('CONFLICT', `${what} hit an existing row (${code}).`, { cause: error })
  }
  return storeFailed(error, what)
}
