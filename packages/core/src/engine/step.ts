import type { AuditEntry, CaseRecord, DomainEvent } from '../model/case'
import type { StoreTransaction } from '../store/store'
import type { WorkflowEvent } from '../workflow/define-workflow'
import type { DeadlinePlan } from './deadlines'

/** What one accepted step writes besides the case row. */
export interface Step {
  readonly next: CaseRecord
  readonly entry: AuditEntry
  readonly events: readonly DomainEvent[]
  readonly plan: Pick<DeadlinePlan, 'cancel' | 'upsert'>
}

/** The audit entry of a step from `prev` (`null` when the case opens) to `next`. */
export function auditEntry(
  prev: CaseRecord | null,
  next: CaseRecord,
  event: Pick<WorkflowEvent, 'type' | 'payload' | 'actor' | 'at'>,
  events: readonly DomainEvent[],
  audience?: AuditEntry['audience'],
): AuditEntry {
  return {
    caseId: next.id,
    seq: next.version,
    at: event.at,
    actor: event.actor,
    type: event.type,
    payload: event.payload,
    from: prev ? prev.state : null,
    to: next.state,
    ...(audience ? { audience } : {}),
    emitted: events.map((e) => e.type),
  }
}

/**
 * Writes a step inside a transaction. The case row always comes first (insert, or update at
 * `expectedVersion`), so row-locking stores take one lock order and cannot deadlock.
 */
export async function writeStep(
  tx: StoreTransaction,
  step: Step,
  expectedVersion: number | null,
): Promise<void> {
  if (expectedVersion === null) await tx.insertCase(step.next)
  else await tx.updateCase(step.next, expectedVersion)
  await tx.appendAudit(step.entry)
  await tx.enqueue(step.events)
  for (const name of step.plan.cancel) await tx.cancelDeadline(step.next.id, name)
  for (const d of step.plan.upsert) await tx.upsertDeadline(d)
}
