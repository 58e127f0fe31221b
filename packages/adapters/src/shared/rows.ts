import type { AuditEntry, CaseRecord, ClaimedDeadline, IdempotencyRecord, OutboxRow } from '@parley/core'
import { type IssuePath, ParleyError } from '@parley/core'

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

/**
 * A `CASE_CORRUPT` error for a row whose `path` (column name first, then the path inside a JSON
 * column) does not hold what Parley wrote; `expected` says what should be there.
 */
function corrupt(what: string, id: unknown, path: IssuePath, expected: string, cause?: unknown): ParleyError {
  return new ParleyError(
    'CASE_CORRUPT',
    `Stored ${what} of case ${String(id)} cannot be read back. Restore it from a backup or remove it; it was not written by Parley.`,
    {
      details: { caseId: String(id) },
      issues: [{ code: 'corrupt_row', path, message: `expected ${expected}` }],
      ...(cause === undefined ? {} : { cause }),
    },
  )
}

/** Parses a JSON column. @throws ParleyError `CASE_CORRUPT` with the column as the issue path */
export function parseJson(text: unknown, what: string, id: unknown, column: string = what): unknown {
  if (typeof text !== 'string') throw corrupt(what, id, [column], 'JSON text')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw corrupt(what, id, [column], 'valid JSON text', error)
  }
}

/**
 * An integer column (number, numeric string or bigint) as a safe integer of at least `min`.
 * @throws ParleyError `CASE_CORRUPT` with the column as the issue path
 */
export function toInt(value: unknown, what: string, id: unknown, column: string = what, min = 0): number {
  // `Number('')` and `Number(' ')` are 0: an empty string is not a number Parley wrote.
  const n =
    typeof value === 'bigint'
      ? Number(value)
      : typeof value === 'string'
        ? value.trim() === ''
          ? Number.NaN
          : Number(value)
        : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min)
    throw corrupt(what, id, [column], `a safe integer >= ${min}`)
  return n
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The first key of `v` whose value fails `ok`, or undefined when all pass. */
function badKey(v: Record<string, unknown>, ok: (x: unknown) => boolean): string | undefined {
  return Object.keys(v).find((k) => !ok(v[k]))
}

const isString = (x: unknown): boolean => typeof x === 'string'
const isFiniteNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x)

/** Checks the `timers` JSON column: three maps of name → finite number. */
function checkTimers(timers: unknown, id: unknown): CaseRecord['timers'] {
  if (!isObject(timers)) throw corrupt('timers', id, ['timers'], 'an object { enteredAt, armed, fired }')
  for (const field of ['enteredAt', 'armed', 'fired'] as const) {
    const map = timers[field]
    if (!isObject(map)) throw corrupt('timers', id, ['timers', field], 'an object of name → epoch ms')
    const key = badKey(map, isFiniteNumber)
    if (key !== undefined) throw corrupt('timers', id, ['timers', field, key], 'a finite number (epoch ms)')
  }
  return timers as unknown as CaseRecord['timers']
}

/** Reads a case row. @throws ParleyError `CASE_CORRUPT` when a column does not hold what Parley wrote. */
export function decodeCase(row: CaseRow): CaseRecord {
  const id = row.id
  if (typeof id !== 'string' || id === '') throw corrupt('id', id, ['id'], 'a non-empty string')
  if (typeof row.workflow !== 'string' || row.workflow === '')
    throw corrupt('workflow/state', id, ['workflow'], 'a non-empty string')
  if (typeof row.state !== 'string' || row.state === '')
    throw corrupt('workflow/state', id, ['state'], 'a non-empty string')
  const parties = parseJson(row.parties, 'parties', id)
  if (!isObject(parties)) throw corrupt('parties', id, ['parties'], 'an object of role → party id')
  const party = badKey(parties, isString)
  if (party !== undefined) throw corrupt('parties', id, ['parties', party], 'a party id (string)')
  const timers = checkTimers(parseJson(row.timers, 'timers', id), id)
  const snapshot = parseJson(row.snapshot, 'snapshot', id)
  if (!isObject(snapshot))
    throw corrupt('snapshot', id, ['snapshot'], "an object (XState's persisted snapshot)")
  const done = row.done
  if (done !== true && done !== false && done !== 0 && done !== 1 && done !== 0n && done !== 1n)
    throw corrupt('done flag', id, ['done'], 'a boolean (or 0/1)')
  return {
    id,
    workflow: row.workflow,
    workflowVersion: toInt(row.workflow_version, 'workflow version', id, 'workflow_version', 1),
    parties: parties as CaseRecord['parties'],
    state: row.state,
    done: done === true || done === 1 || done === 1n,
    snapshot,
    version: toInt(row.version, 'version', id, 'version', 1),
    timers,
    createdAt: toInt(row.created_at, 'createdAt', id, 'created_at'),
    updatedAt: toInt(row.updated_at, 'updatedAt', id, 'updated_at'),
  }
}

/** Reads an audit row (`entry` holds the whole entry as JSON). */
export function decodeAudit(row: { case_id: unknown; entry: unknown }): AuditEntry {
  const what = 'audit entry'
  const entry = parseJson(row.entry, what, row.case_id, 'entry')
  if (!isObject(entry)) throw corrupt(what, row.case_id, ['entry'], 'an object')
  if (typeof entry.seq !== 'number' || !Number.isSafeInteger(entry.seq) || entry.seq < 1)
    throw corrupt(what, row.case_id, ['entry', 'seq'], 'a safe integer >= 1')
  if (typeof entry.type !== 'string') throw corrupt(what, row.case_id, ['entry', 'type'], 'a string')
  if (!isObject(entry.actor)) throw corrupt(what, row.case_id, ['entry', 'actor'], 'an object { role, id }')
  // The engine filters history by audience: anything but an array of roles would break it.
  if (entry.audience !== undefined) {
    if (!Array.isArray(entry.audience))
      throw corrupt(what, row.case_id, ['entry', 'audience'], 'an array of roles')
    const i = entry.audience.findIndex((r) => typeof r !== 'string')
    if (i !== -1) throw corrupt(what, row.case_id, ['entry', 'audience', i], 'a role (string)')
  }
  return entry as unknown as AuditEntry
}

/** Reads an idempotency row (`record` holds the whole record as JSON). */
export function decodeIdempotency(row: { case_id: unknown; record: unknown }): IdempotencyRecord {
  const what = 'idempotency record'
  const record = parseJson(row.record, what, row.case_id, 'record')
  if (!isObject(record)) throw corrupt(what, row.case_id, ['record'], 'an object')
  if (typeof record.fingerprint !== 'string')
    throw corrupt(what, row.case_id, ['record', 'fingerprint'], 'a string')
  if (!isObject(record.result))
    throw corrupt(what, row.case_id, ['record', 'result'], 'a case record (object)')
  return record as unknown as IdempotencyRecord
}

/** An outbox row: the event as JSON plus the store's bookkeeping. */
export function decodeOutbox(row: {
  case_id: unknown
  event: unknown
  position: unknown
  attempts: unknown
}): OutboxRow {
  const event = parseJson(row.event, 'outbox event', row.case_id, 'event')
  if (!isObject(event)) throw corrupt('outbox event', row.case_id, ['event'], 'an object (a domain event)')
  return {
    ...(event as unknown as OutboxRow),
    position: toInt(row.position, 'outbox position', row.case_id, 'position', 1),
    attempts: toInt(row.attempts, 'outbox attempts', row.case_id, 'attempts'),
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
  const what = 'deadline'
  for (const column of ['case_id', 'name', 'event', 'token'] as const) {
    if (typeof row[column] !== 'string') throw corrupt(what, row.case_id, [column], 'a string')
  }
  return {
    caseId: row.case_id as string,
    name: row.name as string,
    event: row.event as string,
    dueAt: toInt(row.due_at, 'deadline dueAt', row.case_id, 'due_at'),
    token: row.token as string,
    claimedUntil: toInt(row.claimed_until, 'deadline claimedUntil', row.case_id, 'claimed_until'),
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
