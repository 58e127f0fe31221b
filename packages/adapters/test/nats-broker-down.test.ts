import { connect, type NatsConnection } from '@nats-io/transport-node'
import { natsRelay } from '@parley/adapters/nats'
import { manualClock, memoryStore } from '@parley/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  fillOutbox,
  type PrivateNats,
  privateNats,
  readStream,
  seqsByCase,
  uniqueNames,
} from './nats/helpers'

// A broker this file starts and stops itself, on a free loopback port: the shared server on
// 4222 is never disturbed.
let broker: PrivateNats

beforeAll(async () => {
  broker = await privateNats()
})

afterAll(async () => {
  await broker.dispose()
})

describe('natsRelay with the broker down', () => {
  it('leaves rows in the outbox while nothing listens and sends them once the broker is up', async () => {
    const { stream, prefix } = uniqueNames('down')
    const clock = manualClock()
    const store = memoryStore()
    const expected = await fillOutbox(store, 4, 3)
    const relay = natsRelay({ store, servers: broker.url, stream, subjectPrefix: prefix, clock })

    // Connection refused: the round fails before it claims anything.
    await expect(relay.runOnce()).rejects.toThrow()
    await expect(relay.runOnce()).rejects.toThrow()

    await broker.start()
    const round = await relay.runOnce()
    expect(round).toMatchObject({ claimed: 12, published: 12, failed: 0 })
    await relay.stop()

    const nc = await connect({ servers: broker.url })
    const { events } = await readStream(nc, stream)
    expect(events).toHaveLength(12)
    for (const [caseId, list] of expected)
      expect(seqsByCase(events).get(caseId)).toEqual(list.map((e) => e.seq))
    await nc.close()
    expect(await store.claimOutbox(clock.now() + 3_600_000, 100, 1)).toEqual([])
  })

  it('keeps rows that failed while the broker was down and publishes each once after it restarts', async () => {
    const { stream, prefix } = uniqueNames('bounce')
    await broker.start()
    const clock = manualClock()
    const store = memoryStore()
    let nc: NatsConnection | null = await connect({
      servers: broker.url,
      reconnectTimeWait: 50,
      maxReconnectAttempts: -1,
    })
    const relay = natsRelay({
      store,
      connection: nc,
      stream,
      subjectPrefix: prefix,
      clock,
      leaseMs: 5_000,
      publishTimeoutMs: 300,
    })
    const first = await fillOutbox(store, 3, 2)
    expect(await relay.runOnce()).toMatchObject({ published: 6, failed: 0 })

    await broker.stop()
    const second = await fillOutbox(store, 3, 2)
    const failed = await relay.runOnce()
    expect(failed).toMatchObject({ claimed: 6, published: 0, failed: 6 })
    expect(failed.error).toBeDefined()

    await broker.start()
    let published = 0
    const until = Date.now() + 15_000
    while (published < 6 && Date.now() < until) {
      clock.advance(5_001)
      const round = await relay.runOnce().catch(() => null)
      published += round?.published ?? 0
    }
    expect(published).toBe(6)
    expect((await relay.runOnce()).claimed).toBe(0)
    await relay.stop()

    const { events, msgIds } = await readStream(nc, stream)
    // A publish buffered by the client during the outage may have reached the stream on
    // reconnect; its re-publish then carried the same Nats-Msg-Id and was dropped.
    expect(events).toHaveLength(12)
    expect(new Set(msgIds).size).toBe(12)
    const seen = seqsByCase(events)
    for (const [caseId, list] of [...first, ...second])
      expect(seen.get(caseId)).toEqual(list.map((e) => e.seq))
    await nc.close()
    nc = null
  })
})
