import { checkWorkflowGraph } from '@parley/core/testing'
import { describe, expect, it } from 'vitest'
import { createMachine } from 'xstate'
import { z } from 'zod'
import { defineWorkflow } from '../../src/index'
import { claimWorkflow } from '../fixtures/claim-workflow'

const input = z.object({ parties: z.object({ buyer: z.string(), seller: z.string() }) })
const empty = z.object({})

const summary = (findings: ReturnType<typeof checkWorkflowGraph>) =>
  findings.map(({ kind, state, event }) => [kind, state ?? null, event ?? null])

describe('checkWorkflowGraph', () => {
  it('finds nothing wrong with a sound workflow', () => {
    expect(checkWorkflowGraph(claimWorkflow())).toEqual([])
  })

  it('reports unreachable states, dead ends and unused events', () => {
    const workflow = defineWorkflow({
      name: 'graph',
      version: 1,
      input,
      machine: createMachine({
        id: 'graph',
        initial: 'open',
        states: {
          open: { on: { answer: 'waiting' } },
          waiting: {}, // nothing leaves it
          orphan: { on: { answer: 'done' } }, // nothing enters it
          done: { type: 'final' },
        },
      }),
      events: { answer: { schema: empty, roles: ['seller'] }, withdraw: { schema: empty, roles: ['buyer'] } },
    })
    expect(summary(checkWorkflowGraph(workflow))).toEqual([
      ['unreachable-state', 'orphan', null],
      ['unreachable-state', 'done', null], // only the orphan leads there
      ['no-exit', 'waiting', null],
      ['unused-event', null, 'withdraw'],
    ])
  })

  it('reports deadline events handled where no deadline sends them, and deadlines nobody handles', () => {
    const workflow = defineWorkflow({
      name: 'timers',
      version: 1,
      input,
      machine: createMachine({
        id: 'timers',
        initial: 'a',
        states: {
          a: { on: { aDue: 'b', next: 'b' } },
          b: { on: { aDue: 'done', ghost: 'done', next: 'done' } }, // aDue is only armed in `a`
          done: { type: 'final' },
        },
      }),
      events: { next: { schema: empty, roles: ['buyer'] } },
      deadlines: { a: { aDue: 'P1D' }, b: { bDue: 'P1D' } },
    })
    expect(summary(checkWorkflowGraph(workflow))).toEqual([
      ['missing-deadline', 'b', 'aDue'],
      ['unsendable-event', 'b', 'ghost'],
      ['unhandled-deadline', 'b', 'bDue'],
    ])
  })

  it('follows nested states, parallel regions and deadlines declared on a parent', () => {
    const machine = (overExit: boolean) =>
      createMachine({
        id: 'nested',
        initial: 'live',
        states: {
          live: {
            initial: 'hidden',
            on: { expire: 'over' },
            states: { hidden: { on: { show: 'shown' } }, shown: { on: { hide: 'hidden' } } },
          },
          over: {
            type: 'parallel',
            ...(overExit ? { on: { archive: 'archived' } } : {}),
            states: {
              x: { initial: 'x1', states: { x1: { on: { show: 'x2' } }, x2: {} } },
              y: { initial: 'y1', states: { y1: {} } },
            },
          },
          archived: { type: 'final' },
        },
      })
    const workflow = (overExit: boolean) =>
      defineWorkflow({
        name: 'nested',
        version: 1,
        input,
        machine: machine(overExit),
        events: {
          show: { schema: empty, roles: ['seller'] },
          hide: { schema: empty, roles: ['seller'] },
          archive: { schema: empty, roles: ['operator'] },
        },
        deadlines: { live: { expire: 'P30D' } },
      })
    expect(checkWorkflowGraph(workflow(true))).toEqual([])
    // Without `archive`, no region leads out of the parallel state: the case is stuck there.
    expect(summary(checkWorkflowGraph(workflow(false)))).toEqual([
      ['unreachable-state', 'archived', null],
      ['no-exit', 'over', null],
      ['unused-event', null, 'archive'],
    ])
  })

  it('reports XState `after` timers, which a stored case would lose', () => {
    const workflow = defineWorkflow({
      name: 'after',
      version: 1,
      input,
      machine: createMachine({
        id: 'after',
        initial: 'a',
        states: { a: { after: { 1000: 'done' } }, done: { type: 'final' } },
      }),
      events: {},
    })
    expect(summary(checkWorkflowGraph(workflow))).toEqual([['delayed-transition', 'a', null]])
  })

  it('checks the states expected to have a deadline, and can ignore finding kinds', () => {
    const workflow = claimWorkflow()
    expect(
      summary(checkWorkflowGraph(workflow, { expectDeadlines: ['awaitingSeller', 'resolved'] })),
    ).toEqual([])
    const strict = defineWorkflow({ ...workflow, deadlines: { escalated: { operatorDue: '7d' } } })
    expect(summary(checkWorkflowGraph(strict, { expectDeadlines: () => true }))).toEqual([
      ['unsendable-event', 'awaitingSeller', 'sellerDue'],
      ['unsendable-event', 'resolved', 'autoClose'],
      ['missing-deadline', 'awaitingSeller', null],
      ['missing-deadline', 'resolved', null],
    ])
    expect(checkWorkflowGraph(strict, { ignore: ['missing-deadline', 'unsendable-event'] })).toEqual([])
    expect(() => checkWorkflowGraph(workflow, { expectDeadlines: ['nowhere'] })).toThrow(
      /no state of claim@1/,
    )
  })
})
