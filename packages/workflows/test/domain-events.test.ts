import { createEngine } from '@parley/core'
import { describe, expect, it } from 'vitest'
import { dispute, listingModeration, review, ticket } from '../src/index'
import { buyer, seller } from './helpers'

describe('domain event typing', () => {
  it('types engine.on handlers with the payloads the workflows emit', async () => {
    const engine = createEngine({ workflows: [dispute(), ticket(), listingModeration(), review()] })
    const seen: string[] = []
    engine.on('refund.requested', (e) =>
      seen.push(`${e.payload.orderId}:${e.payload.amount}${e.payload.currency}`),
    )
    engine.on('dispute.opened', (e) => seen.push(e.payload.reason))
    const c = await engine.open(
      'dispute',
      {
        parties: { buyer: 'b1', seller: 's1' },
        orderId: 'o1',
        orderTotal: 1200,
        currency: 'EUR',
        reason: 'notReceived',
        remedy: 'fullRefund',
        description: 'Nothing came',
      },
      { actor: buyer },
    )
    await engine.send(c.id, { type: 'accept', payload: {} }, { actor: seller })
    expect(seen).toEqual(['notReceived', 'o1:1200EUR'])
  })
})
