// Public entry of @parley/adapters/postgres.
export type { PgPool, PgPoolClient, PgQueryable, PgQueryConfig, PgResult } from './driver'
export type { PostgresMigration } from './migrations'
export { POSTGRES_MIGRATIONS } from './migrations'
export type { PostgresStore, PostgresStoreOptions } from './postgres-store'
export { postgresStore } from './postgres-store'
