// Structural views of better-sqlite3, so this package never imports the driver's types at runtime
// and any compatible object (a better-sqlite3 `Database`, a wrapper) can be passed in.

/** The result of running a write statement. */
export interface SqliteRunResult {
  changes: number
  lastInsertRowid: number | bigint
}

/** A prepared statement, as better-sqlite3 exposes it. */
export interface SqliteStatement {
  run(...params: unknown[]): SqliteRunResult
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
}

/** The part of a better-sqlite3 `Database` the store uses. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement
  exec(sql: string): unknown
  pragma(source: string, options?: { simple?: boolean }): unknown
  close(): unknown
  readonly inTransaction: boolean
  readonly memory: boolean
  readonly open: boolean
}

/** Loads better-sqlite3 on demand: it is an optional peer dependency. */
export async function openDatabase(filename: string, timeoutMs: number): Promise<SqliteDatabase> {
  let mod: { default: new (filename: string, options?: { timeout?: number }) => SqliteDatabase }
  try {
    mod = (await import('better-sqlite3')) as unknown as typeof mod
  } catch (error) {
    throw new Error(
      'sqliteStore needs the better-sqlite3 package (^12): install it, or pass an open `database`.',
      { cause: error },
    )
  }
  return new mod.default(filename, { timeout: timeoutMs })
}
