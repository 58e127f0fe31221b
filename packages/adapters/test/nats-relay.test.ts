import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { natsRelay } from '@parley/adapters/nats'
import { createEngine, type DomainEvent, manualClock, memoryStore, type Store } from '@parley/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'
import {
  connectShared,
  deleteStream,
  fillOutbox,
  NATS_URL,
  readStream,
  seqsByCase,
  uniqueNames,
  waitFor,
} from './nats/helpers'

let nc: NatsConnection
const streams: string[] = []

/** A fresh stream name and prefix, deleted after the file. */
function names(label: string) {
  const n = uniqueNames(label)
  streams.push(n.stream)
  return n
}

function expectInCaseOrder(seen: readonly DomainEvent[], expected: Map<string, DomainEvent[]>) {
  const byCase = seqsByCase(seen)
  for (const [caseId, events] of expected) expect(byCase.get(caseId)).toEqual(events.map((e) => e.seq))
}

beforeAll(async () => {
  nc = await connectShared()
})

afterAll(async () => {
  for (const stream of streams) await deleteStream(nc, stream)
  await nc.close()
})

describe('natsRelay', () => {
  it('publishes engine events to prefix.type with the row id as Nats-Msg-Id and empties the outbox', async () => {
    const { stream, prefix } = names('story')
    const clock = manualClock()
    const store = memoryStore()
    const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
    const c = await engine.open(
      'claim',
      { parties: { buyer: 'b1', seller: 's1' }, amount: 40 },
      { actor: { role: 'buyer', id: 'b1' } },
    )
    await engine.send(c.id, { type: 'accept', payload: {} }, { actor: { role: 'seller', id: 's1' } })

    const relay = natsRelay({ store, connection: nc, stream, subjectPrefix: prefix, clock })
    const round = await relay.runOnce()
    expect(round).toMatchObject({ claimed: 2, published: 2, duplicates: 0, failed: 0 })

    const { events, msgIds } = await readStream(nc, stream)
    expect(events.map((e) => e.type)).toEqual(['claim.opened', 'refund.requested'])
    expect(events[1]).toMatchObject({ caseId: c.id, workflow: 'claim', seq: 2, payload: { amount: 40 } })
    expect(msgIds).toEqual(events.map((e) => e.id))
    expect(events[0]).not.toHaveProperty('position')

    const jsm = await jetstreamManager(nc)
    const subjects = await jsm.streams.info(stream, { subjects_filter: '>' })
    expect(Object.keys(subjects.state.subjects ?? {}).sort()).toEqual([
      `${prefix}.claim.opened`,
      `${prefix}.refund.requested`,
    ])
    // Leases long past: an acknowledged row is never handed out again.
    clock.advance('1h')
    expect(await store.claimOutbox(clock.now(), 10, 1000)).toEqual([])
    await relay.stop()
  })

  it('keeps per-case order across many batches and cases', async () => {
    const { stream, prefix } = names('order')
    const store = memoryStore()
    const expected = await fillOutbox(store, 12, 8)
    const relay = natsRelay({ store, connection: nc, stream, subjectPrefix: prefix, batchSize: 7 })
    let total = 0
    for (let round = await relay.runOnce(); round.claimed > 0; round = await relay.runOnce())
      total += round.published
    expect(total).toBe(96)
    const { events } = await readStream(nc, stream)
    expect(events).toHaveLength(96)
    expectInCaseOrder(events, expected)
    await relay.stop()
  })

  it('a relay restarted in the middle of a batch loses nothing and duplicates nothing a consumer sees', async () => {
    const { stream, prefix } = names('restart')
    const clock = manualClock()
    const store = memoryStore()
    const expected = await fillOutbox(store, 10, 6)

    // Relay 1 dies after JetStream received 25 of its 60 events: its connection drops and its
    // process never gets to acknowledge anything in the outbox.
    let dead = false
    const never = new Promise<never>(() => {})
    const dying: Store = {
      ...store,
      claimOutbox: (...args) => (dead ? never : store.claimOutbox(...args)),
      ackOutbox: (ids) => (dead ? never : store.ackOutbox(ids)),
    }
    const { connect } = await import('@nats-io/transport-node')
    const nc1 = await connect({ servers: NATS_URL })
    const relay1 = natsRelay({
      store: dying,
      connection: nc1,
      stream,
      subjectPrefix: prefix,
      batchSize: 60,
      leaseMs: 30_000,
      clock,
      publishTimeoutMs: 1_000,
    })
    let seen = 0
    const closing: Promise<void>[] = []
    nc.subscribe(`${prefix}.>`, {
      callback: () => {
        if (++seen !== 25) return
        dead = true
        closing.push(nc1.close())
      },
    })
    await nc.flush()
    const round1 = relay1.runOnce().catch(() => undefined)
    await waitFor(() => closing.length > 0, 10_000, '25 publishes')
    await closing[0]
    void round1

    const partial = await readStream(nc, stream)
    expect(partial.events.length).toBeGreaterThanOrEqual(25)
    expect(partial.events.length).toBeLessThan(60)

    // Relay 2 takes over once relay 1's leases expire and publishes the whole outbox again.
    clock.advance(30_001)
    const relay2 = natsRelay({ store, connection: nc, stream, subjectPrefix: prefix, batchSize: 60, clock })
    const round2 = await relay2.runOnce()
    expect(round2.claimed).toBe(60)
    expect(round2.published).toBe(60)
    expect(round2.duplicates).toBe(partial.events.length)

    const { events, msgIds } = await readStream(nc, stream)
    expect(events).toHaveLength(60)
    expect(new Set(msgIds).size).toBe(60)
    expectInCaseOrder(events, expected)
    expect((await relay2.runOnce()).claimed).toBe(0)
    await relay2.stop()
  })

  it('stops a case at its failed row and leaves that row and the later ones in the outbox', async () => {
    const { stream, prefix } = names('fail')
    const jsm = await jetstreamManager(nc)
    // A stream that refuses messages over 512 bytes: the publish of a big row fails.
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], max_msg_size: 512 })
    const clock = manualClock()
    const store = memoryStore()
    const ev = (caseId: string, seq: number, payload: unknown): DomainEvent => ({
      id: `${caseId}-${seq}`,
      type: 'claim.updated',
      caseId,
      workflow: 'claim',
      seq,
      at: 1,
      payload,
    })
    await store.transaction((tx) =>
      tx.enqueue([
        ev('a', 1, {}),
        ev('b', 1, {}),
        ev('a', 2, { big: 'x'.repeat(1000) }),
        ev('b', 2, {}),
        ev('a', 3, {}),
      ]),
    )
    const relay = natsRelay({ store, connection: nc, stream, subjectPrefix: prefix, clock, leaseMs: 1_000 })
    const round = await relay.runOnce()
    expect(round).toMatchObject({ claimed: 5, published: 3, failed: 2 })
    expect(round.error).toBeDefined()
    expect((await readStream(nc, stream)).msgIds).toEqual(['a-1', 'b-1', 'b-2'])

    // The failed row and the row behind it come back, in order, once the lease expires.
    expect((await relay.runOnce()).claimed).toBe(0)
    clock.advance(1_001)
    const again = await store.claimOutbox(clock.now(), 10, 1_000)
    expect(again.map((r) => r.id)).toEqual(['a-2', 'a-3'])
    await relay.stop()
  })

  it('counts a re-published row as a duplicate that JetStream drops', async () => {
    const { stream, prefix } = names('dup')
    const store = memoryStore()
    await fillOutbox(store, 3, 2)
    const rows = await store.claimOutbox(0, 10, 1)
    // A store that hands out the same rows twice, as a relay that lost its acks would see.
    const replaying: Store = { ...store, claimOutbox: async () => rows, ackOutbox: async () => {} }
    const relay = natsRelay({ store: replaying, connection: nc, stream, subjectPrefix: prefix, leaseMs: 1 })
    expect(await relay.runOnce()).toMatchObject({ published: 6, duplicates: 0 })
    expect(await relay.runOnce()).toMatchObject({ published: 6, duplicates: 6 })
    expect((await readStream(nc, stream)).events).toHaveLength(6)
  })

  it('runs in the background with start() until stop()', async () => {
    const { stream, prefix } = names('loop')
    const store = memoryStore()
    const relay = natsRelay({ store, servers: NATS_URL, stream, subjectPrefix: prefix, pollIntervalMs: 10 })
    relay.start()
    await fillOutbox(store, 5, 3)
    await waitFor(async () => {
      const jsm = await jetstreamManager(nc)
      return (await jsm.streams.info(stream).catch(() => null))?.state.messages === 15
    })
    await relay.stop()
    await fillOutbox(store, 1, 1)
    expect(await store.claimOutbox(Date.now(), 10, 1000)).toHaveLength(1)
  })

  it('adds its subjects to an existing stream that lacks them, keeping the others', async () => {
    const { stream, prefix } = names('extend')
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({ name: stream, subjects: [`${prefix}-other.>`] })
    const store = memoryStore()
    await fillOutbox(store, 1, 1)
    const relay = natsRelay({ store, connection: nc, stream, subjectPrefix: prefix })
    expect(await relay.runOnce()).toMatchObject({ published: 1 })
    expect((await jsm.streams.info(stream)).config.subjects).toEqual([`${prefix}-other.>`, `${prefix}.>`])
  })

  it('refuses a missing stream when ensureStream is false, naming the fix', async () => {
    const { stream, prefix } = names('missing')
    const relay = natsRelay({
      store: memoryStore(),
      connection: nc,
      stream,
      subjectPrefix: prefix,
      ensureStream: false,
    })
    await expect(relay.runOnce()).rejects.toThrow(/does not exist.*ensureStream/)
  })

  it('refuses a closed connection it was given, and a relay with no connection at all', async () => {
    const { connect } = await import('@nats-io/transport-node')
    const closed = await connect({ servers: NATS_URL })
    await closed.close()
    const store = memoryStore()
    await fillOutbox(store, 1, 1)
    const relay = natsRelay({ store, connection: closed })
    await expect(relay.runOnce()).rejects.toThrow(/closed: pass an open one/)
    expect(await store.claimOutbox(Date.now(), 10, 1_000)).toHaveLength(1)
    expect(() => natsRelay({ store, servers: [] })).toThrow(/needs a `connection` or `servers`/)
  })

  it('refuses a lease that outlives the duplicate window', () => {
    expect(() => natsRelay({ store: memoryStore(), connection: nc, leaseMs: 200_000 })).toThrow(
      /duplicateWindowMs/,
    )
  })
})
