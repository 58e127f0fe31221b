import {
  type Actor,
  canSee,
  createEngine,
  manualClock,
  ParleyError,
  type WorkflowDefinition,
} from '@parley/core'
import fc from 'fast-check'
import { expect } from 'vitest'

/** Everyone who may try to act: the parties, an operator, a stranger and the backend. */
export const ACTORS: readonly Actor[] = [
  { role: 'buyer', id: 'b1' },
  { role: 'seller', id: 's1' },
  { role: 'operator', id: 'o1' },
  { role: 'buyer', id: 'b2' },
  { role: 'seller', id: 's2' },
  { role: 'system', id: 'backend' },
]

/** A step of a random run: an event from an actor, or time passing (deadlines fire). */
export type Step =
  | { kind: 'send'; type: string; payload: unknown; actor: Actor }
  | { kind: 'advance'; by: string }

/**
 * Random steps over the given payload samples per event type (unknown types included on purpose).
 * Actors are anyone, biased towards the holders of the roles the workflow lists for the event so
 * that runs get past the first refusals and reach deep states.
 */
export function stepsArb(
  workflow: WorkflowDefinition,
  payloads: Record<string, fc.Arbitrary<unknown>>,
  maxLength = 40,
): fc.Arbitrary<Step[]> {
  const holders = (type: string) =>
    ACTORS.filter((a) => a.id !== 'b2' && a.id !== 's2' && workflow.events[type]?.roles.includes(a.role))
  const send = fc.oneof(
    ...Object.entries(payloads).map(([type, payload]) => {
      const allowed = holders(type)
      const actor =
        allowed.length > 0
          ? fc.oneof(
              { weight: 3, arbitrary: fc.constantFrom(...allowed) },
              { weight: 1, arbitrary: fc.constantFrom(...ACTORS) },
            )
          : fc.constantFrom(...ACTORS)
      return fc.record({ kind: fc.constant('send' as const), type: fc.constant(type), payload, actor })
    }),
  )
  const advance = fc.record({
    kind: fc.constant('advance' as const),
    by: fc.constantFrom('PT1H', 'PT5H', 'P1D', 'P3D', 'P8D', 'P15D', 'P31D'),
  })
  return fc.array(fc.oneof({ weight: 4, arbitrary: send }, { weight: 1, arbitrary: advance }), {
    minLength: 5,
    maxLength,
    size: 'max',
  })
}

/** What a random run observed. */
export interface RunResult {
  // biome-ignore lint/suspicious/noExplicitAny: properties read payload fields of many event types
  readonly events: { type: string; payload: any }[]
  readonly final: { state: string; done: boolean; context: Record<string, unknown> }
}

const EXPECTED_CODES = ['VALIDATION', 'FORBIDDEN', 'EVENT_NOT_ALLOWED']

/**
 * Opens a case and plays `steps`, checking after each one: a finished case absorbs everything;
 * only roles listed for an event change the case; a refused event changes nothing; errors are
 * the documented refusals, never a workflow crash; nobody sees a message outside its audience.
 */
export async function play(
  workflow: WorkflowDefinition,
  input: unknown,
  opener: Actor,
  steps: readonly Step[],
): Promise<RunResult> {
  const clock = manualClock()
  const engine = createEngine({ workflows: [workflow], clock })
  const events: RunResult['events'] = []
  engine.on('*', (e) => events.push({ type: e.type, payload: e.payload }))
  const opened = await engine.open(workflow.name, input, { actor: opener })
  const id = opened.id
  const operator: Actor = { role: 'operator', id: 'o1' }
  for (const step of steps) {
    const before = await engine.get(id, { viewer: operator })
    if (step.kind === 'advance') {
      clock.advance(step.by)
      await engine.runDueDeadlines()
      const after = await engine.get(id, { viewer: operator })
      if (before.done) expect(after.version).toBe(before.version)
      continue
    }
    let accepted = false
    try {
      await engine.send(id, { type: step.type, payload: step.payload }, { actor: step.actor })
      accepted = true
    } catch (error) {
      expect(error).toBeInstanceOf(ParleyError)
      expect(EXPECTED_CODES, String(error)).toContain((error as ParleyError).code)
    }
    const after = await engine.get(id, { viewer: operator })
    if (before.done) expect(accepted).toBe(false)
    if (accepted) {
      expect(workflow.events[step.type]?.roles).toContain(step.actor.role)
      expect(after.version).toBe(before.version + 1)
    } else {
      expect(after.version).toBe(before.version)
      expect(after.context).toEqual(before.context)
      expect(after.state).toBe(before.state)
    }
  }
  for (const viewer of [
    { role: 'buyer', id: 'b1' },
    { role: 'seller', id: 's1' },
  ] as const) {
    const parties = (await engine.get(id, { viewer: operator })).parties
    if (parties[viewer.role] !== viewer.id) continue
    const view = await engine.get(id, { viewer })
    const messages = (view.context.messages ?? []) as {
      audience: readonly ('buyer' | 'seller' | 'operator')[]
    }[]
    for (const m of messages) expect(canSee(viewer.role, m.audience)).toBe(true)
    for (const entry of await engine.history(id, { viewer }))
      expect(canSee(viewer.role, entry.audience)).toBe(true)
  }
  const final = await engine.get(id, { viewer: operator })
  return { events, final: { state: final.state, done: final.done, context: final.context } }
}

/** A few message payloads: public, side channels, internal, and invalid. */
export const messagePayloads = fc.constantFrom(
  { body: 'hello' },
  { body: 'to the seller', audience: ['seller', 'operator'] },
  { body: 'to the buyer', audience: ['buyer', 'operator'] },
  { body: 'note', audience: ['operator'] },
  { body: '' },
)
