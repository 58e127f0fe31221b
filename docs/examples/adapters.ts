// Samples of docs/adapters.md. Type-checked, and run by docs/examples/adapters.test.ts against a
// temporary SQLite file and the real PostgreSQL server.
// #region imports
import { postgresStore } from '@parley/adapters/postgres'
import { sqliteStore } from '@parley/adapters/sqlite'
import { createEngine } from '@parley/core'
import { dispute } from '@parley/workflows'
// #endregion imports

/** Opens an engine on SQLite, then closes it. */
export async function sqliteSample(filename: string) {
  // #region sqlite
  const store = sqliteStore({ filename }) // 'parley.sqlite'; ':memory:' works too
  const engine = createEngine({ workflows: [dispute()], store })
  // ...
  await store.close()
  // #endregion sqlite
  return engine
}

/** Opens a Postgres store in its own schema, then drops the schema. */
export async function postgresSample(env: { DATABASE_URL?: string }, schema: string) {
  const process = { env }
  // #region postgres
  const store = postgresStore({ connection: { connectionString: process.env.DATABASE_URL }, schema })
  // or share the app's pool: postgresStore({ pool, schema: 'parley' })
  // #endregion postgres
  const applied = await store.migrate()
  await store.dropSchema()
  await store.close()
  return applied
}
