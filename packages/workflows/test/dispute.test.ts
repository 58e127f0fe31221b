import { ParleyError } from '@parley/core'
import { describe, expect, it } from 'vitest'
import { businessCalendar, dispute } from '../src/index'
import { buyer, operator, seller, testEngine } from './helpers'

const order = {
  parties: { buyer: 'b1', seller: 's1' },
  orderId: 'o-1',
  orderTotal: 5000,
  currency: 'EUR',
  reason: 'damaged' as const,
  remedy: 'fullRefund' as const,
  description: 'The vase arrived broken.',
}

describe('dispute', () => {
  it('resolves with a full refund when the seller accepts', async () => {
    const { engine, events, types } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    expect(c.state).toBe('awaitingSeller')
    expect(c.deadlines.sellerResponseDue).toBe(c.createdAt + 3 * 86_400_000)
    const r = await engine.send(c.id, { type: 'accept', payload: {} }, { actor: seller })
    expect(r.state).toBe('resolved')
    expect(types()).toEqual(['dispute.opened', 'refund.requested', 'dispute.resolved'])
    expect(events[1]?.payload).toEqual({ orderId: 'o-1', amount: 5000, currency: 'EUR' })
  })

  it('escalates when the seller misses the response window, then the operator decides after evidence', async () => {
    const { engine, clock, events, types } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    clock.advance('P3D')
    expect(await engine.runDueDeadlines()).toBe(1)
    expect((await engine.get(c.id, { viewer: operator })).state).toBe('escalated')
    const asked = await engine.send(
      c.id,
      { type: 'requestEvidence', payload: { from: 'buyer', note: 'Photos please', within: 'P2D' } },
      { actor: operator },
    )
    expect(asked.deadlines.evidenceDue).toBe(clock.now() + 2 * 86_400_000)
    const given = await engine.send(
      c.id,
      { type: 'submitEvidence', payload: { note: 'Here', attachments: ['s3://photo.jpg'] } },
      { actor: buyer },
    )
    expect(given.deadlines.evidenceDue).toBeUndefined()
    await expect(
      engine.send(
        c.id,
        { type: 'decide', payload: { outcome: 'refundBuyer', amount: 9000, note: 'x' } },
        { actor: operator },
      ),
    ).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' })
    const done = await engine.send(
      c.id,
      { type: 'decide', payload: { outcome: 'split', amount: 2500, note: 'Half each' } },
      { actor: operator },
    )
    expect(done.state).toBe('resolved')
    expect(types()).toContain('dispute.escalated')
    expect(events.find((e) => e.type === 'refund.requested')?.payload.amount).toBe(2500)
  })

  it('lets the buyer accept a partial refund offer', async () => {
    const { engine, events } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    const offered = await engine.send(
      c.id,
      { type: 'offer', payload: { remedy: 'partialRefund', amount: 1500, note: 'Sorry' } },
      { actor: seller },
    )
    expect(offered.state).toBe('awaitingBuyer')
    const r = await engine.send(c.id, { type: 'acceptOffer', payload: {} }, { actor: buyer })
    expect(r.context.outcome).toBe('offerAccepted')
    expect(events.find((e) => e.type === 'refund.requested')?.payload.amount).toBe(1500)
  })

  it('closes when the buyer does not answer a rejection, and refuses events once closed', async () => {
    const { engine, clock } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    await engine.send(c.id, { type: 'reject', payload: { explanation: 'It left intact' } }, { actor: seller })
    await expect(
      engine.send(c.id, { type: 'acceptOffer', payload: {} }, { actor: buyer }),
    ).rejects.toMatchObject({
      code: 'EVENT_NOT_ALLOWED',
    })
    clock.advance('P7D')
    await engine.runDueDeadlines()
    const v = await engine.get(c.id, { viewer: buyer })
    expect([v.state, v.done]).toEqual(['closed', true])
    await expect(
      engine.send(c.id, { type: 'escalate', payload: {} }, { actor: buyer }),
    ).rejects.toBeInstanceOf(ParleyError)
  })

  it('refuses an evidence request whose deadline is not a duration', async () => {
    // Regression: found by core's checkWorkflow; a bad `within` used to crash the step.
    const { engine } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    await engine.send(c.id, { type: 'reject', payload: { explanation: 'No' } }, { actor: seller })
    await engine.send(c.id, { type: 'escalate', payload: {} }, { actor: buyer })
    await expect(
      engine.send(
        c.id,
        { type: 'requestEvidence', payload: { from: 'seller', note: 'Tracking', within: 'soon' } },
        { actor: operator },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it('lets the buyer withdraw before a decision', async () => {
    const { engine, types } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    const r = await engine.send(c.id, { type: 'withdraw', payload: {} }, { actor: buyer })
    expect([r.state, r.done]).toEqual(['withdrawn', true])
    expect(types()).toContain('dispute.withdrawn')
  })

  it('allows one appeal per party inside the appeal window, then closes', async () => {
    const { engine, clock, types } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    await engine.send(c.id, { type: 'escalate', payload: {} }, { actor: buyer }).catch(() => null)
    await engine.send(c.id, { type: 'reject', payload: { explanation: 'No' } }, { actor: seller })
    await engine.send(c.id, { type: 'escalate', payload: {} }, { actor: buyer })
    await engine.send(
      c.id,
      { type: 'decide', payload: { outcome: 'favorSeller', note: 'Tracked' } },
      { actor: operator },
    )
    const appealed = await engine.send(
      c.id,
      { type: 'appeal', payload: { reason: 'Photos' } },
      { actor: buyer },
    )
    expect(appealed.state).toBe('escalated')
    await engine.send(
      c.id,
      { type: 'decide', payload: { outcome: 'favorSeller', note: 'Still' } },
      { actor: operator },
    )
    await expect(
      engine.send(c.id, { type: 'appeal', payload: { reason: 'Again' } }, { actor: buyer }),
    ).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' })
    clock.advance('P30D')
    await engine.runDueDeadlines()
    expect((await engine.get(c.id, { viewer: buyer })).state).toBe('closed')
    expect(types()).toContain('dispute.closed')
  })

  it('keeps side-channel messages away from the other party, in the view and the history', async () => {
    const { engine } = testEngine([dispute()])
    const c = await engine.open('dispute', order, { actor: buyer })
    await engine.send(
      c.id,
      { type: 'post', payload: { body: 'Between us', audience: ['seller', 'operator'] } },
      { actor: seller },
    )
    await expect(
      engine.send(
        c.id,
        { type: 'post', payload: { body: 'Sneaky', audience: ['seller', 'operator'] } },
        { actor: buyer },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    const asBuyer = await engine.get(c.id, { viewer: buyer })
    expect(asBuyer.context.messages).toEqual([])
    expect((await engine.history(c.id, { viewer: buyer })).map((e) => e.type)).toEqual(['$open'])
    expect((await engine.get(c.id, { viewer: operator })).context.messages).toHaveLength(1)
  })

  it('counts the seller response window in business days with a calendar', async () => {
    const calendar = businessCalendar({ timeZone: 'Europe/Paris' })
    // Friday 2026-01-09 15:00 Paris = 14:00 UTC; three business days later: Wednesday 15:00 Paris.
    const { engine } = testEngine([dispute({ calendar })], Date.UTC(2026, 0, 9, 14))
    const c = await engine.open('dispute', order, { actor: buyer })
    expect(new Date(c.deadlines.sellerResponseDue!).toISOString()).toBe('2026-01-14T14:00:00.000Z')
  })
})
