import type { JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type Clock, type OutboxRow, ParleyError, type Store, systemClock } from '@parley/core'
import { encodeDomainEvent } from './domain-event-schema'
import {
  type ConnectionSource,
  DEFAULT_PREFIX,
  DEFAULT_STREAM,
  dial,
  ensureDomainStream,
  type StreamOptions,
  subjectOf,
} from './stream'

/** Options of {@link natsRelay}, besides where its connection comes from. */
export interface NatsRelayBaseOptions extends StreamOptions {
  /** The store whose outbox is relayed (memory, SQLite, Postgres: any `Store`). */
  store: Store
  /** Subjects are `${subjectPrefix}.${event.type}`; @default 'parley' */
  subjectPrefix?: string
  /** Outbox rows claimed per round; @default 100 */
  batchSize?: number
  /**
   * How long a claimed row is reserved for this relay. A row that was not acknowledged (publish
   * failed, relay died) goes out again after the lease: keep it well under `duplicateWindowMs`.
   * @default 30_000
   */
  leaseMs?: number
  /** Where leases read the time; @default the system clock */
  clock?: Clock
  /**
   * Batches `start()` keeps in flight: while one waits for PubAcks, the next is claimed and
   * published. The store's per-case lease keeps them case-ordered. @default 2
   */
  concurrency?: number
  /** How long `start()` sleeps when the outbox is empty; @default 200 */
  pollIntervalMs?: number
  /** How long `start()` waits after an error before trying again; @default 1_000 */
  retryDelayMs?: number
  /** How long one publish waits for JetStream's PubAck; @default 5_000 */
  publishTimeoutMs?: number
  /** Called with errors of the `start()` loop (broker down, store failure); @default console.error */
  onError?: (error: unknown) => void
}

/** Options of {@link natsRelay}. */
export type NatsRelayOptions = NatsRelayBaseOptions & ConnectionSource

/** What one round of {@link NatsRelay.runOnce} did. */
export interface RelayRound {
  /** Rows claimed from the outbox. */
  claimed: number
  /** Rows JetStream acknowledged (and that were then acknowledged in the outbox). */
  published: number
  /** Of `published`, rows JetStream had already stored (a re-publish dropped by the dedupe id). */
  duplicates: number
  /** Rows left in the outbox: failed, or behind a failed row of the same case. */
  failed: number
  /** The first publish error of the round, if any. */
  error?: unknown
}

/** A relay from a store's outbox to JetStream. */
export interface NatsRelay {
  /**
   * Claims one batch, publishes it and acknowledges what JetStream acknowledged. Rows that
   * failed stay in the outbox and go out again once their lease expires.
   * @throws when the broker or the stream cannot be reached: nothing was claimed then.
   */
  runOnce(): Promise<RelayRound>
  /** Relays continuously in the background until {@link NatsRelay.stop}. */
  start(): void
  /** Stops the loop, waits for the round in flight, and closes the connection if the relay dialled it. */
  stop(): Promise<void>
}

/**
 * Creates a relay that moves domain events from a store's outbox to NATS JetStream.
 *
 * Each row is published to `${subjectPrefix}.${type}` with its id as `Nats-Msg-Id`, and is
 * acknowledged in the outbox only after JetStream's PubAck: delivery is at-least-once, and a
 * re-publish inside the stream's duplicate window is dropped by JetStream. A case's rows go
 * out one after the other in outbox order; when one fails, the case's later rows of the batch
 * wait for the next round. Several relays may share one multi-process store (Postgres).
 * @example
 * const relay = natsRelay({ store, servers: 'nats://127.0.0.1:4222' })
 * relay.start()
 * // ...
 * await relay.stop()
 */
export function natsRelay(options: NatsRelayOptions): NatsRelay {
  const {
    store,
    subjectPrefix = DEFAULT_PREFIX,
    stream = DEFAULT_STREAM,
    batchSize = 100,
    leaseMs = 30_000,
    clock = systemClock,
    concurrency = 2,
    pollIntervalMs = 200,
    retryDelayMs = 1_000,
    publishTimeoutMs = 5_000,
    duplicateWindowMs = 120_000,
    ensureStream = true,
    onError = (error: unknown) => console.error('[parley] nats relay:', error),
  } = options
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ParleyError('VALIDATION', `batchSize must be a positive integer, got ${batchSize}.`)
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ParleyError('VALIDATION', `concurrency must be a positive integer, got ${concurrency}.`)
  if (leaseMs >= duplicateWindowMs)
    throw new ParleyError(
      'VALIDATION',
      `leaseMs (${leaseMs}) must be shorter than duplicateWindowMs (${duplicateWindowMs}), or re-published rows would reach consumers twice.`,
    )

  if (options.connection === undefined && (options.servers === undefined || options.servers.length === 0))
    throw new ParleyError(
      'VALIDATION',
      'natsRelay needs a `connection` or `servers` (e.g. "nats://127.0.0.1:4222").',
    )
  const owned = options.connection === undefined
  let connection: NatsConnection | null = options.connection ?? null
  let client: Promise<JetStreamClient> | null = null
  let loop: Promise<void> | null = null
  let running = false
  const wakers = new Set<() => void>()

  async function connect(): Promise<JetStreamClient> {
    if (connection === null) connection = await dial(options.servers ?? [], `parley-relay-${stream}`)
    const { jetstream, jetstreamManager } = await import('@nats-io/jetstream')
    const jsm = await jetstreamManager(connection, { timeout: publishTimeoutMs })
    await ensureDomainStream(jsm, stream, subjectPrefix, duplicateWindowMs, ensureStream)
    return jetstream(connection, { timeout: publishTimeoutMs })
  }

  function jetStream(): Promise<JetStreamClient> {
    if (connection?.isClosed()) {
      // A connection we dialled and that gave up is dialled again; one the caller owns is theirs to replace.
      if (!owned)
        throw new ParleyError(
          'TRANSPORT_FAILED',
          'The NATS connection given to natsRelay is closed: pass an open one.',
        )
      connection = null
      client = null
    }
    // Memoised once it succeeds; a failure (broker down) is retried on the next round.
    client ??= connect().catch((error) => {
      client = null
      throw error
    })
    return client
  }

  async function publishCase(
    js: JetStreamClient,
    rows: readonly OutboxRow[],
    round: RelayRound,
    acked: string[],
  ) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as OutboxRow
      try {
        const ack = await js.publish(subjectOf(subjectPrefix, row.type), encodeDomainEvent(row), {
          msgID: row.id,
          expect: { streamName: stream },
          timeout: publishTimeoutMs,
        })
        acked.push(row.id)
        round.published++
        if (ack.duplicate) round.duplicates++
      } catch (error) {
        // Per-case order: nothing after a failed row of this case goes out in this round.
        round.failed += rows.length - i
        round.error ??= error
        return
      }
    }
  }

  async function runOnce(): Promise<RelayRound> {
    const js = await jetStream()
    const rows = await store.claimOutbox(clock.now(), batchSize, leaseMs)
    const round: RelayRound = { claimed: rows.length, published: 0, duplicates: 0, failed: 0 }
    if (rows.length === 0) return round
    const byCase = new Map<string, OutboxRow[]>()
    for (const row of rows) {
      const list = byCase.get(row.caseId)
      if (list) list.push(row)
      else byCase.set(row.caseId, [row])
    }
    const acked: string[] = []
    await Promise.all([...byCase.values()].map((caseRows) => publishCase(js, caseRows, round, acked)))
    if (acked.length > 0) await store.ackOutbox(acked)
    return round
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wakers.delete(done)
        resolve()
      }
      wakers.add(done)
    })
  }

  /** One lane of the loop; `concurrency` lanes run side by side like relays sharing a store. */
  async function lane(): Promise<void> {
    while (running) {
      let pause = pollIntervalMs
      try {
        const round = await runOnce()
        if (round.error !== undefined) onError(round.error)
        if (round.failed > 0) pause = retryDelayMs
        else if (round.claimed === batchSize) pause = 0
      } catch (error) {
        onError(error)
        pause = retryDelayMs
      }
      if (running && pause > 0) await sleep(pause)
    }
  }

  return {
    runOnce,
    start() {
      if (running) return
      running = true
      loop = Promise.all(Array.from({ length: concurrency }, lane)).then(() => undefined)
    },
    async stop() {
      running = false
      for (const wake of [...wakers]) wake()
      await loop
      loop = null
      if (owned && connection !== null) {
        const nc = connection
        connection = null
        client = null
        if (!nc.isClosed()) await nc.close()
      }
    },
  }
}
