// The samples of README.md and docs/getting-started.md. Type-checked, and run by
// docs/examples/getting-started.test.ts; the markdown copies them (pnpm docs:snippets).
// #region setup
import { createEngine, manualClock, memoryStore, ParleyError } from '@parley/core'
import { dispute } from '@parley/workflows'

const payments = { refunds: [] as Array<{ orderId: string; amount: number }> } // your payment service
const clock = manualClock(new Date('2026-12-01T09:00:00Z')) // or omit: the system clock
// #endregion setup

/** Plays the getting-started story; returns what it observed so the test can check it. */
export async function gettingStarted() {
  // #region readme
  const engine = createEngine({ workflows: [dispute()], store: memoryStore(), clock })
  engine.on('refund.requested', (e) =>
    payments.refunds.push({ orderId: e.payload.orderId, amount: e.payload.amount }),
  )

  const buyer = { role: 'buyer', id: 'b1' } as const
  const seller = { role: 'seller', id: 's9' } as const
  const c = await engine.open(
    'dispute',
    {
      parties: { buyer: 'b1', seller: 's9' },
      orderId: 'o-42',
      orderTotal: 8000, // minor units (cents)
      currency: 'EUR',
      reason: 'notReceived',
      remedy: 'fullRefund',
      description: 'The parcel never came.',
    },
    { actor: buyer },
  )
  await engine.send(c.id, { type: 'accept', payload: {} }, { actor: seller, expectedVersion: c.version })

  const view = await engine.get(c.id, { viewer: buyer }) // messages filtered by audience
  const stop = engine.startScheduler({ intervalMs: 5_000 }) // fires durable deadlines
  // #endregion readme
  await stop()

  // #region errors
  try {
    await engine.send(c.id, { type: 'accept', payload: {} }, { actor: seller })
  } catch (e) {
    if (ParleyError.is(e, 'EVENT_NOT_ALLOWED')) console.log(`refused: ${e.message}`)
    else throw e
  }
  // #endregion errors

  // #region deadlines
  const late = await engine.open(
    'dispute',
    {
      parties: { buyer: 'b1', seller: 's9' },
      orderId: 'o-43',
      orderTotal: 2500,
      currency: 'EUR',
      reason: 'damaged',
      remedy: 'fullRefund',
      description: 'Broken lid.',
    },
    { actor: buyer },
  )
  clock.advance('P3D') // the seller's response window (policy: sellerResponseWindow)
  await engine.runDueDeadlines() // what startScheduler does every intervalMs
  const escalated = await engine.get(late.id, { viewer: { role: 'operator', id: 'olga' } })
  // escalated.state === 'escalated'
  // #endregion deadlines

  return { state: view.state, refunds: payments.refunds, escalated: escalated.state }
}
