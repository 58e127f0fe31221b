// Public entry of @parley/adapters/sqlite.
export type { SqliteDatabase, SqliteRunResult, SqliteStatement } from './driver'
export type { SqliteMigration } from './migrations'
export { SQLITE_MIGRATIONS } from './migrations'
export type { SqliteStore, SqliteStoreOptions } from './sqlite-store'
export { sqliteStore } from './sqlite-store'
