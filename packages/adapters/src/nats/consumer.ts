import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type DomainEvent, type DomainEventMap, fromZodIssues, ParleyError } from '@parley/core'
import { domainEventSchema } from './domain-event-schema'
import { DEFAULT_PREFIX, DEFAULT_STREAM } from './stream'

/**
 * A domain event as a consumer receives it. When workflow packages augment `DomainEventMap`
 * (the typing of `engine.on`), a union discriminated by `type`; a plain `DomainEvent` otherwise.
 */
export type ReceivedDomainEvent = [keyof DomainEventMap] extends [never]
  ? DomainEvent
  : {
      [K in keyof DomainEventMap]: DomainEvent<DomainEventMap[K]> & { readonly type: K }
    }[keyof DomainEventMap]

/** Delivery details handed to a handler beside the event. */
export interface DeliveryContext {
  /** The JetStream subject (`parley.dispute.escalated`). */
  subject: string
  /** 1 on the first delivery, then 2, 3, ... */
  deliveryCount: number
  /** The message's sequence in the stream. */
  streamSequence: number
}

/** Options of {@link consumeDomainEvents}. */
export interface ConsumeDomainEventsOptions {
  /** An open connection; the consumer never closes it. */
  connection: NatsConnection
  /** The stream the relay publishes to; @default 'PARLEY' */
  stream?: string
  /** Durable consumer name: consumers with the same name share the work and its position. */
  durable: string
  /** Which subjects to receive; @default `${subjectPrefix}.>` */
  filterSubject?: string
  /** The relay's prefix, for the default `filterSubject`; @default 'parley' */
  subjectPrefix?: string
  /**
   * Handles one event. Resolving acknowledges it; throwing redelivers it after `retryDelayMs`,
   * until `maxDeliver` attempts, then it goes to `deadLetterSubject`.
   */
  handler: (event: ReceivedDomainEvent, delivery: DeliveryContext) => unknown
  /** Deliveries before a failing event is dead-lettered; @default 5 */
  maxDeliver?: number
  /**
   * Subject that receives dead letters: the original bytes, with headers `Parley-Reason`,
   * `Parley-Subject`, `Parley-Stream-Seq`, `Parley-Deliveries` and the event's `Nats-Msg-Id`.
   * When a stream captures it (checked at start), dead letters are published to JetStream and
   * the original is dropped only after the PubAck; otherwise they are plain NATS messages.
   * @default `${subjectPrefix}-dlq.${durable}`
   */
  deadLetterSubject?: string
  /** Delay before a failed event is redelivered; a number or a function of the attempt; @default 1_000 */
  retryDelayMs?: number | ((deliveryCount: number) => number)
  /** How long JetStream waits for an ack before redelivering (a crashed handler); @default 30_000 */
  ackWaitMs?: number
  /**
   * Unacknowledged events in flight. `1` keeps per-case order even across redeliveries, at
   * the cost of throughput; larger values let a failed event be overtaken. @default 1
   */
  maxAckPending?: number
  /** Called with errors a handler threw, and other consumer faults; @default console.error */
  onError?: (error: unknown, event?: DomainEvent) => void
}

/** A running consumer. */
export interface DomainEventConsumer {
  /** Stops receiving, lets the handler in flight finish, and leaves the durable in place. */
  stop(): Promise<void>
  /** Resolves when the consumer stops (by `stop()` or because the stream or consumer was deleted). */
  readonly closed: Promise<void>
}

/**
 * Subscribes a durable JetStream consumer to the domain events a relay publishes, and calls
 * `handler` with each one, checked against the domain event schema, one at a time.
 *
 * Acknowledgement is explicit: an event is acked when the handler resolves, redelivered with a
 * delay when it throws, and after `maxDeliver` deliveries published to `deadLetterSubject`
 * and terminated. A message that is not a domain event is dead-lettered at once. Delivery is
 * at-least-once: use `event.id` to make handlers idempotent.
 * @example
 * const consumer = await consumeDomainEvents({
 *   connection: nc, durable: 'payments', filterSubject: 'parley.refund.requested',
 *   handler: async (event) => payments.refund(event.caseId, event.payload),
 * })
 */
export async function consumeDomainEvents(options: ConsumeDomainEventsOptions): Promise<DomainEventConsumer> {
  const {
    connection,
    stream = DEFAULT_STREAM,
    durable,
    subjectPrefix = DEFAULT_PREFIX,
    filterSubject = `${subjectPrefix}.>`,
    handler,
    maxDeliver = 5,
    deadLetterSubject = `${subjectPrefix}-dlq.${durable}`,
    retryDelayMs = 1_000,
    ackWaitMs = 30_000,
    maxAckPending = 1,
    onError = (error: unknown) => console.error('[parley] domain event consumer:', error),
  } = options
  if (!Number.isInteger(maxDeliver) || maxDeliver < 1)
    throw new ParleyError('VALIDATION', `maxDeliver must be a positive integer, got ${maxDeliver}.`)

  const { AckPolicy, jetstream, jetstreamManager } = await import('@nats-io/jetstream')
  const { headers } = await import('@nats-io/transport-node')
  const jsm = await jetstreamManager(connection)
  const config = {
    ack_policy: AckPolicy.Explicit,
    filter_subject: filterSubject,
    ack_wait: ackWaitMs * 1_000_000,
    max_ack_pending: maxAckPending,
    // Unlimited on the server: this helper counts deliveries and dead-letters itself, so an
    // event is never silently dropped by the server's own limit.
    max_deliver: -1,
  }
  try {
    await jsm.consumers.update(stream, durable, config)
  } catch {
    await jsm.consumers.add(stream, { ...config, durable_name: durable })
  }
  const js = jetstream(connection)
  const consumer = await js.consumers.get(stream, durable)
  // A stream that captures the dead-letter subject makes dead letters durable (and deduplicated
  // by the event's id); without one they are plain NATS messages for whoever listens.
  const deadLetterStream = await jsm.streams.find(deadLetterSubject).catch(() => null)
  const messages: ConsumerMessages = await consumer.consume({ max_messages: Math.max(maxAckPending, 1) * 2 })

  const delayOf = (n: number) => (typeof retryDelayMs === 'function' ? retryDelayMs(n) : retryDelayMs)

  async function deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const h = headers()
    h.set('Parley-Reason', reason.slice(0, 1000).replace(/[\r\n]+/g, ' '))
    h.set('Parley-Subject', msg.subject)
    h.set('Parley-Stream-Seq', String(msg.seq))
    h.set('Parley-Deliveries', String(msg.info.deliveryCount))
    const id = msg.headers?.get('Nats-Msg-Id') || `${stream}:${msg.seq}`
    // The dead letter must be out (stored, with a stream) before the original is dropped.
    if (deadLetterStream) await js.publish(deadLetterSubject, msg.data, { headers: h, msgID: id })
    else {
      h.set('Nats-Msg-Id', id)
      connection.publish(deadLetterSubject, msg.data, { headers: h })
      await connection.flush()
    }
    // No reason argument: servers before 2.10 do not understand `+TERM <reason>` and would
    // leave the message pending; the reason travels in the dead letter's headers.
    msg.term()
  }

  async function handle(msg: JsMsg): Promise<void> {
    let raw: unknown
    try {
      raw = msg.json()
    } catch {
      return deadLetter(msg, 'not JSON')
    }
    const parsed = domainEventSchema.safeParse(raw)
    if (!parsed.success) {
      const error = new ParleyError('VALIDATION', `${msg.subject} #${msg.seq} is not a domain event.`, {
        issues: fromZodIssues(parsed.error.issues),
      })
      onError(error)
      return deadLetter(msg, error.message)
    }
    const event = parsed.data as ReceivedDomainEvent
    const deliveryCount = msg.info.deliveryCount
    try {
      await handler(event, { subject: msg.subject, deliveryCount, streamSequence: msg.seq })
    } catch (error) {
      onError(error, event)
      if (deliveryCount >= maxDeliver) {
        const reason = error instanceof Error ? error.message : String(error)
        return deadLetter(msg, `handler failed on delivery ${deliveryCount} of ${maxDeliver}: ${reason}`)
      }
      msg.nak(delayOf(deliveryCount))
      return
    }
    msg.ack()
  }

  const closed = (async () => {
    for await (const msg of messages) {
      try {
        await handle(msg)
      } catch (error) {
        // Dead-lettering itself failed (NATS down): leave the message to JetStream's redelivery.
        onError(error)
        msg.nak(delayOf(msg.info.deliveryCount))
      }
    }
  })()

  return {
    closed,
    async stop() {
      await messages.close()
      await closed
    },
  }
}
