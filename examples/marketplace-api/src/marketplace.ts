import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postgresStore } from '@parley/adapters/postgres'
import { sqliteStore } from '@parley/adapters/sqlite'
import {
  type Clock,
  createEngine,
  createModerator,
  createSegmenter,
  type Engine,
  type GroupsFile,
  type ModerationFile,
  type Store,
} from '@parley/core'
import { createReviewAggregates, dispute, listingModeration, review, ticket } from '@parley/workflows'

const rulesDir = new URL('../rules/', import.meta.url)
const readJson = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, rulesDir), 'utf8')) as T

/** Options of {@link createMarketplace}. */
export interface MarketplaceOptions {
  /** A Postgres connection string; without it, SQLite. @default process.env.DATABASE_URL */
  databaseUrl?: string
  /** Postgres schema for Parley's tables. @default 'parley' */
  schema?: string
  /** SQLite file; `:memory:` works too. @default a file in the OS temp folder */
  sqliteFile?: string
  clock?: Clock
  /** Where domain events are logged. @default console.log */
  log?: (line: string) => void
}

/** The marketplace's customer-service back office: store, engine, rules, aggregates. */
export interface Marketplace {
  engine: Engine
  store: Store
  segmenter: ReturnType<typeof createSegmenter>
  aggregates: ReturnType<typeof createReviewAggregates>
  close(): Promise<void>
}

/**
 * Wires Parley the way a marketplace backend would: SQLite by default (Postgres when a
 * `DATABASE_URL` is given), the four built-in workflows with moderation rules from
 * `rules/moderation.json`, customer groups from `rules/groups.json`, review aggregates fed by
 * domain events, and every domain event logged.
 */
export async function createMarketplace(options: MarketplaceOptions = {}): Promise<Marketplace> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL
  const store: Store = databaseUrl
    ? postgresStore({ connection: { connectionString: databaseUrl }, schema: options.schema ?? 'parley' })
    : sqliteStore({
        filename: options.sqliteFile ?? join(tmpdir(), `parley-marketplace-${process.pid}.sqlite`),
      })
  const moderator = createModerator(readJson<ModerationFile>('moderation.json'))
  const moderate = moderator.moderate
  const engine = createEngine({
    workflows: [ticket(), dispute(), listingModeration({ moderate }), review({ moderate })],
    store,
    ...(options.clock ? { clock: options.clock } : {}),
  })
  const segmenter = createSegmenter(readJson<GroupsFile>('groups.json'), {
    ...(options.clock ? { clock: options.clock } : {}),
  })
  const aggregates = createReviewAggregates()
  const log = options.log ?? ((line: string) => console.log(line))
  engine.on('*', (event) => {
    aggregates.apply(event)
    log(`  ⚡ ${event.type} ${JSON.stringify(event.payload)}`)
  })
  return { engine, store, segmenter, aggregates, close: () => store.close() }
}
