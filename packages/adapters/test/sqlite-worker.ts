// A worker process of sqlite-processes.test.ts: opens the shared file with its own connection,
// sends events and fires due deadlines, then prints one JSON line. Run with `node --import tsx`.

import { sqliteStore } from '@parley/adapters/sqlite'
import { createEngine, manualClock, ParleyError } from '@parley/core'
import { claimWorkflow } from '../../core/test/fixtures/claim-workflow'

const [filename, idsJson, at, startAt] = process.argv.slice(2) as [string, string, string, string]
const caseIds = JSON.parse(idsJson) as string[]
const store = sqliteStore({ filename, busyTimeoutMs: 20_000 })
const engine = createEngine({ workflows: [claimWorkflow()], store, clock: manualClock(Number(at)) })
const accepted: Record<string, number> = {}
await store.getCase('warm-up')
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())))
let fired = 0
const firing = (async () => {
  for (let n = 1; n > 0; ) {
    n = await engine.runDueDeadlines({ limit: 2 })
    fired += n
  }
})()
for (let i = 0; i < 100; i++) {
  const id = caseIds[i % caseIds.length]!
  try {
    await engine.send(
      id,
      { type: 'post', payload: { body: `m${i}` } },
      { actor: { role: 'operator', id: 'o1' } },
    )
    accepted[id] = (accepted[id] ?? 0) + 1
  } catch (error) {
    if (!ParleyError.is(error)) throw error
  }
}
await firing
await store.close()
process.stdout.write(`${JSON.stringify({ fired, accepted })}\n`)
