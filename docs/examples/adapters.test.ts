import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { postgresSample, sqliteSample } from './adapters'

it('opens and closes the SQLite store of the adapters page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-docs-'))
  try {
    const engine = await sqliteSample(join(dir, 'parley.sqlite'))
    expect(engine.workflow('dispute').name).toBe('dispute')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it('migrates the Postgres store of the adapters page in a schema of its own', async () => {
  const schema = `parley_docs_${process.pid}_${Date.now().toString(36)}`
  const applied = await postgresSample({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }, schema)
  expect(applied.length).toBeGreaterThan(0)
})
