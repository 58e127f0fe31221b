import type { DeadlineRecord, DomainEvent } from '@parley/core'
import type { PgQueryable } from './driver'
import type { Query } from './statements'

/**
 * The writes of a transaction that return nothing and need nothing back (outbox rows, deadline
 * arms and cancels), held until the transaction next reads the deadlines or commits, then sent
 * as one statement. A `send` then costs BEGIN, UPDATE, INSERT audit, this, COMMIT: round trips,
 * not rows, are what a transaction costs on Postgres. A failure surfaces from `transaction`
 * (which rolls everything back) rather than from the method that buffered the write.
 */
export interface WriteBuffer {
  enqueue(events: readonly DomainEvent[]): void
  upsertDeadline(deadline: DeadlineRecord): void
  cancelDeadline(caseId: string, name: string): void
  /** Sends what is buffered (nothing when empty). */
  flush(): Promise<void>
}

// Data-modifying CTEs all run, each once, on one snapshot. Cancels and arms never touch the same
// deadline in one flush (the buffer keeps the last operation per deadline), so their order is moot.
const FLUSH = `
WITH outbox_rows AS (
  INSERT INTO {s}.outbox (id, case_id, event)
  SELECT e.id, e.case_id, e.event::json FROM unnest($1::text[], $2::text[], $3::text[])
    WITH ORDINALITY AS e(id, case_id, event, n) ORDER BY e.n
  RETURNING 1
), cancelled AS (
  DELETE FROM {s}.deadlines d USING unnest($4::text[], $5::text[]) AS x(case_id, name)
  WHERE d.case_id = x.case_id AND d.name = x.name
  RETURNING 1
), armed AS (
  INSERT INTO {s}.deadlines (case_id, name, event, due_at, token, claimed_until)
  SELECT x.case_id, x.name, x.event, x.due_at, NULL, 0
  FROM unnest($6::text[], $7::text[], $8::text[], $9::bigint[]) AS x(case_id, name, event, due_at)
  ON CONFLICT (case_id, name) DO UPDATE SET event = excluded.event, due_at = excluded.due_at,
    token = NULL, claimed_until = 0
  RETURNING 1
)
SELECT (SELECT count(*) FROM outbox_rows) + (SELECT count(*) FROM cancelled) + (SELECT count(*) FROM armed) AS n`

/** A write buffer on one transaction's connection. */
export function createWriteBuffer(q: Query, c: PgQueryable): WriteBuffer {
  let events: DomainEvent[] = []
  // Last operation per deadline, keyed by [caseId, name]: a record to arm, or null to cancel.
  let deadlines = new Map<string, { caseId: string; name: string; arm: DeadlineRecord | null }>()
  return {
    enqueue(more) {
      events.push(...more)
    },
    upsertDeadline(d) {
      deadlines.set(JSON.stringify([d.caseId, d.name]), { caseId: d.caseId, name: d.name, arm: { ...d } })
    },
    cancelDeadline(caseId, name) {
      deadlines.set(JSON.stringify([caseId, name]), { caseId, name, arm: null })
    },
    async flush() {
      if (events.length === 0 && deadlines.size === 0) return
      const out = events
      const ops = [...deadlines.values()]
      events = []
      deadlines = new Map()
      const cancels = ops.filter((o) => o.arm === null)
      const arms = ops.flatMap((o) => (o.arm ? [o.arm] : []))
      await q(c, FLUSH, [
        out.map((e) => e.id),
        out.map((e) => e.caseId),
        out.map((e) => JSON.stringify(e)),
        cancels.map((o) => o.caseId),
        cancels.map((o) => o.name),
        arms.map((d) => d.caseId),
        arms.map((d) => d.name),
        arms.map((d) => d.event),
        arms.map((d) => d.dueAt),
      ])
    },
  }
}
