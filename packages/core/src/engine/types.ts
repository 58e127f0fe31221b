import type { Actor } from '../model/actor'
import type { AuditEntry, DomainEvent } from '../model/case'
import type { CaseQuery, Page, Store } from '../store/store'
import type { Clock } from '../time/clock'
import type { WorkflowDefinition } from '../workflow/define-workflow'
import type { CaseView } from './view'

/**
 * Payload types of domain events by type. Packages that define workflows augment it
 * (`declare module '@parley/core' { interface DomainEventMap { 'dispute.escalated': {...} } }`)
 * so `engine.on` handlers are typed.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by workflow packages
export interface DomainEventMap {}

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Every workflow (and version) the engine runs. */
  workflows: readonly WorkflowDefinition[]
  /** @default memoryStore() */
  store?: Store
  /** @default the system clock */
  clock?: Clock
  /** Attempts of a `send` without `expectedVersion` that lost a race; @default 20 */
  maxRetries?: number
  /** How long a claimed deadline is reserved for one scheduler; @default 30_000 ms */
  deadlineLeaseMs?: number
  /** Called when an `on` handler throws (the event is committed either way); @default console.error */
  onListenerError?: (error: unknown, event: DomainEvent) => void
}

/** Options of `open`. */
export interface OpenOptions {
  actor: Actor
  /** A retry with the same key returns the first result and writes nothing. */
  idempotencyKey?: string
  /** Open on this version instead of the newest registered. */
  version?: number
}

/** Options of `send`. */
export interface SendOptions {
  actor: Actor
  /** Fail with `CONFLICT` unless the case is at this version. Without it, a lost race is retried. */
  expectedVersion?: number
  idempotencyKey?: string
}

/** An event sent from outside: its type and payload. */
export interface CaseCommand {
  readonly type: string
  readonly payload?: unknown
}

/** The answer of `can`. */
export interface Permission {
  readonly allowed: boolean
  /** Why not, as the error code `send` would throw. */
  readonly code?: 'FORBIDDEN' | 'EVENT_NOT_ALLOWED' | 'VALIDATION'
  readonly reason?: string
}

/** Query of `engine.list`: the store's filters plus an optional viewer. */
export interface ListQuery extends CaseQuery {
  /** Redact for this viewer; a buyer or seller only sees cases they are a party of. */
  viewer?: Actor
}

type Handler<K extends string> = (
  event: DomainEvent<K extends keyof DomainEventMap ? DomainEventMap[K] : unknown>,
) => void

/**
 * The Parley engine: opens cases, applies events atomically, fires durable deadlines.
 *
 * `open`, `send`, `get` and `list` take the context type of the workflow as a type argument
 * (`engine.get<DisputeContext>(id, { viewer })`): it is not checked at run time, and the view's
 * context is what the viewer may see of it.
 */
export interface Engine {
  readonly store: Store
  readonly clock: Clock
  /** Opens a case of the named workflow. */
  open<TContext = Record<string, unknown>>(
    workflow: string,
    input: unknown,
    options: OpenOptions,
  ): Promise<CaseView<TContext>>
  /** Applies one event to a case, atomically. */
  send<TContext = Record<string, unknown>>(
    caseId: string,
    event: CaseCommand,
    options: SendOptions,
  ): Promise<CaseView<TContext>>
  /** The case as `viewer` may see it. */
  get<TContext = Record<string, unknown>>(
    caseId: string,
    options: { viewer: Actor },
  ): Promise<CaseView<TContext>>
  /** Cases matching the filters, with keyset pagination. */
  list<TContext = Record<string, unknown>>(query?: ListQuery): Promise<Page<CaseView<TContext>>>
  /** The audit trail, filtered by what `viewer` may see. */
  history(caseId: string, options: { viewer: Actor }): Promise<AuditEntry[]>
  /** Whether `actor` may send `type` now (payload-dependent guards aside). */
  can(caseId: string, type: string, options: { actor: Actor; payload?: unknown }): Promise<Permission>
  /** The event types `actor` may send now: the buttons a UI draws. */
  allowedEvents(caseId: string, options: { actor: Actor }): Promise<string[]>
  /** Subscribes to a domain event type, or `*` for all; returns the unsubscribe function. */
  on<K extends keyof DomainEventMap | (string & {})>(type: K | '*', handler: Handler<K & string>): () => void
  /** Fires every deadline due now, each exactly once across callers; returns how many fired. */
  runDueDeadlines(options?: { limit?: number }): Promise<number>
  /** Polls `runDueDeadlines`; returns a function that stops it and waits for the current run. */
  startScheduler(options?: { intervalMs?: number; onError?: (e: unknown) => void }): () => Promise<void>
  /** The registered workflow definition. */
  workflow(name: string, version?: number): WorkflowDefinition
}
