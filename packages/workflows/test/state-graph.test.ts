import type { WorkflowDefinition } from '@parley/core'
import { describe, expect, it } from 'vitest'
import {
  businessCalendar,
  dispute,
  listingModeration,
  review,
  stateGraph,
  ticket,
  workflowCatalog,
} from '../src/index'

/** Deadline events armed in `state`: its own deadlines and those of its ancestors. */
function deadlineEventsOf(workflow: WorkflowDefinition, state: string): Set<string> {
  const out = new Set<string>()
  for (const [path, byName] of workflow.normalizedDeadlines) {
    if (state === path || state.startsWith(`${path}.`)) for (const d of byName.values()) out.add(d.event)
  }
  return out
}

const variants: WorkflowDefinition[] = [
  ...workflowCatalog().map((e) => e.workflow),
  review({ doubleBlind: true }),
  dispute({ calendar: businessCalendar() }),
  ticket({ autoResolveAfter: 'P2D' }),
  listingModeration({ reportThreshold: 1 }),
]

describe('state graphs', () => {
  for (const workflow of variants) {
    it(`gives every non-final ${workflow.name} state a way out: an event some role may send, a deadline, or an automatic transition`, () => {
      const graph = stateGraph(workflow)
      for (const state of graph.states.filter((s) => !s.final)) {
        const deadlines = deadlineEventsOf(workflow, state.path)
        const exits = graph.edges.filter(
          (e) =>
            e.from === state.path &&
            (e.event === '' || deadlines.has(e.event) || (workflow.events[e.event]?.roles.length ?? 0) > 0),
        )
        expect(exits, `state ${state.path} has no exit`).not.toHaveLength(0)
      }
    })

    it(`fires ${workflow.name} deadline transitions only from states that arm them, and reaches every state`, () => {
      const graph = stateGraph(workflow)
      const deadlineEvents = new Set(
        [...workflow.normalizedDeadlines.values()].flatMap((m) => [...m.values()].map((d) => d.event)),
      )
      for (const edge of graph.edges.filter((e) => deadlineEvents.has(e.event))) {
        expect(deadlineEventsOf(workflow, edge.from).has(edge.event), `${edge.event} from ${edge.from}`).toBe(
          true,
        )
      }
      const reached = new Set([graph.initial])
      for (let grew = true; grew; ) {
        grew = false
        for (const e of graph.edges) {
          if (reached.has(e.from) && !reached.has(e.to)) {
            reached.add(e.to)
            grew = true
          }
        }
      }
      expect([...reached].sort()).toEqual(graph.states.map((s) => s.path).sort())
    })
  }

  it('keeps outside events and deadline names apart in every workflow', () => {
    for (const workflow of variants) {
      for (const byName of workflow.normalizedDeadlines.values())
        for (const name of byName.keys()) expect(Object.keys(workflow.events)).not.toContain(name)
    }
  })
})
