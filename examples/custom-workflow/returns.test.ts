import { createEngine, manualClock, memoryStore } from '@parley/core'
import { checkWorkflow, checkWorkflowGraph } from '@parley/core/testing'
import { describe, expect, it } from 'vitest'
import { returns } from './returns'
import { returnsInvariants } from './returns-invariants'

const buyer = { role: 'buyer', id: 'b1' } as const
const seller = { role: 'seller', id: 's1' } as const
const operator = { role: 'operator', id: 'op1' } as const
const order = {
  parties: { buyer: 'b1', seller: 's1' },
  orderId: 'o-1001',
  orderTotal: 80,
  reason: 'damaged',
  items: [{ sku: 'MUG-RED', quantity: 2 }],
} as const

describe('returns workflow', () => {
  it('refunds the buyer after the seller receives the parcel', async () => {
    const engine = createEngine({ workflows: [returns()], store: memoryStore(), clock: manualClock() })
    const refunds: unknown[] = []
    engine.on('refund.requested', (e) => refunds.push(e.payload))
    const c = await engine.open('returns', order, { actor: buyer })
    await engine.send(c.id, { type: 'approve' }, { actor: seller })
    await engine.send(
      c.id,
      { type: 'ship', payload: { carrier: 'Colissimo', trackingNumber: '6A123' } },
      { actor: buyer },
    )
    await engine.send(c.id, { type: 'receive', payload: { condition: 'damaged' } }, { actor: seller })
    const done = await engine.send(c.id, { type: 'refund', payload: { amount: 80 } }, { actor: seller })
    expect(done.state).toBe('refunded')
    expect(refunds).toEqual([{ orderId: 'o-1001', amount: 80 }])
  })

  it('escalates to the operator when the seller does not answer within three days', async () => {
    const clock = manualClock()
    const engine = createEngine({ workflows: [returns()], store: memoryStore(), clock })
    const c = await engine.open('returns', order, { actor: buyer })
    clock.advance('P3D')
    expect(await engine.runDueDeadlines()).toBe(1)
    const escalated = await engine.get(c.id, { viewer: operator })
    expect(escalated.state).toBe('escalated')
    const decided = await engine.send(
      c.id,
      { type: 'decide', payload: { outcome: 'refund' } },
      { actor: operator },
    )
    expect(decided.context.refundAmount).toBe(80)
  })

  // #region check
  it('has a sound graph with a deadline in every waiting state', () => {
    expect(checkWorkflowGraph(returns(), { expectDeadlines: () => true })).toEqual([])
  })

  it('keeps its invariants and the engine’s across generated scenarios', async () => {
    const report = await checkWorkflow(returns(), { invariants: returnsInvariants, numRuns: 150 })
    // The scenarios reach every state, so the invariants were checked everywhere.
    expect(report.statesVisited).toEqual(
      expect.arrayContaining([
        'requested',
        'refused',
        'awaitingShipment',
        'inTransit',
        'inspecting',
        'escalated',
        'refunded',
        'closed',
        'cancelled',
      ]),
    )
  })
  // #endregion check
})
