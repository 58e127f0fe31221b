import { describe, expect, it } from 'vitest'
import type { AuditEntry, CaseRecord } from '../../src/index'
import {
  acceptedFromAllowedSender,
  auditComplete,
  deadlinesSound,
  refusedChangesNothing,
  type StoreImage,
} from '../../src/testing/engine-invariants'
import { claimWorkflow } from '../fixtures/claim-workflow'

// The engine can't be made to break these rules on purpose, so each rule is shown on a store
// image crafted to break it.

const workflow = claimWorkflow()
const buyer = { role: 'buyer', id: 'b1' } as const
const record: CaseRecord = {
  id: 'cla_1',
  workflow: 'claim',
  workflowVersion: 1,
  parties: { buyer: 'b1', seller: 's1' },
  state: 'awaitingSeller',
  done: false,
  snapshot: {},
  version: 1,
  timers: { enteredAt: { awaitingSeller: 0 }, armed: { sellerDue: 100 }, fired: {} },
  createdAt: 0,
  updatedAt: 0,
}
const opening: AuditEntry = {
  caseId: 'cla_1',
  seq: 1,
  at: 0,
  actor: buyer,
  type: '$open',
  payload: {},
  from: null,
  to: 'awaitingSeller',
  emitted: [],
}
const image: StoreImage = {
  record,
  audit: [opening],
  deadlines: [{ caseId: 'cla_1', name: 'sellerDue', event: 'sellerDue', dueAt: 100 }],
  outbox: [],
}

describe('engine invariants', () => {
  it('hold on a consistent image', () => {
    expect(auditComplete(image)).toBeNull()
    expect(deadlinesSound(workflow, image, 50, true)).toBeNull()
    expect(refusedChangesNothing(image, { ...image })).toBeNull()
  })

  it('see a refused command that wrote something', () => {
    const after = { ...image, record: { ...record, updatedAt: 5 }, outbox: [{ type: 'x' } as never] }
    expect(refusedChangesNothing(image, after)?.message).toBe(
      'a refused command changed the case record, the outbox (x)',
    )
  })

  it('see an event accepted from a role, an outsider or a finished case it should not come from', () => {
    const sent = { type: 'accept', payload: {} }
    expect(acceptedFromAllowedSender(workflow, image, { ...sent, actor: buyer })?.rule).toBe('role-allowed')
    expect(
      acceptedFromAllowedSender(workflow, image, { ...sent, actor: { role: 'seller', id: 's2' } })?.rule,
    ).toBe('party-only')
    const open = {
      ...workflow,
      events: { ...workflow.events, accept: { ...workflow.events.accept!, requireParty: false } },
    }
    expect(
      acceptedFromAllowedSender(open, image, { ...sent, actor: { role: 'seller', id: 's2' } }),
    ).toBeNull()
    const done = { ...image, record: { ...record, done: true } }
    expect(
      acceptedFromAllowedSender(workflow, done, { ...sent, actor: { role: 'seller', id: 's1' } })?.rule,
    ).toBe('final-absorbs')
  })

  it('see gaps and breaks in the audit log', () => {
    expect(auditComplete({ ...image, record: { ...record, version: 2 } })?.message).toMatch(
      /version 2 but its audit has 1/,
    )
    const jump = { ...opening, seq: 2, type: 'accept', from: 'escalated', to: 'resolved' }
    expect(
      auditComplete({
        ...image,
        audit: [opening, jump],
        record: { ...record, version: 2, state: 'resolved' },
      })?.message,
    ).toMatch(/starts in "escalated" but entry 1 ended in "awaitingSeller"/)
  })

  it('see a deadline fired twice, early, or left due', () => {
    const fire = (seq: number, at: number): AuditEntry => ({
      ...opening,
      seq,
      at,
      actor: { role: 'system', id: 'scheduler' },
      type: 'sellerDue',
      payload: { deadline: 'sellerDue', dueAt: 100 },
      from: 'awaitingSeller',
      to: 'awaitingSeller',
    })
    const twice = { ...image, audit: [opening, fire(2, 100), fire(3, 100)], deadlines: [] }
    expect(deadlinesSound(workflow, twice, 100, false)?.rule).toBe('deadline-once')
    expect(
      deadlinesSound(workflow, { ...image, audit: [opening, fire(2, 50)], deadlines: [] }, 50, false)?.rule,
    ).toBe('deadline-not-early')
    expect(deadlinesSound(workflow, image, 100, true)?.message).toBe(
      'deadline sellerDue is due but did not fire',
    )
  })
})
