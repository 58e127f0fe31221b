import type { WorkflowDefinition } from '@parley/core'
import { checkWorkflow, checkWorkflowGraph } from '@parley/core/testing'
import { describe, expect, it } from 'vitest'
import {
  type DisputeContext,
  type DisputeInput,
  dispute,
  listingModeration,
  review,
  ticket,
} from '../src/index'

// The built-in workflows also pass core's generic workflow kit: its graph checks, and its engine
// invariants over command sequences generated from the workflows' own zod schemas.
describe('core workflow kit', () => {
  for (const workflow of [
    ticket(),
    dispute(),
    listingModeration(),
    review(),
    review({ doubleBlind: true }),
  ]) {
    it(`finds nothing wrong in the ${workflow.name} state graph`, () => {
      expect(checkWorkflowGraph(workflow)).toEqual([])
    })
  }

  it('keeps the engine invariants and the refund rule on generated dispute scenarios', async () => {
    const report = await checkWorkflow<DisputeInput, DisputeContext>(dispute(), {
      numRuns: 40,
      invariants: {
        'refund never exceeds the order total': ({ view }) =>
          view.context.refunded === null || view.context.refunded <= view.context.orderTotal,
        'refund requested at most once': ({ history }) =>
          history.flatMap((e) => e.emitted).filter((t) => t === 'refund.requested').length <= 1,
      },
    })
    expect(report.statesVisited).toContain('awaitingSeller')
  })

  const others: WorkflowDefinition[] = [
    ticket(),
    listingModeration(),
    review(),
    review({ doubleBlind: true }),
  ]
  for (const workflow of others) {
    it(`keeps the engine invariants on generated ${workflow.name} scenarios`, async () => {
      const report = await checkWorkflow(workflow, { numRuns: 30 })
      expect(report.numRuns).toBeGreaterThan(0)
    })
  }
})
