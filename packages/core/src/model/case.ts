import type { Actor, Parties } from './actor'
import type { Audience } from './message'

/**
 * One running instance of a workflow, as stored. Adapters persist every field; `snapshot`,
 * `parties` and `timers` are JSON.
 */
export interface CaseRecord {
  /** Unique, time-ordered id (sorts by creation). */
  readonly id: string
  readonly workflow: string
  readonly workflowVersion: number
  readonly parties: Parties
  /** The current state as a dotted path of state ids (`escalated`, `published.visible`). */
  readonly state: string
  /** True once the machine reached a final state: the case accepts nothing more. */
  readonly done: boolean
  /** XState's persisted snapshot (`actor.getPersistedSnapshot()`), JSON. */
  readonly snapshot: unknown
  /** Bumped on every accepted event; 1 after `open`. */
  readonly version: number
  /** Engine bookkeeping for durable deadlines: when each active state was entered, which deadlines fired. */
  readonly timers: CaseTimers
  /** Epoch ms. */
  readonly createdAt: number
  /** Epoch ms. */
  readonly updatedAt: number
}

/** When each active state node was first entered, and the deadlines armed and fired in it. */
export interface CaseTimers {
  /** State path → epoch ms it was entered. */
  readonly enteredAt: Readonly<Record<string, number>>
  /** Deadline name → its `dueAt`, for every deadline armed in the store. */
  readonly armed: Readonly<Record<string, number>>
  /** Deadline name → the `dueAt` of the occurrence that already fired (so it is not re-armed). */
  readonly fired: Readonly<Record<string, number>>
}

/** A line of a case's audit trail: one accepted event. */
export interface AuditEntry {
  readonly caseId: string
  /** The case version this event produced: 1 for `open`, then 2, 3, ... without gaps. */
  readonly seq: number
  readonly at: number
  readonly actor: Actor
  /** The event type (`$open` for the opening). */
  readonly type: string
  /** The validated payload. */
  readonly payload: unknown
  /** State path before (`null` for `$open`) and after. */
  readonly from: string | null
  readonly to: string
  /** Who may read this entry; absent means every party of the case. */
  readonly audience?: Audience
  /** Domain event types emitted by this step. */
  readonly emitted: readonly string[]
}

/** A domain event: what the engine publishes after a case changes. */
export interface DomainEvent<TPayload = unknown> {
  /** Unique id; also the outbox row id and the dedupe id for brokers. */
  readonly id: string
  readonly type: string
  readonly caseId: string
  readonly workflow: string
  /** The case version that produced it. */
  readonly seq: number
  readonly at: number
  readonly payload: TPayload
  /** Who may see this event's payload; absent means every party. */
  readonly audience?: Audience
}

/** A row of the outbox: a domain event waiting for a relay. */
export interface OutboxRow extends DomainEvent {
  /** Store-assigned, strictly increasing insertion order. */
  readonly position: number
  /** How many times a relay claimed it. */
  readonly attempts: number
}

/** A durable timer owned by a case. Keyed by (caseId, name). */
export interface DeadlineRecord {
  readonly caseId: string
  readonly name: string
  /** The event type sent to the case when it fires. */
  readonly event: string
  /** Epoch ms. */
  readonly dueAt: number
}

/** A deadline handed to one scheduler by `claimDue`, with the token that proves the claim. */
export interface ClaimedDeadline extends DeadlineRecord {
  readonly token: string
  readonly claimedUntil: number
}

/** The stored outcome of an `open` or `send` made with an idempotency key. */
export interface IdempotencyRecord {
  readonly key: string
  /** A fingerprint of the request: the same key with another request is a `CONFLICT`. */
  readonly fingerprint: string
  readonly caseId: string
  /** The case exactly as the first call returned it. */
  readonly result: CaseRecord
  readonly at: number
}
