import { defineWorkflow } from '@parley/core'
import { checkWorkflow, checkWorkflowGraph, WorkflowCheckError } from '@parley/core/testing'
import { describe, expect, it } from 'vitest'
import { type AnyEventObject, emit, enqueueActions } from 'xstate'
import { z } from 'zod'
import { type ReturnsContext, returns } from './returns'
import { returnsInvariants } from './returns-invariants'

// Deliberately broken variants of the returns workflow: each is a mistake a team could make, and
// each test shows the kit catching it. A kit that passes everything proves nothing.

// #region broken-setup
const base = returns()

/** Swaps the machine's implementations (guards, actions) the way `machine.provide` lets a user. */
const withMachine = (machine: typeof base.machine) => defineWorkflow({ ...base, machine })
// #endregion broken-setup

describe('the kit catches a broken returns workflow', () => {
  // #region broken
  it('reports a seller refund above the order total, with a transcript and a replayable seed', async () => {
    // The bug: the guard that caps a refund at the order total was dropped.
    const broken = withMachine(base.machine.provide({ guards: { refundWithinOrder: () => true } }))
    // The seed pins the generated scenarios so the test is deterministic; any seed finds the bug
    // with enough runs (the case must first be approved, shipped and received).
    const check = checkWorkflow(broken, { invariants: returnsInvariants, numRuns: 400, seed: 20_260_101 })
    const error = await check.then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(WorkflowCheckError)
    const failure = error as WorkflowCheckError
    expect(failure.violation.rule).toBe('refundWithinOrder')
    expect(failure.message).toContain('sends refund')
    expect(failure.message).toMatch(
      /Replay: checkWorkflow\(workflow, \{ \.\.\.options, seed: -?\d+, path: '[\d:]+' \}\)/,
    )
    // Replaying the printed seed and path runs the shrunk scenario straight away.
    await expect(
      checkWorkflow(broken, { invariants: returnsInvariants, seed: failure.seed, path: failure.path! }),
    ).rejects.toThrow(/"refundWithinOrder" broken/)
  })
  // #endregion broken

  it('reports a refund announced twice', async () => {
    // The bug: `refund.requested` emitted twice by one transition.
    const twice = enqueueActions(({ enqueue, context }) => {
      const { orderId, refundAmount } = context as ReturnsContext
      const announcement = { type: 'refund.requested', payload: { orderId, amount: refundAmount } }
      enqueue.emit(announcement)
      enqueue.emit(announcement)
    })
    const broken = withMachine(base.machine.provide({ actions: { requestRefund: twice as never } }))
    await expect(checkWorkflow(broken, { invariants: returnsInvariants, numRuns: 100 })).rejects.toThrow(
      /"oneRefundWhenRefunded" broken .*2 refund\.requested events/,
    )
  })

  it('reports a workflow action that throws on a deadline', async () => {
    // The bug: the escalation notice reads the buyer's reason, which a deadline does not carry.
    const announce = emit(({ event }: { event: AnyEventObject }) => ({
      type: 'return.escalated',
      payload: { reason: (event.payload as { reason: string }).reason.trim() },
    }))
    const broken = withMachine(base.machine.provide({ actions: { announceEscalation: announce as never } }))
    const error = await checkWorkflow(broken, { numRuns: 100 }).catch((e: unknown) => e as WorkflowCheckError)
    expect(error).toBeInstanceOf(WorkflowCheckError)
    expect((error as WorkflowCheckError).violation.rule).toBe('no-crash')
    expect((error as WorkflowCheckError).message).toContain('WORKFLOW_FAILED')
  })

  it('reports a forgotten deadline, a dead end and an event nobody handles in the graph', () => {
    const { refused: _dropped, ...deadlines } = base.deadlines ?? {}
    const { escalate: _escalate, ...events } = base.events
    const broken = defineWorkflow({
      ...base,
      // The refusal window was forgotten, the buyer's `escalate` was left out of `events` (so the
      // refused state is a dead end), and a `reopen` event was declared that nothing handles.
      deadlines,
      events: { ...events, reopen: { schema: z.object({}), roles: ['buyer'] } },
    })
    const findings = checkWorkflowGraph(broken, { expectDeadlines: () => true })
    expect(findings.map(({ kind, state, event }) => ({ kind, state, event }))).toEqual([
      { kind: 'no-exit', state: 'refused', event: undefined },
      { kind: 'unused-event', state: undefined, event: 'reopen' },
      { kind: 'unsendable-event', state: 'refused', event: 'escalate' },
      { kind: 'unsendable-event', state: 'refused', event: 'escalationWindowEnds' },
      { kind: 'unsendable-event', state: 'inTransit', event: 'escalate' },
      { kind: 'missing-deadline', state: 'refused', event: undefined },
    ])
    // Each finding says what to do.
    expect(findings[0]?.message).toContain('Add an exit')
  })
})
