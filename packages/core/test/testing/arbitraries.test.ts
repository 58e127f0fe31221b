import { actorArb, commandSequenceArb, eventArb } from '@parley/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { claimWorkflow } from '../fixtures/claim-workflow'

const parties = { buyer: 'b1', seller: 's1' }
const workflow = claimWorkflow()

describe('actorArb', () => {
  it('draws parties, operators, outsiders and the system', () => {
    const ids = new Set(
      fc.sample(actorArb(parties), { numRuns: 300, seed: 3 }).map((a) => `${a.role}:${a.id}`),
    )
    expect(ids).toContain('buyer:b1')
    expect(ids).toContain('seller:s1')
    expect(ids).toContain('operator:op-1')
    expect(ids).toContain('buyer:outsider-buyer')
    expect(ids).toContain('system:scheduler')
  })

  it('keeps to the roles asked for, without outsiders', () => {
    const actors = fc.sample(actorArb(parties, { roles: ['seller'], outsiders: false }), 50)
    expect(new Set(actors.map((a) => `${a.role}:${a.id}`))).toEqual(new Set(['seller:s1']))
    expect(() => actorArb({}, { roles: ['buyer'], outsiders: false })).toThrow(/no actor/)
  })
})

describe('eventArb', () => {
  it('generates valid payloads for every event and flags the invalid ones', () => {
    fc.assert(
      fc.property(eventArb(workflow, undefined, { invalidRatio: 0.5 }), (e) => {
        const spec = Object.hasOwn(workflow.events, e.type) ? workflow.events[e.type] : undefined
        const parses = spec?.schema.safeParse(e.payload ?? {}).success ?? false
        return parses === e.valid
      }),
      { numRuns: 300 },
    )
  })

  it('names unknown event types and deadline events among the invalid ones', () => {
    const types = new Set(
      fc
        .sample(eventArb(workflow, undefined, { invalidRatio: 1 }), { numRuns: 400, seed: 5 })
        .map((e) => e.type),
    )
    expect(types).toContain('notAnEvent')
    expect(types).toContain('sellerDue')
  })

  it('restricts events to those a state handles, its ancestors included', () => {
    const types = new Set(
      fc
        .sample(eventArb(workflow, 'escalated', { invalidRatio: 0 }), { numRuns: 100, seed: 2 })
        .map((e) => e.type),
    )
    expect(types).toEqual(new Set(['post', 'decide']))
    expect(() => eventArb(workflow, 'nowhere')).toThrow(/No state "nowhere"/)
  })

  it('uses payload overrides', () => {
    const arb = eventArb(workflow, 'escalated', {
      invalidRatio: 0,
      payloads: { decide: fc.constant({ refund: 1 }), post: fc.constant({ body: 'hi' }) },
    })
    for (const e of fc.sample(arb, 30)) expect([{ refund: 1 }, { body: 'hi' }]).toContainEqual(e.payload)
  })
})

describe('commandSequenceArb', () => {
  it('mixes every kind of command within the length asked for', () => {
    const sequences = fc.sample(commandSequenceArb(workflow, { parties, maxCommands: 12 }), {
      numRuns: 100,
      seed: 9,
    })
    expect(Math.max(...sequences.map((s) => s.length))).toBeLessThanOrEqual(12)
    const kinds = new Set(sequences.flat().map((c) => (c.kind === 'send' && c.stale ? 'stale' : c.kind)))
    expect(kinds).toEqual(
      new Set(['step', 'send', 'stale', 'advance', 'runDeadlines', 'skipToDeadline', 'retry']),
    )
  })

  it('leaves out the command kinds weighted zero', () => {
    const arb = commandSequenceArb(workflow, { parties, weights: { send: 0, stale: 0, step: 0, retry: 0 } })
    // Only the clock and the deadlines remain.
    const kinds = new Set(
      fc
        .sample(arb, { numRuns: 50, seed: 1 })
        .flat()
        .map((c) => c.kind),
    )
    expect([...kinds].every((k) => ['advance', 'runDeadlines', 'skipToDeadline'].includes(k))).toBe(true)
  })
})
