import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ParleyError } from '../errors/parley-error'
import type { AuditEntry, CaseRecord, DomainEvent } from '../model/case'
import type { Store } from '../store/store'

/** Options of {@link testStore}. */
export interface TestStoreOptions {
  /** Shown in the test names. */
  name: string
  /** Makes a fresh, empty, migrated store. Called once per test. */
  create: () => Promise<Store>
  /** Tears a store down (drop schema, delete file); `close()` is called before it. */
  destroy?: (store: Store) => Promise<void>
  /** Run a Promise.all of concurrent `claimDue` calls against separate store instances too. */
  createSibling?: (store: Store) => Promise<Store>
}

let seq = 0
const uid = (p: string) => `${p}${Date.now().toString(36)}${(seq++).toString(36).padStart(5, '0')}`

/** A well-formed case record for tests. */
export function sampleCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: uid('case_'),
    workflow: 'sample',
    workflowVersion: 1,
    parties: { buyer: 'b1', seller: 's1' },
    state: 'awaitingSeller',
    done: false,
    snapshot: {
      status: 'active',
      value: 'awaitingSeller',
      context: { n: 1, text: 'é"\\\n😀', nested: [null, { a: [1.5] }] },
    },
    version: 1,
    timers: { enteredAt: { awaitingSeller: 1000 }, armed: {}, fired: {} },
    createdAt: 1000,
    updatedAt: 1000,
    ...overrides,
  }
}

function audit(caseId: string, s: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    caseId,
    seq: s,
    at: 1000 + s,
    actor: { role: 'buyer', id: 'b1' },
    type: s === 1 ? '$open' : 'post',
    payload: { body: `entry ${s}` },
    from: s === 1 ? null : 'a',
    to: 'a',
    emitted: [],
    ...overrides,
  }
}

function event(caseId: string, n: number): DomainEvent {
  return {
    id: uid('evt_'),
    type: 'thing.happened',
    caseId,
    workflow: 'sample',
    seq: n,
    at: 1000 + n,
    payload: { n },
  }
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error, `expected a ParleyError ${code}`).toBeInstanceOf(ParleyError)
  expect((error as ParleyError).code).toBe(code)
}

/**
 * The store conformance suite: the executable definition of the `Store` contract. Every adapter
 * calls it unchanged from its own test file.
 * @example
 * testStore({ name: 'memory', create: async () => memoryStore() })
 */
export function testStore(options: TestStoreOptions): void {
  describe(`Store conformance: ${options.name}`, () => {
    let store: Store
    const open: Store[] = []
    const fresh = async () => {
      const s = await options.create()
      open.push(s)
      return s
    }
    beforeAll(async () => {
      store = await fresh()
    })
    afterAll(async () => {
      for (const s of open) {
        await s.close()
        await options.destroy?.(s)
      }
    })

    describe('cases', () => {
      it('returns a stored case exactly as it was inserted, JSON fields included', async () => {
        const c = sampleCase()
        await store.transaction((tx) => tx.insertCase(c))
        expect(await store.getCase(c.id)).toEqual(c)
        expect(await store.transaction((tx) => tx.getCase(c.id))).toEqual(c)
      })

      it('returns null for a case that does not exist', async () => {
        expect(await store.getCase('case_missing')).toBeNull()
      })

      it('refuses to insert a case whose id exists, with CONFLICT', async () => {
        const c = sampleCase()
        await store.transaction((tx) => tx.insertCase(c))
        await expectCode(
          store.transaction((tx) => tx.insertCase({ ...c, state: 'other' })),
          'CONFLICT',
        )
        expect((await store.getCase(c.id))?.state).toBe('awaitingSeller')
      })

      it('updates a case only at the expected version and leaves it unchanged otherwise', async () => {
        const c = sampleCase()
        await store.transaction((tx) => tx.insertCase(c))
        const v2 = { ...c, version: 2, state: 'escalated', updatedAt: 2000 }
        await store.transaction((tx) => tx.updateCase(v2, 1))
        expect(await store.getCase(c.id)).toEqual(v2)
        await expectCode(
          store.transaction((tx) => tx.updateCase({ ...c, version: 2, state: 'zzz' }, 1)),
          'CONFLICT',
        )
        expect(await store.getCase(c.id)).toEqual(v2)
      })

      it('moves a case in the party and done filters when an update changes its parties or finishes it', async () => {
        const s = await fresh()
        const c = sampleCase({ parties: { buyer: 'b1', seller: 's1' } })
        await s.transaction((tx) => tx.insertCase(c))
        const moved = {
          ...c,
          version: 2,
          parties: { buyer: 'b2', seller: 's1' },
          done: true,
          state: 'closed',
        }
        await s.transaction((tx) => tx.updateCase(moved, 1))
        expect(await s.getCase(c.id)).toEqual(moved)
        const ids = async (q: Parameters<Store['listCases']>[0]) =>
          (await s.listCases(q)).items.map((x) => x.id)
        expect(await ids({ party: 'b2' })).toEqual([c.id])
        expect(await ids({ party: 'b1' })).not.toContain(c.id)
        expect(await ids({ party: { role: 'buyer', id: 'b2' }, includeDone: false })).toEqual([])
        await expectCode(
          s.transaction((tx) => tx.updateCase({ ...moved, version: 3 }, 1)),
          'CONFLICT',
        )
      })

      it('reports NOT_FOUND when updating a case that does not exist', async () => {
        await expectCode(
          store.transaction((tx) => tx.updateCase(sampleCase(), 1)),
          'NOT_FOUND',
        )
      })

      it('lets exactly one of many concurrent updates at the same version win', async () => {
        const c = sampleCase()
        await store.transaction((tx) => tx.insertCase(c))
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.transaction(async (tx) => {
              const cur = await tx.getCase(c.id)
              if (!cur) throw new Error('missing')
              await tx.updateCase({ ...cur, version: 2, state: `s${i}` }, 1)
              await tx.appendAudit(audit(c.id, 2, { to: `s${i}` }))
            }),
          ),
        )
        const won = results.filter((r) => r.status === 'fulfilled')
        expect(won).toHaveLength(1)
        for (const r of results)
          if (r.status === 'rejected') expect(ParleyError.is(r.reason, 'CONFLICT')).toBe(true)
        const stored = await store.getCase(c.id)
        const log = await store.readAudit(c.id)
        expect(log).toHaveLength(1)
        expect(log[0]?.to).toBe(stored?.state)
      })
    })

    describe('transactions', () => {
      it('rolls back every write when the function throws, and rethrows its error', async () => {
        const c = sampleCase()
        await store.transaction(async (tx) => {
          await tx.insertCase(c)
          await tx.appendAudit(audit(c.id, 1))
        })
        const other = sampleCase()
        const boom = new Error('boom')
        const error = await store
          .transaction(async (tx) => {
            await tx.insertCase(other)
            await tx.updateCase({ ...c, version: 2, state: 'changed' }, 1)
            await tx.appendAudit(audit(c.id, 2))
            await tx.enqueue([event(c.id, 2)])
            await tx.upsertDeadline({ caseId: c.id, name: 'due', event: 'due', dueAt: 5 })
            await tx.putIdempotency({ key: `k-${c.id}`, fingerprint: 'f', caseId: c.id, result: c, at: 1 })
            throw boom
          })
          .catch((e: unknown) => e)
        expect(error).toBe(boom)
        expect(await store.getCase(other.id)).toBeNull()
        expect(await store.getCase(c.id)).toEqual(c)
        expect(await store.readAudit(c.id)).toHaveLength(1)
        expect(await store.transaction((tx) => tx.listDeadlines(c.id))).toEqual([])
        expect(await store.getIdempotency(`k-${c.id}`)).toBeNull()
        const s = await fresh()
        await expect(s.claimOutbox(10_000, 10, 1000)).resolves.toEqual([])
      })

      it('rolls back a deadline cancel and a completed claim', async () => {
        const s = await fresh()
        const c = sampleCase()
        await s.transaction(async (tx) => {
          await tx.insertCase(c)
          await tx.upsertDeadline({ caseId: c.id, name: 'a', event: 'a', dueAt: 10 })
          await tx.upsertDeadline({ caseId: c.id, name: 'b', event: 'b', dueAt: 20 })
        })
        const [claim] = await s.claimDue(15, 10, 1000)
        expect(claim?.name).toBe('a')
        await s
          .transaction(async (tx) => {
            expect(await tx.completeDeadline(c.id, 'a', claim!.token)).toBe(true)
            await tx.cancelDeadline(c.id, 'b')
            throw new Error('undo')
          })
          .catch(() => undefined)
        const left = await s.transaction((tx) => tx.listDeadlines(c.id))
        expect(left.map((d) => d.name).sort()).toEqual(['a', 'b'])
        expect(await s.transaction((tx) => tx.completeDeadline(c.id, 'a', claim!.token))).toBe(true)
      })
    })

    describe('audit log', () => {
      it('keeps entries in seq order and refuses a duplicate seq', async () => {
        const c = sampleCase()
        await store.transaction(async (tx) => {
          await tx.insertCase(c)
          for (let i = 1; i <= 5; i++)
            await tx.appendAudit(audit(c.id, i, { audience: i === 3 ? ['operator'] : undefined }))
        })
        const log = await store.readAudit(c.id)
        expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
        expect(log[2]?.audience).toEqual(['operator'])
        expect(log[0]).toEqual(audit(c.id, 1))
        await expectCode(
          store.transaction((tx) => tx.appendAudit(audit(c.id, 3))),
          'CONFLICT',
        )
        expect(await store.readAudit(c.id)).toHaveLength(5)
      })

      it('returns an empty log for an unknown case', async () => {
        expect(await store.readAudit('case_nobody')).toEqual([])
      })
    })

    describe('idempotency records', () => {
      it('stores a record once and refuses the same key again with CONFLICT', async () => {
        const c = sampleCase()
        const rec = { key: uid('key-'), fingerprint: '["send",1]', caseId: c.id, result: c, at: 5 }
        await store.transaction((tx) => tx.putIdempotency(rec))
        expect(await store.getIdempotency(rec.key)).toEqual(rec)
        expect(await store.transaction((tx) => tx.getIdempotency(rec.key))).toEqual(rec)
        await expectCode(
          store.transaction((tx) => tx.putIdempotency({ ...rec, fingerprint: 'other' })),
          'CONFLICT',
        )
        expect((await store.getIdempotency(rec.key))?.fingerprint).toBe('["send",1]')
        expect(await store.getIdempotency('never-used')).toBeNull()
      })
    })

    describe('outbox', () => {
      it('hands rows out in insertion order with increasing positions and attempts counted', async () => {
        const s = await fresh()
        const a = sampleCase()
        const b = sampleCase()
        const rows = [event(a.id, 1), event(b.id, 1), event(a.id, 2), event(b.id, 2), event(a.id, 3)]
        await s.transaction((tx) => tx.enqueue(rows.slice(0, 2)))
        await s.transaction((tx) => tx.enqueue(rows.slice(2)))
        const claimed = await s.claimOutbox(100, 10, 1000)
        expect(claimed.map((r) => r.id)).toEqual(rows.map((r) => r.id))
        const positions = claimed.map((r) => r.position)
        expect([...positions].sort((x, y) => x - y)).toEqual(positions)
        expect(new Set(positions).size).toBe(positions.length)
        expect(claimed.every((r) => r.attempts === 1)).toBe(true)
        const { position: _p, attempts: _a, ...first } = claimed[0]!
        expect(first).toEqual(rows[0])
      })

      it('does not hand a leased row to a second caller until its lease ends, and never after ack', async () => {
        const s = await fresh()
        const c = sampleCase()
        await s.transaction((tx) => tx.enqueue([event(c.id, 1), event(c.id, 2)]))
        const first = await s.claimOutbox(100, 1, 1000)
        expect(first).toHaveLength(1)
        // The second row of the same case waits for the first one: per-case order.
        expect(await s.claimOutbox(200, 10, 1000)).toEqual([])
        const again = await s.claimOutbox(1200, 10, 1000)
        expect(again.map((r) => r.id)).toEqual([first[0]!.id, expect.any(String)])
        expect(again[0]?.attempts).toBe(2)
        await s.ackOutbox(again.map((r) => r.id))
        expect(await s.claimOutbox(10_000, 10, 1000)).toEqual([])
      })

      it('never hands one row to two concurrent callers', async () => {
        const s = await fresh()
        const events = Array.from({ length: 40 }, (_, i) => event(`case_${i % 8}`, i))
        await s.transaction((tx) => tx.enqueue(events))
        const batches = await Promise.all(Array.from({ length: 6 }, () => s.claimOutbox(100, 10, 10_000)))
        const ids = batches.flat().map((r) => r.id)
        expect(new Set(ids).size).toBe(ids.length)
      })
    })

    describe('deadlines', () => {
      it('arms, re-arms, lists and cancels deadlines by case and name', async () => {
        const c = sampleCase()
        await store.transaction(async (tx) => {
          await tx.upsertDeadline({ caseId: c.id, name: 'a', event: 'ea', dueAt: 100 })
          await tx.upsertDeadline({ caseId: c.id, name: 'b', event: 'eb', dueAt: 200 })
          await tx.upsertDeadline({ caseId: c.id, name: 'a', event: 'ea', dueAt: 150 })
        })
        const listed = await store.transaction((tx) => tx.listDeadlines(c.id))
        expect(listed.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
          { caseId: c.id, name: 'a', event: 'ea', dueAt: 150 },
          { caseId: c.id, name: 'b', event: 'eb', dueAt: 200 },
        ])
        await store.transaction(async (tx) => {
          await tx.cancelDeadline(c.id, 'a')
          await tx.cancelDeadline(c.id, 'nothing')
        })
        expect((await store.transaction((tx) => tx.listDeadlines(c.id))).map((d) => d.name)).toEqual(['b'])
      })

      it('claims only due deadlines, earliest first, and reports the next due time', async () => {
        const s = await fresh()
        expect(await s.nextDueAt()).toBeNull()
        await s.transaction(async (tx) => {
          await tx.upsertDeadline({ caseId: 'c1', name: 'x', event: 'x', dueAt: 300 })
          await tx.upsertDeadline({ caseId: 'c2', name: 'y', event: 'y', dueAt: 100 })
          await tx.upsertDeadline({ caseId: 'c3', name: 'z', event: 'z', dueAt: 900 })
        })
        expect(await s.nextDueAt()).toBe(100)
        const claims = await s.claimDue(500, 10, 1000)
        expect(claims.map((d) => d.caseId)).toEqual(['c2', 'c1'])
        expect(claims[0]).toMatchObject({ name: 'y', event: 'y', dueAt: 100, claimedUntil: 1500 })
        expect(typeof claims[0]?.token).toBe('string')
        expect(await s.claimDue(600, 10, 1000)).toEqual([])
        // The lease ended: the same deadlines are handed out again, with new tokens.
        const again = await s.claimDue(1600, 10, 1000)
        expect(again.map((d) => d.caseId)).toEqual(['c2', 'c1', 'c3'])
        expect(again[0]?.token).not.toBe(claims[0]?.token)
        expect(await s.claimDue(1600, 0, 1000)).toEqual([])
      })

      it('completes a claimed deadline only with the current token', async () => {
        const s = await fresh()
        await s.transaction((tx) => tx.upsertDeadline({ caseId: 'c1', name: 'x', event: 'x', dueAt: 10 }))
        const [old] = await s.claimDue(20, 1, 5)
        const [current] = await s.claimDue(30, 1, 100)
        expect(await s.transaction((tx) => tx.completeDeadline('c1', 'x', old!.token))).toBe(false)
        expect(await s.transaction((tx) => tx.completeDeadline('c1', 'x', current!.token))).toBe(true)
        expect(await s.transaction((tx) => tx.completeDeadline('c1', 'x', current!.token))).toBe(false)
        expect(await s.nextDueAt()).toBeNull()
      })

      it('invalidates a claim when the deadline is re-armed', async () => {
        const s = await fresh()
        await s.transaction((tx) => tx.upsertDeadline({ caseId: 'c1', name: 'x', event: 'x', dueAt: 10 }))
        const [claim] = await s.claimDue(20, 1, 1000)
        await s.transaction((tx) => tx.upsertDeadline({ caseId: 'c1', name: 'x', event: 'x', dueAt: 15 }))
        expect(await s.transaction((tx) => tx.completeDeadline('c1', 'x', claim!.token))).toBe(false)
        // Re-arming clears the lease: the new occurrence is due and claimable at once.
        expect((await s.claimDue(20, 1, 1000)).map((d) => d.dueAt)).toEqual([15])
      })

      it('never hands one deadline to two concurrent claimers', async () => {
        const s = await fresh()
        await s.transaction(async (tx) => {
          for (let i = 0; i < 60; i++)
            await tx.upsertDeadline({ caseId: `c${i}`, name: 'due', event: 'due', dueAt: i })
        })
        const peers = [
          s,
          ...(await Promise.all([1, 2].map(() => (options.createSibling ? options.createSibling(s) : s)))),
        ]
        const claims = await Promise.all(
          Array.from({ length: 12 }, (_, i) => peers[i % peers.length]!.claimDue(100, 7, 60_000)),
        )
        const keys = claims.flat().map((d) => `${d.caseId}/${d.name}`)
        expect(new Set(keys).size).toBe(keys.length)
        expect(keys.length).toBe(60)
        for (const p of peers) if (p !== s) await p.close()
      })
    })

    describe('listing cases', () => {
      let s: Store
      const made: CaseRecord[] = []
      beforeAll(async () => {
        s = await fresh()
        for (let i = 0; i < 23; i++) {
          const c = sampleCase({
            workflow: i % 2 === 0 ? 'dispute' : 'ticket',
            state: ['awaitingSeller', 'published.visible', 'published.hidden', 'closed'][i % 4]!,
            done: i % 4 === 3,
            parties: { buyer: `b${i % 3}`, seller: `s${i % 5}` },
          })
          made.push(c)
          await s.transaction(async (tx) => {
            await tx.insertCase(c)
            if (i % 6 === 0)
              await tx.upsertDeadline({ caseId: c.id, name: 'due', event: 'due', dueAt: 1000 * i })
          })
        }
      })
      const all = async (q: Parameters<Store['listCases']>[0] = {}) => {
        const out: CaseRecord[] = []
        let cursor: string | null = q.cursor ?? null
        do {
          const page: Awaited<ReturnType<Store['listCases']>> = await s.listCases({ ...q, cursor })
          out.push(...page.items)
          cursor = page.nextCursor
        } while (cursor)
        return out
      }

      it('pages through every case once, ordered by id', async () => {
        const got = await all({ limit: 5 })
        expect(got.map((c) => c.id)).toEqual(made.map((c) => c.id).sort())
        const first = await s.listCases({ limit: 23 })
        expect(first.nextCursor).toBeNull()
      })

      it('filters by workflow, state (and parent state), party, done and due deadline', async () => {
        const ids = (cs: CaseRecord[]) => cs.map((c) => c.id).sort()
        expect(ids(await all({ workflow: 'dispute', limit: 4 }))).toEqual(
          ids(made.filter((c) => c.workflow === 'dispute')),
        )
        expect(ids(await all({ state: 'published' }))).toEqual(
          ids(made.filter((c) => c.state.startsWith('published.'))),
        )
        expect(ids(await all({ state: 'published.hidden' }))).toEqual(
          ids(made.filter((c) => c.state === 'published.hidden')),
        )
        expect(ids(await all({ party: 'b1' }))).toEqual(ids(made.filter((c) => c.parties.buyer === 'b1')))
        expect(ids(await all({ party: { role: 'seller', id: 's2' } }))).toEqual(
          ids(made.filter((c) => c.parties.seller === 's2')),
        )
        expect(await all({ party: { role: 'seller', id: 'b1' } })).toEqual([])
        expect(ids(await all({ includeDone: false }))).toEqual(ids(made.filter((c) => !c.done)))
        const due = made.filter((_, i) => i % 6 === 0 && 1000 * i < 12_500)
        expect(ids(await all({ dueBefore: 12_500, limit: 2 }))).toEqual(ids(due))
        expect(ids(await all({ workflow: 'dispute', party: 'b0', state: 'awaitingSeller' }))).toEqual(
          ids(
            made.filter(
              (c) => c.workflow === 'dispute' && c.parties.buyer === 'b0' && c.state === 'awaitingSeller',
            ),
          ),
        )
      })

      it('keeps pagination stable while cases are inserted between pages', async () => {
        const page1 = await s.listCases({ limit: 10 })
        const late = sampleCase()
        await s.transaction((tx) => tx.insertCase(late))
        const rest = await all({ cursor: page1.nextCursor, limit: 10 })
        const seen = [...page1.items, ...rest].map((c) => c.id)
        expect(new Set(seen).size).toBe(seen.length)
        for (const c of made) expect(seen).toContain(c.id)
      })

      it('refuses a bad limit or cursor with VALIDATION', async () => {
        await expectCode(s.listCases({ limit: 0 }), 'VALIDATION')
        await expectCode(s.listCases({ limit: 10_000 }), 'VALIDATION')
        await expectCode(s.listCases({ cursor: '!!not a cursor!!' }), 'VALIDATION')
      })
    })
  })
}
