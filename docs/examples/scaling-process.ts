// Sample of docs/scaling.md, type-checked. The same wiring is exercised for real by the adapters'
// tests (packages/adapters/test/nats-postgres.test.ts runs two relays on one Postgres outbox).
// #region imports
import { natsRelay } from '@parley/adapters/nats'
import { postgresStore } from '@parley/adapters/postgres'
import { createEngine } from '@parley/core'
import { dispute, ticket } from '@parley/workflows'
// #endregion imports

/** One app process: engine + scheduler + relay on a shared Postgres; returns its shutdown. */
export async function runProcess(env: { DATABASE_URL?: string; NATS_URL?: string }) {
  const process = { env }
  // #region process
  const store = postgresStore({ connection: { connectionString: process.env.DATABASE_URL } })
  const engine = createEngine({ workflows: [dispute(), ticket()], store })
  const stopScheduler = engine.startScheduler({ intervalMs: 1_000 }) // deadlines: one per process is fine
  const relay = natsRelay({ store, servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  relay.start()

  // on shutdown
  async function shutdown() {
    await relay.stop()
    await stopScheduler()
    await store.close()
  }
  // #endregion process
  return { engine, shutdown }
}
