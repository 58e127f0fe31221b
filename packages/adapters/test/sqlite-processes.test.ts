import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sqliteStore } from '@parley/adapters/sqlite'
import { createEngine, manualClock } from '@parley/core'
import { afterAll, describe, expect, it } from 'vitest'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'

const run = promisify(execFile)
const worker = fileURLToPath(new URL('./sqlite-worker.ts', import.meta.url))
const root = fileURLToPath(new URL('../../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-mp-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SQLite file shared by processes', () => {
  it('fires each deadline once and keeps every case whole when three processes share one file', async () => {
    const filename = join(dir, 'shared.sqlite')
    const clock = manualClock()
    const store = sqliteStore({ filename })
    const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
    const ids: string[] = []
    for (let k = 0; k < 30; k++) {
      const c = await engine.open(
        'claim',
        { parties: { buyer: `b${k}`, seller: `s${k}` }, amount: 10 },
        { actor: { role: 'buyer', id: `b${k}` } },
      )
      ids.push(c.id)
    }
    const at = clock.now() + 4 * 86_400_000
    const startAt = Date.now() + 2000
    const results = await Promise.all(
      [0, 1, 2].map(() =>
        run(
          process.execPath,
          ['--import', 'tsx', worker, filename, JSON.stringify(ids), String(at), String(startAt)],
          {
            cwd: root,
          },
        ),
      ),
    )
    const reports = results.map(
      (r) => JSON.parse(r.stdout.trim()) as { fired: number; accepted: Record<string, number> },
    )
    expect(reports.reduce((n, r) => n + r.fired, 0)).toBe(30)
    for (const id of ids) {
      const c = await store.getCase(id)
      const log = await store.readAudit(id)
      const sent = reports.reduce((n, r) => n + (r.accepted[id] ?? 0), 0)
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: c!.version }, (_, i) => i + 1))
      expect(c!.version).toBe(1 + sent + 1)
      expect(log.filter((e) => e.type === 'sellerDue')).toHaveLength(1)
      expect(c!.state).toBe('escalated')
    }
    await store.close()
  }, 60_000)
})
