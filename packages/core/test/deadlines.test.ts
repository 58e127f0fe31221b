import { describe, expect, it } from 'vitest'
import { assign, setup } from 'xstate'
import { z } from 'zod'
import { type Actor, createEngine, defineWorkflow, manualClock, memoryStore } from '../src/index'
import { claimWorkflow } from './fixtures/claim-workflow'

const buyer: Actor = { role: 'buyer', id: 'b1' }
const seller: Actor = { role: 'seller', id: 's1' }
const operator: Actor = { role: 'operator', id: 'o1' }
const input = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }
const DAY = 86_400_000

describe('durable deadlines', () => {
  it('arms a deadline when its state is entered, anchored to the entry time', async () => {
    const clock = manualClock()
    const engine = createEngine({ workflows: [claimWorkflow()], clock })
    const t0 = clock.now()
    const c = await engine.open('claim', input, { actor: buyer })
    expect(c.deadlines).toEqual({ sellerDue: t0 + 3 * DAY })
    clock.advance('1d')
    const r = await engine.send(c.id, { type: 'post', payload: { body: 'still waiting' } }, { actor: buyer })
    expect(r.deadlines).toEqual({ sellerDue: t0 + 3 * DAY })
  })

  it('does not fire before the due time and fires once at it, as the system actor', async () => {
    const clock = manualClock()
    const engine = createEngine({ workflows: [claimWorkflow()], clock })
    const c = await engine.open('claim', input, { actor: buyer })
    clock.advance(3 * DAY - 1)
    expect(await engine.runDueDeadlines()).toBe(0)
    clock.advance(1)
    expect(await engine.runDueDeadlines()).toBe(1)
    expect(await engine.runDueDeadlines()).toBe(0)
    const log = await engine.history(c.id, { viewer: operator })
    expect(log.at(-1)).toMatchObject({
      type: 'sellerDue',
      actor: { role: 'system' },
      from: 'awaitingSeller',
      to: 'escalated',
    })
    expect((await engine.get(c.id, { viewer: operator })).deadlines).toEqual({
      operatorDue: clock.now() + 7 * DAY,
    })
  })

  it('cancels the deadlines of a state when the case leaves it', async () => {
    const clock = manualClock()
    const store = memoryStore()
    const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
    const c = await engine.open('claim', input, { actor: buyer })
    await engine.send(c.id, { type: 'accept' }, { actor: seller })
    expect((await engine.get(c.id, { viewer: operator })).deadlines).toEqual({
      autoClose: clock.now() + 14 * DAY,
    })
    clock.advance('4d')
    expect(await engine.runDueDeadlines()).toBe(0)
    expect((await engine.get(c.id, { viewer: operator })).state).toBe('resolved')
  })

  it('fires after a restart: a new engine on the same store finds the deadline', async () => {
    const clock = manualClock()
    const store = memoryStore()
    const first = createEngine({ workflows: [claimWorkflow()], store, clock })
    const c = await first.open('claim', input, { actor: buyer })
    clock.advance('10d')
    const second = createEngine({ workflows: [claimWorkflow()], store, clock })
    // sellerDue fires, then operatorDue is armed 7 days after escalation: not yet due.
    expect(await second.runDueDeadlines()).toBe(1)
    expect((await second.get(c.id, { viewer: operator })).state).toBe('escalated')
  })

  it('fires each due deadline exactly once when many schedulers run at the same time', async () => {
    const clock = manualClock()
    const store = memoryStore()
    const engines = [1, 2, 3, 4].map(() => createEngine({ workflows: [claimWorkflow()], store, clock }))
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push((await engines[0]!.open('claim', input, { actor: buyer })).id)
    clock.advance('3d')
    const counts = await Promise.all(
      engines.flatMap((e) => [e.runDueDeadlines({ limit: 4 }), e.runDueDeadlines({ limit: 3 })]),
    )
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30)
    for (const id of ids) {
      const log = await store.readAudit(id)
      expect(log.filter((e) => e.type === 'sellerDue')).toHaveLength(1)
    }
  })

  it('re-arms a computed deadline when its anchor in the context moves, and not after it fired', async () => {
    const machine = setup({
      types: {} as {
        context: { lastBuyerAt: number; breaches: number }
        events: { type: string; at: number }
      },
    }).createMachine({
      initial: 'open',
      context: { lastBuyerAt: 0, breaches: 0 },
      states: {
        open: {
          on: {
            buyerWrites: { actions: assign({ lastBuyerAt: ({ event }) => event.at }) },
            replyDue: { actions: assign({ breaches: ({ context }) => context.breaches + 1 }) },
          },
        },
      },
    })
    const wf = defineWorkflow<{ parties: { buyer: string } }, { lastBuyerAt: number; breaches: number }>({
      name: 'sla',
      version: 1,
      machine,
      input: z.object({ parties: z.object({ buyer: z.string() }) }),
      events: { buyerWrites: { schema: z.object({}), roles: ['buyer'] } },
      deadlines: {
        open: {
          replyDue: {
            due: ({ context }: { context: { lastBuyerAt: number } }) =>
              context.lastBuyerAt ? context.lastBuyerAt + 3_600_000 : null,
          },
        },
      },
    })
    const clock = manualClock()
    const engine = createEngine({ workflows: [wf], clock })
    const c = await engine.open('sla', { parties: { buyer: 'b1' } }, { actor: buyer })
    expect(c.deadlines).toEqual({})
    const t1 = clock.now()
    await engine.send(c.id, { type: 'buyerWrites' }, { actor: buyer })
    clock.advance('30m')
    const r = await engine.send(c.id, { type: 'buyerWrites' }, { actor: buyer })
    expect(r.deadlines).toEqual({ replyDue: t1 + 30 * 60_000 + 3_600_000 })
    clock.advance('2h')
    expect(await engine.runDueDeadlines()).toBe(1)
    const after = await engine.get(c.id, { viewer: operator })
    expect(after.context).toMatchObject({ breaches: 1 })
    expect(after.deadlines).toEqual({})
    clock.advance('5h')
    expect(await engine.runDueDeadlines()).toBe(0)
    await engine.send(c.id, { type: 'buyerWrites' }, { actor: buyer })
    expect(Object.keys((await engine.get(c.id, { viewer: operator })).deadlines)).toEqual(['replyDue'])
  })

  it('polls with startScheduler and stops cleanly', async () => {
    const clock = manualClock()
    const engine = createEngine({ workflows: [claimWorkflow()], clock })
    const c = await engine.open('claim', input, { actor: buyer })
    clock.advance('3d')
    const stop = engine.startScheduler({ intervalMs: 5 })
    for (let i = 0; i < 100 && (await engine.get(c.id, { viewer: operator })).state !== 'escalated'; i++) {
      await new Promise((r) => setTimeout(r, 5))
    }
    await stop()
    expect((await engine.get(c.id, { viewer: operator })).state).toBe('escalated')
  })
})

describe('deadlines refused by a guard', () => {
  it('records the refusal in the audit trail and stops showing the deadline', async () => {
    const machine = setup({
      types: {} as { context: { open: boolean }; events: { type: string } },
      guards: { stillOpen: ({ context }) => context.open },
    }).createMachine({
      initial: 'waiting',
      context: { open: false },
      states: { waiting: { on: { due: { guard: 'stillOpen', target: 'late' } } }, late: {} },
    })
    const wf = defineWorkflow({
      name: 'guarded',
      version: 1,
      machine,
      input: z.object({ parties: z.object({ buyer: z.string() }) }),
      events: {},
      deadlines: { waiting: { due: '1h' } },
    })
    const clock = manualClock()
    const store = memoryStore()
    const engine = createEngine({ workflows: [wf], store, clock })
    const c = await engine.open('guarded', { parties: { buyer: 'b1' } }, { actor: buyer })
    clock.advance('2h')
    expect(await engine.runDueDeadlines()).toBe(0)
    const v = await engine.get(c.id, { viewer: operator })
    expect(v).toMatchObject({ state: 'waiting', version: 2, deadlines: {} })
    expect((await store.readAudit(c.id)).at(-1)).toMatchObject({
      seq: 2,
      type: 'due',
      payload: { refused: true },
    })
    clock.advance('5h')
    expect(await engine.runDueDeadlines()).toBe(0)
    expect((await store.readAudit(c.id)).length).toBe(2)
  })
})
