import type { AuditEntry, CaseRecord, ClaimedDeadline, IdempotencyRecord, OutboxRow } from '@parley/core'
import { ParleyError } from '@parley/core'

// Row shapes shared by the SQL adapters. Column values arrive as `unknown` because each driver
// (and each user's type-parser configuration) returns integers as numbers, strings or bigints and
// JSON as text: everything is normalised and checked here, so a bad row becomes a ParleyError.

/** A `cases` row as selected by both adapters (JSON columns as text). */
export interface CaseRow {
  id: unknown
  workflow: unknown
  workflow_version: unknown
  parties: unknown
  state: unknown
  done: unknown
  snapshot: unknown
  version: unknown
  timers: unknown
  created_at: unknown
  updated_at: unknown
}

/** The columns of {@link CaseRow}, in order. */
export const CASE_COLUMNS = [
  'id',
  'workflow',
  'workflow_version',
  'parties',
  'state',
  'done',
  'snapshot',
  'version',
  'timers',
  'created_at',
  'updated_at',
] as const

function corrupt(what: string, id: unknown, cause?: unknown): ParleyError {
  return new ParleyError(
    'CASE_CORRUPT',
    `Stored ${what} of case ${String(id)} cannot be read back. Restore it from a backup or remove it; it was not written by Parley.`,
    { details: { caseId: String(id) }, ...(cause === undefined ? {} : { cause }) },
  )
}

/** Parses a JSON column. @throws ParleyError `CASE_CORRUPT` */
export function parseJson(text: unknown, what: string, id: unknown): unknown {
  if (typeof text !== 'string') throw corrupt(what, id)
  try {
    return JSON.parse(text)
  } catch (error) {
    throw corrupt(what, id, error)
  }
}

/** An integer column (number, numeric string or bigint) as a safe integer. */
export function toInt(value: unknown, what: string, id: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw corrupt(what, id)
  return n
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Reads a case row. @throws ParleyError `CASE_CORRUPT` when a column does not hold what Parley wrote. */
export function decodeCase(row: CaseRow): CaseRecord {
  const id = row.id
  if (typeof id !== 'string') throw corrupt('id', id)
  if (typeof row.workflow !== 'string' || typeof row.state !== 'string') throw corrupt('workflow/state', id)
  const parties = parseJson(row.parties, 'parties', id)
  if (!isObject(parties) || !Object.values(parties).every((p) => typeof p === 'string'))
    throw corrupt('parties', id)
  const timers = parseJson(row.timers, 'timers', id)
  if (!isObject(timers)) throw corrupt('timers', id)
  const snapshot = parseJson(row.snapshot, 'snapshot', id)
  return {
    id,
    workflow: row.workflow,
    workflowVersion: toInt(row.workflow_version, 'workflow version', id),
    parties: parties as CaseRecord['parties'],
    state: row.state,
    done: row.done === true || row.done === 1 || row.done === 1n,
    snapshot,
    version: toInt(row.version, 'version', id),
    timers: timers as unknown as CaseRecord['timers'],
    createdAt: toInt(row.created_at, 'createdAt', id),
    updatedAt: toInt(row.updated_at, 'updatedAt', id),
  }
}

/** Reads an audit row (`entry` holds the whole entry as JSON). */
export function decodeAudit(row: { case_id: unknown; entry: unknown }): AuditEntry {
  const entry = parseJson(row.entry, 'audit entry', row.case_id)
  if (!isObject(entry) || typeof entry.seq !== 'number') throw corrupt('audit entry', row.case_id)
  return entry as unknown as AuditEntry
}

/** Reads an idempotency row (`record` holds the whole record as JSON). */
export function decodeIdempotency(row: { case_id: unknown; record: unknown }): IdempotencyRecord {
  const record = parseJson(row.record, 'idempotency record', row.case_id)
  if (!isObject(record) || !isObject(record.result)) throw corrupt('idempotency record', row.case_id)
  return record as unknown as IdempotencyRecord
}

/** An outbox row: the event as JSON plus the store's bookkeeping. */
export function decodeOutbox(row: {
  case_id: unknown
  event: unknown
  position: unknown
  attempts: unknown
}): OutboxRow {
  const event = parseJson(row.event, 'outbox event', row.case_id)
  if (!isObject(event)) throw corrupt('outbox event', row.case_id)
  return {
    ...(event as unknown as OutboxRow),
    position: toInt(row.position, 'outbox position', row.case_id),
    attempts: toInt(row.attempts, 'outbox attempts', row.case_id),
  }
}

/** A claimed deadline row. */
export function decodeClaim(row: {
  case_id: unknown
  name: unknown
  event: unknown
  due_at: unknown
  token: unknown
  claimed_until: unknown
}): ClaimedDeadline {
  return {
    caseId: String(row.case_id),
    name: String(row.name),
    event: String(row.event),
    dueAt: toInt(row.due_at, 'deadline dueAt', row.case_id),
    token: String(row.token),
    claimedUntil: toInt(row.claimed_until, 'deadline claimedUntil', row.case_id),
  }
}

/** Sorts claims earliest first (ties by case and name), as the contract hands them out. */
export function byDue(a: ClaimedDeadline, b: ClaimedDeadline): number {
  return a.dueAt - b.dueAt || cmp(a.caseId, b.caseId) || cmp(a.name, b.name)
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The state filter as a half-open range: `s` matches `s` itself or `s.` ... `s/` (`/` follows `.`). */
export function stateRange(state: string): { exact: string; from: string; to: string } {
  return { exact: state, from: `${state}.`, to: `${state}/` }
}

/** Wraps a driver error that is not already a ParleyError. */
export function storeFailed(error: unknown, what: string): unknown {
  if (error instanceof ParleyError) return error
  return new ParleyError(
    'STORE_FAILED',
    `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  )
}

/**
 * Wraps every method of a transaction object so a driver error thrown by it becomes a ParleyError
 * (via `map`), while errors the caller's own code throws pass through `transaction` untouched.
 */
export function guardMethods<T extends object>(target: T, map: (error: unknown) => unknown): T {
  const out: Record<string, unknown> = {}
  for (const [key, fn] of Object.entries(target)) {
    out[key] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args)
      } catch (error) {
        throw map(error)
      }
    }
  }
  return out as T
}
