import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  computeReviewAggregates,
  createReviewAggregates,
  type Moderate,
  type ReviewDomainEventLike,
  review,
} from '../src/index'
import { buyer, operator, seller, testEngine } from './helpers'

const approveAll: Moderate = () => ({ decision: 'approve', reasons: [] })

describe('review aggregates', () => {
  it('counts published reviews only, per seller and listing, from the engine events', async () => {
    const { engine } = testEngine([review({ moderate: approveAll })])
    const stats = createReviewAggregates({ prior: { mean: 3, weight: 2 } })
    engine.on('*', (e) => stats.apply(e))
    const open = () =>
      engine.open(
        'review',
        { parties: { buyer: 'b1', seller: 's1' }, orderId: 'o', listingId: 'l1' },
        { actor: operator },
      )
    const a = await open()
    await engine.send(a.id, { type: 'submit', payload: { rating: 5, body: 'Great' } }, { actor: buyer })
    await engine.send(a.id, { type: 'reply', payload: { body: 'Thanks' } }, { actor: seller })
    const b = await open()
    await engine.send(b.id, { type: 'submit', payload: { rating: 1, body: 'Bad' } }, { actor: buyer })
    await engine.send(
      b.id,
      { type: 'contest', payload: { reason: 'harmfulOrIllegal', note: 'Slurs' } },
      { actor: seller },
    )
    await open() // requested, never submitted: not counted
    let s1 = stats.seller('s1')
    expect(s1).toMatchObject({ count: 1, mean: 5, replyRate: 1, bayesianMean: (2 * 3 + 5) / 3 })
    expect(s1.contests).toEqual({ filed: 1, upheld: 0, removed: 0, againstLowRatings: 1, lowRatingShare: 1 })
    await engine.send(
      b.id,
      { type: 'remove', payload: { reasonCode: 'abuse', message: 'Slurs' } },
      { actor: operator },
    )
    s1 = stats.seller('s1')
    expect(s1.distribution).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 })
    expect(s1.contests.removed).toBe(1)
    expect(stats.listing('l1').count).toBe(1)
  })

  it('gives the same result recomputed from scratch as maintained incrementally', () => {
    const review = fc.record({
      id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'),
      kind: fc.constantFrom(
        'review.published',
        'review.contested',
        'review.upheld',
        'review.removed',
        'review.edited',
        'review.replied',
        'review.requested',
      ),
      rating: fc.integer({ min: 1, max: 5 }),
      hidden: fc.boolean(),
      contested: fc.boolean(),
    })
    // Each review belongs to one seller and listing, as in the workflow.
    const subject: Record<string, { sellerId: string; listingId: string | null }> = {
      r1: { sellerId: 's1', listingId: 'l1' },
      r2: { sellerId: 's1', listingId: null },
      r3: { sellerId: 's2', listingId: 'l2' },
      r4: { sellerId: 's2', listingId: 'l1' },
      r5: { sellerId: 's1', listingId: 'l2' },
    }
    fc.assert(
      fc.property(fc.array(review, { maxLength: 60 }), (steps) => {
        const events: ReviewDomainEventLike[] = steps.map((s) => ({
          type: s.kind,
          caseId: s.id,
          payload: { ...subject[s.id], rating: s.rating, hidden: s.hidden, contested: s.contested },
        }))
        const live = createReviewAggregates()
        for (const e of events) live.apply(e)
        const rebuilt = computeReviewAggregates(events)
        expect(live.keys()).toEqual(rebuilt.keys())
        for (const id of ['s1', 's2', 's3']) expect(live.seller(id)).toEqual(rebuilt.seller(id))
        for (const id of ['l1', 'l2']) expect(live.listing(id)).toEqual(rebuilt.listing(id))
        const s1 = live.seller('s1')
        const counted = Object.values(s1.distribution).reduce((a, b) => a + b, 0)
        expect(counted).toBe(s1.count)
      }),
      { numRuns: 300 },
    )
  })
})
