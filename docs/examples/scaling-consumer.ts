// Sample of docs/scaling.md, type-checked. The consumer's behaviour is tested in
// packages/adapters/test/nats-consumer.test.ts against the real NATS server.
// #region imports
import type { NatsConnection } from '@nats-io/transport-node'
import { consumeDomainEvents } from '@parley/adapters/nats'

// #endregion imports

interface Payments {
  refund(caseId: string, payload: unknown, options: { idempotencyKey: string }): Promise<void>
}

/** A payments service consuming refunds. */
export async function startConsumer(nc: NatsConnection, payments: Payments) {
  // #region consumer
  const consumer = await consumeDomainEvents({
    connection: nc,
    durable: 'payments',
    filterSubject: 'parley.refund.requested',
    maxDeliver: 5, // then dead-lettered to parley-dlq.payments
    retryDelayMs: (n) => 1_000 * 2 ** n, // nak delay after a failed attempt
    handler: async (event) => payments.refund(event.caseId, event.payload, { idempotencyKey: event.id }),
  })
  // #endregion consumer
  return consumer
}
