import { randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { natsRelay } from '@parley/adapters/nats'
import { type PostgresStore, postgresStore } from '@parley/adapters/postgres'
import type { Store } from '@parley/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

// Two relays, each with its own pool and NATS connection as two processes would have, on one
// Postgres outbox in a schema of its own.
const PG = { host: '127.0.0.1', user: 'postgres', database: 'test' }
const schema = `parley_nats_${randomBytes(5).toString('hex')}`
let nc: NatsConnection
const stores: PostgresStore[] = []
const streams: string[] = []

function store(): PostgresStore {
  const s = postgresStore({ connection: { ...PG, max: 4 }, schema })
  stores.push(s)
  return s
}

beforeAll(async () => {
  nc = await connectShared()
})

afterAll(async () => {
  await stores[0]?.dropSchema()
  for (const s of stores) await s.close()
  for (const stream of streams) await deleteStream(nc, stream)
  await nc.close()
})

describe('natsRelay on one Postgres outbox', () => {
  it('two relays running together publish every row once, each case in order', async () => {
    const names = uniqueNames('pg2')
    streams.push(names.stream)
    const [a, b] = [store(), store()]
    const expected = await fillOutbox(a, 25, 6)
    const connections = [await connect({ servers: NATS_URL }), await connect({ servers: NATS_URL })]
    // Count the rows each relay acknowledged, to show both took part.
    const acked = [0, 0]
    const counting = (s: Store, i: number): Store => ({
      ...s,
      claimOutbox: s.claimOutbox,
      ackOutbox: async (ids) => {
        acked[i] = (acked[i] ?? 0) + ids.length
        await s.ackOutbox(ids)
      },
    })
    const relays = [a, b].map((s, i) =>
      natsRelay({
        store: counting(s, i),
        connection: connections[i] as NatsConnection,
        stream: names.stream,
        subjectPrefix: names.prefix,
        batchSize: 8,
        pollIntervalMs: 5,
        onError: (e) => {
          throw e
        },
      }),
    )
    for (const r of relays) r.start()
    const jsm = await jetstreamManager(nc)
    await waitFor(
      async () => (await jsm.streams.info(names.stream).catch(() => null))?.state.messages === 150,
      20_000,
      '150 events',
    )
    await Promise.all(relays.map((r) => r.stop()))
    for (const c of connections) await c.close()

    expect(acked[0]).toBeGreaterThan(0)
    expect(acked[1]).toBeGreaterThan(0)
    expect((acked[0] ?? 0) + (acked[1] ?? 0)).toBe(150)
    const { events, msgIds } = await readStream(nc, names.stream)
    expect(events).toHaveLength(150)
    expect(new Set(msgIds).size).toBe(150)
    const seen = seqsByCase(events)
    for (const [caseId, list] of expected) expect(seen.get(caseId)).toEqual(list.map((e) => e.seq))
    expect(await a.claimOutbox(Date.now() + 3_600_000, 10, 1)).toEqual([])
  })

  it('a second relay takes over the leases of a dead one without a consumer seeing a row twice', async () => {
    const names = uniqueNames('pgdead')
    streams.push(names.stream)
    const [a, b] = [store(), store()]
    await fillOutbox(a, 10, 4)
    // Relay 1 publishes its batch, then dies before it acknowledges anything.
    const dying: Store = { ...a, claimOutbox: a.claimOutbox, ackOutbox: () => new Promise<never>(() => {}) }
    const relay1 = natsRelay({
      store: dying,
      connection: nc,
      stream: names.stream,
      subjectPrefix: names.prefix,
      batchSize: 25,
      leaseMs: 400,
    })
    void relay1.runOnce()
    const jsm = await jetstreamManager(nc)
    await waitFor(async () => (await jsm.streams.info(names.stream).catch(() => null))?.state.messages === 25)

    const relay2 = natsRelay({
      store: b,
      connection: nc,
      stream: names.stream,
      subjectPrefix: names.prefix,
      batchSize: 100,
      leaseMs: 400,
    })
    // The 15 rows relay 1 did not claim wait behind its leased rows of the same cases; once
    // its leases expire, relay 2 gets all 40 and JetStream drops the 25 re-published ones.
    await new Promise((r) => setTimeout(r, 450))
    let published = 0
    let duplicates = 0
    for (let round = await relay2.runOnce(); round.claimed > 0; round = await relay2.runOnce()) {
      published += round.published
      duplicates += round.duplicates
    }
    expect(published).toBe(40)
    expect(duplicates).toBe(25)
    const { msgIds } = await readStream(nc, names.stream)
    expect(msgIds).toHaveLength(40)
    expect(new Set(msgIds).size).toBe(40)
  })
})
