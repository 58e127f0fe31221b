import { describe, expect, it } from 'vitest'
import { type Actor, createEngine, manualClock, memoryStore, ParleyError } from '../src/index'
import { claimWorkflow } from './fixtures/claim-workflow'

const buyer: Actor = { role: 'buyer', id: 'b1' }
const seller: Actor = { role: 'seller', id: 's1' }
const input = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }

describe('concurrent sends on one case', () => {
  it('applies 50 concurrent sends as versions 2..51 with no gap and no lost audit entry', async () => {
    const store = memoryStore()
    const engine = createEngine({
      workflows: [claimWorkflow()],
      store,
      clock: manualClock(),
      maxRetries: 100,
    })
    const c = await engine.open('claim', input, { actor: buyer })
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        engine.send(c.id, { type: 'post', payload: { body: `m${i}` } }, { actor: i % 2 ? buyer : seller }),
      ),
    )
    const record = await store.getCase(c.id)
    expect(record?.version).toBe(51)
    const log = await store.readAudit(c.id)
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1))
    const bodies = new Set(log.slice(1).map((e) => (e.payload as { body: string }).body))
    expect(bodies.size).toBe(50)
    expect((record!.snapshot as { context: { messages: unknown[] } }).context.messages).toHaveLength(50)
  })

  it('lets exactly one of two sends at the same expected version win; the other gets CONFLICT', async () => {
    const store = memoryStore()
    const engine = createEngine({ workflows: [claimWorkflow()], store, clock: manualClock() })
    const c = await engine.open('claim', input, { actor: buyer })
    const results = await Promise.allSettled([
      engine.send(c.id, { type: 'accept' }, { actor: seller, expectedVersion: 1 }),
      engine.send(c.id, { type: 'reject', payload: { reason: 'no' } }, { actor: seller, expectedVersion: 1 }),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(ParleyError.is(lost[0]!.reason, 'CONFLICT')).toBe(true)
    expect((await store.readAudit(c.id)).map((e) => e.seq)).toEqual([1, 2])
  })

  it('re-validates a retried send against the new state (accept after a concurrent reject is refused)', async () => {
    const store = memoryStore()
    const engine = createEngine({ workflows: [claimWorkflow()], store, clock: manualClock() })
    const c = await engine.open('claim', input, { actor: buyer })
    const results = await Promise.allSettled([
      engine.send(c.id, { type: 'accept' }, { actor: seller }),
      engine.send(c.id, { type: 'reject', payload: { reason: 'no' } }, { actor: seller }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(ParleyError.is(lost?.reason, 'EVENT_NOT_ALLOWED')).toBe(true)
  })
})
