import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@parley/adapters/sqlite'
import { testStore } from '@parley/core/testing'
import { afterAll } from 'vitest'

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
