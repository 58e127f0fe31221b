import { describe, expect, it } from 'vitest'
import { type Moderate, type ReviewContext, review } from '../src/index'
import { buyer, contextOf, operator, seller, testEngine } from './helpers'

const request = { parties: { buyer: 'b1', seller: 's1' }, orderId: 'o-1', listingId: 'l-1' }
const approveAll: Moderate = () => ({ decision: 'approve', reasons: [] })
const rating = (n: number) => ({ rating: n, title: 'Lamp', body: `Rated ${n}` })

describe('review', () => {
  it('publishes a review the rules approve, and lets the seller reply once then edit the reply', async () => {
    const { engine, events } = testEngine([review({ moderate: approveAll })])
    const r = await engine.open('review', request, { actor: operator })
    expect(r.state).toBe('requested')
    const p = await engine.send(r.id, { type: 'submit', payload: rating(4) }, { actor: buyer })
    expect([p.state, p.context.visible]).toEqual(['published', true])
    expect(events.find((e) => e.type === 'review.published')?.payload).toEqual({
      sellerId: 's1',
      listingId: 'l-1',
      rating: 4,
      verifiedPurchase: true,
    })
    await engine.send(r.id, { type: 'reply', payload: { body: 'Thanks!' } }, { actor: seller })
    const edited = await engine.send(
      r.id,
      { type: 'reply', payload: { body: 'Thank you!' } },
      { actor: seller },
    )
    expect(edited.context.reply).toMatchObject({ body: 'Thank you!', editedAt: expect.any(Number) })
    expect(events.filter((e) => e.type === 'review.replied').map((e) => e.payload.edited)).toEqual([
      false,
      true,
    ])
  })

  it('holds a review for moderation by default, and the operator decides', async () => {
    const { engine } = testEngine([review()])
    const r = await engine.open('review', request, { actor: operator })
    const p = await engine.send(r.id, { type: 'submit', payload: rating(1) }, { actor: buyer })
    expect(p.state).toBe('pendingModeration')
    const rej = await engine.send(
      r.id,
      { type: 'reject', payload: { reasonCode: 'offTopic', message: 'Not about the order' } },
      { actor: operator },
    )
    expect([rej.state, rej.done]).toEqual(['rejected', true])
  })

  it('expires a request nobody answered', async () => {
    const { engine, clock, types } = testEngine([review({ requestExpiresAfter: 'P14D' })])
    const r = await engine.open('review', request, { actor: operator })
    clock.advance('P14D')
    await engine.runDueDeadlines()
    expect((await engine.get(r.id, { viewer: buyer })).state).toBe('expired')
    expect(types()).toContain('review.expired')
  })

  it('hides a review contested as harmful during the investigation, then restores it when upheld; the reason cannot be reused', async () => {
    const { engine, types } = testEngine([review({ moderate: approveAll })])
    const r = await engine.open('review', request, { actor: operator })
    await engine.send(r.id, { type: 'submit', payload: rating(1) }, { actor: buyer })
    const c = await engine.send(
      r.id,
      { type: 'contest', payload: { reason: 'harmfulOrIllegal', note: 'Insults' } },
      { actor: seller },
    )
    expect([c.state, c.context.visible]).toEqual(['contested', false])
    const u = await engine.send(r.id, { type: 'uphold', payload: {} }, { actor: operator })
    expect([u.state, u.context.visible]).toEqual(['published', true])
    await expect(
      engine.send(
        r.id,
        { type: 'contest', payload: { reason: 'harmfulOrIllegal', note: 'Again' } },
        { actor: seller },
      ),
    ).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' })
    const other = await engine.send(
      r.id,
      { type: 'contest', payload: { reason: 'notGenuine', note: 'No order' } },
      { actor: seller },
    )
    expect([other.state, other.context.visible]).toEqual(['contested', true])
    expect(types()).toEqual(expect.arrayContaining(['review.contested', 'review.upheld']))
  })

  it('removes a contested review when the buyer does not bring the evidence asked for', async () => {
    const { engine, clock, events } = testEngine([review({ moderate: approveAll })])
    const r = await engine.open('review', request, { actor: operator })
    await engine.send(r.id, { type: 'submit', payload: rating(2) }, { actor: buyer })
    await engine.send(
      r.id,
      { type: 'contest', payload: { reason: 'notGenuine', note: 'Never bought' } },
      { actor: seller },
    )
    const asked = await engine.send(
      r.id,
      { type: 'requestEvidence', payload: { kind: 'evidence', note: 'Proof of purchase', within: 'P3D' } },
      { actor: operator },
    )
    expect(asked.deadlines.evidenceDue).toBe(clock.now() + 3 * 86_400_000)
    clock.advance('P3D')
    await engine.runDueDeadlines()
    const v = await engine.get(r.id, { viewer: seller })
    expect([v.state, contextOf<ReviewContext>(v).removal?.reasonCode]).toEqual(['removed', 'evidenceMissing'])
    expect(events.at(-1)).toMatchObject({ type: 'review.removed', payload: { contested: true } })
  })

  it('lets the buyer edit a contested review when asked', async () => {
    const { engine } = testEngine([review({ moderate: approveAll })])
    const r = await engine.open('review', request, { actor: operator })
    await engine.send(r.id, { type: 'submit', payload: rating(1) }, { actor: buyer })
    await engine.send(
      r.id,
      { type: 'contest', payload: { reason: 'personalInformation', note: 'My name' } },
      { actor: seller },
    )
    await engine.send(
      r.id,
      { type: 'requestEvidence', payload: { kind: 'edit', note: 'Remove the name' } },
      { actor: operator },
    )
    const e = await engine.send(r.id, { type: 'edit', payload: { body: 'Rude seller' } }, { actor: buyer })
    expect([
      contextOf<ReviewContext>(e).review?.body,
      e.context.evidenceRequest,
      e.deadlines.evidenceDue,
    ]).toEqual(['Rude seller', null, undefined])
  })

  it('keeps double-blind reviews hidden from the other party until both are in', async () => {
    const { engine, types } = testEngine([review({ moderate: approveAll, doubleBlind: true })])
    const r = await engine.open('review', request, { actor: operator })
    const first = await engine.send(r.id, { type: 'submit', payload: rating(5) }, { actor: buyer })
    expect(first.state).toBe('requested')
    expect((await engine.get(r.id, { viewer: seller })).context.review).toBeNull()
    const both = await engine.send(
      r.id,
      { type: 'submitCounterpart', payload: { rating: 4, body: 'Paid fast' } },
      { actor: seller },
    )
    expect(both.state).toBe('published')
    expect((await engine.get(r.id, { viewer: seller })).context.review).toMatchObject({ rating: 5 })
    expect(types()).toEqual(expect.arrayContaining(['review.counterpartPublished', 'review.published']))
  })

  it('publishes the one double-blind review that came in when the window ends', async () => {
    const { engine, clock } = testEngine([review({ moderate: approveAll, doubleBlind: true })])
    const r = await engine.open('review', request, { actor: operator })
    await engine.send(r.id, { type: 'submit', payload: rating(3) }, { actor: buyer })
    clock.advance('P30D')
    await engine.runDueDeadlines()
    expect((await engine.get(r.id, { viewer: seller })).state).toBe('published')
  })
})
