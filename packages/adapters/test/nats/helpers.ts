import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { createId, type DomainEvent, type Store } from '@parley/core'

/** The shared NATS server of this machine (JetStream on). */
export const NATS_URL = process.env.PARLEY_NATS_URL ?? 'nats://127.0.0.1:4222'

/** A stream name and subject prefix unique to this run, so parallel runs never collide. */
export function uniqueNames(label: string): { stream: string; prefix: string } {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  return { stream: `PARLEY_TEST_${label}_${suffix}`.toUpperCase(), prefix: `ptest-${label}-${suffix}` }
}

/** Deletes a stream, ignoring a missing one. */
export async function deleteStream(nc: NatsConnection, stream: string): Promise<void> {
  const jsm = await jetstreamManager(nc)
  await jsm.streams.delete(stream).catch(() => undefined)
}

/** Opens a connection to the shared server. */
export function connectShared(): Promise<NatsConnection> {
  return connect({ servers: NATS_URL, name: 'parley-test' })
}

/**
 * Appends `perCase` domain events to each of `cases` new cases, interleaved across cases
 * (case order a1 b1 c1 a2 b2 ...), so batches mix cases. Returns the events by case.
 */
export async function fillOutbox(
  store: Store,
  cases: number,
  perCase: number,
): Promise<Map<string, DomainEvent[]>> {
  const byCase = new Map<string, DomainEvent[]>()
  const ids = Array.from({ length: cases }, () => createId('c_'))
  for (const id of ids) byCase.set(id, [])
  for (let seq = 1; seq <= perCase; seq++) {
    const events = ids.map((caseId) => ({
      id: createId('ev_'),
      type: seq === 1 ? 'claim.opened' : 'claim.updated',
      caseId,
      workflow: 'claim',
      seq,
      at: Date.UTC(2026, 0, 1) + seq,
      payload: { n: seq },
    }))
    await store.transaction((tx) => tx.enqueue(events))
    for (const e of events) byCase.get(e.caseId)?.push(e)
  }
  return byCase
}

/** Polls `check` until it returns true or `ms` pass. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A free loopback TCP port (nothing listens on it when this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.connect(port, '127.0.0.1')
  })
}

/** A private nats-server this test starts and stops, to play a broker that goes down. */
export interface PrivateNats {
  readonly port: number
  readonly url: string
  /** Starts the server (again), keeping its JetStream store across restarts; no-op while it runs. */
  start(): Promise<void>
  /** Stops the server and waits until the port is closed. */
  stop(): Promise<void>
  /** Stops it and removes its store. */
  dispose(): Promise<void>
}

/** Creates (not starts) a private JetStream-enabled nats-server on a free loopback port. */
export async function privateNats(
  binary = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server',
): Promise<PrivateNats> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'parley-nats-'))
  let child: ChildProcess | null = null
  const stop = async () => {
    const c = child
    child = null
    if (c && c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r))
      c.kill('SIGTERM')
      await exited
    }
    await waitFor(async () => !(await listening(port)), 10_000, 'nats-server to stop')
  }
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    async start() {
      if (child && child.exitCode === null) return
      const c = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' })
      child = c
      // Never outlive the test process, even when it dies before dispose().
      const kill = () => c.kill('SIGKILL')
      process.once('exit', kill)
      c.once('exit', () => process.off('exit', kill))
      await waitFor(() => listening(port), 10_000, 'nats-server to listen')
    },
    stop,
    async dispose() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Collects what a core subscription on `subject` receives: payload JSON and Nats-Msg-Id. */
export function collect(nc: NatsConnection, subject: string): { events: DomainEvent[]; msgIds: string[] } {
  const out = { events: [] as DomainEvent[], msgIds: [] as string[] }
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      out.events.push(msg.json<DomainEvent>())
      out.msgIds.push(msg.headers?.get('Nats-Msg-Id') ?? '')
    },
  })
  return out
}

/**
 * Everything the stream stored, in stream order: what any JetStream consumer would see
 * (a core subscription would also see publishes that the duplicate window dropped).
 */
export async function readStream(
  nc: NatsConnection,
  stream: string,
): Promise<{ events: DomainEvent[]; msgIds: string[] }> {
  const jsm = await jetstreamManager(nc)
  const { state } = await jsm.streams.info(stream)
  const out = { events: [] as DomainEvent[], msgIds: [] as string[] }
  if (state.messages === 0) return out
  const consumer = await jetstream(nc).consumers.get(stream)
  const messages = await consumer.consume()
  for await (const msg of messages) {
    out.events.push(msg.json<DomainEvent>())
    out.msgIds.push(msg.headers?.get('Nats-Msg-Id') ?? '')
    if (msg.seq >= state.last_seq) break
  }
  await messages.close()
  return out
}

/** For each case, the seqs a consumer saw, in arrival order. */
export function seqsByCase(events: readonly DomainEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const e of events) {
    const list = out.get(e.caseId) ?? []
    list.push(e.seq)
    out.set(e.caseId, list)
  }
  return out
}
