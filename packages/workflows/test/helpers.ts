import { type Actor, type CaseView, createEngine, manualClock, type WorkflowDefinition } from '@parley/core'

/** Actors used across the workflow tests. */
export const buyer: Actor = { role: 'buyer', id: 'b1' }
export const seller: Actor = { role: 'seller', id: 's1' }
export const operator: Actor = { role: 'operator', id: 'o1' }
export const system: Actor = { role: 'system', id: 'backend' }

/** An engine on a manual clock, recording every domain event. */
export function testEngine(workflows: WorkflowDefinition[], start = Date.UTC(2026, 0, 5, 10)) {
  const clock = manualClock(start)
  const engine = createEngine({ workflows, clock })
  // biome-ignore lint/suspicious/noExplicitAny: tests read payload fields of many event types
  const events: { type: string; payload: any; caseId: string }[] = []
  engine.on('*', (e) => events.push({ type: e.type, payload: e.payload, caseId: e.caseId }))
  const types = () => events.map((e) => e.type)
  return { engine, clock, events, types }
}

/** A view's context typed as the workflow's context (the engine types it as a plain record). */
export function contextOf<T>(view: CaseView): T {
  return view.context as unknown as T
}
