import type {
  AuditEntry,
  CaseRecord,
  ClaimedDeadline,
  DeadlineRecord,
  DomainEvent,
  IdempotencyRecord,
  OutboxRow,
} from '../model/case'

/**
 * Filters of {@link Store.listCases}. Every filter is backed by an index in the SQL adapters.
 */
export interface CaseQuery {
  workflow?: string
  /** Exact state path, or a parent: `published` matches `published.visible`. */
  state?: string
  /** Cases where this id is a party (any role), or where it holds the given role. */
  party?: string | { role: string; id: string }
  /** Cases with an armed deadline due strictly before this epoch ms. */
  dueBefore?: number
  /** Include finished cases; @default true */
  includeDone?: boolean
  /** Opaque cursor from a previous page. */
  cursor?: string | null
  /** Page size, 1..500; @default 50 */
  limit?: number
}

/** A page of results; `nextCursor` is `null` on the last page. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** Optional behaviours a store may declare. The engine refuses or degrades clearly without them. */
export interface StoreCapabilities {
  /** Safe to share between processes (claims are atomic across processes). */
  readonly multiProcess: boolean
  /** Survives a restart. */
  readonly durable: boolean
}

/**
 * What a store does inside one transaction. Everything written through it commits together
 * or not at all.
 *
 * Lock order: the engine always writes the case row (`insertCase` / `updateCase`) before it
 * touches that case's deadlines, audit, outbox or idempotency records, so a store that locks rows
 * cannot deadlock two transactions on one case.
 */
export interface StoreTransaction {
  /** The case, or `null`. */
  getCase(id: string): Promise<CaseRecord | null>
  /** Inserts a new case. @throws ParleyError `CONFLICT` when the id exists. */
  insertCase(record: CaseRecord): Promise<void>
  /**
   * Replaces a case if its stored version is `expectedVersion`.
   * @throws ParleyError `CONFLICT` on a version mismatch (or `NOT_FOUND`).
   */
  updateCase(record: CaseRecord, expectedVersion: number): Promise<void>
  /**
   * Appends to the audit log. @throws ParleyError `CONFLICT` when `seq` is not greater than the
   * case's last entry (a duplicate or an out-of-order append).
   */
  appendAudit(entry: AuditEntry): Promise<void>
  /** Reads an idempotency record inside the transaction. */
  getIdempotency(key: string): Promise<IdempotencyRecord | null>
  /** Stores an idempotency record. @throws ParleyError `CONFLICT` when the key exists. */
  putIdempotency(record: IdempotencyRecord): Promise<void>
  /** Appends domain events to the outbox, in order. */
  enqueue(events: readonly DomainEvent[]): Promise<void>
  /** The armed deadlines of a case. */
  listDeadlines(caseId: string): Promise<DeadlineRecord[]>
  /** Arms or re-arms a deadline (keyed by caseId + name); clears any claim on it. */
  upsertDeadline(deadline: DeadlineRecord): Promise<void>
  /** Disarms a deadline; no-op when absent. */
  cancelDeadline(caseId: string, name: string): Promise<void>
  /**
   * Removes a claimed deadline if the claim `token` still holds. Returns false when the deadline
   * is gone, was re-armed, or was claimed by someone else since: the caller must then not fire it.
   */
  completeDeadline(caseId: string, name: string, token: string): Promise<boolean>
}

/**
 * The storage contract. Adapters implement it; `@parley/core/testing`'s `testStore` suite is
 * its executable definition.
 */
export interface Store {
  readonly capabilities: StoreCapabilities
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back everything when it throws
   * (and rethrows). Transactions on one store are serialisable with respect to each case.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>
  /** The case, or `null`. */
  getCase(id: string): Promise<CaseRecord | null>
  /** Cases matching `query`, ordered by id, with stable keyset pagination. */
  listCases(query?: CaseQuery): Promise<Page<CaseRecord>>
  /** The audit trail of a case, by `seq` ascending. */
  readAudit(caseId: string): Promise<AuditEntry[]>
  /** The idempotency record for `key`, or `null`. */
  getIdempotency(key: string): Promise<IdempotencyRecord | null>
  /**
   * Hands out up to `limit` deadlines due at or before `now`, earliest first, each to one caller
   * only: a claimed deadline is invisible to other callers until `now + leaseMs`.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedDeadline[]>
  /** The earliest armed deadline, or `null` (for schedulers that sleep until then). */
  nextDueAt(): Promise<number | null>
  /**
   * Claims up to `limit` unacknowledged outbox rows, by `position`, each leased to one caller
   * until `now + leaseMs`. A row of a case is not handed out while an earlier row of the same
   * case is unacknowledged and leased to someone else (per-case order).
   */
  claimOutbox(now: number, limit: number, leaseMs: number): Promise<OutboxRow[]>
  /** Acknowledges outbox rows: they are never handed out again (a store may delete them). */
  ackOutbox(ids: readonly string[]): Promise<void>
  /**
   * Releases what the store opened itself (connections, files). A database or pool handed in by
   * the caller stays open: its owner closes it. The store is unusable afterwards.
   */
  close(): Promise<void>
}
