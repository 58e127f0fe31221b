import { ParleyError } from '../errors/parley-error'
import type {
  AuditEntry,
  CaseRecord,
  ClaimedDeadline,
  DeadlineRecord,
  DomainEvent,
  IdempotencyRecord,
  OutboxRow,
} from '../model/case'
import { Mutex } from './mutex'
import { decodeCursor, encodeCursor, pageSize, partyMatches, stateMatches } from './query'
import type { CaseQuery, Page, Store, StoreTransaction } from './store'

interface StoredDeadline extends DeadlineRecord {
  token: string | null
  claimedUntil: number
}

interface StoredOutbox {
  row: string // JSON of the DomainEvent
  id: string
  caseId: string
  position: number
  attempts: number
  claimedUntil: number
  acked: boolean
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Random source for claim tokens; @default Math.random */
  random?: () => number
}

/**
 * The embedded default store: everything in this process's memory, serialised as JSON like a
 * database would (so what you read back is what a SQL adapter would give). Transactions run one
 * at a time and are all-or-nothing: a throw inside undoes every write.
 *
 * Not durable and not shared between processes (`capabilities`): use the SQLite or Postgres
 * adapter for that.
 * @example
 * const engine = createEngine({ workflows: [dispute()], store: memoryStore() })
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store {
  const random = options.random ?? Math.random
  const cases = new Map<string, string>()
  // Versions and last audit seqs beside the JSON, so checks need not parse a record.
  const versions = new Map<string, number>()
  const lastSeq = new Map<string, number>()
  const caseIndex: string[] = [] // ids in insertion (= id) order for listing
  const audit = new Map<string, string[]>()
  const idempotency = new Map<string, string>()
  const deadlines = new Map<string, Map<string, StoredDeadline>>()
  const outbox: StoredOutbox[] = []
  const outboxById = new Map<string, StoredOutbox>()
  let position = 0
  let closed = false
  const mutex = new Mutex()

  const check = () => {
    if (closed) throw new ParleyError('STORE_FAILED', 'This memory store was closed.')
  }
  const read = <T>(json: string | undefined): T | null =>
    json === undefined ? null : (JSON.parse(json) as T)
  const token = () => `${Date.now().toString(36)}-${Math.floor(random() * 2 ** 52).toString(36)}`

  function makeTx(undo: Array<() => void>): StoreTransaction {
    return {
      async getCase(id) {
        return read<CaseRecord>(cases.get(id))
      },
      async insertCase(record) {
        if (cases.has(record.id)) throw new ParleyError('CONFLICT', `Case ${record.id} already exists.`)
        cases.set(record.id, JSON.stringify(record))
        versions.set(record.id, record.version)
        insertSorted(caseIndex, record.id)
        undo.push(() => {
          cases.delete(record.id)
          versions.delete(record.id)
          caseIndex.splice(caseIndex.indexOf(record.id), 1)
        })
      },
      async updateCase(record, expectedVersion) {
        const prev = cases.get(record.id)
        const prevVersion = versions.get(record.id)
        if (prev === undefined || prevVersion === undefined)
          throw new ParleyError('NOT_FOUND', `No case ${record.id}.`)
        if (prevVersion !== expectedVersion) {
          throw new ParleyError(
            'CONFLICT',
            `Case ${record.id} is at version ${prevVersion}, not ${expectedVersion}.`,
            {
              details: { caseId: record.id, expectedVersion, actualVersion: prevVersion },
            },
          )
        }
        cases.set(record.id, JSON.stringify(record))
        versions.set(record.id, record.version)
        undo.push(() => {
          cases.set(record.id, prev)
          versions.set(record.id, prevVersion)
        })
      },
      async appendAudit(entry) {
        let log = audit.get(entry.caseId)
        if (!log) {
          log = []
          audit.set(entry.caseId, log)
          undo.push(() => audit.delete(entry.caseId))
        }
        const last = lastSeq.get(entry.caseId)
        if (last !== undefined && last >= entry.seq) {
          throw new ParleyError('CONFLICT', `Audit entry ${entry.caseId}#${entry.seq} already exists.`)
        }
        log.push(JSON.stringify(entry))
        lastSeq.set(entry.caseId, entry.seq)
        const l = log
        undo.push(() => {
          l.pop()
          if (last === undefined) lastSeq.delete(entry.caseId)
          else lastSeq.set(entry.caseId, last)
        })
      },
      async getIdempotency(key) {
        return read<IdempotencyRecord>(idempotency.get(key))
      },
      async putIdempotency(record) {
        if (idempotency.has(record.key))
          throw new ParleyError('CONFLICT', `Idempotency key ${record.key} already used.`)
        idempotency.set(record.key, JSON.stringify(record))
        undo.push(() => idempotency.delete(record.key))
      },
      async enqueue(events: readonly DomainEvent[]) {
        for (const e of events) {
          position += 1
          const row: StoredOutbox = {
            row: JSON.stringify(e),
            id: e.id,
            caseId: e.caseId,
            position,
            attempts: 0,
            claimedUntil: 0,
            acked: false,
          }
          outbox.push(row)
          outboxById.set(e.id, row)
          undo.push(() => {
            outbox.pop()
            outboxById.delete(e.id)
            position -= 1
          })
        }
      },
      async listDeadlines(caseId) {
        return [...(deadlines.get(caseId)?.values() ?? [])].map(({ caseId, name, event, dueAt }) => ({
          caseId,
          name,
          event,
          dueAt,
        }))
      },
      async upsertDeadline(d) {
        let byName = deadlines.get(d.caseId)
        if (!byName) {
          byName = new Map()
          deadlines.set(d.caseId, byName)
        }
        const prev = byName.get(d.name)
        byName.set(d.name, {
          caseId: d.caseId,
          name: d.name,
          event: d.event,
          dueAt: d.dueAt,
          token: null,
          claimedUntil: 0,
        })
        const m = byName
        undo.push(() => (prev ? m.set(d.name, prev) : m.delete(d.name)))
      },
      async cancelDeadline(caseId, name) {
        const byName = deadlines.get(caseId)
        const prev = byName?.get(name)
        if (!byName || !prev) return
        byName.delete(name)
        undo.push(() => byName.set(name, prev))
      },
      async completeDeadline(caseId, name, tok) {
        const byName = deadlines.get(caseId)
        const prev = byName?.get(name)
        if (!byName || !prev || prev.token !== tok) return false
        byName.delete(name)
        undo.push(() => byName.set(name, prev))
        return true
      },
    }
  }

  return {
    capabilities: { multiProcess: false, durable: false },
    transaction(fn) {
      return mutex.run(async () => {
        check()
        const undo: Array<() => void> = []
        try {
          return await fn(makeTx(undo))
        } catch (error) {
          for (let i = undo.length - 1; i >= 0; i--) undo[i]!()
          throw error
        }
      })
    },
    async getCase(id) {
      check()
      return read<CaseRecord>(cases.get(id))
    },
    async listCases(query: CaseQuery = {}): Promise<Page<CaseRecord>> {
      check()
      const limit = pageSize(query)
      const after = decodeCursor(query.cursor)
      const items: CaseRecord[] = []
      let i = after === null ? 0 : upperBound(caseIndex, after)
      for (; i < caseIndex.length && items.length <= limit; i++) {
        const id = caseIndex[i]!
        const record = JSON.parse(cases.get(id)!) as CaseRecord
        if (query.workflow !== undefined && record.workflow !== query.workflow) continue
        if (query.state !== undefined && !stateMatches(record.state, query.state)) continue
        if (query.party !== undefined && !partyMatches(record, query.party)) continue
        if (query.includeDone === false && record.done) continue
        if (query.dueBefore !== undefined) {
          const due = deadlines.get(id)
          if (!due || ![...due.values()].some((d) => d.dueAt < query.dueBefore!)) continue
        }
        items.push(record)
      }
      const more = items.length > limit
      if (more) items.pop()
      return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null }
    },
    async readAudit(caseId) {
      check()
      return (audit.get(caseId) ?? []).map((j) => JSON.parse(j) as AuditEntry)
    },
    async getIdempotency(key) {
      check()
      return read<IdempotencyRecord>(idempotency.get(key))
    },
    claimDue(now, limit, leaseMs) {
      return mutex.run(async () => {
        check()
        const due: StoredDeadline[] = []
        for (const byName of deadlines.values()) {
          for (const d of byName.values()) if (d.dueAt <= now && d.claimedUntil <= now) due.push(d)
        }
        due.sort((a, b) => a.dueAt - b.dueAt || cmp(a.caseId, b.caseId) || cmp(a.name, b.name))
        return due.slice(0, limit).map((d): ClaimedDeadline => {
          d.token = token()
          d.claimedUntil = now + leaseMs
          return {
            caseId: d.caseId,
            name: d.name,
            event: d.event,
            dueAt: d.dueAt,
            token: d.token,
            claimedUntil: d.claimedUntil,
          }
        })
      })
    },
    async nextDueAt() {
      check()
      let min: number | null = null
      for (const byName of deadlines.values())
        for (const d of byName.values()) if (min === null || d.dueAt < min) min = d.dueAt
      return min
    },
    claimOutbox(now, limit, leaseMs) {
      return mutex.run(async () => {
        check()
        const out: OutboxRow[] = []
        const blocked = new Set<string>()
        for (const row of outbox) {
          if (out.length >= limit) break
          if (row.acked) continue
          if (blocked.has(row.caseId)) continue
          if (row.claimedUntil > now) {
            // Someone else holds an earlier row of this case: keep the case's order.
            blocked.add(row.caseId)
            continue
          }
          row.claimedUntil = now + leaseMs
          row.attempts += 1
          out.push({
            ...(JSON.parse(row.row) as DomainEvent),
            position: row.position,
            attempts: row.attempts,
          })
        }
        return out
      })
    },
    ackOutbox(ids) {
      return mutex.run(async () => {
        check()
        for (const id of ids) {
          const row = outboxById.get(id)
          if (row) row.acked = true
        }
        // Drop the acknowledged head so the outbox does not grow without bound.
        let n = 0
        while (n < outbox.length && outbox[n]!.acked) outboxById.delete(outbox[n++]!.id)
        if (n > 0) outbox.splice(0, n)
      })
    },
    async close() {
      closed = true
    },
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Index of the first element greater than `id` in a sorted array. */
function upperBound(sorted: string[], id: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! <= id) lo = mid + 1
    else hi = mid
  }
  return lo
}

function insertSorted(sorted: string[], id: string): void {
  const i = upperBound(sorted, id)
  sorted.splice(i, 0, id)
}
