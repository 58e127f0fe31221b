import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Actor, createEngine, manualClock, memoryStore, ParleyError, type Store } from '../src/index'
import { claimWorkflow } from './fixtures/claim-workflow'

const input = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }
const actors: Actor[] = [
  { role: 'buyer', id: 'b1' },
  { role: 'seller', id: 's1' },
  { role: 'operator', id: 'o1' },
  { role: 'buyer', id: 'b2' },
  { role: 'seller', id: 's2' },
  { role: 'system', id: 'intruder' },
]
const audiences = [
  undefined,
  ['operator'],
  ['buyer', 'operator'],
  ['seller', 'operator'],
  ['buyer', 'seller', 'operator'],
  ['buyer'],
  [],
]

const payloadArb = fc.oneof(
  fc.constant({}),
  fc.record({ reason: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()) }),
  fc.record({ refund: fc.oneof(fc.integer({ min: -10, max: 60 }), fc.constant('ten')) }),
  fc.record({ body: fc.string({ maxLength: 6 }), audience: fc.constantFrom(...audiences) }),
  fc.anything({ maxDepth: 2 }),
)
const commandArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      type: fc.constantFrom('post', 'accept', 'reject', 'decide', 'close', 'sellerDue', 'nope', '__proto__'),
      payload: payloadArb,
      actor: fc.constantFrom(...actors),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), days: fc.integer({ min: 0, max: 9 }) }),
  },
)

async function dump(store: Store, caseId: string, now: number) {
  return JSON.stringify({
    record: await store.getCase(caseId),
    audit: await store.readAudit(caseId),
    // A zero lease leaves the rows claimable: this only peeks at which rows exist.
    outbox: (await store.claimOutbox(now, 10_000, 0)).map((r) => r.id),
    deadlines: await store.transaction((tx) => tx.listDeadlines(caseId)),
  })
}

describe('engine properties', () => {
  it('leaves the stored case byte-identical after every refused event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { maxLength: 25 }), async (commands) => {
        const clock = manualClock()
        const store = memoryStore()
        const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
        const c = await engine.open('claim', input, { actor: actors[0]! })
        for (const cmd of commands) {
          if (cmd.kind === 'tick') {
            clock.advance(cmd.days * 86_400_000)
            await engine.runDueDeadlines()
            continue
          }
          const before = await dump(store, c.id, clock.now())
          const ok = await engine
            .send(c.id, { type: cmd.type, payload: cmd.payload }, { actor: cmd.actor })
            .then(
              () => true,
              (e: unknown) => {
                expect(e).toBeInstanceOf(ParleyError)
                return false
              },
            )
          const after = await dump(store, c.id, clock.now())
          if (!ok) expect(after).toBe(before)
          else expect(after).not.toBe(before)
        }
        const log = await store.readAudit(c.id)
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1))
      }),
      { numRuns: 60 },
    )
  })

  it('never shows a viewer a message, or an audit entry, outside its audience', async () => {
    const posts = fc.array(
      fc.record({
        actor: fc.constantFrom(...actors.slice(0, 3)),
        audience: fc.constantFrom(...audiences.slice(0, 5)),
      }),
      { maxLength: 15 },
    )
    await fc.assert(
      fc.asyncProperty(posts, async (list) => {
        const engine = createEngine({ workflows: [claimWorkflow()], clock: manualClock() })
        const c = await engine.open('claim', input, { actor: actors[0]! })
        for (const [i, p] of list.entries()) {
          await engine
            .send(
              c.id,
              { type: 'post', payload: { body: `m${i}`, ...(p.audience ? { audience: p.audience } : {}) } },
              { actor: p.actor },
            )
            .catch((e: unknown) => expect(ParleyError.is(e, 'FORBIDDEN')).toBe(true))
        }
        for (const viewer of actors.slice(0, 3)) {
          const view = await engine.get(c.id, { viewer })
          for (const m of view.context.messages as Array<{ audience: string[] }>) {
            if (viewer.role !== 'operator') expect(m.audience).toContain(viewer.role)
          }
          for (const entry of await engine.history(c.id, { viewer })) {
            if (viewer.role !== 'operator' && entry.audience) expect(entry.audience).toContain(viewer.role)
          }
        }
        const all = await engine.get(c.id, { viewer: actors[2]! })
        const seenByBuyer = (await engine.get(c.id, { viewer: actors[0]! })).context.messages as unknown[]
        const allMessages = all.context.messages as Array<{ audience: string[] }>
        expect(seenByBuyer.length).toBe(allMessages.filter((m) => m.audience.includes('buyer')).length)
      }),
      { numRuns: 60 },
    )
  })

  it('fires each deadline exactly once under random interleavings of schedulers and sends', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('run' as const), parallel: fc.integer({ min: 1, max: 3 }) }),
      fc.record({
        kind: fc.constant('send' as const),
        target: fc.nat(4),
        type: fc.constantFrom('accept', 'reject', 'decide', 'post', 'close'),
      }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const clock = manualClock()
        const store = memoryStore()
        const engines = [0, 1, 2].map(() => createEngine({ workflows: [claimWorkflow()], store, clock }))
        const e0 = engines[0]!
        const ids: string[] = []
        for (let i = 0; i < 5; i++) ids.push((await e0.open('claim', input, { actor: actors[0]! })).id)
        const payloads: Record<string, unknown> = {
          reject: { reason: 'no' },
          decide: { refund: 10 },
          post: { body: 'hi' },
        }
        const roles: Record<string, Actor> = {
          accept: actors[1]!,
          reject: actors[1]!,
          decide: actors[2]!,
          post: actors[0]!,
          close: actors[0]!,
        }
        for (const s of steps) {
          if (s.kind === 'advance') clock.advance(s.hours * 3_600_000)
          else if (s.kind === 'run')
            await Promise.all(engines.slice(0, s.parallel).map((e) => e.runDueDeadlines({ limit: 2 })))
          else {
            await Promise.all([
              e0
                .send(
                  ids[s.target]!,
                  { type: s.type, payload: payloads[s.type] ?? {} },
                  { actor: roles[s.type]! },
                )
                .catch(() => null),
              engines[1]!.runDueDeadlines({ limit: 1 }),
            ])
          }
        }
        await Promise.all(engines.map((e) => e.runDueDeadlines()))
        for (const id of ids) {
          const record = (await store.getCase(id))!
          for (const due of Object.values(record.timers.armed)) expect(due).toBeGreaterThan(clock.now())
          const fired = (await store.readAudit(id)).filter((e) => e.actor.role === 'system')
          const keys = fired.map((e) => `${e.type}@${(e.payload as { dueAt: number }).dueAt}`)
          expect(new Set(keys).size).toBe(keys.length)
          for (const e of fired) expect((e.payload as { dueAt: number }).dueAt).toBeLessThanOrEqual(e.at)
        }
      }),
      { numRuns: 50 },
    )
  })
})
