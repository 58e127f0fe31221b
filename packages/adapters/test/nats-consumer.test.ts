import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { Msg, NatsConnection } from '@nats-io/transport-node'
import { consumeDomainEvents, type DeliveryContext, natsRelay } from '@parley/adapters/nats'
import { type DomainEvent, memoryStore } from '@parley/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectShared, deleteStream, fillOutbox, seqsByCase, uniqueNames, waitFor } from './nats/helpers'

let nc: NatsConnection
const streams: string[] = []

beforeAll(async () => {
  nc = await connectShared()
})

afterAll(async () => {
  for (const stream of streams) await deleteStream(nc, stream)
  await nc.close()
})

/** A stream filled by a relay from a memory outbox of `cases` × `perCase` events. */
async function relayed(label: string, cases: number, perCase: number) {
  const names = uniqueNames(label)
  streams.push(names.stream)
  const store = memoryStore()
  const expected = await fillOutbox(store, cases, perCase)
  const relay = natsRelay({ store, connection: nc, stream: names.stream, subjectPrefix: names.prefix })
  while ((await relay.runOnce()).claimed > 0) {}
  await relay.stop()
  return { ...names, expected }
}

/** Dead letters arriving on `subject`. */
function deadLetters(subject: string): Msg[] {
  const out: Msg[] = []
  nc.subscribe(subject, {
    callback: (_e, msg) => {
      out.push(msg)
    },
  })
  return out
}

describe('consumeDomainEvents', () => {
  it('hands each event to the handler once, schema-checked, in per-case order, and acks it', async () => {
    const { stream, prefix, expected } = await relayed('consume', 5, 4)
    const seen: DomainEvent[] = []
    const consumer = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'all',
      handler: (event) => {
        seen.push(event)
      },
    })
    await waitFor(() => seen.length >= 20)
    await consumer.stop()
    expect(seen).toHaveLength(20)
    const byCase = seqsByCase(seen)
    for (const [caseId, list] of expected) expect(byCase.get(caseId)).toEqual(list.map((e) => e.seq))

    // Everything was acked: the durable has nothing pending for the next process.
    const info = await (await jetstreamManager(nc)).consumers.info(stream, 'all')
    expect(info.num_pending + info.num_ack_pending + info.num_redelivered).toBe(0)
  })

  it('filters by subject and redelivers an event whose handler threw, with the delivery count', async () => {
    const { stream, prefix } = await relayed('retry', 2, 2)
    const calls: DeliveryContext[] = []
    const errors: unknown[] = []
    const consumer = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'opened',
      filterSubject: `${prefix}.claim.opened`,
      retryDelayMs: 20,
      onError: (e) => errors.push(e),
      handler: (event, delivery) => {
        expect(event.type).toBe('claim.opened')
        calls.push(delivery)
        if (delivery.deliveryCount === 1) throw new Error('payments API down')
      },
    })
    await waitFor(() => calls.filter((c) => c.deliveryCount === 2).length === 2)
    await consumer.stop()
    expect(calls.map((c) => c.deliveryCount).sort()).toEqual([1, 1, 2, 2])
    expect(calls[0]?.subject).toBe(`${prefix}.claim.opened`)
    expect(errors).toHaveLength(2)
  })

  it('keeps order through a retry: with maxAckPending 1 the next event waits for the failed one', async () => {
    const { stream, prefix } = await relayed('ordered', 1, 3)
    const seen: string[] = []
    const consumer = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'ordered',
      retryDelayMs: 50,
      onError: () => {},
      handler: (event, { deliveryCount }) => {
        seen.push(`${event.seq}#${deliveryCount}`)
        if (event.seq === 1 && deliveryCount === 1) throw new Error('flaky')
      },
    })
    await waitFor(() => seen.length === 4)
    await consumer.stop()
    expect(seen).toEqual(['1#1', '1#2', '2#1', '3#1'])
  })

  it('dead-letters an event after maxDeliver failed attempts and terminates it', async () => {
    const { stream, prefix } = await relayed('dlq', 1, 2)
    const dlq = deadLetters(`${prefix}-dlq.poisoned`)
    await nc.flush()
    const attempts: number[] = []
    const handled: number[] = []
    const consumer = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'poisoned',
      maxDeliver: 3,
      retryDelayMs: (n) => n * 10,
      onError: () => {},
      handler: (event) => {
        if (event.seq === 2) return void handled.push(event.seq)
        attempts.push(event.seq)
        throw new Error('cannot handle')
      },
    })
    await waitFor(() => dlq.length === 1 && handled.length === 1)
    // Give a wrong redelivery the chance to show up.
    await new Promise((r) => setTimeout(r, 150))
    await consumer.stop()
    expect(attempts).toEqual([1, 1, 1])
    const letter = dlq[0] as Msg
    expect(letter.json<DomainEvent>().seq).toBe(1)
    expect(letter.headers?.get('Parley-Reason')).toMatch(/failed on delivery 3 of 3: cannot handle/)
    expect(letter.headers?.get('Parley-Subject')).toBe(`${prefix}.claim.opened`)
    expect(letter.headers?.get('Parley-Deliveries')).toBe('3')
    const info = await (await jetstreamManager(nc)).consumers.info(stream, 'poisoned')
    expect(info.num_pending + info.num_ack_pending).toBe(0)
  })

  it('stores dead letters in JetStream when a stream captures the dead-letter subject', async () => {
    const { stream, prefix } = await relayed('dlqstream', 1, 1)
    const dlqStream = `${stream}_DLQ`
    streams.push(dlqStream)
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({ name: dlqStream, subjects: [`${prefix}-dlq.>`] })
    const consumer = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'kept',
      maxDeliver: 1,
      onError: () => {},
      handler: () => {
        throw new Error('always')
      },
    })
    await waitFor(async () => (await jsm.streams.info(dlqStream)).state.messages === 1)
    await consumer.stop()
    const letter = await jsm.streams.getMessage(dlqStream, { seq: 1 })
    expect(letter?.subject).toBe(`${prefix}-dlq.kept`)
    expect(letter?.json<DomainEvent>().seq).toBe(1)
    expect(letter?.header.get('Parley-Reason')).toMatch(/failed on delivery 1 of 1: always/)
  })

  it('dead-letters at once a message that is not a domain event, without calling the handler', async () => {
    const { stream, prefix } = await relayed('poison', 1, 1)
    const js = jetstream(nc)
    await js.publish(`${prefix}.claim.opened`, JSON.stringify({ id: 'x', type: 'claim.opened', seq: 'one' }))
    await js.publish(`${prefix}.claim.opened`, 'not json {')
    const dlq = deadLetters(`${prefix}-dlq.strict`)
    await nc.flush()
    const handled: DomainEvent[] = []
    const errors: unknown[] = []
    const consumer = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'strict',
      onError: (e) => errors.push(e),
      handler: (event) => void handled.push(event),
    })
    await waitFor(() => dlq.length === 2 && handled.length === 1)
    await consumer.stop()
    expect(handled[0]?.seq).toBe(1)
    expect(dlq.map((m) => m.headers?.get('Parley-Reason'))).toEqual([
      expect.stringMatching(/is not a domain event/),
      'not JSON',
    ])
    expect(errors[0]).toMatchObject({
      code: 'VALIDATION',
      issues: expect.arrayContaining([expect.anything()]),
    })
  })

  it('resumes a durable where the previous process stopped', async () => {
    const { stream, prefix } = await relayed('resume', 1, 6)
    const first: number[] = []
    const c1 = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'resume',
      handler: async (event) => {
        first.push(event.seq)
        if (first.length === 3) void c1.stop()
      },
    })
    await c1.closed
    const second: number[] = []
    const c2 = await consumeDomainEvents({
      connection: nc,
      stream,
      subjectPrefix: prefix,
      durable: 'resume',
      handler: (event) => void second.push(event.seq),
    })
    await waitFor(() => first.length + second.length >= 6)
    await c2.stop()
    expect([...first, ...second]).toEqual([1, 2, 3, 4, 5, 6])
  })
})
