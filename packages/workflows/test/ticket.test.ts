import { describe, expect, it } from 'vitest'
import { ticket } from '../src/index'
import { buyer, operator, seller, testEngine } from './helpers'

const HOUR = 3_600_000
const question = {
  parties: { buyer: 'b1', seller: 's1' },
  subject: 'Where is my parcel?',
  topic: 'delivery',
  about: { kind: 'order' as const, id: 'o-7' },
  body: 'I ordered ten days ago.',
}

describe('ticket', () => {
  it('follows whose turn it is as buyer and seller talk, and records who wrote last', async () => {
    const { engine, clock } = testEngine([ticket()])
    const t = await engine.open('ticket', question, { actor: buyer })
    expect(t.state).toBe('awaitingSeller')
    expect(t.context.awaitingSince).toBe(t.createdAt)
    clock.advance('PT2H')
    const answered = await engine.send(
      c(t),
      { type: 'post', payload: { body: 'Shipped yesterday' } },
      { actor: seller },
    )
    expect(answered.state).toBe('awaitingBuyer')
    expect(answered.context.lastSender).toMatchObject({ role: 'seller', id: 's1' })
    expect(answered.context.firstResponseAt).toBe(clock.now())
    expect(answered.context.awaitingSince).toBe(clock.now())
    const note = await engine.send(
      c(t),
      { type: 'post', payload: { body: 'Seller is slow lately', audience: ['operator'] } },
      { actor: operator },
    )
    expect(note.state).toBe('awaitingBuyer')
    expect((await engine.get(c(t), { viewer: buyer })).context.messages).toHaveLength(2)
  })

  it('emits sla.breached when the seller misses the first-response target, and records the breach', async () => {
    const { engine, clock, events } = testEngine([ticket()])
    const t = await engine.open('ticket', { ...question, priority: 'high' }, { actor: buyer })
    expect(t.deadlines.sellerResponseDue).toBe(t.createdAt + 4 * HOUR)
    clock.advance('PT4H')
    expect(await engine.runDueDeadlines()).toBe(1)
    const v = await engine.get(t.id, { viewer: operator })
    expect(v.state).toBe('awaitingSeller')
    expect(v.context.breaches).toEqual([
      { kind: 'firstResponse', party: 'seller', dueAt: t.createdAt + 4 * HOUR, at: clock.now() },
    ])
    expect(events.find((e) => e.type === 'sla.breached')?.payload).toMatchObject({
      kind: 'firstResponse',
      party: 'seller',
    })
    expect(await engine.runDueDeadlines()).toBe(0)
  })

  it('re-arms the SLA when the priority changes', async () => {
    const { engine } = testEngine([ticket()])
    const t = await engine.open('ticket', question, { actor: buyer })
    expect(t.deadlines.sellerResponseDue).toBe(t.createdAt + 24 * HOUR)
    const urgent = await engine.send(
      t.id,
      { type: 'setPriority', payload: { priority: 'urgent' } },
      { actor: operator },
    )
    expect(urgent.deadlines.sellerResponseDue).toBe(t.createdAt + HOUR)
  })

  it('lets any party escalate, and an operator assign the ticket to a queue', async () => {
    const { engine, types } = testEngine([ticket()])
    const t = await engine.open('ticket', question, { actor: buyer })
    const e = await engine.send(t.id, { type: 'escalate', payload: { note: 'No answer' } }, { actor: seller })
    expect(e.state).toBe('awaitingOperator')
    const a = await engine.send(
      t.id,
      { type: 'assign', payload: { operatorId: 'o1', queue: 'shipping' } },
      { actor: operator },
    )
    expect([a.context.assignee, a.context.queue]).toEqual(['o1', 'shipping'])
    // Once escalated, the buyer's messages go to the operator.
    const m = await engine.send(t.id, { type: 'post', payload: { body: 'Any news?' } }, { actor: buyer })
    expect(m.state).toBe('awaitingOperator')
    expect(types()).toEqual(expect.arrayContaining(['ticket.escalated', 'ticket.assigned']))
  })

  it('auto-resolves after buyer inactivity, can be reopened by the requester, then closes after the window', async () => {
    const { engine, clock, types } = testEngine([ticket()])
    const t = await engine.open('ticket', question, { actor: buyer })
    await engine.send(t.id, { type: 'post', payload: { body: 'Tracking: 123' } }, { actor: seller })
    clock.advance('P7D')
    await engine.runDueDeadlines()
    const resolved = await engine.get(t.id, { viewer: buyer })
    expect(resolved.state).toBe('resolved')
    expect(resolved.context.resolution).toMatchObject({ reason: 'buyerInactive' })
    await expect(engine.send(t.id, { type: 'reopen', payload: {} }, { actor: seller })).rejects.toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    )
    const reopened = await engine.send(
      t.id,
      { type: 'reopen', payload: { note: 'Still nothing' } },
      { actor: buyer },
    )
    expect(reopened.state).toBe('awaitingSeller')
    await engine.send(t.id, { type: 'resolve', payload: {} }, { actor: operator })
    clock.advance('P7D')
    await engine.runDueDeadlines()
    const closed = await engine.get(t.id, { viewer: buyer })
    expect([closed.state, closed.done]).toEqual(['closed', true])
    expect(types()).toEqual(expect.arrayContaining(['ticket.resolved', 'ticket.reopened', 'ticket.closed']))
  })

  it('puts the turn states at the top level, so a backend finds tickets by `awaitingSeller`', async () => {
    const { engine } = testEngine([ticket()])
    const t = await engine.open('ticket', question, { actor: buyer })
    const other = await engine.open('ticket', { ...question, subject: 'Wrong size' }, { actor: buyer })
    await engine.send(other.id, { type: 'post', payload: { body: 'Send it back' } }, { actor: seller })
    const page = await engine.list({ workflow: 'ticket', state: 'awaitingSeller' })
    expect(page.items.map((v) => v.id)).toEqual([t.id])
  })

  it('keeps the SLA clock when the buyer writes again before the seller answers', async () => {
    const { engine, clock } = testEngine([ticket()])
    const t = await engine.open('ticket', question, { actor: buyer })
    clock.advance('PT3H')
    const again = await engine.send(t.id, { type: 'post', payload: { body: 'Hello?' } }, { actor: buyer })
    expect(again.state).toBe('awaitingSeller')
    expect(again.context.awaitingSince).toBe(t.createdAt)
    expect(again.deadlines.sellerResponseDue).toBe(t.createdAt + 24 * HOUR)
  })

  it('counts buyer inactivity from the last answer, through internal notes and reassignments', async () => {
    const { engine, clock } = testEngine([ticket({ autoResolveAfter: 'P2D' })])
    const t = await engine.open('ticket', question, { actor: buyer })
    const answered = await engine.send(
      t.id,
      { type: 'post', payload: { body: 'Shipped' } },
      { actor: seller },
    )
    clock.advance('P1D')
    await engine.send(
      t.id,
      { type: 'post', payload: { body: 'note', audience: ['operator'] } },
      { actor: operator },
    )
    const assigned = await engine.send(
      t.id,
      { type: 'assign', payload: { operatorId: 'o2' } },
      { actor: operator },
    )
    expect(assigned.state).toBe('awaitingBuyer')
    expect(assigned.deadlines.buyerInactive).toBe(answered.updatedAt + 2 * 24 * HOUR)
    clock.advance('P1D')
    expect(await engine.runDueDeadlines()).toBe(1)
    expect((await engine.get(t.id, { viewer: buyer })).state).toBe('resolved')
  })

  it('routes a buyer-only ticket to the operator', async () => {
    const { engine } = testEngine([ticket()])
    const t = await engine.open(
      'ticket',
      { parties: { buyer: 'b1' }, subject: 'Account', topic: 'account', body: 'Locked out' },
      { actor: buyer },
    )
    expect(t.state).toBe('awaitingOperator')
    const r = await engine.send(t.id, { type: 'post', payload: { body: 'Reset sent' } }, { actor: operator })
    expect(r.state).toBe('awaitingBuyer')
  })
})

function c(view: { id: string }): string {
  return view.id
}
