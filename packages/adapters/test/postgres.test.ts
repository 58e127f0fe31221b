import { type PostgresStore, postgresStore } from '@parley/adapters/postgres'
import { testStore } from '@parley/core/testing'
import { afterAll } from 'vitest'
import { dropSchema, freshSchema, PG_CONNECTION, testPool } from './pg-helpers'

const admin = testPool(2)
const schemas = new WeakMap<object, string>()
afterAll(() => admin.end())

testStore({
  name: 'postgres',
  create: async () => {
    const schema = freshSchema()
    const store = postgresStore({ connection: { ...PG_CONNECTION, max: 4 }, schema })
    schemas.set(store, schema)
    await store.migrate()
    return store
  },
  destroy: async (store) => dropSchema(admin, schemas.get(store)!),
  // A second process's view of the same schema: its own pool.
  createSibling: async (store) =>
    postgresStore({ connection: { ...PG_CONNECTION, max: 2 }, schema: schemas.get(store)! }) as PostgresStore,
})
