import { type ServerType, serve } from '@hono/node-server'
import type { ManualClock } from '@parley/core'
import { createApp } from './app'
import { createMarketplace, type MarketplaceOptions } from './marketplace'

/** Options of {@link startServer}. */
export interface ServerOptions extends MarketplaceOptions {
  /** @default process.env.PORT or 3000; 0 picks a free port */
  port?: number
  /** How often the scheduler looks for due deadlines. @default 1000 ms */
  schedulerIntervalMs?: number
  /** Expose the demo-only time-travel routes, driven by this clock. */
  devClock?: ManualClock
}

/** A running server: its URL and how to stop it. */
export interface RunningServer {
  url: string
  close(): Promise<void>
}

/** Starts the marketplace API with its deadline scheduler. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const market = await createMarketplace({
    ...options,
    ...(options.devClock ? { clock: options.devClock } : {}),
  })
  const app = createApp({
    engine: market.engine,
    segmenter: market.segmenter,
    aggregates: market.aggregates,
    ...(options.devClock ? { devClock: options.devClock } : {}),
  })
  const stopScheduler = market.engine.startScheduler({ intervalMs: options.schedulerIntervalMs ?? 1000 })
  const port = options.port ?? Number(process.env.PORT ?? 3000)
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://127.0.0.1:${actualPort}`,
    async close() {
      await stopScheduler()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await market.close()
    },
  }
}

// `pnpm --filter @parley/example-marketplace-api start`: run it for real.
if (import.meta.url === `file://${process.argv[1]}`) {
  const running = await startServer()
  console.log(
    `Parley marketplace API on ${running.url} (${process.env.DATABASE_URL ? 'Postgres' : 'SQLite'})`,
  )
  process.on('SIGINT', () => void running.close().then(() => process.exit(0)))
}
