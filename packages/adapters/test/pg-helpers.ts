import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The test server: the local Postgres, trust auth. */
export const PG_CONNECTION = { host: '127.0.0.1', user: 'postgres', database: 'test' }

/** A fresh random schema name, so every test run (and store) starts empty. */
export function freshSchema(prefix = 'parley_t'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`
}

/** A pool on the test server. */
export function testPool(max = 4): pg.Pool {
  return new pg.Pool({ ...PG_CONNECTION, max })
}

/** Drops a schema and everything in it. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
}
