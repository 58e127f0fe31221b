// Structural views of node-postgres (pg 8), so this package never imports the driver's types at
// runtime and any compatible pool can be passed in.

/** A query as pg accepts it; `name` makes pg prepare it once per connection. */
export interface PgQueryConfig {
  text: string
  values?: unknown[]
  name?: string
}

/** The part of a pg result the store reads. */
export interface PgResult<R = Record<string, unknown>> {
  rows: R[]
  rowCount: number | null
}

/** Something that runs queries: a pool or a checked-out client. */
export interface PgQueryable {
  // biome-ignore lint/suspicious/noExplicitAny: pg's own signature; rows are checked by the store
  query(config: PgQueryConfig): Promise<PgResult<any>>
}

/** A client checked out of a pool. */
export interface PgPoolClient extends PgQueryable {
  /** Returns the client; pass an error to destroy it instead. */
  release(destroy?: Error | boolean): void
}

/** The part of a pg `Pool` the store uses. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>
  end(): Promise<void>
}

/** A pool the store made itself: it also listens for the errors of idle clients. */
interface OwnedPool extends PgPool {
  on(event: 'error', listener: (error: Error) => void): unknown
}

/** Loads pg on demand (an optional peer dependency) and makes a pool. */
export async function createPool(config: Record<string, unknown>): Promise<PgPool> {
  let mod: { default?: { Pool: new (c: Record<string, unknown>) => PgPool }; Pool?: unknown }
  try {
    mod = (await import('pg')) as unknown as typeof mod
  } catch (error) {
    throw new Error('postgresStore needs the pg package (^8): install it, or pass a `pool`.', {
      cause: error,
    })
  }
  const Pool = (mod.default?.Pool ?? mod.Pool) as new (c: Record<string, unknown>) => OwnedPool
  const pool = new Pool(config)
  // An idle client whose server connection dies emits 'error' on the pool; unheard, it would crash
  // the process. The pool drops that client and the next query opens a new one.
  pool.on('error', () => undefined)
  return pool
}
