import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@parley/adapters/sqlite'
import { createEngine, manualClock, ParleyError } from '@parley/core'
import { testStore } from '@parley/core/testing'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'
import { sampleCase } from './sample-case'

const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const files = new WeakMap<object, string>()

testStore({ name: 'sqlite :memory:', create: async () => sqliteStore() })

testStore({
  name: 'sqlite file (WAL)',
  create: async () => {
    const filename = join(dir, `store-${n++}.sqlite`)
    const store = sqliteStore({ filename })
    files.set(store, filename)
    return store
  },
  createSibling: async (store) => sqliteStore({ filename: files.get(store)! }),
})

const buyer = { role: 'buyer', id: 'b1' } as const
const claimInput = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }

describe('sqliteStore', () => {
  it('applies its migrations once and has nothing to do the second time', async () => {
    const store = sqliteStore({ filename: join(dir, 'migrate.sqlite') })
    expect(await store.migrate()).toEqual([1])
    expect(await store.migrate()).toEqual([])
    await store.close()
    const again = sqliteStore({ filename: join(dir, 'migrate.sqlite') })
    expect(await again.migrate()).toEqual([])
    await again.close()
  })

  it('keeps two apps apart in one database by table prefix, and leaves a passed database open', async () => {
    const database = new Database(':memory:')
    const a = sqliteStore({ database, tablePrefix: 'app_a_' })
    const b = sqliteStore({ database, tablePrefix: 'app_b_' })
    const c = sampleCase()
    await a.transaction((tx) => tx.insertCase(c))
    expect(await a.getCase(c.id)).toEqual(c)
    expect(await b.getCase(c.id)).toBeNull()
    await a.close()
    await b.close()
    expect(database.open).toBe(true)
    expect(database.prepare('SELECT count(*) AS n FROM app_a_cases').get()).toEqual({ n: 1 })
    database.close()
  })

  it('reports a file it cannot open as STORE_FAILED', async () => {
    const store = sqliteStore({ filename: join(dir, 'no', 'such', 'dir.sqlite') })
    await expect(store.getCase('x')).rejects.toMatchObject({ code: 'STORE_FAILED' })
    await store.close()
  })

  it('refuses a call to the store itself inside its own transaction instead of waiting forever', async () => {
    const store = sqliteStore()
    const c = sampleCase()
    const error = await store
      .transaction(async (tx) => {
        await tx.insertCase(c)
        return store.getCase(c.id)
      })
      .catch((e: unknown) => e)
    expect(ParleyError.is(error, 'STORE_FAILED')).toBe(true)
    expect((error as Error).message).toMatch(/use the `tx`/)
    expect(await store.getCase(c.id)).toBeNull()
    await store.close()
  })

  it('refuses a table prefix that is not a plain identifier', () => {
    expect(() => sqliteStore({ tablePrefix: 'x; DROP TABLE y' })).toThrow(/plain SQL identifier/)
  })

  it('puts a file database in WAL mode', async () => {
    const database = new Database(join(dir, 'wal.sqlite'))
    const store = sqliteStore({ database })
    await store.getCase('nothing')
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.capabilities).toEqual({ multiProcess: true, durable: true })
    expect(sqliteStore().capabilities).toEqual({ multiProcess: false, durable: false })
    database.close()
  })

  it('fires a deadline armed before a restart once the file is opened again', async () => {
    const filename = join(dir, 'restart.sqlite')
    const clock = manualClock()
    const first = sqliteStore({ filename })
    const opened = await createEngine({ workflows: [claimWorkflow()], store: first, clock }).open(
      'claim',
      claimInput,
      { actor: buyer },
    )
    await first.close()

    clock.advance('P3D')
    const second = sqliteStore({ filename })
    const engine = createEngine({ workflows: [claimWorkflow()], store: second, clock })
    expect(await engine.runDueDeadlines()).toBe(1)
    expect(await engine.runDueDeadlines()).toBe(0)
    const after = await engine.get(opened.id, { viewer: buyer })
    expect(after.state).toBe('escalated')
    expect(after.version).toBe(2)
    await second.close()
  })

  it('fires each deadline once when two stores on one file race for them', async () => {
    const filename = join(dir, 'race.sqlite')
    const clock = manualClock()
    const [s1, s2] = [sqliteStore({ filename }), sqliteStore({ filename })]
    const [e1, e2] = [s1, s2].map((store) => createEngine({ workflows: [claimWorkflow()], store, clock }))
    for (let i = 0; i < 20; i++) await e1!.open('claim', claimInput, { actor: buyer })
    clock.advance('P3D')
    const fired = await Promise.all([e1!.runDueDeadlines({ limit: 2 }), e2!.runDueDeadlines({ limit: 2 })])
    expect(fired[0]! + fired[1]!).toBe(20)
    const page = await s2.listCases({ state: 'escalated', limit: 100 })
    expect(page.items).toHaveLength(20)
    expect(page.items.every((c) => c.version === 2)).toBe(true)
    await s1.close()
    await s2.close()
  })

  it('reports a row that does not parse as CASE_CORRUPT instead of crashing', async () => {
    const database = new Database(':memory:')
    const store = sqliteStore({ database })
    const engine = createEngine({ workflows: [claimWorkflow()], store })
    const c = await engine.open('claim', claimInput, { actor: buyer })
    database.prepare("UPDATE parley_cases SET snapshot = '{not json' WHERE id = ?").run(c.id)
    await expect(store.getCase(c.id)).rejects.toMatchObject({ code: 'CASE_CORRUPT' })
    await expect(store.listCases()).rejects.toMatchObject({ code: 'CASE_CORRUPT' })
    await expect(engine.get(c.id, { viewer: buyer })).rejects.toBeInstanceOf(ParleyError)
    database.prepare("UPDATE parley_cases SET snapshot = '{}', parties = '[1]' WHERE id = ?").run(c.id)
    await expect(store.getCase(c.id)).rejects.toMatchObject({ code: 'CASE_CORRUPT' })
    database.close()
  })

  it('runs a whole case through the engine and finds it by each index', async () => {
    const store = sqliteStore()
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
    expect(await found({ dueBefore: clock.now() + 8 * 86_400_000 })).toEqual([c.id])
    expect(await found({ party: 's2' })).toEqual([])
    expect((await engine.history(c.id, { viewer: buyer })).map((e) => e.type)).toEqual(['$open', 'reject'])
    const relayed = await store.claimOutbox(clock.now(), 10, 1000)
    expect(relayed.map((r) => r.type)).toEqual(['claim.opened'])
    await store.close()
    await expect(store.getCase(c.id)).rejects.toMatchObject({ code: 'STORE_FAILED' })
  })
})
