import { type PostgresStore, type PostgresStoreOptions, postgresStore } from '@parley/adapters/postgres'
import { createEngine, manualClock, ParleyError } from '@parley/core'
import { testStore } from '@parley/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'
import { dropSchema, freshSchema, PG_CONNECTION, testPool } from './pg-helpers'
import { sampleCase } from './sample-case'

const admin = testPool(4)
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

const buyer = { role: 'buyer', id: 'b1' } as const
const claimInput = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }

describe('postgresStore', () => {
  const dropped: string[] = []
  afterAll(async () => {
    for (const s of dropped) await dropSchema(admin, s)
  })
  const freshStore = (extra: Partial<PostgresStoreOptions> = {}) => {
    const schema = freshSchema()
    dropped.push(schema)
    return { schema, store: postgresStore({ pool: admin, schema, ...extra }) }
  }

  it('migrates once when several processes start at the same time, then has nothing to do', async () => {
    const { schema } = freshStore()
    const stores = [1, 2, 3].map(() => postgresStore({ pool: admin, schema, migrate: false }))
    const applied = await Promise.all(stores.map((s) => s.migrate()))
    expect(applied.flat()).toEqual([1])
    expect(await stores[0]!.migrate()).toEqual([])
    for (const s of stores) await s.close()
  })

  it('reports what migrate() applied on a fresh store, even one that migrates on first use', async () => {
    const { store } = freshStore()
    expect(await store.migrate()).toEqual([1])
    expect(await store.getCase('nothing')).toBeNull()
    expect(await store.migrate()).toEqual([])
  })

  it('reports a server it cannot reach as STORE_FAILED, and leaves the process running', async () => {
    const store = postgresStore({ connection: { host: '127.0.0.1', port: 1, user: 'postgres' } })
    await expect(store.getCase('x')).rejects.toMatchObject({ code: 'STORE_FAILED' })
    await expect(store.transaction(async () => 1)).rejects.toMatchObject({ code: 'STORE_FAILED' })
    await store.close()
  })

  it('keeps two apps apart by schema, and leaves a passed pool open', async () => {
    const a = freshStore().store
    const b = freshStore().store
    const c = sampleCase()
    await a.transaction((tx) => tx.insertCase(c))
    expect(await a.getCase(c.id)).toEqual(c)
    expect(await b.getCase(c.id)).toBeNull()
    await a.close()
    await b.close()
    await expect(a.getCase(c.id)).rejects.toMatchObject({ code: 'STORE_FAILED' })
    expect((await admin.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => postgresStore({ pool: admin, schema: 'x"; DROP SCHEMA public; --' })).toThrow(
      /plain SQL identifier/,
    )
  })

  it('reports a row that does not hold what Parley wrote as CASE_CORRUPT instead of crashing', async () => {
    const { schema, store } = freshStore()
    const engine = createEngine({ workflows: [claimWorkflow()], store })
    const c = await engine.open('claim', claimInput, { actor: buyer })
    await admin.query(`UPDATE "${schema}".cases SET timers = '[]' WHERE id = $1`, [c.id])
    await expect(store.getCase(c.id)).rejects.toMatchObject({ code: 'CASE_CORRUPT' })
    await expect(store.listCases()).rejects.toMatchObject({ code: 'CASE_CORRUPT' })
    await expect(engine.get(c.id, { viewer: buyer })).rejects.toBeInstanceOf(ParleyError)
    await admin.query(`UPDATE "${schema}".cases SET timers = '{}', parties = '{"buyer": 7}' WHERE id = $1`, [
      c.id,
    ])
    await expect(store.getCase(c.id)).rejects.toMatchObject({ code: 'CASE_CORRUPT' })
  })

  it('turns a driver error inside a transaction into STORE_FAILED and writes nothing', async () => {
    const { store } = freshStore()
    const c = sampleCase()
    const error = await store
      .transaction(async (tx) => {
        await tx.insertCase(c)
        // integer overflow on `version`: the server refuses the statement.
        await tx.updateCase({ ...c, version: 2 ** 40 }, 1)
      })
      .catch((e: unknown) => e)
    expect(ParleyError.is(error, 'STORE_FAILED')).toBe(true)
    expect(await store.getCase(c.id)).toBeNull()
  })

  it('locks the case before the deadline when completing one, so a concurrent send cannot deadlock with it', async () => {
    const { schema, store } = freshStore()
    const c = sampleCase()
    await store.transaction(async (tx) => {
      await tx.insertCase(c)
      await tx.upsertDeadline({ caseId: c.id, name: 'due', event: 'due', dueAt: 10 })
    })
    const [claim] = await store.claimDue(20, 1, 60_000)
    // A send: holds the case row, and will disarm the deadline next.
    const send = await admin.connect()
    await send.query('BEGIN')
    await send.query(`UPDATE "${schema}".cases SET version = 2 WHERE id = $1`, [c.id])
    // A firing: waits for the case row without holding the deadline row.
    const firing = store.transaction((tx) => tx.completeDeadline(c.id, 'due', claim!.token))
    await new Promise((r) => setTimeout(r, 100))
    const started = Date.now()
    await send.query(`DELETE FROM "${schema}".deadlines WHERE case_id = $1`, [c.id])
    expect(Date.now() - started).toBeLessThan(500) // a deadlock would wait for deadlock_timeout (1 s)
    await send.query('COMMIT')
    send.release()
    expect(await firing).toBe(false)
  })

  it('sends buffered outbox and deadline writes in order, visible to reads later in the transaction', async () => {
    const { store } = freshStore()
    const event = (id: string) => ({
      id,
      type: 't',
      caseId: 'c1',
      workflow: 'w',
      seq: 1,
      at: 1,
      payload: { id },
    })
    const listed = await store.transaction(async (tx) => {
      await tx.upsertDeadline({ caseId: 'c1', name: 'a', event: 'a', dueAt: 10 })
      await tx.cancelDeadline('c1', 'a')
      await tx.upsertDeadline({ caseId: 'c1', name: 'b', event: 'b', dueAt: 20 })
      await tx.enqueue([event('e1'), event('e2')])
      const seen = await tx.listDeadlines('c1')
      await tx.cancelDeadline('c1', 'b')
      await tx.upsertDeadline({ caseId: 'c1', name: 'a', event: 'a2', dueAt: 30 })
      await tx.enqueue([event('e3')])
      return seen
    })
    expect(listed.map((d) => d.name)).toEqual(['b'])
    expect(await store.transaction((tx) => tx.listDeadlines('c1'))).toEqual([
      { caseId: 'c1', name: 'a', event: 'a2', dueAt: 30 },
    ])
    expect((await store.claimOutbox(100, 10, 1000)).map((r) => r.id)).toEqual(['e1', 'e2', 'e3'])
  })

  it('reports a buffered write that fails at commit as CONFLICT and rolls the whole transaction back', async () => {
    const { store } = freshStore()
    const event = { id: 'dup', type: 't', caseId: 'c1', workflow: 'w', seq: 1, at: 1, payload: {} }
    await store.transaction((tx) => tx.enqueue([event]))
    const c = sampleCase()
    const error = await store
      .transaction(async (tx) => {
        await tx.insertCase(c)
        await tx.enqueue([event])
      })
      .catch((e: unknown) => e)
    expect(ParleyError.is(error, 'CONFLICT')).toBe(true)
    expect(await store.getCase(c.id)).toBeNull()
  })

  it('runs a whole case through the engine and finds it by each index', async () => {
    const { store } = freshStore()
    const clock = manualClock()
    const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
    const c = await engine.open('claim', claimInput, { actor: buyer })
    await engine.send(
      c.id,
      { type: 'reject', payload: { reason: 'no' } },
      { actor: { role: 'seller', id: 's1' } },
    )
    const found = async (q: Parameters<typeof store.listCases>[0]) =>
      (await store.listCases(q)).items.map((x) => x.id)
    expect(
      await found({ workflow: 'claim', state: 'escalated', party: { role: 'seller', id: 's1' } }),
    ).toEqual([c.id])
    expect(await found({ party: 'b1', includeDone: false })).toEqual([c.id])
    expect(await found({ party: { role: 'buyer', id: 's1' } })).toEqual([])
    clock.advance('P8D')
    expect(await engine.runDueDeadlines()).toBe(1)
    const done = await engine.get(c.id, { viewer: buyer })
    expect(done.state).toBe('closed')
    expect(await found({ party: 'b1', includeDone: false })).toEqual([])
    expect((await engine.history(c.id, { viewer: buyer })).map((e) => e.type)).toEqual([
      '$open',
      'reject',
      'operatorDue',
    ])
  })
})
