import { checkWorkflow, runScenario, WorkflowCheckError } from '@parley/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { memoryStore, type Store, type StoreTransaction } from '../../src/index'
import { claimWorkflow } from '../fixtures/claim-workflow'

const input = fc.record({
  parties: fc.constant({ buyer: 'b1', seller: 's1' }),
  amount: fc.integer({ min: 1, max: 500 }),
})

/** A memory store with one write bent out of shape, to show the engine checks catch store faults. */
function faultyStore(bend: (tx: StoreTransaction) => Partial<StoreTransaction>): () => Store {
  return () => {
    const inner = memoryStore()
    return { ...inner, transaction: (fn) => inner.transaction((tx) => fn({ ...tx, ...bend(tx) })) }
  }
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected checkWorkflow to fail')
    },
    (e: unknown) => e as WorkflowCheckError,
  )

describe('checkWorkflow', () => {
  it('passes a sound workflow and reports what the scenarios covered', async () => {
    const report = await checkWorkflow(claimWorkflow(), {
      numRuns: 80,
      invariants: {
        refundWithinClaim: ({ view }) => view.context.refunded <= view.context.amount,
        versionsOnlyGrow: ({ view, previous }) => !previous || view.version >= previous.version,
      },
    })
    expect(report.numRuns).toBe(80)
    expect(report.statesVisited).toEqual(['awaitingSeller', 'closed', 'escalated', 'resolved'])
    expect(report.eventsAccepted).toEqual(expect.arrayContaining(['accept', 'reject', 'decide', 'sellerDue']))
  })

  it('fails on a user invariant with the shrunk transcript and the seed to replay it', async () => {
    const options = {
      input,
      numRuns: 200,
      invariants: {
        neverEscalated: ({ view }: { view: { state: string } }) => view.state !== 'escalated' || 'escalated',
      },
    }
    const error = await failureOf(checkWorkflow(claimWorkflow(), options))
    expect(error).toBeInstanceOf(WorkflowCheckError)
    expect(error.violation).toMatchObject({ rule: 'neverEscalated', message: 'escalated' })
    expect(error.message).toMatch(/"neverEscalated" broken at step [12]:/)
    expect(error.message).toMatch(/ {2}0\. open by buyer b1 with \{"parties":/)
    // Shrunk to the open plus one command (the seller rejects, or a skip to the deadline) or two
    // (a clock advance, then a scheduler run): which one depends on the seed.
    expect(error.transcript.split('\n').length).toBeGreaterThanOrEqual(2)
    expect(error.transcript.split('\n').length).toBeLessThanOrEqual(3)
    expect(error.transcript).toMatch(/✓ awaitingSeller → escalated \(v2\)/)
    const replay = await failureOf(
      checkWorkflow(claimWorkflow(), { ...options, seed: error.seed, path: error.path! }),
    )
    expect(replay.transcript).toBe(error.transcript)
  })

  it('catches a store that loses audit entries', async () => {
    const store = faultyStore((tx) => ({
      appendAudit: async (entry) => (entry.seq === 2 ? undefined : tx.appendAudit(entry)),
    }))
    const error = await failureOf(checkWorkflow(claimWorkflow(), { input, numRuns: 50, store }))
    expect(error.violation.rule).toBe('audit-complete')
  })

  it('catches a store that drops domain events from the outbox', async () => {
    const store = faultyStore(() => ({ enqueue: async () => {} }))
    const error = await failureOf(checkWorkflow(claimWorkflow(), { input, numRuns: 50, store }))
    expect(error.violation.rule).toBe('outbox-matches-audit')
  })

  it('catches a store that keeps deadlines of finished cases', async () => {
    const store = faultyStore(() => ({ cancelDeadline: async () => {} }))
    const error = await failureOf(checkWorkflow(claimWorkflow(), { input, numRuns: 100, store }))
    expect(error.violation.rule).toMatch(/deadline-bookkeeping|final-absorbs/)
  })

  it('says so when every generated input is refused at opening', async () => {
    const refused = fc.constant({ parties: { buyer: 'b1', seller: 's1' }, amount: -1 })
    await expect(checkWorkflow(claimWorkflow(), { input: refused, numRuns: 5 })).rejects.toThrow(
      /could not run/,
    )
  })
})

describe('runScenario', () => {
  it('runs one scenario and refuses what it must without changing the case', async () => {
    const result = await runScenario({
      workflow: claimWorkflow(),
      input: { parties: { buyer: 'b1', seller: 's1' }, amount: 40 },
      opener: { role: 'buyer', id: 'b1' },
      commands: [
        { kind: 'send', actor: { role: 'buyer', id: 'b1' }, type: 'accept', payload: {}, valid: true },
        {
          kind: 'send',
          actor: { role: 'seller', id: '<seller>' },
          type: 'reject',
          payload: { reason: '' },
          valid: false,
        },
        {
          kind: 'send',
          actor: { role: 'seller', id: 's1' },
          type: 'accept',
          payload: {},
          valid: true,
          stale: true,
        },
        { kind: 'send', actor: { role: 'seller', id: 's1' }, type: 'accept', payload: {}, valid: true },
        { kind: 'retry' },
        { kind: 'skipToDeadline' },
        { kind: 'send', actor: { role: 'buyer', id: 'b1' }, type: 'close', payload: {}, valid: true },
      ],
    })
    expect(result.violation).toBeNull()
    expect(result.steps.map((s) => (s.outcome.kind === 'refused' ? s.outcome.code : s.outcome.kind))).toEqual(
      [
        'accepted',
        'FORBIDDEN',
        'VALIDATION',
        'CONFLICT',
        'accepted',
        'replayed',
        'fired',
        'EVENT_NOT_ALLOWED',
      ],
    )
    expect([...result.states]).toEqual(['awaitingSeller', 'resolved', 'closed'])
  })
})
